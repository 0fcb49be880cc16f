/**
 * uv workspaces as release-please packages (issue #11), opt-in:
 *
 *   [tool.uv.workspace]
 *   members = ["packages/*"]
 *   exclude = ["packages/legacy"]
 *
 *   [tool.shipline]
 *   uv-workspace = true
 *
 * Each member folder (globs expanded as uv does: `*`/`?`/`[…]` within one path segment, `**`
 * across segments; only folders holding a pyproject.toml) becomes a python package whose
 * package-name and component are its `[project].name`, unless release-please-config.json
 * already lists that path (the explicit entry wins). The root's own `[project]` (uv's implicit
 * member) is listed for dependency bumps only, never added. Without the key nothing here runs, and
 * the config is release-please's own.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { ShiplineError } from "../errors.ts";
import { readTextFile, typeName } from "./json-file.ts";

export const UV_WORKSPACE_KEY = "uv-workspace";

export interface UvMember {
  /** Folder relative to the root, "/"-separated, no leading "./" or trailing "/". */
  path: string;
  /** `[project].name` as written. */
  name: string;
  /** `[project].dependencies` as written (PEP 508 strings). */
  dependencies: string[];
  /** The workspace root's own `[project]` (path "."). */
  root?: boolean;
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v);

function readToml(file: string, label: string): Table {
  const text = readTextFile(file, label);
  try {
    return parseToml(text) as Table;
  } catch (e) {
    throw new ShiplineError(
      `${label} is not valid TOML: ${(e as Error).message.split("\n")[0]}`,
      `fix ${label}`,
    );
  }
}

/** One glob segment as a regex: `*` and `?` never cross "/", `[…]` classes kept, the rest literal. */
function segmentRegex(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = seg.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = seg.slice(i + 1, end);
        re += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function subdirs(root: string, rel: string): string[] {
  try {
    return readdirSync(join(root, rel), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== ".git")
      .map((d) => (rel ? `${rel}/${d.name}` : d.name));
  } catch {
    return [];
  }
}

/** Folders (relative to root) a workspace glob names, in sorted order. */
export function expandGlob(root: string, glob: string): string[] {
  const segs = glob
    .replace(/\\/g, "/")
    .split("/")
    .filter((s) => s !== "" && s !== ".");
  let current = [""];
  for (const seg of segs) {
    const next = new Set<string>();
    for (const dir of current) {
      if (seg === "**") {
        // zero or more folders
        const stack = [dir];
        while (stack.length) {
          const d = stack.pop()!;
          next.add(d);
          stack.push(...subdirs(root, d));
        }
      } else if (/[*?[]/.test(seg)) {
        const re = segmentRegex(seg);
        for (const d of subdirs(root, dir)) if (re.test(d.slice(d.lastIndexOf("/") + 1))) next.add(d);
      } else {
        const d = dir ? `${dir}/${seg}` : seg;
        if (existsSync(join(root, d))) next.add(d);
      }
    }
    current = [...next];
  }
  return current.filter((d) => d !== "").sort();
}

function stringList(v: unknown, label: string, key: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    throw new ShiplineError(
      `${label}: [tool.uv.workspace] ${key} must be an array of glob strings, found ${typeName(v)}`,
      `e.g. ${key} = ["packages/*"]`,
    );
  return v as string[];
}

/**
 * The uv workspace's members when the root pyproject.toml opts in with `[tool.shipline]
 * uv-workspace = true`; undefined when it does not (the common case costs one file read and
 * a substring test, no TOML parse). Members without a pyproject.toml are reported in
 * `warnings` and skipped (uv refuses them too). Throws ShiplineError for a malformed opt-in.
 */
export function uvWorkspaceMembers(root: string, warnings: string[] = []): UvMember[] | undefined {
  const file = join(root, "pyproject.toml");
  if (!existsSync(file)) return undefined;
  if (!readTextFile(file, "pyproject.toml").includes(UV_WORKSPACE_KEY)) return undefined;
  const data = readToml(file, "pyproject.toml");
  const tool = isTable(data.tool) ? data.tool : {};
  const shipline = isTable(tool.shipline) ? tool.shipline : {};
  const flag = shipline[UV_WORKSPACE_KEY];
  if (flag === undefined || flag === false) return undefined;
  if (flag !== true)
    throw new ShiplineError(
      `pyproject.toml: [tool.shipline] ${UV_WORKSPACE_KEY} must be true or false, found ${typeName(flag)}`,
      `set ${UV_WORKSPACE_KEY} = true to release each [tool.uv.workspace] member as its own package`,
    );
  const uv = isTable(tool.uv) ? tool.uv : {};
  const ws = uv.workspace;
  if (!isTable(ws))
    throw new ShiplineError(
      `pyproject.toml: [tool.shipline] ${UV_WORKSPACE_KEY} = true but there is no [tool.uv.workspace] table`,
      'add [tool.uv.workspace] members = ["packages/*"], or remove uv-workspace',
    );
  const members = stringList(ws.members, "pyproject.toml", "members");
  const excluded = new Set(
    stringList(ws.exclude, "pyproject.toml", "exclude").flatMap((g) => expandGlob(root, g)),
  );
  const paths = new Set(members.flatMap((g) => expandGlob(root, g)).filter((p) => !excluded.has(p)));
  const out: UvMember[] = [];
  for (const path of [...paths].sort()) {
    const label = `${path}/pyproject.toml`;
    if (!existsSync(join(root, path, "pyproject.toml"))) {
      warnings.push(`pyproject.toml: uv workspace member ${path} has no pyproject.toml; skipped`);
      continue;
    }
    const project = readToml(join(root, path, "pyproject.toml"), label).project;
    const name = isTable(project) ? project.name : undefined;
    if (typeof name !== "string" || name === "") {
      warnings.push(`${label} has no [project].name; the uv workspace member is skipped`);
      continue;
    }
    const deps = isTable(project) && Array.isArray(project.dependencies) ? project.dependencies : [];
    out.push({ path, name, dependencies: deps.filter((d): d is string => typeof d === "string") });
  }
  // The root project is a member too (uv's implicit one): its requirements are bumped when it is
  // a package of the config, but it is never added as one (a "." package takes every commit).
  const rootProject = data.project;
  if (isTable(rootProject) && typeof rootProject.name === "string" && rootProject.name) {
    const deps = Array.isArray(rootProject.dependencies) ? rootProject.dependencies : [];
    out.push({
      path: ".",
      name: rootProject.name,
      dependencies: deps.filter((d): d is string => typeof d === "string"),
      root: true,
    });
  }
  return out;
}

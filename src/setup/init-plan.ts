/**
 * What `shipline init` would change in a repository, computed without writing anything:
 * each file's current and proposed content. Existing release-please config and manifest are
 * never touched; `.gitignore` and `pyproject.toml` only get lines appended (and a version file
 * release-please would not bump, only a marker comment on its version line); workflows that
 * exist with other content (or old release-please/pypi-publish workflows to retire) are
 * conflicts that only `--force` may replace.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  CONFIG_FILE,
  DOT_CONFIG_FILE,
  loadReleasePleaseConfig,
  MANIFEST_FILE,
} from "../config/release-please.ts";
import { loadShiplineConfig, readPyproject } from "../config/shipline.ts";
import { uvWorkspaceMembers } from "../config/uv-workspace.ts";
import { ShiplineError } from "../errors.ts";
import { currentBranch } from "../git/branch-commit.ts";
import { git } from "../git/git.ts";
import { type CurrentVersion, currentVersion, manifestVersion } from "./current-version.ts";
import { migrationHints, readWorkflows, WORKFLOW_DIR } from "./existing-workflows.ts";
import { ciWorkflow, releaseWorkflow, type WorkflowOptions } from "./workflow-templates.ts";

export interface FileChange {
  path: string;
  /** Current content; null when the file does not exist. */
  before: string | null;
  /** Proposed content; null deletes the file. */
  after: string | null;
  /** Replaces or deletes content the user wrote: needs --force. */
  conflict: boolean;
  why: string;
}

export interface InitPlan {
  root: string;
  changes: FileChange[];
  /** Files left as they are, and why. */
  kept: { path: string; why: string }[];
  notes: string[];
  migrated: boolean;
}

const read = (root: string, p: string) =>
  existsSync(join(root, p)) ? readFileSync(join(root, p), "utf8") : null;

/**
 * The branch releases are cut from: origin's default branch when known, else the checked-out
 * branch when it is a usual trunk name (main, master, trunk, develop), else main.
 */
function defaultBranch(root: string, current: string | undefined): string {
  const r = git(["symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD"], {
    cwd: root,
    allowFailure: true,
  });
  if (r.exitCode === 0 && r.stdout.trim().startsWith("origin/"))
    return r.stdout.trim().slice("origin/".length);
  return current && /^(main|master|trunk|develop)$/.test(current) ? current : "main";
}

/** Python tools the enabled gates call, to pip-install in CI (python/shipline themselves excluded). */
export function gateTools(root: string): string[] {
  const tools = new Set<string>();
  for (const g of loadShiplineConfig(root).gates) {
    if (!g.enabled) continue;
    const first = Array.isArray(g.command) ? g.command[0] : g.command.trim().split(/\s+/)[0];
    if (
      first &&
      /^[a-z0-9][a-z0-9._-]*$/i.test(first) &&
      !/^(python[0-9.]*|shipline|make|sh|bash)$/.test(first)
    )
      tools.add(first);
    // `shipline build` (the build gate) runs `python -m build` when uv is not there
    if (first === "shipline" && g.name === "build") tools.add("build");
  }
  return [...tools];
}

export function shiplineTable(pythons: string[], githubAssets = false): string {
  return `
[tool.shipline]
# Written by \`shipline init\`. The defaults reproduce a release-please + PyPI setup: gates
# ruff check + ruff format --check (blocking), mypy (non-blocking), pytest (blocking), build +
# twine-style check (blocking); publish to PyPI with Trusted Publishing and attestations.
python = [${pythons.map((p) => JSON.stringify(p)).join(", ")}]
order = "release-first"
${
  githubAssets
    ? `
[tool.shipline.publish]
# the old release workflow attached files to the GitHub release; shipline attaches the dists and
# their Sigstore bundles, the release a draft until they are on it (immutable releases)
github-assets = true
`
    : ""
}`;
}

const MARKER = "x-release-please-version";

/**
 * The version file's change for a new config: its `__version__ = "X.Y.Z"` line ends with the
 * marker release-please's generic updater looks for (a comment: nothing else in the file
 * changes). Undefined when the file is managed already, or the version is not X.Y.Z (the
 * generic updater would not find it there either).
 */
function markVersionLine(root: string, found: CurrentVersion | undefined): FileChange | undefined {
  const file = found?.unmanagedFile;
  if (!file || !found.built || !/^\d+\.\d+\.\d+/.test(found.version)) return undefined;
  const before = read(root, file);
  if (before === null) return undefined;
  const lines = before.split("\n");
  const i = lines.findIndex((l) => /^(?:__version__|VERSION)\s*(?::\s*str\s*)?=\s*['"]/.test(l));
  if (i < 0 || lines[i]!.includes(MARKER)) return undefined;
  const cr = lines[i]!.endsWith("\r") ? "\r" : "";
  lines[i] = `${lines[i]!.slice(0, lines[i]!.length - cr.length).trimEnd()}  # ${MARKER}${cr}`;
  return {
    path: file,
    before,
    after: lines.join("\n"),
    conflict: false,
    why: `the version the build reads: its line gets \`# ${MARKER}\` and the config lists it in extra-files, so release PRs bump it (release-please's python updater does not rewrite it)`,
  };
}

/** Whether the existing release-please config's root package lists `file` in extra-files. */
function extraFileOf(root: string, file: string): boolean {
  try {
    const p = loadReleasePleaseConfig(root).packages.find((x) => x.path === ".");
    return Boolean(
      p?.extraFiles.some((f) => (typeof f === "string" ? f : f.path).replace(/^\//, "") === file),
    );
  } catch {
    return false; // doctor reports a config it cannot read
  }
}

/** A new release-please config file (with the schema, so editors complete its keys). */
function newConfig(body: Record<string, unknown>, why: string): InitPlan["changes"][number] {
  const $schema = "https://raw.githubusercontent.com/googleapis/release-please/main/schemas/config.json";
  return {
    path: CONFIG_FILE,
    before: null,
    after: `${JSON.stringify({ $schema, ...body }, null, 2)}\n`,
    conflict: false,
    why,
  };
}

/** Tracked pyproject.toml files below the root that name a project: a monorepo's packages. */
function nestedProjects(root: string): { path: string; name: string }[] {
  const files = git(["ls-files", "--", "*/pyproject.toml"], { cwd: root, allowFailure: true })
    .stdout.split("\n")
    .filter(Boolean)
    .sort();
  const out: { path: string; name: string }[] = [];
  for (const f of files) {
    const dir = dirname(f);
    let data: Record<string, unknown> | undefined;
    try {
      data = readPyproject(join(root, dir))?.data;
    } catch {
      continue; // invalid TOML: not a package init can describe; doctor names it
    }
    const name =
      (data?.project as { name?: unknown } | undefined)?.name ??
      ((data?.tool as { poetry?: { name?: unknown } } | undefined)?.poetry?.name as unknown);
    if (typeof name === "string" && name) out.push({ path: dir, name });
  }
  return out;
}

export function planInit(root: string): InitPlan {
  const py = readPyproject(root);
  // A monorepo without a root project: each tracked pyproject.toml with a name is a package
  // (gates install them all, `build` builds them all); [tool.shipline] has no home, so defaults.
  // A setup.py/setup.cfg project without a pyproject.toml is one package at the root (the
  // python strategy rewrites setup.py and setup.cfg), with shipline's defaults.
  // (a setup.cfg only counts with a [metadata] section: many repositories keep tool settings there)
  const legacy =
    !py && (read(root, "setup.py") !== null || /^\[metadata\]/m.test(read(root, "setup.cfg") ?? ""));
  const nested = py || legacy ? [] : nestedProjects(root);
  if (!py && !legacy && !nested.length)
    throw new ShiplineError(
      `no pyproject.toml in ${root}`,
      "shipline releases Python packages: run init at the root of a project with a pyproject.toml (or setup.py)",
    );
  const workflows = readWorkflows(root);
  const hints = migrationHints(workflows);
  const plan: InitPlan = { root, changes: [], kept: [], notes: [], migrated: hints.replaced.length > 0 };
  const cfg = loadShiplineConfig(root);
  const branchNow = currentBranch(root);
  const opts: WorkflowOptions = {
    branch: hints.branch ?? defaultBranch(root, branchNow),
    pythons: hints.pythons ?? cfg.python,
    tools: gateTools(root),
    environment: hints.environment,
    tokenSecret: hints.tokenSecret,
    githubAssets: hints.attachesAssets,
    ...(nested.length && { projects: nested.map((m) => `./${m.path}`) }),
  };
  if (hints.environment)
    plan.notes.push(
      `the publish job keeps its environment "${hints.environment}": release.yml runs \`shipline run --no-publish\`, then a publish job in that environment runs \`shipline publish --require-release\``,
    );
  if (hints.tokenSecret)
    plan.notes.push(`shipline gets the token release-please-action used: secrets.${hints.tokenSecret}`);
  const hasTool = (py?.data.tool as Record<string, unknown> | undefined)?.shipline;
  if (hints.attachesAssets)
    plan.notes.push(
      hasTool === undefined
        ? "the old workflow attached files to the GitHub release: [tool.shipline.publish] github-assets = true does it now (the release waits as a draft until the dists and bundles are on it)"
        : "the old workflow attached files to the GitHub release: add `github-assets = true` to [tool.shipline.publish] for shipline to do it",
    );

  // release-please files: kept unchanged when present (shipline reads them as they are).
  const existingConfig = [CONFIG_FILE, DOT_CONFIG_FILE].find((f) => read(root, f) !== null);
  if (hints.configFile && ![CONFIG_FILE, DOT_CONFIG_FILE].includes(hints.configFile))
    plan.notes.push(
      `the old workflow passed config-file: ${hints.configFile}; shipline reads ${CONFIG_FILE} or ${DOT_CONFIG_FILE}: rename it`,
    );
  // [tool.shipline] uv-workspace = true: every member is a package of its own (the config
  // loader adds them), the root is none of them.
  const uvMembers = uvWorkspaceMembers(root)?.filter((m) => !m.root);
  const members = uvMembers?.length ? uvMembers : nested.length ? nested : undefined;
  const found = members?.length || nested.length ? undefined : currentVersion(root, py?.data ?? {});
  if (existingConfig) plan.kept.push({ path: existingConfig, why: "release-please config, used unchanged" });
  else if (nested.length)
    plan.changes.push(
      newConfig(
        {
          "release-type": "python",
          // a package-name each: without one every package would tag v1.2.3 (doctor: tag-collision)
          packages: Object.fromEntries(nested.map((m) => [m.path, { "package-name": m.name }])),
        },
        `release-please config; the ${nested.length} project(s) below the root are its packages, tagged <name>-v<version>`,
      ),
    );
  else if (members?.length)
    plan.changes.push(
      newConfig(
        { "release-type": "python", packages: {} },
        `release-please config; the uv workspace's ${members.length} member(s) are its packages`,
      ),
    );
  else {
    // No package-name: release-please would then put it in every tag (name-v1.2.3), breaking
    // the v1.2.3 tags an existing project already has. The python strategy reads the name itself.
    const pkg: Record<string, unknown> = { "release-type": "python" };
    // A version file the python updater does not rewrite (hatch's __about__.py…) becomes an
    // extra-file with the marker, so release PRs bump what the build reads (see version-guard.ts).
    const marked = markVersionLine(root, found);
    if (marked) {
      pkg["extra-files"] = [marked.path];
      plan.changes.push(marked);
    }
    plan.changes.push(newConfig({ packages: { ".": pkg } }, "release-please config (python release type)"));
  }
  if (read(root, MANIFEST_FILE) !== null)
    plan.kept.push({ path: MANIFEST_FILE, why: "release-please manifest, used unchanged" });
  else if (members?.length) {
    // each member at its own version (its pyproject, its files, else its newest <name>-vX.Y.Z tag)
    const versions: Record<string, string> = {};
    for (const m of members) {
      const data = readPyproject(join(root, m.path))?.data ?? {};
      const found = currentVersion(join(root, m.path), data, `${m.name}-v`, root);
      versions[m.path] = manifestVersion(found?.version ?? "0.0.0");
      if (found?.unmanagedFile)
        plan.notes.push(
          `${m.path}: the version lives in ${m.path}/${found.unmanagedFile}, which release-please's python updater does not rewrite: add it to extra-files for "${m.path}"`,
        );
    }
    plan.changes.push({
      path: MANIFEST_FILE,
      before: null,
      after: `${JSON.stringify(versions, null, 2)}\n`,
      conflict: false,
      why: `release-please manifest: ${Object.entries(versions)
        .map(([p, v]) => `${p} at ${v}`)
        .join(", ")}`,
    });
  } else {
    const version = manifestVersion(found?.version ?? "0.0.0");
    plan.changes.push({
      path: MANIFEST_FILE,
      before: null,
      after: `${JSON.stringify({ ".": version }, null, 2)}\n`,
      conflict: false,
      why: `release-please manifest at ${version} (${found ? found.source : "no version found: the first release will be 0.1.0"})`,
    });
    if (found && version !== found.version)
      plan.notes.push(
        `the version ${found.version} is written ${version} in the manifest: release-please needs X.Y.Z`,
      );
  }
  const listed = (f: string) =>
    plan.changes.some((c) => c.path === f) || (existingConfig !== undefined && extraFileOf(root, f));
  if (found?.unmanagedFile && !listed(found.unmanagedFile))
    plan.notes.push(
      `the version lives in ${found.unmanagedFile}, which release-please's python updater does not rewrite: add "extra-files": ["${found.unmanagedFile}"] to the package in ${existingConfig ?? CONFIG_FILE} and end its version line with the comment \`# x-release-please-version\``,
    );

  // Workflows.
  // A CI workflow of the user's own (not ours, not a release-please one to retire) stays: the
  // gates get a workflow file of their own beside it instead of a conflict only --force solves.
  const ci = `${WORKFLOW_DIR}/ci.yml`;
  const ciText = read(root, ci);
  const ownCi =
    ciText !== null &&
    !ciText.startsWith("# Written by `shipline init`") &&
    !hints.replaced.some((w) => w.path === ci);
  const ciPath = ownCi ? `${WORKFLOW_DIR}/shipline-gates.yml` : ci;
  if (ownCi) plan.kept.push({ path: ci, why: `your own CI, kept; the gates go in ${ciPath}` });
  const proposed: [string, string, string][] = [
    [ciPath, ciWorkflow(opts, ownCi ? "shipline gates" : "CI"), "gates on pull requests and pushes"],
    [`${WORKFLOW_DIR}/release.yml`, releaseWorkflow(opts), `shipline run on pushes to ${opts.branch}`],
  ];
  for (const [path, after, why] of proposed) {
    const before = read(root, path);
    if (before === after) plan.kept.push({ path, why: "already up to date" });
    else plan.changes.push({ path, before, after, conflict: before !== null, why });
  }
  for (const w of hints.replaced) {
    if (proposed.some(([p]) => p === w.path)) continue;
    const what = [
      w.usesReleasePlease && "release-please-action",
      w.usesPypiPublish && "gh-action-pypi-publish",
    ]
      .filter(Boolean)
      .join(" + ");
    plan.changes.push({
      path: w.path,
      before: w.text,
      after: null,
      conflict: true,
      why: `runs ${what}; release.yml replaces it (both would release)`,
    });
  }

  // pyproject.toml: append [tool.shipline] when absent (never rewrites what is there).
  const tool = (py?.data.tool as Record<string, unknown> | undefined)?.shipline;
  const pyText = py ? readFileSync(py.path, "utf8") : "";
  if (legacy)
    plan.notes.push(
      "no pyproject.toml: shipline runs with its defaults (Pythons 3.9–3.13, every gate); its settings live in a [tool.shipline] table of a pyproject.toml, and adding one to a setup.py project turns on PEP 517 build isolation, so give it a [build-system] with the build's requirements too",
    );
  else if (!py)
    plan.notes.push(
      "no root pyproject.toml: shipline runs with its defaults (Pythons 3.9–3.13, every gate); to change them, add a root pyproject.toml with a [tool.shipline] table",
    );
  else if (tool === undefined)
    plan.changes.push({
      path: "pyproject.toml",
      before: pyText,
      after: `${pyText}${pyText.endsWith("\n") || pyText === "" ? "" : "\n"}${shiplineTable(opts.pythons, hints.attachesAssets)}`,
      conflict: false,
      why: "adds [tool.shipline] with the defaults spelled out",
    });
  else plan.kept.push({ path: "pyproject.toml", why: "[tool.shipline] already present" });

  // .gitignore: the checkpoint directory is local state, never committed.
  const gi = read(root, ".gitignore");
  const ignored = gi?.split(/\r?\n/).some((l) => /^\/?\.shipline\/?$/.test(l.trim()));
  if (!ignored) {
    const base = gi ?? "";
    plan.changes.push({
      path: ".gitignore",
      before: gi,
      after: `${base}${base === "" || base.endsWith("\n") ? "" : "\n"}# shipline's local checkpoint and lock\n.shipline/\n`,
      conflict: false,
      why: "ignores shipline's checkpoint directory",
    });
  }
  return plan;
}

/**
 * The version a project is at, for the manifest `shipline init` writes: release-please bumps
 * from the manifest, so a wrong one here makes the first release PR rewrite the version (a
 * Poetry project at 2.3.1 read as 0.0.0 was proposed 0.1.0). In order: [project].version,
 * [tool.poetry].version, setup.cfg's [metadata] version (as written, or the `attr:` module's),
 * setup.py's `version="X.Y.Z"`,
 * a dynamic version read from the file its backend reads it from (hatch's version path,
 * setuptools' attr, flit's module), the latest vX.Y.Z tag.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseIni } from "../config/ini.ts";
import { git } from "../git/git.ts";

export interface CurrentVersion {
  version: string;
  /** Where it was read, for init's explanation. */
  source: string;
  /** The file holding it when release-please's python updater does not rewrite that file. */
  unmanagedFile?: string;
  /**
   * The build backend takes the version from here, so a build makes this version (not so for
   * a `__version__` found by guessing the module from the project's name, or the latest tag).
   */
  built?: boolean;
}

type Table = Record<string, unknown>;
const table = (v: unknown): Table | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Table) : undefined;

/**
 * A project's files by path relative to its folder: the working tree, or (for a release
 * made at an older commit) that commit's tree. Undefined: no such file.
 */
export type ReadFile = (rel: string) => string | undefined;

export const workingTree =
  (root: string): ReadFile =>
  (rel) => {
    const path = join(root, rel);
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  };

/** `__version__ = "1.2.3"` (or VERSION), as hatch's default pattern and flit read it. */
function versionInFile(read: ReadFile, rel: string): string | undefined {
  const text = read(rel);
  if (text === undefined) return undefined;
  return /^(?:__version__|VERSION)\s*(?::\s*str\s*)?=\s*(['"])v?([^'"]+)\1/m.exec(text)?.[2];
}

/** The module file of a dotted name (pkg.sub → pkg/sub/__init__.py or pkg/sub.py), in . or src/. */
function moduleFile(read: ReadFile, dotted: string): string | undefined {
  const rel = dotted.split(".").join("/");
  for (const base of ["", "src/"])
    for (const f of [`${base}${rel}/__init__.py`, `${base}${rel}.py`]) if (read(f) !== undefined) return f;
  return undefined;
}

/**
 * Files release-please's python strategy rewrites besides pyproject/setup.* (src/strategies/
 * python.ts): the package's `__init__.py` (in . or src/), and every `version.py` it finds.
 */
function managedByPython(rel: string, projectName: string): boolean {
  if (/(^|\/)version\.py$/.test(rel)) return true;
  if (!projectName) return false;
  // as the strategy spells them: the name as written, and with `-` as `_`
  return [projectName, projectName.replace(/-/g, "_")].some(
    (n) => rel === `${n}/__init__.py` || rel === `src/${n}/__init__.py`,
  );
}

/** The newest `<prefix>X.Y.Z` tag's version (prefix "v", or "<component>-v" for a monorepo package). */
function latestTag(root: string, prefix: string): string | undefined {
  const r = git(["tag", "--list", "--sort=-v:refname", `${prefix}[0-9]*`], { cwd: root, allowFailure: true });
  return r.stdout
    .split("\n")
    .find((t) => t.startsWith(prefix) && /^\d+\.\d+\.\d+/.test(t.slice(prefix.length)))
    ?.slice(prefix.length);
}

/**
 * The project's version in `root` (a package folder of the repository at `repo`, or the
 * repository itself); the last resort is the newest `<tagPrefix>X.Y.Z` tag.
 */
export function currentVersion(
  root: string,
  data: Table,
  tagPrefix = "v",
  repo = root,
): CurrentVersion | undefined {
  const declared = declaredVersion(root, data);
  if (declared) return declared;
  const tag = latestTag(repo, tagPrefix);
  return tag ? { version: tag, source: "latest tag" } : undefined;
}

/** The version the project's files state (`data` is its pyproject.toml, {} without one); no git. */
export function declaredVersion(
  root: string,
  data: Table,
  read: ReadFile = workingTree(root),
): CurrentVersion | undefined {
  const project = table(data.project);
  const tool = table(data.tool);
  if (typeof project?.version === "string")
    return { version: project.version, source: "pyproject [project].version", built: true };
  const poetry = table(tool?.poetry);
  if (typeof poetry?.version === "string")
    return { version: poetry.version, source: "pyproject [tool.poetry].version", built: true };
  const name = String(project?.name ?? poetry?.name ?? "");
  const pkg = name.toLowerCase().replace(/[-.]+/g, "_");
  const candidates: string[] = [];
  // setup.cfg: `version = 1.2.3` (release-please's setup.cfg updater rewrites it), or
  // `version = attr: pkg.__version__` (the module file holds it)
  const cfgText = read("setup.cfg");
  const cfgVersion = (cfgText === undefined ? undefined : parseIni(cfgText))?.metadata?.version?.trim();
  const cfgAttr = cfgVersion && /^attr:\s*([\w.]+)$/.exec(cfgVersion);
  if (cfgAttr) {
    const f = moduleFile(read, cfgAttr[1]!.replace(/\.[^.]+$/, ""));
    if (f) candidates.push(f);
  } else if (cfgVersion && /^\d/.test(cfgVersion))
    return { version: cfgVersion, source: "setup.cfg [metadata] version", built: true };
  // setup.py's `version="1.2.3"`, the literal release-please's SetupPy updater rewrites (its
  // pattern, but as a whole word: its own would also take `python_version="3.9.1"`)
  const setupPy = /\bversion ?= ?(["'])([0-9]+\.[0-9]+\.[0-9]+(?:-\w+)?)\1/.exec(read("setup.py") ?? "");
  if (setupPy) return { version: setupPy[2] as string, source: "setup.py", built: true };
  // hatch reads `path` with its default `regex` source; another source (vcs…) ignores it
  const hatchVersion = table(table(tool?.hatch)?.version);
  const hatchSource = hatchVersion?.source ?? "regex";
  if (typeof hatchVersion?.path === "string" && hatchSource === "regex") candidates.push(hatchVersion.path);
  const attr = table(table(table(tool?.setuptools)?.dynamic)?.version)?.attr;
  if (typeof attr === "string") {
    const f = moduleFile(read, attr.replace(/\.[^.]+$/, ""));
    if (f) candidates.push(f);
  }
  // Files named by the backend's config are what it builds from; flit reads its module's too.
  const named = candidates.length;
  const flitModule = table(table(tool?.flit)?.module)?.name;
  const backend = table(data["build-system"])?.["build-backend"];
  const flit = typeof flitModule === "string" || (typeof backend === "string" && backend.startsWith("flit"));
  const modName = typeof flitModule === "string" ? flitModule : pkg;
  const mod = modName ? moduleFile(read, modName) : undefined;
  if (mod) candidates.push(mod);
  for (const [i, f] of candidates.entries()) {
    const version = versionInFile(read, f);
    if (version)
      return {
        version,
        source: f,
        unmanagedFile: managedByPython(f, name) ? undefined : f,
        built: i < named || flit,
      };
  }
  return undefined;
}

/** release-please needs X.Y.Z in the manifest: PEP 440's 1.0 is 1.0.0. */
export function manifestVersion(v: string): string {
  if (/^\d+$/.test(v)) return `${v}.0.0`;
  if (/^\d+\.\d+$/.test(v)) return `${v}.0`;
  return v;
}

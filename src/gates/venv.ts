/**
 * One isolated venv per Python under `.shipline/venvs/<X.Y>/`, created once and reused.
 *
 * Decisions (see README "Quality gates"):
 * - `python -m venv --system-site-packages --without-pip`: creation takes ~0.1 s and needs
 *   no network; the base interpreter's packages (pip, setuptools, pytest, mypy …) stay
 *   visible, while anything installed into the venv (the project, its pinned test extras)
 *   comes first on sys.path and wins. A project that pins its tools gets exactly those.
 * - The project is installed editable with its test extras (`test`, `tests` or `testing` in
 *   [project.optional-dependencies]) and its test dependency group (PEP 735; `dev` when there
 *   is no test group, as uv installs it): `uv pip install` when uv exists, else pip — first
 *   offline (`--no-index --no-build-isolation`: works whenever everything it needs is
 *   already there, which is the case for a project without extra dependencies), then, when
 *   pip says a distribution or the build backend is missing, from the index with build
 *   isolation (so setuptools is fetched for a Python that has none). When neither works (no pip, a
 *   setuptools too old for editable installs) a `.pth` file puts the project's source on
 *   sys.path, which is what an editable install does, and the log says so.
 * - A monorepo's packages (release-please `packages` paths, uv workspace members) are installed
 *   editable beside the root project (or alone, when the root is no project), in one command so
 *   one resolve sees them all: a package that depends on another is satisfied by the local copy,
 *   which no index has.
 * - Reinstalled only when a pyproject.toml/setup.cfg/setup.py or the interpreter changed
 *   (a stamp file records what was installed), or when the last install fell back to a .pth.
 */
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { readSetupCfg } from "../config/ini.ts";
import { projectFolders } from "../config/release-please.ts";
import { readPyproject } from "../config/shipline.ts";
import { ShiplineError } from "../errors.ts";
import { runGroup } from "./process.ts";
import type { PythonInterpreter } from "./python.ts";
import { type DiscoveryEnv, which } from "./python.ts";

export interface Venv {
  version: string;
  dir: string;
  python: string;
  bin: string;
}

export const TEST_EXTRAS = ["test", "tests", "testing"];

export function venvPaths(root: string, version: string, platform: NodeJS.Platform): Venv {
  const dir = join(root, ".shipline", "venvs", version);
  const win = platform === "win32";
  const bin = join(dir, win ? "Scripts" : "bin");
  return { version, dir, bin, python: join(bin, win ? "python.exe" : "python") };
}

interface Project {
  /** pip's argument for it: "." or "./packages/a" (with "[extra]" added when it has one). */
  spec: string;
  installable: boolean;
  extra?: string;
  /** The PEP 735 dependency group installed beside it, and its requirements (includes resolved). */
  group?: string;
  groupRequirements: string[];
  /** Where the importable code lives (src/ layout or the root), for the .pth fallback. */
  sourceDir: string;
  hasDependencies: boolean;
}

function readProject(repo: string, dir = "."): Project {
  const root = join(repo, dir);
  const py = readPyproject(root);
  const project = py?.data.project as Record<string, unknown> | undefined;
  // the test extra from [project.optional-dependencies], else setup.cfg's [options.extras_require]
  const extras = (project?.["optional-dependencies"] ?? {}) as Record<string, unknown>;
  const cfgExtras = readSetupCfg(root)?.["options.extras_require"] ?? {};
  const extra = TEST_EXTRAS.find((e) => e in extras) ?? TEST_EXTRAS.find((e) => cfgExtras[e]?.trim());
  const deps = Array.isArray(project?.dependencies) ? project.dependencies.length : 0;
  const group = dependencyGroup(py?.data["dependency-groups"]);
  return {
    ...group,
    spec: dir === "." ? "." : `./${dir}`,
    // a [build-system] table (Poetry, flit, hatch without [project]) or setup.py: pip can install it
    installable: Boolean(project) || Boolean(py?.data["build-system"]) || existsSync(join(root, "setup.py")),
    extra,
    sourceDir: existsSync(join(root, "src")) ? join(root, "src") : root,
    // a [build-system] table counts: its backend, or Poetry's [tool.poetry] dependencies (not
    // read here), may be what "No matching distribution" is about
    hasDependencies:
      deps > 0 ||
      group.groupRequirements.length > 0 ||
      Boolean(py?.data["build-system"]) ||
      (extra ? Boolean(extras[extra] ?? cfgExtras[extra]) : false),
  };
}

/** PEP 735 group names compare normalised, like project names. */
const groupKey = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

/**
 * The test dependency group of PEP 735's [dependency-groups] (`test`, `tests`, `testing`, else
 * uv's default `dev`), flattened: `{include-group = "…"}` entries are followed, once each.
 * Flattened here and passed to pip as requirements, because `pip install --group` needs pip
 * 25.1, newer than most interpreters' bundled pip. A malformed table installs no group.
 */
export function dependencyGroup(table: unknown): { group?: string; groupRequirements: string[] } {
  if (!table || typeof table !== "object" || Array.isArray(table)) return { groupRequirements: [] };
  const groups = new Map(Object.entries(table).map(([k, v]) => [groupKey(k), v]));
  const group = [...TEST_EXTRAS, "dev"].find((g) => groups.has(g));
  if (!group) return { groupRequirements: [] };
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (name: string): void => {
    if (seen.has(name)) return; // a cycle is an error to pip/uv; here it just ends
    seen.add(name);
    const entries = groups.get(name);
    if (!Array.isArray(entries)) return;
    for (const e of entries) {
      // an entry starting with "-" would be read as a pip option: never passed
      if (typeof e === "string") {
        if (!e.trim().startsWith("-")) out.push(e.trim());
      } else if (
        e &&
        typeof e === "object" &&
        typeof (e as Record<string, unknown>)["include-group"] === "string"
      )
        walk(groupKey((e as Record<string, string>)["include-group"]!));
    }
  };
  walk(group);
  return { group, groupRequirements: [...new Set(out)] };
}

function installKey(root: string, interp: PythonInterpreter, dirs: string[]): string {
  const h = createHash("sha256").update(`${interp.path}\0${interp.full}\0`);
  for (const dir of dirs)
    for (const f of ["pyproject.toml", "setup.cfg", "setup.py"]) {
      const p = join(root, dir, f);
      h.update(`${dir}/${f}\0`).update(existsSync(p) ? readFileSync(p) : "");
    }
  return h.digest("hex");
}

interface Stamp {
  interpreter: string;
  full: string;
  key: string;
  method: string;
}

const STAMP = "shipline-venv.json";

function readStamp(dir: string): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, STAMP), "utf8")) as Stamp;
  } catch {
    return undefined;
  }
}

export interface EnsureOptions {
  root: string;
  interp: PythonInterpreter;
  logFile: string;
  discovery: DiscoveryEnv;
  timeoutMs: number;
}

/** Create or reuse the venv for this interpreter and (re)install the project when it changed. */
export async function ensureVenv(o: EnsureOptions): Promise<Venv & { reused: boolean; method: string }> {
  const { root, interp, logFile } = o;
  const platform = o.discovery.platform;
  const v = venvPaths(root, interp.version, platform);
  const found = projectFolders(root);
  const dirs = found.length ? found : ["."]; // no project at all: readProject says so
  const key = installKey(root, interp, dirs);
  const stamp = readStamp(v.dir);
  const note = (s: string) => appendFileSync(logFile, `[shipline] ${s}\n`);
  // A .pth fallback is not a result to keep: the next run tries to install the project again.
  if (stamp && stamp.key === key && existsSync(v.python) && stamp.method !== PTH_FALLBACK) {
    note(`reusing ${v.dir} (${stamp.method})`);
    return { ...v, reused: true, method: stamp.method };
  }
  const env: NodeJS.ProcessEnv = {
    ...o.discovery.env,
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PYTHONDONTWRITEBYTECODE: "1",
  };
  delete env.PYTHONHOME;
  delete env.VIRTUAL_ENV;
  const run = async (argv: string[], what: string) => {
    note(`$ ${argv.join(" ")}`);
    const r = await runGroup(argv, { cwd: root, env, logFile, timeoutMs: o.timeoutMs });
    if (r.interrupted) throw new ShiplineError(`interrupted while ${what}`);
    return r.code === 0;
  };
  if (!stamp || stamp.interpreter !== interp.path || stamp.full !== interp.full || !existsSync(v.python)) {
    // Build beside the final place and rename, so a killed run never leaves a half venv that looks whole.
    const tmp = `${v.dir}.tmp-${process.pid}`;
    mkdirSync(join(v.dir, ".."), { recursive: true });
    sweepDeadTemps(v.dir);
    try {
      const ok = await run(
        [interp.path, "-m", "venv", "--system-site-packages", "--without-pip", tmp],
        "creating the venv",
      );
      if (!ok)
        throw new ShiplineError(
          `could not create a venv for Python ${interp.version} (${interp.path})`,
          `see ${logFile}; on Debian/Ubuntu install python${interp.version}-venv`,
        );
      rmSync(v.dir, { recursive: true, force: true });
      renameSync(tmp, v.dir);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const method = await installProject(root, dirs, v, o, run, note);
  writeFileSync(
    join(v.dir, STAMP),
    `${JSON.stringify({ interpreter: interp.path, full: interp.full, key, method })}\n`,
  );
  return { ...v, reused: false, method };
}

async function installProject(
  root: string,
  dirs: string[],
  v: Venv,
  o: EnsureOptions,
  run: (argv: string[], what: string) => Promise<boolean>,
  note: (s: string) => void,
): Promise<string> {
  const projects = dirs.map((d) => readProject(root, d)).filter((p) => p.installable);
  if (!projects.length) return "no project to install";
  const editable = projects.flatMap((p) => ["-e", p.extra ? `${p.spec}[${p.extra}]` : p.spec]);
  // the groups' requirements go beside the projects, so one resolve covers all
  const reqs = [...new Set(projects.flatMap((p) => p.groupRequirements))];
  const groups = projects
    .filter((p) => p.group)
    .map((p) => (p.spec === "." ? p.group : `${p.spec}:${p.group}`));
  const shown = `${editable.filter((a) => a !== "-e").join(" -e ")}${groups.length ? ` (+ dependency group ${groups.join(", ")})` : ""}`;
  const uv = which("uv", o.discovery);
  if (
    uv &&
    (await run([uv, "pip", "install", "--python", v.python, ...editable, ...reqs], "installing the project"))
  )
    return `uv pip install -e ${shown}`;
  const pip = [v.python, "-m", "pip", "install", "--no-build-isolation", ...editable, ...reqs];
  if (await run([...pip.slice(0, 4), "--no-index", ...pip.slice(4)], "installing the project"))
    return `pip install --no-index -e ${shown}`;
  const log = readFileSync(o.logFile, "utf8");
  // From the index when something is missing: a dependency, or the build backend itself (a
  // Python with no setuptools, as actions/setup-python's 3.12+ and pyenv's are, or one too old
  // for editable installs) — with build isolation, so pip fetches the backend the project names.
  const missing =
    /No matching distribution|Could not find a version/.test(log) && projects.some((p) => p.hasDependencies);
  const noBackend =
    /BackendUnavailable|No module named '?setuptools|invalid command 'bdist_wheel'|editable mode is not supported|build_editable/.test(
      log,
    );
  if (missing || noBackend) {
    const online = [
      v.python,
      "-m",
      "pip",
      "install",
      ...editable,
      ...reqs,
      "--retries",
      "1",
      "--timeout",
      "15",
    ];
    if (await run(online, "installing the project")) return `pip install -e ${shown}`;
  }
  // Last resort: what an editable install amounts to, so tests can still import the projects.
  const sources = projects.map((p) => p.sourceDir);
  writeFileSync(join(sitePackages(v), "shipline-project.pth"), `${sources.join("\n")}\n`);
  note(
    `could not install the project with pip; added ${sources.join(", ")} to sys.path via a .pth file (dependencies not installed)`,
  );
  return PTH_FALLBACK;
}

const PTH_FALLBACK = "source on sys.path (.pth)";

/** Half-made venvs of runs that were killed (their pid is gone). */
function sweepDeadTemps(dir: string): void {
  const parent = join(dir, "..");
  const base = dir.slice(parent.length + 1);
  for (const name of readdirSync(parent)) {
    const m = new RegExp(`^${base.replace(/\./g, "\\.")}\\.tmp-(\\d+)$`).exec(name);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH")
        rmSync(join(parent, name), { recursive: true, force: true });
    }
  }
}

function sitePackages(v: Venv): string {
  if (existsSync(join(v.dir, "Lib", "site-packages"))) return join(v.dir, "Lib", "site-packages");
  const lib = join(v.dir, "lib");
  const py = readdirSync(lib).find((n) => n.startsWith("python"));
  return join(lib, py ?? `python${v.version}`, "site-packages");
}

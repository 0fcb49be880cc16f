/**
 * Finding a Python X.Y interpreter. Sources, in order (the first one that really answers
 * `X.Y` wins): `pythonX.Y` on PATH (pyenv's shim directory skipped: shims pick a version by
 * pyenv's own rules, and pyenv's versions are scanned directly next), pyenv versions
 * ($PYENV_ROOT and ~/.pyenv), `uv python find X.Y` when uv exists, and on Windows the
 * `py -X.Y` launcher. Every candidate is probed, because a name can lie (a symlink, a stale
 * shim); the probe also yields the full version for the venv's freshness check.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, delimiter as posixDelimiter } from "node:path";
import { ShiplineError } from "../errors.ts";
import { capture } from "./process.ts";

export type PythonSource = "path" | "pyenv" | "uv" | "py-launcher";

export interface PythonInterpreter {
  /** "3.11" */
  version: string;
  /** "3.11.7" */
  full: string;
  /** The real executable (sys.executable). */
  path: string;
  source: PythonSource;
}

export interface DiscoveryEnv {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Home directory for ~/.pyenv (default os.homedir()). */
  home?: string;
}

const isWindows = (d: DiscoveryEnv) => d.platform === "win32";

function pathDirs(d: DiscoveryEnv): string[] {
  const path = d.env.PATH ?? d.env.Path ?? "";
  return path.split(isWindows(d) ? ";" : posixDelimiter).filter(Boolean);
}

/** pyenv's shims decide the version from PYENV_VERSION/.python-version: never what a matrix asked for. */
export function isPyenvShims(dir: string): boolean {
  return /[\\/]shims[\\/]?$/.test(dir) && /pyenv/i.test(dir);
}

function isExecutableFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `which`: the first match on PATH (with PATHEXT on Windows). */
export function which(name: string, d: DiscoveryEnv, dirs = pathDirs(d)): string | undefined {
  const exts = isWindows(d) ? ["", ...(d.env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";")] : [""];
  for (const dir of dirs)
    for (const ext of exts) {
      const p = join(dir, name + ext);
      if (isExecutableFile(p)) return p;
    }
  return undefined;
}

function pyenvRoots(d: DiscoveryEnv): string[] {
  const roots = [d.env.PYENV_ROOT, join(d.home ?? homedir(), ".pyenv")].filter((r): r is string => !!r);
  return [...new Set(roots)];
}

/** pyenv versions named exactly X.Y.Z, newest patch first, as [version dir, "X.Y.Z"]. */
function pyenvVersions(d: DiscoveryEnv): [string, string][] {
  const out: [string, string][] = [];
  for (const root of pyenvRoots(d)) {
    const dir = join(root, "versions");
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {}
    for (const n of names) if (/^\d+\.\d+\.\d+$/.test(n)) out.push([join(dir, n), n]);
  }
  const key = (v: string) => v.split(".").map(Number);
  return out.sort((a, b) => {
    const [x, y] = [key(a[1]), key(b[1])];
    return y[0]! - x[0]! || y[1]! - x[1]! || y[2]! - x[2]!;
  });
}

function pyenvExecutable(versionDir: string, xy: string, d: DiscoveryEnv): string {
  // pyenv-win lays versions out as <root>/versions/3.12.1/python.exe
  return isWindows(d) ? join(versionDir, "python.exe") : join(versionDir, "bin", `python${xy}`);
}

const PROBE = "import sys;print('%d.%d.%d' % sys.version_info[:3]);print(sys.executable)";

async function probe(argv: string[], env: NodeJS.ProcessEnv): Promise<{ full: string; path: string } | null> {
  const r = await capture(argv.concat(["-c", PROBE]), env, 15_000);
  if (r.code !== 0) return null;
  const [full, path] = r.stdout.trim().split(/\r?\n/);
  if (!full || !path || !/^\d+\.\d+\.\d+$/.test(full)) return null;
  return { full, path: path.trim() };
}

type Candidate =
  | { argv: string[]; source: PythonSource }
  | { lazy: () => Promise<string[] | null>; source: PythonSource };

function candidates(xy: string, d: DiscoveryEnv): Candidate[] {
  const list: Candidate[] = [];
  const plain = pathDirs(d).filter((dir) => !isPyenvShims(dir));
  const onPath = which(`python${xy}`, d, plain);
  if (onPath) list.push({ argv: [onPath], source: "path" });
  for (const [dir, v] of pyenvVersions(d))
    if (v.startsWith(`${xy}.`)) {
      const exe = pyenvExecutable(dir, xy, d);
      if (existsSync(exe)) list.push({ argv: [exe], source: "pyenv" });
    }
  const uv = which("uv", d);
  if (uv)
    list.push({
      source: "uv",
      lazy: async () => {
        const r = await capture([uv, "python", "find", xy], d.env, 15_000);
        const p = r.stdout.trim().split(/\r?\n/).pop();
        return r.code === 0 && p ? [p] : null;
      },
    });
  if (isWindows(d)) {
    const py = which("py", d);
    if (py) list.push({ argv: [py, `-${xy}`], source: "py-launcher" });
  }
  return list;
}

/** The interpreter for X.Y, or null. */
export async function findPython(xy: string, d: DiscoveryEnv): Promise<PythonInterpreter | null> {
  for (const c of candidates(xy, d)) {
    const argv = "argv" in c ? c.argv : await c.lazy();
    if (!argv) continue;
    const got = await probe(argv, d.env);
    if (got?.full.startsWith(`${xy}.`))
      return { version: xy, full: got.full, path: got.path, source: c.source };
  }
  return null;
}

/** What is installed, for the "not found" message (names only, nothing is run). */
export function listInstalled(d: DiscoveryEnv): string[] {
  const seen = new Map<string, string>();
  for (const dir of pathDirs(d).filter((x) => !isPyenvShims(x))) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {}
    for (const n of names) {
      const m = /^python(3\.\d+)(\.exe)?$/.exec(n);
      if (m && !seen.has(m[1]!)) seen.set(m[1]!, join(dir, n));
    }
  }
  for (const [, v] of pyenvVersions(d)) {
    const xy = v.split(".").slice(0, 2).join(".");
    if (!seen.has(xy)) seen.set(xy, `pyenv ${v}`);
  }
  const key = (v: string) => Number(v.split(".")[1]);
  return [...seen.entries()].sort((a, b) => key(a[0]) - key(b[0])).map(([v, where]) => `${v} (${where})`);
}

/** Every requested version, or one error that names all that are missing and how to get them. */
export async function findPythons(versions: string[], d: DiscoveryEnv): Promise<PythonInterpreter[]> {
  const found = await Promise.all(versions.map((v) => findPython(v, d)));
  const missing = versions.filter((_, i) => !found[i]);
  if (missing.length) {
    const have = listInstalled(d);
    const list = missing.join(", ");
    throw new ShiplineError(
      `Python ${list} not found (looked for python${missing[0]} on PATH, pyenv versions${which("uv", d) ? ", uv python find" : ""}${isWindows(d) ? ", py -" + missing[0] : ""}); found: ${have.length ? have.join(", ") : "none"}`,
      `install it (pyenv install ${missing[0]} / uv python install ${missing[0]} / your OS package), or choose others with --python or [tool.shipline] python = [...] in pyproject.toml`,
    );
  }
  return found as PythonInterpreter[];
}

/**
 * Running the project's PEP 517 build: `[tool.shipline.build] command`, else `uv build`, else
 * `python -m build` from a Python that has the `build` module. The files the build wrote into the
 * output directory (new or rewritten) are the result; their version must be the release's.
 *
 * SOURCE_DATE_EPOCH is the built commit's time unless the caller set one: wheel, hatchling, flit,
 * pdm, poetry-core and uv's backend then write the same bytes whenever the same commit is built
 * (file mtimes of a fresh checkout no longer leak in). A release job re-run on a fresh runner,
 * after an earlier attempt uploaded some files, rebuilds files PyPI already holds: identical
 * bytes are recognised as uploaded, where different ones could never be sent (PyPI never takes
 * a second file under a name). setuptools' sdist still carries mtimes; it is uploaded last.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ShiplineError } from "../errors.ts";
import { git } from "../git/git.ts";
import { ensureDir } from "../pipeline/atomic-write.ts";
import { fault } from "../pipeline/fault.ts";
import type { Logger } from "../ui/log.ts";
import { parseDistFilename } from "./filename.ts";
import { normalizeVersion, sameVersion } from "./pep440.ts";

export interface BuildRequest {
  /** Where pyproject.toml is. */
  projectDir: string;
  /** Absolute output directory. */
  outDir: string;
  /** Where outDir came from, for errors (e.g. "--out-dir x"). */
  outDirSource?: string;
  /** `[tool.shipline.build] command`, run as written (SHIPLINE_OUT_DIR tells it where to write). */
  command?: string[];
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface BuildOutcome {
  /** Absolute paths of the distributions the build wrote. */
  files: string[];
  /** What ran, for messages. */
  tool: string;
  noIsolation: boolean;
}

/** Output that means "the isolated build env could not install its build requirements": no index. */
const NO_INDEX =
  /Could not find a version that satisfies|No matching distribution found|NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Network is unreachable|ConnectTimeoutError/;

type Snapshot = Map<string, string>;

function snapshot(dir: string): Snapshot {
  const out: Snapshot = new Map();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    if (!n.endsWith(".whl") && !n.endsWith(".tar.gz") && !n.endsWith(".zip")) continue;
    try {
      const st = statSync(join(dir, n));
      out.set(n, `${st.size}:${st.mtimeMs}:${st.ino}`);
    } catch {
      /* vanished */
    }
  }
  return out;
}

async function run(argv: string[], cwd: string, env: Record<string, string>, log: Logger) {
  log.info(`$ ${argv.join(" ")}`);
  let proc: ReturnType<typeof Bun.spawn>;
  try {
    proc = Bun.spawn(argv, { cwd, env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  } catch (e) {
    throw new ShiplineError(
      `cannot run ${argv[0]}: ${(e as Error).message}`,
      "check [tool.shipline.build] command",
    );
  }
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  const output = `${out}${err}`;
  for (const line of output.split("\n")) if (line.trim()) log.debug(line);
  return { code, output };
}

/**
 * Interpreters to try for `-m build`, as argv prefixes. Windows runners have `python` (from
 * setup-python) and the `py -3` launcher, never `python3`; elsewhere `python3` comes first.
 */
export function pythonCandidates(platform: NodeJS.Platform, env: Record<string, string>): string[][] {
  const which = (c: string) => Bun.which(c, { PATH: env.PATH });
  const found = (c: string, ...args: string[]) => {
    const p = which(c);
    return p ? [[p, ...args]] : [];
  };
  if (platform === "win32") return [...found("python"), ...found("py", "-3")];
  return [...found("python3"), ...found("python"), ["/usr/bin/python3"]];
}

export function pythonWithBuild(
  env: Record<string, string>,
  platform = process.platform,
): string[] | undefined {
  const seen = new Set<string>();
  for (const cand of pythonCandidates(platform, env)) {
    const key = cand.join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      const p = Bun.spawnSync([...cand, "-c", "import build"], { env, stdout: "ignore", stderr: "ignore" });
      if (p.exitCode === 0) return cand;
    } catch {
      // not runnable (e.g. /usr/bin/python3 absent): try the next one
    }
  }
  return undefined;
}

const tail = (s: string) => s.trim().split("\n").slice(-15).join("\n");

export async function buildDistributions(req: BuildRequest): Promise<BuildOutcome> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.env ?? process.env)) if (v !== undefined) env[k] = v;
  env.SHIPLINE_OUT_DIR = req.outDir;
  if (!env.SOURCE_DATE_EPOCH) {
    const time = git(["log", "-1", "--format=%ct"], { cwd: req.projectDir, allowFailure: true });
    if (time.exitCode === 0 && /^\d+$/.test(time.stdout.trim())) env.SOURCE_DATE_EPOCH = time.stdout.trim();
  }
  ensureDir(req.outDir, req.outDirSource ?? "the build's output directory");
  const before = snapshot(req.outDir);
  let tool: string;
  let noIsolation = false;
  const attempt = async (argv: string[]) => {
    const r = await run(argv, req.projectDir, env, req.log);
    return r;
  };
  let result: { code: number; output: string };
  if (req.command?.length) {
    tool = req.command.join(" ");
    result = await attempt(req.command);
  } else if (Bun.which("uv", { PATH: env.PATH })) {
    tool = "uv build";
    result = await attempt(["uv", "build", "--out-dir", req.outDir]);
  } else {
    const py = pythonWithBuild(env);
    if (!py)
      throw new ShiplineError(
        "no build tool found: neither uv nor a Python with the `build` module is on PATH",
        "install uv, or `pip install build` (Debian: apt install python3-build), or set [tool.shipline.build] command",
      );
    tool = `${py.join(" ")} -m build`;
    result = await attempt([...py, "-m", "build", "--outdir", req.outDir]);
    if (result.code !== 0 && NO_INDEX.test(result.output)) {
      // The isolated environment could not get its build requirements: no index reachable, or
      // a requirement the index does not have (a typo, a pin). Build with what is installed
      // instead, quoting pip's own reason rather than guessing which of the two it was.
      const why =
        result.output
          .split("\n")
          .find((l) => NO_INDEX.test(l))
          ?.trim() ?? "";
      req.log.warn(
        `the isolated build could not install its build requirements (${why.slice(0, 300)}); building with --no-isolation using the installed backend`,
      );
      noIsolation = true;
      const second = await attempt([...py, "-m", "build", "--no-isolation", "--outdir", req.outDir]);
      result =
        second.code === 0 ? second : { ...second, output: `${second.output}\n(isolated build: ${why})` };
    }
  }
  fault("build:after-command");
  if (result.code !== 0)
    throw new ShiplineError(
      `the build failed (${tool} exited with ${result.code}):\n${tail(result.output)}`,
      "run the same command locally to see the full output, or use --verbose",
    );
  const after = snapshot(req.outDir);
  const files = [...after.entries()]
    .filter(([n, sig]) => before.get(n) !== sig)
    .map(([n]) => resolve(req.outDir, n))
    .sort();
  if (!files.length)
    throw new ShiplineError(
      `the build (${tool}) wrote no .whl or .tar.gz into ${req.outDir}`,
      "make [tool.shipline.build] command write into $SHIPLINE_OUT_DIR (default dist/)",
    );
  return { files, tool, noIsolation };
}

/** Versions in the built files' names, which must all equal the release's. */
export function builtVersions(files: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files) {
    const name = f.split("/").pop()!;
    const parsed = parseDistFilename(name);
    out.set(name, parsed.ok ? parsed.parsed.version : "?");
  }
  return out;
}

/** A mismatch is the release PR not having bumped the version the build backend reads. */
export function verifyVersion(files: string[], expected: string): void {
  const wrong = [...builtVersions(files)].filter(([, v]) => !sameVersion(v, expected));
  if (!wrong.length) return;
  const list = wrong.map(([n, v]) => `${n} (${v})`).join(", ");
  throw new ShiplineError(
    `the built files are not version ${normalizeVersion(expected) ?? expected}: ${list} — the version files were not updated`,
    "the release PR must bump the version the build reads (pyproject.toml [project] version, __version__, or release-please extra-files); fix it and build again",
  );
}

/**
 * The one place that spawns git. Every call gets a fixed, non-interactive environment (no
 * pager, no prompts, C locale so messages parse), arguments as an argv array (never a shell
 * string), and a clear ShiplineError naming the git command when it fails.
 */
import { closeSync } from "node:fs";
import { ShiplineError } from "../errors.ts";
import { bigPipe } from "./pipe.ts";

export interface GitOptions {
  cwd: string;
  /** Extra environment (e.g. GIT_ASKPASS for pushes); merged over the process env. */
  env?: Record<string, string | undefined>;
  input?: string | Uint8Array;
  /** Return the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function gitEnv(extra?: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...extra })) if (v !== undefined) env[k] = v;
  env.GIT_TERMINAL_PROMPT = "0";
  env.GIT_PAGER = "cat";
  env.LC_ALL = "C";
  env.GIT_OPTIONAL_LOCKS = "0";
  return env;
}

/**
 * Every git call: quotepath off, so paths with non-ASCII bytes come out as they are; and the
 * user settings that would change what is parsed switched off — signature checks printed into
 * `git log` (log.showSignature), `git tag -l` in columns (column.*), messages re-encoded
 * (i18n.logOutputEncoding).
 */
const FIXED_CONFIG = [
  "core.quotepath=off",
  "log.showSignature=false",
  "column.ui=never",
  "column.tag=never",
  "i18n.logOutputEncoding=UTF-8",
].flatMap((c) => ["-c", c]);
const gitArgv = (args: string[]) => ["git", ...FIXED_CONFIG, ...args];

/** git could not be started at all (missing binary, missing directory). */
function cannotRun(cwd: string, why: string): never {
  throw new ShiplineError(`could not run git in ${cwd}: ${why}`, "install git and make sure it is on PATH");
}

function fail(args: string[], stderr: string, exitCode: number): never {
  const first = stderr.trim().split("\n")[0] ?? "";
  throw new ShiplineError(`git ${args.slice(0, 3).join(" ")} failed (exit ${exitCode}): ${first}`);
}

export function git(args: string[], opts: GitOptions): GitResult {
  let proc: ReturnType<typeof Bun.spawnSync>;
  try {
    proc = Bun.spawnSync(gitArgv(args), {
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      stdin: opts.input === undefined ? "ignore" : new Blob([opts.input as BlobPart]),
      stdout: "pipe",
      stderr: "pipe",
    });
  } catch (e) {
    cannotRun(opts.cwd, (e as Error).message);
  }
  const result = {
    stdout: proc.stdout?.toString() ?? "",
    stderr: proc.stderr?.toString() ?? "",
    exitCode: proc.exitCode ?? 1,
  };
  if (result.exitCode !== 0 && !opts.allowFailure) fail(args, result.stderr, result.exitCode);
  return result;
}

/** Spawns git without waiting; never rejects (a spawn failure is reported as exit code -1). */
function spawnGit(args: string[], opts: GitOptions): Promise<GitResult> {
  try {
    const proc = Bun.spawn(gitArgv(args), {
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      stdin: opts.input === undefined ? "ignore" : new Blob([opts.input as BlobPart]),
      stdout: "pipe",
      stderr: "pipe",
    });
    return Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]).then(
      ([stdout, stderr, exitCode]) => ({ stdout, stderr, exitCode }),
      (e: Error) => ({ stdout: "", stderr: e.message, exitCode: -1 }),
    );
  } catch (e) {
    return Promise.resolve({ stdout: "", stderr: (e as Error).message, exitCode: -1 });
  }
}

/** Read-only git commands started ahead of need (prestartGit), by directory and argv. */
const prestarted = new Map<string, Promise<GitResult>>();
const prestartKey = (args: string[], cwd: string) => `${cwd}\0${args.join("\0")}`;

/**
 * Starts a read-only git command now, so that its answer is ready when `gitAsync` asks for
 * exactly it (same directory and argv): `plan` starts its `rev-parse` before loading the
 * planner's modules, and the two overlap. An answer nobody asks for is simply dropped.
 * Returns the pending answer (settles when git has exited; it never rejects).
 */
export function prestartGit(args: string[], cwd: string): Promise<GitResult> {
  const k = prestartKey(args, cwd);
  let p = prestarted.get(k);
  if (!p) {
    p = spawnGit(args, { cwd });
    prestarted.set(k, p);
  }
  return p;
}

/** `git` without blocking the thread: other work (parsing, module loading) runs meanwhile. */
export async function gitAsync(args: string[], opts: GitOptions): Promise<GitResult> {
  const k = prestartKey(args, opts.cwd);
  const early = opts.env === undefined && opts.input === undefined ? prestarted.get(k) : undefined;
  if (early) prestarted.delete(k);
  const r = await (early ?? spawnGit(args, opts));
  if (r.exitCode === -1) cannotRun(opts.cwd, r.stderr);
  if (r.exitCode !== 0 && !opts.allowFailure) fail(args, r.stderr, r.exitCode);
  return r;
}

/** Content of `path` at commit `rev`, or undefined when it does not exist there. */
export function fileAt(cwd: string, rev: string, path: string): string | undefined {
  const r = git(["cat-file", "blob", `${rev}:${path}`], { cwd, allowFailure: true });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** Trimmed stdout of a git command. */
export function gitText(args: string[], opts: GitOptions): string {
  return git(args, opts).stdout.trim();
}

/** A running git whose stdout is read as a stream; `stop()` kills it if still running. */
export interface GitStream extends AsyncIterable<Uint8Array> {
  stop(): void;
  /** git's exit code, once it has exited. */
  exited: Promise<number>;
  pid: number;
}

/**
 * Streams git's stdout (for `git log` over huge histories: memory stays bounded). git starts
 * now, not at the first read, so a caller can overlap it with other work (plan looks up tags
 * while git walks history); a caller that may not read it must `stop()` it. A non-zero exit
 * throws after the stream ends. With `bigPipe` the output goes through a 1 MiB pipe on Linux
 * (pipe.ts), so git can run ahead of a busy reader; otherwise, and elsewhere, through Bun's.
 */
export function gitStream(args: string[], opts: GitOptions & { bigPipe?: boolean }): GitStream {
  const pipe = opts.bigPipe ? bigPipe() : undefined;
  let readOpen = pipe !== undefined;
  let reading = false;
  /** Our read end, closed once: when reading ends, or by stop() if reading never began. */
  const closeRead = () => {
    if (!pipe || !readOpen) return;
    readOpen = false;
    try {
      closeSync(pipe.read);
    } catch {}
  };
  let proc: Bun.Subprocess<"ignore", "pipe" | number, "pipe">;
  try {
    proc = Bun.spawn(gitArgv(args), {
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      stdin: "ignore",
      stdout: pipe ? pipe.write : "pipe",
      stderr: "pipe",
    });
  } catch (e) {
    closeRead();
    cannotRun(opts.cwd, (e as Error).message);
  } finally {
    // git has its own copy now; ours would keep the reader from ever seeing the end.
    if (pipe) closeSync(pipe.write);
  }
  async function* read(): AsyncGenerator<Uint8Array> {
    let finished = false;
    reading = true;
    try {
      if (!pipe) for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) yield chunk;
      else if (readOpen) for await (const chunk of Bun.file(pipe.read).stream()) yield chunk;
      finished = true;
    } finally {
      // The consumer stopped early (e.g. the release commit was found): stop git now.
      if (!finished) proc.kill();
      closeRead();
    }
    const exitCode = await proc.exited;
    if (exitCode !== 0 && !opts.allowFailure) fail(args, await new Response(proc.stderr).text(), exitCode);
  }
  return {
    [Symbol.asyncIterator]: read,
    stop: () => {
      if (proc.exitCode === null) proc.kill();
      // While a read is under way its reader owns the descriptor: git's end closing ends it.
      if (!reading) closeRead();
    },
    exited: proc.exited,
    pid: proc.pid,
  };
}

export function repoRoot(cwd: string): string {
  const r = git(["rev-parse", "--show-toplevel"], { cwd, allowFailure: true });
  if (r.exitCode !== 0) notARepository(cwd, r.stderr);
  return r.stdout.trim();
}

/**
 * Why git would not work here. "Not a git repository" is the common case; anything else (a
 * repository owned by another user, a broken config, a bare repository) is git's own words.
 */
function notARepository(cwd: string, stderr: string): never {
  const first =
    stderr
      .trim()
      .split("\n")[0]
      ?.replace(/^fatal: /, "") ?? "";
  if (!first || /not a git repository/i.test(first))
    throw new ShiplineError(
      `${cwd} is not inside a git repository`,
      "run shipline from your project's checkout, or pass --cwd DIR",
    );
  throw new ShiplineError(
    `git cannot use the repository at ${cwd}: ${first}`,
    /dubious ownership/.test(first)
      ? `if you trust it: git config --global --add safe.directory ${cwd}`
      : "fix what git reports (run `git status` there to see it), then run shipline again",
  );
}

export function headSha(cwd: string): string {
  const r = git(["rev-parse", "--verify", "-q", "HEAD"], { cwd, allowFailure: true });
  if (r.exitCode !== 0)
    throw new ShiplineError(`the repository at ${cwd} has no commits yet`, "commit something first");
  return r.stdout.trim();
}

/** Is commit `a` an ancestor of `b` (or `b` itself)? False when either is not a full sha known here. */
export function isAncestor(cwd: string, a: string, b: string): boolean {
  const full = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
  if (!full.test(a) || !full.test(b)) return false;
  return git(["merge-base", "--is-ancestor", a, b], { cwd, allowFailure: true }).exitCode === 0;
}

/** sha of a tag's target commit, or undefined when the tag does not exist. */
export function tagCommit(cwd: string, tag: string): string | undefined {
  const r = git(["rev-parse", "--verify", "-q", `refs/tags/${tag}^{commit}`], { cwd, allowFailure: true });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

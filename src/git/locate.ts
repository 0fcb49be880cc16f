/** Where `plan` runs: repository root, branch, and whether HEAD has commits, in one git call. */
import { resolve } from "node:path";
import { git, gitAsync, prestartGit, repoRoot } from "./git.ts";

export interface Located {
  root: string;
  /** Checked-out branch; undefined when detached or before the first commit. */
  branch?: string;
  hasCommits: boolean;
}

/**
 * `rev-parse --symbolic-full-name HEAD` prints the branch's ref (`HEAD` when detached) and fails
 * before the first commit; `--show-toplevel` the root. Not `--abbrev-ref`: with a tag named like
 * the branch it answers `heads/main`.
 */
const ARGS = ["rev-parse", "--show-toplevel", "--symbolic-full-name", "HEAD"];

function located(r: { stdout: string; exitCode: number }, cwd: string): Located {
  const [root, ref] = r.stdout.split("\n");
  if (r.exitCode === 0 && root && ref)
    return {
      root,
      branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined,
      hasCommits: true,
    };
  return { root: repoRoot(cwd), hasCommits: false };
}

export function locate(cwd: string): Located {
  return located(git(ARGS, { cwd, allowFailure: true }), cwd);
}

/** locate(), answered by the `rev-parse` that prestartLocate started if there is one. */
export async function locateAsync(cwd: string): Promise<Located> {
  return located(await gitAsync(ARGS, { cwd, allowFailure: true }), cwd);
}

/**
 * Starts locate's git call now, in the directory `plan` will act in (main.ts, before `plan`'s
 * modules load: they load while git runs). `args` are plan's; --cwd is read as resolveCwd reads it.
 */
export function prestartLocate(args: string[]): void {
  let dir: string | undefined;
  for (let i = 0; i < args.length && args[i] !== "--"; i++) {
    const a = args[i] as string;
    if (a === "--cwd") dir = args[i + 1];
    else if (a.startsWith("--cwd=")) dir = a.slice(6);
  }
  prestartGit(ARGS, resolve(dir ?? process.cwd()));
}

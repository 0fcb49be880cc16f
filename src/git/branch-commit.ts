/**
 * Git for the release PR: build one commit on top of a base commit from full-content file
 * updates (in a private index, so the user's working tree and index are never touched),
 * read remote branch heads, and push with an explicit force-with-lease.
 *
 * Authentication: the token goes to git through the environment only (GIT_CONFIG_COUNT
 * pairs setting `http.<origin>/.extraheader`, the way actions/checkout does), never on the
 * command line or inside a URL, so it cannot show up in `ps`, in git's messages or in logs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ShiplineError } from "../errors.ts";
import { registerSecret } from "../ui/secrets.ts";
import { git, gitText } from "./git.ts";

export interface FileContent {
  path: string;
  content: string;
}

/** Git's identity for commits we make when the repository has none (a bare CI runner). */
function identityEnv(cwd: string): Record<string, string> {
  const env: Record<string, string> = {};
  const has = (k: string) => git(["config", k], { cwd, allowFailure: true }).exitCode === 0;
  const bot = { name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com" };
  if (!process.env.GIT_AUTHOR_NAME && !has("user.name")) {
    env.GIT_AUTHOR_NAME = bot.name;
    env.GIT_COMMITTER_NAME = process.env.GIT_COMMITTER_NAME ?? bot.name;
  }
  if (!process.env.GIT_AUTHOR_EMAIL && !has("user.email")) {
    env.GIT_AUTHOR_EMAIL = bot.email;
    env.GIT_COMMITTER_EMAIL = process.env.GIT_COMMITTER_EMAIL ?? bot.email;
  }
  return env;
}

/**
 * Create (without checking out) a commit whose parent is `base` and whose tree is base's tree
 * with `files` replaced. Returns the new commit's sha. Existing files keep their mode.
 */
export function commitOnTop(cwd: string, base: string, files: FileContent[], message: string): string {
  const dir = mkdtempSync(join(tmpdir(), "shipline-index-"));
  const env = { GIT_INDEX_FILE: join(dir, "index"), ...identityEnv(cwd) };
  try {
    git(["read-tree", base], { cwd, env });
    for (const f of files) {
      const blob = gitText(["hash-object", "-w", "--stdin"], { cwd, env, input: f.content });
      const mode = /^(\d+) /.exec(gitText(["ls-tree", base, "--", f.path], { cwd, env }))?.[1] ?? "100644";
      git(["update-index", "--add", "--cacheinfo", `${mode},${blob},${f.path}`], { cwd, env });
    }
    const tree = gitText(["write-tree"], { cwd, env });
    return gitText(["commit-tree", tree, "-p", base, "-F", "-"], { cwd, env, input: message });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Tree sha of a commit (to compare branch content without caring about commit dates). */
export function treeOf(cwd: string, commit: string): string | undefined {
  const r = git(["rev-parse", "--verify", "-q", `${commit}^{tree}`], { cwd, allowFailure: true });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

export function remoteUrl(cwd: string, remote: string): string | undefined {
  const r = git(["remote", "get-url", remote], { cwd, allowFailure: true });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/**
 * Environment that authenticates git's HTTPS requests to the remote's host with a token. The
 * empty first value resets headers inherited from config (actions/checkout persists its own),
 * so GitHub never receives two Authorization headers.
 */
export function tokenAuthEnv(url: string | undefined, token: string | undefined): Record<string, string> {
  if (!token || !url || !/^https?:\/\//.test(url)) return {};
  const origin = new URL(url).origin;
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  registerSecret(basic);
  return {
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: `http.${origin}/.extraheader`,
    GIT_CONFIG_VALUE_0: "",
    GIT_CONFIG_KEY_1: `http.${origin}/.extraheader`,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`,
  };
}

/** sha of `refs/heads/<branch>` on the remote, or undefined when the branch does not exist. */
export function remoteBranchSha(
  cwd: string,
  remote: string,
  branch: string,
  env: Record<string, string> = {},
): string | undefined {
  const r = git(["ls-remote", "--heads", remote, `refs/heads/${branch}`], { cwd, env, allowFailure: true });
  if (r.exitCode !== 0)
    throw new ShiplineError(
      `cannot read branch ${branch} from remote ${remote}: ${r.stderr.trim().split("\n")[0] ?? ""}`,
      "check the remote URL and that GITHUB_TOKEN may read the repository (`contents: read`)",
    );
  const line = r.stdout.split("\n").find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line?.split("\t")[0];
}

/**
 * Where HEAD stands against `branch` on the remote: at its tip; behind it (an ancestor: a
 * queued run for an older push); diverged (HEAD has commits the remote branch lacks); the
 * branch is not there; or unknown (its tip could not be fetched to compare).
 */
export function headAgainstRemote(
  cwd: string,
  remote: string,
  branch: string,
  env: Record<string, string> = {},
): { place: "tip" | "behind" | "diverged" | "absent" | "unknown"; tip?: string } {
  const tip = remoteBranchSha(cwd, remote, branch, env);
  if (!tip) return { place: "absent" };
  if (gitText(["rev-parse", "HEAD"], { cwd }) === tip) return { place: "tip", tip };
  if (git(["cat-file", "-e", `${tip}^{commit}`], { cwd, allowFailure: true }).exitCode !== 0)
    git(["fetch", "-q", "--no-tags", remote, `refs/heads/${branch}`], { cwd, env, allowFailure: true });
  const r = git(["merge-base", "--is-ancestor", "HEAD", tip], { cwd, allowFailure: true });
  const place = r.exitCode === 0 ? "behind" : r.exitCode === 1 ? "diverged" : "unknown";
  return { place, tip };
}

/**
 * Set remote `branch` to `sha`, but only if it is still at `expected` (undefined: must not
 * exist). A concurrent push makes this fail instead of being overwritten.
 */
export function pushWithLease(
  cwd: string,
  remote: string,
  sha: string,
  branch: string,
  expected: string | undefined,
  env: Record<string, string> = {},
): void {
  const ref = `refs/heads/${branch}`;
  const r = git(
    ["push", "--porcelain", `--force-with-lease=${ref}:${expected ?? ""}`, remote, `${sha}:${ref}`],
    {
      cwd,
      env,
      allowFailure: true,
    },
  );
  if (r.exitCode === 0) return;
  const why = `${r.stderr}\n${r.stdout}`;
  // The server's own refusal (a hook, a ruleset, a token that may not touch workflow files)
  // comes as `[remote rejected] … (reason)`: running again does not help, so say the reason.
  const refused = /\[remote rejected\][^\n]*?\((.+)\)\s*$/m.exec(why)?.[1];
  if (refused)
    throw new ShiplineError(
      `push of ${branch} to ${remote} was refused by the server: ${refused}`,
      /workflow/i.test(refused)
        ? "the release PR changes a file under .github/workflows, which GITHUB_TOKEN may not push: use a token with the `workflows` permission"
        : "a branch protection rule, ruleset or hook blocks pushes to this branch: allow the token to push to release-please--* branches",
    );
  if (/stale info|rejected|fetch first/.test(why))
    throw new ShiplineError(
      `push of ${branch} to ${remote} was rejected: the branch moved while shipline was updating it`,
      "another release run is updating it; run again to recompute the release PR",
    );
  if (/403|denied|not allowed|Authentication failed|could not read Username/i.test(why))
    throw new ShiplineError(
      `push of ${branch} to ${remote} was refused: the token may not write to the repository`,
      "give the job `permissions: contents: write` (and set GITHUB_TOKEN)",
    );
  throw new ShiplineError(
    `push of ${branch} to ${remote} failed: ${r.stderr.trim().split("\n").pop() ?? ""}`,
  );
}

/**
 * Name of the checked-out branch, or undefined on a detached HEAD. The full ref, cut here: git's
 * `--short` answers `heads/main` when a tag is also named `main`.
 */
export function currentBranch(cwd: string): string | undefined {
  const r = git(["symbolic-ref", "-q", "HEAD"], { cwd, allowFailure: true });
  const ref = r.stdout.trim();
  return r.exitCode === 0 && ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
}

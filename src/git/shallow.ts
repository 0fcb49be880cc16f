/**
 * Shallow clones. actions/checkout fetches one commit and no tags by default: planning from that
 * would see no previous release and a one-commit history, and open a release PR with a wrong
 * changelog. release-please reads history through the GitHub API and never meets this; we read
 * local git, so a shallow clone is deepened first (the checkout's credentials allow the fetch),
 * and when that is impossible the run stops with the one-line fix.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { ShiplineError } from "../errors.ts";
import { git, gitText } from "./git.ts";

export function isShallow(cwd: string): boolean {
  // git keeps the shallow boundary in $GIT_DIR/shallow: with a plain .git directory at the root
  // that file answers without spawning git (plan's whole run is a few tens of milliseconds).
  const dotGit = join(cwd, ".git");
  if (existsSync(dotGit) && statSync(dotGit).isDirectory()) return existsSync(join(dotGit, "shallow"));
  return gitText(["rev-parse", "--is-shallow-repository"], { cwd }) === "true";
}

/** Make the whole history and the tags local, or throw the fix. No-op on a full clone. */
export function ensureFullHistory(cwd: string, log: { info(m: string): void }): void {
  if (!isShallow(cwd)) return;
  log.info("shallow clone: fetching the full history and tags from origin (release planning needs them)");
  const r = git(["fetch", "--quiet", "--unshallow", "--tags", "origin"], { cwd, allowFailure: true });
  if (r.exitCode !== 0 && isShallow(cwd))
    throw new ShiplineError(
      `${cwd} is a shallow clone and fetching its history failed: ${r.stderr.trim().split("\n")[0] ?? `exit ${r.exitCode}`}`,
      "check out the whole history: `fetch-depth: 0` on actions/checkout (or `git fetch --unshallow --tags`)",
    );
}

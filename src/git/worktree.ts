/**
 * A throwaway checkout of another commit, for building a release made behind HEAD (a merged
 * release PR that `run` released at its merge commit): `git worktree add --detach` into a temp
 * directory, removed again afterwards. The user's checkout and index are never touched.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git } from "./git.ts";

export async function withWorktree<T>(
  root: string,
  sha: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = join(mkdtempSync(join(tmpdir(), "shipline-release-")), "tree");
  git(["worktree", "add", "--detach", "--quiet", dir, sha], { cwd: root });
  try {
    return await fn(dir);
  } finally {
    git(["worktree", "remove", "--force", dir], { cwd: root, allowFailure: true });
    rmSync(join(dir, ".."), { recursive: true, force: true });
    // a worktree whose directory vanished (a killed run) is forgotten, not left registered
    git(["worktree", "prune"], { cwd: root, allowFailure: true });
  }
}

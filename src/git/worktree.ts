/**
 * A throwaway checkout of another commit, for building a release made behind HEAD (a merged
 * release PR that `run` released at its merge commit): `git worktree add --detach` into a temp
 * directory, removed again afterwards. The user's checkout and index are never touched.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git } from "./git.ts";

/** A worktree an earlier, killed run left registered (the flow's lock keeps runs from overlapping). */
function removeStale(root: string): void {
  const list = git(["worktree", "list", "--porcelain"], { cwd: root, allowFailure: true }).stdout;
  for (const m of list.matchAll(/^worktree (.*\/shipline-release-[^/]+\/tree)$/gm)) {
    git(["worktree", "remove", "--force", m[1]!], { cwd: root, allowFailure: true });
    rmSync(join(m[1]!, ".."), { recursive: true, force: true });
  }
  git(["worktree", "prune"], { cwd: root, allowFailure: true });
}

export async function withWorktree<T>(
  root: string,
  sha: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  removeStale(root);
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

/**
 * The version a build must produce: the release being published (plan stage, else the release
 * HEAD's commit makes: pending, or already tagged at HEAD).
 */
import type { PendingRelease, PlanStageResult } from "../plan/types.ts";

export interface ExpectedRelease {
  version: string;
  /** Package path in the manifest ("." for a single package). */
  path: string;
  /** Build from this commit instead of HEAD (a release made behind HEAD), with its tag. */
  sha?: string;
  tag?: string;
}

export async function pendingFromGit(root: string): Promise<PendingRelease[]> {
  try {
    const { findPendingReleases } = await import("../plan/pending.ts");
    // a checkout of the release's tag (a publish job, or publishing a release made earlier)
    // still knows its version: the release commit is tagged at HEAD itself
    return findPendingReleases(root, undefined, "HEAD", true);
  } catch {
    // No release-please config, not a git repo…: nothing is pending, so nothing to compare with.
    return [];
  }
}

export async function expectedReleases(
  root: string,
  plan: PlanStageResult | undefined,
): Promise<ExpectedRelease[]> {
  const pending = plan?.pending?.length ? plan.pending : await pendingFromGit(root);
  return pending.map((p) => ({ version: p.version, path: p.path || "." }));
}

/**
 * The version a build must produce: the release being published (plan stage, else the release
 * HEAD's commit makes: pending, or already tagged at HEAD).
 */
import { ShiplineError } from "../errors.ts";
import { tagCommit } from "../git/git.ts";
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

/**
 * The releases `publish --tags` names: each tag's commit, and the release the config makes
 * there with that very tag (what `run` tagged, or would have). A tag that is missing here, or
 * that no release-please release of this config made, stops the job before anything is built.
 */
export async function releasesAtTags(root: string, tags: readonly string[]): Promise<PendingRelease[]> {
  const { findPendingReleases } = await import("../plan/pending.ts");
  const out: PendingRelease[] = [];
  for (const tag of tags) {
    const sha = tagCommit(root, tag);
    if (!sha)
      throw new ShiplineError(
        `tag ${tag} (--tags) is not in this clone: nothing was built or published`,
        "fetch the tags first (actions/checkout with `fetch-depth: 0`, or `git fetch --tags`)",
      );
    const release = findPendingReleases(root, undefined, sha, true).find((p) => p.tag === tag);
    if (!release)
      throw new ShiplineError(
        `tag ${tag} (--tags) names no release of this repository's release-please config made at its commit ${sha.slice(0, 7)}: nothing was built or published`,
        "pass the tags the release job made (its tags_released output)",
      );
    const twin = out.find((r) => (r.path || ".") === (release.path || "."));
    if (twin)
      throw new ShiplineError(
        `--tags names two releases of the package at ${release.path || "."} (${twin.tag}, ${tag}): one job publishes one version of a package`,
        "publish them one at a time",
      );
    out.push(release); // its sha is the tag's commit
  }
  return out;
}

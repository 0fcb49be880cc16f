/**
 * The planner's entry points, as the GitHub stages use them: the plan (releases to propose),
 * the release PR's file contents, and the releases a merged release PR left pending. Kept in
 * one place so the stages depend on the planner's API at one point only.
 */
import type { ReleasePleaseConfig } from "../config/release-please.ts";
import { findPendingReleases } from "../plan/pending.ts";
import { planReleases } from "../plan/planner.ts";
import type { PrereleaseChoice } from "../plan/prerelease.ts";
import { releaseChanges } from "../plan/release-changes.ts";
import type { FileUpdate, PendingRelease, Plan } from "../plan/types.ts";
import type { Logger } from "../ui/log.ts";
import { type GitHub, PERM, type Pull } from "./client.ts";

/**
 * Merged PRs on the target branch whose description carries BEGIN_COMMIT_OVERRIDE, by merge
 * commit sha (release-please re-reads merged PR descriptions on every run; see PlanOptions).
 * The newest `max` closed PRs are enough: an override matters only for unreleased commits.
 */
export async function overridePullRequests(
  gh: GitHub,
  target: string,
  log: Logger,
  max = 300,
): Promise<Map<string, { number: number; body: string }>> {
  const closed = await gh.call({ what: "list closed pull requests", permission: PERM.pullsRead }, () =>
    gh.list<Pull>(
      "GET /repos/{owner}/{repo}/pulls",
      { state: "closed", base: target, sort: "updated", direction: "desc" },
      max,
    ),
  );
  const out = new Map<string, { number: number; body: string }>();
  for (const p of closed)
    if (p.merged_at && p.merge_commit_sha && p.body?.includes("BEGIN_COMMIT_OVERRIDE")) {
      out.set(p.merge_commit_sha, { number: p.number, body: p.body });
      log.debug(`PR #${p.number}: its description's BEGIN_COMMIT_OVERRIDE replaces the commit message`);
    }
  return out;
}

export function currentPlan(
  root: string,
  o: {
    date?: string;
    repo?: string;
    targetBranch?: string;
    env: NodeJS.ProcessEnv;
    config: ReleasePleaseConfig;
    /** `--prerelease` of the run (PEP 440 channels, src/plan/prerelease.ts). */
    prerelease?: PrereleaseChoice;
    pullRequests?: ReadonlyMap<string, { number: number; body: string }>;
  },
): Promise<Plan> {
  return planReleases(root, o);
}

export function fileChanges(
  root: string,
  plan: Plan,
  config: ReleasePleaseConfig,
  log: Logger,
): FileUpdate[] {
  // "file setup.py did not exist" is routine for a pyproject-only package: detail, not a warning.
  const warn = (m: string) => (/did not exist$/.test(m) ? log.debug(m) : log.warn(m));
  return releaseChanges(root, plan, { config, warn });
}

export function pendingReleases(
  root: string,
  config: ReleasePleaseConfig,
  rev = "HEAD",
  taggedHere = false,
): PendingRelease[] {
  return findPendingReleases(root, config, rev, taggedHere);
}

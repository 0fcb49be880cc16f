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

export function pendingReleases(root: string, config: ReleasePleaseConfig): PendingRelease[] {
  return findPendingReleases(root, config);
}

/**
 * The planner's entry points, as the GitHub stages use them: the plan (releases to propose),
 * the release PR's file contents, and the releases a merged release PR left pending. Kept in
 * one place so the stages depend on the planner's API at one point only.
 */
import { NotAvailableError } from "../errors.ts";
import type { FileUpdate, PendingRelease, Plan } from "../plan/types.ts";

// Wired to src/plan once the planner lands (planReleases, releaseChanges, findPendingReleases).
export function currentPlan(_root: string, _o: { date?: string; repo?: string }): Plan {
  throw new NotAvailableError("release planning");
}

export function fileChanges(_root: string, _plan: Plan): FileUpdate[] {
  throw new NotAvailableError("release PR file updates");
}

export function pendingReleases(_root: string): PendingRelease[] {
  throw new NotAvailableError("merged release PR detection");
}

/**
 * The plan stage: "release" when HEAD is a merged release PR (pending releases), "pr" when
 * something is releasable, else "none". Pure reading of local git, so re-running it is
 * idempotent by construction. `[tool.shipline] confirm-major = true` makes it refuse a major
 * release unless the run was started with an explicit confirmation (options.allowMajor) or
 * the version came from Release-As.
 */
import { loadReleasePleaseConfig } from "../config/release-please.ts";
import { loadShiplineConfig } from "../config/shipline.ts";
import { ShiplineError } from "../errors.ts";
import { ensureFullHistory } from "../git/shallow.ts";
import type { Stage } from "../pipeline/stage.ts";
import { findPendingReleases, onReleasePrBranch } from "./pending.ts";
import { planReleases } from "./planner.ts";
import type { PrereleaseChoice } from "./prerelease.ts";
import type { PlannedRelease, PlanStageResult } from "./types.ts";

/** A release that raises the major version (not by Release-As, not the first release). */
export function isUnconfirmedMajor(r: PlannedRelease): boolean {
  if (!r.previousVersion || r.bump === "release-as" || r.bump === "initial") return false;
  const prev = Number(r.previousVersion.split(".")[0]);
  const next = Number(r.version.split(".")[0]);
  return next > prev;
}

export const planStage: Stage<PlanStageResult> = {
  name: "plan",
  // reads local git only (a shallow clone is deepened, which changes no file): `run --dry-run`
  // runs it for real, so the preview goes on to the PR diff or the tag and release body
  pure: true,
  async run(ctx) {
    const cfg = loadReleasePleaseConfig(ctx.root);
    // The history and tags first (a no-op on a full clone): in actions/checkout's one-commit
    // clone HEAD's parent and the tags are missing, and every push would look like a merged
    // release PR whose tag does not exist.
    ensureFullHistory(ctx.root, ctx.log);
    const branch = onReleasePrBranch(ctx.root, ctx.env);
    if (branch) {
      // A push to the release PR's own branch (an all-branches `on: push`): its head commit
      // sets the new version, but nothing is released until the PR is merged (spec §5.7).
      ctx.log.info(`on the release PR branch ${branch}: nothing to release or propose until it is merged`);
      return { result: { action: "none", releases: [], pending: [] } };
    }
    const pending = findPendingReleases(ctx.root, cfg);
    if (pending.length > 0) {
      for (const p of pending)
        ctx.log.info(`merged release PR: ${p.name} (tag ${p.tag} at ${p.sha.slice(0, 7)})`);
      return { result: { action: "release", releases: [], pending } };
    }
    const plan = await planReleases(ctx.root, {
      date: ctx.options.date,
      repo: ctx.options.repo,
      env: ctx.env,
      config: cfg,
      prerelease: ctx.options.prerelease as PrereleaseChoice | undefined,
    });
    for (const w of plan.warnings ?? []) ctx.log.warn(w);
    for (const r of plan.releases) for (const w of r.warnings) ctx.log.warn(w);
    const majors = plan.releases.filter(isUnconfirmedMajor);
    if (majors.length > 0 && !ctx.options.allowMajor && loadShiplineConfig(ctx.root).confirmMajor) {
      const m = majors[0] as PlannedRelease;
      throw new ShiplineError(
        `refusing a major release: ${m.component || m.path} ${m.previousVersion} → ${m.version} ([tool.shipline] confirm-major = true)`,
        "confirm it with --allow-major, or add a `Release-As: X.Y.Z` footer to a commit, or set bump-minor-pre-major for 0.x",
      );
    }
    for (const r of plan.releases)
      ctx.log.info(`${r.component || r.path}: ${r.previousVersion ?? "-"} → ${r.version}`);
    if (plan.releases.length > 0) return { result: { action: "pr", releases: plan.releases, pending: [] } };
    for (const s of plan.skipped) ctx.log.info(`${s.component || s.path}: no release — ${s.reason}`);
    // Nothing new here; but a real `run` with a token asks GitHub for a merged release PR left
    // pending (the GitHub client is loaded only then: planning itself never loads it)
    const o = ctx.options;
    const asks = o.command === "run" && !o.dryRun && Boolean(ctx.env.GITHUB_TOKEN || ctx.env.GH_TOKEN);
    const outstanding = asks
      ? await import("../github/outstanding.ts").then((m) => m.outstandingReleasePr(ctx, cfg))
      : undefined;
    if (outstanding)
      ctx.log.info(
        `merged release PR #${outstanding.number} is still labelled pending: the pr stage looks at it (an earlier run may have stopped before publishing it)`,
      );
    return { result: { action: outstanding ? "pr" : "none", releases: [], pending: [] } };
  },
};

/**
 * The `release` stage: HEAD is a merged release PR (the release commit set the manifest to a
 * version whose tag does not exist) → tag + GitHub release per package, then the PR's labels
 * go from `autorelease: pending` to `autorelease: tagged` (in a `run` that publishes, only once
 * the release is on the index: the assets stage). Idempotent; see github-release.ts.
 */
import { loadReleasePleaseConfig } from "../config/release-please.ts";
import { ShiplineError } from "../errors.ts";
import { headSha } from "../git/git.ts";
import { ensureFullHistory } from "../git/shallow.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import { onReleasePrBranch } from "../plan/pending.ts";
import type { PendingRelease, PlanStageResult } from "../plan/types.ts";
import { GitHub } from "./client.ts";
import { githubContext, githubToken, headMismatch } from "./context.ts";
import { heldForAssets, publishReleases } from "./github-release.ts";
import type { ReleaseStageResult } from "./outputs.ts";
import { pendingReleases } from "./plan-source.ts";
import { guardVersions } from "./version-guard.ts";

export async function runReleaseStage(ctx: StageContext): Promise<ReleaseStageResult> {
  const { root, options: o, env, log } = ctx;
  const cfg = loadReleasePleaseConfig(root);
  // The base branch only narrows the search for the merged PR; a detached HEAD still releases.
  const gctx = githubContext(root, o.repo, env, false);
  const skip = new Set(cfg.packages.filter((p) => p.skipGithubRelease).map((p) => p.path));
  const branch = onReleasePrBranch(root, env);
  if (branch)
    throw new ShiplineError(
      `HEAD is on the release PR branch ${branch}: a release PR is released after it is merged, never from its own branch`,
      // release-please--branches--<base>[--components--<c>]
      `merge the PR, then run \`shipline release\` (or \`shipline run\`) on ${branch.split("--")[2] || "the target branch"}`,
    );
  const planned = ctx.resultOf<PlanStageResult>("plan")?.pending;
  // `shipline release` on its own: a merged release PR is read from HEAD and its parent and
  // the tags, which a one-commit clone does not have
  if (!planned) ensureFullHistory(root, log);
  const pending: PendingRelease[] = (planned ?? pendingReleases(root, cfg)).filter((p) => !skip.has(p.path));
  if (pending.length === 0) {
    log.info("HEAD is not a merged release PR (no manifest version without its tag): nothing to release");
    return { releases: [] };
  }
  // A build follows the tag, in this run or in the publish job of a two-job workflow (`run
  // --no-publish`): a version file the release PR left behind stops it before anything public
  // is made. `shipline release` on its own only says so.
  const buildFollows = (o.publish && o.order !== "publish-first") || o.publishElsewhere === true;
  const head = headSha(root);
  guardVersions(root, pending, head, { refuse: buildFollows && !o.dryRun, log });
  if (o.dryRun) {
    for (const p of pending) {
      log.info(
        `tag ${p.tag} at ${p.sha.slice(0, 7)}; release "${p.name}"${p.draft ? " (draft)" : heldForAssets(o) ? " (a draft until its files are attached)" : ""}${p.prerelease ? " (prerelease)" : ""}`,
      );
      for (const line of p.notes.split("\n")) log.info(`  ${line}`);
    }
    return {
      dryRun: true,
      releases: pending.map((p) => ({
        path: p.path,
        component: p.component,
        version: p.version,
        tag: p.tag,
        sha: p.sha,
        name: p.name,
        body: p.notes,
        status: "existing" as const,
        tagStatus: "existing" as const,
        id: 0,
        url: "",
        uploadUrl: "",
        draft: p.draft,
        prerelease: p.prerelease,
      })),
    };
  }
  const mismatch = headMismatch(head, env);
  if (mismatch) log.warn(mismatch);
  const token = githubToken(env);
  const gh = new GitHub({ owner: gctx.owner, repo: gctx.repo, token, baseUrl: gctx.apiUrl, log });
  return publishReleases({
    gh,
    cfg,
    target: gctx.target,
    head,
    pending,
    log,
    progress: { get: () => ctx.progress, save: (p) => ctx.saveProgress(p) },
    // the files are attached after the upload: in this run, in the publish job, or by the
    // `shipline publish` that follows a `shipline release`
    holdForAssets: heldForAssets(o),
    // `run` publishes next (or, publish-first, attaches the files to the draft next): the PR
    // stays pending until that is done too (the assets stage then swaps the labels), so a run
    // that dies in between is finished by any later run, on a fresh runner too, instead of
    // leaving a tagged release off the index or a draft without its files
    deferLabels: o.command === "run" && o.publish && (o.order !== "publish-first" || o.githubAssets === true),
  });
}

export const releaseStage: Stage<ReleaseStageResult> = {
  name: "release",
  run: async (ctx) => ({ result: await runReleaseStage(ctx) }),
  // --dry-run: the same code path, which reads local git only and touches nothing.
  preview: async (ctx) => ({
    result: await runReleaseStage({ ...ctx, options: { ...ctx.options, dryRun: true } }),
  }),
};

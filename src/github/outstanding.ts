/**
 * A merged release PR that GitHub still labels pending, asked for by `run` when its own plan
 * found nothing to release. release-please-action's createReleases looks for one on every push
 * before it plans anything, and `run` must too: an attempt may have tagged it and died before
 * publishing (in a `run` the labels move to tagged only once the release is on the index), or
 * HEAD moved past its merge before any run released it — and on a fresh runner, whose checkout
 * has the tag, the local plan sees nothing left to do. Finding one sends the flow to the pr
 * stage, which releases and publishes it (releaseUntaggedMerged in stage-pr.ts).
 */
import type { ReleasePleaseConfig } from "../config/release-please.ts";
import type { StageContext } from "../pipeline/stage.ts";
import { GitHub, type Pull } from "./client.ts";
import { githubContext, githubToken } from "./context.ts";
import { findUntaggedMerged } from "./release-pr.ts";

/**
 * The PR, or undefined. A failed lookup is a warning, not a failed run: before this check a run
 * with nothing to release needed no GitHub at all, and the PR stays pending for the next run.
 */
export async function outstandingReleasePr(
  ctx: StageContext,
  cfg: ReleasePleaseConfig,
): Promise<Pull | undefined> {
  const { root, env, log, options: o } = ctx;
  try {
    const g = githubContext(root, o.repo, env);
    const gh = new GitHub({ owner: g.owner, repo: g.repo, token: githubToken(env), baseUrl: g.apiUrl, log });
    return await findUntaggedMerged({ gh, cfg, target: g.target });
  } catch (e) {
    log.warn(
      `could not look for a merged release PR still labelled pending (${(e as Error).message}): if an earlier run tagged one and stopped before publishing, the next run finishes it`,
    );
    return undefined;
  }
}

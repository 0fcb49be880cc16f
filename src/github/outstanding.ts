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
import { ShiplineError } from "../errors.ts";
import type { StageContext } from "../pipeline/stage.ts";
import { GitHub, type Pull } from "./client.ts";
import { githubContext, githubToken } from "./context.ts";
import { findUntaggedMerged } from "./release-pr.ts";

/**
 * The PR, or undefined. A lookup that fails (GitHub down after the client's retries, a token
 * that may not read pull requests) fails the run: passing green would leave a release that an
 * earlier attempt tagged and never published looking finished — the "re-run appears green"
 * that semantic-release users complain of. The next run asks again.
 */
export async function outstandingReleasePr(
  ctx: StageContext,
  cfg: ReleasePleaseConfig,
): Promise<Pull | undefined> {
  const { root, env, log, options: o } = ctx;
  const g = githubContext(root, o.repo, env);
  const gh = new GitHub({ owner: g.owner, repo: g.repo, token: githubToken(env), baseUrl: g.apiUrl, log });
  try {
    return await findUntaggedMerged({ gh, cfg, target: g.target });
  } catch (e) {
    throw new ShiplineError(
      `nothing new to release here, but GitHub could not be asked for a merged release PR still labelled pending (${(e as Error).message}): one an earlier run tagged and did not publish would be left unpublished`,
      "run again when GitHub answers (`shipline resume`); the token needs pull-requests: read",
    );
  }
}

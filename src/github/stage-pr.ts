/**
 * The `pr` stage: from the plan, lay out the release PR(s) exactly as release-please does and
 * open or update them. `--dry-run` shows branch, title, labels, body and file diffs and
 * touches nothing (no token needed).
 */

import { createTwoFilesPatch } from "diff";
import { loadReleasePleaseConfig } from "../config/release-please.ts";
import { remoteUrl, tokenAuthEnv } from "../git/branch-commit.ts";
import { fileAt, headSha } from "../git/git.ts";
import { ensureFullHistory } from "../git/shallow.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import type { PrereleaseChoice } from "../plan/prerelease.ts";
import { GitHub } from "./client.ts";
import { githubContext, githubToken, headMismatch } from "./context.ts";
import { groupPullRequests, type PrCandidate } from "./layout.ts";
import type { PrStageResult } from "./outputs.ts";
import { currentPlan, fileChanges, overridePullRequests } from "./plan-source.ts";
import { assertNoDuplicateBranches, openOrUpdate } from "./release-pr.ts";

export const REMOTE = "origin";

function showDryRun(
  ctx: StageContext,
  c: PrCandidate,
  files: { path: string; content: string }[],
  head: string,
) {
  const log = ctx.log;
  log.info(`branch: ${c.branch}`);
  log.info(`title:  ${c.title}`);
  log.info(`labels: ${c.labels.join(", ")}${c.draft ? " (draft)" : ""}`);
  log.info("body:");
  for (const line of c.body.split("\n")) log.info(`  ${line}`);
  log.info(`commit on top of ${head.slice(0, 7)}: ${c.message.split("\n")[0]}`);
  for (const f of files) {
    const before = fileAt(ctx.root, head, f.path) ?? "";
    const patch = createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, before, f.content, "", "", {
      context: 3,
    });
    for (const line of patch.split("\n").slice(1)) if (line !== "") log.info(line.replace(/\t$/, ""));
  }
}

export async function runPrStage(ctx: StageContext): Promise<PrStageResult> {
  const { root, options: o, env, log } = ctx;
  const cfg = loadReleasePleaseConfig(root);
  const gctx = githubContext(root, o.repo, env);
  ensureFullHistory(root, log);
  // With a token, merged PRs' BEGIN_COMMIT_OVERRIDE descriptions refine the plan; without one
  // (a dry run, or nothing to release) it is planned from local git alone.
  const client = (token: string) =>
    new GitHub({ owner: gctx.owner, repo: gctx.repo, token, baseUrl: gctx.apiUrl, log });
  const reader = env.GITHUB_TOKEN || env.GH_TOKEN ? client(githubToken(env)) : undefined;
  const pullRequests = reader
    ? await overridePullRequests(reader, gctx.target, log).catch((e) => {
        if (!o.dryRun) throw e;
        log.warn(`merged PRs not read (${(e as Error).message}): the dry run plans from local git alone`);
        return undefined;
      })
    : undefined;
  const plan = await currentPlan(root, {
    date: o.date,
    repo: `${gctx.owner}/${gctx.repo}`,
    targetBranch: gctx.target,
    env,
    config: cfg,
    prerelease: o.prerelease as PrereleaseChoice | undefined,
    pullRequests,
  });
  const candidates = groupPullRequests(cfg, plan.releases, gctx.target);
  assertNoDuplicateBranches(candidates);
  if (candidates.length === 0) {
    log.info("nothing to release: no release PR needed");
    return { prs: [] };
  }
  const files = new Map(
    candidates.map((c) => [c, fileChanges(root, { ...plan, releases: c.releases }, cfg, log)] as const),
  );
  const head = headSha(root);
  const mismatch = headMismatch(head, env);
  if (mismatch) log.warn(mismatch);
  const base = (c: PrCandidate) => ({
    headBranchName: c.branch,
    baseBranchName: gctx.target,
    title: c.title,
    body: c.body,
    labels: c.labels,
    versions: Object.fromEntries(c.releases.map((r) => [r.path, r.version])),
  });
  if (o.dryRun) {
    for (const c of candidates) showDryRun(ctx, c, files.get(c) ?? [], head);
    return { dryRun: true, prs: candidates.map((c) => ({ ...base(c), action: "dry-run" })) };
  }
  const token = githubToken(env);
  const gh = reader ?? client(token);
  const gitEnv = tokenAuthEnv(remoteUrl(root, REMOTE), token);
  const outcomes = await openOrUpdate(
    {
      root,
      gh,
      cfg,
      target: gctx.target,
      base: head,
      log,
      remote: REMOTE,
      gitEnv,
      serverUrl: gctx.serverUrl,
    },
    candidates,
    (c) => files.get(c) ?? [],
  );
  return {
    prs: candidates.map((c, i) => ({
      ...base(c),
      action: outcomes[i]?.action ?? "none",
      number: outcomes[i]?.number,
      url: outcomes[i]?.url,
    })),
  };
}

export const prStage: Stage<PrStageResult> = {
  name: "pr",
  run: async (ctx) => ({ result: await runPrStage(ctx) }),
  // --dry-run: the same code path, which reads local git only and touches nothing.
  preview: async (ctx) => ({
    result: await runPrStage({ ...ctx, options: { ...ctx.options, dryRun: true } }),
  }),
};

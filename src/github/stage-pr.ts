/**
 * The `pr` stage: from the plan, lay out the release PR(s) exactly as release-please does and
 * open or update them. `--dry-run` shows branch, title, labels, body and file diffs and
 * touches nothing (no token needed).
 */

import { createTwoFilesPatch } from "diff";
import { loadReleasePleaseConfig, type ReleasePleaseConfig } from "../config/release-please.ts";
import { loadShiplineConfig } from "../config/shipline.ts";
import { ShiplineError } from "../errors.ts";
import { headAgainstRemote, remoteUrl, tokenAuthEnv } from "../git/branch-commit.ts";
import { fileAt, git, headSha, tagCommit } from "../git/git.ts";
import { ensureFullHistory } from "../git/shallow.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import type { PrereleaseChoice } from "../plan/prerelease.ts";
import type { PendingRelease } from "../plan/types.ts";
import { GitHub, type Pull } from "./client.ts";
import { githubContext, githubToken, headMismatch } from "./context.ts";
import { heldForAssets, publishReleases, type ReleaseRecord } from "./github-release.ts";
import { groupPullRequests, type PrCandidate } from "./layout.ts";
import type { PrStageResult } from "./outputs.ts";
import { currentPlan, fileChanges, overridePullRequests, pendingReleases } from "./plan-source.ts";
import { assertNoDuplicateBranches, findUntaggedMerged, openOrUpdate } from "./release-pr.ts";
import { guardVersions } from "./version-guard.ts";

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

/** Where publishReleases keeps what it made, inside the pr stage's progress. */
const releaseProgress = (ctx: StageContext) => ({
  get: () => (ctx.progress.released as Record<string, unknown> | undefined) ?? {},
  save: (p: Record<string, unknown>) =>
    ctx.saveProgress({ released: { ...(ctx.progress.released as object), ...p } }),
});

/** Each release's sdist on the index (uploaded last: the whole upload happened), or undefined. */
async function publishedAlready(
  ctx: StageContext,
  sha: string,
  pending: PendingRelease[],
): Promise<string[] | undefined> {
  const { sdistOnIndex } = await import("../pypi/published.ts");
  const found: string[] = [];
  for (const p of pending) {
    const f = await sdistOnIndex(ctx.root, sha, p, {
      repositoryUrl: ctx.options.repositoryUrl,
      env: ctx.env,
    });
    if (!f) return undefined;
    found.push(f);
  }
  return found;
}

/**
 * Release every merged release PR still labelled pending whose merge commit is here: the
 * records made, and the untagged merged PR left (null: none), which openOrUpdate then reports.
 */
async function releaseUntaggedMerged(
  ctx: StageContext,
  gh: GitHub,
  cfg: ReleasePleaseConfig,
  target: string,
): Promise<{ released: ReleaseRecord[]; left: Pull | null; labelsAfterPublish: number[] }> {
  const { root, log } = ctx;
  const skip = new Set(cfg.packages.filter((p) => p.skipGithubRelease).map((p) => p.path));
  const out: ReleaseRecord[] = [];
  const labelsAfterPublish: number[] = [];
  const tried = new Set<number>();
  for (;;) {
    const pr = (await findUntaggedMerged({ gh, cfg, target })) ?? null;
    // a PR whose labels wait for this run's publish is handled, not an outstanding one
    if (pr && labelsAfterPublish.includes(pr.number))
      return { released: out, left: null, labelsAfterPublish };
    if (!pr || tried.has(pr.number)) return { released: out, left: pr, labelsAfterPublish };
    tried.add(pr.number);
    const sha = pr.merge_commit_sha;
    // tagged there already counts: an earlier attempt tagged it and died before the publish (and
    // before the labels moved), so this run finishes the job; every step below looks first
    const pending = sha ? pendingReleases(root, cfg, sha, true).filter((p) => !skip.has(p.path)) : [];
    // not a release commit here
    if (!sha || pending.length === 0) return { released: out, left: pr, labelsAfterPublish };
    // the release guard (stage-release.ts): its tag is published later, from the tag
    guardVersions(root, pending, headSha(root), {
      refuse: ctx.options.publish || ctx.options.publishElsewhere === true,
      log,
    });
    const tagged = pending.filter((p) => tagCommit(root, p.tag) === sha).map((p) => p.tag);
    // `run` would build it again; but if that earlier run's upload completed, only its labels
    // were left (see src/pypi/published.ts): move them, build nothing
    const publishesHere = ctx.options.command === "run" && ctx.options.publish;
    const onIndex =
      publishesHere && tagged.length === pending.length && !heldForAssets(ctx.options)
        ? await publishedAlready(ctx, sha, pending)
        : undefined;
    if (onIndex) {
      log.info(
        `merged release PR #${pr.number} still says pending though ${tagged.join(", ")} exists at ${sha.slice(0, 7)} and the index has ${onIndex.join(", ")}: an earlier run published it and stopped before moving the labels; this run moves them`,
      );
      await publishReleases({ gh, cfg, target, head: sha, pending, log, progress: releaseProgress(ctx) });
      continue;
    }
    if (tagged.length)
      log.info(
        `merged release PR #${pr.number} still says pending though ${tagged.join(", ")} exists at ${sha.slice(0, 7)}: an earlier run stopped before publishing; this run finishes it (if another pipeline published it, swap the PR's label to ${cfg.releaseLabels.join(", ")} instead)`,
      );
    else log.info(`merged release PR #${pr.number} was never released: releasing it at ${sha.slice(0, 7)}`);
    // `run` goes on to build it from that commit (src/pipeline/flow.ts)
    const r = await publishReleases({
      gh,
      cfg,
      target,
      head: sha,
      pending,
      log,
      progress: releaseProgress(ctx),
      // publish.github-assets: a draft until the assets stage (this run's, or a later publish's)
      holdForAssets: heldForAssets(ctx.options),
      // published in this run: the PR stays pending (findable by a fresh runner) until it is
      deferLabels: publishesHere,
    });
    if (r.pr?.labels === "deferred") labelsAfterPublish.push(r.pr.number);
    for (const rel of r.releases) {
      // the tag exists on GitHub now; the plan that follows reads local tags
      if (!tagCommit(root, rel.tag)) git(["tag", rel.tag, rel.sha], { cwd: root });
      if (publishesHere)
        log.info(
          `${rel.tag} was released at ${rel.sha.slice(0, 7)}, behind HEAD: this run builds and publishes it from that commit`,
        );
      else
        log.warn(
          `${rel.tag} was released at ${rel.sha.slice(0, 7)}, behind HEAD: this run does not build or publish it; publish it from its tag (\`git checkout ${rel.tag} && shipline publish\`)${rel.held ? ", which also attaches its files and publishes the GitHub release, a draft until then" : ""}`,
        );
    }
    out.push(...r.releases);
  }
}

/**
 * The release PR is one commit on top of HEAD, proposed for the target branch. release-please
 * builds it on the branch's tip on GitHub; here HEAD must be on that branch. Commits HEAD has
 * and the remote branch lacks (unpushed work, a rewritten branch) would ride into the target
 * with the PR: refused. HEAD behind the tip (a queued run for an older push) is planned from
 * HEAD, as before; the newer commit's run brings the PR up to date.
 */
function guardHead(
  root: string,
  head: string,
  target: string,
  gitEnv: Record<string, string>,
  log: StageContext["log"],
): void {
  let where: ReturnType<typeof headAgainstRemote>;
  try {
    where = headAgainstRemote(root, REMOTE, target, gitEnv);
  } catch {
    where = { place: "unknown" }; // no readable `origin` (signed-commits needs none): as before
  }
  const { place, tip } = where;
  const at = `${REMOTE}/${target}${tip ? ` (${tip.slice(0, 7)})` : ""}`;
  if (place === "diverged")
    throw new ShiplineError(
      `HEAD ${head.slice(0, 7)} has commits that ${at} does not: a release PR made from it would carry them into ${target}`,
      `push them to ${target} first, or run from its tip (\`git fetch ${REMOTE} ${target} && git checkout FETCH_HEAD\`)`,
    );
  if (place === "behind")
    log.warn(
      `HEAD ${head.slice(0, 7)} is behind ${at}: the release PR is planned from HEAD; the run for the newer commit brings it up to date`,
    );
  if (place === "unknown")
    log.warn(`could not compare HEAD with ${at}: the release PR is made from HEAD ${head.slice(0, 7)}`);
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
  // `run` is release-please-action, whose createReleases runs before createPullRequests: a
  // merged release PR left untagged (HEAD moved past it before a run released it) is released
  // first, at its merge commit, and the plan then starts from its tag. `pr` is release-please's
  // release-pr command, which only reports it (openOrUpdate).
  const early =
    reader && !o.dryRun && o.command === "run"
      ? await releaseUntaggedMerged(ctx, reader, cfg, gctx.target)
      : undefined;
  const released = early?.released ?? [];
  const labelsAfterPublish = early?.labelsAfterPublish ?? [];
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
  // changelog-type github: GitHub's generated notes, as release-please asks for them
  if (reader && cfg.packages.some((p) => p.changelogType === "github")) {
    const { applyGeneratedNotes } = await import("./generated-notes.ts");
    const n = await applyGeneratedNotes(reader, cfg, plan, gctx.target, o.date);
    if (n)
      log.info(`changelog-type github: the entry of ${n} release(s) is GitHub's generated release notes`);
  }
  const candidates = groupPullRequests(cfg, plan.releases, gctx.target);
  assertNoDuplicateBranches(candidates);
  if (candidates.length === 0) {
    // openOrUpdate would report it; with no PR to open, say here why it was not released
    const stale = early?.left;
    if (stale)
      log.warn(
        `merged release PR #${stale.number} is labelled ${cfg.labels.join(", ")}, but its merge commit ${stale.merge_commit_sha?.slice(0, 7) ?? "(none)"} sets no version to release here: if it was released, swap its label to ${cfg.releaseLabels.join(", ")}`,
      );
    log.info("nothing to release: no release PR needed");
    return {
      ...(released.length ? { released } : {}),
      ...(labelsAfterPublish.length ? { labelsAfterPublish } : {}),
      prs: [],
    };
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
  guardHead(root, head, gctx.target, gitEnv, log);
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
      untaggedMerged: early?.left,
      signedCommits: loadShiplineConfig(root).signedCommits,
    },
    candidates,
    (c) => files.get(c) ?? [],
  );
  return {
    ...(released.length ? { released } : {}),
    ...(labelsAfterPublish.length ? { labelsAfterPublish } : {}),
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

/**
 * After a release PR is merged (spec §5.7): create each tag (git ref at the merge commit) and
 * its GitHub release, comment on the PR, and swap `autorelease: pending` for
 * `autorelease: tagged`. Every step first looks for its effect, so re-running (or resuming
 * after a crash) records what exists instead of duplicating it; a tag at another commit is a
 * loud error, never "fixed".
 */
import type { ReleasePleaseConfig } from "../config/release-please.ts";
import { ShiplineError } from "../errors.ts";
import { fault } from "../pipeline/fault.ts";
import type { RunOptions } from "../pipeline/stage.ts";
import type { PendingRelease } from "../plan/types.ts";
import type { Logger } from "../ui/log.ts";
import {
  apiErrorCodes,
  type GitHub,
  hasAllLabels,
  isRequestError,
  PERM,
  type Pull,
  type Release,
} from "./client.ts";
import { isReleasePrBody } from "./layout.ts";

export interface ReleaseRecord {
  path: string;
  component: string;
  version: string;
  tag: string;
  sha: string;
  name: string;
  /** Release body (the CHANGELOG entry). */
  body: string;
  /** created: by this run; existing: found already done (recorded, not duplicated). */
  status: "created" | "existing";
  tagStatus: "created" | "existing";
  id: number;
  url: string;
  uploadUrl: string;
  draft: boolean;
  prerelease: boolean;
  /**
   * A draft only until its files are attached (publish.github-assets): the assets stage
   * publishes it. Absent for a release drafted by release-please's own `draft` option.
   */
  held?: boolean;
}

export interface ReleaseRunResult {
  releases: ReleaseRecord[];
  pr?: { number: number; url: string; labels: "swapped" | "already" | "deferred" | "not-found" };
}

export interface Progress {
  get(): Record<string, unknown>;
  save(p: Record<string, unknown>): void;
}

/** The first line of release-please's comment on a merged release PR. */
const ANNOUNCE = "🤖 Created releases:";

/** True when the PR already has a comment announcing every one of these releases. */
async function announced(gh: GitHub, pr: number, records: ReleaseRecord[]): Promise<boolean> {
  const comments = await gh.call(
    { what: `list comments of pull request #${pr}`, permission: PERM.pullsRead },
    () =>
      gh.kit.paginate(gh.kit.rest.issues.listComments, {
        owner: gh.owner,
        repo: gh.repo,
        issue_number: pr,
        per_page: 100,
      }),
  );
  return comments.some(
    (c) => c.body?.startsWith(ANNOUNCE) && records.every((r) => c.body?.includes(`[${r.tag}](`)),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** sha of the commit a tag points at (annotated tags peeled), or undefined when there is no such tag. */
export async function tagTarget(gh: GitHub, tag: string): Promise<string | undefined> {
  const op = { what: `read tag ${tag}`, permission: PERM.contentsRead };
  try {
    const { data } = await gh.kit.rest.git.getRef({ owner: gh.owner, repo: gh.repo, ref: `tags/${tag}` });
    if (data.object.type !== "tag") return data.object.sha;
    const peeled = await gh.call(op, () =>
      gh.kit.rest.git.getTag({ owner: gh.owner, repo: gh.repo, tag_sha: data.object.sha }),
    );
    return peeled.data.object.sha;
  } catch (e) {
    if (isRequestError(e) && e.status === 404) return undefined;
    throw gh.explain(op, e);
  }
}

async function ensureTag(gh: GitHub, p: PendingRelease): Promise<"created" | "existing"> {
  const mismatch = (at: string) =>
    new ShiplineError(
      `tag ${p.tag} already exists on GitHub at ${at.slice(0, 7)}, not at the release commit ${p.sha.slice(0, 7)}`,
      `inspect it (git fetch --tags; git show ${p.tag}); if it is wrong, delete it on GitHub and run again — shipline never moves a tag`,
    );
  const at = await tagTarget(gh, p.tag);
  if (at) {
    if (at !== p.sha) throw mismatch(at);
    return "existing";
  }
  try {
    await gh.kit.rest.git.createRef({
      owner: gh.owner,
      repo: gh.repo,
      ref: `refs/tags/${p.tag}`,
      sha: p.sha,
    });
    return "created";
  } catch (e) {
    if (isRequestError(e) && e.status === 422) {
      // Created concurrently (or by a retried request whose answer was lost): check where.
      const now = await tagTarget(gh, p.tag);
      if (now === p.sha) return "existing";
      if (now) throw mismatch(now);
    }
    throw gh.explain(
      { what: `create tag ${p.tag} at ${p.sha.slice(0, 7)}`, permission: PERM.contentsWrite },
      e,
    );
  }
}

/** The release for `tag`, drafts included (the by-tag endpoint does not return drafts). */
export async function findRelease(gh: GitHub, tag: string): Promise<Release | undefined> {
  const op = { what: `look up the release for ${tag}`, permission: PERM.contentsRead };
  try {
    const { data } = await gh.kit.rest.repos.getReleaseByTag({ owner: gh.owner, repo: gh.repo, tag });
    return data as unknown as Release;
  } catch (e) {
    if (!isRequestError(e) || e.status !== 404) throw gh.explain(op, e);
  }
  const all = await gh.call(op, () => gh.list<Release>("GET /repos/{owner}/{repo}/releases", {}, 400));
  return all.find((r) => r.tag_name === tag);
}

/** Is this failure one where the request may or may not have taken effect (so: look, then retry)? */
function uncertain(e: unknown): boolean {
  if (!isRequestError(e)) return true; // connection reset, body cut off, …
  return e.status >= 500 || e.status === 429;
}

/**
 * A POST that must take effect once (a release, a comment). Octokit's own retry is off for it:
 * after a 5xx or a dropped connection the thing may exist, so we look for it before trying again.
 * `find` answers whether it exists; it did not before the first attempt, so if it does after a
 * failed one, that attempt made it.
 */
async function createOnce<T>(
  gh: GitHub,
  op: { what: string; permission: string },
  create: () => Promise<T>,
  find: () => Promise<T | undefined>,
  log: Logger,
): Promise<T> {
  const delays = [1000, 2000, 4000, 8000];
  for (let attempt = 0; ; attempt++) {
    try {
      return await create();
    } catch (e) {
      if (!uncertain(e) || attempt >= delays.length) throw gh.explain(op, e);
      const why = isRequestError(e)
        ? `GitHub answered ${e.status}`
        : `connection failed (${(e as Error).message})`;
      log.warn(`${op.what}: ${why}; checking whether it took effect, then retrying`);
      await sleep(delays[attempt]!);
      const found = await find();
      if (found !== undefined) return found;
    }
  }
}

/** Create the release exactly once; a 422 already_exists means another run made it (not ours). */
async function createReleaseOnce(
  gh: GitHub,
  p: PendingRelease,
  draft: boolean,
  log: Logger,
): Promise<[Release, boolean]> {
  const op = { what: `create the GitHub release ${p.tag}`, permission: PERM.contentsWrite };
  const create = async (): Promise<[Release, boolean]> => {
    try {
      const { data } = await gh.kit.rest.repos.createRelease({
        owner: gh.owner,
        repo: gh.repo,
        tag_name: p.tag,
        target_commitish: p.sha,
        name: p.name,
        body: p.notes,
        draft,
        prerelease: p.prerelease,
        request: { retries: 0 },
      });
      return [data as unknown as Release, true];
    } catch (e) {
      if (isRequestError(e) && e.status === 422 && apiErrorCodes(e).includes("already_exists")) {
        const found = await findRelease(gh, p.tag);
        if (found) return [found, false];
      }
      throw e;
    }
  };
  const find = async (): Promise<[Release, boolean] | undefined> => {
    const found = await findRelease(gh, p.tag);
    return found ? [found, true] : undefined;
  };
  return createOnce(gh, op, create, find, log);
}

/** §5.7 candidates: the merged PR carrying the pending labels whose merge commit is HEAD (else the newest one). */
async function findReleasePr(gh: GitHub, cfg: ReleasePleaseConfig, target: string, sha: string) {
  const closed = await gh.call({ what: "list closed pull requests", permission: PERM.pullsRead }, () =>
    gh.list<Pull>(
      "GET /repos/{owner}/{repo}/pulls",
      { state: "closed", ...(target ? { base: target } : {}), sort: "updated", direction: "desc" },
      200,
    ),
  );
  const merged = closed.filter((p) => p.merged_at && isReleasePrBody(p.body));
  const pending = merged.filter((p) => hasAllLabels(p, cfg.labels));
  const exact = (list: Pull[]) => list.find((p) => p.merge_commit_sha === sha);
  const pr = exact(pending);
  if (pr) return { pr, already: false };
  const tagged = exact(merged.filter((p) => hasAllLabels(p, cfg.releaseLabels)));
  if (tagged) return { pr: tagged, already: true };
  return undefined;
}

/**
 * publish.github-assets with publishing to follow (this run, the publish job of `run
 * --no-publish`, or the `shipline publish` after a `shipline release`): the release waits as a
 * draft until the assets stage has attached its files.
 */
export const heldForAssets = (o: RunOptions): boolean =>
  o.githubAssets === true && (o.publish || o.publishElsewhere === true || o.command === "release");

export interface ReleaseInputs {
  gh: GitHub;
  cfg: ReleasePleaseConfig;
  target: string;
  head: string;
  pending: PendingRelease[];
  log: Logger;
  progress: Progress;
  /** Make each release a draft until the assets stage has attached its files. */
  holdForAssets?: boolean;
  /**
   * Leave the PR labelled pending: the caller swaps the labels (swapReleaseLabels) once the
   * release is on the index. A release `run` makes behind HEAD is published from its commit in
   * the same run; until the labels move, any later run (a fresh runner, with no checkpoint)
   * still finds the PR and finishes the publish instead of seeing nothing to do.
   */
  deferLabels?: boolean;
}

export async function publishReleases(i: ReleaseInputs): Promise<ReleaseRunResult> {
  const { gh, log } = i;
  const records: ReleaseRecord[] = [];
  for (const p of i.pending) {
    const tagStatus = await ensureTag(gh, p);
    log.success(
      `tag ${p.tag} ${tagStatus === "created" ? "created" : "already exists"} at ${p.sha.slice(0, 7)}`,
    );
    fault("release:after-tag");
    let release = await findRelease(gh, p.tag);
    let created = false;
    const hold = i.holdForAssets === true && !p.draft;
    if (!release) [release, created] = await createReleaseOnce(gh, p, p.draft || hold, log);
    const done = (i.progress.get().created as string[] | undefined) ?? [];
    if (created && !done.includes(p.tag)) i.progress.save({ created: [...done, p.tag] });
    // An interrupted earlier attempt of this same run that created it still counts as created.
    created ||= done.includes(p.tag);
    if (!created) log.info(`release ${p.tag} already exists (${release.html_url}): recorded, not duplicated`);
    else
      log.success(
        `created GitHub release "${p.name}" (${release.html_url})${hold ? ", a draft until its files are attached" : ""}`,
      );
    if (hold && !release.draft && release.immutable)
      log.warn(
        `the release ${p.tag} is published and immutable already: the built files cannot be attached to it (publish.github-assets)`,
      );
    const record: ReleaseRecord = {
      path: p.path,
      component: p.component,
      version: p.version,
      tag: p.tag,
      sha: p.sha,
      name: release.name ?? p.name,
      body: release.body ?? p.notes,
      status: created ? "created" : "existing",
      tagStatus,
      id: release.id,
      url: release.html_url,
      uploadUrl: release.upload_url,
      draft: release.draft,
      prerelease: release.prerelease,
      ...(hold && release.draft && { held: true }),
    };
    records.push(record);
  }
  const found = await findReleasePr(gh, i.cfg, i.target, i.head);
  if (!found) {
    log.warn(
      `no merged release PR with merge commit ${i.head.slice(0, 7)} found on GitHub; labels left as they are`,
    );
    return { releases: records };
  }
  const { pr } = found;
  // Announce once per PR. A release this run created before a crash looks "existing" on resume,
  // and a comment whose response was lost (a 502 after GitHub stored it) must not be repeated:
  // so every release of a PR that still carries the pending labels is announced, unless a
  // comment announcing them is already there.
  if (!found.already && records.length && !i.progress.get().commented) {
    if (!(await announced(gh, pr.number, records))) {
      const list = records.map((r) => `- [${r.tag}](${r.url})`).join("\n");
      await createOnce(
        gh,
        { what: `comment on pull request #${pr.number}`, permission: PERM.pullsWrite },
        async () => {
          await gh.kit.rest.issues.createComment({
            owner: gh.owner,
            repo: gh.repo,
            issue_number: pr.number,
            body: `${ANNOUNCE}\n\n${list}\n\n:sunflower:`,
            request: { retries: 0 },
          });
          return true;
        },
        async () => ((await announced(gh, pr.number, records)) ? true : undefined),
        log,
      );
    }
    i.progress.save({ commented: true });
  }
  if (found.already)
    return { releases: records, pr: { number: pr.number, url: pr.html_url, labels: "already" } };
  if (i.deferLabels)
    return { releases: records, pr: { number: pr.number, url: pr.html_url, labels: "deferred" } };
  await swapReleaseLabels(gh, i.cfg, pr.number, log);
  return { releases: records, pr: { number: pr.number, url: pr.html_url, labels: "swapped" } };
}

/** pending → tagged labels on a merged release PR; repeatable (labels already there stay). */
export async function swapReleaseLabels(
  gh: GitHub,
  cfg: ReleasePleaseConfig,
  number: number,
  log: Logger,
): Promise<void> {
  // The tagged labels go on first, the pending ones come off after: a run killed between the
  // two leaves the PR with both — still found as pending on resume, which finishes the swap.
  // (The other order left it with neither, and no later run could find it again.)
  await gh.call({ what: `label pull request #${number}`, permission: PERM.pullsWrite }, () =>
    gh.kit.rest.issues.addLabels({
      owner: gh.owner,
      repo: gh.repo,
      issue_number: number,
      labels: cfg.releaseLabels,
    }),
  );
  fault("release:after-label");
  for (const name of cfg.labels) {
    if (cfg.releaseLabels.includes(name)) continue;
    try {
      await gh.kit.rest.issues.removeLabel({ owner: gh.owner, repo: gh.repo, issue_number: number, name });
    } catch (e) {
      if (!isRequestError(e) || e.status !== 404)
        throw gh.explain({ what: `remove label "${name}" from #${number}`, permission: PERM.pullsWrite }, e);
    }
  }
  log.success(`PR #${number}: labels ${cfg.labels.join(", ")} → ${cfg.releaseLabels.join(", ")}`);
}

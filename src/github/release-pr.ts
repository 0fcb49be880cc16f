/**
 * Opening and updating release PRs the way release-please's `createPullRequests` does
 * (spec §5.4, §5.6): abort while a merged release PR is still untagged; update the open PR on
 * the same branch when its body changed (force-push the one release commit, replace title and
 * body); reopen a snoozed one; else push the branch and open a PR with the labels.
 */
import type { ReleasePleaseConfig } from "../config/release-please.ts";
import { ShiplineError } from "../errors.ts";
import { commitOnTop, type FileContent, pushWithLease, remoteBranchSha } from "../git/branch-commit.ts";
import type { Logger } from "../ui/log.ts";
import { type GitHub, hasAllLabels, isRequestError, PERM, type Pull } from "./client.ts";
import { isReleasePrBody, MAX_BODY, type PrCandidate } from "./layout.ts";

export const SNOOZE_LABEL = "autorelease: snooze";
const OVERFLOW_MESSAGE =
  "This release is too large to preview in the pull request body. View the full release notes here:";

export interface PrOutcome {
  branch: string;
  title: string;
  action: "created" | "updated" | "unchanged" | "reopened" | "blocked" | "no-changes";
  number?: number;
  url?: string;
  /** Versions this PR proposes, by package path. */
  versions: Record<string, string>;
}

export interface PrWriter {
  root: string;
  gh: GitHub;
  cfg: ReleasePleaseConfig;
  target: string;
  /** sha the release commit goes on top of (HEAD of the target). */
  base: string;
  log: Logger;
  /** Remote to push to and the env that authenticates git to it. */
  remote: string;
  gitEnv: Record<string, string>;
  serverUrl: string;
  /** The untagged merged release PR when the caller already looked it up (null: there is none). */
  untaggedMerged?: Pull | null;
  /** [tool.shipline] signed-commits: GitHub makes (and signs) the commit instead of a git push. */
  signedCommits?: boolean;
}

const normalize = (s: string | null | undefined) => (s ?? "").trim().replace(/\r\n/g, "\n");

/** §5.6 step 2: merged PRs with all the labels and a release body block new PRs. */
export async function findUntaggedMerged(
  w: Pick<PrWriter, "gh" | "cfg" | "target">,
): Promise<Pull | undefined> {
  const closed = await w.gh.call({ what: "list closed pull requests", permission: PERM.pullsRead }, () =>
    w.gh.list<Pull>(
      "GET /repos/{owner}/{repo}/pulls",
      { state: "closed", base: w.target, sort: "updated", direction: "desc" },
      200,
    ),
  );
  return closed.find((p) => p.merged_at && hasAllLabels(p, w.cfg.labels) && isReleasePrBody(p.body));
}

async function pushBranch(
  w: PrWriter,
  branch: string,
  files: FileContent[],
  message: string,
): Promise<string> {
  if (w.signedCommits) {
    const { commitThroughApi } = await import("./api-commit.ts");
    const sha = await commitThroughApi(w.gh, branch, w.base, files, message);
    w.log.info(
      `committed ${branch} through GitHub's API, signed (${sha.slice(0, 7)}, on top of ${w.base.slice(0, 7)})`,
    );
    return sha;
  }
  const sha = commitOnTop(w.root, w.base, files, message);
  const expected = remoteBranchSha(w.root, w.remote, branch, w.gitEnv);
  pushWithLease(w.root, w.remote, sha, branch, expected, w.gitEnv);
  w.log.info(`pushed ${branch} (${sha.slice(0, 7)}, on top of ${w.base.slice(0, 7)})`);
  return sha;
}

/** §5.3 overflow: a body over 65,536 characters goes to release-notes.md on `{branch}--release-notes`. */
async function bodyFor(w: PrWriter, c: PrCandidate): Promise<string> {
  if (c.body.length <= MAX_BODY) return c.body;
  const branch = `${c.branch}--release-notes`;
  await pushBranch(
    w,
    branch,
    [{ path: "release-notes.md", content: c.body }],
    `Release notes for ${c.title}`,
  );
  return `${OVERFLOW_MESSAGE} ${w.serverUrl}/${w.gh.slug}/blob/${branch}/release-notes.md`;
}

async function update(w: PrWriter, pr: Pull, c: PrCandidate, files: FileContent[], reopen: boolean) {
  await pushBranch(w, c.branch, files, c.message);
  const body = await bodyFor(w, c);
  await w.gh.call({ what: `update pull request #${pr.number}`, permission: PERM.pullsWrite }, () =>
    w.gh.kit.rest.pulls.update({
      owner: w.gh.owner,
      repo: w.gh.repo,
      pull_number: pr.number,
      title: c.title,
      body,
      state: "open",
    }),
  );
  if (reopen)
    await w.gh.call({ what: `remove the snooze label from #${pr.number}`, permission: PERM.pullsWrite }, () =>
      w.gh.kit.rest.issues.removeLabel({
        owner: w.gh.owner,
        repo: w.gh.repo,
        issue_number: pr.number,
        name: SNOOZE_LABEL,
      }),
    );
}

async function addLabels(w: PrWriter, number: number, labels: string[]): Promise<void> {
  if (!labels.length) return;
  await w.gh.call({ what: `label pull request #${number}`, permission: PERM.pullsWrite }, () =>
    w.gh.kit.rest.issues.addLabels({ owner: w.gh.owner, repo: w.gh.repo, issue_number: number, labels }),
  );
}

/** The open PR whose head is `branch`, whatever its labels (to adopt one a crash left unlabelled). */
async function openPrOnBranch(w: PrWriter, branch: string): Promise<Pull | undefined> {
  const open = await w.gh.call({ what: "list open pull requests", permission: PERM.pullsRead }, () =>
    w.gh.list<Pull>(
      "GET /repos/{owner}/{repo}/pulls",
      { state: "open", head: `${w.gh.owner}:${branch}`, base: w.target },
      100,
    ),
  );
  return open.find((p) => p.head.ref === branch);
}

export async function openOrUpdate(
  w: PrWriter,
  candidates: PrCandidate[],
  filesFor: (c: PrCandidate) => FileContent[],
): Promise<PrOutcome[]> {
  if (candidates.length === 0) return [];
  const versions = (c: PrCandidate) => Object.fromEntries(c.releases.map((r) => [r.path, r.version]));
  const outcome = (
    c: PrCandidate,
    action: PrOutcome["action"],
    pr?: { number: number; html_url: string },
  ) => ({
    branch: c.branch,
    title: c.title,
    action,
    number: pr?.number,
    url: pr?.html_url,
    versions: versions(c),
  });
  const blocker =
    w.untaggedMerged !== undefined ? (w.untaggedMerged ?? undefined) : await findUntaggedMerged(w);
  if (blocker) {
    w.log.warn(
      `there are untagged, merged release PRs outstanding (#${blocker.number} "${blocker.title}"): no release PR is opened or updated until it is released`,
    );
    w.log.info(
      "  hint: `shipline run` releases and publishes it (from its merge commit); or run `shipline release` on its merge commit, or swap its label to `autorelease: tagged`",
    );
    return candidates.map((c) => outcome(c, "blocked"));
  }
  const open = (
    await w.gh.call({ what: "list open pull requests", permission: PERM.pullsRead }, () =>
      w.gh.list<Pull>("GET /repos/{owner}/{repo}/pulls", { state: "open", base: w.target }, 1000),
    )
  ).filter((p) => hasAllLabels(p, w.cfg.labels));
  let snoozed: Pull[] | undefined;
  const out: PrOutcome[] = [];
  for (const c of candidates) {
    const files = filesFor(c);
    if (files.length === 0) {
      w.log.warn(`${c.title}: no file changes, so no release PR (release-please skips it too)`);
      out.push(outcome(c, "no-changes"));
      continue;
    }
    const existing = open.find((p) => p.head.ref === c.branch);
    if (existing) {
      if (!w.cfg.alwaysUpdate && normalize(existing.body) === normalize(c.body)) {
        w.log.info(`PR #${existing.number} (${existing.html_url}) remained the same`);
        out.push(outcome(c, "unchanged", existing));
        continue;
      }
      await update(w, existing, c, files, false);
      w.log.success(`updated PR #${existing.number}: ${c.title} (${existing.html_url})`);
      out.push(outcome(c, "updated", existing));
      continue;
    }
    snoozed ??= (
      await w.gh.call({ what: "list closed pull requests", permission: PERM.pullsRead }, () =>
        w.gh.list<Pull>("GET /repos/{owner}/{repo}/pulls", { state: "closed", base: w.target }, 200),
      )
    ).filter((p) => !p.merged_at && hasAllLabels(p, [SNOOZE_LABEL]));
    const snooze = snoozed.find((p) => p.head.ref === c.branch);
    if (snooze) {
      if (!w.cfg.alwaysUpdate && normalize(snooze.body) === normalize(c.body)) {
        w.log.info(`snoozed PR #${snooze.number} remained the same`);
        out.push(outcome(c, "unchanged", snooze));
        continue;
      }
      await update(w, snooze, c, files, true);
      w.log.success(`reopened snoozed PR #${snooze.number}: ${c.title}`);
      out.push(outcome(c, "reopened", snooze));
      continue;
    }
    await pushBranch(w, c.branch, files, c.message);
    const body = await bodyFor(w, c);
    let pr: Pull;
    try {
      pr = (
        await w.gh.kit.rest.pulls.create({
          owner: w.gh.owner,
          repo: w.gh.repo,
          title: c.title,
          head: c.branch,
          base: w.target,
          body,
          draft: c.draft,
        })
      ).data as unknown as Pull;
    } catch (e) {
      // A PR on this branch already exists without our labels (e.g. a run died between
      // creating and labelling it): adopt it instead of failing.
      const adopt = isRequestError(e) && e.status === 422 ? await openPrOnBranch(w, c.branch) : undefined;
      if (!adopt)
        throw w.gh.explain({ what: `open the release PR "${c.title}"`, permission: PERM.pullsWrite }, e);
      await w.gh.call({ what: `update pull request #${adopt.number}`, permission: PERM.pullsWrite }, () =>
        w.gh.kit.rest.pulls.update({
          owner: w.gh.owner,
          repo: w.gh.repo,
          pull_number: adopt.number,
          title: c.title,
          body,
        }),
      );
      pr = adopt;
    }
    await addLabels(w, pr.number, c.labels);
    w.log.success(`opened PR #${pr.number}: ${c.title} (${pr.html_url})`);
    out.push(outcome(c, "created", pr));
  }
  return out;
}

export function assertNoDuplicateBranches(candidates: PrCandidate[]): void {
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.branch))
      throw new ShiplineError(
        `two release PRs would use branch ${c.branch}`,
        "give the packages distinct `component` values in release-please-config.json",
      );
    seen.add(c.branch);
  }
}

/**
 * The release PR's commit made by GitHub itself ([tool.shipline] signed-commits = true): the
 * branch is pointed at the base commit, then GraphQL `createCommitOnBranch` adds the one
 * release commit on top. GitHub signs commits it makes this way ("Verified"), so release PRs
 * merge under rulesets that require signed commits — which a `git push`ed commit (and
 * release-please's Git Data API commit) never satisfies.
 */
import { ShiplineError } from "../errors.ts";
import type { FileContent } from "../git/branch-commit.ts";
import { type GitHub, isRequestError, PERM } from "./client.ts";

const MUTATION = `mutation ($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid url } }
}`;

interface GraphqlErrorLike {
  errors?: { type?: string; message?: string }[];
}

/** The sha a branch points at on GitHub, or undefined when there is no such branch. */
async function branchHead(gh: GitHub, branch: string): Promise<string | undefined> {
  try {
    const { data } = await gh.kit.rest.git.getRef({ owner: gh.owner, repo: gh.repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (e) {
    if (isRequestError(e) && e.status === 404) return undefined;
    throw gh.explain({ what: `read the branch ${branch}`, permission: PERM.contentsRead }, e);
  }
}

/** Point `branch` at `sha` (creating it, or moving it even backwards: it is the release PR's own branch). */
async function pointBranch(gh: GitHub, branch: string, sha: string): Promise<void> {
  const now = await branchHead(gh, branch);
  if (now === sha) return;
  const op = { what: `point the branch ${branch} at ${sha.slice(0, 7)}`, permission: PERM.contentsWrite };
  await gh.call(op, async () => {
    if (now)
      await gh.kit.rest.git.updateRef({
        owner: gh.owner,
        repo: gh.repo,
        ref: `heads/${branch}`,
        sha,
        force: true,
      });
    else
      await gh.kit.rest.git.createRef({ owner: gh.owner, repo: gh.repo, ref: `refs/heads/${branch}`, sha });
  });
}

/** One commit on top of `base` on `branch`, with `files` replaced, made (and signed) by GitHub. */
export async function commitThroughApi(
  gh: GitHub,
  branch: string,
  base: string,
  files: FileContent[],
  message: string,
): Promise<string> {
  await pointBranch(gh, branch, base);
  const [headline = "", ...rest] = message.split("\n");
  const body = rest.join("\n").trim();
  const input = {
    branch: { repositoryNameWithOwner: gh.slug, branchName: branch },
    message: { headline, ...(body && { body }) },
    expectedHeadOid: base,
    fileChanges: {
      additions: files.map((f) => ({
        path: f.path,
        contents: Buffer.from(f.content, "utf8").toString("base64"),
      })),
    },
  };
  try {
    // not retried: a mutation whose answer was lost may have made the commit; the next run
    // points the branch at the base again and makes it anew
    const r = await gh.kit.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(MUTATION, {
      input,
      request: { retries: 0 },
    });
    return r.createCommitOnBranch.commit.oid;
  } catch (e) {
    const first = (e as GraphqlErrorLike).errors?.[0];
    if (!first)
      throw gh.explain(
        { what: `commit the release PR's changes on ${branch}`, permission: PERM.contentsWrite },
        e,
      );
    throw new ShiplineError(
      `GitHub refused to commit the release PR's changes on ${branch} (createCommitOnBranch${first.type ? ` ${first.type}` : ""}: ${first.message ?? "no message"})`,
      first.type === "FORBIDDEN"
        ? "the token needs `contents: write`; with signed-commits the commit is made through GitHub's GraphQL API"
        : first.type === "STALE_DATA"
          ? "the branch moved while shipline was updating it: run again"
          : "run again; if it persists, set signed-commits = false to push the commit with git",
    );
  }
}

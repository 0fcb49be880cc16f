/**
 * BEGIN_COMMIT_OVERRIDE in a merged PR's description (release-please's fix-up recipe: edit the
 * merged PR's description, the next run re-reads it). Offline `plan` knows only the commit
 * message; `pr` reads merged PRs from GitHub and lets their description win.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";

let f: GitHubFixture;
let squash: string;

beforeEach(async () => {
  f = await githubFixture(TestRepo.python("1.0.0"));
  squash = f.repo.commit("feat: add the wrnog thing (#5)", { "src/x.py": "x = 1\n" });
  f.repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
  f.gh.pulls.push({
    number: 5,
    title: "feat: add the wrnog thing",
    body: "Adds a thing.\n\nBEGIN_COMMIT_OVERRIDE\nfix: correct the thing\nfeat(api): add the right thing\nEND_COMMIT_OVERRIDE\n",
    state: "closed",
    head: "topic",
    base: "main",
    draft: false,
    labels: [],
    merged_at: "2026-12-01T00:00:00Z",
    merge_commit_sha: squash,
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
    closed_at: "2026-12-01T00:00:00Z",
  });
});
afterEach(() => f.cleanup());

test.skipIf(!hasBinary())(
  "pr uses the merged PR's BEGIN_COMMIT_OVERRIDE; offline plan uses the message",
  async () => {
    const env = { ...f.env, GITHUB_REPOSITORY: "octo/sample" };
    const offline = await shipline(["plan", "--json", "--date", "2026-12-01"], { cwd: f.repo.dir, env });
    expect(JSON.parse(offline.stdout).releases[0].changelog).toContain("* add the wrnog thing");
    const r = await shipline(["pr", "--date", "2026-12-01"], { cwd: f.repo.dir, env });
    expect(r.code).toBe(0);
    const pr = f.gh.pulls.find((p) => p.number !== 5);
    expect(pr?.body).toContain("### Features\n\n* **api:** add the right thing");
    expect(pr?.body).toContain("### Bug Fixes\n\n* correct the thing");
    expect(pr?.body).not.toContain("wrnog");
    // The dry run without a token falls back to local git, and says nothing is wrong.
    const dry = await shipline(["pr", "--dry-run", "--date", "2026-12-01"], {
      cwd: f.repo.dir,
      env: { ...env, GITHUB_TOKEN: undefined },
    });
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain("wrnog");
  },
);

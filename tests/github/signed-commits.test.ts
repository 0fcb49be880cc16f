/**
 * [tool.shipline] signed-commits = true, end to end with the compiled binary: the release PR's
 * commit is made by GitHub (GraphQL createCommitOnBranch on the stand-in, which records it as
 * signed), on top of the base, with the same files and message a git push would have carried;
 * an update points the branch back at the new base and commits again; GitHub's refusals are one
 * line with the fix.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";

const BRANCH = "release-please--branches--main";
const DATE = "2026-12-01";
let f: GitHubFixture;

beforeEach(async () => {
  const repo = TestRepo.python("1.0.0");
  const py = readFileSync(join(repo.dir, "pyproject.toml"), "utf8");
  writeFileSync(join(repo.dir, "pyproject.toml"), `${py}\n[tool.shipline]\nsigned-commits = true\n`);
  repo.commit("chore: sign release commits", {});
  f = await githubFixture(repo);
  repo.git("push", "-q", "origin", "v1.0.0");
});
afterEach(() => f.cleanup());

const run = (args: string[]) => shipline([...args, "--cwd", f.repo.dir], { env: f.env });

function commitAndPush(message: string, files: Record<string, string>): string {
  const sha = f.repo.commit(message, files);
  f.repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
  return sha;
}

describe.skipIf(!hasBinary())("signed-commits: the release PR's commit made by GitHub", () => {
  test("open → update: each time one signed commit on top of main, with the release's files", async () => {
    commitAndPush("feat: add widgets", { "src/sample/widgets.py": "X = 1\n" });
    const base1 = f.repo.head();
    const r1 = await run(["pr", "--date", DATE]);
    expect(r1.code).toBe(0);
    expect(r1.stderr).toContain(`committed ${BRANCH} through GitHub's API, signed`);
    expect(r1.stderr).not.toContain(f.gh.token);
    const head1 = f.remoteGit("rev-parse", BRANCH);
    expect(f.gh.verified.has(head1)).toBe(true);
    expect(f.remoteGit("rev-parse", `${BRANCH}^`)).toBe(base1);
    expect(f.remoteGit("log", "-1", "--format=%B", BRANCH).trim()).toBe("chore(main): release 1.1.0");
    expect(f.remoteGit("log", "-1", "--format=%an", BRANCH)).toBe("github-actions[bot]");
    expect(f.remoteGit("show", `${BRANCH}:.release-please-manifest.json`)).toBe('{\n  ".": "1.1.0"\n}');
    expect(f.remoteGit("show", `${BRANCH}:pyproject.toml`)).toContain('version = "1.1.0"');
    expect(f.remoteGit("show", `${BRANCH}:CHANGELOG.md`)).toStartWith("# Changelog\n\n## [1.1.0]");
    // only the release's files changed
    expect(f.remoteGit("diff", "--name-only", base1, BRANCH).split("\n").sort()).toEqual([
      ".release-please-manifest.json",
      "CHANGELOG.md",
      "pyproject.toml",
    ]);
    expect(f.gh.pulls).toHaveLength(1);

    // more commits: the branch goes back to the new main and gets one new signed commit
    commitAndPush("fix: widget rounding", { "src/sample/widgets.py": "X = 2\n" });
    const r2 = await run(["pr", "--date", DATE]);
    expect(r2.code).toBe(0);
    const head2 = f.remoteGit("rev-parse", BRANCH);
    expect(head2).not.toBe(head1);
    expect(f.gh.verified.has(head2)).toBe(true);
    expect(f.remoteGit("rev-parse", `${BRANCH}^`)).toBe(f.repo.head());
    expect(f.remoteGit("show", `${BRANCH}:CHANGELOG.md`)).toContain("### Bug Fixes");
    expect(f.gh.pulls).toHaveLength(1);
    expect(f.gh.pulls[0]?.body).toContain("widget rounding");
  }, 60_000);

  test("a token that may not write contents: GitHub's refusal in one line, with the permission to add", async () => {
    commitAndPush("feat: add widgets", { "src/sample/widgets.py": "X = 1\n" });
    f.gh.permissions.contents = "read";
    const r = await run(["pr", "--date", DATE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`GitHub refused to point the branch ${BRANCH}`);
    expect(r.stderr).toContain("contents: write");
    expect(f.gh.pulls).toHaveLength(0);
  }, 60_000);
});

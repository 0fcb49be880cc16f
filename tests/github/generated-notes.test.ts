/**
 * changelog-type: github (spec §4.9) through `shipline pr` with the compiled binary: the entry is
 * `## VERSION (DATE)` + a blank line + GitHub's generated notes, asked for with release-please's
 * arguments (the new tag, the target branch, the previous tag); the release PR's CHANGELOG.md and
 * body carry it. Offline `plan` shows the default entry and says why.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";

const BRANCH = "release-please--branches--main";
const DATE = "2026-12-01";
let f: GitHubFixture;

beforeEach(async () => {
  f = await githubFixture(TestRepo.python("1.0.0", { "changelog-type": "github" }));
  f.repo.git("push", "-q", "origin", "v1.0.0");
});
afterEach(() => f.cleanup());

const run = (args: string[]) => shipline([...args, "--cwd", f.repo.dir], { env: f.env });

describe.skipIf(!hasBinary())("changelog-type github", () => {
  test("pr: the entry is GitHub's generated notes under release-please's heading", async () => {
    f.repo.commit("feat: add widgets", { "w.py": "1\n" });
    f.repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
    const r = await run(["pr", "--date", DATE]);
    expect(r.code).toBe(0);
    expect(f.gh.generatedNotes).toEqual([
      { tag_name: "v1.1.0", target_commitish: "main", previous_tag_name: "v1.0.0" },
    ]);
    const entry = `## 1.1.0 (${DATE})\n\n## What's Changed\n* feat: add widgets by @octocat\n\n\n**Full Changelog**: https://github.com/octo/sample/compare/v1.0.0...v1.1.0`;
    expect(f.remoteGit("show", `${BRANCH}:CHANGELOG.md`)).toBe(`# Changelog\n\n${entry}`);
    expect(f.gh.pulls[0]?.body).toContain(entry);
    // offline, plan says the entry it shows is not the one the PR will carry
    const plan = await shipline(["plan", "--cwd", f.repo.dir, "--repo", "octo/sample", "--date", DATE]);
    expect(plan.stderr).toContain('uses changelog-type "github"');
    expect(plan.stderr).toContain("`shipline pr` and `run` ask GitHub for the notes");
  }, 60_000);
});

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

describe("changelog-type github, against release-please itself", () => {
  test("the same release PR body as release-please's GitHubChangelogNotes, given the same generated notes", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const rp = (p: string) => require(`release-please/build/src/${p}`);
    rp("util/logger.js").setLogger({ error() {}, warn() {}, info() {}, debug() {}, trace() {} });
    f.repo.commit("feat: add widgets", { "w.py": "1\n" });
    f.repo.commit("fix: widget rounding", { "x.py": "1\n" });
    f.repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
    // both ask the stand-in's generate-notes endpoint
    const notes = async (tag: string, target: string, previous?: string) => {
      const res = await fetch(`${f.gh.url}/repos/octo/sample/releases/generate-notes`, {
        method: "POST",
        headers: { authorization: `token ${f.gh.token}`, "content-type": "application/json" },
        body: JSON.stringify({ tag_name: tag, target_commitish: target, previous_tag_name: previous }),
      });
      return ((await res.json()) as { body: string }).body;
    };
    const { LocalGitHub } = rp("local-github.js");
    const { Manifest } = rp("manifest.js");
    const none = async function* () {};
    const api = { pullRequestIterator: none, releaseIterator: none, generateReleaseNotes: notes };
    const gh = new LocalGitHub({ owner: "octo", repo: "sample", defaultBranch: "main" }, api, f.repo.dir, {});
    const m = await Manifest.fromManifest(
      gh,
      "main",
      "release-please-config.json",
      ".release-please-manifest.json",
    );
    const theirs = (await m.buildPullRequests([], []))[0].body.toString();

    const { loadReleasePleaseConfig } = await import("../../src/config/release-please.ts");
    const { planReleases } = await import("../../src/plan/planner.ts");
    const { groupPullRequests } = await import("../../src/github/layout.ts");
    const { applyGeneratedNotes } = await import("../../src/github/generated-notes.ts");
    const { GitHub } = await import("../../src/github/client.ts");
    const { createLogger } = await import("../../src/ui/log.ts");
    const cfg = loadReleasePleaseConfig(f.repo.dir);
    const plan = await planReleases(f.repo.dir, {
      repo: "octo/sample",
      targetBranch: "main",
      env: {},
      config: cfg,
    });
    const client = new GitHub({
      owner: "octo",
      repo: "sample",
      token: f.gh.token,
      baseUrl: f.gh.url,
      log: createLogger({ quiet: true }),
    });
    expect(await applyGeneratedNotes(client, cfg, plan, "main", undefined)).toBe(1);
    const ours = groupPullRequests(cfg, plan.releases, "main")[0]!.body;
    expect(theirs).toContain("## What's Changed");
    expect(ours).toBe(theirs);
    // the same arguments both times
    expect(f.gh.generatedNotes[0]).toEqual(f.gh.generatedNotes[1]!);
  }, 60_000);
});

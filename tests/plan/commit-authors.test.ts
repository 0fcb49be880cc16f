/**
 * include-commit-authors, against release-please 17.11 itself: even when its Scm hands it each
 * commit's author (as its GitHub API Scm does: git author name, account login), its
 * parseConventionalCommits drops the author, so the option changes nothing in its release PRs.
 * shipline gives the same body byte for byte, and warns that the option has no effect.
 */
import { describe, expect, test } from "bun:test";
import { createRequire } from "node:module";
import { loadReleasePleaseConfig } from "../../src/config/release-please.ts";
import { groupPullRequests } from "../../src/github/layout.ts";
import { planReleases } from "../../src/plan/planner.ts";
import { TestRepo } from "../helpers/repo.ts";

const require = createRequire(import.meta.url);
const rp = (p: string) => require(`release-please/build/src/${p}`);
rp("util/logger.js").setLogger({ error() {}, warn() {}, info() {}, debug() {}, trace() {} });

const DATE = new Date().toISOString().slice(0, 10);

/** release-please's release PR body, its local Scm's commits carrying authors as its API Scm's do. */
async function oracleBody(dir: string): Promise<string> {
  const { LocalGitHub } = rp("local-github.js");
  const { Manifest } = rp("manifest.js");
  const none = async function* () {};
  const gh = new LocalGitHub(
    { owner: "o", repo: "r", defaultBranch: "main" },
    { pullRequestIterator: none, releaseIterator: none },
    dir,
    {},
  );
  const iterate = gh.mergeCommitIterator.bind(gh);
  gh.mergeCommitIterator = async function* (...args: unknown[]) {
    for await (const c of iterate(...args))
      yield { ...c, author: { name: "Jane Doe", email: "jane@example.invalid", username: "jane" } };
  };
  const m = await Manifest.fromManifest(
    gh,
    "main",
    "release-please-config.json",
    ".release-please-manifest.json",
  );
  const prs = await m.buildPullRequests([], []);
  return prs[0].body.toString();
}

describe("include-commit-authors", () => {
  test("no author in the entry, as release-please 17.11 renders it even with authors known; warned", async () => {
    const r = TestRepo.python("1.0.0", { "include-commit-authors": true });
    try {
      r.commit("feat: add widgets (#12)", { "w.py": "1\n" });
      r.commit("fix: widget rounding", { "x.py": "1\n" });
      const cfg = loadReleasePleaseConfig(r.dir);
      const plan = await planReleases(r.dir, {
        date: DATE,
        repo: "o/r",
        targetBranch: "main",
        env: {},
        config: cfg,
      });
      const ours = groupPullRequests(cfg, plan.releases, "main")[0]!.body;
      const theirs = await oracleBody(r.dir);
      expect(theirs).not.toContain("jane");
      expect(theirs).not.toContain("Jane");
      expect(ours).toBe(theirs);
      expect(plan.warnings?.join("\n")).toContain(
        "sets include-commit-authors, which release-please 17.11 does not apply",
      );
    } finally {
      r.remove();
    }
  });
});

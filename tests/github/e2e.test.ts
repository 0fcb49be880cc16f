/**
 * End to end with the compiled binary, the GitHub stand-in and a bare `origin`:
 * feat commit → `shipline pr` opens the release PR (exact title, body, labels, branch content)
 * → more commits → PR updated → merge (the PR branch's changes committed on main) →
 * `shipline release` tags, creates the release, swaps labels, writes Actions outputs →
 * re-running changes nothing. Faults on create-release: 502 and connection reset after the
 * release was made → exactly one release.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";

const DATE = "2026-12-01";
const HEADER = ":robot: I have created a release *beep* *boop*";
const FOOTER =
  "This PR was generated with [Release Please](https://github.com/googleapis/release-please). See [documentation](https://github.com/googleapis/release-please#release-please).";
const BRANCH = "release-please--branches--main";

let f: GitHubFixture;
let outDir: string;

beforeEach(async () => {
  const repo = TestRepo.python("1.0.0");
  f = await githubFixture(repo);
  repo.git("push", "-q", "origin", "v1.0.0");
  outDir = tempDir("shipline-gh-out-");
});
afterEach(() => f.cleanup());

const run = (args: string[], env: Record<string, string> = {}) =>
  shipline([...args, "--cwd", f.repo.dir], { env: { ...f.env, ...env } });

function commitAndPush(message: string, files: Record<string, string>): string {
  const sha = f.repo.commit(message, files);
  f.repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
  return sha;
}

/** [tool.shipline] with every gate off (and publishing off unless asked), for the flow tests. */
function gatesOff(o: { publish: boolean }): void {
  const py = readFileSync(join(f.repo.dir, "pyproject.toml"), "utf8");
  const gates =
    "[tool.shipline.gates]\nlint = false\nformat = false\ntypecheck = false\ntests = false\nbuild = false\n";
  const publish = o.publish ? "" : "\n[tool.shipline.publish]\nenabled = false\n";
  writeFileSync(join(f.repo.dir, "pyproject.toml"), `${py}\n${gates}${publish}`);
}

const short = (sha: string) => sha.slice(0, 7);
const link = (sha: string) => `([${short(sha)}](https://github.com/octo/sample/commit/${sha}))`;

/** Merge the release PR the way a squash merge does: its changes, one commit on main. */
function mergeReleasePr(number: number): string {
  f.repo.git("fetch", "-q", "origin", BRANCH);
  f.repo.git("merge", "-q", "--squash", "FETCH_HEAD");
  const title = f.gh.pulls.find((p) => p.number === number)?.title ?? "";
  const sha = commitAndPush(`${title} (#${number})`, {});
  f.gh.merge(number, sha);
  return sha;
}

function outputs(file: string): Record<string, string> {
  const text = readFileSync(file, "utf8");
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(ghadelimiter_[0-9a-f-]+)\n([\s\S]*?)\n\2\n/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

const snapshot = () =>
  JSON.stringify([
    f.gh.pulls,
    f.gh.releases,
    f.gh.comments,
    f.remoteGit("for-each-ref", "--format=%(refname) %(objectname)"),
  ]);

describe.skipIf(!hasBinary())("shipline pr / release end to end", () => {
  test("open → update → merge → release → re-run changes nothing", async () => {
    const feat = commitAndPush("feat: add widgets", { "src/sample/widgets.py": "X = 1\n" });
    const base1 = f.repo.head();

    // 1. open the release PR
    const r1 = await run(["pr", "--date", DATE]);
    expect(r1.stderr).not.toContain(f.gh.token);
    expect(r1.code).toBe(0);
    expect(f.gh.pulls).toHaveLength(1);
    const pr = f.gh.pulls[0]!;
    const entry1 = `## [1.1.0](https://github.com/octo/sample/compare/v1.0.0...v1.1.0) (${DATE})\n\n\n### Features\n\n* add widgets ${link(feat)}`;
    expect(pr).toMatchObject({
      number: 1,
      title: "chore(main): release 1.1.0",
      head: BRANCH,
      base: "main",
      state: "open",
      labels: ["autorelease: pending"],
    });
    expect(pr.body).toBe(`${HEADER}\n---\n\n\n${entry1}\n\n---\n${FOOTER}`);
    // The branch: one commit on top of main, message = title, the version files updated.
    expect(f.remoteGit("rev-parse", `${BRANCH}^`)).toBe(base1);
    expect(f.remoteGit("log", "-1", "--format=%B", BRANCH).trim()).toBe("chore(main): release 1.1.0");
    expect(f.remoteGit("show", `${BRANCH}:.release-please-manifest.json`)).toBe('{\n  ".": "1.1.0"\n}');
    expect(f.remoteGit("show", `${BRANCH}:pyproject.toml`)).toContain('version = "1.1.0"');
    expect(f.remoteGit("show", `${BRANCH}:CHANGELOG.md`)).toBe(`# Changelog\n\n${entry1}`);
    // The user's checkout is untouched.
    expect(f.repo.git("status", "--porcelain", "--", ".", ":!.shipline")).toBe("");

    // 2. more commits → the same PR is updated (branch force-pushed, title/body replaced)
    const fix = commitAndPush("fix: widget rounding", { "src/sample/widgets.py": "X = 2\n" });
    const r2 = await run(["pr", "--date", DATE]);
    expect(r2.code).toBe(0);
    expect(f.gh.pulls).toHaveLength(1);
    const entry2 = `## [1.1.0](https://github.com/octo/sample/compare/v1.0.0...v1.1.0) (${DATE})\n\n\n### Features\n\n* add widgets ${link(feat)}\n\n\n### Bug Fixes\n\n* widget rounding ${link(fix)}`;
    expect(f.gh.pulls[0]?.body).toBe(`${HEADER}\n---\n\n\n${entry2}\n\n---\n${FOOTER}`);
    expect(f.remoteGit("rev-parse", `${BRANCH}^`)).toBe(f.repo.head());

    // 3. unchanged body → nothing pushed or edited (fresh checkpoint, so the stage really runs)
    const before = snapshot();
    const r3 = await run(["pr", "--date", DATE, "--state", join(outDir, "s.json")]);
    expect(r3.code).toBe(0);
    expect(r3.stderr).toContain("remained the same");
    expect(snapshot()).toBe(before);

    // 4. merge, then release with Actions outputs
    const merged = mergeReleasePr(1);
    const out = join(outDir, "output");
    const summary = join(outDir, "summary");
    const r4 = await run(["release"], { GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary });
    expect(r4.stderr).toContain("created GitHub release");
    expect(r4.code).toBe(0);
    expect(f.gh.tagSha("v1.1.0")).toBe(merged);
    expect(f.gh.releases).toHaveLength(1);
    expect(f.gh.releases[0]).toMatchObject({
      tag_name: "v1.1.0",
      name: "v1.1.0",
      body: entry2,
      draft: false,
      prerelease: false,
    });
    expect(f.gh.pulls[0]?.labels).toEqual(["autorelease: tagged"]);
    expect(f.gh.comments.map((c) => c.body)).toEqual([
      "🤖 Created releases:\n\n- [v1.1.0](https://github.com/octo/sample/releases/tag/v1.1.0)\n\n:sunflower:",
    ]);
    const o = outputs(out);
    expect(o).toMatchObject({
      releases_created: "true",
      release_created: "true",
      tag_name: "v1.1.0",
      version: "1.1.0",
      major: "1",
      minor: "1",
      patch: "0",
      sha: merged,
      name: "v1.1.0",
      body: entry2,
      prNumber: "1",
      paths_released: '["."]',
      prs_created: "false",
    });
    expect(readFileSync(summary, "utf8")).toContain("`v1.1.0`");

    // 5. re-running release (same checkpoint, then a fresh one) changes nothing
    const after = snapshot();
    expect((await run(["release"])).code).toBe(0);
    const r6 = await run(["release", "--state", join(outDir, "s2.json"), "--json"], {
      GITHUB_OUTPUT: join(outDir, "o2"),
    });
    expect(r6.code).toBe(0);
    expect(snapshot()).toBe(after);
    expect(outputs(join(outDir, "o2")).releases_created).toBe("false");
    const json = JSON.parse(r6.stdout) as {
      stages: { release: { result: { releases: { status: string }[] } } };
    };
    expect(json.stages.release.result.releases[0]?.status).toBe("existing");

    // 6. the next feature opens a new PR (the merged one no longer blocks: it is tagged)
    commitAndPush("feat: more widgets", { "src/sample/more.py": "Y = 1\n" });
    f.repo.git("tag", "v1.1.0", merged); // as `git fetch --tags` would bring it
    expect((await run(["pr", "--date", DATE])).code).toBe(0);
    expect(f.gh.pulls.map((p) => [p.number, p.title, p.state])).toEqual([
      [1, "chore(main): release 1.1.0", "closed"],
      [2, "chore(main): release 1.2.0", "open"],
    ]);
  }, 120_000);

  test("nothing releasable → no PR, exit 0; --dry-run shows the PR and writes nothing", async () => {
    commitAndPush("chore: tidy", { "notes.txt": "x\n" });
    const r = await run(["pr", "--date", DATE]);
    expect(r.code).toBe(0);
    expect(f.gh.pulls).toHaveLength(0);
    commitAndPush("feat: something", { "src/sample/s.py": "S = 1\n" });
    const refs = f.remoteGit("for-each-ref");
    const d = await run(["pr", "--dry-run", "--date", DATE], { GITHUB_TOKEN: "" });
    expect(d.code).toBe(0);
    expect(d.stderr).toContain(`branch: ${BRANCH}`);
    expect(d.stderr).toContain("title:  chore(main): release 1.1.0");
    expect(d.stderr).toContain('+version = "1.1.0"');
    expect(f.gh.pulls).toHaveLength(0);
    expect(f.remoteGit("for-each-ref")).toBe(refs);
    expect(existsSync(join(f.repo.dir, ".shipline", "state.json"))).toBe(true); // from the first run only
  }, 60_000);

  test("HEAD with commits origin/main lacks: refused, nothing pushed; HEAD behind the tip: planned from HEAD, with a warning", async () => {
    commitAndPush("feat: pushed", { "src/sample/p.py": "P = 1\n" });
    const unpushed = f.repo.commit("feat: only here", { "src/sample/u.py": "U = 1\n" });
    const refs = f.remoteGit("for-each-ref");
    const r = await run(["pr", "--date", DATE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `HEAD ${short(unpushed)} has commits that origin/main (${short(f.remoteGit("rev-parse", "main"))}) does not: a release PR made from it would carry them into main`,
    );
    expect(r.stderr).toContain("git fetch origin main && git checkout FETCH_HEAD");
    expect(f.gh.pulls).toHaveLength(0);
    expect(f.remoteGit("for-each-ref")).toBe(refs);
    // pushed, then HEAD goes back one commit: behind main's tip, which is fine
    f.repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
    f.repo.git("checkout", "-q", "--detach", "HEAD~1");
    expect((await run(["status", "--reset"])).code).toBe(0);
    const behind = await run(["pr", "--date", DATE]);
    expect(behind.code, behind.stderr).toBe(0);
    expect(behind.stderr).toContain(`is behind origin/main (${short(unpushed)})`);
    expect(f.gh.pulls).toHaveLength(1);
  }, 60_000);

  test("an untagged merged release PR blocks new PRs, as in release-please", async () => {
    commitAndPush("feat: one", { "a.py": "1\n" });
    expect((await run(["pr", "--date", DATE])).code).toBe(0);
    f.gh.merge(1, f.repo.head()); // merged on GitHub, never released
    commitAndPush("feat: two", { "b.py": "2\n" });
    const r = await run(["pr", "--date", DATE]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("untagged, merged release PRs outstanding");
    expect(f.gh.pulls).toHaveLength(1);
  }, 60_000);

  for (const fault of [
    { name: "502", spec: { status: 502 } },
    { name: "connection reset", spec: { reset: true } },
  ])
    test(`create-release answered with ${fault.name} after creating it → retried, exactly one release`, async () => {
      commitAndPush("feat: one", { "a.py": "1\n" });
      expect((await run(["pr", "--date", DATE])).code).toBe(0);
      const merged = mergeReleasePr(1);
      f.gh.faults.add({ method: "POST", path: /\/releases$/, afterHandling: true, ...fault.spec });
      const out = join(outDir, "output");
      const r = await run(["release"], { GITHUB_OUTPUT: out });
      expect(r.code).toBe(0);
      expect(f.gh.releases).toHaveLength(1);
      expect(f.gh.faults.log.filter((e) => e.method === "POST" && e.path.endsWith("/releases"))).toHaveLength(
        1,
      );
      expect(f.gh.tagSha("v1.1.0")).toBe(merged);
      expect(outputs(out)).toMatchObject({ release_created: "true", tag_name: "v1.1.0" });
      expect(f.gh.pulls[0]?.labels).toEqual(["autorelease: tagged"]);
    }, 60_000);

  test("crash between tag and release (fault release:after-tag) → resume finishes, one tag, one release", async () => {
    commitAndPush("feat: one", { "a.py": "1\n" });
    expect((await run(["pr", "--date", DATE])).code).toBe(0);
    const merged = mergeReleasePr(1);
    const crashed = await run(["release"], { SHIPLINE_FAULT: "release:after-tag:exit" });
    expect(crashed.code).toBe(70);
    expect(f.gh.tagSha("v1.1.0")).toBe(merged);
    expect(f.gh.releases).toHaveLength(0);
    const again = await run(["release"]);
    expect(again.code).toBe(0);
    expect(f.gh.releases).toHaveLength(1);
    expect(again.stderr).toContain("tag v1.1.0 already exists");
  }, 60_000);

  test("crash between the two label calls (fault release:after-label) → both labels; resume finishes the swap", async () => {
    commitAndPush("feat: one", { "a.py": "1\n" });
    expect((await run(["pr", "--date", DATE])).code).toBe(0);
    mergeReleasePr(1);
    const crashed = await run(["release"], { SHIPLINE_FAULT: "release:after-label:exit" });
    expect(crashed.code).toBe(70);
    // never neither: a PR left with no label could not be found again (a chaos run found that)
    expect([...(f.gh.pulls[0]?.labels ?? [])].sort()).toEqual([
      "autorelease: pending",
      "autorelease: tagged",
    ]);
    const again = await run(["release"]);
    expect(again.code).toBe(0);
    expect(f.gh.pulls[0]?.labels).toEqual(["autorelease: tagged"]);
    expect(f.gh.releases).toHaveLength(1);
  }, 60_000);

  test("errors: no token, and a token without pull-requests: write", async () => {
    commitAndPush("feat: one", { "a.py": "1\n" });
    const none = await run(["pr", "--date", DATE], { GITHUB_TOKEN: "" });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("GITHUB_TOKEN is not set");
    // in a GitLab job the hint points to what works there
    const gitlab = await run(["pr", "--date", DATE], { GITHUB_TOKEN: "", GITLAB_CI: "true" });
    expect(gitlab.stderr).toContain(
      "in GitLab CI/CD publish a release commit or tag with `shipline publish --require-release`",
    );
    f.gh.permissions.pullRequests = "read";
    const denied = await run(["pr", "--date", DATE, "--state", join(outDir, "s.json")]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("pull-requests: write");
    expect(denied.stderr).not.toContain(f.gh.token);
  }, 60_000);
});

describe.skipIf(!hasBinary())("shipline run reaches pr and release", () => {
  test("push to main: gates (disabled) → plan → pr; after the merge → release; pull_request → gates only", async () => {
    gatesOff({ publish: false });
    commitAndPush("feat: run it", { "a.py": "1\n" });
    const r1 = await run(["run", "--date", DATE, "--json"]);
    expect(r1.code).toBe(0);
    const j1 = JSON.parse(r1.stdout) as { stages: Record<string, unknown> };
    expect(Object.keys(j1.stages)).toEqual(["gates", "plan", "pr"]);
    expect(f.gh.pulls[0]?.title).toBe("chore(main): release 1.1.0");

    mergeReleasePr(1);
    const out = join(outDir, "output");
    const r2 = await run(["run", "--json"], { GITHUB_OUTPUT: out });
    expect(r2.code).toBe(0);
    const j2 = JSON.parse(r2.stdout) as { stages: Record<string, unknown> };
    expect(Object.keys(j2.stages)).toEqual(["gates", "plan", "release"]);
    expect(f.gh.releases.map((r) => r.tag_name)).toEqual(["v1.1.0"]);
    expect(outputs(out).release_created).toBe("true");

    commitAndPush("feat: on a PR", { "b.py": "1\n" });
    const r3 = await run(["run", "--json"], { GITHUB_EVENT_NAME: "pull_request" });
    expect(r3.code).toBe(0);
    expect(Object.keys((JSON.parse(r3.stdout) as { stages: object }).stages)).toEqual(["gates"]);
    expect(f.gh.pulls).toHaveLength(1);
  }, 120_000);

  test("on the release PR's own branch (an all-branches push workflow): nothing is tagged or released", async () => {
    gatesOff({ publish: false });
    commitAndPush("feat: run it", { "a.py": "1\n" });
    expect((await run(["pr", "--date", DATE])).code).toBe(0);
    f.repo.git("fetch", "-q", "origin", BRANCH);
    f.repo.git("checkout", "-q", "-B", BRANCH, "FETCH_HEAD");
    const onBranch = { GITHUB_REF: `refs/heads/${BRANCH}`, GITHUB_EVENT_NAME: "push" };
    const r = await run(["run", "--json"], onBranch);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`on the release PR branch ${BRANCH}: nothing to release or propose`);
    const rel = await run(["release"], onBranch);
    expect(rel.code).toBe(1);
    expect(rel.stderr).toContain(`HEAD is on the release PR branch ${BRANCH}`);
    // the PR's code under pull_request_target: gates only
    const prt = await run(["run", "--json", "--state", join(outDir, "prt.json")], {
      GITHUB_EVENT_NAME: "pull_request_target",
    });
    expect(Object.keys((JSON.parse(prt.stdout) as { stages: object }).stages)).toEqual(["gates"]);
    expect(f.gh.releases).toHaveLength(0);
    expect(f.gh.tagSha("v1.1.0")).toBeUndefined();
  }, 120_000);

  test("a merged release PR that HEAD moved past before any run: `run` releases it at its merge commit, then opens the next PR", async () => {
    gatesOff({ publish: false });
    commitAndPush("feat: run it", { "a.py": "1\n" });
    expect((await run(["pr", "--date", DATE])).code).toBe(0);
    const merged = mergeReleasePr(1);
    commitAndPush("fix: after the merge", { "b.py": "1\n" });
    // `pr` is release-please's release-pr command: it only reports the untagged PR
    const pr = await run(["pr", "--date", DATE]);
    expect(pr.stderr).toContain("untagged, merged release PRs outstanding");
    expect(f.gh.releases).toHaveLength(0);
    const out = join(outDir, "o-late");
    const r = await run(["run", "--date", DATE, "--json"], { GITHUB_OUTPUT: out });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("merged release PR #1 was never released: releasing it at");
    expect(f.gh.tagSha("v1.1.0")).toBe(merged);
    expect(f.gh.releases.map((x) => x.tag_name)).toEqual(["v1.1.0"]);
    expect(f.gh.pulls.find((p) => p.number === 1)?.labels).toEqual(["autorelease: tagged"]);
    expect(f.gh.pulls.find((p) => p.number === 2)?.title).toBe("chore(main): release 1.1.1");
    expect(outputs(out)).toMatchObject({ release_created: "true", tag_name: "v1.1.0", prs_created: "true" });
    // run again: nothing new
    const again = await run(["run", "--date", DATE]);
    expect(again.code).toBe(0);
    expect(f.gh.releases).toHaveLength(1);
  }, 120_000);

  test("two-job workflow: `run --no-publish` tags and releases only; `publish --require-release` builds only at a release commit", async () => {
    gatesOff({ publish: true });
    // a build that makes a wheel of the unbumped version at once (no real build needed here)
    const py = readFileSync(join(f.repo.dir, "pyproject.toml"), "utf8");
    writeFileSync(
      join(f.repo.dir, "pyproject.toml"),
      `${py}\n[tool.shipline.build]\ncommand = ["sh", "-c", "touch \\"$SHIPLINE_OUT_DIR/sample-1.0.0-py3-none-any.whl\\""]\n`,
    );
    commitAndPush("feat: run it", { "a.py": "1\n" });
    // not a release commit: the publish job refuses before building anything
    const early = await run(["publish", "--require-release"]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("HEAD is not a release commit");
    expect(existsSync(join(f.repo.dir, "dist"))).toBe(false);
    const withFiles = await run(["publish", "--require-release", "x.whl"]);
    expect(withFiles.code).toBe(2);
    expect(withFiles.stderr).toContain("with FILES nothing is built");
    expect((await run(["status", "--reset"])).code).toBe(0);
    expect((await run(["pr", "--date", DATE])).code).toBe(0);
    const merged = mergeReleasePr(1);
    // a build would fail here: --no-publish never reaches it
    const out = join(outDir, "o-nopub");
    const r = await run(["run", "--no-publish"], {
      SHIPLINE_FAULT: "stage:before:build:throw",
      GITHUB_OUTPUT: out,
    });
    expect(r.code).toBe(0);
    expect(f.gh.tagSha("v1.1.0")).toBe(merged);
    expect(outputs(out)).toMatchObject({ releases_created: "true", tag_name: "v1.1.0" });
    // the publish job on the same commit, now tagged: the release is found (the build is next)
    const pub = await run(["publish", "--require-release"]);
    expect(pub.stderr).not.toContain("HEAD is not a release commit");
    expect(pub.stderr).toContain("the built files are not version 1.1.0"); // the stand-in build's 1.0.0 wheel
  }, 120_000);

  test("a run that fails after the release still writes release_created; so does resume", async () => {
    gatesOff({ publish: true });
    commitAndPush("feat: run it", { "a.py": "1\n" });
    expect((await run(["pr", "--date", DATE])).code).toBe(0);
    mergeReleasePr(1);
    // the release is made, then the next stage (build) fails
    const fail = { SHIPLINE_FAULT: "stage:before:build:throw" };
    const out1 = join(outDir, "o-run");
    const r1 = await run(["run"], { ...fail, GITHUB_OUTPUT: out1 });
    expect(r1.code).toBe(1);
    expect(f.gh.releases.map((r) => r.tag_name)).toEqual(["v1.1.0"]);
    expect(outputs(out1)).toMatchObject({ release_created: "true", tag_name: "v1.1.0", version: "1.1.0" });
    const out2 = join(outDir, "o-resume");
    const r2 = await run(["resume"], { ...fail, GITHUB_OUTPUT: out2 });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain("resuming run at stage build");
    expect(outputs(out2)).toMatchObject({
      releases_created: "true",
      release_created: "true",
      tag_name: "v1.1.0",
    });
    expect(f.gh.releases).toHaveLength(1);
  }, 120_000);
});

/** pkg-a (packages/a, 1.0.0) and pkg-b (packages/b, 0.3.0), each tagged, plus `files`. */
function monorepo(files: Record<string, string> = {}): TestRepo {
  const repo = TestRepo.create();
  repo.commit("chore: release main", {
    "release-please-config.json": `${JSON.stringify(
      {
        "release-type": "python",
        packages: { "packages/a": { "package-name": "pkg-a" }, "packages/b": { component: "pkg-b" } },
      },
      null,
      2,
    )}\n`,
    ".release-please-manifest.json": '{\n  "packages/a": "1.0.0",\n  "packages/b": "0.3.0"\n}\n',
    "packages/a/pyproject.toml": '[project]\nname = "pkg-a"\nversion = "1.0.0"\n',
    "packages/b/pyproject.toml": '[project]\nname = "pkg-b"\nversion = "0.3.0"\n',
    ...files,
  });
  return repo.tag("pkg-a-v1.0.0").tag("pkg-b-v0.3.0");
}

describe.skipIf(!hasBinary())("monorepo", () => {
  test("two packages → one merged PR with <details>; merge → two releases, path-prefixed outputs", async () => {
    const repo = monorepo();
    const m = await githubFixture(repo);
    try {
      const a = repo.commit("feat: a feature", { "packages/a/x.py": "1\n" });
      const b = repo.commit("fix: b fix", { "packages/b/y.py": "1\n" });
      repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
      const env = { ...m.env };
      const r1 = await shipline(["pr", "--date", DATE, "--cwd", repo.dir], { env });
      expect(r1.code).toBe(0);
      const entryA = `## [1.1.0](https://github.com/octo/sample/compare/pkg-a-v1.0.0...pkg-a-v1.1.0) (${DATE})\n\n\n### Features\n\n* a feature ${link(a)}`;
      const entryB = `## [0.3.1](https://github.com/octo/sample/compare/pkg-b-v0.3.0...pkg-b-v0.3.1) (${DATE})\n\n\n### Bug Fixes\n\n* b fix ${link(b)}`;
      expect(m.gh.pulls[0]).toMatchObject({ title: "chore: release main", head: BRANCH });
      expect(m.gh.pulls[0]?.body).toBe(
        `${HEADER}\n---\n\n\n<details><summary>pkg-a: 1.1.0</summary>\n\n${entryA}\n</details>\n\n<details><summary>pkg-b: 0.3.1</summary>\n\n${entryB}\n</details>\n\n---\n${FOOTER}`,
      );
      expect(m.remoteGit("show", `${BRANCH}:.release-please-manifest.json`)).toBe(
        '{\n  "packages/a": "1.1.0",\n  "packages/b": "0.3.1"\n}',
      );
      repo.git("fetch", "-q", "origin", BRANCH);
      repo.git("merge", "-q", "--squash", "FETCH_HEAD");
      const merged = repo.commit("chore: release main (#1)");
      repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
      m.gh.merge(1, merged);
      const out = join(outDir, "mono-output");
      const r2 = await shipline(["release", "--cwd", repo.dir], { env: { ...env, GITHUB_OUTPUT: out } });
      expect(r2.code).toBe(0);
      expect(m.gh.releases.map((r) => [r.tag_name, r.name, r.body])).toEqual([
        ["pkg-a-v1.1.0", "pkg-a: v1.1.0", entryA],
        ["pkg-b-v0.3.1", "pkg-b: v0.3.1", entryB],
      ]);
      expect(m.gh.pulls[0]?.labels).toEqual(["autorelease: tagged"]);
      const o = outputs(out);
      expect(o).toMatchObject({
        releases_created: "true",
        "packages/a--release_created": "true",
        "packages/a--tag_name": "pkg-a-v1.1.0",
        "packages/b--version": "0.3.1",
        "packages/b--patch": "1",
        paths_released: '["packages/a","packages/b"]',
      });
      expect(o.release_created).toBeUndefined();
      expect(o.releases_sha).toBe(merged);
    } finally {
      m.cleanup();
    }
  }, 120_000);

  test("two-job workflow, merged behind HEAD: the publish job checks out releases_sha and finds both releases there", async () => {
    const repo = monorepo({
      // shipline's settings only: the release job's gates are not what this test is about
      "pyproject.toml":
        "[tool.shipline.gates]\nlint = false\nformat = false\ntypecheck = false\ntests = false\nbuild = false\n" +
        // a build that says where it runs, then fails: the test is about what gets built
        '[tool.shipline.build]\ncommand = ["sh", "-c", "echo building in $PWD >&2; exit 3"]\n',
      // packages/a has a build command of its own, which builds it instead of the root's
      "packages/a/pyproject.toml":
        '[project]\nname = "pkg-a"\nversion = "1.0.0"\n\n[tool.shipline.build]\ncommand = ["sh", "-c", "echo own build of a in $PWD >&2; touch $SHIPLINE_OUT_DIR/pkg_a-1.1.0-py3-none-any.whl"]\n',
    });
    const m = await githubFixture(repo);
    try {
      repo.commit("feat: a feature", { "packages/a/x.py": "1\n" });
      repo.commit("fix: b fix", { "packages/b/y.py": "1\n" });
      repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
      expect((await shipline(["pr", "--date", DATE, "--cwd", repo.dir], { env: m.env })).code).toBe(0);
      repo.git("fetch", "-q", "origin", BRANCH);
      repo.git("merge", "-q", "--squash", "FETCH_HEAD");
      const merged = repo.commit("chore: release main (#1)");
      m.gh.merge(1, merged);
      // HEAD moves on before the release job runs (its run for the merge was cancelled)
      const later = repo.commit("docs: later", { "README.md": "later\n" });
      repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
      const out = join(outDir, "mono-behind-output");
      // the release job: `run --no-publish` finds the merged PR behind HEAD and releases it there
      const rel = await shipline(["run", "--no-publish", "--date", DATE, "--cwd", repo.dir], {
        env: { ...m.env, GITHUB_OUTPUT: out },
      });
      expect(rel.code, rel.stderr).toBe(0);
      expect([m.gh.tagSha("pkg-a-v1.1.0"), m.gh.tagSha("pkg-b-v0.3.1")]).toEqual([merged, merged]);
      const o = outputs(out);
      // no root tag_name in a monorepo: the publish job's checkout falls back to releases_sha
      expect(o.tag_name).toBeUndefined();
      expect(o.releases_sha).toBe(merged);
      // the publish job at the workflow's commit (HEAD) would find no release there…
      const publishJob = () => {
        rmSync(join(repo.dir, ".shipline"), { recursive: true, force: true }); // a fresh runner
        return shipline(["publish", "--require-release", "--no-sign", "--cwd", repo.dir], { env: m.env });
      };
      const atHead = await publishJob();
      expect(atHead.code, atHead.stderr).toBe(1);
      expect(atHead.stderr).toContain("HEAD is not a release commit");
      expect(atHead.stderr).not.toContain("building in");
      // …and at releases_sha (what init's publish job checks out) both packages are built
      repo.git("fetch", "-q", "--tags", "origin");
      repo.git("checkout", "-q", "--detach", o.releases_sha!);
      const pub = await publishJob();
      expect(pub.stderr).not.toContain("HEAD is not a release commit");
      expect(pub.stderr).toContain("$ sh -c echo own build of a in $PWD");
      expect(existsSync(join(repo.dir, "dist", "pkg_a-1.1.0-py3-none-any.whl"))).toBe(true);
      expect(pub.stderr).toContain(`building in ${join(repo.dir, "packages", "b")}`);
      expect(later).not.toBe(merged);
    } finally {
      m.cleanup();
    }
  }, 120_000);
});

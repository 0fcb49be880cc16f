/**
 * `--prerelease` with the compiled binary: `plan` JSON and human output, bad values (exit 2,
 * one line naming the flag and the valid values), the pyproject channel, and the whole
 * rc1 → rc2 → final cycle through `pr` and `release` against the GitHub stand-in.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { githubFixture } from "../github/fixtures.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { sampleProject } from "../helpers/sample-project.ts";

setDefaultTimeout(120_000);
const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});
const DATE = "2026-01-01";

/** The sample project (no tag component) released at `version`, tagged v<version>. */
function sample(version = "1.2.0", shipline?: string): TestRepo {
  const r = sampleProject({
    version,
    shipline: shipline && `[tool.shipline]\n${shipline}`,
    config: { "include-component-in-tag": false },
  });
  repos.push(r);
  return r;
}

describe.skipIf(!hasBinary())("shipline plan --prerelease (binary)", () => {
  test("--json is the plan contract, in PEP 440 form", async () => {
    const r = sample();
    const sha = r.commit("feat: widgets");
    const res = await shipline(["plan", "--prerelease", "rc", "--json", "--repo", "o/r", "--date", DATE], {
      cwd: r.dir,
    });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({
      releases: [
        {
          path: ".",
          component: "",
          previousVersion: "1.2.0",
          version: "1.3.0rc1",
          previousTag: "v1.2.0",
          tag: "v1.3.0rc1",
          title: "chore(main): release 1.3.0rc1",
          changelog: `## [1.3.0rc1](https://github.com/o/r/compare/v1.2.0...v1.3.0rc1) (${DATE})\n\n\n### Features\n\n* widgets ([${sha.slice(0, 7)}](https://github.com/o/r/commit/${sha}))`,
        },
      ],
    });
    // without the flag: release-please's plan
    const plain = await shipline(["plan", "--json", "--repo", "o/r", "--date", DATE], { cwd: r.dir });
    expect(JSON.parse(plain.stdout).releases[0].version).toBe("1.3.0");
  });

  test("human output names the channel and the graduation", async () => {
    const r = sample("1.3.0rc2");
    r.commit("fix: last bug");
    const rc = await shipline(["plan", "--prerelease", "rc", "--repo", "o/r", "--date", DATE], {
      cwd: r.dir,
    });
    expect(rc.code).toBe(0);
    expect(rc.stdout).toBe("");
    expect(rc.stderr).toContain("› .: 1.3.0rc2 → 1.3.0rc3   tag v1.3.0rc3");
    expect(rc.stderr).toContain(
      "why: patch: fixes and other commits → 1.3.0rc3 (rc channel, --prerelease rc)",
    );
    expect(rc.stderr).toContain("## [1.3.0rc3](https://github.com/o/r/compare/v1.3.0rc2...v1.3.0rc3)");
    const fin = await shipline(["plan", "--prerelease", "final", "--repo", "o/r", "--date", DATE], {
      cwd: r.dir,
    });
    expect(fin.stderr).toContain("› .: 1.3.0rc2 → 1.3.0   tag v1.3.0");
    expect(fin.stderr).toContain("(graduates 1.3.0rc2, --prerelease final)");
  });

  test.each([
    ["plan", "beta2"],
    ["plan", "final1"],
    ["pr", "beta2"],
    ["run", "gamma"],
  ])("%s --prerelease %j → exit 2, one line naming the flag and the valid values", async (cmd, value) => {
    const r = sample();
    r.commit("feat: x");
    const res = await shipline([cmd, "--prerelease", value, "--repo", "o/r"], { cwd: r.dir });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr.trim().split("\n")).toEqual([
      `✖ --prerelease ${value}: expected a, b, rc, dev or final (alpha, beta, c, pre, preview also accepted)`,
    ]);
  });

  test('--prerelease "" is a usage error naming the flag, like every flag given no value', async () => {
    const r = sample();
    r.commit("feat: x");
    const res = await shipline(["plan", "--prerelease", "", "--repo", "o/r"], { cwd: r.dir });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr.split("\n")[0]).toBe("✖ --prerelease needs a value (got an empty one)");
  });

  test("--json error shape for a bad value", async () => {
    const r = sample();
    const res = await shipline(["plan", "--json", "--prerelease", "beta2"], { cwd: r.dir });
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout).error.message).toContain(
      "--prerelease beta2: expected a, b, rc, dev or final",
    );
  });

  test('[tool.shipline] prerelease = "b" in pyproject.toml, and `run` does not call it an unknown key', async () => {
    const r = sample("1.2.0", 'prerelease = "b"');
    r.commit("fix: x");
    const res = await shipline(["plan", "--json", "--repo", "o/r"], { cwd: r.dir });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).releases[0].version).toBe("1.2.1b1");
    const dry = await shipline(["pr", "--dry-run", "--repo", "o/r"], {
      cwd: r.dir,
      env: { GITHUB_TOKEN: "" },
    });
    expect(dry.code).toBe(0);
    expect(dry.stderr).not.toContain("unknown key");
    expect(dry.stderr).toContain("title:  chore(main): release 1.2.1b1");
  });
});

describe.skipIf(!hasBinary())("rc1 → rc2 → final through pr and release (GitHub stand-in)", () => {
  test("versions, files, tags and GitHub prerelease flags", async () => {
    const repo = TestRepo.python("1.2.0");
    repo.write("src/sample/__init__.py", '__version__ = "1.2.0"\n');
    repo.commit("chore: add the package module");
    const f = await githubFixture(repo);
    try {
      repo.git("push", "-q", "origin", "v1.2.0");
      const run = (args: string[], env: Record<string, string> = {}) =>
        shipline([...args, "--cwd", repo.dir], { env: { ...f.env, ...env } });
      const push = (message: string, files: Record<string, string>) => {
        const sha = repo.commit(message, files);
        repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
        return sha;
      };
      const BRANCH = "release-please--branches--main";
      const mergeAndRelease = async (n: number, tag: string) => {
        repo.git("fetch", "-q", "origin", BRANCH);
        repo.git("merge", "-q", "--squash", "FETCH_HEAD");
        const title = f.gh.pulls.find((p) => p.number === n)?.title ?? "";
        const sha = push(`${title} (#${n})`, {});
        f.gh.merge(n, sha);
        const rel = await run(["release"]);
        expect(rel.code).toBe(0);
        expect(f.gh.tagSha(tag)).toBe(sha);
        repo.git("tag", tag, sha); // as `git fetch --tags` would bring it
        return sha;
      };

      // 1. feat → release PR 1.3.0rc1 with PEP 440 versions in every file
      push("feat: widgets", { "src/sample/w.py": "W = 1\n" });
      const p1 = await run(["pr", "--prerelease", "rc", "--date", DATE]);
      expect(p1.code).toBe(0);
      expect(f.gh.pulls.map((p) => p.title)).toEqual(["chore(main): release 1.3.0rc1"]);
      expect(f.remoteGit("show", `${BRANCH}:pyproject.toml`)).toContain('version = "1.3.0rc1"');
      expect(f.remoteGit("show", `${BRANCH}:src/sample/__init__.py`)).toBe('__version__ = "1.3.0rc1"');
      expect(f.remoteGit("show", `${BRANCH}:.release-please-manifest.json`)).toBe('{\n  ".": "1.3.0rc1"\n}');
      expect(f.remoteGit("show", `${BRANCH}:CHANGELOG.md`)).toContain(
        "## [1.3.0rc1](https://github.com/octo/sample/compare/v1.2.0...v1.3.0rc1)",
      );
      await mergeAndRelease(1, "v1.3.0rc1");
      expect(f.gh.releases.map((r) => [r.tag_name, r.name, r.prerelease])).toEqual([
        ["v1.3.0rc1", "v1.3.0rc1", true],
      ]);

      // 2. a fix on the rc channel → 1.3.0rc2, counted from the rc1 tag
      push("fix: widget rounding", { "src/sample/w.py": "W = 2\n" });
      expect((await run(["pr", "--prerelease", "rc", "--date", DATE])).code).toBe(0);
      const pr2 = f.gh.pulls.find((p) => p.number === 2);
      expect(pr2?.title).toBe("chore(main): release 1.3.0rc2");
      expect(pr2?.body).toContain("compare/v1.3.0rc1...v1.3.0rc2");
      expect(pr2?.body).not.toContain("widgets");
      await mergeAndRelease(2, "v1.3.0rc2");

      // 3. graduate: --prerelease final → 1.3.0, a normal release
      push("docs: usage", { "README.md": "usage\n" });
      expect((await run(["pr", "--prerelease", "final", "--date", DATE])).code).toBe(0);
      expect(f.gh.pulls.find((p) => p.number === 3)?.title).toBe("chore(main): release 1.3.0");
      expect(f.remoteGit("show", `${BRANCH}:src/sample/__init__.py`)).toBe('__version__ = "1.3.0"');
      await mergeAndRelease(3, "v1.3.0");
      expect(f.gh.releases.map((r) => [r.tag_name, r.prerelease])).toEqual([
        ["v1.3.0rc1", true],
        ["v1.3.0rc2", true],
        ["v1.3.0", false],
      ]);

      // 4. back on release-please's plain flow: the next fix is 1.3.1
      push("fix: after final", { "src/sample/w.py": "W = 3\n" });
      const plan = await run(["plan", "--json"]);
      expect(JSON.parse(plan.stdout).releases[0]).toMatchObject({ previousTag: "v1.3.0", version: "1.3.1" });
    } finally {
      f.cleanup();
    }
  });
});

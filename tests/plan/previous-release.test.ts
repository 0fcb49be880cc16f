/**
 * Finding the previous release (spec §7.1) in the corners where a first version of shipline
 * differed from release-please, each compared with release-please's own release PRs
 * (tests/helpers/release-please-oracle.ts): a package with skip-github-release released under
 * the root package's tag, and a manifest at 0.0.0 whose v0.0.0 tag exists.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { oracle, ours } from "../helpers/release-please-oracle.ts";
import { TestRepo } from "../helpers/repo.ts";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

function repo(config: Record<string, unknown>, manifest: Record<string, string>): TestRepo {
  const r = TestRepo.create();
  repos.push(r);
  r.commit("chore: init", {
    "release-please-config.json": JSON.stringify({ "release-type": "python", ...config }, null, 2),
    ".release-please-manifest.json": JSON.stringify(manifest, null, 2),
  });
  return r;
}

describe("previous release = release-please's", () => {
  test("skip-github-release sub-package: the root's tag at its version marks its release", async () => {
    const r = repo(
      { packages: { ".": { component: "root" }, sub: { component: "sub", "skip-github-release": true } } },
      { ".": "1.0.0", sub: "1.0.0" },
    );
    r.commit("feat: old sub feature", { "sub/old.py": "1\n" });
    r.tag("root-v1.0.0");
    r.commit("fix: sub", { "sub/x.py": "1\n" });
    const got = await ours(r.dir);
    expect(got[0]?.body).toContain("<summary>sub: 1.0.1</summary>");
    expect(got[0]?.body).toContain("(https://github.com/o/r/compare/root-v1.0.0...sub-v1.0.1)");
    expect(got[0]?.body).not.toContain("old sub feature");
    expect(got).toEqual(await oracle(r.dir));
  });

  test("skip-github-release sub-package whose own tag exists: its own tag wins", async () => {
    const r = repo(
      { packages: { ".": { component: "root" }, sub: { component: "sub", "skip-github-release": true } } },
      { ".": "1.0.0", sub: "1.0.0" },
    );
    r.commit("feat: old", { "sub/old.py": "1\n" });
    r.tag("root-v1.0.0");
    r.commit("fix: between", { "sub/b.py": "1\n" });
    r.tag("sub-v1.0.0");
    r.commit("fix: sub", { "sub/x.py": "1\n" });
    const got = await ours(r.dir);
    expect(got[0]?.body).toContain("compare/sub-v1.0.0...sub-v1.0.1)");
    expect(got).toEqual(await oracle(r.dir));
  });

  test("manifest 0.0.0 with a v0.0.0 tag: a release to bump from, not a first release", async () => {
    const r = repo({ packages: { ".": {} } }, { ".": "0.0.0" });
    r.commit("feat: before the tag", { "a.py": "1\n" });
    r.tag("v0.0.0");
    r.commit("fix: after the tag", { "b.py": "1\n" });
    const got = await ours(r.dir);
    expect(got[0]?.title).toBe("chore(main): release 0.0.1");
    expect(got[0]?.body).toContain("## [0.0.1](https://github.com/o/r/compare/v0.0.0...v0.0.1)");
    expect(got[0]?.body).not.toContain("before the tag");
    expect(got).toEqual(await oracle(r.dir));
  });

  test("manifest 0.0.0 without a tag: the first release, 0.1.0, every commit", async () => {
    const r = repo({ packages: { ".": {} } }, { ".": "0.0.0" });
    r.commit("feat: one", { "a.py": "1\n" });
    r.commit("fix: two", { "b.py": "1\n" });
    const got = await ours(r.dir);
    expect(got[0]?.title).toBe("chore(main): release 0.1.0");
    expect(got[0]?.body).toContain("## 0.1.0 (");
    expect(got).toEqual(await oracle(r.dir));
  });
});

describe("commits that exclude-paths drops = release-please's (CommitExclude)", () => {
  test('`"exclude-paths": []` is set: an empty commit touches none of the package\'s files and is dropped', async () => {
    const r = repo({ packages: { ".": { "exclude-paths": [] } } }, { ".": "1.0.0" });
    r.tag("v1.0.0");
    r.commit("fix: x");
    expect(await ours(r.dir)).toEqual([]);
    expect(await oracle(r.dir)).toEqual([]);
    // without the key, the same commit is released
    r.write(
      "release-please-config.json",
      JSON.stringify({ "release-type": "python", packages: { ".": {} } }),
    );
    r.commit("chore: config");
    r.commit("fix: y");
    const got = await ours(r.dir);
    expect(got[0]?.title).toBe("chore(main): release 1.0.1");
    expect(got).toEqual(await oracle(r.dir));
  });

  test("in a monorepo, only the package that sets exclude-paths drops the empty commit", async () => {
    const r = repo(
      { packages: { a: { component: "a", "exclude-paths": [] }, b: { component: "b" } } },
      { a: "1.0.0", b: "1.0.0" },
    );
    r.commit("chore: files", { "a/x.py": "x\n", "b/x.py": "x\n" });
    r.tag("a-v1.0.0").tag("b-v1.0.0");
    r.commit("fix: x");
    const got = await ours(r.dir);
    expect(got[0]?.body).toContain("b: 1.0.1");
    expect(got[0]?.body).not.toContain("a: 1.0.1");
    expect(got).toEqual(await oracle(r.dir));
  });
});

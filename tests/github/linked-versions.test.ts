// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title patterns
/**
 * linked-versions release PR layout (spec §5.1, §5.5) on real python monorepos, against the
 * real release-please 17.11.2 (devDependency): its Manifest.buildPullRequests run on the same
 * repo through its own local Scm (LocalGitHub; no GitHub releases or PRs exist). Then one
 * end-to-end `shipline pr` against the GitHub stand-in opening the group PR on its branch, then
 * `shipline release` after its merge.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { groupBranchName } from "../../src/github/layout.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { oracle, oracleFiles, ourFiles, ours } from "../helpers/release-please-oracle.ts";
import { TestRepo } from "../helpers/repo.ts";
import { githubFixture } from "./fixtures.ts";

const NAMES = ["a", "b", "c"];
const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

/**
 * packages/a, packages/b, packages/c (python, each released at 1.0.0 and tagged); then a
 * `feat` in a and a `fix` in c (b has nothing to release).
 */
function monorepo(config: Record<string, unknown>, pkgs: Record<string, Record<string, unknown>> = {}) {
  const repo = TestRepo.create();
  repos.push(repo);
  const packages = Object.fromEntries(
    NAMES.map((n) => [`packages/${n}`, pkgs[n] ?? { component: n }] as const),
  );
  const files: Record<string, string> = {
    "release-please-config.json": JSON.stringify({ "release-type": "python", ...config, packages }, null, 2),
    ".release-please-manifest.json": JSON.stringify(
      Object.fromEntries(NAMES.map((n) => [`packages/${n}`, "1.0.0"])),
      null,
      2,
    ),
  };
  for (const n of NAMES)
    files[`packages/${n}/pyproject.toml`] = `[project]\nname = "${n}"\nversion = "1.0.0"\n`;
  repo.commit("chore: init", files);
  for (const n of NAMES) repo.tag(`${n}-v1.0.0`);
  repo.commit("feat: add a thing", { "packages/a/thing.py": "X = 1\n" });
  repo.commit("fix: c rounding", { "packages/c/fix.py": "Y = 1\n" });
  return repo;
}

/** A repo from files, with one commit (and the given tags), then `then` commits. */
function repoOf(
  files: Record<string, string>,
  tags: string[],
  then: [string, Record<string, string>][] = [],
) {
  const repo = TestRepo.create();
  repos.push(repo);
  repo.commit("chore: release", files);
  for (const t of tags) repo.tag(t);
  for (const [m, f] of then) repo.commit(m, f);
  return repo;
}

describe("linked-versions release PR files = release-please's (updates chained in its candidate order)", () => {
  test("the manifest's keys: packages outside the group first, then the group", async () => {
    const repo = repoOf(
      {
        "release-please-config.json": JSON.stringify({
          "release-type": "python",
          plugins: [{ type: "linked-versions", groupName: "g", components: ["a", "c"] }],
          packages: { a: { component: "a" }, b: { component: "b" }, c: { component: "c" } },
        }),
        ".release-please-manifest.json": "{}\n",
        "a/x.py": "x\n",
        "b/x.py": "x\n",
        "c/x.py": "x\n",
      },
      [],
    );
    repo.commit("feat: init", { "a/y.py": "1\n", "b/y.py": "1\n", "c/y.py": "1\n" });
    const got = await ourFiles(repo.dir);
    expect(got.get(".release-please-manifest.json")).toBe('{"b":"0.1.0","a":"0.1.0","c":"0.1.0"}\n');
    expect(got).toEqual(await oracleFiles(repo.dir));
  });

  test("a file two packages update ends with the group's version, as release-please chains it", async () => {
    const repo = repoOf(
      {
        "release-please-config.json": JSON.stringify({
          "release-type": "python",
          plugins: [{ type: "linked-versions", groupName: "g", components: ["lib", "cli"] }],
          packages: {
            lib: { component: "lib", "extra-files": ["/VERSION"] },
            cli: { component: "cli" },
            ".": { "extra-files": ["/VERSION"] },
          },
        }),
        ".release-please-manifest.json": '{".":"1.0.0","lib":"2.0.0","cli":"2.0.0"}\n',
        "lib/a.py": "x\n",
        "cli/a.py": "x\n",
        VERSION: "1.0.0 x-release-please-version\n",
      },
      ["v1.0.0", "lib-v2.0.0", "cli-v2.0.0"],
      [["fix: x", { "lib/a.py": "y\n" }]],
    );
    const got = await ourFiles(repo.dir);
    expect(got.get("VERSION")).toBe("2.0.1 x-release-please-version\n");
    expect(got).toEqual(await oracleFiles(repo.dir));
  });
});

const summaries = (body: string) => [...body.matchAll(/<summary>(.*?)<\/summary>/g)].map((m) => m[1]);
const GROUP = { type: "linked-versions", groupName: "my group", components: ["a", "b"] };

describe("linked-versions release PRs = release-please's", () => {
  test("top-level separate-pull-requests true: the group shares one PR, c has its own", async () => {
    const repo = monorepo({ "separate-pull-requests": true, plugins: [GROUP] });
    const got = await ours(repo.dir);
    expect(got.map((p) => [p.title, p.branch])).toEqual([
      ["chore(main): release c 1.0.1", "release-please--branches--main--components--c"],
      ["chore(main): release my group libraries", "release-please--branches--main--groups--my-group"],
    ]);
    expect(got[0]?.body).not.toContain("<details>");
    expect(summaries(got[1]!.body)).toEqual(["a: 1.1.0", "b: 1.1.0"]);
    // b had nothing to release: the plugin's synthetic commit is its entry.
    expect(got[1]?.body).toContain(
      "### Miscellaneous Chores\n\n* **b:** Synchronize my group versions\n</details>",
    );
    expect(got[1]?.labels).toEqual(["autorelease: pending"]);
    expect(got).toEqual(await oracle(repo.dir));
  });

  test("separate-pull-requests unset (3 packages): everything, group included, in one plain PR", async () => {
    const repo = monorepo({ plugins: [GROUP] });
    const got = await ours(repo.dir);
    expect(got).toHaveLength(1);
    expect(got[0]?.branch).toBe("release-please--branches--main");
    expect(got[0]?.title).toBe("chore: release main");
    // The group's PR was merged last, so its entries come after c's.
    expect(summaries(got[0]!.body)).toEqual(["c: 1.0.1", "a: 1.1.0", "b: 1.1.0"]);
    expect(got).toEqual(await oracle(repo.dir));
  });

  test("group members with separate-pull-requests and extra labels are still merged; labels unite", async () => {
    const repo = monorepo(
      { "separate-pull-requests": false, plugins: [{ ...GROUP, groupName: "Core & SDK (v2)!" }] },
      {
        a: { component: "a", "separate-pull-requests": true, "extra-label": "team-a" },
        b: { component: "b", "draft-pull-request": true },
        c: { component: "c", "separate-pull-requests": true },
      },
    );
    const got = await ours(repo.dir);
    expect(got.map((p) => p.branch)).toEqual([
      "release-please--branches--main",
      "release-please--branches--main--components--c",
    ]);
    expect(got[0]?.labels).toEqual(["autorelease: pending", "team-a"]);
    expect(got).toEqual(await oracle(repo.dir));
  });

  test("merge: false, and members named by package-name only: versions linked, PRs not grouped", async () => {
    for (const [plugin, pkgs] of [
      [{ ...GROUP, merge: false }, {}],
      [GROUP, { a: { "package-name": "a" }, b: { "package-name": "b" }, c: { "package-name": "c" } }],
    ] as const) {
      const repo = monorepo({ "separate-pull-requests": true, plugins: [plugin] }, pkgs);
      const got = await ours(repo.dir);
      expect(got.map((p) => p.title)).toEqual([
        "chore(main): release a 1.1.0",
        "chore(main): release b 1.1.0",
        "chore(main): release c 1.0.1",
      ]);
      expect(got).toEqual(await oracle(repo.dir));
    }
  });

  test("group branch names: non-word characters become '-', runs collapse", () => {
    expect(groupBranchName("main", "my group")).toBe("release-please--branches--main--groups--my-group");
    expect(groupBranchName("main", "Core & SDK (v2)!")).toBe(
      "release-please--branches--main--groups--Core-SDK-v2-",
    );
    expect(groupBranchName("dev", "py_libs")).toBe("release-please--branches--dev--groups--py_libs");
  });
});

describe.skipIf(!hasBinary())("shipline pr with a linked group (GitHub stand-in)", () => {
  test("opens the group PR on its branch with both members bumped, c has its own; after the merge `release` tags both members", async () => {
    const repo = monorepo({ "separate-pull-requests": true, plugins: [GROUP] });
    repos.splice(repos.indexOf(repo), 1);
    const f = await githubFixture(repo);
    try {
      for (const n of NAMES) repo.git("push", "-q", "origin", `${n}-v1.0.0`);
      const r = await shipline(["pr", "--date", "2026-12-01", "--cwd", repo.dir], { env: f.env });
      expect(r.code).toBe(0);
      const group = "release-please--branches--main--groups--my-group";
      expect(f.gh.pulls.map((p) => [p.head, p.title, p.state]).sort()).toEqual([
        ["release-please--branches--main--components--c", "chore(main): release c 1.0.1", "open"],
        [group, "chore(main): release my group libraries", "open"],
      ]);
      const pr = f.gh.pulls.find((p) => p.head === group)!;
      expect(pr.labels).toEqual(["autorelease: pending"]);
      expect(summaries(pr.body ?? "")).toEqual(["a: 1.1.0", "b: 1.1.0"]);
      expect(f.remoteGit("log", "-1", "--format=%s", group)).toBe("chore(main): release my group libraries");
      for (const n of ["a", "b"])
        expect(f.remoteGit("show", `${group}:packages/${n}/pyproject.toml`)).toContain('version = "1.1.0"');
      expect(f.remoteGit("show", `${group}:packages/c/pyproject.toml`)).toContain('version = "1.0.0"');
      expect(JSON.parse(f.remoteGit("show", `${group}:.release-please-manifest.json`))).toEqual({
        "packages/a": "1.1.0",
        "packages/b": "1.1.0",
        "packages/c": "1.0.0",
      });
      expect(f.remoteGit("show", `${group}:packages/b/CHANGELOG.md`)).toContain(
        "* **b:** Synchronize my group versions",
      );

      // Squash-merge the group PR; `release` tags and releases both members, and only them.
      repo.git("fetch", "-q", "origin", group);
      repo.git("merge", "-q", "--squash", "FETCH_HEAD");
      const sha = repo.commit(`${pr.title} (#${pr.number})`);
      repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
      f.gh.merge(pr.number, sha);
      const rel = await shipline(["release", "--cwd", repo.dir], { env: f.env });
      expect(rel.code).toBe(0);
      expect(f.gh.releases.map((x) => x.tag_name).sort()).toEqual(["a-v1.1.0", "b-v1.1.0"]);
      expect(f.gh.tagSha("a-v1.1.0")).toBe(sha);
      expect(f.gh.pulls.find((p) => p.head === group)?.labels).toEqual(["autorelease: tagged"]);
    } finally {
      f.cleanup();
    }
  }, 60_000);
});

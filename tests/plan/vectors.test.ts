/** Spec §9 vectors on real git repositories, exact entry text. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { planReleases } from "../../src/plan/planner.ts";
import type { Plan, PlannedRelease } from "../../src/plan/types.ts";
import type { TestRepo } from "../helpers/repo.ts";
import { type VectorSetup, vectorRepo } from "./vector-repo.ts";

setDefaultTimeout(60_000);
const DATE = "2024-05-06";
const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

async function run(v: VectorSetup) {
  const vr = vectorRepo(v);
  repos.push(vr.repo);
  const plan: Plan = await planReleases(vr.repo.dir, { date: DATE, repo: "o/r", targetBranch: "main" });
  const at = (path = "."): PlannedRelease | undefined => plan.releases.find((r) => r.path === path);
  return { plan, vr, at, one: at() as PlannedRelease };
}

const H = "https://github.com/o/r";

describe("spec §9 vectors", () => {
  test("V1: sections, hidden chore, docs visible for python", async () => {
    const { one, vr } = await run({
      commits: ["fix: handle empty input", "feat: add --json output", "chore: tidy", "docs: explain flags"],
    });
    expect(one.version).toBe("1.3.0");
    expect(one.title).toBe("chore(main): release 1.3.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* add --json output L(2)\n\n\n### Bug Fixes\n\n* handle empty input L(1)\n\n\n### Documentation\n\n* explain flags L(4)`,
      ),
    );
    expect(one.previousTag).toBe("v1.2.3");
    expect(one.tag).toBe("v1.3.0");
  });

  test("V2: breaking on 0.x gives 1.0.0 and a loud warning", async () => {
    const { one, vr } = await run({
      manifest: { ".": "0.4.2" },
      tags: ["v0.4.2"],
      commits: ["feat(api)!: drop v1 endpoints", "fix: a bug"],
    });
    expect(one.version).toBe("1.0.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.0.0](${H}/compare/v0.4.2...v1.0.0) (2024-05-06)\n\n\n### ⚠ BREAKING CHANGES\n\n* **api:** drop v1 endpoints\n\n### Features\n\n* **api:** drop v1 endpoints L(1)\n\n\n### Bug Fixes\n\n* a bug L(2)`,
      ),
    );
    expect(one.warnings.join("\n")).toContain('"bump-minor-pre-major": true');
    expect(one.warnings.join("\n")).toContain("Release-As: 0.5.0");
  });

  test("V3: bump-minor-pre-major", async () => {
    const { one, vr } = await run({
      manifest: { ".": "0.4.2" },
      tags: ["v0.4.2"],
      pkg: { "bump-minor-pre-major": true },
      commits: ["fix: a\n\nBREAKING CHANGE: config format changed"],
    });
    expect(one.version).toBe("0.5.0");
    expect(one.warnings).toEqual([]);
    expect(one.changelog).toBe(
      vr.expand(
        `## [0.5.0](${H}/compare/v0.4.2...v0.5.0) (2024-05-06)\n\n\n### ⚠ BREAKING CHANGES\n\n* config format changed\n\n### Bug Fixes\n\n* a L(1)`,
      ),
    );
  });

  test("V4: bump-patch-for-minor-pre-major, (#12) link", async () => {
    const { one, vr } = await run({
      manifest: { ".": "0.4.2" },
      tags: ["v0.4.2"],
      pkg: { "bump-patch-for-minor-pre-major": true },
      commits: ["feat: x (#12)"],
    });
    expect(one.version).toBe("0.4.3");
    expect(one.changelog).toBe(
      vr.expand(
        `## [0.4.3](${H}/compare/v0.4.2...v0.4.3) (2024-05-06)\n\n\n### Features\n\n* x ([#12](${H}/issues/12)) L(1)`,
      ),
    );
  });

  test("V5: only hidden types → no release, with a reason", async () => {
    const { plan } = await run({
      commits: ["chore: update deps", "ci: speed up", "test: more", "style: fmt", "refactor: y", "build: z"],
    });
    expect(plan.releases).toEqual([]);
    expect(plan.skipped[0]?.reason).toContain("no user-facing commits");
    expect(plan.skipped[0]?.commits?.length).toBe(6);
  });

  test("V6: Release-As footer", async () => {
    const { one, vr } = await run({ commits: ["fix: newest", "chore: release 2.0.0\n\nRelease-As: 2.0.0"] });
    expect(one.version).toBe("2.0.0");
    expect(one.bump).toBe("release-as");
    expect(one.changelog).toBe(
      vr.expand(
        `## [2.0.0](${H}/compare/v1.2.3...v2.0.0) (2024-05-06)\n\n\n### Bug Fixes\n\n* newest L(1)\n\n\n### Miscellaneous Chores\n\n* release 2.0.0 L(2)`,
      ),
    );
  });

  test("V7: release-as in config", async () => {
    const { one, vr } = await run({ pkg: { "release-as": "3.0.0" }, commits: ["fix: a"] });
    expect(one.version).toBe("3.0.0");
    expect(one.changelog).toBe(
      vr.expand(`## [3.0.0](${H}/compare/v1.2.3...v3.0.0) (2024-05-06)\n\n\n### Bug Fixes\n\n* a L(1)`),
    );
  });

  test("V8: first release is 0.1.0 without compare link", async () => {
    const { one, vr } = await run({
      noRelease: true,
      manifest: {},
      commits: ["feat: first feature", "chore: initial commit"],
    });
    expect(one.version).toBe("0.1.0");
    expect(one.previousVersion).toBeNull();
    expect(one.previousTag).toBeNull();
    expect(one.title).toBe("chore(main): release 0.1.0");
    expect(one.changelog).toBe(vr.expand("## 0.1.0 (2024-05-06)\n\n\n### Features\n\n* first feature L(1)"));
  });

  test("V9: locale ordering within a section", async () => {
    const { one, vr } = await run({
      commits: ["fix: zeta", "fix(api): beta", "fix: Alpha", "fix: alpha", "fix: `code` thing"],
    });
    expect(one.version).toBe("1.2.4");
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.2.4](${H}/compare/v1.2.3...v1.2.4) (2024-05-06)\n\n\n### Bug Fixes\n\n* \`code\` thing L(5)\n* alpha L(4)\n* Alpha L(3)\n* **api:** beta L(2)\n* zeta L(1)`,
      ),
    );
  });

  test("V10: issue, user links, html escape, refs", async () => {
    const { one, vr } = await run({
      commits: [
        "feat(cli): add thing (#123)",
        "fix: thanks @octo-cat, see #45 <b>",
        "fix: crash\n\nFixes #12",
      ],
    });
    expect(one.version).toBe("1.3.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* **cli:** add thing ([#123](${H}/issues/123)) L(1)\n\n\n### Bug Fixes\n\n* crash L(3), refs [#12](${H}/issues/12)\n* thanks [@octo-cat](https://github.com/octo-cat), see [#45](${H}/issues/45) &lt;b&gt; L(2)`,
      ),
    );
  });

  test("V11: chore!, feature, Feat, unknown type", async () => {
    const { one, vr } = await run({
      commits: ["chore!: drop Python 3.8", "feature: alias type", "Feat: capitalised", "foo!: unknown type"],
    });
    expect(one.version).toBe("2.0.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [2.0.0](${H}/compare/v1.2.3...v2.0.0) (2024-05-06)\n\n\n### ⚠ BREAKING CHANGES\n\n* drop Python 3.8\n* unknown type\n\n### foo\n\n* unknown type L(4)\n\n\n### Features\n\n* capitalised L(3)\n\n\n### Miscellaneous Chores\n\n* drop Python 3.8 L(1)`,
      ),
    );
  });

  test("V12: squash body with several commits", async () => {
    const { one, vr } = await run({
      commits: [
        "feat: adds v4 UUID\n\nThis adds support.\n\nfix(utils): unicode no longer throws\n\nfeat(utils): update encode",
      ],
    });
    expect(one.version).toBe("1.3.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* adds v4 UUID L(1)\n* **utils:** update encode L(1)\n\n\n### Bug Fixes\n\n* **utils:** unicode no longer throws L(1)`,
      ),
    );
  });

  test("V12b: README multi-change body with BREAKING-CHANGE footer", async () => {
    const { one, vr } = await run({
      commits: [
        "feat: adds v4 UUID to crypto\n\nThis adds support for v4 UUIDs to the library.\n\nfix(utils): unicode no longer throws exception\n  PiperOrigin-RevId: 345559154\n  BREAKING-CHANGE: encode method no longer throws.\n  Source-Link: googleapis/googleapis@5e0dcb2\n\nfeat(utils): update encode to support unicode\n  PiperOrigin-RevId: 345559182\n  Source-Link: googleapis/googleapis@e5eef86",
      ],
    });
    expect(one.version).toBe("2.0.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [2.0.0](${H}/compare/v1.2.3...v2.0.0) (2024-05-06)\n\n\n### ⚠ BREAKING CHANGES\n\n* **utils:** encode method no longer throws.\n\n### Features\n\n* adds v4 UUID to crypto L(1)\n* **utils:** update encode to support unicode L(1)\n\n\n### Bug Fixes\n\n* **utils:** unicode no longer throws exception L(1)`,
      ),
    );
  });

  test("V13/V14: prerelease strategy", async () => {
    const pre = { versioning: "prerelease", prerelease: true, "prerelease-type": "rc" };
    const a = await run({ pkg: pre, commits: ["feat: a"] });
    expect(a.one.version).toBe("1.3.0-rc");
    expect(a.one.changelog.split("\n")[0]).toBe(
      `## [1.3.0-rc](${H}/compare/v1.2.3...v1.3.0-rc) (2024-05-06)`,
    );
    const b = await run({
      pkg: pre,
      manifest: { ".": "1.3.0-rc.1" },
      tags: ["v1.3.0-rc.1"],
      commits: ["fix: a"],
    });
    expect(b.one.version).toBe("1.3.0-rc.2");
    expect(b.one.changelog.split("\n")[0]).toBe(
      `## [1.3.0-rc.2](${H}/compare/v1.3.0-rc.1...v1.3.0-rc.2) (2024-05-06)`,
    );
    expect(b.one.prerelease).toBe(true);
    const c = await run({
      pkg: { ...pre, prerelease: false },
      manifest: { ".": "1.3.0-rc.1" },
      tags: ["v1.3.0-rc.1"],
      commits: ["fix: a"],
    });
    expect(c.one.version).toBe("1.3.0");
  });

  test("V15/V16: package-name changes the tag; include-component-in-tag false restores it", async () => {
    const a = await run({ pkg: { "package-name": "mypkg" }, older: ["fix: ancient"], commits: ["fix: a"] });
    expect(a.one.version).toBe("1.2.4");
    expect(a.one.title).toBe("chore(main): release mypkg 1.2.4");
    expect(a.one.tag).toBe("mypkg-v1.2.4");
    expect(a.one.changelog.split("\n")[0]).toBe(
      `## [1.2.4](${H}/compare/mypkg-v1.2.3...mypkg-v1.2.4) (2024-05-06)`,
    );
    // tag not found: the whole history is read (the old feat is listed) and the plan says why
    expect(a.one.changelog).toContain("* ancient");
    expect(a.plan.warnings?.join("\n")).toContain("tag mypkg-v1.2.3 does not exist");
    const b = await run({
      pkg: { "package-name": "mypkg", "include-component-in-tag": false },
      commits: ["fix: a"],
    });
    expect(b.one.title).toBe("chore(main): release 1.2.4");
    expect(b.one.tag).toBe("v1.2.4");
    expect(b.one.branchComponent).toBe("mypkg");
    expect(b.one.changelog.split("\n")[0]).toBe(`## [1.2.4](${H}/compare/v1.2.3...v1.2.4) (2024-05-06)`);
  });

  test("V17: monorepo split by path; top-level files belong to no sub-package", async () => {
    const { at, vr } = await run({
      packages: { "packages/a": { "package-name": "pkg-a" }, "packages/b": { component: "pkg-b" } },
      manifest: { "packages/a": "1.0.0", "packages/b": "0.3.0" },
      tags: ["pkg-a-v1.0.0", "pkg-b-v0.3.0"],
      commits: [
        { msg: "feat: a feature", files: ["packages/a/x.py"] },
        { msg: "fix: b fix", files: ["packages/b/y.py"] },
        { msg: "docs: root readme", files: ["README.md"] },
      ],
    });
    expect(at("packages/a")?.version).toBe("1.1.0");
    expect(at("packages/a")?.changelog).toBe(
      vr.expand(
        `## [1.1.0](${H}/compare/pkg-a-v1.0.0...pkg-a-v1.1.0) (2024-05-06)\n\n\n### Features\n\n* a feature L(1)`,
      ),
    );
    expect(at("packages/b")?.version).toBe("0.3.1");
    expect(at("packages/b")?.changelog).toBe(
      vr.expand(
        `## [0.3.1](${H}/compare/pkg-b-v0.3.0...pkg-b-v0.3.1) (2024-05-06)\n\n\n### Bug Fixes\n\n* b fix L(2)`,
      ),
    );
    expect(at("packages/b")?.title).toBe("chore(main): release pkg-b 0.3.1");
  });

  test("V18/V18b: missing tag reads back through history; bootstrap-sha bounds it", async () => {
    const a = await run({ tags: [], commits: ["fix: after release"] });
    expect(a.one.version).toBe("1.2.4");
    expect(a.one.changelog.split("\n")[0]).toBe(`## [1.2.4](${H}/compare/v1.2.3...v1.2.4) (2024-05-06)`);
    const b = await run({ tags: [], older: ["feat: before release"], commits: ["fix: after release"] });
    expect(b.one.version).toBe("1.3.0");
    const old = b.vr.olderSha(1);
    expect(b.one.changelog).toBe(
      b.vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* before release ([${old.slice(0, 7)}](${H}/commit/${old}))\n\n\n### Bug Fixes\n\n* after release L(1)`,
      ),
    );
    // bootstrap-sha (only while the release is not found): stop at the older commit
    const c = vectorRepo({
      tags: [],
      older: ["feat: before release"],
      commits: ["fix: after release"],
    });
    repos.push(c.repo);
    const cfgPath = `${c.repo.dir}/release-please-config.json`;
    const cfg = JSON.parse(await Bun.file(cfgPath).text());
    cfg["bootstrap-sha"] = c.olderSha(1);
    await Bun.write(cfgPath, JSON.stringify(cfg));
    const plan = await planReleases(c.repo.dir, { date: DATE, repo: "o/r", targetBranch: "main" });
    expect(plan.releases[0]?.version).toBe("1.2.4");
    expect(plan.releases[0]?.changelog).not.toContain("before release");
  });

  test("V19: extended breaking note, refactor! listed", async () => {
    const { one, vr } = await run({
      commits: [
        "feat: x\n\nBREAKING CHANGE: summary line\n- removed a\n- removed b\n\nignored paragraph",
        "refactor!: r",
      ],
    });
    expect(one.version).toBe("2.0.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [2.0.0](${H}/compare/v1.2.3...v2.0.0) (2024-05-06)\n\n\n### ⚠ BREAKING CHANGES\n\n* summary line\n    - removed a\n    - removed b\n* r\n\n### Features\n\n* x L(1)\n\n\n### Code Refactoring\n\n* r L(2)`,
      ),
    );
  });

  test("V21: feature bumps minor but is not listed", async () => {
    const { one, vr } = await run({ commits: ["feature: alias type", "fix: a"] });
    expect(one.version).toBe("1.3.0");
    expect(one.changelog).toBe(
      vr.expand(`## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Bug Fixes\n\n* a L(2)`),
    );
  });

  test("V22: custom changelog-sections", async () => {
    const { one, vr } = await run({
      pkg: {
        "changelog-sections": [
          { type: "feat", section: "Added" },
          { type: "fix", section: "Fixed" },
          { type: "chore", section: "Chores" },
          { type: "docs", section: "Docs", hidden: true },
        ],
      },
      commits: ["docs: d", "chore(deps): bump x", "fix: f", "feat: e"],
    });
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Added\n\n* e L(4)\n\n\n### Fixed\n\n* f L(3)\n\n\n### Chores\n\n* **deps:** bump x L(2)`,
      ),
    );
  });

  test("V23: empty descriptions", async () => {
    const { one, vr } = await run({ commits: ["feat!:", "fix:"] });
    expect(one.version).toBe("1.3.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### ⚠ BREAKING CHANGES\n\n* \n\n### Features\n\n* feat!:  L(1)\n\n\n### Bug Fixes\n\n* fix:  L(2)`,
      ),
    );
  });

  test("V24: exclude-paths", async () => {
    const { one, vr } = await run({
      pkg: { "exclude-paths": ["docs"] },
      commits: [
        { msg: "fix: docs only", files: ["docs/a.md"] },
        { msg: "fix: docs and code", files: ["docs/a.md", "src/app.py"] },
      ],
    });
    expect(one.version).toBe("1.2.4");
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.2.4](${H}/compare/v1.2.3...v1.2.4) (2024-05-06)\n\n\n### Bug Fixes\n\n* docs and code L(2)`,
      ),
    );
  });

  test("V25: python ignores initial-version", async () => {
    const { one, vr } = await run({
      noRelease: true,
      manifest: {},
      pkg: { "initial-version": "1.0.0" },
      commits: ["feat!: first"],
    });
    expect(one.version).toBe("0.1.0");
    expect(one.changelog).toBe(
      vr.expand(
        "## 0.1.0 (2024-05-06)\n\n\n### ⚠ BREAKING CHANGES\n\n* first\n\n### Features\n\n* first L(1)",
      ),
    );
  });

  test("V26: pull-request-title-pattern", async () => {
    const { one } = await run({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: release-please pattern placeholder
      pkg: { "pull-request-title-pattern": "chore: release v${version}" },
      commits: ["fix: a"],
    });
    expect(one.title).toBe("chore: release v1.2.4");
  });

  test("V27: BEGIN_COMMIT_OVERRIDE only for commits with a (#N) subject", async () => {
    const { one, vr } = await run({
      commits: [
        "feat: big change (#42)\n\n* wip\n\nBEGIN_COMMIT_OVERRIDE\nfeat: real one\nfix(x): real two\nEND_COMMIT_OVERRIDE",
        "fix: plain\n\nBEGIN_COMMIT_OVERRIDE\nfeat: ignored\nEND_COMMIT_OVERRIDE",
      ],
    });
    expect(one.version).toBe("1.3.0");
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* real one L(1)\n\n\n### Bug Fixes\n\n* plain L(2)\n* **x:** real two L(1)`,
      ),
    );
  });

  test("V28: scoped section entry", async () => {
    const { one, vr } = await run({
      pkg: {
        "changelog-sections": [
          { type: "feat", section: "Features" },
          { type: "fix", section: "Bug Fixes" },
          { type: "chore", scope: "deps", section: "Dependencies" },
          { type: "chore", section: "Misc", hidden: true },
        ],
      },
      commits: ["chore(deps): bump a", "chore: other", "fix(deps): pin b", "feat: x"],
    });
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* x L(4)\n\n\n### Bug Fixes\n\n* **deps:** pin b L(3)\n\n\n### Dependencies\n\n* **deps:** bump a L(1)`,
      ),
    );
  });

  test("V30: root package gets every commit, sub-package only its own", async () => {
    const { at, vr } = await run({
      packages: {
        ".": { "package-name": "root", "include-component-in-tag": false },
        "plugins/p": { "package-name": "p" },
      },
      manifest: { ".": "1.2.3", "plugins/p": "0.1.0" },
      tags: ["v1.2.3", "p-v0.1.0"],
      commits: [
        { msg: "fix: in plugin", files: ["plugins/p/x.py"] },
        { msg: "feat: root feature", files: ["src/app.py"] },
      ],
    });
    expect(at(".")?.version).toBe("1.3.0");
    expect(at(".")?.changelog).toBe(
      vr.expand(
        `## [1.3.0](${H}/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* root feature L(2)\n\n\n### Bug Fixes\n\n* in plugin L(1)`,
      ),
    );
    expect(at("plugins/p")?.changelog).toBe(
      vr.expand(
        `## [0.1.1](${H}/compare/p-v0.1.0...p-v0.1.1) (2024-05-06)\n\n\n### Bug Fixes\n\n* in plugin L(1)`,
      ),
    );
  });

  test("V31: a tag in another form counts as the release (tags stand in for GitHub releases)", async () => {
    const { one, vr } = await run({
      pkg: { "include-v-in-tag": false },
      older: ["feat: old feature"],
      commits: ["fix: new"],
    });
    expect(one.version).toBe("1.2.4");
    expect(one.changelog).toBe(
      vr.expand(`## [1.2.4](${H}/compare/v1.2.3...1.2.4) (2024-05-06)\n\n\n### Bug Fixes\n\n* new L(1)`),
    );
  });

  test("no commits since the tag: skipped with a reason", async () => {
    const { plan } = await run({ commits: [] });
    expect(plan.releases).toEqual([]);
    expect(plan.skipped[0]?.reason).toContain("no commits since v1.2.3");
  });

  test("non-conventional headers are ignored and explained", async () => {
    const { plan } = await run({ commits: ["Update README", "Merge branch 'x'"] });
    expect(plan.releases).toEqual([]);
    expect(plan.skipped[0]?.reason).toContain("conventional header");
    expect(plan.skipped[0]?.commits?.[0]?.note).toContain("not a conventional commit");
  });

  test("a bad Release-As footer aborts with the commit named", async () => {
    const vr = vectorRepo({ commits: ["fix: x\n\nRelease-As: soon"] });
    repos.push(vr.repo);
    await expect(planReleases(vr.repo.dir, { date: DATE, repo: "o/r" })).rejects.toThrow(
      /Release-As footer of commit/,
    );
  });
});

describe("plugins", () => {
  test("linked-versions: highest version for every member, synthetic commit for the quiet one", async () => {
    const { at, vr } = await run({
      packages: {
        "packages/a": { component: "a" },
        "packages/b": { component: "b" },
        "packages/c": { component: "c" },
      },
      top: { plugins: [{ type: "linked-versions", groupName: "grp", components: ["a", "b"] }] },
      manifest: { "packages/a": "1.0.0", "packages/b": "1.0.0", "packages/c": "2.0.0" },
      tags: ["a-v1.0.0", "b-v1.0.0", "c-v2.0.0"],
      commits: [
        { msg: "feat: a thing", files: ["packages/a/x.py"] },
        { msg: "fix: c fix", files: ["packages/c/x.py"] },
      ],
    });
    expect(at("packages/a")?.version).toBe("1.1.0");
    expect(at("packages/a")?.changelog).toBe(
      vr.expand(
        `## [1.1.0](${H}/compare/a-v1.0.0...a-v1.1.0) (2024-05-06)\n\n\n### Features\n\n* a thing L(1)`,
      ),
    );
    expect(at("packages/a")?.linkedGroup).toBe("grp");
    // the synthetic commit, rendered by release-please itself
    const rpCommit = require("release-please/build/src/commit");
    const rpNotes = require("release-please/build/src/changelog-notes/default");
    const today = new Date().toISOString().slice(0, 10);
    const expected = (
      await new rpNotes.DefaultChangelogNotes().buildNotes(
        rpCommit.parseConventionalCommits([
          { sha: "", message: "chore(b): Synchronize grp versions\n\nRelease-As: 1.1.0", files: [] },
        ]),
        {
          owner: "o",
          repository: "r",
          version: "1.1.0",
          previousTag: "b-v1.0.0",
          currentTag: "b-v1.1.0",
          changelogSections: (await import("../../src/plan/changelog.ts")).PYTHON_SECTIONS,
        },
      )
    ).replace(`(${today})`, "(2024-05-06)");
    expect(at("packages/b")?.version).toBe("1.1.0");
    expect(at("packages/b")?.changelog).toBe(expected);
    expect(at("packages/c")?.version).toBe("2.0.1");
    expect(at("packages/c")?.linkedGroup).toBeUndefined();
  });

  test("sentence-case upper-cases subjects", async () => {
    const { one, vr } = await run({
      top: { plugins: ["sentence-case"] },
      commits: ["fix: handle npm", "fix: npm"],
    });
    expect(one.changelog).toBe(
      vr.expand(
        `## [1.2.4](${H}/compare/v1.2.3...v1.2.4) (2024-05-06)\n\n\n### Bug Fixes\n\n* Handle npm L(1)\n* npm L(2)`,
      ),
    );
  });
});

/**
 * PEP 440 prerelease channels in the planner (issue #11) on real git repos: every rule of
 * `--prerelease` / `[tool.shipline] prerelease`, and that without them the plan is
 * release-please's.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { ShiplineError } from "../../src/errors.ts";
import { planReleases } from "../../src/plan/planner.ts";
import type { PrereleaseChoice } from "../../src/plan/prerelease.ts";
import type { Plan } from "../../src/plan/types.ts";
import { TestRepo } from "../helpers/repo.ts";

const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

/** A python package released at `version` (manifest + tag `v<tag ?? version>`), then `commits`. */
function released(
  version: string,
  commits: string[],
  o: { tag?: string | null; shipline?: string; config?: Record<string, unknown>; branch?: string } = {},
): TestRepo {
  const r = TestRepo.create({ branch: o.branch });
  repos.push(r);
  r.commit(`chore: release ${version}`, {
    "release-please-config.json": `${JSON.stringify({ packages: { ".": { "release-type": "python", ...o.config } } })}\n`,
    ".release-please-manifest.json": `${JSON.stringify({ ".": version })}\n`,
    "pyproject.toml": `[project]\nname = "sample"\nversion = "${version}"\n${o.shipline ? `\n[tool.shipline]\n${o.shipline}\n` : ""}`,
  });
  if (o.tag !== null) r.tag(`v${o.tag ?? version}`);
  for (const c of commits) r.commit(c);
  return r;
}

const plan = (r: TestRepo, prerelease?: PrereleaseChoice): Promise<Plan> =>
  planReleases(r.dir, { repo: "o/r", date: "2026-01-01", prerelease, env: {} });

async function one(r: TestRepo, prerelease?: PrereleaseChoice) {
  const p = await plan(r, prerelease);
  expect(p.releases.length).toBe(1);
  return { ...p.releases[0]!, planWarnings: p.warnings ?? [] };
}

describe("--prerelease channels (python, PEP 440 form)", () => {
  test("final 1.2.0 + feat on rc → 1.3.0rc1: tag, title, heading and compare link in PEP 440 form", async () => {
    const r = released("1.2.0", ["feat: a"]);
    const rel = await one(r, "rc");
    expect(rel.version).toBe("1.3.0rc1");
    expect(rel.previousVersion).toBe("1.2.0");
    expect(rel.previousTag).toBe("v1.2.0");
    expect(rel.tag).toBe("v1.3.0rc1");
    expect(rel.title).toBe("chore(main): release 1.3.0rc1");
    expect(rel.changelog.split("\n")[0]).toBe(
      "## [1.3.0rc1](https://github.com/o/r/compare/v1.2.0...v1.3.0rc1) (2026-01-01)",
    );
    expect(rel.prerelease).toBe(true);
    expect(rel.bump).toBe("minor");
    expect(rel.reason).toContain("rc channel, --prerelease rc");
  });

  test("1.3.0rc1 + more commits on rc → 1.3.0rc2, counting only commits after the rc1 tag", async () => {
    const r = released("1.2.0", ["feat: before rc1"]);
    r.commit("chore: release 1.3.0rc1", { ".release-please-manifest.json": '{".":"1.3.0rc1"}\n' });
    r.tag("v1.3.0rc1");
    r.commit("fix: after rc1");
    r.commit("feat: another");
    const rel = await one(r, "rc");
    expect(rel.version).toBe("1.3.0rc2");
    expect(rel.previousVersion).toBe("1.3.0rc1");
    expect(rel.previousTag).toBe("v1.3.0rc1");
    expect(rel.changelog).toContain("compare/v1.3.0rc1...v1.3.0rc2");
    expect(rel.changelog).toContain("after rc1");
    expect(rel.changelog).not.toContain("before rc1");
    expect(rel.planWarnings).toEqual([]);
  });

  test.each([
    ["1.3.0a2", "b", "fix: x", "1.3.0b1"],
    ["1.3.0b1", "rc", "feat: x", "1.3.0rc1"],
    ["1.3.0a1", "a", "fix: x", "1.3.0a2"],
    ["1.3.0rc2", "a", "fix: x", "1.3.1a1"],
    ["1.3.0rc1", "rc", "feat!: x\n\nBREAKING CHANGE: gone", "2.0.0rc1"],
    ["2.0.0rc1", "rc", "feat!: x\n\nBREAKING CHANGE: gone", "2.0.0rc2"],
    ["1.3.1rc1", "rc", "feat: x", "1.4.0rc1"],
    ["1.3.0.dev2", "dev", "fix: x", "1.3.0.dev3"],
    ["1.3.0.dev2", "a", "feat: x", "1.3.0a1"],
    ["1.2.0.post1", "rc", "fix: x", "1.2.1rc1"],
    ["1.2.0.post1", "final", "fix: x", "1.2.1"],
    ["1.3.0rc2", "final", "fix: x", "1.3.0"],
    ["1.3.0rc2", "final", "feat!: x\n\nBREAKING CHANGE: gone", "2.0.0"],
    ["1.2.0", "final", "feat: x", "1.3.0"],
    ["1.2.0", "dev", "fix: x", "1.2.1.dev0"],
  ] as const)("%s on %s with %j → %s", async (from, channel, commit, to) => {
    const rel = await one(released(from, [commit]), channel);
    expect(rel.version).toBe(to);
    expect(rel.previousVersion).toBe(from);
    expect(rel.previousTag).toBe(`v${from}`);
    expect(rel.tag).toBe(`v${to}`);
    expect(rel.changelog).toContain(`compare/v${from}...v${to}`);
    expect(rel.planWarnings).toEqual([]);
  });

  test("graduation says so", async () => {
    const rel = await one(released("1.3.0rc2", ["fix: last"]), "final");
    expect(rel.version).toBe("1.3.0");
    expect(rel.reason).toContain("graduates 1.3.0rc2");
    expect(rel.prerelease).toBe(false);
  });

  test("a breaking change on a 0.x prerelease: 1.0.0rc1 with the loud 1.0.0 warning; bump-minor-pre-major keeps the base", async () => {
    const breaking = "feat!: x\n\nBREAKING CHANGE: gone";
    const rel = await one(released("0.3.0rc1", [breaking]), "rc");
    expect(rel.version).toBe("1.0.0rc1");
    expect(rel.warnings.join("\n")).toContain("from 0.3.0rc1 to 1.0.0rc1 — a 1.0.0 release");
    const minor = await one(
      released("0.3.0rc1", [breaking], { config: { "bump-minor-pre-major": true } }),
      "rc",
    );
    expect(minor.version).toBe("0.3.0rc2");
    const fromFinal = await one(
      released("0.3.0", [breaking], { config: { "bump-minor-pre-major": true } }),
      "b",
    );
    expect(fromFinal.version).toBe("0.4.0b1");
  });

  test("release-please's semver prerelease form is read as PEP 440 and its tag found (1.3.0-rc.1 → 1.3.0rc2)", async () => {
    const r = released("1.3.0-rc.1", ["fix: x"]);
    const rel = await one(r, "rc");
    expect(rel.previousVersion).toBe("1.3.0rc1");
    expect(rel.previousTag).toBe("v1.3.0-rc.1");
    expect(rel.version).toBe("1.3.0rc2");
    expect(rel.changelog).toContain("compare/v1.3.0-rc.1...v1.3.0rc2");
  });

  test("first release on a channel: 0.1.0rc1 (python's 0.1.0, on the channel)", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("feat: first", {
      "release-please-config.json": '{"packages":{".":{"release-type":"python"}}}\n',
      ".release-please-manifest.json": "{}\n",
    });
    expect((await one(r, "rc")).version).toBe("0.1.0rc1");
    expect((await one(r, "dev")).version).toBe("0.1.0.dev0");
    expect((await one(r, "final")).version).toBe("0.1.0");
  });

  test("Release-As wins over the channel and may be PEP 440", async () => {
    const rel = await one(released("1.2.0", ["fix: x\n\nRelease-As: 2.0.0b3"]), "rc");
    expect(rel.version).toBe("2.0.0b3");
    expect(rel.bump).toBe("release-as");
    await expect(plan(released("1.2.0", ["fix: x\n\nRelease-As: banana"]), "rc")).rejects.toThrow(
      "Release-As footer of commit",
    );
  });

  test("the manifest behind a newer PEP 440 tag is reported (and the colliding tag)", async () => {
    const r = released("1.3.0rc1", []);
    r.commit("chore: release 1.3.0rc2");
    r.tag("v1.3.0rc2");
    r.commit("fix: x");
    const rel = await one(r, "rc");
    expect(rel.version).toBe("1.3.0rc2");
    expect(rel.planWarnings.join("\n")).toContain("tag v1.3.0rc2 (1.3.0rc2) is newer than");
    expect(rel.warnings.join("\n")).toContain("tag v1.3.0rc2 already exists");
  });

  test("a missing prerelease tag is the usual missing-tag warning, with the PEP 440 tag name", async () => {
    const rel = await one(released("1.3.0rc1", ["fix: x"], { tag: null }), "rc");
    expect(rel.previousTag).toBe("v1.3.0rc1");
    expect(rel.planWarnings.join("\n")).toContain(
      "the manifest says 1.3.0rc1 but tag v1.3.0rc1 does not exist",
    );
  });
});

describe("[tool.shipline] prerelease", () => {
  test('prerelease = "rc" in pyproject.toml is a channel for every run; --prerelease final overrides it', async () => {
    const r = released("1.3.0rc1", ["fix: x"], { shipline: 'prerelease = "rc"' });
    const rel = await one(r);
    expect(rel.version).toBe("1.3.0rc2");
    expect(rel.reason).toContain("[tool.shipline] prerelease in pyproject.toml");
    expect((await one(r, "final")).version).toBe("1.3.0");
  });

  test("a table of branch → channel applies on that branch only", async () => {
    const cfg = 'prerelease = { next = "b", main = "final" }';
    const next = released("1.2.0", ["feat: x"], { shipline: cfg, branch: "next" });
    expect((await one(next)).version).toBe("1.3.0b1");
    const main = released("1.3.0b1", ["fix: x"], { shipline: cfg, branch: "main" });
    expect((await one(main)).version).toBe("1.3.0");
    const other = released("1.2.0", ["feat: x"], { shipline: cfg, branch: "other" });
    expect((await one(other)).version).toBe("1.3.0");
  });

  test("per package in a monorepo: the package's own pyproject.toml wins over the root's", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("chore: release", {
      "release-please-config.json": `${JSON.stringify({ packages: { "pkgs/a": { "release-type": "python", component: "a" }, "pkgs/b": { "release-type": "python", component: "b" } } })}\n`,
      ".release-please-manifest.json": '{"pkgs/a":"1.0.0","pkgs/b":"2.0.0"}\n',
      "pyproject.toml": '[tool.shipline]\nprerelease = "rc"\n',
      "pkgs/a/pyproject.toml":
        '[project]\nname = "a"\nversion = "1.0.0"\n\n[tool.shipline]\nprerelease = "a"\n',
      "pkgs/b/pyproject.toml": '[project]\nname = "b"\nversion = "2.0.0"\n',
    });
    r.tag("a-v1.0.0").tag("b-v2.0.0");
    r.commit("feat: in a", { "pkgs/a/x.py": "x = 1\n" });
    r.commit("fix: in b", { "pkgs/b/y.py": "y = 1\n" });
    const p = await plan(r);
    expect(p.releases.map((x) => [x.component, x.version, x.tag])).toEqual([
      ["a", "1.1.0a1", "a-v1.1.0a1"],
      ["b", "2.0.1rc1", "b-v2.0.1rc1"],
    ]);
  });

  test("linked-versions: the group's highest version by PEP 440 order (1.3.0rc2 over 1.3.0rc1)", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("chore: release", {
      "release-please-config.json": `${JSON.stringify({
        plugins: [{ type: "linked-versions", groupName: "grp", components: ["a", "b"] }],
        packages: {
          a: { "release-type": "python", component: "a" },
          b: { "release-type": "python", component: "b" },
        },
      })}\n`,
      ".release-please-manifest.json": '{"a":"1.3.0rc1","b":"1.2.0"}\n',
    });
    r.tag("a-v1.3.0rc1").tag("b-v1.2.0");
    r.commit("fix: in a", { "a/x.py": "x = 1\n" });
    r.commit("feat: in b", { "b/y.py": "y = 1\n" });
    const p = await plan(r, "rc");
    expect(p.releases.map((x) => [x.component, x.version, x.tag])).toEqual([
      ["a", "1.3.0rc2", "a-v1.3.0rc2"],
      ["b", "1.3.0rc2", "b-v1.3.0rc2"],
    ]);
  });

  test("a bad value names the file, key and the valid values", async () => {
    const r = released("1.2.0", ["fix: x"], { shipline: 'prerelease = "beta2"' });
    const e = await plan(r).catch((x) => x);
    expect(e).toBeInstanceOf(ShiplineError);
    expect(e.message).toBe(
      'pyproject.toml: [tool.shipline] prerelease must be a, b, rc, dev or final (alpha, beta, c, pre, preview also accepted), found "beta2"',
    );
    const t = released("1.2.0", ["fix: x"], { shipline: "prerelease = { next = 3 }" });
    expect((await plan(t).catch((x) => x)).message).toContain("[tool.shipline] prerelease.next must be");
  });
});

describe("without a channel the plan is release-please's", () => {
  test("same JSON as before for a final version, and no PEP 440 reading", async () => {
    const r = released("1.2.0", ["feat: a"]);
    const rel = await one(r);
    expect([rel.version, rel.tag, rel.previousTag]).toEqual(["1.3.0", "v1.3.0", "v1.2.0"]);
    expect(rel.planWarnings).toEqual([]);
  });

  test("a PEP 440 manifest version is read as release-please does (1.3.0rc1 → 1.3.0), with a warning naming the flag", async () => {
    const r = released("1.3.0rc1", ["fix: x"]);
    const rel = await one(r);
    expect(rel.previousVersion).toBe("1.3.0");
    expect(rel.version).toBe("1.3.1");
    expect(rel.planWarnings.join("\n")).toContain("a PEP 440 version that release-please reads as 1.3.0");
    expect(rel.planWarnings.join("\n")).toContain("--prerelease final");
  });

  test("release-please's own prerelease strategy is untouched (V14: 1.3.0-rc.1 → 1.3.0-rc.2)", async () => {
    const r = released("1.3.0-rc.1", ["fix: a"], {
      config: { versioning: "prerelease", prerelease: true, "prerelease-type": "rc" },
    });
    const rel = await one(r);
    expect(rel.version).toBe("1.3.0-rc.2");
    expect(rel.tag).toBe("v1.3.0-rc.2");
  });

  test("non-python packages ignore the channel", async () => {
    const r = released("1.2.0", ["feat: a"], { config: { "release-type": "simple" } });
    expect((await one(r, "rc")).version).toBe("1.3.0");
  });
});

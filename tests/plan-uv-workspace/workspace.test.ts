/** uv workspace members as release-please packages (opt-in `[tool.shipline] uv-workspace = true`), on real git repos. */
import { afterEach, describe, expect, test } from "bun:test";
import { loadReleasePleaseConfig } from "../../src/config/release-please.ts";
import { expandGlob } from "../../src/config/uv-workspace.ts";
import { planReleases } from "../../src/plan/planner.ts";
import { releaseChanges } from "../../src/plan/release-changes.ts";
import type { TestRepo } from "../helpers/repo.ts";
import {
  A_PYPROJECT,
  B_PYPROJECT,
  C_PYPROJECT,
  CLI_PYPROJECT,
  MANIFEST,
  ROOT_PYPROJECT,
  UV_LOCK,
  workspaceRepo,
} from "./fixture.ts";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});
function repo(opts: Parameters<typeof workspaceRepo>[0] = {}): TestRepo {
  const r = workspaceRepo(opts);
  repos.push(r);
  return r;
}
const plan = (r: TestRepo) =>
  planReleases(r.dir, { repo: "owner/repo", date: "2026-01-01", env: {}, targetBranch: "main" });

describe("members from [tool.uv.workspace]", () => {
  test("globs and exclude give the members; each is a python package named after [project].name", () => {
    const r = repo();
    const cfg = loadReleasePleaseConfig(r.dir);
    expect(
      cfg.packages.map((p) => [p.path, p.releaseType, p.packageName, p.component, p.fromUvWorkspace]),
    ).toEqual([
      ["packages/a", "python", "acme-a", "acme-a", true],
      ["packages/b", "python", "acme-b", "acme-b", true],
      ["packages/c", "python", "acme_c", "acme_c", true],
      ["tools/cli", "python", "acme-cli", "acme-cli", true],
    ]);
    // packages/legacy is excluded; packages/docs has no pyproject.toml (warned, as uv refuses it)
    expect(cfg.warnings).toEqual([
      "pyproject.toml: uv workspace member packages/docs has no pyproject.toml; skipped",
    ]);
    expect(cfg.uvWorkspace?.map((m) => m.name)).toEqual(["acme-a", "acme-b", "acme_c", "acme-cli"]);
    expect(cfg.separatePullRequests).toBe(false);
  });

  test("glob forms: *, ?, [..], ** and plain paths", () => {
    const r = repo();
    r.write("libs/x1/deep/y/pyproject.toml", "").write("libs/x2/pyproject.toml", "");
    expect(expandGlob(r.dir, "packages/?")).toEqual(["packages/a", "packages/b", "packages/c"]);
    expect(expandGlob(r.dir, "packages/[ab]")).toEqual(["packages/a", "packages/b"]);
    expect(expandGlob(r.dir, "packages/[!ab]")).toEqual(["packages/c"]);
    expect(expandGlob(r.dir, "libs/**/y")).toEqual(["libs/x1/deep/y"]);
    expect(expandGlob(r.dir, "./tools/cli/")).toEqual(["tools/cli"]);
    expect(expandGlob(r.dir, "nowhere/*")).toEqual([]);
  });

  test("without the opt-in the config is release-please's own (members are not packages)", () => {
    for (const root of [
      ROOT_PYPROJECT.replace("uv-workspace = true", "uv-workspace = false"),
      ROOT_PYPROJECT.replace("[tool.shipline]\nuv-workspace = true\n", ""),
    ]) {
      const r = repo({
        config: { packages: { "packages/b": { "release-type": "python" } } },
        rootPyproject: root,
      });
      const cfg = loadReleasePleaseConfig(r.dir);
      expect(cfg.packages.map((p) => p.path)).toEqual(["packages/b"]);
      expect(cfg.uvWorkspace).toBeUndefined();
    }
  });

  test("a wrong opt-in value or a missing workspace table is one clear error", () => {
    const bad = repo({
      rootPyproject: ROOT_PYPROJECT.replace("uv-workspace = true", 'uv-workspace = "yes"'),
    });
    expect(() => loadReleasePleaseConfig(bad.dir)).toThrow(
      "[tool.shipline] uv-workspace must be true or false",
    );
    const none = repo({ rootPyproject: "[tool.shipline]\nuv-workspace = true\n" });
    expect(() => loadReleasePleaseConfig(none.dir)).toThrow("there is no [tool.uv.workspace] table");
  });

  test("an explicit release-please entry for a member wins over the discovered one", async () => {
    const r = repo({
      config: {
        "bump-minor-pre-major": true,
        packages: { "packages/b": { "release-type": "python", component: "bee", "package-name": "acme-b" } },
      },
      tags: ["acme-a-v1.0.0", "bee-v1.2.0", "acme_c-v0.3.0", "acme-cli-v2.0.0"],
    });
    const cfg = loadReleasePleaseConfig(r.dir);
    expect(cfg.packages.map((p) => [p.path, p.component, Boolean(p.fromUvWorkspace)])).toEqual([
      ["packages/b", "bee", false],
      ["packages/a", "acme-a", true],
      ["packages/c", "acme_c", true],
      ["tools/cli", "acme-cli", true],
    ]);
    // top-level defaults apply to discovered members too
    expect(cfg.packages.every((p) => p.bumpMinorPreMajor)).toBe(true);
    r.commit("feat!: new b api", { "packages/b/src/acme_b/api.py": "" });
    const p = await plan(r);
    const b = p.releases.find((x) => x.path === "packages/b")!;
    expect([b.tag, b.previousTag, b.title]).toEqual([
      "bee-v2.0.0",
      "bee-v1.2.0",
      "chore(main): release bee 2.0.0",
    ]);
  });
});

describe("planning a uv workspace", () => {
  test("a change in one member releases only that member, with only its commits", async () => {
    const r = repo();
    r.commit("feat: a new command", { "tools/cli/main.py": "" });
    r.commit("docs: root readme", { "README.md": "" });
    const p = await plan(r);
    expect(p.releases.map((x) => [x.path, x.previousVersion, x.version, x.tag])).toEqual([
      ["tools/cli", "2.0.0", "2.1.0", "acme-cli-v2.1.0"],
    ]);
    const cli = p.releases[0]!;
    expect(cli.changelog).toContain("* a new command");
    expect(cli.changelog).not.toContain("root readme");
    expect(cli.dependencyUpdates).toBeUndefined();
    expect(p.skipped.map((s) => s.path)).toEqual(["packages/a", "packages/b", "packages/c"]);
  });

  test("a release of b bumps its dependents' bounds and releases them, transitively (a → c → cli)", async () => {
    const r = repo();
    const fix = r.commit("fix: b handles empty input", { "packages/b/src/acme_b/core.py": "" });
    const p = await plan(r);
    expect(p.releases.map((x) => [x.path, x.version, x.tag, x.bump])).toEqual([
      ["packages/a", "1.0.1", "acme-a-v1.0.1", "patch"],
      ["packages/b", "1.2.1", "acme-b-v1.2.1", "patch"],
      ["packages/c", "0.3.1", "acme_c-v0.3.1", "patch"],
      ["tools/cli", "2.0.1", "acme-cli-v2.0.1", "patch"],
    ]);
    expect(p.skipped).toEqual([]);
    const [a, b, c, cli] = p.releases;
    expect(a!.changelog).toBe(
      [
        "## [1.0.1](https://github.com/owner/repo/compare/acme-a-v1.0.0...acme-a-v1.0.1) (2026-01-01)",
        "",
        "",
        "### Dependencies",
        "",
        "* The following workspace dependencies were updated",
        "  * dependencies",
        "    * acme-b bumped from >=1.2.0 to >=1.2.1",
      ].join("\n"),
    );
    expect(b!.changelog).toBe(
      [
        "## [1.2.1](https://github.com/owner/repo/compare/acme-b-v1.2.0...acme-b-v1.2.1) (2026-01-01)",
        "",
        "",
        "### Bug Fixes",
        "",
        `* b handles empty input ([${fix.slice(0, 7)}](https://github.com/owner/repo/commit/${fix}))`,
      ].join("\n"),
    );
    expect(c!.changelog).toEndWith(
      "* The following workspace dependencies were updated\n  * dependencies\n    * acme-a bumped from ==1.0.0 to ==1.0.1",
    );
    expect(cli!.dependencyUpdates).toEqual([
      {
        name: "acme-c",
        from: "acme-c >= 0.3.0, <1 ; python_version >= '3.9'",
        to: "acme-c >= 0.3.1, <1 ; python_version >= '3.9'",
      },
    ]);
    expect(cli!.changelog).toEndWith("    * acme-c bumped from >= 0.3.0, <1 to >= 0.3.1, <1");
    expect(a!.reason).toBe("patch: workspace dependencies updated (acme-b) → 1.0.1");
  });

  test("a member releasing on its own commits gets the dependency notes appended to its entry", async () => {
    const r = repo();
    r.commit("feat: both change", { "packages/a/src/acme_a/x.py": "", "packages/b/src/acme_b/x.py": "" });
    r.commit("deps: pin requests", {
      "packages/a/pyproject.toml": A_PYPROJECT.replace("'requests>=2'", "'requests>=2.31'"),
    });
    const p = await plan(r);
    const a = p.releases.find((x) => x.path === "packages/a")!;
    expect(a.version).toBe("1.1.0");
    expect(a.bump).toBe("minor");
    // the entry's own Dependencies section (from the deps: commit) receives the notes
    const lines = a.changelog.split("\n");
    const dep = lines.indexOf("### Dependencies");
    expect(lines.slice(dep + 2).map((l) => l.replace(/ \(\[.*$/, ""))).toEqual([
      "* pin requests",
      "* The following workspace dependencies were updated",
      "  * dependencies",
      "    * acme-b bumped from >=1.2.0 to >=1.3.0",
    ]);
    expect(lines.filter((l) => l.startsWith("### "))).toEqual(["### Features", "### Dependencies"]);
  });

  test("a dependency without a lower bound is not bumped and releases nothing", async () => {
    const r = repo();
    r.commit("chore: loosen", {
      "packages/c/pyproject.toml": C_PYPROJECT.replace("acme-a==1.0.0", "acme-a<2"),
    });
    r.commit("fix: a bug", { "packages/a/src/acme_a/y.py": "" });
    const p = await plan(r);
    expect(p.releases.map((x) => x.path)).toEqual(["packages/a"]);
  });
});

describe("cycles and prerelease channels", () => {
  test("a dependency cycle (a ↔ b) ends: both released, each bound moved once", async () => {
    const r = repo();
    r.commit("chore: b needs a", {
      "packages/b/pyproject.toml": B_PYPROJECT.replace(
        "dependencies = []",
        'dependencies = ["acme-a>=1.0.0"]',
      ),
    });
    r.commit("fix: b handles empty input", { "packages/b/src/acme_b/core.py": "" });
    const p = await plan(r);
    expect(p.releases.map((x) => [x.path, x.version])).toEqual([
      ["packages/a", "1.0.1"],
      ["packages/b", "1.2.1"],
      ["packages/c", "0.3.1"],
      ["tools/cli", "2.0.1"],
    ]);
    const b = p.releases[1]!;
    expect(b.dependencyUpdates).toEqual([{ name: "acme-a", from: "acme-a>=1.0.0", to: "acme-a>=1.0.1" }]);
    expect(b.changelog.match(/The following workspace dependencies/g)).toHaveLength(1);
  });

  test("with --prerelease rc the dependents' patch and the moved bounds are PEP 440", async () => {
    const r = repo();
    r.commit("fix: b handles empty input", { "packages/b/src/acme_b/core.py": "" });
    const p = await planReleases(r.dir, {
      repo: "owner/repo",
      env: {},
      targetBranch: "main",
      prerelease: "rc",
    });
    expect(p.releases.map((x) => [x.path, x.version, x.tag])).toEqual([
      ["packages/a", "1.0.1rc1", "acme-a-v1.0.1rc1"],
      ["packages/b", "1.2.1rc1", "acme-b-v1.2.1rc1"],
      ["packages/c", "0.3.1rc1", "acme_c-v0.3.1rc1"],
      ["tools/cli", "2.0.1rc1", "acme-cli-v2.0.1rc1"],
    ]);
    expect(p.releases[0]!.dependencyUpdates?.[0]?.to).toBe("acme-b>=1.2.1rc1");
    expect(p.releases.every((x) => x.prerelease)).toBe(true);
  });
});

describe("the workspace root's own project", () => {
  const rootProject = `[project]\nname = "acme"\nversion = "3.0.0"\ndependencies = ["acme-b>=1.2.0"]\n\n${ROOT_PYPROJECT}`;

  test('configured as ".", its requirements on released members are bumped', async () => {
    const r = repo({
      config: { packages: { ".": { "release-type": "python", "package-name": "acme" } } },
      rootPyproject: rootProject,
      tags: ["acme-v3.0.0", "acme-a-v1.0.0", "acme-b-v1.2.0", "acme_c-v0.3.0", "acme-cli-v2.0.0"],
      manifest: { ".": "3.0.0", ...MANIFEST },
    });
    r.commit("fix: b handles empty input", { "packages/b/src/acme_b/core.py": "" });
    const p = await plan(r);
    const root = p.releases.find((x) => x.path === ".")!;
    expect(root.version).toBe("3.0.1");
    expect(root.dependencyUpdates).toEqual([{ name: "acme-b", from: "acme-b>=1.2.0", to: "acme-b>=1.2.1" }]);
    expect(root.changelog).toContain("### Bug Fixes");
    expect(root.changelog).toEndWith("    * acme-b bumped from >=1.2.0 to >=1.2.1");
    const files = new Map(releaseChanges(r.dir, p).map((f) => [f.path, f.content]));
    expect(files.get("pyproject.toml")).toBe(
      rootProject.replace('version = "3.0.0"', 'version = "3.0.1"').replace("acme-b>=1.2.0", "acme-b>=1.2.1"),
    );
  });

  test("not configured, it is neither added as a package nor released", () => {
    const r = repo({ rootPyproject: rootProject });
    const cfg = loadReleasePleaseConfig(r.dir);
    expect(cfg.packages.map((p) => p.path)).not.toContain(".");
    expect(cfg.uvWorkspace?.find((m) => m.path === ".")?.name).toBe("acme");
  });
});

describe("the release PR's files for a uv workspace", () => {
  test("dependents' requirements, versions, changelogs, manifest and uv.lock entries; nothing else moves", async () => {
    const r = repo();
    r.commit("fix: b handles empty input", { "packages/b/src/acme_b/core.py": "" });
    const p = await plan(r);
    const files = new Map(releaseChanges(r.dir, p).map((f) => [f.path, f.content]));
    expect([...files.keys()].sort()).toEqual([
      ".release-please-manifest.json",
      "packages/a/CHANGELOG.md",
      "packages/a/pyproject.toml",
      "packages/b/CHANGELOG.md",
      "packages/b/pyproject.toml",
      "packages/c/CHANGELOG.md",
      "packages/c/pyproject.toml",
      "tools/cli/CHANGELOG.md",
      "tools/cli/pyproject.toml",
      "uv.lock",
    ]);
    expect(files.get("packages/a/pyproject.toml")).toBe(
      A_PYPROJECT.replace('version = "1.0.0"', 'version = "1.0.1"').replace(
        '"acme-b>=1.2.0"',
        '"acme-b>=1.2.1"',
      ),
    );
    expect(files.get("packages/c/pyproject.toml")).toBe(
      C_PYPROJECT.replace('version = "0.3.0"', 'version = "0.3.1"').replace("acme-a==1.0.0", "acme-a==1.0.1"),
    );
    expect(files.get("tools/cli/pyproject.toml")).toBe(
      CLI_PYPROJECT.replace('version = "2.0.0"', 'version = "2.0.1"').replace(
        "acme-c >= 0.3.0",
        "acme-c >= 0.3.1",
      ),
    );
    expect(JSON.parse(files.get(".release-please-manifest.json")!)).toEqual({
      "packages/a": "1.0.1",
      "packages/b": "1.2.1",
      "packages/c": "0.3.1",
      "tools/cli": "2.0.1",
    });
    // uv.lock: each member's own version line, nothing else (click 1.2.0 from the registry stays)
    const expected = UV_LOCK.replace(
      'name = "acme-a"\nversion = "1.0.0"',
      'name = "acme-a"\nversion = "1.0.1"',
    )
      .replace('name = "acme-b"\nversion = "1.2.0"', 'name = "acme-b"\nversion = "1.2.1"')
      .replace('name = "acme-c"\nversion = "0.3.0"', 'name = "acme-c"\nversion = "0.3.1"')
      .replace('name = "acme-cli"\nversion = "2.0.0"', 'name = "acme-cli"\nversion = "2.0.1"');
    expect(files.get("uv.lock")).toBe(expected);
    const diff = UV_LOCK.split("\n").filter((l, i) => l !== files.get("uv.lock")!.split("\n")[i]);
    expect(diff).toEqual([
      'version = "1.0.0"',
      'version = "1.2.0"',
      'version = "0.3.0"',
      'version = "2.0.0"',
    ]);
    expect(files.get("packages/a/CHANGELOG.md")).toContain("* acme-b bumped from >=1.2.0 to >=1.2.1");
  });
});

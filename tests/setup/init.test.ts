import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse } from "yaml";
import { readShiplineTable } from "../../src/config/shipline.ts";
import { applyInit, unifiedDiff } from "../../src/setup/init-apply.ts";
import { planInit } from "../../src/setup/init-plan.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { actionProblems, workflowProblems } from "./actions-syntax.ts";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

function project(pyproject = '[project]\nname = "sample"\nversion = "1.4.0"\n'): TestRepo {
  const r = TestRepo.create();
  repos.push(r);
  r.commit("feat: initial", { "pyproject.toml": pyproject, "src/sample/__init__.py": "" });
  return r;
}

const read = (r: TestRepo, p: string) => readFileSync(join(r.dir, p), "utf8");

/** The seed's stack: release-please-action + gh-action-pypi-publish, dot-config, a Python matrix CI. */
function seedRepo(): TestRepo {
  const r = project('[project]\nname = "runpod-flash"\nversion = "0.5.2"\n');
  r.commit("ci: release-please", {
    ".release-please-config.json":
      '{\n  "packages": { ".": { "release-type": "python" } },\n  "separate-pull-requests": false\n}\n',
    ".release-please-manifest.json": '{ ".": "0.5.2" }\n',
    ".github/workflows/release-please.yml": `name: Release Please
on:
  push:
    branches: [trunk]
permissions:
  contents: write
  pull-requests: write
jobs:
  release-please:
    runs-on: ubuntu-latest
    steps:
      - uses: googleapis/release-please-action@v4
        id: release
        with:
          config-file: .release-please-config.json
          manifest-file: .release-please-manifest.json
  publish:
    needs: release-please
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
`,
    ".github/workflows/ci.yml": `name: CI
on: [pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: [3.9, 3.10, "3.12"]
    steps:
      - run: make check
`,
  });
  return r;
}

describe("shipline init (library, real git repos)", () => {
  test("a fresh project gets valid workflows, config, manifest, [tool.shipline] and .gitignore", () => {
    const r = project();
    const plan = planInit(r.dir);
    expect(plan.changes.every((c) => !c.conflict)).toBe(true);
    applyInit(plan, false);

    for (const wf of ["ci.yml", "release.yml"]) {
      const text = read(r, `.github/workflows/${wf}`);
      expect(workflowProblems(parse(text), text)).toEqual([]);
    }
    const ci = parse(read(r, ".github/workflows/ci.yml"));
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    const rel = parse(read(r, ".github/workflows/release.yml"));
    expect(rel.on.push.branches).toEqual(["main"]);
    expect(rel.permissions).toEqual({ contents: "write", "pull-requests": "write", "id-token": "write" });
    const run = rel.jobs.release.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith("shipline/shipline@"),
    );
    expect(run.with.args).toBe("run");
    expect(run.with.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(rel.jobs.release.steps[0].with["fetch-depth"]).toBe(0);

    expect(JSON.parse(read(r, ".release-please-manifest.json"))).toEqual({ ".": "1.4.0" });
    const cfg = JSON.parse(read(r, "release-please-config.json"));
    expect(cfg.packages["."]["release-type"]).toBe("python");
    const tool = (parseToml(read(r, "pyproject.toml")) as { tool: { shipline: unknown } }).tool.shipline;
    expect(readShiplineTable(tool, "pyproject.toml").python).toEqual(["3.9", "3.10", "3.11", "3.12", "3.13"]);
    expect(read(r, "pyproject.toml")).toStartWith('[project]\nname = "sample"\nversion = "1.4.0"\n');
    expect(read(r, ".gitignore").split("\n")).toContain(".shipline/");

    // Second run: nothing to do.
    expect(planInit(r.dir).changes).toEqual([]);
  });

  test("existing release-please files are kept byte for byte; .gitignore and pyproject are only appended to", () => {
    const r = project(
      '[project]\nname = "x"\nversion = "2.0.0"\n\n[tool.shipline]\norder = "publish-first"\n',
    );
    const config = '{"packages":{".":{"release-type":"python","package-name":"x"}}}';
    r.commit("chore: rp", {
      "release-please-config.json": config,
      ".release-please-manifest.json": '{".":"1.9.0"}',
      ".gitignore": "dist/",
    });
    applyInit(planInit(r.dir), false);
    expect(read(r, "release-please-config.json")).toBe(config);
    expect(read(r, ".release-please-manifest.json")).toBe('{".":"1.9.0"}');
    expect(read(r, "pyproject.toml")).toBe(
      '[project]\nname = "x"\nversion = "2.0.0"\n\n[tool.shipline]\norder = "publish-first"\n',
    );
    expect(read(r, ".gitignore")).toStartWith("dist/\n");
    expect(read(r, ".gitignore")).toContain("\n.shipline/\n");
  });

  test("a dynamic version takes the manifest version from the latest tag", () => {
    const r = project('[project]\nname = "dyn"\ndynamic = ["version"]\n');
    r.tag("v1.2.3");
    r.commit("fix: later");
    r.tag("v1.10.0");
    applyInit(planInit(r.dir), false);
    expect(JSON.parse(read(r, ".release-please-manifest.json"))).toEqual({ ".": "1.10.0" });
  });

  test.each([
    ["Poetry", '[tool.poetry]\nname = "po"\nversion = "2.3.1"\n', {}, "2.3.1", undefined],
    [
      "Flit (the module's __version__)",
      '[project]\nname = "flpkg"\ndynamic = ["version", "description"]\n',
      { "flpkg/__init__.py": '"""Doc."""\n__version__ = "3.0.1"\n' },
      "3.0.1",
      undefined,
    ],
    [
      "Hatch (a version path release-please does not rewrite)",
      '[project]\nname = "hapkg"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "src/hapkg/__about__.py"\n',
      { "src/hapkg/__about__.py": '__version__ = "0.4.0"\n' },
      "0.4.0",
      "src/hapkg/__about__.py",
    ],
    [
      "Hatch with a version.py (release-please rewrites every tracked version.py)",
      '[project]\nname = "hv"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "src/hv_core/version.py"\n',
      { "src/hv_core/version.py": '__version__ = "0.6.1"\n' },
      "0.6.1",
      undefined,
    ],
    [
      "setuptools attr",
      '[project]\nname = "st"\ndynamic = ["version"]\n\n[tool.setuptools.dynamic]\nversion = {attr = "st.__version__"}\n',
      { "src/st/__init__.py": "__version__ = '1.7.2'\n" },
      "1.7.2",
      undefined,
    ],
    ["a PEP 440 X.Y version", '[project]\nname = "short"\nversion = "1.0"\n', {}, "1.0.0", undefined],
    [
      "setup.cfg's [metadata] version",
      '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
      { "setup.cfg": "[metadata]\nname = cfgpkg\nversion = 2.4.6\n" },
      "2.4.6",
      undefined,
    ],
    [
      "setup.cfg's `attr:` (a module release-please does not rewrite: no [project] name)",
      '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
      {
        "setup.cfg": "[metadata]\nname = stpkg\nversion = attr: stpkg.__version__\n",
        "src/stpkg/__init__.py": '__version__ = "1.0.3"\n',
      },
      "1.0.3",
      "src/stpkg/__init__.py",
    ],
  ] as const)("%s: the manifest starts at the project's own version", (_kind, py, files, want, unmanaged) => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("feat: initial", { "pyproject.toml": py, ...files });
    const plan = planInit(r.dir);
    applyInit(plan, false);
    expect(JSON.parse(read(r, ".release-please-manifest.json"))).toEqual({ ".": want });
    // a version file release-please does not rewrite becomes an extra-file with the marker
    expect(plan.notes.find((n) => n.includes("does not rewrite"))).toBeUndefined();
    const config = JSON.parse(read(r, "release-please-config.json")).packages["."];
    if (unmanaged) {
      expect(config["extra-files"]).toEqual([unmanaged]);
      const marked = read(r, unmanaged);
      expect(marked).toContain(`"${want}"  # x-release-please-version\n`);
      expect(marked.replace("  # x-release-please-version", "")).toBe(files[unmanaged as keyof typeof files]);
    } else expect(config["extra-files"]).toBeUndefined();
  });

  test("a hatch project's first release PR bumps __about__.py (init's extra-files entry), as release-please would", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("feat: initial", {
      "pyproject.toml":
        '[project]\nname = "hapkg"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "src/hapkg/__about__.py"\n',
      "src/hapkg/__about__.py": '# SPDX\n__version__ = "0.4.0"\r\n',
    });
    r.tag("v0.4.0");
    applyInit(planInit(r.dir), false);
    r.commit("chore: shipline init");
    r.commit("feat: more");
    const { releaseChanges } = await import("../../src/plan/release-changes.ts");
    const { planReleases } = await import("../../src/plan/planner.ts");
    const warnings: string[] = [];
    const p = await planReleases(r.dir, { repo: "o/r", date: "2026-12-01" });
    const changes = releaseChanges(r.dir, p, { warn: (w) => warnings.push(w) });
    expect(changes.find((c) => c.path === "src/hapkg/__about__.py")?.content).toBe(
      '# SPDX\n__version__ = "0.5.0"  # x-release-please-version\r\n',
    );
    expect(warnings.filter((w) => w.includes("holds the version the build reads"))).toEqual([]);
  });

  test("a setup.py project without pyproject.toml: one package at setup.py's version, defaults, and its release PR bumps setup.py", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("feat: initial", {
      "setup.py":
        'from setuptools import setup\n\nsetup(\n    name="legacypkg",\n    python_requires=">=3.9",\n    version="2.4.1",\n    packages=["legacypkg"],\n)\n',
      "legacypkg/__init__.py": "",
    });
    const plan = planInit(r.dir);
    const config = JSON.parse(plan.changes.find((c) => c.path === "release-please-config.json")!.after!);
    expect(config.packages).toEqual({ ".": { "release-type": "python" } });
    const manifest = plan.changes.find((c) => c.path === ".release-please-manifest.json")!;
    expect(JSON.parse(manifest.after!)).toEqual({ ".": "2.4.1" });
    expect(manifest.why).toBe("release-please manifest at 2.4.1 (setup.py)");
    expect(plan.changes.map((c) => c.path)).not.toContain("pyproject.toml"); // never created: build isolation
    expect(plan.notes.join("\n")).toContain("turns on PEP 517 build isolation");
    const ci = plan.changes.find((c) => c.path === ".github/workflows/ci.yml")!.after!;
    expect(ci).toContain("pip install -e . ");
    expect(workflowProblems(parse(ci), ci)).toEqual([]);
    applyInit(plan, false);
    r.commit("chore: shipline init");
    r.tag("v2.4.1");
    r.commit("fix: a bug");
    const { releaseChanges } = await import("../../src/plan/release-changes.ts");
    const { planReleases } = await import("../../src/plan/planner.ts");
    const p = await planReleases(r.dir, { repo: "o/r", date: "2026-12-01" });
    expect(p.releases[0]?.version).toBe("2.4.2");
    const setupPy = releaseChanges(r.dir, p).find((c) => c.path === "setup.py")?.content;
    expect(setupPy).toContain('version="2.4.2"');
    expect(setupPy).toContain('python_requires=">=3.9"');
    // what the version guard and doctor read: setup.py, the file the build takes it from
    const { declaredVersion } = await import("../../src/setup/current-version.ts");
    expect(declaredVersion(r.dir, {})).toEqual({
      version: "2.4.1",
      source: "setup.py",
      built: true,
    });
  });

  test("a setup.cfg that only holds tool settings does not make a package", () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("chore: lint settings", { "setup.cfg": "[flake8]\nmax-line-length = 100\n" });
    expect(() => planInit(r.dir)).toThrow(/no pyproject\.toml in/);
    r.commit("feat: metadata", { "setup.cfg": "[metadata]\nname = cfgpkg\nversion = 0.7.0\n" });
    const manifest = planInit(r.dir).changes.find((c) => c.path === ".release-please-manifest.json")!;
    expect(JSON.parse(manifest.after!)).toEqual({ ".": "0.7.0" });
  });

  test("no root pyproject.toml: a clear error; a monorepo of packages gets each as a release-please package", () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("feat: initial", { "README.md": "x\n" });
    expect(() => planInit(r.dir)).toThrow(/no pyproject\.toml in/);
    r.commit("feat: packages", {
      "packages/a/pyproject.toml": '[project]\nname = "acme-a"\nversion = "1.0.0"\n',
      "packages/b/pyproject.toml": '[tool.poetry]\nname = "acme-b"\nversion = "0.3.0"\n',
      "tools/ruff/pyproject.toml": "[tool.ruff]\nline-length = 100\n", // names no project: not a package
    });
    r.tag("acme-a-v1.2.0");
    const plan = planInit(r.dir);
    const config = JSON.parse(plan.changes.find((c) => c.path === "release-please-config.json")!.after!);
    // a package-name each, so their tags differ (acme-a-v…, acme-b-v…)
    expect(config.packages).toEqual({
      "packages/a": { "package-name": "acme-a" },
      "packages/b": { "package-name": "acme-b" },
    });
    expect(config["release-type"]).toBe("python");
    const manifest = JSON.parse(plan.changes.find((c) => c.path === ".release-please-manifest.json")!.after!);
    expect(manifest).toEqual({ "packages/a": "1.0.0", "packages/b": "0.3.0" });
    // the workflows install each package, not a root project there is none of
    const ci = plan.changes.find((c) => c.path === ".github/workflows/ci.yml")!.after!;
    expect(ci).toContain("pip install -e ./packages/a -e ./packages/b ");
    expect(ci).not.toContain("-e . ");
    expect(workflowProblems(parse(ci), ci)).toEqual([]);
    expect(plan.changes.map((c) => c.path)).not.toContain("pyproject.toml");
    expect(plan.notes.join("\n")).toContain("no root pyproject.toml: shipline runs with its defaults");
    applyInit(plan, false);
    const again = planInit(r.dir);
    expect(again.changes).toEqual([]);
  });

  test("an existing release-please config is kept: the extra-files fix is a note, unless it is there", () => {
    const r = TestRepo.create();
    repos.push(r);
    const files = {
      "pyproject.toml":
        '[project]\nname = "hapkg"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "src/hapkg/__about__.py"\n',
      "src/hapkg/__about__.py": '__version__ = "0.4.0"\n',
      "release-please-config.json": '{"packages": {".": {"release-type": "python"}}}\n',
      ".release-please-manifest.json": '{".": "0.4.0"}\n',
    };
    r.commit("feat: initial", files);
    const plan = planInit(r.dir);
    expect(plan.changes.map((c) => c.path)).not.toContain("src/hapkg/__about__.py");
    expect(plan.notes.find((n) => n.includes("does not rewrite"))).toContain(
      '"extra-files": ["src/hapkg/__about__.py"] to the package in release-please-config.json',
    );
    r.commit("chore: list it", {
      "release-please-config.json":
        '{"packages": {".": {"release-type": "python", "extra-files": ["src/hapkg/__about__.py"]}}}\n',
    });
    expect(planInit(r.dir).notes.find((n) => n.includes("does not rewrite"))).toBeUndefined();
  });

  test("a uv workspace root: every member in the manifest at its own version, no root package", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("feat: initial", {
      "pyproject.toml":
        '[project]\nname = "root"\nversion = "0.0.0"\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.shipline]\nuv-workspace = true\n',
      "packages/a/pyproject.toml": '[project]\nname = "mono-a"\nversion = "1.2.0"\n',
      "packages/b/pyproject.toml": '[project]\nname = "mono-b"\ndynamic = ["version"]\n',
    });
    r.tag("mono-a-v1.2.0").tag("mono-b-v1.3.0");
    r.tag("v9.9.9"); // the root's tags are not the members'
    applyInit(planInit(r.dir), false);
    expect(JSON.parse(read(r, ".release-please-manifest.json"))).toEqual({
      "packages/a": "1.2.0",
      "packages/b": "1.3.0",
    });
    expect(JSON.parse(read(r, "release-please-config.json")).packages).toEqual({});
    r.git("add", "-A");
    r.git("commit", "-q", "-m", "chore: shipline init");
    r.commit("fix(b): mend", { "packages/b/m.py": "x" });
    const { planReleases } = await import("../../src/plan/planner.ts");
    const plan = await planReleases(r.dir, { repo: "o/r", date: "2026-12-01", env: {} });
    expect(plan.releases.map((x) => [x.path, x.previousVersion, x.version, x.tag])).toEqual([
      ["packages/b", "1.3.0", "1.3.1", "mono-b-v1.3.1"],
    ]);
  });

  test("the workflows trigger on the repository's own trunk branch (trunk), not main", () => {
    const r = TestRepo.create({ branch: "trunk" });
    repos.push(r);
    r.commit("feat: initial", { "pyproject.toml": '[project]\nname = "t"\nversion = "1.0.0"\n' });
    applyInit(planInit(r.dir), false);
    const release = parse(read(r, ".github/workflows/release.yml")) as {
      on: { push: { branches: string[] } };
    };
    expect(release.on.push.branches).toEqual(["trunk"]);
  });

  test("the build frontend is installed where `shipline build` runs: the build gate and the release's build", () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("feat: initial", { "pyproject.toml": '[project]\nname = "t"\nversion = "1.0.0"\n' });
    applyInit(planInit(r.dir), false);
    const installs = (file: string) =>
      (parse(read(r, file)) as { jobs: Record<string, { steps: { run?: string }[] }> }).jobs;
    const line = (steps: { run?: string }[]) =>
      steps.find((st) => st.run?.includes("pip install"))?.run ?? "";
    expect(line(installs(".github/workflows/ci.yml").gates!.steps)).toContain(
      "pip install -e . ruff mypy pytest build",
    );
    expect(line(installs(".github/workflows/release.yml").release!.steps)).toContain(
      "pip install -e . ruff mypy pytest build",
    );
  });

  test("migration keeps the publish job's environment and release-please's token secret", async () => {
    const r = project();
    r.commit("ci: release", {
      ".github/workflows/release-please.yml": `on:
  push:
    branches: [main]
jobs:
  rp:
    runs-on: ubuntu-latest
    steps:
      - uses: googleapis/release-please-action@v4
        with:
          token: \${{ secrets.RELEASE_PLEASE_TOKEN }}
  publish:
    needs: rp
    runs-on: ubuntu-latest
    environment:
      name: pypi
      url: https://pypi.org/p/sample
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
`,
    });
    const plan = planInit(r.dir);
    applyInit(plan, true);
    const text = read(r, ".github/workflows/release.yml");
    type Job = {
      environment?: string;
      needs?: string;
      if?: string;
      permissions?: Record<string, string>;
      steps: { env?: Record<string, string>; with?: { args?: string } }[];
    };
    const doc = parse(text) as { jobs: { release: Job; publish: Job } };
    // only publishing waits for the environment (a required reviewer would hold every push)
    expect(doc.jobs.release.environment).toBeUndefined();
    expect(doc.jobs.publish.environment).toBe("pypi");
    expect(doc.jobs.publish.needs).toBe("release");
    expect(doc.jobs.publish.if).toBe("needs.release.outputs.releases_created == 'true'");
    expect(doc.jobs.publish.permissions).toEqual({ contents: "read", "id-token": "write" });
    // the publish job builds the release's own commit: its tag (a release made behind HEAD too)
    const checkout = (doc.jobs.publish.steps as { uses?: string; with?: Record<string, unknown> }[]).find(
      (st) => st.uses?.startsWith("actions/checkout@"),
    );
    expect(checkout?.with?.ref).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
      "${{ needs.release.outputs.tag_name || needs.release.outputs.releases_sha || github.sha }}",
    );
    expect(parse(text).jobs.release.outputs).toMatchObject({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
      tag_name: "${{ steps.shipline.outputs.tag_name }}",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
      releases_sha: "${{ steps.shipline.outputs.releases_sha }}",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
      tags_released: "${{ steps.shipline.outputs.tags_released }}",
    });
    const args = (j: Job) => j.steps.map((st) => st.with?.args).filter(Boolean);
    expect(args(doc.jobs.release)).toEqual(["run --no-publish"]);
    expect(args(doc.jobs.publish)).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
      "publish --require-release --tags=${{ needs.release.outputs.tags_released }}",
    ]);
    expect(doc.jobs.publish.steps.some((st) => st.env?.GITHUB_TOKEN)).toBe(false);
    // doctor reads each job for what its shipline command needs: both jobs have it
    const { runDoctor } = await import("../../src/setup/doctor/run-doctor.ts");
    const found = await runDoctor({ root: r.dir, env: {}, online: false });
    const perms = found.filter((x) => x.id === "workflow-permissions" || x.id === "workflow-token");
    expect(perms.map((x) => [x.status, x.title])).toEqual([
      ["ok", '.github/workflows/release.yml job "release" has contents and pull-requests write'],
      ["ok", '.github/workflows/release.yml job "publish" has id-token write'],
    ]);
    // and its publish job checks out the release job's release commit
    const publishRef = found.filter((x) => x.id === "workflow-publish-ref");
    expect(publishRef.map((x) => [x.status, x.title])).toEqual([
      ["ok", '.github/workflows/release.yml job "publish" checks out the release job\'s release commit'],
    ]);
    const step = doc.jobs.release.steps.find((st) => st.env?.GITHUB_TOKEN);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(step?.env?.GITHUB_TOKEN).toBe("${{ secrets.RELEASE_PLEASE_TOKEN }}");
    expect(workflowProblems(parse(text), text)).toEqual([]);
    expect(plan.notes.join("\n")).toContain('environment "pypi"');
  });

  test("migration: an old workflow that attached files to the GitHub release → github-assets = true; its publish job may write contents", async () => {
    const r = project();
    r.commit("ci: release", {
      ".github/workflows/release-please.yml": `on:
  push:
    branches: [main]
jobs:
  rp:
    runs-on: ubuntu-latest
    outputs:
      tag: \${{ steps.rp.outputs.tag_name }}
    steps:
      - uses: googleapis/release-please-action@v4
        id: rp
  publish:
    needs: rp
    runs-on: ubuntu-latest
    environment: pypi
    steps:
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
      - run: gh release upload "\${{ needs.rp.outputs.tag }}" dist/*
`,
    });
    const plan = planInit(r.dir);
    applyInit(plan, true);
    expect(plan.notes.join("\n")).toContain(
      "the old workflow attached files to the GitHub release: [tool.shipline.publish] github-assets = true does it now",
    );
    const cfg = (await import("../../src/config/shipline.ts")).loadShiplineConfig(r.dir);
    expect(cfg.publish.githubAssets).toBe(true);
    expect(cfg.warnings).toEqual([]);
    const text = read(r, ".github/workflows/release.yml");
    const doc = parse(text) as { jobs: { publish: { permissions?: Record<string, string> } } };
    expect(doc.jobs.publish.permissions).toEqual({ contents: "write", "id-token": "write" });
    expect(workflowProblems(parse(text), text)).toEqual([]);
    // doctor agrees with what init wrote: the publish job may attach the files
    const { runDoctor } = await import("../../src/setup/doctor/run-doctor.ts");
    const found = await runDoctor({ root: r.dir, env: {}, online: false });
    expect(
      found.filter((x) => x.status === "error" && x.id.startsWith("workflow")).map((x) => x.title),
    ).toEqual([]);
    expect(found.some((x) => x.id === "release-assets")).toBe(false);
  });

  test("a CI workflow of the user's own is kept; the gates get shipline-gates.yml beside it", () => {
    const r = project();
    const own =
      "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n";
    r.commit("ci: own", { ".github/workflows/ci.yml": own });
    const plan = planInit(r.dir);
    expect(plan.changes.filter((c) => c.conflict)).toEqual([]);
    applyInit(plan, false);
    expect(read(r, ".github/workflows/ci.yml")).toBe(own);
    const gates = read(r, ".github/workflows/shipline-gates.yml");
    expect(gates).toContain("name: shipline gates");
    expect(workflowProblems(parse(gates), gates)).toEqual([]);
    expect(planInit(r.dir).changes).toEqual([]);
  });

  test("migration: refuses without --force and writes nothing; with --force replaces the release-please workflow", () => {
    const r = seedRepo();
    const before = r.git("status", "--porcelain");
    const plan = planInit(r.dir);
    expect(plan.migrated).toBe(true);
    expect(() => applyInit(plan, false)).toThrow(/release-please\.yml.*nothing was written/);
    expect(r.git("status", "--porcelain")).toBe(before);

    applyInit(planInit(r.dir), true);
    expect(existsSync(join(r.dir, ".github/workflows/release-please.yml"))).toBe(false);
    expect(existsSync(join(r.dir, "release-please-config.json"))).toBe(false); // dot-config kept, not duplicated
    expect(read(r, ".release-please-config.json")).toContain('"separate-pull-requests": false');
    const rel = parse(read(r, ".github/workflows/release.yml"));
    expect(rel.on.push.branches).toEqual(["trunk"]); // release branch carried over
    const py = rel.jobs.release.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith("actions/setup-python"),
    );
    expect(py.with["python-version"].trim().split("\n")).toEqual(["3.9", "3.10", "3.12"]); // unquoted 3.10 read as meant
    // the gates' tools go into every Python, not only the default (last) one
    const install = rel.jobs.release.steps.find((s: { run?: string }) => s.run?.includes("pip install"));
    expect(install.run).toContain("for v in 3.9 3.10 3.12; do\n  python$v -m pip install -e .");
    const text = read(r, ".github/workflows/ci.yml");
    expect(workflowProblems(parse(text), text)).toEqual([]);
  });

  test("--dry-run's diff applies with `git apply` to exactly what init writes", () => {
    const r = seedRepo();
    const diff = unifiedDiff(planInit(r.dir));
    expect(diff).toContain("--- /dev/null\n+++ b/.github/workflows/release.yml");
    expect(diff).toContain("--- a/.github/workflows/release-please.yml\n+++ /dev/null");
    writeFileSync(join(r.dir, "../init.patch"), diff);
    r.git("apply", "../init.patch");
    const applied = r.git("status", "--porcelain");
    const patched = ["ci.yml", "release.yml"].map((f) => read(r, `.github/workflows/${f}`));
    r.git("reset", "-q", "--hard");
    r.git("clean", "-qfd");
    applyInit(planInit(r.dir), true);
    expect(r.git("status", "--porcelain")).toBe(applied);
    expect(["ci.yml", "release.yml"].map((f) => read(r, `.github/workflows/${f}`))).toEqual(patched);
  });

  test("no pyproject.toml is a clear error", () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("chore: empty");
    expect(() => planInit(r.dir)).toThrow(/no pyproject\.toml/);
  });

  test("action.yml at the repo root is a valid composite action that verifies SHA256SUMS", () => {
    const text = readFileSync(join(import.meta.dir, "../../action.yml"), "utf8");
    const doc = parse(text);
    expect(actionProblems(doc, text)).toEqual([]);
    expect(doc.inputs.version.required).toBe(true);
    expect(text).toContain("SHA256SUMS");
    expect(text).toContain("refusing to run it");
  });

  test("the syntax checker itself rejects undocumented keys and missing permissions values", () => {
    const bad = {
      on: { pushh: null },
      jobs: { a: { "runs-on": "x", steps: [{ uses: "a/b@v1", runn: "x" }] } },
      permissions: { contents: "writ" },
    };
    const problems = workflowProblems(bad, ["$", "{{ foo.bar }}"].join(""));
    expect(problems.join("\n")).toContain('unknown event "pushh"');
    expect(problems.join("\n")).toContain('unknown key "runn"');
    expect(problems.join("\n")).toContain("not read/write/none");
    expect(problems.join("\n")).toContain('unknown context "foo"');
  });
});

describe.skipIf(!hasBinary())("shipline init (compiled binary)", () => {
  test("--dry-run prints a diff on stdout and writes nothing; conflicts exit 1 without --force", async () => {
    const r = seedRepo();
    const dry = await shipline(["init", "--dry-run"], { cwd: r.dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("+++ b/.github/workflows/release.yml");
    expect(dry.stderr).toContain("needs --force");
    expect(r.git("status", "--porcelain")).toBe("");
    const refused = await shipline(["init"], { cwd: r.dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("nothing was written");
    expect(r.git("status", "--porcelain")).toBe("");
    const forced = await shipline(["init", "--force", "--json"], { cwd: r.dir });
    expect(forced.code).toBe(0);
    const out = JSON.parse(forced.stdout);
    expect(out.changes.map((c: { path: string }) => c.path)).toContain(
      ".github/workflows/release-please.yml",
    );
    expect(existsSync(join(r.dir, ".github/workflows/release.yml"))).toBe(true);
  });
});

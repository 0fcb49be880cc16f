/**
 * releaseChanges on real git repos, against release-please 17.11.2's Python strategy run on the
 * same repo through its own local Scm (file discovery included); then what shipline adds
 * (uv.lock, CRLF/BOM kept, PEP 440, version-file) and hostile paths.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { releaseChanges } from "../../src/plan/release-changes.ts";
import type { Plan, PlannedRelease } from "../../src/plan/types.ts";
import { uvLock } from "../../src/plan/updaters/uv-lock.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { type OracleRelease, oracleChangeSet } from "./oracle.ts";

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): TestRepo {
  const r = TestRepo.create();
  cleanup.push(r.dir);
  r.commit("chore: init", files);
  return r;
}

function entry(version: string, prev = "1.2.3"): string {
  return `## [${version}](https://github.com/o/r/compare/v${prev}...v${version}) (2026-02-06)\n\n\n### Features\n\n* a feature ([abc1234](https://github.com/o/r/commit/abc1234))`;
}

function release(
  path: string,
  version: string,
  previousVersion = "1.2.3",
  extra: Partial<PlannedRelease> = {},
) {
  return {
    path,
    component: "",
    previousVersion,
    version,
    previousTag: `v${previousVersion}`,
    tag: `v${version}`,
    title: `chore: release ${version}`,
    changelog: entry(version, previousVersion),
    prerelease: false,
    draft: false,
    commits: [],
    warnings: [],
    ...extra,
  } satisfies PlannedRelease;
}

const plan = (...releases: PlannedRelease[]): Plan => ({
  targetBranch: "main",
  repo: "o/r",
  releases,
  skipped: [],
});

function ours(dir: string, p: Plan, date?: Date): Map<string, string> {
  return new Map(releaseChanges(dir, p, { date }).map((u) => [u.path, u.content]));
}

/** The oracle's change set without files it left byte-identical (shipline omits those). */
async function oracle(r: TestRepo, releases: OracleRelease[], date?: Date): Promise<Map<string, string>> {
  const all = await oracleChangeSet(r.dir, releases, date);
  const changed = new Map<string, string>();
  for (const [path, content] of all) {
    const show = Bun.spawnSync(["git", "show", `main:${path}`], { cwd: r.dir });
    if (show.exitCode !== 0 || show.stdout.toString() !== content) changed.set(path, content);
  }
  return changed;
}

const PYPROJECT = `# Project metadata
[build-system]
requires = ["hatchling"]  # the backend
build-backend = "hatchling.build"

[project]
name = "my-pkg"
version = '1.2.3'   # x-release-please-version is not needed here
description = "Demo"
dependencies = [
  "httpx>=0.27",  # pinned loosely
]

[tool.ruff]
line-length = 100
`;

describe("same files and contents as release-please's python strategy", () => {
  const date = new Date(2026, 1, 6, 9);

  test("single package: pyproject, setup.py, setup.cfg, __init__.py, version.py, extra-files, changelog, manifest", async () => {
    const extraFiles = [
      "README.md",
      "chart.yaml",
      "package.json",
      "Cargo.toml",
      "pom.xml",
      { type: "toml", path: "conf/app.toml", jsonpath: "$.tool.app.version" },
      { type: "json", path: "/meta/info.json", jsonpath: "$.release.version" },
      { type: "generic", path: "docs/**/*.txt", glob: true },
      { type: "xml", path: "build.xml", xpath: "//version" },
    ];
    const r = repo({
      "release-please-config.json": JSON.stringify({
        packages: { ".": { "release-type": "python", "extra-files": extraFiles } },
      }),
      ".release-please-manifest.json": '{\n  ".": "1.2.3"\n}\n',
      "pyproject.toml": PYPROJECT,
      "setup.py": 'from setuptools import setup\nsetup(name="my-pkg", version="1.2.3")\n',
      "setup.cfg": "[metadata]\nname = my-pkg\nversion = 1.2.3\n",
      "src/my_pkg/__init__.py": '"""My package."""\n__version__ = "1.2.3"\n',
      "src/my_pkg/version.py": "__version__ = '1.2.3'\n",
      "tools/version.py": '__version__ = "0.0.1"\n',
      "my-pkg/__init__.py": '__version__ = "1.2.3"\n',
      "CHANGELOG.md": `# Changelog\n\n${entry("1.2.3", "1.2.2")}\n`,
      "README.md":
        "# Demo\n\npip install my-pkg==1.2.3 <!-- x-release-please-version -->\nReleased 2020-01-01 <!-- x-release-please-date -->\n",
      "chart.yaml": "# helm chart\nname: demo\nversion: 1.2.3\n",
      "package.json": '{\n  "name": "demo",\n  "version": "1.2.3"\n}\n',
      "Cargo.toml": '[package]\nname = "demo"\nversion = "1.2.3" # cargo\n',
      "pom.xml": "<project>\n  <version>1.2.3</version>\n</project>\n",
      "conf/app.toml": '[tool.app]\nversion = "1.2.3"\n',
      "meta/info.json": '{"release": {"version": "v1.2.3"}}',
      "docs/a.txt": "v1.2.3 x-release-please-version\n",
      "docs/deep/b.txt": "1.2.3 x-release-please-version\n",
      "docs/c.md": "1.2.3 x-release-please-version\n",
      "build.xml": "<build><version>1.2.3</version><x><version>0.1.0</version></x></build>",
    });
    const mine = ours(r.dir, plan(release(".", "1.3.0")), date);
    const theirs = await oracle(
      r,
      [{ path: ".", version: "1.3.0", changelog: entry("1.3.0"), extraFiles }],
      date,
    );
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    // JSON and YAML extra-files are edited in place here, re-serialised by release-please:
    // same data, and comments/spacing kept.
    const inPlace: Record<string, [string, (s: string) => unknown]> = {
      "chart.yaml": ["# helm chart\nname: demo\nversion: 1.3.0\n", (s) => yaml.load(s)],
      "meta/info.json": ['{"release": {"version": "v1.3.0"}}', (s) => JSON.parse(s)],
    };
    for (const [p, c] of theirs) {
      const special = inPlace[p];
      if (special) {
        expect(mine.get(p)).toBe(special[0]);
        expect(special[1](mine.get(p)!)).toEqual(special[1](c));
      } else expect({ p, c: mine.get(p) }).toEqual({ p, c });
    }
    // spot checks that the comparison is about real edits
    expect(mine.get("pyproject.toml")).toBe(PYPROJECT.replace("version = '1.2.3'", 'version = "1.3.0"'));
    expect(mine.get("tools/version.py")).toBe('__version__ = "1.3.0"\n');
    expect(mine.has("docs/c.md")).toBe(false);
    expect(mine.get(".release-please-manifest.json")).toBe('{\n  ".": "1.3.0"\n}\n');
    expect(mine.get("CHANGELOG.md")).toBe(`# Changelog\n\n${entry("1.3.0")}\n\n${entry("1.2.3", "1.2.2")}\n`);
  });

  test("monorepo: poetry package, setup.py-only package named by component, changelog-path, skip-changelog, one PR", async () => {
    const r = repo({
      "release-please-config.json": JSON.stringify({
        packages: {
          "packages/a": {
            "release-type": "python",
            "package-name": "pkg-a",
            "extra-files": ["/VERSIONS.txt"],
          },
          "packages/b": { "release-type": "python", component: "pkg-b", "changelog-path": "docs/CHANGES.md" },
          "packages/c": { "release-type": "python", "skip-changelog": true },
        },
      }),
      ".release-please-manifest.json":
        '{\n    "packages/a": "1.0.0",\n    "packages/b": "0.3.0",\n    "packages/c": "2.0.0"\n}',
      "VERSIONS.txt": "a = 1.0.0 # x-release-please-version\nb = 0.3.0\n",
      "packages/a/pyproject.toml":
        '[tool.poetry]\nname = "pkg-a"\nversion = "1.0.0"\n\n[tool.poetry.dependencies]\npython = "^3.9"\n',
      "packages/a/pkg_a/__init__.py": '__version__ = "1.0.0"\n',
      "packages/a/pkg_a/version.py": '__version__ = "1.0.0"\n',
      "packages/b/setup.py": 'setup(name="pkg-b", version="0.3.0")\n',
      "packages/b/pkg_b/__init__.py": '__version__ = "0.3.0"\n',
      "packages/b/docs/CHANGES.md": "# Changes\n\n## 0.3.0\n\n* old\n",
      "packages/c/pyproject.toml": '[project]\nname = "pkg-c"\nversion = "2.0.0"\n',
      "packages/c/src/pkg_c/__init__.py": '__version__ = "2.0.0"\n',
    });
    const p = plan(
      release("packages/a", "1.1.0", "1.0.0"),
      release("packages/b", "0.3.1", "0.3.0"),
      release("packages/c", "2.0.1", "2.0.0"),
    );
    const mine = ours(r.dir, p, date);
    const theirs = await oracle(
      r,
      [
        {
          path: "packages/a",
          version: "1.1.0",
          changelog: entry("1.1.0", "1.0.0"),
          packageName: "pkg-a",
          extraFiles: ["/VERSIONS.txt"],
        },
        {
          path: "packages/b",
          version: "0.3.1",
          changelog: entry("0.3.1", "0.3.0"),
          component: "pkg-b",
          changelogPath: "docs/CHANGES.md",
        },
        { path: "packages/c", version: "2.0.1", changelog: entry("2.0.1", "2.0.0"), skipChangelog: true },
      ],
      date,
    );
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, c] of theirs) expect({ path, c: mine.get(path) }).toEqual({ path, c });
    expect(mine.get(".release-please-manifest.json")).toBe(
      '{\n    "packages/a": "1.1.0",\n    "packages/b": "0.3.1",\n    "packages/c": "2.0.1"\n}',
    );
    expect(mine.has("packages/c/CHANGELOG.md")).toBe(false);
    expect(mine.get("packages/b/pkg_b/__init__.py")).toBe('__version__ = "0.3.1"\n');
  });

  test("no CHANGELOG.md yet: it is created; first release into an empty manifest", async () => {
    const r = repo({
      "release-please-config.json": JSON.stringify({ packages: { ".": { "release-type": "python" } } }),
      ".release-please-manifest.json": "{}\n",
      "pyproject.toml": '[project]\nname = "x"\nversion = "0.0.0"\n',
    });
    const mine = ours(r.dir, plan(release(".", "0.1.0", "0.0.0")));
    const theirs = await oracle(r, [{ path: ".", version: "0.1.0", changelog: entry("0.1.0", "0.0.0") }]);
    expect(mine).toEqual(theirs);
    expect(mine.get(".release-please-manifest.json")).toBe('{".":"0.1.0"}\n');
    expect(mine.get("CHANGELOG.md")).toBe(`# Changelog\n\n${entry("0.1.0", "0.0.0")}\n`);
  });
});

const UV_LOCK = `version = 1
revision = 3
requires-python = ">=3.9"

[manifest]
members = [
    "pkg-a",
    "pkg-b",
]

[[package]]
name = "idna"
version = "1.2.3"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/f1/70/idna-1.2.3.tar.gz", hash = "sha256:12f65c9b470abda6dc35cf8e63cc574b1c52b11df2c86030af0ac09b01b13ea9", size = 190490, upload-time = "2024-09-15T18:07:39.745Z" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/76/c6/idna-1.2.3-py3-none-any.whl", hash = "sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3", size = 70442, upload-time = "2024-09-15T18:07:37.964Z" },
]

[[package]]
name = "pkg-a"
version = "1.2.3"
source = { editable = "packages/a" }
dependencies = [
    { name = "idna" },
    { name = "pkg-b" },
]

[package.metadata]
requires-dist = [
    { name = "idna", specifier = ">=1" },
    { name = "pkg-b", editable = "packages/b" },
]

[[package]]
name = "pkg-b"
version = "0.3.0"
source = { editable = "packages/b" }
`;

describe("uv.lock (beyond release-please)", () => {
  test("only the released package's own entry changes, byte for byte; PEP 440 normalised", () => {
    const r = repo({
      "release-please-config.json": JSON.stringify({
        packages: { "packages/a": { "release-type": "python" }, "packages/b": { "release-type": "python" } },
      }),
      ".release-please-manifest.json": '{"packages/a": "1.2.3", "packages/b": "0.3.0"}\n',
      "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
      "uv.lock": UV_LOCK,
      "packages/a/pyproject.toml": '[project]\nname = "Pkg_A"\nversion = "1.2.3"\n',
      "packages/b/pyproject.toml": '[project]\nname = "pkg-b"\nversion = "0.3.0"\n',
    });
    const mine = ours(r.dir, plan(release("packages/a", "2.0.0-rc.1")));
    expect(mine.get("uv.lock")).toBe(
      UV_LOCK.replace('name = "pkg-a"\nversion = "1.2.3"', 'name = "pkg-a"\nversion = "2.0.0rc1"'),
    );
    expect(mine.get("packages/a/pyproject.toml")).toBe('[project]\nname = "Pkg_A"\nversion = "2.0.0-rc.1"\n');
    const both = ours(r.dir, plan(release("packages/a", "1.3.0"), release("packages/b", "0.4.0", "0.3.0")));
    expect(both.get("uv.lock")).toBe(
      UV_LOCK.replace('version = "0.3.0"', 'version = "0.4.0"').replace(
        'name = "pkg-a"\nversion = "1.2.3"',
        'name = "pkg-a"\nversion = "1.3.0"',
      ),
    );
  });
  test("a lock in another layout goes through the TOML parser, same result", () => {
    const odd = "version = 1\n\n[[package]]\nversion='1.2.3'\nsource={editable='.'}\nname = 'pkg_a'\n";
    expect(uvLock("pkg-a", "1.3.0", () => {})(odd)).toBe(odd.replace("version='1.2.3'", 'version="1.3.0"'));
    const dynamic = 'version = 1\n\n[[package]]\nname = "pkg-a"\nsource = { editable = "." }\n';
    expect(uvLock("pkg-a", "1.3.0", () => {})(dynamic)).toBe(dynamic);
  });
  test("a uv.lock without the package (or dynamic version) is left alone", () => {
    const r = repo({
      "release-please-config.json": JSON.stringify({ packages: { ".": { "release-type": "python" } } }),
      ".release-please-manifest.json": '{".": "1.2.3"}\n',
      "pyproject.toml": '[project]\nname = "other"\nversion = "1.2.3"\n',
      "uv.lock": UV_LOCK,
    });
    expect(ours(r.dir, plan(release(".", "1.3.0"))).has("uv.lock")).toBe(false);
  });
});

describe("line endings, BOM, PEP 440, version-file (beyond release-please)", () => {
  test("CRLF files stay CRLF, including the new CHANGELOG entry; a BOM stays", () => {
    const crlf = (s: string) => s.replaceAll("\n", "\r\n");
    const r = repo({
      "release-please-config.json": JSON.stringify({
        packages: { ".": { "release-type": "python", "extra-files": ["README.md"] } },
      }),
      ".release-please-manifest.json": crlf('{\n  ".": "1.2.3"\n}\n'),
      "pyproject.toml": `\uFEFF${crlf(PYPROJECT)}`,
      "CHANGELOG.md": crlf(`# Changelog\n\n${entry("1.2.3", "1.2.2")}\n`),
      "README.md": crlf("v1.2.3 <!-- x-release-please-version -->\nend\n"),
      "src/my_pkg/__init__.py": crlf('__version__ = "1.2.3"\n'),
    });
    const mine = ours(r.dir, plan(release(".", "1.3.0")));
    expect(mine.get("pyproject.toml")).toBe(
      `\uFEFF${crlf(PYPROJECT.replace("version = '1.2.3'", 'version = "1.3.0"'))}`,
    );
    expect(mine.get("CHANGELOG.md")).toBe(
      crlf(`# Changelog\n\n${entry("1.3.0")}\n\n${entry("1.2.3", "1.2.2")}\n`),
    );
    expect(mine.get("README.md")).toBe(crlf("v1.3.0 <!-- x-release-please-version -->\nend\n"));
    expect(mine.get(".release-please-manifest.json")).toBe(crlf('{\n  ".": "1.3.0"\n}\n'));
    for (const c of mine.values()) expect(c.replaceAll("\r\n", "")).not.toContain("\n");
  });

  test("PEP 440 release: 1.3.0rc1 in files becomes 1.3.0rc2; graduation to 1.3.0", () => {
    const r = repo({
      "release-please-config.json": JSON.stringify({
        packages: { ".": { "release-type": "python", "version-file": "src/my_pkg/_about.py" } },
      }),
      ".release-please-manifest.json": '{".": "1.3.0rc1"}\n',
      "pyproject.toml": '[project]\nname = "my-pkg"\nversion = "1.3.0rc1"\n',
      "setup.cfg": "[metadata]\nversion = 1.3.0rc1\n",
      "src/my_pkg/__init__.py": '__version__ = "1.3.0rc1"\n',
      "src/my_pkg/_about.py": '__version__ = "1.3.0rc1"\n',
    });
    const rc2 = ours(r.dir, plan(release(".", "1.3.0rc2", "1.3.0rc1")));
    expect(rc2.get("src/my_pkg/__init__.py")).toBe('__version__ = "1.3.0rc2"\n');
    expect(rc2.get("src/my_pkg/_about.py")).toBe('__version__ = "1.3.0rc2"\n');
    expect(rc2.get("setup.cfg")).toBe("[metadata]\nversion = 1.3.0rc2\n");
    expect(rc2.get("pyproject.toml")).toBe('[project]\nname = "my-pkg"\nversion = "1.3.0rc2"\n');
    const final = ours(r.dir, plan(release(".", "1.3.0", "1.3.0rc1")));
    expect(final.get("src/my_pkg/__init__.py")).toBe('__version__ = "1.3.0"\n');
    expect(final.get(".release-please-manifest.json")).toBe('{".":"1.3.0"}\n');
  });

  test("dynamic version: pyproject left alone with release-please's warning; nothing is written to disk", () => {
    const r = repo({
      "release-please-config.json": JSON.stringify({ packages: { ".": { "release-type": "python" } } }),
      ".release-please-manifest.json": '{".": "1.2.3"}\n',
      "pyproject.toml": '[project]\nname = "x"\ndynamic = ["version"]\n',
    });
    const warnings: string[] = [];
    const out = releaseChanges(r.dir, plan(release(".", "1.3.0")), { warn: (m) => warnings.push(m) });
    expect(out.map((u) => u.path)).toEqual(["CHANGELOG.md", ".release-please-manifest.json"]);
    expect(warnings).toContain("dynamic version found in 'pyproject.toml'. Skipping update.");
    expect(r.git("status", "--porcelain")).toBe("");
  });
});

describe("errors and hostile paths", () => {
  function cfgRepo(pkg: Record<string, unknown>, files: Record<string, string> = {}): TestRepo {
    return repo({
      "release-please-config.json": JSON.stringify({
        packages: { ".": { "release-type": "python", ...pkg } },
      }),
      ".release-please-manifest.json": '{".": "1.2.3"}\n',
      ...files,
    });
  }
  const go = (r: TestRepo) => () => releaseChanges(r.dir, plan(release(".", "1.3.0")));

  test("pyproject without a version fails like release-please, naming the file", () => {
    const r = cfgRepo({}, { "pyproject.toml": '[project]\nname = "x"\n' });
    expect(go(r)).toThrow("pyproject.toml: invalid file");
  });
  test("an extra-file that is not valid JSON names the file and the key", () => {
    const r = cfgRepo({ "extra-files": ["x.json"] }, { "x.json": "{oops" });
    expect(go(r)).toThrow(/x\.json: .*extra-files\[0\]/);
  });
  test.each([
    ["../outside.txt", "illegal pathing characters"],
    ["a/../../x", "illegal pathing characters"],
    ["./x", "illegal pathing characters"],
    ["~/x", "illegal pathing characters"],
    ["C:/Windows/win.ini", "absolute Windows path"],
    ["..\\x", 'uses "\\" separators'],
  ])("extra-files %s is rejected (%s)", (path, msg) => {
    const r = cfgRepo({ "extra-files": ["ok.txt", path] });
    expect(go(r)).toThrow(`release-please-config.json: packages["."].extra-files[1]: `);
    expect(go(r)).toThrow(msg);
  });
  test("changelog-path ../CHANGELOG.md is rejected naming changelog-path", () => {
    const r = cfgRepo({ "changelog-path": "../CHANGELOG.md" });
    expect(go(r)).toThrow('packages["."].changelog-path: illegal pathing characters');
  });
  test("a leading / is repo-root relative (release-please), never the system root", () => {
    const r = cfgRepo(
      { "extra-files": ["/etc/hosts"] },
      { "etc/hosts": "v1.2.3 x-release-please-version\n" },
    );
    const out = releaseChanges(r.dir, plan(release(".", "1.3.0")));
    expect(out.find((u) => u.path === "etc/hosts")?.content).toBe("v1.3.0 x-release-please-version\n");
  });
  test("a symlink out of the repo (file or folder) is rejected; one inside is followed", () => {
    const outside = tempDir();
    cleanup.push(outside);
    writeFileSync(join(outside, "secret.txt"), "1.2.3 x-release-please-version\n");
    const r = cfgRepo({ "extra-files": ["inside.txt"] }, { "real.txt": "1.2.3 x-release-please-version\n" });
    symlinkSync(join(outside, "secret.txt"), join(r.dir, "leak.txt"));
    symlinkSync(outside, join(r.dir, "leakdir"));
    symlinkSync("real.txt", join(r.dir, "inside.txt"));
    r.commit("chore: links");
    expect(
      releaseChanges(r.dir, plan(release(".", "1.3.0"))).find((u) => u.path === "inside.txt")?.content,
    ).toBe("1.3.0 x-release-please-version\n");
    for (const bad of ["leak.txt", "leakdir/secret.txt"]) {
      writeFileSync(
        join(r.dir, "release-please-config.json"),
        JSON.stringify({ packages: { ".": { "release-type": "python", "extra-files": [bad] } } }),
      );
      expect(go(r)).toThrow(`extra-files[0]: path "${bad}" leads out of the repository`);
    }
  });
  test("a pyproject name that walks out of the repo is rejected", () => {
    const r = cfgRepo({}, { "pyproject.toml": '[project]\nname = "../../evil"\nversion = "1.2.3"\n' });
    expect(go(r)).toThrow("illegal pathing characters");
  });
  test("a huge file is refused with a clear message, not read", () => {
    const r = cfgRepo({ "extra-files": ["big.txt"] });
    mkdirSync(join(r.dir, "sub"), { recursive: true });
    writeFileSync(join(r.dir, "big.txt"), Buffer.alloc(33 * 1024 * 1024, 0x61));
    expect(go(r)).toThrow("big.txt is 34603008 bytes, more than the 33554432-byte limit");
  });
  test("a plan for a package missing from the config", () => {
    const r = cfgRepo({});
    expect(() => releaseChanges(r.dir, plan(release("packages/zzz", "1.0.0")))).toThrow(
      'release-please-config.json has no package "packages/zzz"',
    );
  });
});

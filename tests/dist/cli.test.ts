/** `shipline check` and `shipline build` end to end, with the compiled binary. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { metadata, wheelItems, zip } from "./helpers/archives.ts";
import { canBuild, PY } from "./helpers/projects.ts";

const dir = tempDir("shipline-cli-dist-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = join(dir, "good-1.0-py3-none-any.whl");
const warn = join(dir, "warn-1.0-py3-none-any.whl");
const bad = join(dir, "bad-1.0-py3-none-any.whl");
beforeAll(() => {
  writeFileSync(
    good,
    zip(
      wheelItems(
        "good",
        "1.0",
        metadata("good", "1.0", { contentType: "text/markdown", description: "# hi\n" }),
      ),
    ),
  );
  writeFileSync(
    warn,
    zip(wheelItems("warn", "1.0", metadata("warn", "1.0", { description: "Fine rst.\n" }))),
  );
  writeFileSync(
    bad,
    zip(
      wheelItems(
        "bad",
        "1.0",
        metadata("bad", "1.0", { contentType: "text/x-rst", description: "*broken\n" }),
      ),
    ),
  );
  writeFileSync(`${good}.asc`, "signature");
});

const coreutil = (argv: string[]) =>
  Bun.spawnSync(argv, { stdout: "pipe" }).stdout.toString().split(/\s+/)[0];

describe("shipline check", () => {
  test("PASSED: twine's line, exit 0", async () => {
    const r = await shipline(["check", good]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Checking ${good}: PASSED\n`);
  });

  test("--json prints exactly the contract shape, digests equal coreutils", async () => {
    const r = await shipline(["check", "--json", good, warn]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["files"]);
    expect(out.files.map((f: { path: string }) => f.path)).toEqual([good, warn]);
    const f = out.files[0];
    expect(Object.keys(f)).toEqual(["path", "verdict", "warnings", "errors", "size", "digests"]);
    expect(f.verdict).toBe("PASSED");
    expect(f.digests).toEqual({
      md5: coreutil(["md5sum", good]),
      sha256: coreutil(["sha256sum", good]),
      blake2_256: coreutil(["b2sum", "-l", "256", good]),
    });
    expect(f.size).toBe(Bun.file(good).size);
    expect(out.files[1].verdict).toBe("PASSED with warnings");
    expect(out.files[1].warnings).toEqual([
      "`long_description_content_type` missing. defaulting to `text/x-rst`.",
    ]);
  });

  test("large files hash in worker threads inside the compiled binary; digests equal coreutils", async () => {
    const big = join(dir, "big-1.0.tar.gz");
    writeFileSync(big, randomBytes(20 << 20)); // above the parallel threshold; not an archive
    const r = await shipline(["check", "--json", big]);
    expect(r.code).toBe(1);
    const f = JSON.parse(r.stdout).files[0];
    expect(f.errors[0]).toContain("not gzip-compressed");
    expect(f.digests).toEqual({
      md5: coreutil(["md5sum", big]),
      sha256: coreutil(["sha256sum", big]),
      blake2_256: coreutil(["b2sum", "-l", "256", big]),
    });
    rmSync(big);
  });

  test("FAILED: the reasons as twine prints them, exit 1", async () => {
    const r = await shipline(["check", good, bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Checking ${bad}: FAILED\n`);
    expect(r.stderr).toContain(
      "ERROR    `long_description` has syntax errors in markup and would not be rendered on PyPI.\n         line 1: Warning: Inline emphasis start-string without end-string.",
    );
  });

  test("--strict fails on warnings", async () => {
    const r = await shipline(["check", "--strict", "--json", warn]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Checking ${warn}: FAILED due to warnings`);
    expect(JSON.parse(r.stdout).files[0].verdict).toBe("FAILED");
  });

  test("globs expand relative to --cwd; signatures are skipped; wheels first", async () => {
    const r = await shipline(["check", "--json", "--cwd", dir, "*"]);
    expect(r.code).toBe(1); // bad is in there
    expect(JSON.parse(r.stdout).files.map((f: { path: string }) => f.path)).toEqual([
      "bad-1.0-py3-none-any.whl",
      "good-1.0-py3-none-any.whl",
      "warn-1.0-py3-none-any.whl",
    ]);
  });

  test("a pattern matching nothing is an error naming it; no files is a usage error", async () => {
    const r = await shipline(["check", join(dir, "nothing-*.whl")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Cannot find file (or expand pattern)");
    expect((await shipline(["check"])).code).toBe(2);
  });

  test("only signatures: 'No files to check.', exit 0 like twine", async () => {
    const r = await shipline(["check", `${good}.asc`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("No files to check.");
  });

  test("a hostile archive is a FAILED line, not a crash", async () => {
    const evil = join(dir, "evil-1.0-py3-none-any.whl");
    writeFileSync(
      evil,
      zip(wheelItems("evil", "1.0", metadata("evil", "1.0"), [{ name: "../../x", data: "x" }])),
    );
    const r = await shipline(["check", evil]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("path traversal");
    expect(r.stderr).not.toContain("internal error");
    rmSync(evil);
  });
});

/** A release-please python repo whose build is `python3 -m build --no-isolation` into dist/. */
function sampleRepo(version: string, manifestVersion = version): TestRepo {
  const repo = TestRepo.create();
  repo.commit(`chore: release ${version}`, {
    "release-please-config.json": `${JSON.stringify({ packages: { ".": { "release-type": "python" } } })}\n`,
    ".release-please-manifest.json": `${JSON.stringify({ ".": version })}\n`,
    "pyproject.toml": `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "sample"\nversion = "${version}"\ndescription = "sample"\nreadme = "README.md"\n\n[tool.shipline.build]\ncommand = ["${PY}", "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", "dist"]\n`,
    "README.md": "# sample\n",
    "src/sample/__init__.py": `__version__ = "${version}"\n`,
    ".gitignore": "dist/\nbuild/\n*.egg-info/\n",
  });
  repo.tag(`v${version}`);
  if (manifestVersion !== version)
    // A release PR's merge commit: manifest and CHANGELOG moved on (the version files did not).
    repo.commit(`chore: release ${manifestVersion}`, {
      ".release-please-manifest.json": `${JSON.stringify({ ".": manifestVersion })}\n`,
      "CHANGELOG.md": `# Changelog\n\n## [${manifestVersion}](https://github.com/o/r/compare/v${version}...v${manifestVersion}) (2026-01-01)\n\n\n### Features\n\n* something\n`,
    });
  return repo;
}

describe.skipIf(!canBuild())("shipline build", () => {
  test("builds sdist + wheel into dist/ and --check checks them", async () => {
    const repo = sampleRepo("1.2.0");
    try {
      const r = await shipline(["build", "--check", "--json"], { cwd: repo.dir, timeoutMs: 120_000 });
      expect(r.stderr).toContain("built sample-1.2.0.tar.gz (version 1.2.0)");
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.files.map((f: { path: string }) => f.path).sort()).toEqual([
        "dist/sample-1.2.0-py3-none-any.whl",
        "dist/sample-1.2.0.tar.gz",
      ]);
      expect(out.files.every((f: { verdict: string }) => f.verdict === "PASSED")).toBe(true);
      expect(readdirSync(join(repo.dir, "dist")).sort()).toEqual([
        "sample-1.2.0-py3-none-any.whl",
        "sample-1.2.0.tar.gz",
      ]);
    } finally {
      repo.remove();
    }
  }, 120_000);

  test("a monorepo without a root project: every release-please package is built into dist/ (each by its own [tool.shipline.build] command) and checked", async () => {
    const repo = TestRepo.create();
    try {
      const pkg = (name: string) =>
        `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${name}"\nversion = "0.3.0"\ndescription = "x"\nreadme = "README.md"\n\n[tool.shipline.build]\ncommand = ["sh", "-c", "${PY} -m build --no-isolation --outdir \\"$SHIPLINE_OUT_DIR\\"", "${name}"]\n`;
      repo.commit("feat: two packages", {
        "release-please-config.json": JSON.stringify({ packages: { "libs/a": {}, "libs/b": {} } }),
        ".release-please-manifest.json": JSON.stringify({ "libs/a": "0.3.0", "libs/b": "0.3.0" }),
        "libs/a/pyproject.toml": pkg("pkga"),
        "libs/a/README.md": "# a\n",
        "libs/a/src/pkga/__init__.py": "",
        "libs/b/pyproject.toml": pkg("pkgb"),
        "libs/b/README.md": "# b\n",
        "libs/b/src/pkgb/__init__.py": "",
        ".gitignore": "dist/\nbuild/\n*.egg-info/\n",
      });
      const r = await shipline(["build", "--check", "--json"], { cwd: repo.dir, timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("building libs/a");
      // each package's own command ran, not the default (uv, or an isolated `python -m build`);
      // one-word names: Debian's setuptools names a dashed project's sdist `a-b-1.0.tar.gz`
      for (const name of ["pkga", "pkgb"])
        expect(r.stderr).toContain(
          `$ sh -c ${PY} -m build --no-isolation --outdir "$SHIPLINE_OUT_DIR" ${name}`,
        );
      expect(
        JSON.parse(r.stdout)
          .files.map((f: { path: string }) => f.path)
          .sort(),
      ).toEqual([
        "dist/pkga-0.3.0-py3-none-any.whl",
        "dist/pkga-0.3.0.tar.gz",
        "dist/pkgb-0.3.0-py3-none-any.whl",
        "dist/pkgb-0.3.0.tar.gz",
      ]);
    } finally {
      repo.remove();
    }
  }, 120_000);

  test("a monorepo whose root configures the build command: it runs once, at the root (it decides its scope)", async () => {
    const repo = sampleRepo("1.2.0");
    try {
      repo.commit("feat: a package beside the root project", {
        "release-please-config.json": JSON.stringify({
          packages: { ".": {}, "libs/a": { "package-name": "liba" } },
        }),
        ".release-please-manifest.json": JSON.stringify({ ".": "1.2.0", "libs/a": "0.1.0" }),
        "libs/a/pyproject.toml": '[project]\nname = "liba"\nversion = "0.1.0"\n',
        "libs/a/src/liba/__init__.py": "",
      });
      const r = await shipline(["build", "--json"], { cwd: repo.dir, timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain("building libs/a");
      expect(
        JSON.parse(r.stdout)
          .files.map((f: { path: string }) => f.path)
          .sort(),
      ).toEqual(["dist/sample-1.2.0-py3-none-any.whl", "dist/sample-1.2.0.tar.gz"]);
    } finally {
      repo.remove();
    }
  }, 120_000);

  test("--out-dir", async () => {
    const repo = sampleRepo("1.2.0");
    try {
      // The default command (uv or python -m build, isolated) would need an index; keep the
      // configured one but point it at $SHIPLINE_OUT_DIR through a shell.
      repo.write(
        "pyproject.toml",
        `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "sample"\nversion = "1.2.0"\n\n[tool.shipline.build]\ncommand = ["sh", "-c", "${PY} -m build --no-isolation --wheel --outdir \\"$SHIPLINE_OUT_DIR\\""]\n`,
      );
      const r = await shipline(["build", "--out-dir", "out"], { cwd: repo.dir, timeoutMs: 120_000 });
      expect(r.code).toBe(0);
      expect(readdirSync(join(repo.dir, "out"))).toEqual(["sample-1.2.0-py3-none-any.whl"]);
      expect(existsSync(join(repo.dir, "dist"))).toBe(false);
    } finally {
      repo.remove();
    }
  }, 120_000);

  test("at a release commit, a version that was not bumped is a blocking error", async () => {
    // The release commit moved the manifest to 1.3.0 but pyproject.toml still says 1.2.0.
    const repo = sampleRepo("1.2.0", "1.3.0");
    try {
      const r = await shipline(["build"], { cwd: repo.dir, timeoutMs: 120_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("the built files are not version 1.3.0");
      expect(r.stderr).toContain("the version files were not updated");
    } finally {
      repo.remove();
    }
  }, 120_000);

  test("at the release's tag (a publish job's checkout) the version is still checked", async () => {
    const repo = sampleRepo("1.2.0", "1.3.0");
    try {
      repo.tag("v1.3.0"); // tagged by the release job: nothing is pending any more
      const r = await shipline(["build"], { cwd: repo.dir, timeoutMs: 120_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("the built files are not version 1.3.0");
      // a tag of that version somewhere else is another commit's release: not this build's
      repo.git("tag", "-d", "v1.3.0");
      repo.tag("v1.3.0", "HEAD~1");
      const other = await shipline(["build"], { cwd: repo.dir, timeoutMs: 120_000 });
      expect(other.code).toBe(0);
      expect(other.stderr).toContain("built sample-1.2.0.tar.gz (version 1.2.0)");
    } finally {
      repo.remove();
    }
  }, 120_000);

  test("a failing build command: exit 1 with its output", async () => {
    const repo = sampleRepo("1.2.0");
    try {
      repo.write(
        "pyproject.toml",
        '[project]\nname = "sample"\nversion = "1.2.0"\n\n[tool.shipline.build]\ncommand = ["sh", "-c", "echo boom >&2; exit 3"]\n',
      );
      const r = await shipline(["build"], { cwd: repo.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("exited with 3");
      expect(r.stderr).toContain("boom");
    } finally {
      repo.remove();
    }
  });
});

/**
 * The pre-tag version guard: a merged release PR that left the version the build reads behind
 * (hatch's `__about__.py`, which release-please's python updater does not rewrite) stops
 * `run` before anything public is made — and the recovery the hint gives works.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeMismatch, versionMismatches } from "../../src/github/version-guard.ts";
import type { PendingRelease } from "../../src/plan/types.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";

const HEAD = "a".repeat(40);
const pending = (over: Partial<PendingRelease> = {}): PendingRelease => ({
  path: ".",
  component: "",
  version: "1.1.0",
  tag: "v1.1.0",
  sha: HEAD,
  name: "v1.1.0",
  notes: "",
  prerelease: false,
  draft: false,
  ...over,
});

const repos: TestRepo[] = [];
function tree(files: Record<string, string>): string {
  const r = TestRepo.create();
  repos.push(r);
  for (const [p, c] of Object.entries(files)) r.write(p, c);
  return r.dir;
}
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

const HATCH = `[project]\nname = "sample"\ndynamic = ["version"]\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[tool.hatch.version]\npath = "src/sample/__about__.py"\n`;

describe("versionMismatches", () => {
  test("hatch's version path left behind: found, named, with the extra-files fix", () => {
    const dir = tree({ "pyproject.toml": HATCH, "src/sample/__about__.py": '__version__ = "1.0.0"\n' });
    const [m, ...rest] = versionMismatches(dir, [pending()], HEAD);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({
      source: "src/sample/__about__.py",
      found: "1.0.0",
      unmanagedFile: "src/sample/__about__.py",
    });
    const { message, hint } = describeMismatch(m!);
    expect(message).toBe(
      "v1.1.0: src/sample/__about__.py says 1.0.0, not 1.1.0: the release PR did not bump the version the build reads",
    );
    expect(hint).toContain('add "extra-files": ["src/sample/__about__.py"] to "."');
    expect(hint).toContain('`git revert aaaaaaa`, push, and take the "autorelease: pending" label off');
  });

  test("[project].version behind: named by key; in a monorepo package, by its path", () => {
    const dir = tree({ "pkgs/a/pyproject.toml": '[project]\nname = "a"\nversion = "2.0.0"\n' });
    const [m] = versionMismatches(
      dir,
      [pending({ path: "pkgs/a", tag: "a-v2.1.0", version: "2.1.0" })],
      HEAD,
    );
    expect(m?.source).toBe("pkgs/a/pyproject.toml [project].version");
    expect(m?.unmanagedFile).toBeUndefined();
    expect(describeMismatch(m!).hint).toContain("set it to 2.1.0 in the release PR");
  });

  test("the same version in another spelling, another commit, or a version the build does not read: no mismatch; setup.py is read", () => {
    const rc = tree({ "pyproject.toml": '[project]\nname = "s"\nversion = "1.1.0rc1"\n' });
    expect(versionMismatches(rc, [pending({ version: "1.1.0-rc.1" })], HEAD)).toEqual([]);
    const stale = tree({ "pyproject.toml": '[project]\nname = "s"\nversion = "1.0.0"\n' });
    expect(versionMismatches(stale, [pending({ sha: "b".repeat(40) })], HEAD)).toEqual([]);
    // setuptools-scm: the version comes from git; a stale __version__ in the package is not what it builds
    const scm = tree({
      "pyproject.toml": `[project]\nname = "sample"\ndynamic = ["version"]\n\n[build-system]\nrequires = ["setuptools-scm"]\nbuild-backend = "setuptools.build_meta"\n`,
      "sample/__init__.py": '__version__ = "0.0.0"\n',
    });
    expect(versionMismatches(scm, [pending()], HEAD)).toEqual([]);
    // hatch-vcs: `path` is not read with another version source
    const vcs = tree({
      "pyproject.toml": HATCH.replace(
        'path = "src/sample/__about__.py"',
        'source = "vcs"\npath = "src/sample/__about__.py"',
      ),
      "src/sample/__about__.py": '__version__ = "0.0.0"\n',
    });
    expect(versionMismatches(vcs, [pending()], HEAD)).toEqual([]);
    // flit reads the module's __version__: that one is judged
    const flit = tree({
      "pyproject.toml": `[project]\nname = "sample"\ndynamic = ["version"]\n\n[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n`,
      "sample/__init__.py": '__version__ = "1.0.0"\n',
    });
    expect(versionMismatches(flit, [pending()], HEAD).map((m) => m.source)).toEqual(["sample/__init__.py"]);
    // no pyproject at all: setup.py's version= literal is what setuptools builds (and what the
    // python updater rewrites); at the release's version it passes, and python_version is no version
    expect(
      versionMismatches(tree({ "setup.py": "setup(version='1.0.0')\n" }), [pending()], HEAD),
    ).toMatchObject([{ source: "setup.py", found: "1.0.0", unmanagedFile: undefined }]);
    expect(versionMismatches(tree({ "setup.py": "setup(version='1.1.0')\n" }), [pending()], HEAD)).toEqual(
      [],
    );
    const other = tree({
      "setup.py": "PYTHON_VERSION='1.0.0'\nsetup(python_version='1.0.0', version=get())\n",
    });
    expect(versionMismatches(other, [pending()], HEAD)).toEqual([]);
    // invalid TOML: left to the build, which names the file
    expect(versionMismatches(tree({ "pyproject.toml": "[project\n" }), [pending()], HEAD)).toEqual([]);
  });
});

let f: GitHubFixture | undefined;
afterEach(() => f?.cleanup());

describe.skipIf(!hasBinary())("run stops before the tag", () => {
  test("hatch's __about__.py not bumped → exit 1, nothing tagged or released; the hint's recovery releases it", async () => {
    const repo = TestRepo.python("1.0.0");
    repo.commit("build: hatch", {
      "pyproject.toml": `${HATCH}\n[tool.shipline.gates]\nlint = false\nformat = false\ntypecheck = false\ntests = false\nbuild = false\n`,
      "src/sample/__about__.py": '__version__ = "1.0.0"\n',
      ".gitignore": ".shipline/\n",
    });
    f = await githubFixture(repo);
    const gh = f;
    const run = (args: string[], env: Record<string, string> = {}) =>
      shipline([...args, "--cwd", repo.dir], { env: { ...gh.env, ...env } });
    const push = () => repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
    const merge = (n: number): string => {
      repo.git("fetch", "-q", "origin", "release-please--branches--main");
      repo.git("merge", "-q", "--squash", "FETCH_HEAD");
      const sha = repo.commit(`${gh.gh.pulls.find((p) => p.number === n)?.title} (#${n})`);
      push();
      gh.gh.merge(n, sha);
      return sha;
    };
    repo.git("push", "-q", "origin", "v1.0.0");
    repo.commit("feat: a feature", { "src/sample/a.py": "1\n" });
    push();
    // said when the PR is opened, before anyone merges it
    const pr1 = await run(["pr", "--date", "2026-12-01"]);
    expect(pr1.code).toBe(0);
    expect(pr1.stderr).toContain(
      "src/sample/__about__.py holds the version the build reads (1.0.0), and this release PR leaves it as it is: the tag v1.1.0 would build 1.0.0",
    );
    const merged = merge(1);
    expect(readFileSync(join(repo.dir, "src/sample/__about__.py"), "utf8")).toContain('"1.0.0"');

    // the first job of a two-job workflow refuses too: its publish job would build 1.0.0
    const nopub = await run(["run", "--no-publish", "--date", "2026-12-01"]);
    expect(nopub.code).toBe(1);
    expect(nopub.stderr).toContain(
      "the release PR did not bump the version the build reads; nothing was tagged",
    );
    expect((await run(["status", "--reset"])).code).toBe(0);
    const r = await run(["run", "--date", "2026-12-01"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "v1.1.0: src/sample/__about__.py says 1.0.0, not 1.1.0: the release PR did not bump the version the build reads; nothing was tagged",
    );
    expect(r.stderr).toContain(`git revert ${merged.slice(0, 7)}`);
    expect(gh.gh.tagSha("v1.1.0")).toBeUndefined();
    expect(gh.gh.releases).toHaveLength(0);

    // the hint: extra-files + the marker, revert, push; the next PR proposes 1.1.0 and bumps it
    const cfg = JSON.parse(readFileSync(join(repo.dir, "release-please-config.json"), "utf8"));
    cfg.packages["."]["extra-files"] = ["src/sample/__about__.py"];
    writeFileSync(join(repo.dir, "release-please-config.json"), `${JSON.stringify(cfg, null, 2)}\n`);
    repo.commit("chore: bump __about__.py in release PRs", {
      "src/sample/__about__.py": '__version__ = "1.0.0"  # x-release-please-version\n',
    });
    // pushed on its own, the fix finds the merged PR untagged behind HEAD: still not tagged,
    // its files being read at its merge commit
    push();
    // locally the failed run's checkpoint is still there (a CI runner starts without it)
    expect((await run(["run", "--date", "2026-12-01"])).stderr).toContain("shipline status --reset");
    expect((await run(["status", "--reset"])).code).toBe(0);
    const behind = await run(["run", "--date", "2026-12-01"]);
    expect(behind.code).toBe(1);
    expect(behind.stderr).toContain(
      "v1.1.0: src/sample/__about__.py says 1.0.0, not 1.1.0: the release PR did not bump the version the build reads; nothing was tagged",
    );
    expect(gh.gh.tagSha("v1.1.0")).toBeUndefined();
    expect((await run(["status", "--reset"])).code).toBe(0);
    repo.git("revert", "--no-edit", merged);
    push();
    const first = gh.gh.pulls.find((p) => p.number === 1)!;
    first.labels = first.labels.filter((l) => l !== "autorelease: pending");
    const pr2 = await run(["pr", "--date", "2026-12-01"]);
    expect(pr2.code).toBe(0);
    expect(pr2.stderr).not.toContain("holds the version the build reads");
    expect(gh.gh.pulls.find((p) => p.number === 2)?.title).toBe("chore(main): release 1.1.0");
    const again = merge(2);
    expect(readFileSync(join(repo.dir, "src/sample/__about__.py"), "utf8")).toContain('"1.1.0"');
    // the build itself needs Python tooling; stopping before it shows the tag was made
    const r2 = await run(["run", "--date", "2026-12-01"], { SHIPLINE_FAULT: "stage:before:build:throw" });
    expect(r2.stderr).not.toContain("the release PR did not bump");
    expect(gh.gh.tagSha("v1.1.0")).toBe(again);
    expect(gh.gh.releases.map((x) => x.tag_name)).toEqual(["v1.1.0"]);
  }, 120_000);
});

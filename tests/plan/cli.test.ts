/** `shipline plan` end to end with the compiled binary. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { BIN, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";

setDefaultTimeout(60_000);
const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

function pythonRepo(version = "0.1.0", config: Record<string, unknown> = {}): TestRepo {
  const r = TestRepo.create();
  repos.push(r);
  r.commit(`chore: release ${version}`, {
    "release-please-config.json": `${JSON.stringify({ packages: { ".": { "release-type": "python", ...config } } })}\n`,
    ".release-please-manifest.json": `${JSON.stringify({ ".": version })}\n`,
  });
  r.tag(`v${version}`);
  return r;
}

describe("shipline plan (binary)", () => {
  test("the lead's quick check: --json prints exactly the contract", async () => {
    const r = pythonRepo();
    const sha = r.commit("feat: second");
    const res = await shipline(["plan", "--json", "--repo", "o/r", "--date", "2026-01-01"], { cwd: r.dir });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({
      releases: [
        {
          path: ".",
          component: "",
          previousVersion: "0.1.0",
          version: "0.2.0",
          previousTag: "v0.1.0",
          tag: "v0.2.0",
          title: "chore(main): release 0.2.0",
          changelog: `## [0.2.0](https://github.com/o/r/compare/v0.1.0...v0.2.0) (2026-01-01)\n\n\n### Features\n\n* second ([${sha.slice(0, 7)}](https://github.com/o/r/commit/${sha}))`,
        },
      ],
    });
    expect(res.stdout.trim().split("\n").length).toBe(1);
    expect(Object.keys(JSON.parse(res.stdout).releases[0])).toEqual([
      "path",
      "component",
      "previousVersion",
      "version",
      "previousTag",
      "tag",
      "title",
      "changelog",
    ]);
  });

  test("a reader that stops early (`plan --json | head -c 20`) is not an error", async () => {
    const r = pythonRepo();
    // ~150 KB of JSON: more than a pipe holds, so writes go on after the reader has gone
    for (let i = 0; i < 30; i++) r.commit(`fix: change ${i} ${"with a long subject ".repeat(250)}`);
    const p = Bun.spawnSync(
      ["bash", "-c", 'set -o pipefail; "$0" plan --json --repo o/r | head -c 20', BIN],
      {
        cwd: r.dir,
      },
    );
    expect(p.stdout.toString()).toBe('{"releases":[{"path"');
    expect(p.stderr.toString()).not.toContain("internal error");
    expect(p.exitCode).toBe(0);
  });

  test("slug from GITHUB_REPOSITORY, then from the origin remote", async () => {
    const r = pythonRepo();
    r.commit("fix: x");
    const a = await shipline(["plan", "--json"], { cwd: r.dir, env: { GITHUB_REPOSITORY: "env/slug" } });
    expect(JSON.parse(a.stdout).releases[0].changelog).toContain("https://github.com/env/slug/compare/");
    r.git("remote", "add", "origin", "git@github.com:ssh-owner/ssh-repo.git");
    const b = await shipline(["plan", "--json"], { cwd: r.dir, env: { GITHUB_REPOSITORY: undefined } });
    expect(JSON.parse(b.stdout).releases[0].changelog).toContain(
      "https://github.com/ssh-owner/ssh-repo/compare/",
    );
  });

  test("no repository known (nothing pushed yet): plan still answers, with OWNER/REPO links and a warning", async () => {
    const r = pythonRepo();
    r.commit("fix: x");
    const env = { GITHUB_REPOSITORY: undefined };
    const res = await shipline(["plan", "--json"], { cwd: r.dir, env });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).releases[0].changelog).toContain(
      "https://github.com/OWNER/REPO/compare/v0.1.0...v0.1.1",
    );
    expect(res.stderr).toContain("no GitHub repository is known");
    expect(res.stderr).toContain("pass --repo OWNER/NAME");
    // what talks to GitHub still needs the real one
    const pr = await shipline(["pr", "--dry-run"], { cwd: r.dir, env });
    expect(pr.code).toBe(2);
    expect(pr.stderr).toContain("cannot tell which GitHub repository this is");
    // a malformed one is still an error, not a placeholder
    const bad = await shipline(["plan"], { cwd: r.dir, env: { GITHUB_REPOSITORY: "no-slash" } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('repository "no-slash" (from GITHUB_REPOSITORY) is not OWNER/NAME');
  });

  test("nothing to release: [] on stdout, --explain says why on stderr", async () => {
    const r = pythonRepo("1.0.0");
    r.commit("chore: tidy");
    r.commit("ci: faster");
    const j = await shipline(["plan", "--json", "--repo", "o/r"], { cwd: r.dir });
    expect(j.code).toBe(0);
    expect(j.stdout.trim()).toBe('{"releases":[]}');
    const e = await shipline(["plan", "--explain", "--repo", "o/r"], { cwd: r.dir });
    expect(e.code).toBe(0);
    expect(e.stdout).toBe("");
    expect(e.stderr).toContain("no user-facing commits");
    expect(e.stderr).toContain("hidden type");
    expect(e.stderr).toContain("Release-As");
  });

  test("manifest/tag disagreement is diagnosed", async () => {
    const r = pythonRepo("1.0.0");
    r.git("tag", "-d", "v1.0.0");
    r.commit("fix: x");
    const e = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(e.code).toBe(0);
    expect(e.stderr).toContain("tag v1.0.0 does not exist");
  });

  test("HEAD is a merged release PR: plan says to release it", async () => {
    const r = pythonRepo("1.0.0");
    r.commit("fix: x");
    r.commit("chore(main): release 1.0.1 (#3)", {
      ".release-please-manifest.json": '{".":"1.0.1"}\n',
      "CHANGELOG.md": "# Changelog\n\n## [1.0.1](u) (2026-01-01)\n\n\n### Bug Fixes\n\n* x\n",
    });
    const e = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(e.code).toBe(0);
    expect(e.stderr).toContain("HEAD is a merged release PR: v1.0.1 is not tagged yet (tag v1.0.1)");
  });

  test("manifest behind the tags: the collision is named", async () => {
    const r = pythonRepo("1.0.0");
    r.commit("fix: x");
    r.tag("v1.0.1");
    r.commit("fix: y");
    const e = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(e.code).toBe(0);
    expect(e.stderr).toContain("tag v1.0.1 already exists");
  });

  test("breaking change on 0.x: loud warning with the opt-out", async () => {
    const r = pythonRepo("0.3.0");
    r.commit("feat!: new api");
    const e = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(e.code).toBe(0);
    expect(e.stderr).toContain("0.3.0 → 1.0.0");
    expect(e.stderr).toContain("1.0.0 release");
    expect(e.stderr).toContain('"bump-minor-pre-major": true');
  });

  test("human output names previous → next, why, and the commits", async () => {
    const r = pythonRepo("1.0.0");
    r.commit("fix: a bug");
    r.commit("Update README");
    const e = await shipline(["plan", "--repo", "o/r", "--date", "2026-01-01"], { cwd: r.dir });
    expect(e.stderr).toContain("1.0.0 → 1.0.1");
    expect(e.stderr).toContain("why: patch");
    expect(e.stderr).toContain("not a conventional commit");
    expect(e.stderr).toContain("### Bug Fixes");
  });

  test("a monorepo's packages share release-please's one merged PR: the human plan says so", async () => {
    const r = TestRepo.create();
    repos.push(r);
    const packages = {
      "pkgs/a": { "release-type": "python", "package-name": "a" },
      "pkgs/b": { "release-type": "python", "package-name": "b" },
    };
    r.commit("chore: start", {
      "release-please-config.json": `${JSON.stringify({ packages })}\n`,
      ".release-please-manifest.json": '{"pkgs/a": "1.0.0", "pkgs/b": "2.0.0"}\n',
      "pkgs/a/pyproject.toml": '[project]\nname = "a"\nversion = "1.0.0"\n',
      "pkgs/b/pyproject.toml": '[project]\nname = "b"\nversion = "2.0.0"\n',
    });
    r.tag("a-v1.0.0").tag("b-v2.0.0");
    r.commit("feat: a thing", { "pkgs/a/x.py": "1\n" });
    r.commit("fix: b thing", { "pkgs/b/x.py": "1\n" });
    const res = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(res.code).toBe(0);
    expect(res.stderr.match(/release PR: .*/g)).toEqual([
      "release PR: chore: release main (one PR for 2 packages)",
      "release PR: chore: release main (one PR for 2 packages)",
    ]);
    // separate-pull-requests: each its own, titled by component
    r.write(
      "release-please-config.json",
      `${JSON.stringify({ "separate-pull-requests": true, packages })}\n`,
    );
    const sep = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(sep.stderr.match(/release PR: .*/g)).toEqual([
      "release PR: chore(main): release a 1.1.0",
      "release PR: chore(main): release b 2.0.1",
    ]);
  });

  test("usage and config errors: exit codes and one clear line", async () => {
    const r = pythonRepo();
    const bad = await shipline(["plan", "--date", "tomorrow", "--repo", "o/r"], { cwd: r.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--date tomorrow");

    r.write(
      "release-please-config.json",
      '{"packages":{".":{"release-type":"python","bump-minor-pre-major":"yes"}}}',
    );
    const inv = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(inv.code).toBe(1);
    expect(inv.stderr).toContain(
      'release-please-config.json: packages["."].bump-minor-pre-major must be true or false',
    );

    r.write(
      "release-please-config.json",
      '{"packages":{".":{"release-type":"python","bump-minor-pre-majr":true}}}',
    );
    r.commit("fix: y");
    const unk = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(unk.code).toBe(0);
    expect(unk.stderr).toContain('unknown key packages["."].bump-minor-pre-majr');

    r.write(".release-please-manifest.json", '{".":"1.2"}');
    const man = await shipline(["plan", "--repo", "o/r"], { cwd: r.dir });
    expect(man.code).toBe(1);
    expect(man.stderr).toContain("unable to parse version string: 1.2");
    expect(man.stderr).toContain(".release-please-manifest.json");

    const empty = TestRepo.create();
    repos.push(empty);
    empty.commit("feat: x");
    const none = await shipline(["plan", "--json", "--repo", "o/r"], { cwd: empty.dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("release-please-config.json is missing");
    expect(JSON.parse(none.stdout).error.message).toContain("release-please-config.json is missing");
  });
});

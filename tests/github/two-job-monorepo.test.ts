/**
 * A monorepo in a two-job workflow whose separate release PRs were merged at different commits,
 * both behind the pushed one (the merges' own runs were cancelled: a concurrency group keeps
 * one pending run). The release job (`run --no-publish`) tags each at its own merge commit, so
 * there is no single `releases_sha` to check out; the publish job, on the pushed commit, gets the
 * release job's `tags_released` output (`publish --tags`) and builds each release from its tag's
 * commit — real setuptools builds, uploaded to the PyPI stand-in.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { canBuild, PY } from "../dist/helpers/projects.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";

const DATE = "2026-12-01";
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const pkg = (name: string, version: string) => ({
  [`packages/${name}/pyproject.toml`]: `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${name}"\nversion = "${version}"\ndescription = "x"\n`,
  [`packages/${name}/src/${name}/__init__.py`]: "WHERE = 'first'\n",
});

/**
 * alpha, gamma and beta, separate release PRs. gamma sits between the other two in the manifest,
 * so alpha's and beta's version lines are not adjacent and their PRs merge one after the other
 * without a conflict, as on GitHub.
 */
function monorepo(): TestRepo {
  const repo = TestRepo.create();
  const packages = Object.fromEntries(
    ["alpha", "gamma", "beta"].map((n) => [`packages/${n}`, { "package-name": n }]),
  );
  repo.commit("chore: release main", {
    "release-please-config.json": `${JSON.stringify({ "release-type": "python", "separate-pull-requests": true, packages }, null, 2)}\n`,
    ".release-please-manifest.json":
      '{\n  "packages/alpha": "1.0.0",\n  "packages/gamma": "2.0.0",\n  "packages/beta": "0.3.0"\n}\n',
    "pyproject.toml":
      "[tool.shipline.gates]\nlint = false\nformat = false\ntypecheck = false\ntests = false\nbuild = false\n\n" +
      `[tool.shipline.build]\ncommand = ["sh", "-c", "exec ${PY} -m build --no-isolation --outdir \\"$SHIPLINE_OUT_DIR\\""]\n`,
    ".gitignore": "dist/\nbuild/\n*.egg-info/\n.shipline/\n",
    ...pkg("alpha", "1.0.0"),
    ...pkg("gamma", "2.0.0"),
    ...pkg("beta", "0.3.0"),
  });
  return repo.tag("alpha-v1.0.0").tag("gamma-v2.0.0").tag("beta-v0.3.0");
}

/** Squash-merge one package's release PR onto main, as GitHub does; its merge commit's sha. */
function mergePr(m: GitHubFixture, component: string): string {
  const pr = m.gh.pulls.find((p) => p.head.endsWith(`--components--${component}`));
  if (!pr) throw new Error(`no release PR for ${component}`);
  m.repo.git("fetch", "-q", "origin", pr.head);
  m.repo.git("merge", "-q", "--squash", "FETCH_HEAD");
  const sha = m.repo.commit(`${pr.title} (#${pr.number})`);
  m.gh.merge(pr.number, sha);
  return sha;
}

function outputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of readFileSync(file, "utf8").matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    out[m[1]!] = m[3]!;
  return out;
}

describe.skipIf(!hasBinary() || !canBuild())("a two-job monorepo released at different commits", () => {
  test("the publish job builds each release from its tag's commit (publish --tags) and publishes both", async () => {
    const repo = monorepo();
    const m = await githubFixture(repo);
    cleanups.push(() => m.cleanup());
    const pypi: PypiServer = await startPypi();
    cleanups.push(() => pypi.stop());
    repo.git("push", "-q", "origin", "--tags");
    repo.commit("feat: alpha feature", { "packages/alpha/src/alpha/x.py": "X = 1\n" });
    repo.commit("fix: beta fix", { "packages/beta/src/beta/y.py": "Y = 1\n" });
    repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
    const pr = await shipline(["pr", "--date", DATE, "--cwd", repo.dir], { env: m.env });
    expect(pr.code, pr.stderr).toBe(0);
    expect(m.gh.pulls.map((p) => p.title).sort()).toEqual([
      "chore(main): release alpha 1.1.0",
      "chore(main): release beta 0.3.1",
    ]);
    const atA = mergePr(m, "alpha");
    const atB = mergePr(m, "beta");
    // and main moves on before any run: alpha's code changes after its release
    repo.commit("docs: later", { "packages/alpha/src/alpha/__init__.py": "WHERE = 'later'\n" });
    repo.git("push", "-q", "origin", "HEAD:refs/heads/main");

    // the release job: both merged PRs found behind HEAD, each tagged at its own merge commit
    const outFile = join(tempDir("shipline-out-"), "output");
    const rel = await shipline(["run", "--no-publish", "--date", DATE, "--cwd", repo.dir], {
      env: { ...m.env, GITHUB_OUTPUT: outFile },
      timeoutMs: 120_000,
    });
    expect(rel.code, rel.stderr).toBe(0);
    expect([m.gh.tagSha("alpha-v1.1.0"), m.gh.tagSha("beta-v0.3.1")]).toEqual([atA, atB]);
    const o = outputs(outFile);
    expect(o.releases_sha).toBe(""); // no one commit to check out
    expect(JSON.parse(o.tags_released ?? "null")?.sort()).toEqual(["alpha-v1.1.0", "beta-v0.3.1"]);

    // the publish job: a fresh runner at the pushed commit, as init's workflow runs it
    repo.git("fetch", "-q", "--tags", "origin");
    const publish = (extra: string[]) => {
      for (const d of [".shipline", "dist"]) rmSync(join(repo.dir, d), { recursive: true, force: true });
      return shipline(
        [
          "publish",
          "--require-release",
          "--no-sign",
          "--repository-url",
          pypi.uploadUrl,
          ...extra,
          "--cwd",
          repo.dir,
        ],
        { env: { ...m.env, SHIPLINE_PYPI_TOKEN: pypi.token, HOME: repo.dir }, timeoutMs: 180_000 },
      );
    };
    const bare = await publish([]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("HEAD is not a release commit");
    expect(bare.stderr).toContain("shipline publish --tags <tag>");

    // tags that name no release stop the job before anything is built
    const missing = await publish(["--tags", "alpha-v9.9.9"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("tag alpha-v9.9.9 (--tags) is not in this clone");
    const notRelease = await publish(["--tags", '["alpha-v1.0.0"]']);
    expect(notRelease.code).toBe(1);
    expect(notRelease.stderr).toContain(
      "tag alpha-v1.0.0 (--tags) names no release of this repository's release-please config",
    );
    expect(`${missing.stderr}${notRelease.stderr}`).not.toContain("building ");
    const bad = await publish(["--tags=--upload-pack=x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--tags: "--upload-pack=x" is not a tag name');
    expect(pypi.uploads).toEqual([]);

    const pub = await publish([`--tags=${o.tags_released}`]);
    expect(pub.code, pub.stderr).toBe(0);
    expect(pub.stderr).toContain(`building alpha-v1.1.0 from its release commit ${atA.slice(0, 7)}`);
    expect(pub.stderr).toContain(`building beta-v0.3.1 from its release commit ${atB.slice(0, 7)}`);
    const names = (p: string) =>
      pypi
        .files(p)
        .map((f) => f.filename)
        .sort();
    expect(names("alpha")).toEqual(["alpha-1.1.0-py3-none-any.whl", "alpha-1.1.0.tar.gz"]);
    expect(names("beta")).toEqual(["beta-0.3.1-py3-none-any.whl", "beta-0.3.1.tar.gz"]);
    expect(names("gamma")).toEqual([]);
    // alpha's wheel holds alpha's code at its release, not HEAD's later change
    const wheel = pypi.files("alpha").find((f) => f.filename.endsWith(".whl"))!;
    const inside = unzipSync(new Uint8Array(readFileSync(wheel.path)));
    expect(new TextDecoder().decode(inside["alpha/__init__.py"])).toBe("WHERE = 'first'\n");
    expect(new TextDecoder().decode(inside["alpha/x.py"])).toBe("X = 1\n");
    const betaWheel = pypi.files("beta").find((f) => f.filename.endsWith(".whl"))!;
    expect(Object.keys(unzipSync(new Uint8Array(readFileSync(betaWheel.path))))).toContain("beta/y.py");
    // the user's checkout is untouched: no worktree left behind
    expect(repo.git("worktree", "list").trim().split("\n")).toHaveLength(1);
  }, 300_000);
});

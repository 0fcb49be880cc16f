/**
 * A shallow clone (actions/checkout's default fetch-depth: 1, no tags) must not be planned
 * from as is: `pr`/`run` fetch the history first, `plan` warns, and when the fetch is
 * impossible the run stops with the fix instead of proposing a wrong release.
 */
import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { GIT_ENV, tempDir } from "../helpers/repo.ts";
import { GATES_OFF, sampleProject } from "../helpers/sample-project.ts";

function shallowClone() {
  const origin = sampleProject({ version: "1.0.0", shipline: `[tool.shipline]\n${GATES_OFF}` });
  origin.commit("feat: spin", { "src/shipline_sample/spin.py": "x = 1\n" });
  origin.commit("fix: count", { "src/shipline_sample/count.py": "y = 2\n" });
  const dir = join(tempDir("shipline-shallow-"), "clone");
  const c = Bun.spawnSync(["git", "clone", "-q", "--depth", "1", `file://${origin.dir}`, dir], {
    env: { ...process.env, ...GIT_ENV },
  });
  expect(c.exitCode).toBe(0);
  return { origin, dir };
}

const env = { ...GIT_ENV, GITHUB_REPOSITORY: "octo/sample", GITHUB_TOKEN: undefined };

test.skipIf(!hasBinary())(
  "pr --dry-run on a shallow clone fetches history and tags, then plans 1.1.0",
  async () => {
    const { dir } = shallowClone();
    const plan = await shipline(["plan"], { cwd: dir, env });
    expect(plan.stderr).toContain("this is a shallow clone");
    // the tag is only not fetched: no advice to create it
    expect(plan.stderr).toContain(
      ".: tag shipline-sample-v1.0.0 (the manifest's 1.0.0) is not in this shallow clone, so only the fetched commits count",
    );
    expect(plan.stderr).not.toContain("Create the tag");
    const r = await shipline(["pr", "--dry-run", "--date", "2026-12-01"], { cwd: dir, env });
    expect(r.stderr).toContain("shallow clone: fetching the full history and tags");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("title:  chore(main): release shipline-sample 1.1.0");
    expect(r.stderr).toContain("* spin (");
    const after = await shipline(["plan", "--json", "--date", "2026-12-01"], { cwd: dir, env });
    expect(JSON.parse(after.stdout).releases[0]).toMatchObject({
      previousTag: "shipline-sample-v1.0.0",
      version: "1.1.0",
    });
    expect(after.stderr).not.toContain("shallow clone");
  },
);

test.skipIf(!hasBinary())(
  "a shallow clone whose origin is unreachable: exit 1 with the fetch-depth fix",
  async () => {
    const { origin, dir } = shallowClone();
    rmSync(origin.dir, { recursive: true, force: true });
    const r = await shipline(["pr", "--dry-run"], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is a shallow clone and fetching its history failed");
    expect(r.stderr).toContain("fetch-depth: 0");
  },
);

test.skipIf(!hasBinary())(
  "a one-commit clone of a push after a release is not taken for a merged release PR",
  async () => {
    const origin = sampleProject({ version: "1.0.0", shipline: `[tool.shipline]\n${GATES_OFF}` });
    origin.commit("feat: spin", { "src/shipline_sample/spin.py": "x = 1\n" });
    // what a merged release PR leaves: the manifest at 1.1.0, its CHANGELOG entry, then the tag
    origin.commit("chore(main): release shipline-sample 1.1.0 (#1)", {
      ".release-please-manifest.json": '{\n  ".": "1.1.0"\n}\n',
      "CHANGELOG.md":
        "# Changelog\n\n## [1.1.0](https://github.com/octo/sample/compare/shipline-sample-v1.0.0...shipline-sample-v1.1.0) (2026-12-01)\n\n\n### Features\n\n* spin\n",
    });
    origin.tag("shipline-sample-v1.1.0");
    origin.commit("fix: later fix", { "src/shipline_sample/later.py": "z = 3\n" });
    const dir = join(tempDir("shipline-shallow-"), "clone");
    const c = Bun.spawnSync(
      ["git", "clone", "-q", "--depth", "1", "--no-tags", `file://${origin.dir}`, dir],
      {
        env: { ...process.env, ...GIT_ENV },
      },
    );
    expect(c.exitCode).toBe(0);
    const plan = await shipline(["plan"], { cwd: dir, env });
    expect(plan.stderr).not.toContain("HEAD is a merged release PR");
    // no GitHub token: the run stops at the pr stage, after the plan stage decided
    await shipline(["run", "--date", "2026-12-01"], { cwd: dir, env });
    const r = await shipline(["status", "--json"], { cwd: dir, env });
    const planned = JSON.parse(r.stdout).checkpoint.stages.plan.result;
    expect(planned.action).toBe("pr");
    expect(planned.pending).toEqual([]);
    expect(planned.releases[0]).toMatchObject({ previousVersion: "1.1.0", version: "1.1.1" });
  },
);

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

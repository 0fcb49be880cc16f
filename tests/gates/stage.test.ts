/** The gates stage inside `shipline run`: passes are checkpointed, `resume` does not run them again. */
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { shipline } from "../helpers/cli.ts";
import type { TestRepo } from "../helpers/repo.ts";
import { PY, sampleProject, standInRuff, testEnv } from "./sample.ts";

const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

test("run fails on a blocking gate; resume re-runs only what did not pass for this HEAD", async () => {
  const repo = sampleProject();
  repos.push(repo);
  const ruff = standInRuff();
  // A pull_request flow is gates only, so the test does not depend on the later stages.
  const env = testEnv(ruff.dir, { GITHUB_EVENT_NAME: "pull_request" });
  const first = await shipline(["run"], {
    cwd: repo.dir,
    env: { ...env, SAMPLE_FAIL: "1" },
    timeoutMs: 120_000,
  });
  expect(first.code).toBe(1);
  expect(first.stderr).toContain(`blocking gate(s) failed: tests (${PY})`);
  const state = JSON.parse(readFileSync(join(repo.dir, ".shipline/state.json"), "utf8"));
  expect(state.stages.gates.status).toBe("failed");
  expect(state.stages.gates.progress.head).toBe(repo.head());
  expect(state.stages.gates.progress.passed.sort()).toEqual(["format", "lint", `typecheck@${PY}`]);
  expect(ruff.calls()).toHaveLength(2);

  const resumed = await shipline(["resume", "--json"], { cwd: repo.dir, env, timeoutMs: 120_000 });
  expect(resumed.stderr).not.toContain("internal error");
  expect(resumed.code).toBe(0);
  expect(ruff.calls()).toHaveLength(2); // lint and format were not run again
  const out = JSON.parse(resumed.stdout);
  const rows = out.stages.gates.result.rows as { gate: string; status: string; cached: boolean }[];
  expect(rows.map((r) => `${r.gate}:${r.status}:${r.cached}`)).toEqual([
    "lint:pass:true",
    "format:pass:true",
    "typecheck:pass:true",
    "tests:pass:false",
    "build:skipped:false",
  ]);
}, 180_000);

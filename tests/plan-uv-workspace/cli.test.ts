/** `shipline plan --json` on a uv workspace (compiled binary), and the merged release PR's pending releases. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { findPendingReleases } from "../../src/plan/pending.ts";
import { planReleases } from "../../src/plan/planner.ts";
import { releaseChanges } from "../../src/plan/release-changes.ts";
import { shipline } from "../helpers/cli.ts";
import type { TestRepo } from "../helpers/repo.ts";
import { workspaceRepo } from "./fixture.ts";

setDefaultTimeout(60_000);
const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

describe("a uv workspace end to end", () => {
  test("plan --json lists each member's release with its own tag, title and entry", async () => {
    const r = workspaceRepo();
    repos.push(r);
    const sha = r.commit("feat(c): streaming", { "packages/c/stream.py": "" });
    const res = await shipline(["plan", "--json", "--repo", "o/r", "--date", "2026-01-01"], { cwd: r.dir });
    expect(res.stderr).toBe(
      "⚠ pyproject.toml: uv workspace member packages/docs has no pyproject.toml; skipped\n",
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({
      releases: [
        {
          path: "packages/c",
          component: "acme_c",
          previousVersion: "0.3.0",
          version: "0.4.0",
          previousTag: "acme_c-v0.3.0",
          tag: "acme_c-v0.4.0",
          title: "chore(main): release acme_c 0.4.0",
          changelog: `## [0.4.0](https://github.com/o/r/compare/acme_c-v0.3.0...acme_c-v0.4.0) (2026-01-01)\n\n\n### Features\n\n* **c:** streaming ([${sha.slice(0, 7)}](https://github.com/o/r/commit/${sha}))`,
        },
        {
          path: "tools/cli",
          component: "acme-cli",
          previousVersion: "2.0.0",
          version: "2.0.1",
          previousTag: "acme-cli-v2.0.0",
          tag: "acme-cli-v2.0.1",
          title: "chore(main): release acme-cli 2.0.1",
          changelog:
            "## [2.0.1](https://github.com/o/r/compare/acme-cli-v2.0.0...acme-cli-v2.0.1) (2026-01-01)\n\n\n### Dependencies\n\n* The following workspace dependencies were updated\n  * dependencies\n    * acme-c bumped from >= 0.3.0, <1 to >= 0.4.0, <1",
        },
      ],
    });
  });

  test("the merged release PR is pending for every member it released, with member tags", async () => {
    const r = workspaceRepo();
    repos.push(r);
    r.commit("fix: b handles empty input", { "packages/b/src/acme_b/core.py": "" });
    const plan = await planReleases(r.dir, {
      repo: "o/r",
      date: "2026-01-01",
      env: {},
      targetBranch: "main",
    });
    const files: Record<string, string> = {};
    for (const f of releaseChanges(r.dir, plan)) files[f.path] = f.content;
    r.commit("chore: release main", files);
    const pending = findPendingReleases(r.dir);
    expect(pending.map((p) => [p.path, p.tag, p.name])).toEqual([
      ["packages/a", "acme-a-v1.0.1", "acme-a: v1.0.1"],
      ["packages/b", "acme-b-v1.2.1", "acme-b: v1.2.1"],
      ["packages/c", "acme_c-v0.3.1", "acme_c: v0.3.1"],
      ["tools/cli", "acme-cli-v2.0.1", "acme-cli: v2.0.1"],
    ]);
    expect(pending[0]!.notes).toContain("* acme-b bumped from >=1.2.0 to >=1.2.1");
    // after tagging, the next plan starts from the new tags: nothing to release
    for (const p of pending) r.tag(p.tag);
    const next = await planReleases(r.dir, { repo: "o/r", env: {}, targetBranch: "main" });
    expect(next.releases).toEqual([]);
  });
});

/** The plan stage on real repositories: release / pr / none, and confirm-major. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Checkpoint } from "../../src/pipeline/checkpoint.ts";
import type { RunOptions, StageContext } from "../../src/pipeline/stage.ts";
import { planStage } from "../../src/plan/stage.ts";
import type { PlanStageResult } from "../../src/plan/types.ts";
import { createLogger } from "../../src/ui/log.ts";
import { TestRepo } from "../helpers/repo.ts";

setDefaultTimeout(60_000);
const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

function ctx(root: string, options: Partial<RunOptions> = {}): { c: StageContext; lines: string[] } {
  const lines: string[] = [];
  const c: StageContext = {
    root,
    log: createLogger({ write: (l) => lines.push(l), env: { NO_COLOR: "1" } }),
    env: { ...process.env, GITHUB_REPOSITORY: "o/r", GITHUB_ACTIONS: undefined },
    options: {
      command: "run",
      event: "local",
      order: "release-first",
      publish: false,
      noSign: false,
      dryRun: false,
      date: "2026-01-01",
      ...options,
    },
    checkpoint: {} as Checkpoint,
    resultOf: () => undefined,
    progress: {},
    saveProgress: () => {},
  };
  return { c, lines };
}

async function run(root: string, options: Partial<RunOptions> = {}): Promise<PlanStageResult> {
  return (await planStage.run(ctx(root, options).c)).result;
}

function repo(version: string, pyproject = ""): TestRepo {
  const r = TestRepo.python(version);
  repos.push(r);
  if (pyproject) r.commit("chore: shipline config", { "pyproject.toml": pyproject });
  return r;
}

describe("plan stage", () => {
  test("none, then pr", async () => {
    const r = repo("1.0.0");
    expect((await run(r.dir)).action).toBe("none");
    r.commit("fix: bug");
    const res = await run(r.dir);
    expect(res.action).toBe("pr");
    expect(res.releases[0]?.version).toBe("1.0.1");
    expect(res.pending).toEqual([]);
  });

  test("HEAD is a merged release PR: release with the CHANGELOG entry as notes", async () => {
    const r = repo("1.0.0");
    r.commit("feat: thing");
    const entry =
      "## [1.1.0](https://github.com/o/r/compare/v1.0.0...v1.1.0) (2026-01-01)\n\n\n### Features\n\n* thing (abc)";
    const sha = r.commit("chore(main): release 1.1.0 (#5)", {
      ".release-please-manifest.json": '{\n  ".": "1.1.0"\n}\n',
      "CHANGELOG.md": `# Changelog\n\n${entry}\n\n## [1.0.0](x) (2025-01-01)\n\n* old\n`,
    });
    const res = await run(r.dir);
    expect(res.action).toBe("release");
    expect(res.pending).toEqual([
      {
        path: ".",
        component: "",
        packageName: undefined,
        version: "1.1.0",
        tag: "v1.1.0",
        sha,
        name: "v1.1.0",
        notes: entry,
        prerelease: false,
        draft: false,
      },
    ]);
    // once tagged, it is no longer pending and nothing new is releasable
    r.tag("v1.1.0");
    expect((await run(r.dir)).action).toBe("none");
  });

  test("a manifest change without the version's CHANGELOG entry is not a release (e.g. init)", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("chore: adopt release-please", {
      "release-please-config.json": '{"packages":{".":{"release-type":"python"}}}',
      ".release-please-manifest.json": '{".":"0.3.0"}',
    });
    const res = await run(r.dir);
    expect(res.action).not.toBe("release");
    expect(res.pending).toEqual([]);
  });

  test("confirm-major refuses a major unless allowed or Release-As", async () => {
    const r = repo(
      "1.4.0",
      '[project]\nname = "sample"\nversion = "1.4.0"\n\n[tool.shipline]\nconfirm-major = true\n',
    );
    r.commit("feat!: new api");
    await expect(run(r.dir)).rejects.toThrow(/refusing a major release: \. 1\.4\.0 → 2\.0\.0/);
    expect((await run(r.dir, { allowMajor: true })).releases[0]?.version).toBe("2.0.0");
    r.commit("chore: go\n\nRelease-As: 2.0.0");
    expect((await run(r.dir)).releases[0]?.version).toBe("2.0.0");
  });

  test("without confirm-major a major goes through", async () => {
    const r = repo("1.4.0");
    r.commit("fix!: drop py3.8");
    expect((await run(r.dir)).releases[0]?.version).toBe("2.0.0");
  });
});

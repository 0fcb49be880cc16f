/**
 * The build and check stages with a real StageContext over a real project: version verified
 * against the plan, files reused on resume, digests recorded, changed and failing files refused.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildStage } from "../../src/dist/stage-build.ts";
import { checkStage } from "../../src/dist/stage-check.ts";
import type { BuildStageResult, CheckStageResult } from "../../src/dist/types.ts";
import { ShiplineError } from "../../src/errors.ts";
import type { RunOptions, StageContext } from "../../src/pipeline/stage.ts";
import type { PlanStageResult } from "../../src/plan/types.ts";
import { createLogger } from "../../src/ui/log.ts";
import { tempDir } from "../helpers/repo.ts";
import { canBuild, PY, writeProject } from "./helpers/projects.ts";

const dir = tempDir("shipline-stages-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = (version: string): PlanStageResult => ({
  action: "release",
  releases: [],
  pending: [
    {
      path: ".",
      component: "",
      version,
      tag: `v${version}`,
      sha: "0".repeat(40),
      name: `v${version}`,
      notes: "",
      prerelease: false,
      draft: false,
    },
  ],
});

function context(root: string, results: Record<string, unknown>, progress: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const saved: Record<string, unknown>[] = [];
  const options: RunOptions = {
    command: "publish",
    event: "local",
    order: "release-first",
    publish: true,
    noSign: true,
    dryRun: false,
  };
  const ctx: StageContext = {
    root,
    log: createLogger({ write: (l) => lines.push(l), env: { NO_COLOR: "1" } }),
    env: process.env,
    options,
    checkpoint: {} as never,
    resultOf: <T>(s: string) => results[s] as T | undefined,
    progress,
    saveProgress: (p) => saved.push(structuredClone(p)),
  };
  return { ctx, lines, saved };
}

/** A project whose build command also counts how often it ran. */
function project(name: string, version: string): string {
  return writeProject(dir, {
    name,
    version,
    readme: ["README.md", "# hi\n"],
    extra: `\n[tool.shipline.build]\ncommand = ["sh", "-c", "echo run >> runs.log; ${PY} -m build --no-isolation --sdist --wheel --outdir dist"]\n`,
  });
}
const runs = (root: string) =>
  readFileSync(join(root, "runs.log"), "utf8").split("\n").filter(Boolean).length;

describe.skipIf(!canBuild())("build stage", () => {
  test("builds, checks the version, records files + sha256; a resume reuses them", async () => {
    const root = project("stagepkg", "2.0.0");
    const first = context(root, { plan: plan("2.0.0") });
    const { result } = await buildStage.run(first.ctx);
    expect(result.files.sort()).toEqual([
      "dist/stagepkg-2.0.0-py3-none-any.whl",
      "dist/stagepkg-2.0.0.tar.gz",
    ]);
    expect(result.version).toBe("2.0.0");
    expect(Object.keys(result.sha256!).sort()).toEqual(result.files.sort());
    expect(runs(root)).toBe(1);

    // Resume with the saved progress: same files, same digests → no second build.
    const again = context(root, { plan: plan("2.0.0") }, first.saved.at(-1));
    const second = await buildStage.run(again.ctx);
    expect(second.result.files.sort()).toEqual(result.files.sort());
    expect(runs(root)).toBe(1);
    expect(again.lines.join("\n")).toContain("reusing the distributions built earlier");

    // A recorded file that changed on disk is not reused: build again.
    writeFileSync(join(root, result.files[0]!), "changed");
    const third = context(root, { plan: plan("2.0.0") }, first.saved.at(-1));
    await buildStage.run(third.ctx);
    expect(runs(root)).toBe(2);
  }, 120_000);

  test("a version that is not the planned one is a blocking error", async () => {
    const root = project("stalepkg", "2.0.0");
    const { ctx } = context(root, { plan: plan("2.1.0") });
    const err = await buildStage.run(ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ShiplineError);
    expect(err.message).toContain("not version 2.1.0");
    expect(err.message).toContain("the version files were not updated");
  }, 120_000);
});

describe.skipIf(!canBuild())("check stage", () => {
  test("records every file's digests; refuses a file changed since build; FAILED blocks", async () => {
    const root = project("checkpkg", "3.0.0");
    const built = (await buildStage.run(context(root, { plan: plan("3.0.0") }).ctx))
      .result as BuildStageResult;
    const ok = context(root, { build: built });
    const { result } = (await checkStage.run(ok.ctx)) as { result: CheckStageResult };
    expect(result.files.map((f) => f.path).sort()).toEqual([...built.files].sort());
    for (const f of result.files) {
      expect(f.digests.sha256).toBe(built.sha256![f.path]!);
      expect(f.digests.md5).toMatch(/^[0-9a-f]{32}$/);
      expect(f.digests.blake2_256).toMatch(/^[0-9a-f]{64}$/);
      expect(f.metadata.Name).toBe("checkpkg");
    }
    expect(ok.lines.some((l) => /^Checking dist\/checkpkg-3.0.0.tar.gz: PASSED$/.test(l))).toBe(true);
    expect(Object.keys(ok.saved.at(-1)!.checked as object).length).toBe(2);

    // Rewritten after the build: refused before anything is signed or uploaded.
    const whl = built.files.find((f) => f.endsWith(".whl"))!;
    const original = readFileSync(join(root, whl));
    writeFileSync(join(root, whl), Buffer.concat([original, Buffer.from("x")]));
    const err = await checkStage.run(context(root, { build: built }).ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ShiplineError);
    expect(err.message).toContain("changed since it was built");
    writeFileSync(join(root, whl), original);

    // A file that fails the check stops the flow with a clear error.
    writeFileSync(join(root, "dist", "broken-1.0.tar.gz"), "not an archive");
    const failed = context(root, { build: { files: ["dist/broken-1.0.tar.gz"] } });
    const err2 = await checkStage.run(failed.ctx).catch((e) => e);
    expect(err2).toBeInstanceOf(ShiplineError);
    expect(err2.message).toContain("check FAILED for dist/broken-1.0.tar.gz");
    expect(failed.lines.join("\n")).toContain("Checking dist/broken-1.0.tar.gz: FAILED");
  }, 120_000);

  test("publish FILES… are checked instead of the build's", async () => {
    const root = project("filespkg", "1.0.0");
    const built = (await buildStage.run(context(root, { plan: plan("1.0.0") }).ctx))
      .result as BuildStageResult;
    const wheel = built.files.find((f) => f.endsWith(".whl"))!;
    const c = context(root, {});
    c.ctx.options.files = [wheel];
    const { result } = (await checkStage.run(c.ctx)) as { result: CheckStageResult };
    expect(result.files.map((f) => f.path)).toEqual([wheel]);
  }, 120_000);
});

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../src/errors.ts";
import { CheckpointError } from "../../src/pipeline/checkpoint.ts";
import type { StageDef } from "../../src/pipeline/flow.ts";
import { Lock, LockedError } from "../../src/pipeline/lock.ts";
import { runFlow, storeFor } from "../../src/pipeline/machine.ts";
import type { RunOptions } from "../../src/pipeline/stage.ts";
import { STAGE_NAMES, type StageName } from "../../src/pipeline/stage-names.ts";
import { createLogger } from "../../src/ui/log.ts";
import { TestRepo } from "../helpers/repo.ts";

// A fake stage set (test doubles of stages); the checkpoint store, lock and machine are real.
function fakeFlow(
  ran: StageName[],
  failAt?: { stage: StageName; times: number },
): Record<StageName, StageDef> {
  const order: StageName[] = ["gates", "plan", "release", "build", "check", "upload"];
  const flow = {} as Record<StageName, StageDef>;
  for (const name of STAGE_NAMES) {
    const i = order.indexOf(name);
    flow[name] = {
      load: async () => ({
        name,
        async run(ctx) {
          ran.push(name);
          if (failAt?.stage === name && failAt.times > 0) {
            failAt.times--;
            ctx.saveProgress({ partial: true });
            throw new Error(`boom in ${name}`);
          }
          return { result: { name, sawProgress: ctx.progress.partial === true } };
        },
      }),
      next: () => (i >= 0 && i < order.length - 1 ? order[i + 1]! : "done"),
    };
  }
  return flow;
}

const opts = (): RunOptions => ({
  command: "run",
  event: "local",
  order: "release-first",
  publish: true,
  noSign: true,
  dryRun: false,
});
const quiet = createLogger({ quiet: true, write: () => {} });

describe("state machine", () => {
  test("runs every stage once and records each result", async () => {
    const repo = TestRepo.python();
    const ran: StageName[] = [];
    const out = await runFlow({ root: repo.dir, log: quiet, flow: fakeFlow(ran) }, "start", "gates", opts());
    expect(ran).toEqual(["gates", "plan", "release", "build", "check", "upload"]);
    expect(out.checkpoint.next).toBe("done");
    expect(storeFor({ root: repo.dir }).load()?.history).toEqual(ran);
  });

  for (const failing of ["gates", "plan", "release", "build", "check", "upload"] as StageName[]) {
    test(`resume after a failure in ${failing} continues at ${failing}, never re-runs earlier stages`, async () => {
      const repo = TestRepo.python();
      const ran: StageName[] = [];
      const flow = fakeFlow(ran, { stage: failing, times: 1 });
      await expect(runFlow({ root: repo.dir, log: quiet, flow }, "start", "gates", opts())).rejects.toThrow(
        /boom/,
      );
      const cp = storeFor({ root: repo.dir }).load()!;
      expect(cp.next).toBe(failing);
      expect(cp.stages[failing]?.status).toBe("failed");
      const before = ran.length;
      const out = await runFlow({ root: repo.dir, log: quiet, flow }, "resume", "gates", opts());
      expect(ran.slice(before)[0]).toBe(failing);
      expect(ran.filter((s) => s === "gates").length).toBe(failing === "gates" ? 2 : 1);
      expect(out.checkpoint.next).toBe("done");
      expect(out.checkpoint.stages[failing]?.attempts).toBe(2);
      expect((out.checkpoint.stages[failing]!.result as { sawProgress: boolean }).sawProgress).toBe(true);
    });
  }

  test("resume refuses when HEAD moved, naming both commits", async () => {
    const repo = TestRepo.python();
    const ran: StageName[] = [];
    const flow = fakeFlow(ran, { stage: "build", times: 1 });
    await expect(runFlow({ root: repo.dir, log: quiet, flow }, "start", "gates", opts())).rejects.toThrow();
    repo.commit("feat: sneaky");
    const err = await runFlow({ root: repo.dir, log: quiet, flow }, "resume", "gates", opts()).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toMatch(/HEAD moved from [0-9a-f]{7} to [0-9a-f]{7}/);
    expect(ran.filter((s) => s === "build").length).toBe(1);
  });

  test("resume refuses when the manifest changed", async () => {
    const repo = TestRepo.python();
    const flow = fakeFlow([], { stage: "check", times: 1 });
    await expect(runFlow({ root: repo.dir, log: quiet, flow }, "start", "gates", opts())).rejects.toThrow();
    writeFileSync(join(repo.dir, ".release-please-manifest.json"), '{".": "9.9.9"}\n');
    await expect(runFlow({ root: repo.dir, log: quiet, flow }, "resume", "gates", opts())).rejects.toThrow(
      /manifest/,
    );
  });

  test("a second run while one holds the lock fails fast with a clear message", async () => {
    const repo = TestRepo.python();
    const lockPath = join(repo.dir, ".shipline", "lock");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(repo.dir, ".shipline"), { recursive: true });
    const held = Lock.acquire(lockPath, "run");
    const t0 = Date.now();
    const err = await runFlow(
      { root: repo.dir, log: quiet, flow: fakeFlow([]) },
      "start",
      "gates",
      opts(),
    ).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(LockedError);
    expect(err.message).toContain(`pid ${process.pid}`);
    held.release();
  });

  test("a stale lock of a dead process is taken over", async () => {
    const repo = TestRepo.python();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(repo.dir, ".shipline"), { recursive: true });
    const dead = Bun.spawnSync(["true"]).pid;
    const { hostname } = await import("node:os");
    writeFileSync(
      join(repo.dir, ".shipline", "lock"),
      JSON.stringify({ pid: dead, host: hostname(), startedAt: "x", command: "run" }),
    );
    const out = await runFlow({ root: repo.dir, log: quiet, flow: fakeFlow([]) }, "start", "gates", opts());
    expect(out.checkpoint.next).toBe("done");
  });

  test("a live lock in another process is never stolen", async () => {
    const repo = TestRepo.python();
    const script = `import { Lock } from ${JSON.stringify(join(import.meta.dir, "../../src/pipeline/lock.ts"))};
      const { mkdirSync } = await import("node:fs"); mkdirSync(process.argv[2] + "/.shipline", { recursive: true });
      Lock.acquire(process.argv[2] + "/.shipline/lock", "run"); console.log("held"); await Bun.sleep(30000);`;
    const file = join(repo.dir, "holder.ts");
    writeFileSync(file, script);
    const child = Bun.spawn([process.execPath, file, repo.dir], { stdout: "pipe" });
    await child.stdout.getReader().read();
    const err = await runFlow(
      { root: repo.dir, log: quiet, flow: fakeFlow([]) },
      "start",
      "gates",
      opts(),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect(err.message).toContain(`pid ${child.pid}`);
    child.kill("SIGKILL");
  });

  test("re-running `run` on a finished checkpoint does nothing", async () => {
    const repo = TestRepo.python();
    const ran: StageName[] = [];
    await runFlow({ root: repo.dir, log: quiet, flow: fakeFlow(ran) }, "start", "gates", opts());
    const out = await runFlow({ root: repo.dir, log: quiet, flow: fakeFlow(ran) }, "start", "gates", opts());
    expect(out.alreadyDone).toBe(true);
    expect(ran.length).toBe(6);
  });

  test("a re-run asking for other options than the checkpoint's is refused, unfinished or finished", async () => {
    const repo = TestRepo.python();
    const ran: StageName[] = [];
    const pypi = { ...opts(), repositoryUrl: "https://upload.pypi.org/legacy/" };
    const test = { ...opts(), repositoryUrl: "https://test.pypi.org/legacy/" };
    await expect(
      runFlow(
        { root: repo.dir, log: quiet, flow: fakeFlow(ran, { stage: "upload", times: 1 }) },
        "start",
        "gates",
        pypi,
      ),
    ).rejects.toThrow("boom in upload");
    const before = storeFor({ root: repo.dir }).load();
    for (const other of [test, { ...pypi, files: ["dist/a.whl"] }, { ...pypi, noSign: false }]) {
      const err = await runFlow(
        { root: repo.dir, log: quiet, flow: fakeFlow(ran) },
        "start",
        "gates",
        other,
      ).catch((e) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toContain("holds an unfinished run");
      expect(err.hint).toContain("shipline resume");
    }
    const err = await runFlow(
      { root: repo.dir, log: quiet, flow: fakeFlow(ran) },
      "start",
      "gates",
      test,
    ).catch((e) => e);
    expect(err.message).toContain(
      "publish.repository-url): https://upload.pypi.org/legacy/ in the checkpoint, https://test.pypi.org/legacy/ now",
    );
    // nothing ran and the checkpoint is untouched
    expect(storeFor({ root: repo.dir }).load()).toEqual(before!);
    // the same options continue it; a finished run with other options is refused too
    const event = { ...pypi, event: "push" };
    const out = await runFlow({ root: repo.dir, log: quiet, flow: fakeFlow(ran) }, "start", "gates", event);
    expect(out.checkpoint.next).toBe("done");
    const done = await runFlow(
      { root: repo.dir, log: quiet, flow: fakeFlow(ran) },
      "start",
      "gates",
      test,
    ).catch((e) => e);
    expect(done.message).toContain("holds a finished run");
    expect(done.hint).toContain("status --reset");
  });

  test("--dry-run runs pure stages, previews the rest, and writes no checkpoint", async () => {
    const repo = TestRepo.python();
    const ran: StageName[] = [];
    const flow = fakeFlow(ran);
    const plan = flow.plan;
    flow.plan = { ...plan, load: async () => ({ ...(await plan.load()), pure: true }) };
    const previewed: string[] = [];
    const build = flow.build;
    flow.build = {
      ...build,
      load: async () => ({
        ...(await build.load()),
        preview: async () => {
          previewed.push("build");
          return { result: { wouldBuild: true } };
        },
      }),
    };
    const out = await runFlow({ root: repo.dir, log: quiet, flow }, "start", "gates", {
      ...opts(),
      dryRun: true,
    });
    expect(ran).toEqual(["plan"]);
    expect(previewed).toEqual(["build"]);
    expect(out.checkpoint.next).toBe("done");
    expect(storeFor({ root: repo.dir }).exists()).toBe(false);
  });
});

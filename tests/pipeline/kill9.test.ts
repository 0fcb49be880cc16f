import { expect, test } from "bun:test";
import { join } from "node:path";
import { CheckpointStore } from "../../src/pipeline/checkpoint.ts";
import { tempDir } from "../helpers/repo.ts";

const ITERATIONS = Number(process.env.KILL9_ITERATIONS ?? 200);

test(`kill -9 mid-write never leaves a corrupt checkpoint (${ITERATIONS} kills)`, async () => {
  const root = tempDir();
  const path = join(root, ".shipline", "state.json");
  const store = new CheckpointStore(path, root);
  const writer = join(import.meta.dir, "kill-writer.ts");
  let loaded = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const child = Bun.spawn([process.execPath, writer, path, root], { stdout: "pipe", stderr: "inherit" });
    const reader = child.stdout.getReader();
    await reader.read(); // first save completed
    await Bun.sleep(Math.random() * 15);
    child.kill("SIGKILL");
    await child.exited;
    const cp = store.load(); // throws on a torn or corrupt file
    expect(cp?.next).toBe("upload");
    loaded++;
    store.sweepTempFiles();
  }
  expect(loaded).toBe(ITERATIONS);
  const { readdirSync } = await import("node:fs");
  expect(readdirSync(join(root, ".shipline")).filter((n) => n.includes(".tmp-"))).toEqual([]);
}, 300_000);

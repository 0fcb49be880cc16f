/** Temp files of killed writers are swept on the next run; a live writer's are never touched. */
import { expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sweepStaleTempFiles } from "../../src/pipeline/atomic-write.ts";
import { tempDir } from "../helpers/repo.ts";

/** A pid that certainly belonged to a process that is gone: one we started and waited for. */
function deadPid(): number {
  const p = Bun.spawnSync(["true"]);
  return p.pid;
}

test("stale temp files (dead pid) go, a live writer's and ordinary files stay", () => {
  const dir = tempDir("shipline-sweep-");
  const dead = deadPid();
  const stale = `.pkg-1.0-py3-none-any.whl.publish.attestation.tmp-${dead}-abc123`;
  const live = `.pkg-1.0.tar.gz.sigstore.json.tmp-${process.pid}-def456`;
  const lookalike = "notes.tmp-123-x"; // not our naming: kept
  for (const n of [stale, live, lookalike, "pkg-1.0.tar.gz"]) writeFileSync(join(dir, n), "x");
  sweepStaleTempFiles(dir);
  expect(existsSync(join(dir, stale))).toBe(false);
  expect(existsSync(join(dir, live))).toBe(true);
  expect(existsSync(join(dir, "pkg-1.0.tar.gz"))).toBe(true);
  expect(existsSync(join(dir, lookalike))).toBe(true);
  // `also` sweeps the lock's temp names too.
  writeFileSync(join(dir, `lock.${dead}.tmp`), "x");
  sweepStaleTempFiles(dir, /^lock\.(\d+)\.tmp$/);
  expect(existsSync(join(dir, `lock.${dead}.tmp`))).toBe(false);
  sweepStaleTempFiles(join(dir, "missing")); // no such dir: nothing to do, no throw
});

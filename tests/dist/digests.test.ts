/** md5, sha256, blake2b-256 in one read, equal to coreutils' md5sum, sha256sum and b2sum -l 256. */
import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { digestFile, digestFileSync, PARALLEL_MIN_BYTES, workerGroups } from "../../src/dist/digests.ts";
import { tempDir } from "../helpers/repo.ts";

const dir = tempDir("shipline-digests-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function coreutils(path: string) {
  const run = (argv: string[]) => {
    const p = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
    if (p.exitCode !== 0) throw new Error(`${argv[0]} failed: ${p.stderr}`);
    return p.stdout.toString().split(/\s+/)[0]!;
  };
  return {
    md5: run(["md5sum", path]),
    sha256: run(["sha256sum", path]),
    blake2_256: run(["b2sum", "-l", "256", path]),
  };
}

const cases: [string, number][] = [
  ["empty", 0],
  ["one byte", 1],
  ["odd size", 1_234_567],
  // Several 4 MiB chunks plus a partial one, through the worker ring (RING=4 slots reused).
  ["5 MiB + 3 bytes", (5 << 20) + 3],
  ["above the parallel threshold", PARALLEL_MIN_BYTES + 12_345],
];

describe("digests equal coreutils", () => {
  for (const [label, size] of cases) {
    test(label, async () => {
      const path = join(dir, `f-${size}`);
      writeFileSync(path, size ? randomBytes(size) : new Uint8Array(0));
      const want = coreutils(path);
      const par = await digestFile(path, { parallel: true });
      const seq = digestFileSync(path);
      const auto = await digestFile(path);
      expect(par.digests).toEqual(want);
      expect(seq.digests).toEqual(want);
      expect(auto.digests).toEqual(want);
      expect(par.size).toBe(size);
      expect(seq.size).toBe(size);
    }, 30_000);
  }
});

test("a missing file is an error, not a hang", async () => {
  await expect(digestFile(join(dir, "missing"), { parallel: true })).rejects.toThrow(/ENOENT/);
});

test("only the digests asked for (an upload's sha256 + blake2b-256; the build's sha256)", async () => {
  const path = join(dir, "subset");
  writeFileSync(path, randomBytes(PARALLEL_MIN_BYTES + 7));
  const want = coreutils(path);
  const upload = await digestFile(path, { keys: ["sha256", "blake2_256"], parallel: true });
  expect(upload.digests).toEqual({ md5: "", sha256: want.sha256, blake2_256: want.blake2_256 });
  expect(digestFileSync(path, ["sha256"]).digests).toEqual({ md5: "", sha256: want.sha256, blake2_256: "" });
  expect((await digestFile(path, { keys: ["sha256"] })).digests.sha256).toBe(want.sha256);
  // one worker each when the cores allow; md5 alone, the rest together when they do not
  expect(workerGroups(2, ["sha256", "blake2_256"])).toEqual([["sha256"], ["blake2_256"]]);
  expect(workerGroups(2)).toEqual([["md5"], ["sha256", "blake2_256"]]);
  expect(workerGroups(4)).toEqual([["md5"], ["sha256"], ["blake2_256"]]);
  expect(workerGroups(1, ["sha256", "blake2_256"])).toEqual([["sha256", "blake2_256"]]);
  // none asked for: an answer at once (this used to wait forever on a ring no worker drained)
  const none = await digestFile(path, { keys: [], parallel: true });
  expect(none).toEqual({ size: PARALLEL_MIN_BYTES + 7, digests: { md5: "", sha256: "", blake2_256: "" } });
}, 30_000);

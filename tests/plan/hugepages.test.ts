/**
 * The huge-page advice for long plans (src/plan/hugepages.ts): in-process, the kernel's own
 * record of the advice (the VmFlags of /proc/self/smaps); end to end, a compiled binary that
 * takes the advice prints exactly what it prints without it.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { generateRepo } from "../../bench/gen-repo.ts";
import { adviseHugePages, thpMode } from "../../src/plan/hugepages.ts";
import { shipline } from "../helpers/cli.ts";
import { tempDir } from "../helpers/repo.ts";

setDefaultTimeout(120_000);
/** Advice is given only in THP's "madvise" mode (the default of most distributions, and of CI here). */
const MADVISE = process.platform === "linux" && thpMode() === "madvise";
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** VmFlags of this process's anonymous read-write mappings of 1 GiB or more. */
function bigRegionFlags(): string[][] {
  const out: string[][] = [];
  let big = false;
  for (const line of readFileSync("/proc/self/smaps", "latin1").split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) 00000000 00:00 0 *$/.exec(line);
    if (m) {
      big =
        m[3] === "rw-p" &&
        Number.parseInt(m[2] as string, 16) - Number.parseInt(m[1] as string, 16) >= 2 ** 30;
      continue;
    }
    if (big && line.startsWith("VmFlags:")) out.push(line.slice(8).trim().split(/\s+/));
  }
  return out;
}

describe("huge pages for long plans", () => {
  test.skipIf(!MADVISE)("the advice reaches the kernel, and is taken back", () => {
    const before = bigRegionFlags();
    expect(before.length).toBeGreaterThan(0);
    const unadvise = adviseHugePages({});
    expect(unadvise).toBeFunction();
    expect(bigRegionFlags().every((f) => f.includes("hg"))).toBe(true);
    unadvise?.();
    unadvise?.(); // idempotent
    const after = bigRegionFlags();
    expect(after.every((f) => f.includes("nh") && !f.includes("hg"))).toBe(true);
  });

  test("SHIPLINE_HUGEPAGES=0 turns it off; outside madvise mode there is nothing to do", () => {
    expect(adviseHugePages({ SHIPLINE_HUGEPAGES: "0" })).toBeUndefined();
    if (!MADVISE) expect(adviseHugePages({})).toBeUndefined();
  });

  test("a plan past the default commit-search-depth prints the same with and without the advice", async () => {
    const parent = tempDir();
    dirs.push(parent);
    const dir = join(parent, "repo");
    await generateRepo(dir, 1200); // commit-search-depth 1210: the advice is taken
    const args = ["plan", "--json", "--repo", "o/r", "--date", "2026-01-01"];
    const on = await shipline(args, { cwd: dir });
    const off = await shipline(args, { cwd: dir, env: { SHIPLINE_HUGEPAGES: "0" } });
    expect(on.code).toBe(0);
    expect(on.stderr).toBe("");
    expect(on.stdout).toBe(off.stdout);
    expect(JSON.parse(on.stdout).releases[0].version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

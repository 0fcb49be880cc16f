/**
 * Transparent huge pages for a plan's mid-length walk (commit-search-depth 500 to 20 000).
 *
 * Why: on a 2-core runner a 10k-commit plan is CPU-bound, and most of its ~8000 page faults
 * (~10 µs each on the measured VM: ~80 ms of CPU across the walk, the JIT threads and JSC's
 * heap warm-up thread) are first touches of fresh 4 KiB pages in mimalloc's arena, which Bun's
 * mimalloc reserves without MADV_HUGEPAGE (its allow_thp option is off and can only be set by
 * environment before the process starts). Most distributions run THP in "madvise" mode, so the
 * advice turns one fault per 4 KiB into one per 2 MiB: 8000 → 3300 faults, 193 → 153 ms
 * (bench/README.md). On a very long walk huge pages cost more than they save (1M commits:
 * +1.5–2.7 s, even taken back after 20k commits), so the planner asks only for walks bounded
 * to 20k commits. Only in "madvise" mode: with "always" the arena has huge pages already, with
 * "never" advice does nothing, and in either case taking it back would leave the process
 * unlike its default. Best effort: any failure leaves the process as it was.
 */
import { readFileSync } from "node:fs";

const MADV_HUGEPAGE = 14;
const MADV_NOHUGEPAGE = 15;
/** mimalloc reserves its arena in 1 GiB steps (JSC's own reservations are larger still). */
const MIN_REGION = 2 ** 30;

/** The system's THP mode ("always", "madvise", "never"), or undefined without THP. */
export function thpMode(): string | undefined {
  try {
    const text = readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "latin1");
    return /\[(\w+)\]/.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/** Advises huge pages; returns the function (idempotent) that takes the advice back, or undefined when nothing was done. */
export function adviseHugePages(env: NodeJS.ProcessEnv = process.env): (() => void) | undefined {
  if (process.platform !== "linux" || env.SHIPLINE_HUGEPAGES === "0") return undefined;
  try {
    if (thpMode() !== "madvise") return undefined;
    const regions: [number, number][] = [];
    for (const line of readFileSync("/proc/self/maps", "latin1").split("\n")) {
      // anonymous, private, read-write: "start-end rw-p 00000000 00:00 0"
      const m = /^([0-9a-f]+)-([0-9a-f]+) rw-p 00000000 00:00 0 *$/.exec(line);
      if (!m) continue;
      const start = Number.parseInt(m[1] as string, 16);
      const size = Number.parseInt(m[2] as string, 16) - start;
      if (size >= MIN_REGION) regions.push([start, size]);
    }
    if (regions.length === 0) return undefined;
    const { dlopen } = require("bun:ffi") as typeof import("bun:ffi");
    const libc = dlopen("libc.so.6", { madvise: { args: ["ptr", "u64", "i32"], returns: "i32" } });
    const advise = (advice: number) => {
      for (const [start, size] of regions) libc.symbols.madvise(start, size, advice);
    };
    advise(MADV_HUGEPAGE);
    let advised = true;
    return () => {
      if (!advised) return;
      advised = false;
      try {
        advise(MADV_NOHUGEPAGE);
        libc.close();
      } catch {
        // as above
      }
    };
  } catch {
    // no libc.so.6 (musl), no /proc, no FFI: plan as before
    return undefined;
  }
}

/**
 * The gates' concurrency limit: a hard `--jobs`, and the default that grows past one per core
 * only while the CPUs we may use sit idle (read from /proc/stat for our affinity mask).
 */
import { describe, expect, test } from "bun:test";
import { cpuTicks, type IdleProbe, Limit, parseCpuList, procStatIdle } from "../../src/gates/limit.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `n` jobs of `ms` each through the limit; returns their start order. */
async function drive(limit: Limit, n: number, ms: number): Promise<number[]> {
  const started: number[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        await sleep(ms);
      }),
    ),
  );
  return started;
}

describe("Limit", () => {
  test("a hard limit never runs more than its number, first come first served", async () => {
    const limit = new Limit(2);
    expect(await drive(limit, 6, 20)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limit.peak).toBe(2);
  });

  test("two slots freed at once go to the two waiters, not to a newcomer as well", async () => {
    // The runner chains each Python's tests on its venv setup. When two setups end in the same
    // turn, the first setup's tests used to find a slot whose waiter had not resumed yet and
    // take it: three ran under a limit of two (seen with strace in the binary).
    const limit = new Limit(2);
    let running = 0;
    let most = 0;
    let release!: () => void;
    const together = new Promise<void>((r) => {
      release = r;
    });
    const job = (wait: Promise<unknown>) =>
      limit.run(async () => {
        most = Math.max(most, ++running);
        await wait;
        running--;
      });
    const first = [job(together), job(together)];
    const waiting = [job(sleep(20)), job(sleep(20))];
    const chained = first.map((p) => p.then(() => job(sleep(20))));
    release();
    await Promise.all([...first, ...waiting, ...chained]);
    expect(most).toBe(2);
    expect(limit.peak).toBe(2);
  });

  test("grows one job per window with one core idle, up to the ceiling, in order", async () => {
    let calls = 0;
    const idle: IdleProbe = () => {
      calls++;
      return 1.5;
    };
    const limit = new Limit(1, { ceiling: 4, idle, everyMs: 10 });
    expect(await drive(limit, 8, 120)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(limit.peak).toBe(4);
    expect(calls).toBeGreaterThan(3);
  });

  test("starts one per idle core's worth in a window", async () => {
    let calls = 0;
    const limit = new Limit(1, { ceiling: 10, idle: () => (++calls === 2 ? 3.7 : 0), everyMs: 10 });
    await drive(limit, 6, 80);
    expect(limit.peak).toBe(4);
  });

  test("stays at its base while less than a core is idle, or idleness is unknown", async () => {
    for (const value of [0.9, null]) {
      const limit = new Limit(2, { ceiling: 8, idle: () => value, everyMs: 5 });
      await drive(limit, 6, 40);
      expect(limit.peak).toBe(2);
    }
  });

  test("a job ending while the limit is grown past its base does not start another by itself", async () => {
    let calls = 0;
    // Two cores idle in the first window (after the call that starts it), busy from then on.
    const limit = new Limit(1, { ceiling: 8, idle: () => (++calls <= 2 ? 2 : 0), everyMs: 10 });
    let running = 0;
    const atStart: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limit.run(async () => {
          atStart.push(++running);
          await sleep(150);
          running--;
        }),
      ),
    );
    // Grown to 3, then back to one at a time: ending jobs 0 and 1 left 2 and 1 running, above
    // the base, so only the end of job 2 started the next.
    expect(atStart).toEqual([1, 2, 3, 1, 1, 1]);
    expect(limit.peak).toBe(3);
  });
});

describe("/proc/stat", () => {
  const stat = (c0: number[], c1: number[]) =>
    `cpu  ${c0.map((x, i) => x + c1[i]!).join(" ")} 0 0\ncpu0 ${c0.join(" ")} 0 0\ncpu1 ${c1.join(" ")} 0 0\nintr 1 2 3\n`;

  test("CPU lists as the kernel writes them", () => {
    expect(parseCpuList("0-1\n")).toEqual([0, 1]);
    expect(parseCpuList("0-3,8,10-11")).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList("3-1")).toBeNull();
    expect(parseCpuList("a")).toBeNull();
  });

  test("ticks are summed over the allowed CPUs only", () => {
    const text = stat([10, 0, 5, 100, 7, 1, 1, 0], [20, 0, 10, 50, 0, 0, 0, 3]);
    expect(cpuTicks(text, null)).toEqual({ idle: 150, total: 124 + 83, n: 2 });
    expect(cpuTicks(text, new Set([1]))).toEqual({ idle: 50, total: 83, n: 1 });
  });

  test("idle cores between two reads, for the affinity mask in /proc/self/status", () => {
    const reads = [stat([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0])];
    const files = (allowed: string) => (path: string) =>
      path === "/proc/self/status" ? `Name:\tx\nCpus_allowed_list:\t${allowed}\n` : reads[reads.length - 1]!;
    const both = procStatIdle(files("0-1"))!;
    const one = procStatIdle(files("1"))!;
    // Over the window cpu0 sat idle (10 ticks), cpu1 was busy (10 ticks of user time).
    reads.push(stat([0, 0, 0, 10, 0, 0, 0, 0], [10, 0, 0, 0, 0, 0, 0, 0]));
    expect(both()).toBe(1);
    expect(one()).toBe(0);
    // iowait is not idle: a disk-bound gate should not invite more.
    reads.push(stat([0, 0, 0, 10, 10, 0, 0, 0], [10, 0, 0, 10, 0, 0, 0, 0]));
    expect(both()).toBe(1);
    expect(procStatIdle(() => "no such file")).toBeNull();
  });

  test.if(process.platform === "linux")("this machine's idle cores are between 0 and its CPUs", async () => {
    const probe = procStatIdle()!;
    expect(probe).not.toBeNull();
    await sleep(60);
    const idle = probe();
    expect(idle).not.toBeNull();
    expect(idle!).toBeGreaterThanOrEqual(0);
    expect(idle!).toBeLessThanOrEqual(navigator.hardwareConcurrency + 0.01);
  });
});

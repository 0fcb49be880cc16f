/**
 * How many gates run at once. `--jobs N` is a hard limit, and the default is one gate per core
 * (issue #5; `tox -p auto` and `pytest -n auto` do the same). `--jobs auto` starts one per core
 * and then, like make's `-l`, one more for each core's worth of CPU that sat idle over the
 * last 25 ms, up to four per core. Suites that mostly wait (sockets, sleeps, subprocesses)
 * then run side by side instead of in waves; CPU-bound ones (mypy, most pytest runs) keep the
 * CPUs busy and stay at one per core. Idle time is read from /proc/stat for the CPUs in this
 * process's affinity mask (a container pinned to 2 of 64 CPUs sees its 2); where there is no
 * /proc/stat, `auto` is one per core.
 */
import { readFileSync } from "node:fs";

/** Idle cores since the previous call (null: unknown, e.g. on the first call). */
export type IdleProbe = () => number | null;

export interface Growth {
  /** Never more than this many at once. */
  ceiling: number;
  idle: IdleProbe;
  /** How often to look while someone waits. */
  everyMs: number;
}

/** A FIFO counting semaphore (p-limit's behaviour) that may grow past `base` while CPUs idle. */
export class Limit {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Most ever running at once (the tests read it). */
  peak = 0;

  constructor(
    private readonly base: number,
    private readonly growth?: Growth,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.base) {
      await new Promise<void>((r) => {
        this.queue.push(r);
        this.watch();
      });
    } else this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      this.active--;
      if (this.active < this.base) this.admit();
      if (!this.queue.length) this.unwatch();
    }
  }

  /** Start the first waiter; the slot is counted here so two releases never share one. */
  private admit(): void {
    const next = this.queue.shift();
    if (!next) return;
    this.active++;
    next();
  }

  private watch(): void {
    const g = this.growth;
    if (!g || this.ticker) return;
    g.idle(); // the window starts now
    this.ticker = setInterval(() => {
      // One more per idle core's worth: a newcomer's start-up shows in the next window.
      for (let n = Math.floor(g.idle() ?? 0); n > 0 && this.active < g.ceiling; n--) this.admit();
      if (!this.queue.length) this.unwatch();
    }, g.everyMs);
    this.ticker.unref?.();
  }

  private unwatch(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}

/** "0-3,8,10-11" → [0,1,2,3,8,10,11]; null when unreadable. */
export function parseCpuList(list: string): number[] | null {
  const out: number[] = [];
  for (const part of list.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65_536) return null;
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out.length ? out : null;
}

/** Idle and total ticks summed over `cpus` (all CPUs when null) from /proc/stat's text. */
export function cpuTicks(stat: string, cpus: Set<number> | null): { idle: number; total: number; n: number } {
  let idle = 0;
  let total = 0;
  let n = 0;
  for (const line of stat.split("\n")) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (!m || (cpus && !cpus.has(Number(m[1])))) continue;
    // user nice system idle iowait irq softirq steal (guest time is already in user/nice).
    const f = m[2]!.trim().split(/\s+/).slice(0, 8).map(Number);
    if (f.length < 4 || f.some((x) => !Number.isFinite(x))) continue;
    idle += f[3]!;
    total += f.reduce((a, b) => a + b, 0);
    n++;
  }
  return { idle, total, n };
}

/** An IdleProbe over this process's allowed CPUs, or null where /proc/stat is not there. */
export function procStatIdle(
  read: (path: string) => string = (p) => readFileSync(p, "utf8"),
): IdleProbe | null {
  let cpus: Set<number> | null = null;
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(read("/proc/self/status"));
    const list = m ? parseCpuList(m[1]!) : null;
    if (list) cpus = new Set(list);
  } catch {}
  const sample = () => {
    try {
      const t = cpuTicks(read("/proc/stat"), cpus);
      return t.n ? t : null;
    } catch {
      return null;
    }
  };
  let last = sample();
  if (!last) return null;
  return () => {
    const now = sample();
    const prev = last;
    last = now;
    if (!now || !prev || now.n !== prev.n) return null;
    const dt = now.total - prev.total;
    if (dt <= 0) return null;
    return ((now.idle - prev.idle) / dt) * now.n;
  };
}

/**
 * Benchmark plumbing: run commands alternately (so machine noise hits every contender alike),
 * take medians of wall time and peak RSS, and report ratios — on a shared 2-core machine the
 * ratio measured in one run is the claim, not the absolute time.
 */
export interface Sample {
  ms: number;
  rssMiB: number;
  /** user + system CPU time of the child (GNU time): the work done, whatever else runs. */
  cpuMs: number;
}

export interface Contender {
  name: string;
  cmd: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Run before each sample, untimed (e.g. clearing state). */
  before?: () => void | Promise<void>;
  /** Exit codes that count as success (default [0]). */
  okExit?: number[];
}

export interface Measured {
  name: string;
  medianMs: number;
  minMs: number;
  medianRssMiB: number;
  medianCpuMs: number;
  runs: number;
}

const TIME = ["/usr/bin/time"].find((p) => require("node:fs").existsSync(p));

/**
 * The shipline binary under test: a copy of dist/shipline taken once per bench process, so a
 * rebuild by someone else in the middle of a run (shared checkout) cannot swap it out.
 */
export const SHIPLINE = (() => {
  const { copyFileSync, mkdirSync } = require("node:fs") as typeof import("node:fs");
  const { join } = require("node:path") as typeof import("node:path");
  const root = join(import.meta.dir, "..");
  const dir = join(root, "bench", "work");
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, `shipline-${process.pid}`);
  copyFileSync(join(root, "dist", "shipline"), copy);
  require("node:fs").chmodSync(copy, 0o755);
  process.on("exit", () => require("node:fs").rmSync(copy, { force: true }));
  return copy;
})();

function runOnce(c: Contender, profile = true): Sample {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: "1", ...c.env }))
    if (v !== undefined) env[k] = v;
  // Peak RSS per child comes from GNU time (%M, KiB): the spawn API's rusage is the max over
  // all children so far, not this one. GNU time adds the same 1–5 ms to every contender (see
  // race's plainWall for short processes).
  const cmd = TIME && profile ? [TIME, "-f", "%M %U %S", ...c.cmd] : c.cmd;
  const t0 = Bun.nanoseconds();
  const p = Bun.spawnSync(cmd, { cwd: c.cwd, env, stdout: "ignore", stderr: "pipe" });
  const ms = (Bun.nanoseconds() - t0) / 1e6;
  const err = p.stderr.toString();
  if (!(c.okExit ?? [0]).includes(p.exitCode ?? -1))
    throw new Error(`${c.name}: ${c.cmd.join(" ")} exited ${p.exitCode}: ${err.slice(0, 400)}`);
  const [rss = "0", user = "0", sys = "0"] = TIME && profile ? err.trim().split("\n").pop()!.split(" ") : [];
  return { ms, rssMiB: Number(rss) / 1024, cpuMs: (Number(user) + Number(sys)) * 1000 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Alternate the contenders `runs` times (after `warmup` untimed rounds). `plainWall`: time each
 * sample as a plain spawn and take peak RSS and CPU from a second, untimed run under GNU time —
 * for processes of a few ms, where GNU time's own start-up (3–5 ms on a VM with slow page
 * faults) would be a large part of the figure; it costs a second run per sample.
 */
export async function race(
  contenders: Contender[],
  runs = 7,
  warmup = 1,
  opts: { plainWall?: boolean } = {},
): Promise<Measured[]> {
  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  for (let i = 0; i < warmup + runs; i++)
    for (const c of contenders) {
      await c.before?.();
      let s = runOnce(c, !opts.plainWall);
      if (opts.plainWall && TIME) {
        await c.before?.();
        const profiled = runOnce(c);
        s = { ...profiled, ms: s.ms };
      }
      if (i >= warmup) samples.get(c.name)!.push(s);
    }
  return contenders.map((c) => {
    const xs = samples.get(c.name)!;
    return {
      name: c.name,
      medianMs: median(xs.map((x) => x.ms)),
      minMs: Math.min(...xs.map((x) => x.ms)),
      medianRssMiB: median(xs.map((x) => x.rssMiB)),
      medianCpuMs: median(xs.map((x) => x.cpuMs)),
      runs: xs.length,
    };
  });
}

export interface Row {
  benchmark: string;
  shipline: string;
  floor: string;
  ratio: number;
  /** Ratio of the fastest runs: the least disturbed by other load on a shared machine. */
  minRatio?: number;
  target: string;
  met: boolean;
  note?: string;
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** Median wall time (median peak RSS, median CPU time). */
const cell = (m: Measured) =>
  `${fmtMs(m.medianMs)} (${m.medianRssMiB.toFixed(0)} MiB, cpu ${fmtMs(m.medianCpuMs)})`;

export function row(
  benchmark: string,
  ours: Measured,
  floor: Measured,
  maxRatio: number,
  extra: Partial<Row> = {},
): Row {
  const ratio = ours.medianMs / floor.medianMs;
  return {
    benchmark,
    shipline: cell(ours),
    floor: `${floor.name}: ${cell(floor)}`,
    ratio,
    minRatio: ours.minMs / floor.minMs,
    target: `≤ ${maxRatio}×`,
    met: ratio <= maxRatio,
    ...extra,
  };
}

export function table(rows: Row[]): string {
  const head =
    "| benchmark | shipline: median wall (peak RSS, CPU) | floor / peer | ratio (of the fastest runs) | target | met |\n|---|---|---|---|---|---|";
  return [
    head,
    ...rows.map(
      (r) =>
        `| ${r.benchmark} | ${r.shipline} | ${r.floor}${r.note ? ` — ${r.note}` : ""} | ${r.ratio.toFixed(2)}×${r.minRatio === undefined ? "" : ` (${r.minRatio.toFixed(2)}×)`} | ${r.target} | ${r.met ? "yes" : "**no**"} |`,
    ),
  ].join("\n");
}

export function machine(): string {
  const os = require("node:os") as typeof import("node:os");
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}, Bun ${Bun.version}`;
}

const pendingNotes: string[] = [];
/** A note for the results (e.g. a peer that could not be run), shown with its section. */
export function benchNote(text: string): void {
  pendingNotes.push(text);
}
export function takeNotes(): string[] {
  return pendingNotes.splice(0);
}

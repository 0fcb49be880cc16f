/**
 * `shipline plan` over synthetic histories (N conventional commits since the last tag)
 * against the raw `git log` dump of the same range — the physical floor, since plan must read
 * every message — and git-cliff rendering a changelog of the same repo.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { generateRepo } from "./gen-repo.ts";
import { benchNote, type Contender, type Measured, type Row, race, row, SHIPLINE } from "./lib.ts";

const ROOT = join(import.meta.dir, "..");
const WORK = join(ROOT, "bench", "work");

const TARGETS: Record<number, { ratio: number; label: string }> = {
  250: { ratio: Number.POSITIVE_INFINITY, label: "whole process ≤ 30 ms" },
  10000: { ratio: 1.5, label: "≤ 1.5× raw dump" },
  100000: { ratio: 1.5, label: "≤ 1.5× raw dump" },
  1000000: { ratio: 1.3, label: "≤ 1.3× raw dump" },
};

const CLIFF_VERSION = "2.14.2";
let cliffPath: string | null | undefined;

/**
 * git-cliff is NOT a devDependency (never add it back): its platform packages are missing on
 * the CI npm mirror, which broke `npm ci`. The bench installs it on demand without touching
 * package.json, and runs without it (saying so in the results) when that fails.
 */
function gitCliff(): string | undefined {
  if (cliffPath !== undefined) return cliffPath ?? undefined;
  const bin = join(ROOT, "node_modules", ".bin", "git-cliff");
  const works = () => existsSync(bin) && Bun.spawnSync([bin, "--version"]).exitCode === 0;
  if (!works()) {
    console.error(`bench: installing git-cliff@${CLIFF_VERSION} (--no-save) for the peer comparison…`);
    const p = Bun.spawnSync(
      [
        "flock",
        "/tmp/shipline-npm.lock",
        "npm",
        "install",
        "--no-save",
        "--no-audit",
        "--no-fund",
        `git-cliff@${CLIFF_VERSION}`,
      ],
      { cwd: ROOT, stdout: "ignore", stderr: "pipe" },
    );
    if (p.exitCode !== 0 || !works()) {
      const why = p.stderr.toString().trim().split("\n").pop() ?? `exit ${p.exitCode}`;
      benchNote(
        `git-cliff peer skipped: \`npm install --no-save git-cliff@${CLIFF_VERSION}\` failed (${why})`,
      );
      cliffPath = null;
      return undefined;
    }
  }
  cliffPath = bin;
  return bin;
}

export async function benchPlan(sizes = [250, 10_000, 100_000], runs = 5): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of sizes) {
    const dir = join(WORK, `repo-full-${n}`);
    if (!existsSync(join(dir, ".git"))) await generateRepo(dir, n);
    const raw: Contender = {
      name: "raw git log dump",
      cmd: ["git", "log", "-z", "--format=%H%x00%P%x00%B", "v1.0.0..HEAD"],
      cwd: dir,
    };
    const ours: Contender = {
      name: "shipline plan",
      cmd: [SHIPLINE, "plan", "--json", "--repo", "o/r", "--date", "2026-01-01"],
      cwd: dir,
    };
    // 100k+ commits: 3 runs (git-cliff alone takes 20–90 s a run here, the 1M dump 10–30 s).
    // Short plans are timed as plain spawns (GNU time's start-up would be part of the figure).
    const times = n >= 100_000 ? 3 : runs;
    const opts = { plainWall: n <= 10_000 };
    const [r, o] = (await race([raw, ours], times, 1, opts)) as [Measured, Measured];
    // git-cliff races shipline on its own: on a VM that reports freed memory to its host, the
    // exit of a 333 MiB–3 GiB git-cliff slowed whichever process came next and faulted in
    // large blocks (bench/README.md, "Page faults"), so it stays out of the floor's race.
    const cliff = n <= 100_000 ? gitCliff() : undefined;
    const [o2, c] = cliff
      ? ((await race(
          [ours, { name: "git-cliff", cmd: [cliff, "--unreleased", "-o", "/dev/null"], cwd: dir }],
          times,
          1,
          opts,
        )) as [Measured, Measured])
      : [o, undefined];
    const t = TARGETS[n] ?? { ratio: 1.5, label: "≤ 1.5× raw dump" };
    if (n === 250)
      rows.push({
        ...row(`plan, ${n} commits`, o, r, Number.POSITIVE_INFINITY),
        target: t.label,
        met: o.medianMs <= 30,
      });
    else rows.push({ ...row(`plan, ${n.toLocaleString("en")} commits`, o, r, t.ratio), target: t.label });
    if (c)
      rows.push({
        ...row(`plan vs git-cliff, ${n.toLocaleString("en")} commits`, o2, c, 1),
        // The memory target for the full history: ≤ 1/10 of git-cliff's peak RSS.
        target: n >= 100_000 ? "faster, RSS ≤ 1/10 of git-cliff's" : "faster than git-cliff",
        met: o2.medianMs < c.medianMs && (n < 100_000 || o2.medianRssMiB <= c.medianRssMiB / 10),
        note: `peer; RSS ratio ${(o2.medianRssMiB / c.medianRssMiB).toFixed(2)}`,
      });
  }
  return rows;
}

if (import.meta.main) {
  const { table } = await import("./lib.ts");
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  console.log(table(await benchPlan(sizes.length ? sizes : undefined)));
}

/**
 * `shipline plan` over synthetic histories (N conventional commits since the last tag)
 * against the raw `git log` dump of the same range — the physical floor, since plan must read
 * every message — and git-cliff rendering a changelog of the same repo.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { generateRepo } from "./gen-repo.ts";
import { type Contender, type Row, race, row } from "./lib.ts";

const ROOT = join(import.meta.dir, "..");
const WORK = join(ROOT, "bench", "work");

const TARGETS: Record<number, { ratio: number; label: string }> = {
  250: { ratio: Number.POSITIVE_INFINITY, label: "whole process ≤ 30 ms" },
  10000: { ratio: 1.5, label: "≤ 1.5× raw dump" },
  100000: { ratio: 1.5, label: "≤ 1.5× raw dump" },
  1000000: { ratio: 1.3, label: "≤ 1.3× raw dump" },
};

export async function benchPlan(sizes = [250, 10_000, 100_000], runs = 5): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of sizes) {
    const dir = join(WORK, `repo-${n}`);
    if (!existsSync(join(dir, ".git"))) await generateRepo(dir, n);
    const raw: Contender = {
      name: "raw git log dump",
      cmd: ["git", "log", "-z", "--format=%H%x00%P%x00%B", "v1.0.0..HEAD"],
      cwd: dir,
    };
    const ours: Contender = {
      name: "shipline plan",
      cmd: [join(ROOT, "dist", "shipline"), "plan", "--json", "--repo", "o/r", "--date", "2026-01-01"],
      cwd: dir,
    };
    const contenders = [raw, ours];
    // git-cliff is not a devDependency: its platform packages are not on every npm mirror, which
    // breaks `npm ci`. `npm i --no-save git-cliff` adds it for a peer comparison.
    const cliff = join(ROOT, "node_modules", ".bin", "git-cliff");
    if (n <= 100_000 && existsSync(cliff))
      contenders.push({ name: "git-cliff", cmd: [cliff, "--unreleased", "-o", "/dev/null"], cwd: dir });
    const res = await race(contenders, n >= 100_000 ? 5 : runs, 1);
    const [r, o, c] = res as [(typeof res)[0], (typeof res)[0], (typeof res)[0] | undefined];
    const t = TARGETS[n] ?? { ratio: 1.5, label: "≤ 1.5× raw dump" };
    if (n === 250)
      rows.push({
        ...row(`plan, ${n} commits`, o!, r!, Number.POSITIVE_INFINITY),
        target: t.label,
        met: o!.medianMs <= 30,
      });
    else rows.push({ ...row(`plan, ${n.toLocaleString("en")} commits`, o!, r!, t.ratio), target: t.label });
    if (c)
      rows.push({
        ...row(`plan vs git-cliff, ${n.toLocaleString("en")} commits`, o!, c, 1),
        target: "faster than git-cliff",
        note: "peer",
      });
  }
  return rows;
}

if (import.meta.main) {
  const { table } = await import("./lib.ts");
  const sizes = process.argv.slice(2).map(Number).filter(Boolean);
  console.log(table(await benchPlan(sizes.length ? sizes : undefined)));
}

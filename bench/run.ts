/**
 * `npm run bench`: every benchmark, peers alternating in the same invocation; writes
 * bench/results/<date>.md and the table in bench/README.md (between the RESULTS markers).
 * Re-run some sections only: `npm run bench -- digests upload` (or `bun bench/run.ts plan`);
 * the other sections keep their last rows (bench/results/latest.json), each row group saying
 * when it was measured. BENCH_HUGE=1 adds the 1M-commit plan.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { machine, type Row, table, takeNotes } from "./lib.ts";

type Section = () => Promise<Row[]>;
const SECTIONS: Record<string, Section> = {
  startup: async () => (await import("./startup.ts")).benchStartup(),
  plan: async () =>
    (await import("./plan.ts")).benchPlan(
      process.env.BENCH_HUGE ? [250, 10_000, 100_000, 1_000_000] : [250, 10_000, 100_000],
    ),
  digests: async () => (await import("./digests.ts")).bench(),
  upload: async () => (await import("./upload.ts")).bench(),
  gates: async () => (await import("./gates.ts")).bench(),
};

interface Stored {
  at: string;
  machine: string;
  rows: Row[];
  notes: string[];
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in SECTIONS));
if (unknown.length) {
  console.error(
    `bench: unknown section(s) ${unknown.join(", ")}; sections: ${Object.keys(SECTIONS).join(", ")}`,
  );
  process.exit(2);
}
const RESULTS = join(import.meta.dir, "results");
const LATEST = join(RESULTS, "latest.json");
const latest: Record<string, Stored> = existsSync(LATEST) ? JSON.parse(readFileSync(LATEST, "utf8")) : {};

for (const name of Object.keys(SECTIONS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.error(`bench: ${name}…`);
  const at = new Date().toISOString();
  const loadStart = loadavg()[0]!;
  const notes: string[] = [];
  let rows: Row[] = [];
  try {
    rows = await SECTIONS[name]!();
  } catch (e) {
    notes.push(`${name}: failed: ${(e as Error).message.split("\n")[0]}`);
  }
  // Sections leave notes about anything skipped (e.g. git-cliff not installable) via benchNote.
  // Other work on the machine is the main source of noise: say how busy it was.
  const load = `load average ${loadStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
  latest[name] = { at, machine: machine(), rows, notes: [load, ...notes, ...takeNotes()] };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(LATEST, `${JSON.stringify(latest, null, 2)}\n`);
}

const order = Object.keys(SECTIONS).filter((s) => latest[s]);
const machines = [...new Set(order.map((s) => latest[s]!.machine))];
const md = [
  `Machine: ${machines.join("; ")}.`,
  "",
  table(order.flatMap((s) => latest[s]!.rows)),
  "",
  ...order.map(
    (s) =>
      `- ${s}: measured ${latest[s]!.at.replace("T", " ").slice(0, 16)} UTC${latest[s]!.notes.length ? ` — ${latest[s]!.notes.join("; ")}` : ""}`,
  ),
].join("\n");
const date = new Date().toISOString().slice(0, 10);
writeFileSync(join(RESULTS, `${date}.md`), `# Benchmarks ${date}\n\n${md}\n`);
const readme = join(import.meta.dir, "README.md");
writeFileSync(
  readme,
  readFileSync(readme, "utf8").replace(
    /<!-- RESULTS -->[\s\S]*<!-- \/RESULTS -->/,
    `<!-- RESULTS -->\n${md}\n<!-- /RESULTS -->`,
  ),
);
// `npm run lint` checks Markdown too: pad the tables the way Biome wants them.
const biome = join(import.meta.dir, "..", "node_modules", ".bin", "biome");
if (existsSync(biome)) Bun.spawnSync([biome, "format", "--write", readme, join(RESULTS, `${date}.md`)]);
console.log(md);

/**
 * `npm run bench`: every benchmark, peers alternating in the same invocation; writes
 * bench/results/<date>.md and the table in bench/README.md (between the RESULTS markers).
 * Select sections: `bun bench/run.ts startup plan …`; BENCH_HUGE=1 adds the 1M-commit plan.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, type Row, table } from "./lib.ts";

type Section = () => Promise<Row[]>;
const SECTIONS: Record<string, Section> = {
  startup: async () => (await import("./startup.ts")).benchStartup(),
  plan: async () =>
    (await import("./plan.ts")).benchPlan(
      process.env.BENCH_HUGE ? [250, 10_000, 100_000, 1_000_000] : [250, 10_000, 100_000],
    ),
};
const OPTIONAL = ["digests", "upload", "gates"];

async function loadOptional(name: string): Promise<Section | undefined> {
  try {
    const m = (await import(`./${name}.ts`)) as { bench?: Section };
    return m.bench;
  } catch {
    return undefined;
  }
}

const wanted = process.argv.slice(2);
const rows: Row[] = [];
const notes: string[] = [];
for (const name of [...Object.keys(SECTIONS), ...OPTIONAL]) {
  if (wanted.length && !wanted.includes(name)) continue;
  const section = SECTIONS[name] ?? (await loadOptional(name));
  if (!section) {
    notes.push(`- ${name}: not run (bench/${name}.ts not available)`);
    continue;
  }
  console.error(`bench: ${name}…`);
  try {
    rows.push(...(await section()));
  } catch (e) {
    notes.push(`- ${name}: failed: ${(e as Error).message.split("\n")[0]}`);
  }
}
const date = new Date().toISOString().slice(0, 10);
const md = [`Run ${new Date().toISOString()} on ${machine()}.`, "", table(rows), "", ...notes].join("\n");
mkdirSync(join(import.meta.dir, "results"), { recursive: true });
writeFileSync(join(import.meta.dir, "results", `${date}.md`), `# Benchmarks ${date}\n\n${md}\n`);
const readme = join(import.meta.dir, "README.md");
const text = readFileSync(readme, "utf8");
const updated = text.replace(
  /<!-- RESULTS -->[\s\S]*<!-- \/RESULTS -->/,
  `<!-- RESULTS -->\n${md}\n<!-- /RESULTS -->`,
);
writeFileSync(readme, updated);
console.log(md);

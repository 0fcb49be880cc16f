/**
 * Gates over every available Python (3.9–3.13) against the slowest single Python: the
 * matrix should cost about one Python's wall time (target ≤ 1.2×), i.e. the versions really
 * run side by side. The sample's tests gate is stdlib unittest (every interpreter has it,
 * offline), each test waiting on I/O for most of its time plus a little CPU, like a typical
 * suite; venvs are created in the untimed warm-up round, so this measures the matrix, not pip.
 *
 *   bun bench/gates.ts            (or `npm run bench gates` once wired into bench/run.ts)
 *   BENCH_GATES_SLEEP_MS / BENCH_GATES_CPU_MS / BENCH_GATES_TESTS change the workload.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { findPython } from "../src/gates/python.ts";
import { type Contender, type Row, race, row, SHIPLINE } from "./lib.ts";

const ROOT = join(import.meta.dir, "..");
const WORK = join(ROOT, "bench", "work", "gates");
const BIN = SHIPLINE;
const VERSIONS = ["3.9", "3.10", "3.11", "3.12", "3.13"];

function sampleProject(pythons: string[]): string {
  const sleepMs = Number(process.env.BENCH_GATES_SLEEP_MS ?? 250);
  const cpuMs = Number(process.env.BENCH_GATES_CPU_MS ?? 30);
  const n = Number(process.env.BENCH_GATES_TESTS ?? 6);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, "tests"), { recursive: true });
  const tests = Array.from(
    { length: n },
    (_, i) =>
      `    def test_${i}(self) -> None:\n        time.sleep(${sleepMs / 1000})\n        end = time.perf_counter() + ${cpuMs / 1000}\n        while time.perf_counter() < end:\n            pass\n`,
  ).join("\n");
  writeFileSync(join(WORK, "tests", "__init__.py"), "");
  writeFileSync(
    join(WORK, "tests", "test_work.py"),
    `import time\nimport unittest\n\n\nclass Work(unittest.TestCase):\n${tests}`,
  );
  writeFileSync(
    join(WORK, "pyproject.toml"),
    [
      "[tool.shipline]",
      `python = [${pythons.map((p) => `"${p}"`).join(", ")}]`,
      "[tool.shipline.gates.tests]",
      'command = ["python", "-m", "unittest", "discover", "-s", "tests", "-t", "."]',
      "[tool.shipline.gates.lint]\nenabled = false",
      "[tool.shipline.gates.format]\nenabled = false",
      "[tool.shipline.gates.typecheck]\nenabled = false",
      "[tool.shipline.gates.build]\nenabled = false",
      "",
    ].join("\n"),
  );
  return WORK;
}

export async function bench(runs = 3): Promise<Row[]> {
  const found = await Promise.all(
    VERSIONS.map((v) => findPython(v, { env: process.env, platform: process.platform })),
  );
  const pythons = VERSIONS.filter((_, i) => found[i]);
  if (pythons.length < 2)
    throw new Error(`needs ≥ 2 Pythons of ${VERSIONS.join(", ")}; found ${pythons.join(", ") || "none"}`);
  const cwd = sampleProject(pythons);
  const gates = (extra: string[]): string[] => [BIN, "gates", "--only", "tests", ...extra];
  const singles: Contender[] = pythons.map((p) => ({
    name: `Python ${p} alone`,
    cmd: gates(["--python", p]),
    cwd,
  }));
  const all: Contender = {
    name: `${pythons.length} Pythons, --jobs ${pythons.length}`,
    cmd: gates(["--jobs", String(pythons.length)]),
    cwd,
  };
  const auto: Contender = {
    name: `${pythons.length} Pythons, --jobs auto`,
    cmd: gates(["--jobs", "auto"]),
    cwd,
  };
  const cores = availableParallelism();
  const byCores: Contender = {
    name: `${pythons.length} Pythons, default jobs (${cores} cores)`,
    cmd: gates([]),
    cwd,
  };
  const measured = await race([...singles, all, auto, byCores], runs, 1);
  const slowest = measured.slice(0, singles.length).sort((a, b) => b.medianMs - a.medianMs)[0]!;
  const [m, a, d] = measured.slice(singles.length);
  const n = pythons.length;
  return [
    row(`\`gates\` over ${n} Pythons (--jobs ${n})`, m!, slowest, 1.2, {
      note: `slowest single Python; ${pythons.join(", ")}`,
    }),
    row(`\`gates\` over ${n} Pythons (--jobs auto: more than the cores while they idle)`, a!, slowest, 1.2, {
      note: `${cores} cores, and one more per idle core's worth`,
    }),
    row(
      `\`gates\` over ${n} Pythons (default --jobs = ${cores} cores, as issue #5 sets it)`,
      d!,
      slowest,
      1.2,
      {
        note: "the default limits concurrency to the cores",
      },
    ),
  ];
}

if (import.meta.main) {
  const { table } = await import("./lib.ts");
  console.log(table(await bench()));
}

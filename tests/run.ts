/**
 * `npm test`: runs bun's test runner (its normal output streams through), writes a JUnit
 * report, and ends with the plain line CI reads: `N passed, N failed` (computed from the
 * report; a runner that died without reporting counts as a failure).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const out = ".test-results/junit.xml";
mkdirSync(".test-results", { recursive: true });
const args = process.argv.slice(2);
// bun test's default per-test timeout is 5 s, and bunfig.toml cannot change it: integration
// tests spawn git, Python and the compiled binary, and take 4-6 s on a quiet 2-core VM. A tight
// default would fail them on a slower CI machine. Tests that need longer still say so.
const timeout = args.some((a) => a.startsWith("--timeout")) ? [] : ["--timeout", "120000"];
const proc = Bun.spawn(
  [process.execPath, "test", ...timeout, "--reporter=junit", `--reporter-outfile=${out}`, ...args],
  {
    stdio: ["inherit", "inherit", "inherit"],
  },
);
const code = await proc.exited;
let tests = 0;
let failures = 0;
let skipped = 0;
try {
  const head = /<testsuites[^>]*>/.exec(readFileSync(out, "utf8"))?.[0] ?? "";
  const attr = (n: string) => Number(new RegExp(`\\b${n}="(\\d+)"`).exec(head)?.[1] ?? 0);
  tests = attr("tests");
  failures = attr("failures") + attr("errors");
  skipped = attr("skipped");
} catch {}
if (code !== 0 && failures === 0) failures = 1;
const passed = tests - failures - skipped;
const line = `${passed} passed, ${failures} failed${skipped ? `, ${skipped} skipped` : ""}`;
writeFileSync(".test-results/summary.txt", `${passed} ${failures} ${skipped}\n`);
console.log(line);
process.exit(code === 0 && failures === 0 ? 0 : 1);

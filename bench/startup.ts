/** `shipline --version` against a Bun-compiled hello-world (the floor) and the peers' start-up. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Contender, type Row, race, row, SHIPLINE } from "./lib.ts";

const ROOT = join(import.meta.dir, "..");
const WORK = join(ROOT, "bench", "work");
const BUN = join(ROOT, "node_modules", ".bin", "bun");

function helloWorld(): string {
  // .env/bunfig.toml autoloading off, as shipline is compiled (package.json's build);
  // named for them, so a hello-world built with older flags is not reused
  const out = join(WORK, "hello-noautoload");
  if (!existsSync(out)) {
    mkdirSync(WORK, { recursive: true });
    writeFileSync(join(WORK, "hello.ts"), 'function main() { console.log("0.0.0"); }\nmain();\n');
    const p = Bun.spawnSync([
      BUN,
      "build",
      join(WORK, "hello.ts"),
      "--compile",
      "--minify",
      "--bytecode",
      "--format=esm",
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
      "--outfile",
      out,
    ]);
    if (p.exitCode !== 0) throw new Error(`could not build hello-world: ${p.stderr}`);
  }
  return out;
}

export async function benchStartup(runs = 30): Promise<Row[]> {
  const hello: Contender = { name: "bun hello-world", cmd: [helloWorld()] };
  const ours: Contender = { name: "shipline", cmd: [SHIPLINE, "--version"] };
  const peers: Contender[] = [
    { name: "release-please", cmd: [join(ROOT, "node_modules", ".bin", "release-please"), "--version"] },
    { name: "semantic-release", cmd: [join(ROOT, "node_modules", ".bin", "semantic-release"), "--version"] },
    { name: "twine", cmd: ["twine", "--version"] },
  ].filter((c) => (c.cmd[0] === "twine" ? Bun.which("twine") !== null : existsSync(c.cmd[0]!)));
  const [h, o] = await race([hello, ours], runs, 3, { plainWall: true });
  const rows = [row("`shipline --version`", o!, h!, 1.2)];
  const peerRuns = await race([ours, ...peers], 5, 1, { plainWall: true });
  const o2 = peerRuns[0]!;
  for (const p of peerRuns.slice(1))
    rows.push({ ...row(`\`--version\` vs ${p.name}`, o2, p, 1), target: "faster than peer", note: "peer" });
  return rows;
}

if (import.meta.main) {
  const { table } = await import("./lib.ts");
  console.log(table(await benchStartup()));
}

/**
 * md5 + sha256 + blake2b-256 of a 1 GiB random file: `shipline check --json` (the file is not
 * a distribution, so check stops right after hashing — exit 1, FAILED — and the run measures
 * start-up + the three digests) against coreutils doing ONE digest each (sha256sum is the
 * floor the target is set against) and Python hashing all three in one loop, the way twine
 * does (8 KiB reads, hashlib md5/sha256/blake2b(digest_size=32)).
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Contender, type Measured, type Row, race, row, SHIPLINE } from "./lib.ts";

const ROOT = join(import.meta.dir, "..");
const WORK = join(ROOT, "bench", "work");
const SIZE = 1 << 30;

const PY_TWINE_LOOP = `
import hashlib, io, sys
h = [hashlib.md5(), hashlib.sha256(), hashlib.blake2b(digest_size=32)]
with open(sys.argv[1], "rb") as f:
    for chunk in iter(lambda: f.read(io.DEFAULT_BUFFER_SIZE), b""):
        for x in h: x.update(chunk)
print(*(x.hexdigest() for x in h))
`;

export function randomFile(path = join(WORK, "rand-1g.bin"), size = SIZE): string {
  if (existsSync(path) && statSync(path).size === size) return path;
  mkdirSync(WORK, { recursive: true });
  const p = Bun.spawnSync(["sh", "-c", `head -c ${size} /dev/urandom > "${path}"`]);
  if (p.exitCode !== 0) throw new Error(`could not write ${path}`);
  return path;
}

/** The digests shipline reports must be coreutils' (else the timing means nothing). */
function assertSame(file: string) {
  const out = Bun.spawnSync([SHIPLINE, "check", "--json", file]).stdout.toString();
  const got = JSON.parse(out).files[0].digests as Record<string, string>;
  const first = (argv: string[]) => Bun.spawnSync(argv).stdout.toString().split(/\s/)[0];
  const want = {
    md5: first(["md5sum", file]),
    sha256: first(["sha256sum", file]),
    blake2_256: first(["b2sum", "-l", "256", file]),
  };
  for (const [k, v] of Object.entries(want))
    if (got[k] !== v) throw new Error(`shipline ${k} ${got[k]} differs from coreutils ${v}`);
}

export async function bench(runs = 5): Promise<Row[]> {
  const file = randomFile();
  assertSame(file);
  const ours: Contender = {
    name: "shipline",
    cmd: [SHIPLINE, "check", "--json", file],
    okExit: [1],
  };
  const peers: Contender[] = [
    { name: "sha256sum", cmd: ["sha256sum", file] },
    { name: "md5sum", cmd: ["md5sum", file] },
    { name: "b2sum -l 256", cmd: ["b2sum", "-l", "256", file] },
    { name: "python3 (twine's loop, all three)", cmd: ["python3", "-c", PY_TWINE_LOOP, file] },
  ];
  const res = await race([ours, ...peers], runs, 1);
  const by = (n: string) => res.find((r) => r.name === n) as Measured;
  const o = by("shipline");
  const rows: Row[] = [
    {
      ...row("three digests of 1 GiB (md5, sha256, blake2b-256)", o, by("sha256sum"), 0.7),
      target: "≤ 0.7× sha256sum, RSS < 64 MB",
      met: o.medianMs / by("sha256sum").medianMs <= 0.7 && o.medianRssMiB * 1.048576 < 64,
    },
  ];
  for (const p of peers.slice(1))
    rows.push({
      ...row(`three digests of 1 GiB vs ${p.name}`, o, by(p.name), Number.POSITIVE_INFINITY),
      target: "reference",
      met: true,
      note: "peer",
    });
  return rows;
}

if (import.meta.main) {
  const { table } = await import("./lib.ts");
  console.log(table(await bench()));
}

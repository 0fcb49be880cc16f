/**
 * Synthetic release-please repositories for benchmarks, written with `git fast-import` (a
 * million commits in seconds): a tagged release commit with config + manifest, then N
 * conventional commits (feat/fix/docs/chore/refactor with scopes, bodies, footers, PR
 * suffixes). Usage: bun bench/gen-repo.ts DIR N
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";

const TYPES = ["feat", "fix", "fix", "docs", "chore", "refactor", "perf", "test", "ci", "build"];
const SCOPES = ["", "", "api", "cli", "core", "docs", "parser"];

export async function generateRepo(dir: string, n: number): Promise<void> {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  Bun.spawnSync(["git", "init", "-q", "-b", "main", dir]);
  // The stream goes to a file first, then into fast-import in one go: far fewer syscalls
  // than feeding a pipe commit by commit.
  const streamPath = `${dir}.fast-import`;
  const out = Bun.file(streamPath).writer();
  const enc = new TextEncoder();
  let buf = "";
  const flush = async (force = false) => {
    if (buf.length > 1 << 22 || (force && buf.length)) {
      out.write(buf);
      await out.flush();
      buf = "";
    }
  };
  const data = (s: string) => `data ${enc.encode(s).length}\n${s}\n`;
  const t0 = 1_700_000_000;
  // commit-search-depth past N: release-please (and plan) stop after 500 commits by default,
  // and these benchmarks are about reading the whole history.
  const cfg = `{"commit-search-depth":${n + 10},"packages":{".":{"release-type":"python"}}}\n`;
  buf += `blob\nmark :1\n${data(cfg)}blob\nmark :2\n${data('{".":"1.0.0"}\n')}blob\nmark :3\n${data('[project]\nname = "bench"\nversion = "1.0.0"\n')}`;
  buf += `commit refs/heads/main\nmark :10\ncommitter Bench <b@example.invalid> ${t0} +0000\n${data("chore: release 1.0.0")}`;
  buf +=
    "M 100644 :1 release-please-config.json\nM 100644 :2 .release-please-manifest.json\nM 100644 :3 pyproject.toml\n";
  buf += "reset refs/tags/v1.0.0\nfrom :10\n";
  let seed = 42;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let i = 1; i <= n; i++) {
    const type = TYPES[rnd(TYPES.length)]!;
    const scope = SCOPES[rnd(SCOPES.length)]!;
    const bang = rnd(500) === 0 ? "!" : "";
    let msg = `${type}${scope ? `(${scope})` : ""}${bang}: change number ${i} to the ${scope || "project"}`;
    if (rnd(3) === 0) msg += ` (#${1000 + i})`;
    if (rnd(4) === 0) msg += `\n\nA body that explains change ${i} in a little more detail,\nover two lines.`;
    if (rnd(50) === 0) msg += `\n\nRefs: #${i}`;
    buf += `commit refs/heads/main\ncommitter Bench <b@example.invalid> ${t0 + i} +0000\n${data(msg)}`;
    // Every 10th commit touches a file; the rest reuse the parent's tree (fast-import's
    // per-commit tree work dominates generation time otherwise).
    if (i % 10 === 0) buf += `M 100644 inline src/f${i % 97}.py\n${data(`x = ${i}\n`)}`;
    await flush();
  }
  buf += "done\n";
  await flush(true);
  await out.end();
  // MALLOC_TOP_PAD_: on this VM every brk() costs ~80 µs and fast-import calls it per commit;
  // padding the heap makes generation ~40× faster (1M commits in seconds, not minutes).
  const proc = Bun.spawn(["git", "fast-import", "--quiet", "--done"], {
    cwd: dir,
    stdin: Bun.file(streamPath),
    stderr: "inherit",
    env: { ...process.env, MALLOC_TOP_PAD_: String(512 << 20) },
  });
  if ((await proc.exited) !== 0) throw new Error("git fast-import failed");
  if (!process.env.KEEP_STREAM) rmSync(streamPath);
  Bun.spawnSync(["git", "checkout", "-q", "main"], { cwd: dir });
}

if (import.meta.main) {
  const [dir, n] = process.argv.slice(2);
  if (!dir || !n) throw new Error("usage: bun bench/gen-repo.ts DIR N");
  await generateRepo(dir, Number(n));
}

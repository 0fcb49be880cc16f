/**
 * install.sh against a loopback HTTP server serving a built shipline binary and SHA256SUMS,
 * run with dash (a strict POSIX sh): the happy path installs a working binary; a tampered
 * binary, a tampered pin, or a missing SHA256SUMS entry is refused and installs nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { arch } from "node:os";
import { join } from "node:path";
import { BIN, hasBinary, ROOT } from "../helpers/cli.ts";
import { tempDir } from "../helpers/repo.ts";

const asset = `shipline-linux-${arch() === "arm64" ? "arm64" : "x64"}`;
const served = tempDir("shipline-release-");
let server: ReturnType<typeof Bun.serve> | undefined;
let sha = "";
const sh = Bun.which("dash") ?? "sh";

beforeAll(() => {
  if (!hasBinary()) return;
  copyFileSync(BIN, join(served, asset));
  sha = new Bun.CryptoHasher("sha256").update(readFileSync(join(served, asset))).digest("hex");
  writeFileSync(join(served, "SHA256SUMS"), `${"0".repeat(64)}  shipline-darwin-arm64\n${sha}  ${asset}\n`);
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const file = join(served, new URL(req.url).pathname.replace(/^\/v[^/]+\//, "").replace(/\//g, ""));
      return existsSync(file) ? new Response(Bun.file(file)) : new Response("not found", { status: 404 });
    },
  });
});
afterAll(() => {
  server?.stop(true);
  rmSync(served, { recursive: true, force: true });
});

// Each install downloads the real ~100 MB binary over loopback: seconds on a loaded 2-core box.
async function install(env: Record<string, string> = {}) {
  const dir = tempDir("shipline-install-");
  const p = Bun.spawn([sh, join(ROOT, "install.sh"), "0.1.0"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      SHIPLINE_DOWNLOAD_BASE: `http://127.0.0.1:${server!.port}/v0.1.0`,
      SHIPLINE_INSTALL_DIR: join(dir, "bin"),
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr, bin: join(dir, "bin", "shipline"), dir };
}

describe.skipIf(!hasBinary() || process.platform !== "linux")("install.sh", () => {
  test("passes `sh -n`", () => {
    expect(Bun.spawnSync([sh, "-n", join(ROOT, "install.sh")]).exitCode).toBe(0);
  });

  test("installs the binary whose sha256 matches SHA256SUMS, and it runs", async () => {
    const r = await install({ SHIPLINE_SHA256: sha });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`sha256 ${sha}`);
    const v = Bun.spawnSync([r.bin, "--version"]);
    expect(v.stdout.toString().trim()).toMatch(/^\d+\.\d+\.\d+/);
    rmSync(r.dir, { recursive: true, force: true });
  }, 60_000);

  test("refuses a tampered binary and installs nothing", async () => {
    const original = readFileSync(join(served, asset));
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 0xff;
    writeFileSync(join(served, asset), tampered);
    try {
      const r = await install();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("checksum mismatch");
      expect(r.stderr).toContain("refusing to install");
      expect(existsSync(r.bin)).toBe(false);
      rmSync(r.dir, { recursive: true, force: true });
    } finally {
      writeFileSync(join(served, asset), original);
    }
  }, 60_000);

  test("refuses when the SHIPLINE_SHA256 pin differs, or SHA256SUMS lacks the asset", async () => {
    const pinned = await install({ SHIPLINE_SHA256: "f".repeat(64) });
    expect(pinned.code).toBe(1);
    expect(pinned.stderr).toContain("SHIPLINE_SHA256");
    expect(existsSync(pinned.bin)).toBe(false);
    const sums = readFileSync(join(served, "SHA256SUMS"), "utf8");
    writeFileSync(join(served, "SHA256SUMS"), `${"0".repeat(64)}  shipline-darwin-arm64\n`);
    try {
      const r = await install();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`SHA256SUMS has no entry for ${asset}`);
      expect(existsSync(r.bin)).toBe(false);
    } finally {
      writeFileSync(join(served, "SHA256SUMS"), sums);
    }
  }, 60_000);
});

/**
 * A named pipe or a device where a distribution should be: reading one blocks forever (a FIFO
 * with no writer) or never ends (/dev/zero), so every command that reads distributions checks
 * first and fails in one line instead of hanging.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { tempDir } from "../helpers/repo.ts";

function dists(): string {
  const dir = tempDir("shipline-notafile-");
  mkdirSync(join(dir, "dist"));
  Bun.spawnSync(["mkfifo", join(dir, "dist", "demo-1.0-py3-none-any.whl")]);
  symlinkSync("/dev/zero", join(dir, "dist", "demo-1.0.tar.gz"));
  return dir;
}

describe.skipIf(!hasBinary())("a FIFO or a device in place of a distribution", () => {
  test.each([
    [
      ["check", "dist/demo-1.0-py3-none-any.whl"],
      "dist/demo-1.0-py3-none-any.whl is not a regular file (a named pipe)",
    ],
    [["check", "dist/demo-1.0.tar.gz"], "dist/demo-1.0.tar.gz is not a regular file (a device)"],
    [
      ["upload", "dist/demo-1.0-py3-none-any.whl"],
      "dist/demo-1.0-py3-none-any.whl is not a regular file (a named pipe)",
    ],
    [["sign", "dist/demo-1.0.tar.gz"], "dist/demo-1.0.tar.gz is not a regular file (a device)"],
    [
      ["verify", "dist/demo-1.0-py3-none-any.whl", "--cert-identity", "i", "--cert-oidc-issuer", "https://o"],
      "dist/demo-1.0-py3-none-any.whl is not a regular file (a named pipe)",
    ],
  ])("%j → exit 1 at once: %s", async (args, message) => {
    const r = await shipline(args, {
      cwd: dists(),
      timeoutMs: 20_000,
      env: { SHIPLINE_PYPI_TOKEN: "pypi-x0123456789" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(`✖ ${message}`);
  });
});

/**
 * `npm run release:binaries` for the host target only (compiling all five takes about a
 * minute; CI runs the full script): the binary, SHA256SUMS and install.sh land in the output
 * directory, and with an OIDC token SHA256SUMS is signed by the built shipline itself against
 * the Sigstore stand-in, so `shipline verify` can check shipline's own release.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { arch, platform } from "node:os";
import { join } from "node:path";
import { probeAutoload } from "../helpers/autoload.ts";
import { ROOT } from "../helpers/cli.ts";
import { tempDir } from "../helpers/repo.ts";
import { startOidc } from "../servers/oidc.ts";
import { startSigstore } from "../servers/sigstore.ts";

const target = `${platform()}-${arch() === "arm64" ? "arm64" : "x64"}`;
const out = tempDir("shipline-release-out-");
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string | undefined>) {
  const p = Bun.spawn(argv, { cwd: ROOT, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

describe.skipIf(platform() !== "linux")("release:binaries", () => {
  test("builds the host binary, SHA256SUMS and a Sigstore bundle that shipline verify accepts", async () => {
    const oidc = await startOidc({ repository: "shipline/shipline", ref: "refs/tags/v0.1.0" });
    const ss = await startSigstore({ verifyToken: oidc.verify });
    try {
      const token = await oidc.mint("sigstore");
      const r = await run([process.execPath, ".ci/release-binaries.ts", target], {
        SHIPLINE_RELEASE_OUT: out,
        SIGSTORE_ID_TOKEN: token,
        SIGSTORE_FULCIO_URL: ss.fulcioUrl,
        SIGSTORE_REKOR_URL: ss.rekorUrl,
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        NO_COLOR: "1",
      });
      expect(r.stderr).toContain("SHA256SUMS.sigstore.json");
      expect(r.code).toBe(0);
      const bin = join(out, `shipline-${target}`);
      const sums = readFileSync(join(out, "SHA256SUMS"), "utf8");
      const sha = new Bun.CryptoHasher("sha256").update(readFileSync(bin)).digest("hex");
      expect(sums).toBe(`${sha}  shipline-${target}\n`);
      expect(existsSync(join(out, "install.sh"))).toBe(true);
      expect(Bun.spawnSync([bin, "--version"]).stdout.toString().trim()).toMatch(/^\d+\.\d+\.\d+/);
      // compiled with npm run build's flags: no .env or bunfig.toml from the directory it runs in
      const autoload = probeAutoload(bin);
      expect([autoload.code, autoload.preloaded, autoload.linksTo]).toEqual([0, false, "OWNER/REPO"]);

      ss.writeTrustedRoot(join(out, "root.json"));
      const verify = (identity: string) =>
        run(
          [
            bin,
            "verify",
            "SHA256SUMS",
            "--bundle",
            "SHA256SUMS.sigstore.json",
            "--cert-identity",
            identity,
            "--cert-oidc-issuer",
            oidc.issuer,
            "--trusted-root",
            "root.json",
            "--cwd",
            out,
          ],
          { NO_COLOR: "1" },
        );
      const ok = await verify(
        "https://github.com/shipline/shipline/.github/workflows/release.yml@refs/tags/v0.1.0",
      );
      expect(ok.code).toBe(0);
      const wrong = await verify(
        "https://github.com/evil/shipline/.github/workflows/release.yml@refs/tags/v0.1.0",
      );
      expect(wrong.code).toBe(1);
    } finally {
      oidc.stop();
      ss.stop();
    }
  }, 180_000);

  test("an unknown target is a usage error", async () => {
    const r = await run([process.execPath, ".ci/release-binaries.ts", "plan9-mips"], {
      SHIPLINE_RELEASE_OUT: out,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown target");
  });
});

/** `sign --tsa-url`: the bundle carries an RFC 3161 timestamp that verify checks against the root's TSA. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type SigstoreServer, startSigstore } from "../servers/sigstore.ts";

let oidc: OidcServer;
let ss: SigstoreServer;
beforeAll(async () => {
  oidc = await startOidc({ repository: "octo/sample", ref: "refs/tags/v3.0.0" });
  ss = await startSigstore({ verifyToken: oidc.verify, tsa: true });
});
afterAll(() => {
  oidc?.stop();
  ss?.stop();
});

test.skipIf(!hasBinary())(
  "a timestamped bundle verifies with the TSA in the root, and not without it",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "shipline-tsa-"));
    writeFileSync(join(dir, "t-3.0.0.tar.gz"), "sdist");
    const signed = await shipline(
      [
        "sign",
        "--fulcio-url",
        ss.fulcioUrl,
        "--rekor-url",
        ss.rekorUrl,
        "--tsa-url",
        ss.tsaUrl!,
        "t-3.0.0.tar.gz",
      ],
      { cwd: dir, env: { ...oidc.env, SIGSTORE_ID_TOKEN: undefined } },
    );
    expect(signed.code).toBe(0);
    const bundle = JSON.parse(readFileSync(join(dir, "t-3.0.0.tar.gz.sigstore.json"), "utf8"));
    expect(bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);
    // The PEP 740 object cannot carry RFC 3161 timestamps: the attestation is logged only.
    expect(ss.calls.filter((c) => c === "tsa")).toHaveLength(1);

    const root = ss.trustedRoot as { timestampAuthorities: unknown[] };
    writeFileSync(join(dir, "root.json"), JSON.stringify(root));
    writeFileSync(join(dir, "root-no-tsa.json"), JSON.stringify({ ...root, timestampAuthorities: [] }));
    const args = ["verify", "t-3.0.0.tar.gz", "--bundle", "t-3.0.0.tar.gz.sigstore.json"];
    const policy = [
      "--cert-identity",
      "https://github.com/octo/sample/.github/workflows/release.yml@refs/tags/v3.0.0",
      "--cert-oidc-issuer",
      oidc.issuer,
    ];
    const ok = await shipline([...args, ...policy, "--trusted-root", "root.json"], { cwd: dir });
    expect(ok.stderr).toContain("OK: t-3.0.0.tar.gz signed by");
    expect(ok.code).toBe(0);
    const noTsa = await shipline([...args, ...policy, "--trusted-root", "root-no-tsa.json"], { cwd: dir });
    expect(noTsa.code).toBe(1);
    expect(noTsa.stderr).toContain("FAILED: t-3.0.0.tar.gz: timestamp invalid");
  },
);

/**
 * Trusted Publishing end to end: the compiled binary inside a (stand-in) GitHub Actions job
 * gets a real ES256 OIDC JWT from tests/servers/oidc.ts, the PyPI stand-in verifies it against
 * a registered publisher and mints a short-lived token; the token expiring mid-publish is
 * minted again; a claim mismatch is explained; no secret is printed except in ::add-mask::.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { tempDir } from "../helpers/repo.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { makeSdist, makeWheel } from "./fixtures.ts";

setDefaultTimeout(60_000);

let oidc: OidcServer;
let pypi: PypiServer;
beforeAll(async () => {
  oidc = await startOidc({ repository: "octo/tp-pkg", ref: "refs/tags/v1.0.0", workflow: "release.yml" });
  pypi = await startPypi({
    oidc: { publicKey: oidc.publicKey, issuer: oidc.issuer },
    publishers: [{ project: "tp-pkg", repository: "octo/tp-pkg", workflow: "release.yml" }],
    expireTokensAfterUploads: 1,
  });
  // Trusted Publishing cannot create projects (spec §1.4 step 4): they exist already.
  pypi.seed({
    project: "tp-pkg",
    version: "0.9.0",
    filename: "tp_pkg-0.9.0.tar.gz",
    bytes: new Uint8Array(3),
  });
});
afterAll(async () => {
  oidc.stop();
  await pypi.stop();
});

const actionsEnv = () => ({
  ...oidc.env,
  GITHUB_ACTIONS: "true",
  SHIPLINE_PYPI_TOKEN: undefined,
  TWINE_PASSWORD: undefined,
  SHIPLINE_HTTP_BACKOFF_MS: "5",
  HOME: tempDir("tp-home-"),
});

/** A PEP 740-shaped attestation whose statement names the file (signature bytes are opaque here). */
function fakeAttestation(path: string, filename: string): void {
  const sha256 = new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
  const statement = JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: filename, digest: { sha256 } }],
    predicateType: "https://docs.pypi.org/attestations/publish/v1",
    predicate: null,
  });
  writeFileSync(
    `${path}.publish.attestation`,
    JSON.stringify({
      version: 1,
      verification_material: { certificate: "AAAA", transparency_entries: [{}] },
      envelope: { statement: Buffer.from(statement).toString("base64"), signature: "c2ln" },
    }),
  );
}

function outsideMasks(text: string): string {
  return text
    .split("\n")
    .filter((l) => !l.startsWith("::add-mask::"))
    .join("\n");
}

describe.skipIf(!hasBinary())("Trusted Publishing", () => {
  test("mints via OIDC, uploads with attestations, re-mints when the token expires mid-publish, leaks nothing", async () => {
    const dir = tempDir();
    const wheel = makeWheel(dir, { name: "tp-pkg" });
    const sdist = makeSdist(dir, { name: "tp-pkg" });
    fakeAttestation(wheel, "tp_pkg-1.0.0-py3-none-any.whl");
    const issuedBefore = oidc.issued.filter((i) => i.audience === "pypi").length;
    const r = await shipline(["upload", "--repository-url", pypi.uploadUrl, wheel, sdist, "--json"], {
      env: actionsEnv(),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("credentials: GitHub Actions OIDC");
    expect(r.stderr).toContain("expired; minting a new one");
    expect(oidc.issued.filter((i) => i.audience === "pypi").length - issuedBefore).toBe(2);
    expect(pypi.files("tp-pkg").map((f) => f.filename)).toContain("tp_pkg-1.0.0.tar.gz");
    const prov = await fetch(`${pypi.url}/integrity/tp-pkg/1/tp_pkg-1.0.0-py3-none-any.whl/provenance`);
    expect(prov.status).toBe(200);
    const body = (await prov.json()) as { attestation_bundles: { publisher: { workflow: string } }[] };
    expect(body.attestation_bundles[0]!.publisher.workflow).toBe("release.yml");
    // Minted tokens are masked for the runner and appear nowhere else.
    expect(pypi.minted.length).toBeGreaterThanOrEqual(2);
    for (const t of pypi.minted) {
      expect(r.stderr).toContain(`::add-mask::${t}`);
      expect(outsideMasks(r.stderr)).not.toContain(t);
      expect(r.stdout).not.toContain(t);
    }
    expect(outsideMasks(r.stderr) + r.stdout).not.toContain(oidc.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!);
    expect(outsideMasks(r.stderr)).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/); // no JWT
  });

  test("a pending publisher: the first Trusted Publishing upload creates the project (D24)", async () => {
    const index = await startPypi({
      oidc: { publicKey: oidc.publicKey, issuer: oidc.issuer },
      publishers: [{ project: "tp-new", repository: "octo/tp-pkg", workflow: "release.yml", pending: true }],
    });
    try {
      const dir = tempDir();
      const r = await shipline(
        [
          "upload",
          "--repository-url",
          index.uploadUrl,
          makeWheel(dir, { name: "tp-new" }),
          makeSdist(dir, { name: "tp-new" }),
        ],
        { env: actionsEnv() },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(
        index
          .files("tp-new")
          .map((f) => f.filename)
          .sort(),
      ).toEqual(["tp_new-1.0.0-py3-none-any.whl", "tp_new-1.0.0.tar.gz"]);
    } finally {
      await index.stop();
    }
  });

  test("a publisher that does not match: PyPI's reasons, the claims it matched, and what to fix", async () => {
    // This job runs .github/workflows/ci.yml; the project's publisher names publish.yml + environment pypi.
    const ci = await startOidc({ repository: "octo/tp-pkg", ref: "refs/tags/v1.0.0", workflow: "ci.yml" });
    const index = await startPypi({
      oidc: { publicKey: ci.publicKey, issuer: ci.issuer },
      publishers: [
        { project: "tp-wrong", repository: "octo/tp-pkg", workflow: "publish.yml", environment: "pypi" },
      ],
    });
    try {
      index.seed({
        project: "tp-wrong",
        version: "0.9.0",
        filename: "tp_wrong-0.9.0.tar.gz",
        bytes: new Uint8Array(3),
      });
      const wheel = makeWheel(tempDir(), { name: "tp-wrong" });
      const r = await shipline(["upload", "--repository-url", index.uploadUrl, wheel], {
        env: { ...actionsEnv(), ...ci.env },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("`invalid-publisher`: valid token, but no corresponding publisher");
      expect(r.stderr).toContain("`repository`: `octo/tp-pkg`");
      expect(r.stderr).toContain(
        "`job_workflow_ref`: `octo/tp-pkg/.github/workflows/ci.yml@refs/tags/v1.0.0`",
      );
      expect(r.stderr).toContain("`environment`: `MISSING`");
      expect(r.stderr).toContain("To fix");
      expect(r.stderr).toContain("https://docs.pypi.org/trusted-publishers/troubleshooting/");
      expect(index.files("tp-wrong").map((f) => f.filename)).toEqual(["tp_wrong-0.9.0.tar.gz"]);
      expect(index.minted).toEqual([]);
    } finally {
      ci.stop();
      await index.stop();
    }
  });

  test("attestations with an API token are not sent (PyPI refuses them), with a warning", async () => {
    const wheel = makeWheel(tempDir(), { name: "tp-token" });
    fakeAttestation(wheel, "tp_token-1.0.0-py3-none-any.whl");
    const r = await shipline(["upload", "--repository-url", pypi.uploadUrl, wheel], {
      env: { SHIPLINE_PYPI_TOKEN: pypi.token, HOME: tempDir(), SHIPLINE_HTTP_BACKOFF_MS: "5" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("accepts attestations only with Trusted Publishing");
  });
});

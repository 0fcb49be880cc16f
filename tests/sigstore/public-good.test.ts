/**
 * A real public-good bundle verifies offline with the embedded trusted root, and every
 * tampering is rejected with a precise reason — including the identity variants that
 * @sigstore/verify's own (unanchored regexp) policy would accept.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleToAttestation } from "../../src/sigstore/attestation.ts";
import { loadEmbeddedRoot, loadRootFile } from "../../src/sigstore/trusted-root.ts";
import {
  type IdentityPolicy,
  verifyAttestationFile,
  verifyBundleJson,
  verifyProvenanceFile,
} from "../../src/sigstore/verify.ts";
import { GH_ARTIFACT, GH_IDENTITY, GH_ISSUER, type Json, publicGoodBundle } from "./fixtures.ts";

const root = loadEmbeddedRoot();
const policy: IdentityPolicy = { identity: GH_IDENTITY, issuer: GH_ISSUER };
const check = (bundle: Json, p: IdentityPolicy = policy, artifact = GH_ARTIFACT) =>
  verifyBundleJson(artifact, bundle, p, root, "bundle");
const tmp = () => mkdtempSync(join(tmpdir(), "shipline-sig-"));

describe("real public-good bundle (GitHub CLI release, Rekor public-good)", () => {
  test("verifies offline with the embedded root", () => {
    // the commit the release job ran at, from the certificate's Source Repository Digest extension
    expect(check(publicGoodBundle())).toEqual({
      ok: true,
      identity: GH_IDENTITY,
      issuer: GH_ISSUER,
      sourceDigest: "faef2ddd81b0736748413a7c646cd0bfc26c00a0",
    });
  });

  test("a different artifact digest is a digest mismatch", () => {
    const r = check(publicGoodBundle(), policy, { ...GH_ARTIFACT, sha256: "0".repeat(64) });
    expect(r.ok).toBe(false);
    expect(r.reason).toStartWith("digest mismatch:");
  });

  const variants = {
    prefix: GH_IDENTITY.slice(0, -6),
    suffix: `${GH_IDENTITY}-evil`,
    "regexp wildcard": GH_IDENTITY.replace("trunk", "trun."),
    "other repo": GH_IDENTITY.replace("cli/cli", "cli/clj"),
    "case changed": GH_IDENTITY.replace("cli/cli", "Cli/cli"),
  };
  for (const [kind, identity] of Object.entries(variants))
    test(`identity ${kind} variant is rejected, naming expected and found`, () => {
      const r = check(publicGoodBundle(), { identity, issuer: GH_ISSUER });
      expect(r.ok).toBe(false);
      expect(r.reason).toBe(`identity mismatch: expected ${identity}, found ${GH_IDENTITY}`);
    });

  test("--cert-identity-regexp is anchored", () => {
    const ok = check(publicGoodBundle(), {
      identityRegexp: "https://github\\.com/cli/cli/\\.github/workflows/deployment\\.yml@refs/heads/.*",
      issuer: GH_ISSUER,
    });
    expect(ok.ok).toBe(true);
    for (const re of ["cli/cli", "https://github\\.com/cli/cli/", "\\.yml@refs/heads/trunk"]) {
      const r = check(publicGoodBundle(), { identityRegexp: re, issuer: GH_ISSUER });
      expect(r.ok).toBe(false);
      expect(r.reason).toStartWith("identity mismatch:");
    }
  });

  test("wrong issuer is rejected", () => {
    const r = check(publicGoodBundle(), { identity: GH_IDENTITY, issuer: "https://accounts.google.com" });
    expect(r).toMatchObject({
      ok: false,
      reason: `issuer mismatch: expected https://accounts.google.com, found ${GH_ISSUER}`,
    });
  });

  test("an altered statement (same signature) is rejected", () => {
    const b = publicGoodBundle();
    const st = JSON.parse(Buffer.from(b.dsseEnvelope.payload, "base64").toString());
    st.subject[0].digest.sha256 = "1".repeat(64);
    b.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString("base64");
    const r = check(b, policy, { ...GH_ARTIFACT, sha256: "1".repeat(64) });
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/payload hash mismatch|signature invalid/);
  });

  test("a flipped signature byte is rejected", () => {
    const b = publicGoodBundle();
    const sig = Buffer.from(b.dsseEnvelope.signatures[0].sig, "base64");
    sig[sig.length - 3]! ^= 1;
    b.dsseEnvelope.signatures[0].sig = sig.toString("base64");
    expect(check(b).ok).toBe(false);
  });

  test("a swapped certificate (self-made, not from Fulcio) is an untrusted certificate", async () => {
    const { startSigstore } = await import("../servers/sigstore.ts");
    const ss = await startSigstore();
    try {
      const b = publicGoodBundle();
      b.verificationMaterial.certificate.rawBytes = (
        ss.trustedRoot as Json
      ).certificateAuthorities[0].certChain.certificates[0].rawBytes;
      const r = check(b);
      expect(r.ok).toBe(false);
      expect(r.reason).toStartWith("untrusted certificate:");
    } finally {
      ss.stop();
    }
  });

  test("a cut inclusion proof is rejected", () => {
    const noProof = publicGoodBundle();
    delete noProof.verificationMaterial.tlogEntries[0].inclusionProof;
    expect(check(noProof).reason).toStartWith("missing inclusion proof:");
    const noCheckpoint = publicGoodBundle();
    delete noCheckpoint.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint;
    expect(check(noCheckpoint).ok).toBe(false);
    const shortPath = publicGoodBundle();
    shortPath.verificationMaterial.tlogEntries[0].inclusionProof.hashes.pop();
    const r = check(shortPath);
    expect(r.ok).toBe(false);
    expect(r.reason).toStartWith("transparency log entry invalid:");
    const noEntries = publicGoodBundle();
    noEntries.verificationMaterial.tlogEntries = [];
    expect(check(noEntries).ok).toBe(false);
  });

  test("a forged signed entry timestamp is rejected", () => {
    const b = publicGoodBundle();
    b.verificationMaterial.tlogEntries[0].integratedTime = String(
      Number(b.verificationMaterial.tlogEntries[0].integratedTime) + 1,
    );
    expect(check(b).ok).toBe(false);
  });

  test("old, broken and foreign bundles become invalid verdicts, never crashes", () => {
    // An old v0.1 bundle whose inclusion proof has no checkpoint: sigstore-js throws a TypeError on it.
    const v01 = publicGoodBundle();
    v01.mediaType = "application/vnd.dev.sigstore.bundle+json;version=0.1";
    delete v01.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint;
    expect(check(v01).reason).toStartWith("missing inclusion proof:");
    for (const b of [
      v01,
      {},
      { mediaType: 42 },
      null,
      "x",
      { ...publicGoodBundle(), dsseEnvelope: { payload: "!!" } },
    ]) {
      const r = check(b);
      expect(r.ok).toBe(false);
      expect(typeof r.reason).toBe("string");
    }
  });

  test("a trusted root without the public-good CA does not trust it", async () => {
    const { startSigstore } = await import("../servers/sigstore.ts");
    const ss = await startSigstore();
    try {
      const dir = tmp();
      ss.writeTrustedRoot(join(dir, "root.json"));
      const r = verifyBundleJson(
        GH_ARTIFACT,
        publicGoodBundle(),
        policy,
        loadRootFile(join(dir, "root.json")),
        "bundle",
      );
      expect(r.ok).toBe(false);
      expect(r.reason).toMatch(/untrusted certificate|transparency log/);
    } finally {
      ss.stop();
    }
  });
});

describe("the same real signature as a PEP 740 attestation and as PyPI provenance", () => {
  const attestation = () => bundleToAttestation(publicGoodBundle());

  test("the attestation object verifies for the named file (SLSA predicate is a PEP 740 type)", () => {
    const dir = tmp();
    writeFileSync(join(dir, "a.attestation"), JSON.stringify(attestation()));
    expect(verifyAttestationFile(GH_ARTIFACT, join(dir, "a.attestation"), policy)).toMatchObject({
      ok: true,
      identity: GH_IDENTITY,
    });
    const wrongName = verifyAttestationFile(
      { ...GH_ARTIFACT, name: "gh_2.50.0_linux_amd64.zip" },
      join(dir, "a.attestation"),
      policy,
    );
    expect(wrongName.ok).toBe(false);
    expect(wrongName.reason).toStartWith("subject name mismatch:");
  });

  test("a provenance file verifies and names its publisher; tampered ones do not", () => {
    const dir = tmp();
    const publisher = {
      kind: "GitHub",
      repository: "cli/cli",
      workflow: "deployment.yml",
      environment: null,
    };
    const prov = { version: 1, attestation_bundles: [{ publisher, attestations: [attestation()] }] };
    writeFileSync(join(dir, "p.json"), JSON.stringify(prov));
    expect(verifyProvenanceFile(GH_ARTIFACT, join(dir, "p.json"), policy)).toMatchObject({
      ok: true,
      publisher,
    });
    const bad = attestation();
    bad.envelope.signature = attestation().envelope.signature.replace(/^.{4}/, "AAAA");
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ version: 1, attestation_bundles: [{ publisher, attestations: [bad] }] }),
    );
    expect(verifyProvenanceFile(GH_ARTIFACT, join(dir, "bad.json"), policy).ok).toBe(false);
    writeFileSync(join(dir, "empty.json"), JSON.stringify({ version: 1, attestation_bundles: [] }));
    expect(verifyProvenanceFile(GH_ARTIFACT, join(dir, "empty.json"), policy).ok).toBe(false);
  });
});

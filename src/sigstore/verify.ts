/**
 * Offline verification of Sigstore bundles, PEP 740 attestations and PyPI provenance files.
 * Never touches the network: @sigstore/verify's `Verifier` runs on trust material built from a
 * trusted root we load ourselves (sigstore.verify() would refresh it over TUF first).
 *
 * @sigstore/verify checks the certificate chain to the root's Fulcio CA at signing time, the
 * SCT, the Rekor inclusion proof/SET against the root's Rekor key, and the signature. What it
 * does not do, we do here (research/sigstore-bun.md): exact identity match (its SAN policy is
 * an unanchored regexp), statement ↔ artifact binding for DSSE, trusted-root validation
 * (trusted-root.ts), an inclusion proof required on every entry, and every exception turned
 * into a verdict instead of a crash.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { type Bundle, bundleFromJSON, ValidationError } from "@sigstore/bundle";
import { X509Certificate } from "@sigstore/core";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { type Signer, toSignedEntity, toTrustMaterial, VerificationError, Verifier } from "@sigstore/verify";
import { ShiplineError, UsageError } from "../errors.ts";

export type { ArtifactRef } from "./attestation.ts";

import { type ArtifactRef, attestationToBundle, statementMismatch } from "./attestation.ts";
import { type LoadedRoot, loadRoot } from "./trusted-root.ts";

export interface IdentityPolicy {
  /** Expected SAN, compared exactly. */
  identity?: string;
  /** Or an explicit regular expression, always anchored (^…$). */
  identityRegexp?: string;
  /** Expected OIDC issuer (certificate extension 1.3.6.1.4.1.57264.1.8, or .1.1 on old certs). */
  issuer: string;
}

export interface VerifyResult {
  ok: boolean;
  /** The artifact as given (path or sha256:…). */
  file: string;
  identity?: string;
  issuer?: string;
  /** Why it failed (one line). */
  reason?: string;
  /** For provenance files: the publisher of the bundle that verified. */
  publisher?: Record<string, unknown>;
  /** The commit the signer ran at (Fulcio's Source Repository Digest extension), when the certificate has it. */
  sourceDigest?: string;
}

export type VerifyMode = "bundle" | "attestation";

/** `sha256:<hex>` stands for an artifact we only know by digest (as sigstore-python allows). */
export function artifactRef(file: string | ArtifactRef): ArtifactRef {
  if (typeof file !== "string") return file;
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(file);
  if (m) return { name: file, sha256: m[1]!.toLowerCase(), byDigest: true };
  if (file.startsWith("sha256:"))
    throw new UsageError(
      `${file}: a digest is sha256: and 64 hex digits`,
      "e.g. sha256:$(sha256sum FILE | cut -c1-64)",
    );
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    throw new ShiplineError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code})`);
  }
  return { name: basename(file), sha256: new Bun.CryptoHasher("sha256").update(data).digest("hex"), data };
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ShiplineError(`${what} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ShiplineError(`${what} ${path} is not valid JSON`);
  }
}

export function checkPolicyArgs(policy: IdentityPolicy): void {
  if (!policy.issuer) throw new ShiplineError("--cert-oidc-issuer is required");
  if (Boolean(policy.identity) === Boolean(policy.identityRegexp))
    throw new ShiplineError("give exactly one of --cert-identity or --cert-identity-regexp");
  if (policy.identityRegexp)
    try {
      new RegExp(policy.identityRegexp);
    } catch (e) {
      throw new ShiplineError(`--cert-identity-regexp ${policy.identityRegexp}: ${(e as Error).message}`);
    }
}

/** Human reason for a @sigstore/verify error: name the check that failed. */
function describe(e: unknown): string {
  if (e instanceof VerificationError) {
    const code = String((e as { code?: string }).code ?? "");
    const msg = e.message;
    if (code.startsWith("CERTIFICATE") || code === "PUBLIC_KEY_ERROR") return `untrusted certificate: ${msg}`;
    if (code === "TLOG_MISSING_INCLUSION_ERROR") return `missing inclusion proof: ${msg}`;
    if (code.startsWith("TLOG")) return `transparency log entry invalid: ${msg}`;
    if (code === "SIGNATURE_ERROR") return `signature invalid: ${msg}`;
    if (code.startsWith("TIMESTAMP")) return `timestamp invalid: ${msg}`;
    return `${code ? `${code}: ` : ""}${msg}`;
  }
  if (e instanceof ValidationError) {
    const fields = e.fields ?? [];
    if (fields.some((f) => f.includes("inclusionProof")))
      return `missing inclusion proof: ${fields.filter((f) => f.includes("inclusionProof")).join(", ")}`;
    return `invalid bundle: ${fields.length ? `missing or bad ${fields.join(", ")}` : e.message}`;
  }
  return `invalid or unsupported bundle: ${(e as Error)?.message ?? String(e)}`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function checkIdentity(
  signer: Signer,
  policy: IdentityPolicy,
): { identity: string; issuer: string; reason?: string } {
  const identity = signer.identity?.subjectAlternativeName ?? "";
  const issuer = signer.identity?.extensions?.issuer ?? "";
  if (policy.identity !== undefined && identity !== policy.identity)
    return {
      identity,
      issuer,
      reason: `identity mismatch: expected ${policy.identity}, found ${identity || "(none)"}`,
    };
  if (policy.identityRegexp !== undefined && !new RegExp(`^(?:${policy.identityRegexp})$`).test(identity))
    return {
      identity,
      issuer,
      reason: `identity mismatch: expected a match of ^(?:${policy.identityRegexp})$, found ${identity || "(none)"}`,
    };
  if (issuer !== policy.issuer)
    return {
      identity,
      issuer,
      reason: `issuer mismatch: expected ${policy.issuer}, found ${issuer || "(none)"}`,
    };
  return { identity, issuer };
}

/**
 * Verify one bundle (JSON form) for one artifact. Never throws: every failure is a verdict.
 * `attestation` mode applies PEP 740's statement rules; `bundle` mode accepts a message
 * signature over the file or a DSSE statement with the file's sha256 as a subject.
 */
export function verifyBundleJson(
  artifact: ArtifactRef,
  bundleJson: unknown,
  policy: IdentityPolicy,
  root: LoadedRoot,
  mode: VerifyMode,
): Omit<VerifyResult, "file"> {
  try {
    const bundle = bundleFromJSON(bundleJson);
    const vm = bundle.verificationMaterial;
    if (vm.content.$case === "publicKey")
      return { ok: false, reason: "the bundle is signed with a key, not a Sigstore (Fulcio) certificate" };
    // A SET alone says the log promised inclusion; we require the proof itself (and its checkpoint).
    if (!vm.tlogEntries.length)
      return { ok: false, reason: "missing inclusion proof: no transparency log entry" };
    for (const [i, entry] of vm.tlogEntries.entries())
      if (!entry.inclusionProof?.checkpoint?.envelope)
        return {
          ok: false,
          reason: `missing inclusion proof: transparency log entry ${i} has no inclusion proof`,
        };
    if (bundle.content.$case === "dsseEnvelope") {
      const reason = statementMismatch(
        Buffer.from(bundle.content.dsseEnvelope.payload),
        artifact,
        mode === "attestation",
      );
      if (reason) return { ok: false, reason };
    } else {
      if (mode === "attestation")
        return { ok: false, reason: "a PEP 740 attestation must be a DSSE envelope" };
      const md = bundle.content.messageSignature.messageDigest;
      const signed = md ? Buffer.from(md.digest).toString("hex") : "";
      if (signed && signed !== artifact.sha256)
        return {
          ok: false,
          reason: `digest mismatch: ${artifact.name} has sha256 ${artifact.sha256}, the bundle signs ${signed}`,
        };
      if (!artifact.data)
        return { ok: false, reason: "a message-signature bundle needs the file itself, not only its sha256" };
    }
    const trust = toTrustMaterial(TrustedRoot.fromJSON(root.json));
    const signer = new Verifier(trust).verify(toSignedEntity(bundle, artifact.data));
    const id = checkIdentity(signer, policy);
    return id.reason
      ? { ok: false, identity: id.identity, issuer: id.issuer, reason: id.reason }
      : { ok: true, identity: id.identity, issuer: id.issuer, sourceDigest: sourceDigestOf(bundle) };
  } catch (e) {
    return { ok: false, reason: describe(e) };
  }
}

/** Fulcio's Source Repository Digest (the commit a CI job ran at), a DER UTF8String. */
const OID_SOURCE_REPO_DIGEST = "1.3.6.1.4.1.57264.1.13";

function sourceDigestOf(bundle: Bundle): string | undefined {
  const c = bundle.verificationMaterial.content;
  const raw =
    c.$case === "certificate"
      ? c.certificate.rawBytes
      : c.$case === "x509CertificateChain"
        ? c.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  if (!raw) return undefined;
  try {
    const value = X509Certificate.parse(Buffer.from(raw)).extension(OID_SOURCE_REPO_DIGEST)?.valueObj
      .subs?.[0]?.value;
    return value ? value.toString("utf8") : undefined;
  } catch {
    return undefined;
  }
}

const label = (file: string | ArtifactRef) => (typeof file === "string" ? file : file.name);

function withFile(file: string | ArtifactRef, r: Omit<VerifyResult, "file">): VerifyResult {
  return { file: label(file), ...r };
}

/** `<file>` against a Sigstore bundle (`.sigstore.json`). */
export function verifyBundleFile(
  file: string | ArtifactRef,
  bundlePath: string,
  policy: IdentityPolicy,
  trustedRoot?: string,
): VerifyResult {
  checkPolicyArgs(policy);
  const root = loadRoot(trustedRoot);
  return withFile(
    file,
    verifyBundleJson(artifactRef(file), readJson(bundlePath, "--bundle"), policy, root, "bundle"),
  );
}

/** `<file>` against a PEP 740 attestation (`.publish.attestation`): what PyPI would check, offline. */
export function verifyAttestationFile(
  file: string | ArtifactRef,
  attestationPath: string,
  policy: IdentityPolicy,
  trustedRoot?: string,
): VerifyResult {
  checkPolicyArgs(policy);
  return verifyAttestationJson(file, readJson(attestationPath, "--attestation"), policy, trustedRoot);
}

/** An attestation object (or the list the upload form field carries: each must verify) already parsed. */
export function verifyAttestationJson(
  file: string | ArtifactRef,
  att: unknown,
  policy: IdentityPolicy,
  trustedRoot?: string,
): VerifyResult {
  checkPolicyArgs(policy);
  const root = loadRoot(trustedRoot);
  const artifact = artifactRef(file);
  const list = Array.isArray(att) ? att : [att];
  if (!list.length) return { file: label(file), ok: false, reason: "the attestation list is empty" };
  let last: VerifyResult = { file: label(file), ok: false };
  for (const one of list) {
    let bundle: Obj;
    try {
      bundle = attestationToBundle(one);
    } catch (e) {
      return { file: label(file), ok: false, reason: `malformed attestation: ${(e as Error).message}` };
    }
    last = withFile(file, verifyBundleJson(artifact, bundle, policy, root, "attestation"));
    if (!last.ok) return last;
  }
  return last;
}

/**
 * `<file>` against a PyPI provenance file (`{"version":1,"attestation_bundles":[{publisher,
 * attestations}]}`, spec §3.6): valid when every attestation of some bundle verifies.
 */
export function verifyProvenanceFile(
  file: string | ArtifactRef,
  provenancePath: string,
  policy: IdentityPolicy,
  trustedRoot?: string,
): VerifyResult {
  checkPolicyArgs(policy);
  const root = loadRoot(trustedRoot);
  const artifact = artifactRef(file);
  const prov = readJson(provenancePath, "--provenance");
  if (!isObj(prov) || prov.version !== 1 || !Array.isArray(prov.attestation_bundles))
    return {
      file: label(file),
      ok: false,
      reason: "not a PyPI provenance object (version 1 with attestation_bundles)",
    };
  if (!prov.attestation_bundles.length)
    return { file: label(file), ok: false, reason: "the provenance has no attestation bundles" };
  let failure: VerifyResult | undefined;
  for (const ab of prov.attestation_bundles) {
    const publisher = isObj(ab) && isObj(ab.publisher) ? ab.publisher : undefined;
    const atts = isObj(ab) && Array.isArray(ab.attestations) ? ab.attestations : [];
    if (!atts.length) {
      failure ??= {
        file: label(file),
        ok: false,
        reason: "an attestation bundle has no attestations",
        publisher,
      };
      continue;
    }
    let result: VerifyResult | undefined;
    for (const one of atts) {
      try {
        result = withFile(
          file,
          verifyBundleJson(artifact, attestationToBundle(one), policy, root, "attestation"),
        );
      } catch (e) {
        result = { file: label(file), ok: false, reason: `malformed attestation: ${(e as Error).message}` };
      }
      if (!result.ok) break;
    }
    if (result?.ok) return { ...result, publisher };
    failure ??= { ...result!, publisher };
  }
  return failure!;
}

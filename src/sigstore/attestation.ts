/**
 * PEP 740 shapes without any sigstore import (cheap to load): the in-toto statement shipline
 * signs, the attestation object PyPI's upload `attestations` field takes (spec §3.3), the
 * conversions between it and a Sigstore bundle v0.3, and the statement checks @sigstore/verify
 * does not do (research gap 2: it never compares a DSSE statement with the artifact).
 */
import { sameDistribution } from "../dist/filename.ts";

export const PUBLISH_PREDICATE = "https://docs.pypi.org/attestations/publish/v1";
export const SLSA_PREDICATE = "https://slsa.dev/provenance/v1";
export const INTOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
export const INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const BUNDLE_V03_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** What a signature is checked against: a file's name and sha256 (bytes only when we have the file). */
export interface ArtifactRef {
  name: string;
  sha256: string;
  /** Given as `sha256:<hex>`: only the digest is known, not the file's name. */
  byDigest?: boolean;
  data?: Buffer;
}

export interface AttestationObject {
  version: 1;
  verification_material: { certificate: string; transparency_entries: Record<string, unknown>[] };
  envelope: { statement: string; signature: string };
}

/** The statement bytes: compact JSON, key order and `predicate: null` as in PyPI's own example (spec §3.1). */
export function publishStatement(filename: string, sha256: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: INTOTO_STATEMENT_V1,
      subject: [{ name: filename, digest: { sha256 } }],
      predicateType: PUBLISH_PREDICATE,
      predicate: null,
    }),
  );
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A Sigstore bundle v0.3 (JSON form) with a DSSE envelope → the PEP 740 attestation object. */
export function bundleToAttestation(bundle: Obj): AttestationObject {
  const vm = bundle.verificationMaterial;
  const env = bundle.dsseEnvelope;
  if (!isObj(env)) throw new Error("bundle does not contain a DSSE envelope");
  const sigs = Array.isArray(env.signatures) ? env.signatures : [];
  if (sigs.length !== 1) throw new Error(`expected exactly one signature, got ${sigs.length}`);
  if (!isObj(vm) || !isObj(vm.certificate) || typeof vm.certificate.rawBytes !== "string")
    throw new Error("bundle has no leaf certificate");
  const entries = Array.isArray(vm.tlogEntries) ? vm.tlogEntries : [];
  if (!entries.length) throw new Error("bundle has no transparency log entry");
  return {
    version: 1,
    verification_material: {
      certificate: vm.certificate.rawBytes,
      transparency_entries: [entries[0] as Obj],
    },
    envelope: { statement: String(env.payload), signature: String((sigs[0] as Obj).sig) },
  };
}

/** The reverse (pypi-attestations `to_bundle`): only transparency_entries[0] is used. */
export function attestationToBundle(att: unknown): Obj {
  if (!isObj(att)) throw new Error("the attestation is not a JSON object");
  if (att.version !== 1) throw new Error(`unsupported attestation version ${JSON.stringify(att.version)}`);
  const vm = att.verification_material;
  const env = att.envelope;
  if (!isObj(vm) || typeof vm.certificate !== "string")
    throw new Error("verification_material.certificate is missing");
  if (!Array.isArray(vm.transparency_entries) || vm.transparency_entries.length === 0)
    throw new Error("verification_material.transparency_entries is empty");
  if (!isObj(env) || typeof env.statement !== "string" || typeof env.signature !== "string")
    throw new Error("envelope.statement / envelope.signature is missing");
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      certificate: { rawBytes: vm.certificate },
      tlogEntries: [vm.transparency_entries[0]],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payload: env.statement,
      payloadType: INTOTO_PAYLOAD_TYPE,
      signatures: [{ sig: env.signature, keyid: "" }],
    },
  };
}

/**
 * Check a signed in-toto statement against the artifact. `pep740`: PyPI's rules (one subject,
 * name = the file's name, publish or SLSA predicate). Otherwise (a plain DSSE bundle): some
 * subject's sha256 must be the artifact's. Returns the reason it does not match, or undefined.
 */
export function statementMismatch(
  payload: Buffer,
  artifact: ArtifactRef,
  pep740: boolean,
): string | undefined {
  let st: unknown;
  try {
    st = JSON.parse(payload.toString("utf8"));
  } catch {
    return "the signed statement is not JSON";
  }
  if (!isObj(st) || st._type !== INTOTO_STATEMENT_V1)
    return "the signed statement is not an in-toto v1 statement";
  const subjects = Array.isArray(st.subject) ? st.subject.filter(isObj) : [];
  if (!subjects.length) return "the signed statement has no subject";
  const digestOf = (s: Obj) => (isObj(s.digest) ? String(s.digest.sha256 ?? "").toLowerCase() : "");
  if (pep740) {
    if (subjects.length !== 1 || !Array.isArray(st.subject) || st.subject.length !== 1)
      return `the statement has ${(st.subject as unknown[]).length} subjects, PEP 740 allows exactly one`;
    if (st.predicateType !== PUBLISH_PREDICATE && st.predicateType !== SLSA_PREDICATE)
      return `unknown attestation type ${JSON.stringify(st.predicateType)} (expected ${PUBLISH_PREDICATE})`;
    if (st.predicateType === PUBLISH_PREDICATE && st.predicate !== null && st.predicate !== undefined) {
      if (!isObj(st.predicate) || Object.keys(st.predicate).length)
        return "the publish predicate must be empty";
    }
    const s = subjects[0]!;
    // compared parsed, as PyPI does (spec §3.5); an artifact given as sha256:<hex> has no name
    if (!artifact.byDigest && !(typeof s.name === "string" && sameDistribution(s.name, artifact.name)))
      return `subject name mismatch: the attestation is for ${JSON.stringify(s.name)}, not ${JSON.stringify(artifact.name)}`;
    const d = digestOf(s);
    if (d !== artifact.sha256)
      return `digest mismatch: ${artifact.name} has sha256 ${artifact.sha256}, the attestation signs ${d || "no sha256"}`;
    return undefined;
  }
  if (subjects.some((s) => digestOf(s) === artifact.sha256)) return undefined;
  return `digest mismatch: ${artifact.name} has sha256 ${artifact.sha256}, the statement's subjects are ${subjects
    .map((s) => digestOf(s) || "(no sha256)")
    .join(", ")}`;
}

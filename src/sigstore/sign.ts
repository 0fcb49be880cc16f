/**
 * Keyless Sigstore signing of distribution files: for each file a message-signature bundle
 * (`<file>.sigstore.json`, what `sigstore sign` writes) and a PEP 740 publish attestation
 * (`<file>.publish.attestation`, what PyPI's upload `attestations` field takes). Both go through
 * Fulcio (certificate for an ephemeral P-256 key) and Rekor v1 (spec §3.2 says why v1), with
 * @sigstore/sign doing the protocol work. Idempotent: a file whose outputs already sign its
 * current digest is left alone.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { type BundleWithMessageSignature, bundleToJSON, toMessageSignatureBundle } from "@sigstore/bundle";
import { pem } from "@sigstore/core";
import {
  type Artifact,
  DSSEBundleBuilder,
  FulcioSigner,
  type IdentityProvider,
  MessageSignatureBundleBuilder,
  RekorWitness,
  type Signature,
  TSAWitness,
  type Witness,
} from "@sigstore/sign";
import { ShiplineError } from "../errors.ts";
import { sweepStaleTempFiles, writeFileAtomic } from "../pipeline/atomic-write.ts";
import { fault } from "../pipeline/fault.ts";
import { redact } from "../ui/secrets.ts";
import {
  type AttestationObject,
  attestationToBundle,
  bundleToAttestation,
  INTOTO_PAYLOAD_TYPE,
  publishStatement,
  statementMismatch,
} from "./attestation.ts";
import { bundleSigns } from "./bundle-digest.ts";

export const DEFAULT_FULCIO_URL = "https://fulcio.sigstore.dev";
export const DEFAULT_REKOR_URL = "https://rekor.sigstore.dev";

export interface SignOptions {
  /** Returns the OIDC identity token (audience `sigstore`); called lazily, at most once. */
  token: () => Promise<string>;
  fulcioUrl?: string;
  rekorUrl?: string;
  /** RFC 3161 timestamp authority (optional; PyPI's attestation object cannot carry its answer). */
  tsaUrl?: string;
  /** Per-request timeout, ms (sigstore-js default 5 s). */
  timeoutMs?: number;
}

export interface SignedFile {
  path: string;
  bundle: string;
  attestation: string;
  sha256: string;
  /** Both outputs already existed and matched the file's digest. */
  reused: boolean;
}

export const bundlePathFor = (file: string) => `${file}.sigstore.json`;
export const attestationPathFor = (file: string) => `${file}.publish.attestation`;

function sha256(data: Buffer): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

/** Does an existing bundle sign exactly these bytes? (Structure only: full verification needs a root.) */
export function bundleMatches(path: string, digest: string): boolean {
  try {
    return bundleSigns(readFileSync(path, "utf8"), digest);
  } catch {
    return false;
  }
}

export function attestationMatches(path: string, filename: string, digest: string): boolean {
  try {
    const att = JSON.parse(readFileSync(path, "utf8")) as AttestationObject;
    const bundle = attestationToBundle(att) as { dsseEnvelope: { payload: string } };
    const payload = Buffer.from(bundle.dsseEnvelope.payload, "base64");
    return statementMismatch(payload, { name: filename, sha256: digest }, true) === undefined;
  } catch {
    return false;
  }
}

/** One line naming the service and what it said; never the token (redacted anyway). */
function signingError(e: unknown, opts: SignOptions): ShiplineError {
  const err = e as { code?: string; message?: string; cause?: { message?: string } };
  const code = err.code ?? "";
  const detail = redact(`${err.message ?? String(e)}${err.cause?.message ? `: ${err.cause.message}` : ""}`);
  if (e instanceof ShiplineError) return e;
  // Our own token errors come back wrapped by @sigstore/sign: unwrap them, they already say what to do.
  if (err.cause instanceof ShiplineError) return err.cause;
  if (code.startsWith("CA_"))
    return new ShiplineError(
      `no signing certificate from Fulcio (${opts.fulcioUrl ?? DEFAULT_FULCIO_URL}): ${detail}`,
      "check the OIDC token (audience `sigstore`, not expired) and --fulcio-url",
    );
  if (code.startsWith("TLOG_"))
    return new ShiplineError(
      `Rekor (${opts.rekorUrl ?? DEFAULT_REKOR_URL}) did not log the signature: ${detail}`,
      "check --rekor-url; running `shipline sign` again is safe",
    );
  if (code.startsWith("TSA_")) return new ShiplineError(`the timestamp authority failed: ${detail}`);
  if (code.startsWith("IDENTITY_TOKEN"))
    return new ShiplineError(
      `the OIDC identity token is unusable: ${detail}`,
      "mint a fresh token with audience `sigstore`",
    );
  return new ShiplineError(`signing failed: ${detail}`);
}

/**
 * @sigstore/sign packages message signatures as bundle v0.2 (certificate *chain*); sigstore-python
 * and PyPI tooling write v0.3 (leaf certificate only). Same content, v0.3 packaging.
 */
class MessageBundleV03Builder extends MessageSignatureBundleBuilder {
  protected override async package(
    artifact: Artifact,
    signature: Signature,
  ): Promise<BundleWithMessageSignature> {
    if (signature.key.$case !== "x509Certificate") throw new Error("keyless signing returned no certificate");
    return toMessageSignatureBundle({
      digest: Buffer.from(new Bun.CryptoHasher("sha256").update(artifact.data).digest()),
      signature: signature.signature,
      certificate: pem.toDER(signature.key.certificate),
      certificateChain: false,
    });
  }
}

export class Signer {
  private token?: Promise<string>;
  private readonly message: MessageBundleV03Builder;
  private readonly dsse: DSSEBundleBuilder;

  constructor(private readonly opts: SignOptions) {
    const identityProvider: IdentityProvider = { getToken: () => (this.token ??= opts.token()) };
    const fetch = { timeout: opts.timeoutMs ?? 5000, retry: 2 };
    const signer = new FulcioSigner({
      identityProvider,
      fulcioBaseURL: opts.fulcioUrl ?? DEFAULT_FULCIO_URL,
      ...fetch,
    });
    const witnesses: Witness[] = [
      new RekorWitness({
        rekorBaseURL: opts.rekorUrl ?? DEFAULT_REKOR_URL,
        majorApiVersion: 1,
        fetchOnConflict: true,
        ...fetch,
      }),
    ];
    if (opts.tsaUrl) witnesses.push(new TSAWitness({ tsaBaseURL: opts.tsaUrl, ...fetch }));
    this.message = new MessageBundleV03Builder({ signer, witnesses });
    // PEP 740 objects carry no RFC 3161 timestamps: the attestation is logged in Rekor only.
    this.dsse = new DSSEBundleBuilder({ signer, witnesses: witnesses.slice(0, 1) });
  }

  /** Sign one file (or reuse its outputs). Writes each output atomically. */
  async signFile(path: string, expectedSha256?: string): Promise<SignedFile> {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      throw new ShiplineError(`${path}: cannot read it (${(e as NodeJS.ErrnoException).code})`);
    }
    const digest = sha256(data);
    if (expectedSha256 && digest !== expectedSha256)
      throw new ShiplineError(
        `${path} changed after it was checked (sha256 ${digest}, checked ${expectedSha256})`,
        "rebuild: run `shipline publish` again",
      );
    const name = basename(path);
    const bundle = bundlePathFor(path);
    const attestation = attestationPathFor(path);
    // A signer killed mid-write (a crash before this resume) left a temp file beside the outputs.
    sweepStaleTempFiles(dirname(bundle));
    const haveBundle = existsSync(bundle) && bundleMatches(bundle, digest);
    const haveAtt = existsSync(attestation) && attestationMatches(attestation, name, digest);
    try {
      if (!haveBundle) {
        const b = await this.message.create({ data });
        fault("sigstore:bundle-signed");
        writeFileAtomic(bundle, `${JSON.stringify(bundleToJSON(b))}\n`, 0o644, "sigstore:write-bundle");
      }
      if (!haveAtt) {
        const b = await this.dsse.create({ data: publishStatement(name, digest), type: INTOTO_PAYLOAD_TYPE });
        fault("sigstore:attestation-signed");
        const att = bundleToAttestation(bundleToJSON(b) as Record<string, unknown>);
        writeFileAtomic(attestation, `${JSON.stringify(att)}\n`, 0o644, "sigstore:write-attestation");
      }
    } catch (e) {
      throw signingError(e, this.opts);
    }
    return { path, bundle, attestation, sha256: digest, reused: haveBundle && haveAtt };
  }
}

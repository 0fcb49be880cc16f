/**
 * Sigstore stand-ins on 127.0.0.1: Fulcio (POST /api/v2/signingCert) and Rekor v1
 * (POST /api/v1/log/entries), built on @sigstore/mock's CA, CT log and transparency log, served
 * with Bun.serve, plus the trusted root made from their keys (the mock exports no builder).
 *
 * Small adapters around the mock, each for a reason found by running it (research/sigstore-bun.md):
 * - Fulcio: the mock trusts any JWT and takes the SAN from one claim. We verify the token with
 *   the OIDC stand-in's key first (a forged token gets 401, like real Fulcio), then derive the SAN
 *   the way Fulcio does for GitHub Actions (`https://github.com/` + job_workflow_ref), GitLab
 *   (`https://` + ci_config_ref_uri) and Buildkite (`https://buildkite.com/ORG/PIPELINE`), else
 *   email/sub, and hand the mock a copy of the claims with that SAN in a claim of its own.
 * - Rekor: the mock stores the proposed entry as the log body; for `dsse` entries real Rekor
 *   stores hashes of the envelope and payload instead, which is what sigstore-js checks. We
 *   transform dsse proposals into that stored shape before logging.
 * - TSA (optional, POST /api/v1/timestamp): the mock writes genTime with trailing zeros of the
 *   milliseconds dropped, and sigstore-js cannot parse a 1- or 2-digit fraction; we ask the mock
 *   again (a millisecond later) until the fraction has 3 digits or none, so real time still works.
 No clock is injected anywhere: certificates, SCTs, log entries and timestamps all use real time.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  tsaHandler,
} from "@sigstore/mock";
import { Faults } from "./faults.ts";

export interface SigstoreServer {
  url: string;
  fulcioUrl: string;
  rekorUrl: string;
  /** Set when started with `tsa: true`. */
  tsaUrl?: string;
  /** Trusted root JSON (protobuf-JSON form) naming this stand-in's CA, Rekor and CT log keys. */
  trustedRoot: Record<string, unknown>;
  writeTrustedRoot(path: string): void;
  faults: Faults;
  /** Requests that reached a handler: "fulcio" | "rekor". */
  calls: string[];
  stop(): void;
}

interface ProposedEntry {
  kind?: string;
  apiVersion?: string;
  spec: { proposedContent: { envelope: string; verifiers: string[] } };
}

const keyPair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const b64url = (s: string) => Buffer.from(s).toString("base64url");

export async function startSigstore(
  opts: {
    /** Verifies OIDC tokens (the OIDC stand-in's `verify`); without it any well-formed JWT is accepted. */
    verifyToken?: (token: string) => Promise<Record<string, unknown> | undefined>;
    /** Also serve an RFC 3161 timestamp authority (and put it in the trusted root). */
    tsa?: boolean;
  } = {},
): Promise<SigstoreServer> {
  const faults = new Faults();
  const calls: string[] = [];
  const ctKeys = keyPair();
  const ctLog = await initializeCTLog(ctKeys);
  const ca = await initializeCA(keyPair(), ctLog);
  const rekorKeys = keyPair();
  let base = "";
  // Rekor's checkpoint origin is the host; it is only known once the server listens.
  let tlog: Awaited<ReturnType<typeof initializeTLog>> | undefined;
  const fulcio = fulcioHandler(ca, { subjectClaim: "_shipline_san" });
  const tsa = opts.tsa ? await initializeTSA(keyPair()) : undefined;
  const timestamp = tsa ? tsaHandler(tsa) : undefined;

  /** The GeneralizedTime in a timestamp response has the fraction sigstore-js accepts (.fff or none). */
  function parsableGenTime(response: unknown): boolean {
    const text = Buffer.from(response as Uint8Array).toString("latin1");
    const m = /\d{14}(\.\d*)?Z/.exec(text);
    return Boolean(m && (m[1] === undefined || m[1].length === 4));
  }

  async function handleTsa(req: Request): Promise<Response> {
    calls.push("tsa");
    const body = await req.text();
    // Ask the mock again until its genTime carries a 3-digit fraction or none (what sigstore-js
    // parses): waiting for a "safe" millisecond first was not enough, the clock moves on while
    // the mock signs (a flaky CI failure, "invalid time").
    let r = await timestamp!.fn(body);
    for (let i = 0; i < 50 && !parsableGenTime(r.response); i++) {
      await Bun.sleep(1);
      r = await timestamp!.fn(body);
    }
    return new Response(r.response, {
      status: r.statusCode,
      headers: { "content-type": r.contentType ?? "text/plain" },
    });
  }

  async function handleFulcio(req: Request): Promise<Response> {
    calls.push("fulcio");
    const body = (await req.json().catch(() => undefined)) as
      | { credentials?: { oidcIdentityToken?: string } }
      | undefined;
    const token = body?.credentials?.oidcIdentityToken;
    if (!body || !token) return new Response("missing credentials", { status: 400 });
    const claims = opts.verifyToken
      ? await opts.verifyToken(token)
      : (JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
          string,
          unknown
        >);
    if (!claims) return Response.json({ code: 16, message: "invalid identity token" }, { status: 401 });
    const san =
      typeof claims.job_workflow_ref === "string"
        ? `https://github.com/${claims.job_workflow_ref}`
        : typeof claims.ci_config_ref_uri === "string"
          ? `https://${claims.ci_config_ref_uri}` // Fulcio's GitLab CI/CD principal
          : typeof claims.organization_slug === "string"
            ? `https://buildkite.com/${claims.organization_slug}/${claims.pipeline_slug}` // Buildkite's
            : String(claims.email ?? claims.sub ?? "");
    const copy = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ ...claims, _shipline_san: san }))}.x`;
    body.credentials!.oidcIdentityToken = copy;
    const r = await fulcio.fn(JSON.stringify(body));
    return new Response(r.response, {
      status: r.statusCode,
      headers: { "content-type": r.contentType ?? "text/plain" },
    });
  }

  /** Real Rekor stores a dsse entry as hashes + signatures (rekor pkg/types/dsse/v0.0.1). */
  function storedShape(proposed: ProposedEntry): Record<string, unknown> {
    if (proposed.kind !== "dsse") return proposed as unknown as Record<string, unknown>;
    const content = proposed.spec.proposedContent;
    const envelopeText: string = content.envelope;
    const env = JSON.parse(envelopeText) as { payload: string; signatures: { sig: string }[] };
    const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
    return {
      apiVersion: proposed.apiVersion,
      kind: "dsse",
      spec: {
        envelopeHash: { algorithm: "sha256", value: sha(envelopeText) },
        payloadHash: { algorithm: "sha256", value: sha(Buffer.from(env.payload, "base64")) },
        signatures: env.signatures.map((s, i) => ({ signature: s.sig, verifier: content.verifiers[i] })),
      },
    };
  }

  async function handleRekor(req: Request): Promise<Response> {
    calls.push("rekor");
    const proposed = (await req.json().catch(() => undefined)) as ProposedEntry | undefined;
    if (!proposed?.kind) return Response.json({ code: 400, message: "bad entry" }, { status: 400 });
    const entry = await tlog!.log(storedShape(proposed));
    return Response.json(entry, { status: 201 });
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: faults.wrap(async (req) => {
      const path = new URL(req.url).pathname;
      if (req.method === "POST" && path === "/api/v2/signingCert") return handleFulcio(req);
      if (req.method === "POST" && path === "/api/v1/log/entries") return handleRekor(req);
      if (timestamp && req.method === "POST" && path === "/api/v1/timestamp") return handleTsa(req);
      return new Response("not found", { status: 404 });
    }),
  });
  base = `http://127.0.0.1:${server.port}`;
  tlog = await initializeTLog(base, rekorKeys);

  const start = new Date(Date.now() - 3600_000).toISOString();
  const der = (k: ReturnType<typeof keyPair>["publicKey"]) => k.export({ format: "der", type: "spki" });
  const rekorDer = der(rekorKeys.publicKey);
  const trustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: base,
        hashAlgorithm: "SHA2_256",
        publicKey: {
          rawBytes: rekorDer.toString("base64"),
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
          validFor: { start },
        },
        logId: { keyId: createHash("sha256").update(rekorDer).digest("base64") },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "sigstore" },
        uri: base,
        certChain: { certificates: [{ rawBytes: bytes(ca.rootCertificate).toString("base64") }] },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: base,
        hashAlgorithm: "SHA2_256",
        publicKey: {
          rawBytes: Buffer.from(ctLog.publicKey).toString("base64"),
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
          validFor: { start },
        },
        logId: { keyId: bytes(ctLog.logID).toString("base64") },
      },
    ],
    timestampAuthorities: tsa
      ? [
          {
            subject: { organization: "sigstore.mock", commonName: "tsa" },
            uri: `${base}/api/v1/timestamp`,
            certChain: {
              certificates: [tsa.intCertificate, tsa.rootCertificate].map((c) => ({
                rawBytes: bytes(c).toString("base64"),
              })),
            },
            validFor: { start },
          },
        ]
      : [],
  };
  return {
    url: base,
    fulcioUrl: base,
    rekorUrl: base,
    tsaUrl: tsa ? base : undefined,
    trustedRoot,
    writeTrustedRoot: (path) => writeFileSync(path, JSON.stringify(trustedRoot, null, 2)),
    faults,
    calls,
    stop: () => server.stop(true),
  };
}

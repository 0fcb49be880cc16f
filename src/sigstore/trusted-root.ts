/**
 * The Sigstore trusted root: the embedded public-good one (air-gapped verification), or one the
 * user gives with --trusted-root (private Sigstore, tests). Every root is validated before use,
 * because @sigstore/verify accepts keys without a validity start (research gap 3; the Sigstore
 * conformance suite requires rejecting them).
 *
 * The embedded file is `trusted_root.json` exactly as @sigstore/tuf 5.0.1 ships it in
 * seeds.json (the TUF target sigstore-python ships too). Its bytes are pinned by sha256 here;
 * tests/sigstore/trusted-root.test.ts proves it equals the installed seed.
 */
import { readFileSync } from "node:fs";
import { ShiplineError } from "../errors.ts";
// `type: "text"`: the exact bytes are embedded in the compiled binary, so the hash check is real.
import embeddedText from "./trusted-root.json" with { type: "text" };

export const EMBEDDED_ROOT_SHA256 = "6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66";
/** Newest key start date in the embedded root (Rekor log2025-1): the root is current as of this day. */
export const EMBEDDED_ROOT_DATE = "2025-09-23";
/** Expiry of the TUF root (v16) that signed it; `doctor` warns after this. */
export const EMBEDDED_ROOT_TUF_EXPIRES = "2027-04-22";

const TRUSTED_ROOT_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot(\.v0\.1)?\+json;?/;

export interface LoadedRoot {
  /** The parsed JSON, as the protobuf-specs `TrustedRoot.fromJSON` expects. */
  json: Record<string, unknown>;
  source: string;
}

function sha256Hex(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

export function embeddedRootText(): string {
  return embeddedText as unknown as string;
}

export function loadEmbeddedRoot(): LoadedRoot {
  const text = embeddedRootText();
  const got = sha256Hex(text);
  if (got !== EMBEDDED_ROOT_SHA256)
    throw new ShiplineError(
      `the embedded Sigstore trusted root has sha256 ${got}, expected ${EMBEDDED_ROOT_SHA256}`,
      "this binary is damaged or was built from modified sources; use --trusted-root FILE",
    );
  return {
    json: parseRoot(text, "embedded trusted root"),
    source: `embedded public-good root (${EMBEDDED_ROOT_DATE})`,
  };
}

export function loadRootFile(path: string): LoadedRoot {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ShiplineError(`--trusted-root ${path}: cannot read it (${(e as NodeJS.ErrnoException).code})`);
  }
  return { json: parseRoot(text, `--trusted-root ${path}`), source: path };
}

export function loadRoot(path?: string): LoadedRoot {
  return path ? loadRootFile(path) : loadEmbeddedRoot();
}

function parseRoot(text: string, what: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ShiplineError(`${what} is not valid JSON`);
  }
  const problems = validateTrustedRoot(json);
  if (problems.length)
    throw new ShiplineError(
      `${what} is not a usable Sigstore trusted root: ${problems.join("; ")}`,
      "give a trusted_root.json from your Sigstore instance's TUF repository",
    );
  return json as Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const validDate = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));

/** Everything wrong with a trusted root, [] when usable. Stricter than @sigstore/verify on purpose. */
export function validateTrustedRoot(root: unknown): string[] {
  const out: string[] = [];
  if (!isObj(root)) return ["not a JSON object"];
  if (typeof root.mediaType !== "string" || !TRUSTED_ROOT_MEDIA_TYPE.test(root.mediaType))
    out.push(`mediaType ${JSON.stringify(root.mediaType)} is not a Sigstore trusted root`);
  const validFor = (where: string, v: unknown) => {
    if (!isObj(v) || !validDate(v.start)) out.push(`${where}.validFor.start is missing`);
    else if (v.end !== undefined && !validDate(v.end)) out.push(`${where}.validFor.end is not a date`);
  };
  const logs = (key: string, required: boolean) => {
    const list = root[key];
    if (list === undefined && !required) return;
    if (!Array.isArray(list) || (required && list.length === 0)) {
      out.push(`${key} is missing or empty`);
      return;
    }
    list.forEach((log, i) => {
      const where = `${key}[${i}]`;
      if (!isObj(log) || !isObj(log.publicKey) || typeof log.publicKey.rawBytes !== "string") {
        out.push(`${where}.publicKey.rawBytes is missing`);
        return;
      }
      if (!isObj(log.logId) || typeof log.logId.keyId !== "string")
        out.push(`${where}.logId.keyId is missing`);
      validFor(`${where}.publicKey`, log.publicKey.validFor);
    });
  };
  const authorities = (key: string, required: boolean) => {
    const list = root[key];
    if (list === undefined && !required) return;
    if (!Array.isArray(list) || (required && list.length === 0)) {
      out.push(`${key} is missing or empty`);
      return;
    }
    list.forEach((ca, i) => {
      const where = `${key}[${i}]`;
      const certs = isObj(ca) && isObj(ca.certChain) ? ca.certChain.certificates : undefined;
      if (
        !Array.isArray(certs) ||
        certs.length === 0 ||
        !certs.every((c) => isObj(c) && typeof c.rawBytes === "string")
      )
        out.push(`${where}.certChain has no certificates`);
      validFor(where, isObj(ca) ? ca.validFor : undefined);
    });
  };
  logs("tlogs", true);
  logs("ctlogs", true);
  authorities("certificateAuthorities", true);
  authorities("timestampAuthorities", false);
  return out;
}

/** Days until the embedded root's TUF expiry (negative: expired). For `doctor`. */
export function embeddedRootDaysLeft(now = new Date()): number {
  return Math.floor((Date.parse(`${EMBEDDED_ROOT_TUF_EXPIRES}T00:00:00Z`) - now.getTime()) / 86_400_000);
}

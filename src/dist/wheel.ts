/**
 * Wheel contents (PEP 427 / binary distribution format): `<name>-<ver>.dist-info/` with
 * METADATA, WHEEL and RECORD at the path PyPI reads literally (the file name's first two parts),
 * and every member's hash and size equal to its RECORD line — checked by streaming each member
 * through the hasher, never extracting.
 */
import { ArchiveError, MAX_METADATA_BYTES } from "./archive-limits.ts";
import { parseMetadata } from "./metadata.ts";
import { ZipReader } from "./zip.ts";

const utf8 = new TextDecoder("utf-8");
/** RECORD hash names we accept (PEP 376/427: hashlib algorithms, sha256 or stronger). */
const RECORD_HASHES: Record<string, "sha256" | "sha384" | "sha512"> = {
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
};

/** Python csv.reader semantics for RECORD lines (quotes only matter around commas). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === "") quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const b64url = (hex: Buffer) => hex.toString("base64url");

export interface WheelContents {
  metadata: string;
  errors: string[];
  warnings: string[];
  members: Set<string>;
}

export async function checkWheelContents(
  path: string,
  filename: string,
  distInfo: string,
): Promise<WheelContents> {
  const zip = ZipReader.open(path);
  try {
    const errors: string[] = [];
    const warnings: string[] = [];
    const metaEntry = zip.get(`${distInfo}/METADATA`);
    if (!metaEntry)
      throw new ArchiveError(
        `Wheel '${filename}' does not contain the required METADATA file: ${distInfo}/METADATA`,
      );
    if (!zip.get(`${distInfo}/WHEEL`)) throw new ArchiveError(`WHEEL not found at ${distInfo}/WHEEL`);
    const recordEntry = zip.get(`${distInfo}/RECORD`);
    if (!recordEntry)
      throw new ArchiveError(
        `Wheel '${filename}' does not contain the required RECORD file: ${distInfo}/RECORD`,
      );
    const metadata = utf8.decode(await zip.read(metaEntry, MAX_METADATA_BYTES));
    if (!metadata.includes("Metadata-Version"))
      throw new ArchiveError(`No METADATA in archive or METADATA missing 'Metadata-Version': ${filename}`);

    const wheel = parseMetadata(
      utf8.decode(await zip.read(zip.get(`${distInfo}/WHEEL`)!, MAX_METADATA_BYTES)),
    ).fields;
    const wv = wheel["Wheel-Version"];
    if (typeof wv !== "string") errors.push(`${distInfo}/WHEEL has no Wheel-Version`);
    else if (!/^1\.\d+$/.test(wv))
      errors.push(`${distInfo}/WHEEL has unsupported Wheel-Version ${wv} (expected 1.x)`);
    if (wheel["Root-Is-Purelib"] === undefined) warnings.push(`${distInfo}/WHEEL has no Root-Is-Purelib`);

    const record = new Map<string, { hash: string; size: string }>();
    const recordText = utf8.decode(await zip.read(recordEntry, MAX_METADATA_BYTES));
    for (const line of recordText.split(/\r?\n/)) {
      if (line.trim() === "") continue;
      const [p = "", hash = "", size = ""] = parseCsvLine(line);
      if (record.has(p)) errors.push(`RECORD lists ${JSON.stringify(p)} twice`);
      record.set(p, { hash, size });
    }
    let hexRecords = 0;
    const unsigned = new Set([`${distInfo}/RECORD`, `${distInfo}/RECORD.jws`, `${distInfo}/RECORD.p7s`]);
    for (const e of zip.entries) {
      if (e.isDir) continue;
      const rec = record.get(e.name);
      record.delete(e.name);
      if (unsigned.has(e.name)) continue;
      if (!rec) {
        errors.push(`${e.name} is in the wheel but not in RECORD`);
        continue;
      }
      const m = /^([a-z0-9]+)=(.+)$/.exec(rec.hash);
      const algo = m ? RECORD_HASHES[m[1]!] : undefined;
      if (!m || !algo) {
        errors.push(
          `RECORD entry for ${e.name} has no sha256 (or stronger) hash: ${JSON.stringify(rec.hash)}`,
        );
        continue;
      }
      const h = new Bun.CryptoHasher(algo);
      await zip.stream(e, (c) => h.update(c));
      const raw = h.digest() as Buffer;
      const got = b64url(raw);
      const want = m[2]!.replace(/=+$/, "");
      if (got === want) {
        // as the spec says
      } else if (want.toLowerCase() === raw.toString("hex")) hexRecords++;
      else errors.push(`${e.name} does not match its RECORD hash (${m[1]}=${got})`);
      if (rec.size !== "" && Number(rec.size) !== e.usize)
        errors.push(`${e.name} is ${e.usize} bytes but RECORD says ${rec.size}`);
    }
    // Some build tools write hex digests; the content matches, so installers and PyPI accept it.
    if (hexRecords)
      warnings.push(
        `RECORD has ${hexRecords} hex digests; the wheel spec wants urlsafe-base64 (the content matches them)`,
      );
    for (const p of record.keys())
      if (!unsigned.has(p) && !p.endsWith("/"))
        errors.push(`RECORD lists ${p} but the wheel does not contain it`);
    return { metadata, errors, warnings, members: new Set(zip.entries.map((e) => e.name)) };
  } finally {
    zip.close();
  }
}

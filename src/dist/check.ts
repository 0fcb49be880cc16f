/**
 * `check`: what `twine check` does (metadata present, long description renders on PyPI) plus
 * what PyPI itself would refuse (file name, core metadata, archive structure, RECORD), without
 * extracting anything. Every problem becomes a FAILED verdict with a reason; nothing here throws
 * for a bad file.
 */
import { basename } from "node:path";
import { ArchiveError, MAX_METADATA_BYTES } from "./archive-limits.ts";
import { classifierProblems } from "./classifiers.ts";
import { digestFile, type Key } from "./digests.ts";
import { filenameMatchesMetadata, parseDistFilename, unsupportedPlatformTag } from "./filename.ts";
import { parseMetadata, validateMetadata } from "./metadata.ts";
import { normalizeName, normalizeVersion } from "./pep440.ts";
import { pyRepr } from "./py-repr.ts";
import { checkRst } from "./rst.ts";
import { unknownLicenseId } from "./spdx.ts";
import { scanTarGz } from "./tar.ts";
import type { CheckedFile, Verdict } from "./types.ts";
import { checkWheelContents } from "./wheel.ts";

export const WARN_NO_CONTENT_TYPE = "`long_description_content_type` missing. defaulting to `text/x-rst`.";
export const WARN_NO_DESCRIPTION = "`long_description` missing.";
export const ERR_MARKUP = "`long_description` has syntax errors in markup and would not be rendered on PyPI.";

const utf8 = new TextDecoder("utf-8");

/** Warnings and errors about the long description, exactly as twine words them. */
export function checkDescription(fields: Record<string, string | string[]>, description: string | undefined) {
  const warnings: string[] = [];
  const errors: string[] = [];
  const rawType = fields["Description-Content-Type"];
  const ct = typeof rawType === "string" ? rawType : undefined;
  if (ct === undefined) warnings.push(WARN_NO_CONTENT_TYPE);
  const type = (ct ?? "text/x-rst").split(";")[0]!.trim().toLowerCase();
  // twine (≥6.0) and PyPI: an absent, empty or UNKNOWN description is a warning, not a render failure.
  if (description === undefined || description.trim() === "" || description.trimEnd() === "UNKNOWN")
    warnings.push(WARN_NO_DESCRIPTION);
  else if (type !== "text/plain" && type !== "text/markdown") {
    // text/plain and text/markdown cannot fail to render; everything else is rendered as RST.
    const r = checkRst(description);
    if (!r.ok) errors.push([ERR_MARKUP, ...r.messages].join("\n"));
  }
  return { warnings, errors };
}

interface Inner {
  kind: "wheel" | "sdist";
  metadataText: string;
  errors: string[];
  warnings: string[];
  /** Member names, and where License-File paths are relative to (PyPI checks they exist). */
  members: Set<string>;
  licenseRoot: string;
}

async function readSdist(path: string, filename: string): Promise<Inner> {
  const scan = await scanTarGz(path, (name) => /^[^/]+\/PKG-INFO$/.test(name));
  const tops = new Set(scan.members.map((m) => m.name.split("/")[0]!));
  const errors: string[] = [];
  if (tops.size !== 1)
    throw new ArchiveError(`Incorrect number of top-level directories in sdist (${tops.size})`);
  const top = [...tops][0]!;
  if (scan.members.some((m) => m.name === top && m.type === "file"))
    throw new ArchiveError(
      "Incorrect number of top-level directories in sdist (the only top-level member is a file)",
    );
  const pkgInfo = scan.kept.get(`${top}/PKG-INFO`);
  if (!pkgInfo) throw new ArchiveError(`PKG-INFO not found at ${top}/PKG-INFO`);
  const text = utf8.decode(pkgInfo);
  if (!text.includes("Metadata-Version"))
    throw new ArchiveError(`No PKG-INFO in archive or PKG-INFO missing 'Metadata-Version': ${filename}`);
  return {
    kind: "sdist",
    metadataText: text,
    errors,
    warnings: [],
    members: new Set(scan.members.map((m) => m.name)),
    licenseRoot: top,
  };
}

async function readWheel(path: string, filename: string): Promise<Inner> {
  const parts = filename.slice(0, -4).split("-");
  const distInfo = `${parts[0]}-${parts[1]}.dist-info`;
  const r = await checkWheelContents(path, filename, distInfo);
  return {
    kind: "wheel",
    metadataText: r.metadata,
    errors: r.errors,
    warnings: r.warnings,
    members: r.members,
    licenseRoot: `${distInfo}/licenses`,
  };
}

/** The archive's contents, or why it could not be read (never rejects: a bad file is a verdict, not a crash). */
async function readInner(
  kind: "wheel" | "sdist",
  path: string,
  filename: string,
): Promise<Inner | { failed: string }> {
  try {
    return kind === "wheel" ? await readWheel(path, filename) : await readSdist(path, filename);
  } catch (e) {
    return {
      failed:
        e instanceof ArchiveError ? e.message : `the archive could not be read (${(e as Error).message})`,
    };
  }
}

function verdictOf(errors: string[], warnings: string[]): Verdict {
  return errors.length ? "FAILED" : warnings.length ? "PASSED with warnings" : "PASSED";
}

/** A metadata field that may repeat, as a list (absent: none). */
const listField = (v: string | string[] | undefined): string[] =>
  Array.isArray(v) ? v : v === undefined ? [] : [v];

/**
 * Check one distribution file. Never throws for a bad file: problems are in `errors`.
 * `digests` limits the digests computed (the others are ""): an upload needs only what it sends.
 */

export async function checkDistribution(
  path: string,
  opts: { digests?: readonly Key[] } = {},
): Promise<CheckedFile> {
  const filename = basename(path);
  const out: CheckedFile = {
    path,
    filename,
    kind: filename.endsWith(".whl") ? "wheel" : "sdist",
    name: "",
    version: "",
    size: 0,
    digests: { md5: "", sha256: "", blake2_256: "" },
    verdict: "FAILED",
    warnings: [],
    errors: [],
    metadata: {},
  };
  const fn = parseDistFilename(filename);
  // The archive is read while the digest workers hash (their feeding is event-driven, and the
  // archive reader yields between chunks, so both progress on this thread): the RECORD pass — a
  // second read, sha256 + CRC-32 of every member — uses the time a worker that finished early
  // leaves idle, instead of coming after.
  const reading = fn.ok ? readInner(fn.parsed.kind, path, filename) : undefined;
  try {
    const d = await digestFile(path, { keys: opts.digests });
    out.size = d.size;
    out.digests = d.digests;
  } catch (e) {
    await reading;
    out.errors.push(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return out;
  }
  if (!fn.ok) {
    out.errors.push(fn.error);
    return out;
  }
  const inner = (await reading) as Inner | { failed: string };
  if ("failed" in inner) {
    out.errors.push(`Invalid distribution file. ${inner.failed}`);
    return out;
  }
  out.errors.push(...inner.errors);
  out.warnings.push(...inner.warnings);
  if (inner.metadataText.length > MAX_METADATA_BYTES) out.errors.push("metadata file is too large");
  const meta = parseMetadata(inner.metadataText);
  out.metadata = meta.fields;
  const { errors: metaErrors, warnings: metaWarnings } = validateMetadata(meta);
  const cls = classifierProblems(listField(meta.fields.Classifier));
  if (metaErrors.length || cls.errors.length)
    out.errors.push(`Invalid distribution metadata: ${[...metaErrors, ...cls.errors].join("; ")}`);
  out.warnings.push(...metaWarnings, ...cls.warnings);
  const le = meta.fields["License-Expression"];
  if (typeof le === "string" && le.trim() && !metaErrors.length) {
    const unknown = unknownLicenseId(le.trim());
    if (unknown)
      out.warnings.push(
        `License-Expression: ${unknown}; PyPI refuses it (${pyRepr(le.trim())} is invalid for 'license-expression') unless the id is newer than that list`,
      );
  }
  const name = typeof meta.fields.Name === "string" ? meta.fields.Name : "";
  const version = typeof meta.fields.Version === "string" ? meta.fields.Version : "";
  out.name = name ? normalizeName(name) : normalizeName(fn.parsed.name);
  out.version = (version && normalizeVersion(version)) || fn.parsed.version;
  if (name && version && !metaErrors.length)
    out.errors.push(...filenameMatchesMetadata(filename, fn.parsed, name, version));
  const badTag = unsupportedPlatformTag(fn.parsed);
  if (badTag) out.errors.push(`Binary wheel '${filename}' has an unsupported platform tag '${badTag}'.`);
  // License-File paths must exist in the archive (PyPI checks them for Metadata-Version ≥ 2.4;
  // older setuptools wrote License-File with another layout, and uploaders drop it there).
  const mv = Number.parseFloat(String(meta.fields["Metadata-Version"] ?? "0"));
  const licenseFiles = meta.fields["License-File"];
  if (mv >= 2.4 && Array.isArray(licenseFiles))
    for (const lf of licenseFiles)
      if (!inner.members.has(`${inner.licenseRoot}/${lf}`))
        out.errors.push(
          `License-File ${lf} does not exist in distribution file ${filename} at ${inner.licenseRoot}/${lf}`,
        );
  const desc = checkDescription(meta.fields, meta.description);
  out.errors.push(...desc.errors);
  out.warnings.push(...desc.warnings);
  out.verdict = verdictOf(out.errors, out.warnings);
  return out;
}

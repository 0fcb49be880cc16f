/**
 * Core metadata (PKG-INFO / METADATA): RFC 822-style headers, multi-use fields repeated, the
 * long description in the body (or, in old files, a `Description:` header). Parsed the way
 * Python's email parser + pkginfo read it, then checked against the core metadata spec
 * versions 1.0–2.4 the way PyPI (packaging.metadata) would refuse it.
 */
import { metadataRuleErrors } from "./metadata-rules.ts";
import { NAME_RE, parseVersion } from "./pep440.ts";

/** Canonical header names; the lowercase key is how we match (headers are case-insensitive). */
const FIELDS: [name: string, multi: boolean, since: string][] = [
  ["Metadata-Version", false, "1.0"],
  ["Name", false, "1.0"],
  ["Version", false, "1.0"],
  ["Platform", true, "1.0"],
  ["Supported-Platform", true, "1.1"],
  ["Summary", false, "1.0"],
  ["Description", false, "1.0"],
  ["Description-Content-Type", false, "2.1"],
  ["Keywords", false, "1.0"],
  ["Home-Page", false, "1.0"],
  ["Download-URL", false, "1.1"],
  ["Author", false, "1.0"],
  ["Author-email", false, "1.0"],
  ["Maintainer", false, "1.2"],
  ["Maintainer-email", false, "1.2"],
  ["License", false, "1.0"],
  ["License-Expression", false, "2.4"],
  ["License-File", true, "2.4"],
  ["Classifier", true, "1.1"],
  ["Requires-Dist", true, "1.2"],
  ["Requires-Python", false, "1.2"],
  ["Requires-External", true, "1.2"],
  ["Project-URL", true, "1.2"],
  ["Provides-Extra", true, "2.1"],
  ["Provides-Dist", true, "1.2"],
  ["Obsoletes-Dist", true, "1.2"],
  ["Dynamic", true, "2.2"],
  ["Requires", true, "1.1"],
  ["Provides", true, "1.1"],
  ["Obsoletes", true, "1.1"],
  ["Import-Name", true, "2.5"],
  ["Import-Namespace", true, "2.5"],
];
const BY_KEY = new Map(FIELDS.map((f) => [f[0].toLowerCase(), f]));

const STRICT_SINCE = new Set(["License-Expression", "Dynamic"]);
export const METADATA_VERSIONS = ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"];
const CONTENT_TYPES = ["text/plain", "text/x-rst", "text/markdown"];

export interface ParsedMetadata {
  /** Known fields under canonical names (multi-use ones as arrays); unknown headers as written. */
  fields: Record<string, string | string[]>;
  /** The long description: the body if there is one, else the Description header. */
  description: string | undefined;
  /** Canonical names of headers continued over several lines (packaging keeps the newlines). */
  folded?: Set<string>;
}

/** Parse RFC 822-style headers and body like email.parser (continuation lines start with whitespace). */
export function parseMetadata(text: string): ParsedMetadata {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const raw: [string, string][] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") {
      i++;
      break;
    }
    if (/^[ \t]/.test(line) && raw.length > 0) {
      raw[raw.length - 1]![1] += `\n${line}`;
      continue;
    }
    const m = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/.exec(line);
    if (!m) break; // email.parser: a non-header line starts the body
    raw.push([m[1]!, m[2]!]);
  }
  const body = lines.slice(i).join("\n");
  const fields: Record<string, string | string[]> = {};
  const folded = new Set<string>();
  for (const [key, value] of raw) {
    const def = BY_KEY.get(key.toLowerCase());
    const name = def?.[0] ?? key;
    if (value.includes("\n")) folded.add(name);
    const v =
      name === "Description"
        ? value
            .split("\n")
            .map((l, n) => (n > 0 && l.startsWith("        ") ? l.slice(8).replace(/^\|/, "") : l))
            .join("\n")
        : value
            .split("\n")
            .map((l) => l.trim())
            .join(" ");
    if (def?.[1]) fields[name] = [...((fields[name] as string[] | undefined) ?? []), v];
    else if (fields[name] === undefined) fields[name] = v;
    else fields[name] = ([] as string[]).concat(fields[name]!, v);
  }
  const header = typeof fields.Description === "string" ? fields.Description : undefined;
  const description = body.trim() !== "" ? body : header;
  if (description !== undefined) fields.Description = description;
  return { fields, description, folded };
}

const cmpVersion = (a: string, b: string) => {
  const [a1, a2] = a.split(".").map(Number);
  const [b1, b2] = b.split(".").map(Number);
  return a1! - b1! || a2! - b2!;
};

/**
 * Errors PyPI would refuse the upload for (packaging.metadata's rules, which PyPI and twine ≥ 6.1
 * apply), and warnings for what only some uploaders trip over.
 */
export function validateMetadata(m: ParsedMetadata): { errors: string[]; warnings: string[] } {
  const f = m.fields;
  const errors: string[] = [];
  const warnings: string[] = [];
  const mv = f["Metadata-Version"];
  if (mv === undefined) return { errors: ["metadata is missing required field Metadata-Version"], warnings };
  if (typeof mv !== "string" || !METADATA_VERSIONS.includes(mv))
    return {
      errors: [
        `'${String(mv)}' is not a valid metadata version (supported: ${METADATA_VERSIONS.join(", ")})${mv === "2.0" ? "; 2.0 was never a standard and PyPI refuses it: rebuild with a current build backend" : ""}`,
      ],
      warnings,
    };
  for (const req of ["Name", "Version"]) {
    const v = f[req];
    if (v === undefined || v === "" || v === "UNKNOWN")
      errors.push(`metadata is missing required field ${req}`);
    else if (Array.isArray(v)) errors.push(`${req} must appear only once`);
  }
  const name = f.Name;
  if (typeof name === "string" && name && name !== "UNKNOWN" && !NAME_RE.test(name))
    errors.push(
      `'${name}' is invalid for 'name': start and end with a letter or digit; use only letters, digits, '.', '-' and '_'`,
    );
  const version = f.Version;
  if (typeof version === "string" && version && version !== "UNKNOWN" && !parseVersion(version))
    errors.push(`'${version}' is invalid for 'version': not a PEP 440 version`);
  for (const [key, value] of Object.entries(f)) {
    const def = BY_KEY.get(key.toLowerCase());
    if (!def) continue;
    if (!def[1] && Array.isArray(value) && key !== "Description")
      errors.push(`'${key}' must appear only once (found ${value.length} times)`);
    if (key === "Description" && Array.isArray(value)) continue;
    // setuptools wrote License-File and Provides-Extra long before they were standardised, and
    // PyPI takes those. License-Expression/Dynamic in older versions (hatchling < 1.26 wrote
    // License-Expression under 2.3) are refused by packaging-based uploaders (twine ≥ 6.1) and
    // by PyPI when sent; older uploaders silently dropped them. A warning, not a verdict.
    if (STRICT_SINCE.has(key) && cmpVersion(def[2], mv) > 0)
      warnings.push(
        `'${key}' introduced in metadata version ${def[2]}, not ${mv}: PyPI refuses it when the uploader sends it; upgrade the build backend so it writes Metadata-Version ${def[2]}`,
      );
  }
  const ct = f["Description-Content-Type"];
  if (typeof ct === "string") {
    const type = ct.split(";")[0]!.trim().toLowerCase();
    if (!CONTENT_TYPES.includes(type))
      errors.push(
        `'${ct}' is an invalid value for description-content-type: use text/plain, text/x-rst or text/markdown`,
      );
  }
  if (f.License !== undefined && f["License-Expression"] !== undefined)
    errors.push(
      "License is deprecated when License-Expression is present. Only License-Expression should be present.",
    );
  const urls = f["Project-URL"];
  if (Array.isArray(urls)) {
    const labels = new Set<string>();
    for (const u of urls) {
      const label = u.split(",")[0]!.trim();
      if (!u.includes(",")) errors.push(`'project_urls' has invalid data: '${u}' is not 'Label, URL'`);
      else if (labels.has(label)) errors.push(`'project_urls' has invalid data: duplicate label '${label}'`);
      labels.add(label);
    }
  }
  errors.push(...metadataRuleErrors(f, mv, m.folded));
  return { errors, warnings };
}

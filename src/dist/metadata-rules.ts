/**
 * Field-level core-metadata rules that twine ≥ 6.1 (packaging 26 `Metadata.from_raw`) and PyPI
 * (warehouse `forklift/metadata.py` `_validate_metadata`) refuse an upload for, beyond the
 * structural ones in metadata.ts. Messages are packaging's / warehouse's text; warehouse texts that
 * do not name the field get a `<Field>: ` prefix so the user knows where to look.
 *
 * Deliberately never stricter than the real thing (a false FAILED blocks a valid release):
 * - a value that is empty or `UNKNOWN` is skipped (PyPI drops such form fields before validating;
 *   old setuptools wrote `Author-email: UNKNOWN`, `Home-page: UNKNOWN`);
 * - packaging's per-field rules only run when the declared Metadata-Version has the field
 *   (packaging reports the version mismatch instead — metadata.ts handles that);
 * - where the real validator depends on data we do not carry (SPDX license list, trove
 *   classifiers) or on a library we cannot reproduce exactly (email-validator, rfc3986), only
 *   the unambiguous part is checked.
 */
import { NAME_RE, parseVersion } from "./pep440.ts";
import { formatRequirement, isValidSpecifierSet, parseRequirement } from "./pep508.ts";
import { pyRepr } from "./py-repr.ts";

type Fields = Record<string, string | string[]>;

const present = (v: string | undefined): v is string =>
  v !== undefined && v.trim() !== "" && v.trim() !== "UNKNOWN";
const single = (f: Fields, k: string) => (typeof f[k] === "string" ? (f[k] as string) : undefined);
const multi = (f: Fields, k: string) => {
  const v = f[k];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(present);
};
const atLeast = (mv: string, since: string) => {
  const [a1, a2] = mv.split(".").map(Number);
  const [b1, b2] = since.split(".").map(Number);
  return (a1! - b1! || a2! - b2!) >= 0;
};
/** Python's len(): code points, not UTF-16 units. */
const pyLen = (s: string) => [...s].length;

/** Fields a Dynamic entry may name (packaging `_EMAIL_TO_RAW_MAPPING`, lowercased email names). */
const DYNAMIC_OK = new Set([
  "author",
  "author-email",
  "classifier",
  "description",
  "description-content-type",
  "download-url",
  "dynamic",
  "home-page",
  "import-name",
  "import-namespace",
  "keywords",
  "license",
  "license-expression",
  "license-file",
  "maintainer",
  "maintainer-email",
  "obsoletes",
  "obsoletes-dist",
  "platform",
  "project-url",
  "provides",
  "provides-dist",
  "provides-extra",
  "requires",
  "requires-dist",
  "requires-external",
  "requires-python",
  "summary",
  "supported-platform",
]);
const DYNAMIC_FORBIDDEN = new Set(["name", "version", "metadata-version"]);

/**
 * The parameters of `text/markdown; charset=UTF-8; variant=GFM`, keys lowercased, values unquoted,
 * as Python's email header parser gives them: `key=` (empty) is dropped, a bare `key` is ''.
 */
function contentTypeParams(ct: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of ct.split(";").slice(1)) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = (eq < 0 ? "" : part.slice(eq + 1)).trim().replace(/^"(.*)"$/, "$1");
    if (eq < 0 || value !== "") params.set(key, value);
  }
  return params;
}

/**
 * SPDX expression syntax as packaging's `canonicalize_license_expression` checks it: parentheses
 * padded, whitespace-split, case-insensitive AND/OR/WITH, every other token an operand. (It then
 * also refuses ids missing from its bundled SPDX list; we carry no list, so unknown ids pass.)
 */
/** packaging's tokens of a License-Expression: parentheses padded, split on whitespace. */
export const licenseTokens = (expr: string): string[] =>
  expr.replaceAll("(", " ( ").replaceAll(")", " ) ").split(/\s+/).filter(Boolean);

export function licenseExpressionSyntaxOk(expr: string): boolean {
  if (!expr) return false;
  const tokens = licenseTokens(expr).map((t) => t.toLowerCase());
  const py: string[] = [];
  for (const t of tokens) {
    if (!["or", "and", "with", "(", ")"].includes(t)) py.push("F");
    else if (t === "with") py.push("or");
    else if (t === "(" && py.length && !["or", "and", "("].includes(py[py.length - 1]!)) return false;
    else if (t === ")" && py.length && py[py.length - 1] === "(") return false;
    else py.push(t);
  }
  // The Python expression `False (and|or) (...)` must compile: expr = term ((and|or) term)*.
  let i = 0;
  const term = (): boolean => {
    if (py[i] === "F") return ++i > 0;
    if (py[i] !== "(") return false;
    i++;
    if (!expr_()) return false;
    return py[i++] === ")";
  };
  const expr_ = (): boolean => {
    if (!term()) return false;
    while (py[i] === "and" || py[i] === "or") {
      i++;
      if (!term()) return false;
    }
    return true;
  };
  if (!expr_() || i !== py.length) return false;
  // LicenseRef-<idstring>: letters, digits, '.', '-' only.
  return tokens.every((t) => !t.startsWith("licenseref-") || /^[a-z0-9.-]*$/.test(t.replace(/\+$/, "")));
}

/**
 * The address warehouse validates: `email.utils.parseaddr(value)[1]`. Only a single address is
 * looked at: for a list, Python ≥ 3.13's strict parseaddr returns '' and warehouse skips it.
 */
function emailProblem(value: string): { address: string; reason: string } | undefined {
  let depth = 0;
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "<" || ch === "(")) depth++;
    else if (!quoted && (ch === ">" || ch === ")")) depth--;
    else if (!quoted && depth === 0 && ch === ",") return undefined;
  }
  const angle = /<([^<>]*)>/.exec(value);
  const address = (angle ? angle[1]! : value.replace(/\([^()]*\)/g, "")).trim();
  if (address === "") return undefined;
  // email-validator's texts (what PyPI appends after the colon).
  if (!address.includes("@")) {
    // parseaddr keeps only the first word of "Jane Doe"; that has no @-sign either.
    const first = angle ? address : address.split(/\s+/)[0]!;
    return { address: first, reason: "An email address must have an @-sign." };
  }
  if (/[\s"]/.test(address) || address.split("@").length !== 2) return undefined; // parseaddr territory
  const [local, domain] = address.split("@") as [string, string];
  if (local === "") return { address, reason: "There must be something before the @-sign." };
  if (domain === "" || domain.startsWith("[")) return undefined;
  if (!domain.includes("."))
    return { address, reason: "The part after the @-sign is not valid. It should have a period." };
  return undefined;
}

/**
 * warehouse `is_valid_uri(url, require_authority=False)` (rfc3986): a scheme is required and must
 * be http or https; a host, if there is one, must be a valid host, and a port digits ≤ 65535.
 * Paths and queries are percent-encoded by rfc3986 before validation, so they never fail.
 */
export function isValidUrl(url: string): boolean {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(url);
  if (!m || !["http", "https"].includes(m[1]!.toLowerCase())) return false;
  const auth = /^\/\/([^/?#]*)/.exec(m[2]!);
  if (!auth) return true;
  const hostPort = auth[1]!.slice(auth[1]!.lastIndexOf("@") + 1);
  if (hostPort.startsWith("[")) return true; // IP literal
  const colon = hostPort.lastIndexOf(":");
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  const port = colon < 0 ? "" : hostPort.slice(colon + 1);
  if (port !== "" && (!/^\d+$/.test(port) || Number(port) > 65535)) return false;
  // reg-name: unreserved / pct-encoded / sub-delims (non-ASCII let through: IDNs are not our call).
  return !/[\s"<>\\^`{|}]/.test(host) && !/%(?![0-9A-Fa-f]{2})/.test(host);
}

/**
 * Errors for one parsed METADATA/PKG-INFO whose Metadata-Version `mv` is already known to be
 * supported. `folded` names single-use fields whose header was continued over several lines.
 */
export function metadataRuleErrors(f: Fields, mv: string, folded: ReadonlySet<string> = new Set()): string[] {
  const errors: string[] = [];

  // packaging `_process_summary`: the email header must not be folded onto several lines.
  if (folded.has("Summary")) errors.push("'summary' must be a single line");
  // warehouse `_LENGTH_LIMITS`: summaries are capped at 512 characters.
  const summary = single(f, "Summary");
  if (summary !== undefined && pyLen(summary) > 512)
    errors.push("'summary' field must be 512 characters or less.");

  // warehouse: no local versions on PyPI (PEP 440: local versions are for downstream builds).
  const version = single(f, "Version");
  if (present(version) && parseVersion(version)?.local)
    errors.push(`The use of local versions in ${pyRepr(version.trim())} is not allowed.`);

  // packaging `_process_description_content_type`: only the UTF-8 charset, and only the GFM or
  // CommonMark Markdown variants. packaging 26.2 compares the charset case-sensitively; newer
  // packaging (pypa/packaging#1330) accepts any case, so `utf-8` passes here.
  const ct = single(f, "Description-Content-Type");
  if (ct !== undefined) {
    const type = ct.split(";")[0]!.trim().toLowerCase();
    const params = contentTypeParams(ct);
    const charset = params.get("charset");
    const variant = params.get("variant");
    if (["text/plain", "text/x-rst", "text/markdown"].includes(type)) {
      if (charset !== undefined && charset.toLowerCase() !== "utf-8")
        errors.push(`'description-content-type' can only specify the UTF-8 charset, not ${pyRepr(charset)}`);
      else if (
        type === "text/markdown" &&
        variant !== undefined &&
        variant !== "GFM" &&
        variant !== "CommonMark"
      )
        errors.push(
          `valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not ${pyRepr(variant)}`,
        );
    }
  }

  // packaging `_process_requires_dist` (PEP 508), then warehouse: no direct URL dependencies.
  if (atLeast(mv, "1.2"))
    for (const req of multi(f, "Requires-Dist")) {
      const r = parseRequirement(req);
      if ("error" in r) errors.push(`${pyRepr(req)} is invalid for 'requires-dist'`);
      else if (r.url !== undefined)
        errors.push(`Requires-Dist: Can't have direct dependency: ${formatRequirement(r)}`);
    }

  // packaging `_process_requires_python`: a PEP 440 specifier set.
  const rp = single(f, "Requires-Python");
  if (atLeast(mv, "1.2") && present(rp) && !isValidSpecifierSet(rp))
    errors.push(`${pyRepr(rp)} is invalid for 'requires-python'`);

  // packaging `_process_provides_extra`: extras are valid project-style names.
  if (atLeast(mv, "2.1"))
    for (const extra of multi(f, "Provides-Extra"))
      if (!NAME_RE.test(extra)) errors.push(`${pyRepr(extra)} is invalid for 'provides-extra'`);

  // packaging `_process_dynamic`: Name/Version/Metadata-Version are always static; others must be
  // core-metadata fields.
  if (atLeast(mv, "2.2"))
    for (const d of multi(f, "Dynamic").map((x) => x.toLowerCase())) {
      if (DYNAMIC_FORBIDDEN.has(d)) errors.push(`${pyRepr(d)} is not allowed as a dynamic field`);
      else if (!DYNAMIC_OK.has(d)) errors.push(`${pyRepr(d)} is not a valid dynamic field`);
    }

  // packaging `canonicalize_license_expression`: SPDX expression syntax (PEP 639).
  const le = single(f, "License-Expression");
  if (atLeast(mv, "2.4") && present(le) && !licenseExpressionSyntaxOk(le))
    errors.push(`${pyRepr(le)} is invalid for 'license-expression'`);

  // warehouse: Author-email / Maintainer-email must be RFC 822 addresses (email-validator).
  for (const field of ["Author-email", "Maintainer-email"]) {
    const v = single(f, field);
    const p = present(v) ? emailProblem(v) : undefined;
    if (p) errors.push(`${field}: ${pyRepr(p.address)} is not a valid email address: ${p.reason}`);
  }

  // warehouse: Home-page / Download-URL must be http(s) URLs (no javascript:, mailto:, …).
  for (const field of ["Home-Page", "Download-URL"]) {
    const v = single(f, field);
    if (present(v) && !isValidUrl(v.trim())) errors.push(`${field}: ${pyRepr(v.trim())} is not a valid url.`);
  }

  // warehouse: Project-URL labels ≤ 32 characters, both parts present, URL valid.
  for (const entry of multi(f, "Project-URL")) {
    if (!entry.includes(",")) continue; // metadata.ts reports the malformed entry
    const label = entry.slice(0, entry.indexOf(",")).trim();
    const url = entry.slice(entry.indexOf(",") + 1).trim();
    if (!label) errors.push("Project-URL: Must have a label");
    else if (pyLen(label) > 32) errors.push(`Project-URL: ${pyRepr(label)} must be 32 characters or less.`);
    else if (!url) errors.push("Project-URL: Must have a URL");
    else if (!isValidUrl(url)) errors.push(`Project-URL: ${pyRepr(url)} is not a valid url`);
  }
  return errors;
}

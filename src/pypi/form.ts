/**
 * The upload form PyPI builds the release from (spec §1.3). PyPI takes the release metadata
 * from these form fields, not from the file, and silently drops names it does not know — so
 * the names here are exactly warehouse's (`classifiers`, `project_urls`, `license_file`, …).
 */
import type { CheckedFile } from "../dist/types.ts";

/** Core-metadata header → form field, where the plain lowercase/underscore rule is not it. */
const OVERRIDES: Record<string, string> = {
  Classifier: "classifiers",
  "Project-URL": "project_urls",
  "Home-Page": "home_page",
  "Download-URL": "download_url",
  "Author-email": "author_email",
  "Maintainer-email": "maintainer_email",
};

const KNOWN = new Set([
  "metadata_version",
  "name",
  "version",
  "summary",
  "description",
  "description_content_type",
  "keywords",
  "home_page",
  "download_url",
  "author",
  "author_email",
  "maintainer",
  "maintainer_email",
  "license",
  "license_expression",
  "requires_python",
  "classifiers",
  "platform",
  "supported_platform",
  "license_file",
  "requires_dist",
  "provides_dist",
  "obsoletes_dist",
  "requires_external",
  "provides_extra",
  "dynamic",
  "project_urls",
  "requires",
  "provides",
  "obsoletes",
  "import_name",
  "import_namespace",
]);

export const formName = (header: string): string =>
  OVERRIDES[header] ?? header.toLowerCase().replace(/-/g, "_");

/** `pyversion`: the wheel's python tag (`py3`, `cp312`, `py2.py3`), `source` for an sdist. */
export function pyversionOf(f: Pick<CheckedFile, "kind" | "filename">): string {
  if (f.kind === "sdist") return "source";
  const parts = f.filename.slice(0, -4).split("-");
  return parts[parts.length - 3] ?? "";
}

/** Ordered (name, value) pairs: control fields, metadata, digests; `content` comes after these. */
/** The digests an upload sends (uploadFields): what `shipline upload` has its check compute. */
export const UPLOAD_DIGESTS = ["sha256", "blake2_256"] as const;

export function uploadFields(f: CheckedFile, attestations?: string): [string, string][] {
  const out: [string, string][] = [
    [":action", "file_upload"],
    ["protocol_version", "1"],
    ["filetype", f.kind === "wheel" ? "bdist_wheel" : "sdist"],
    ["pyversion", pyversionOf(f)],
  ];
  const mv = typeof f.metadata["Metadata-Version"] === "string" ? f.metadata["Metadata-Version"] : "";
  const licenseFileAllowed = Number.parseFloat(mv) >= 2.4;
  for (const [header, value] of Object.entries(f.metadata)) {
    const name = formName(header);
    if (!KNOWN.has(name)) continue;
    if (name === "license_file" && !licenseFileAllowed) continue;
    if (name === "keywords") {
      // One field, comma-separated (repeating it is an error on PyPI).
      out.push([name, Array.isArray(value) ? value.join(", ") : value]);
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) if (v !== "") out.push([name, v]);
  }
  // md5 is deprecated and compared inconsistently by PyPI (spec §1.3): send sha256 + blake2.
  out.push(["sha256_digest", f.digests.sha256], ["blake2_256_digest", f.digests.blake2_256]);
  if (attestations) out.push(["attestations", attestations]);
  return out;
}

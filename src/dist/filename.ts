/** Distribution file names as PyPI checks them (spec §6, §1.4 steps 15–16; PEP 427/491/625). */
import { NAME_RE, normalizeName, normalizeVersion, parseVersion, sameVersion } from "./pep440.ts";

export interface ParsedFilename {
  kind: "wheel" | "sdist";
  /** Name part as written in the file name. */
  name: string;
  version: string;
  build?: string;
  tags?: { python: string; abi: string; platform: string };
}

export type FilenameResult = { ok: true; parsed: ParsedFilename } | { ok: false; error: string };

/** Mirrors packaging.utils.parse_wheel_filename / parse_sdist_filename, with their messages. */
export function parseDistFilename(filename: string): FilenameResult {
  if (/[\x00-\x1f\x7f]/.test(filename))
    return {
      ok: false,
      error:
        "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.",
    };
  if (filename.endsWith(".whl")) {
    const parts = filename.slice(0, -4).split("-");
    if (parts.length !== 5 && parts.length !== 6)
      return { ok: false, error: `Invalid wheel filename (wrong number of parts): '${filename}'` };
    const [name, version] = parts as [string, string];
    if (name.includes("__") || !/^[\w.]*$/u.test(name))
      return { ok: false, error: `Invalid project name: '${filename}'` };
    if (!parseVersion(version))
      return { ok: false, error: `Invalid wheel filename (invalid version): '${filename}'` };
    let build: string | undefined;
    if (parts.length === 6) {
      build = parts[2]!;
      if (!/^\d/.test(build)) return { ok: false, error: `Invalid build number: ${build} in '${filename}'` };
    }
    const [python, abi, platform] = parts.slice(-3) as [string, string, string];
    return { ok: true, parsed: { kind: "wheel", name, version, build, tags: { python, abi, platform } } };
  }
  if (filename.endsWith(".tar.gz")) {
    const stem = filename.slice(0, -7);
    const dash = stem.lastIndexOf("-");
    if (dash < 0)
      return {
        ok: false,
        error: `Invalid sdist filename (extension must be '.tar.gz' or '.zip'): '${filename}'`,
      };
    const name = stem.slice(0, dash);
    const version = stem.slice(dash + 1);
    if (!parseVersion(version))
      return { ok: false, error: `Invalid sdist filename (invalid version): '${filename}'` };
    return { ok: true, parsed: { kind: "sdist", name, version } };
  }
  if (filename.endsWith(".zip"))
    return {
      ok: false,
      error: `Unsupported sdist format: '${filename}'. PyPI accepts only .tar.gz source distributions (PEP 625)`,
    };
  return { ok: false, error: `Unknown distribution format: '${filename}'` };
}

/** A wheel's tag triples, expanded and lowercased as packaging.tags.parse_tag does (py2.py3 → two). */
function tagSet(t: NonNullable<ParsedFilename["tags"]>): Set<string> {
  const out = new Set<string>();
  for (const i of t.python.split("."))
    for (const a of t.abi.split("."))
      for (const p of t.platform.split(".")) out.add(`${i}-${a}-${p}`.toLowerCase());
  return out;
}

/**
 * Do two file names name the same distribution, compared parsed as PyPI compares a PEP 740
 * subject with the uploaded file (normalized name, version, build, tags; spec §3.5)? Names
 * that do not parse are compared as written.
 */
export function sameDistribution(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseDistFilename(a);
  const pb = parseDistFilename(b);
  if (!pa.ok || !pb.ok) return false;
  const [x, y] = [pa.parsed, pb.parsed];
  if (
    x.kind !== y.kind ||
    normalizeName(x.name) !== normalizeName(y.name) ||
    !sameVersion(x.version, y.version)
  )
    return false;
  if (x.kind === "sdist") return true;
  if ((x.build ?? "") !== (y.build ?? "")) return false;
  const [tx, ty] = [tagSet(x.tags!), tagSet(y.tags!)];
  return tx.size === ty.size && [...tx].every((t) => ty.has(t));
}

/** The file name PyPI expects for this name and version (sdist) or name part (wheel). */
export function expectedNamePart(metadataName: string): string {
  return normalizeName(metadataName).replace(/-/g, "_");
}

/** Compare a parsed file name with the metadata inside the file; PyPI's messages. */
export function filenameMatchesMetadata(
  filename: string,
  parsed: ParsedFilename,
  metaName: string,
  metaVersion: string,
): string[] {
  const errors: string[] = [];
  if (!NAME_RE.test(metaName)) return errors; // reported by the metadata check
  const want = expectedNamePart(metaName);
  if (normalizeName(parsed.name) !== normalizeName(metaName))
    errors.push(`Start filename for '${metaName}' with '${want}'.`);
  else if (parsed.kind === "wheel" && parsed.name !== want)
    errors.push(
      `Filename '${filename}' should contain the normalized project name '${want}', not '${parsed.name}'.`,
    );
  if (!sameVersion(parsed.version, metaVersion))
    errors.push(
      `Version in filename should be '${normalizeVersion(metaVersion) ?? metaVersion}' not '${parsed.version}'.`,
    );
  else if (parsed.kind === "sdist") {
    const expected = `${want}-${normalizeVersion(metaVersion) ?? metaVersion}.tar.gz`;
    if (errors.length === 0 && filename !== expected)
      errors.push(`Filename '${filename}' is invalid, should be '${expected}'.`);
  }
  return errors;
}

/**
 * PyPI's platform-tag allow-list for binary wheels (warehouse `_valid_platform_tag`, spec §1.4
 * step 16): plain `linux_x86_64` (a wheel built on one distro) is refused; manylinux/musllinux
 * with a known architecture, Windows, macOS, iOS, Android, Emscripten are accepted.
 */
const ARCH = "(x86_64|i686|aarch64|armv7l|ppc64|ppc64le|s390x|riscv64|loongarch64)";
const PLATFORM_OK = [
  /^any$/,
  /^win32$/,
  /^win_(amd64|arm64|ia64)$/,
  /^manylinux(1|2010)_(x86_64|i686)$/,
  new RegExp(`^manylinux2014_${ARCH}$`),
  new RegExp(`^(manylinux|musllinux)_\\d+_\\d+_${ARCH}$`),
  /^macosx_10_\d+_(x86_64|i386|ppc|ppc64|intel|fat|fat3|fat64|universal|universal2|arm64)$/,
  /^macosx_(1[1-9]|2\d)_0_(x86_64|arm64|universal2)$/,
  /^ios_\d+_\d+_(arm64|x86_64)_(iphoneos|iphonesimulator)$/,
  /^android_\d+_(armeabi_v7a|arm64_v8a|x86|x86_64)$/,
  /^pyemscripten_\d+_\d+_wasm32$/,
  /^emscripten_\d+_\d+_\d+_wasm32$/,
  /^linux_(armv6l|armv7l)$/,
];

/** The first platform tag of a wheel PyPI would refuse, if any. */
export function unsupportedPlatformTag(parsed: ParsedFilename): string | undefined {
  if (parsed.kind !== "wheel" || !parsed.tags) return undefined;
  return parsed.tags.platform.split(".").find((t) => !PLATFORM_OK.some((re) => re.test(t)));
}

/**
 * Limits for reading untrusted archives without extracting them. PyPI refuses a file whose
 * decompressed size exceeds 64 MiB at a compression ratio above 50 ("File exceeds compression
 * ratio of 50", spec §1.5); we apply the same rule while streaming, so a zip bomb is stopped
 * after at most 64 MiB × … of output instead of filling memory or disk.
 */
export const RATIO_LIMIT = 50;
export const RATIO_FREE_BYTES = 64 << 20;
/** Largest metadata file (METADATA, WHEEL, RECORD, PKG-INFO) we keep in memory. */
export const MAX_METADATA_BYTES = 16 << 20;
/** How much compressed data we read from disk at once. */
export const READ_CHUNK = 1 << 20;
/** A reason the archive is refused: becomes a FAILED line, never a crash. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArchiveError";
  }
}

export function checkRatio(decompressed: number, compressedTotal: number): void {
  if (decompressed > RATIO_FREE_BYTES && decompressed > compressedTotal * RATIO_LIMIT)
    throw new ArchiveError(
      `File exceeds compression ratio of ${RATIO_LIMIT} (more than ${decompressed} bytes from ${compressedTotal}): refusing a possible zip bomb`,
    );
}

/** Member paths that would escape or confuse an extraction: absolute, drive letters, `..`, backslashes, NUL. */
export function unsafePathReason(name: string): string | undefined {
  if (name.startsWith("/")) return "is an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "starts with a drive letter";
  if (name.includes("\\")) return "contains a backslash";
  if (name.includes("\0")) return "contains a NUL byte";
  if (name.split("/").includes("..")) return "contains a `..` component (path traversal)";
  // `a/./METADATA` and `a//METADATA` are other spellings of `a/METADATA`: an installer writes
  // them to the same path (the last one wins), so they would slip past the duplicate check
  const trimmed = name.replace(/\/$/, "");
  if (trimmed !== "" && trimmed !== "." && trimmed.split("/").some((s) => s === "" || s === "."))
    return "has an empty or `.` component (another spelling of a member's path)";
  return undefined;
}

/**
 * What a Sigstore bundle signs, read without loading sigstore-js: the sign stage reuses a bundle
 * that signs the file's current bytes, and the assets stage keeps a release's bundle that signs
 * the same file. Structure only: full verification needs a trusted root (`shipline verify`).
 */

/** Is this bundle text a Sigstore bundle of a signature over the bytes with this sha256? */
export function bundleSigns(text: string, digest: string): boolean {
  try {
    const b = JSON.parse(text);
    const d = b?.messageSignature?.messageDigest?.digest;
    const entries = b?.verificationMaterial?.tlogEntries;
    return (
      typeof d === "string" &&
      Buffer.from(d, "base64").toString("hex") === digest &&
      Array.isArray(entries) &&
      entries.length > 0 &&
      typeof b?.verificationMaterial?.certificate?.rawBytes === "string"
    );
  } catch {
    return false;
  }
}

/**
 * The Sigstore trusted root embedded in this build, for the doctor's age check. Undefined
 * until the Sigstore concern ships one (src/sigstore/trusted-root*).
 */
export function embeddedTrustedRoot(): { root: Record<string, unknown>; date?: Date } | undefined {
  return undefined;
}

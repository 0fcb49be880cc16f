/**
 * Where shipline's own release binaries live. `init` pins workflows to this repository's
 * composite action at the running version; install.sh and action.yml download from the same
 * GitHub release (assets `shipline-<os>-<arch>[.exe]` + `SHA256SUMS`).
 */
import { VERSION } from "../version.ts";

export const SHIPLINE_REPO = "shipline/shipline";
export const SHIPLINE_VERSION = VERSION;

export const RELEASE_TARGETS = [
  { os: "linux", arch: "x64", bunTarget: "bun-linux-x64" },
  { os: "linux", arch: "arm64", bunTarget: "bun-linux-arm64" },
  { os: "darwin", arch: "arm64", bunTarget: "bun-darwin-arm64" },
  { os: "darwin", arch: "x64", bunTarget: "bun-darwin-x64" },
  { os: "windows", arch: "x64", bunTarget: "bun-windows-x64" },
] as const;

export function assetName(os: string, arch: string): string {
  return `shipline-${os}-${arch}${os === "windows" ? ".exe" : ""}`;
}

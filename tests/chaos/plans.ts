/**
 * Seeded chaos plans: where each attempt of a run dies, and which stand-in requests fail.
 * Same seed → same plan, so any failing run is reproduced with CHAOS_SEED and CHAOS_ONLY.
 */
import type { FaultSpec } from "../servers/faults.ts";
import type { World } from "./world.ts";

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** A way for one attempt to die: a named fault point (SHIPLINE_FAULT) or a SIGKILL after a delay. */
export type Kill = { fault: string } | { afterMs: number } | undefined;

export const describeKill = (k: Kill) =>
  !k ? "no kill" : "fault" in k ? `SHIPLINE_FAULT=${k.fault}` : `SIGKILL after ${k.afterMs} ms`;

const STAGES = ["plan", "release", "build", "check", "sign", "upload", "verify", "assets"] as const;

/** Named points compiled into the binary (src/**: fault("…")); params pick the n-th hit. */
function faultPoint(r: () => number, largestDist: number): string {
  const action = r() < 0.85 ? "kill" : pick(r, ["exit", "throw"] as const);
  const kind = int(r, 0, 7);
  if (kind <= 2) return `stage:${pick(r, ["before", "before-record", "after"])}:${pick(r, STAGES)}:${action}`;
  if (kind === 3)
    return `checkpoint:${pick(r, ["mid-write", "before-rename", "after-rename"])}:nth=${int(r, 1, 24)}:${action}`;
  if (kind === 4) return `upload:after-bytes=${int(r, 1, largestDist)}:kill`;
  if (kind === 5)
    return `${pick(r, ["upload:after-send", "sigstore:bundle-signed", "sigstore:attestation-signed"])}:nth=${int(r, 1, 2)}:${action}`;
  if (kind === 6)
    return `sigstore:${pick(r, ["write-bundle", "write-attestation"])}:${pick(r, ["mid-write", "before-rename", "after-rename"])}:nth=${int(r, 1, 2)}:kill`;
  return `${pick(r, ["release:after-tag", "release:after-label", "build:after-command", "assets:after-upload", "assets:before-publish"])}:${action}`;
}

export function chooseKill(r: () => number, baselineMs: number, largestDist: number): NonNullable<Kill> {
  if (r() < 0.5) return { fault: faultPoint(r, largestDist) };
  return { afterMs: Math.round(r() * baselineMs * 1.1) };
}

type Server = "pypi" | "gh" | "oidc" | "sigstore";
interface Menu {
  server: Server;
  spec: FaultSpec;
}

/** What real services do on a bad day: 5xx (some after the effect happened), 429, resets, stalls. */
const MENU: Menu[] = [
  { server: "pypi", spec: { method: "POST", path: /^\/legacy\/?$/, status: 503 } },
  { server: "pypi", spec: { method: "POST", path: /^\/legacy\/?$/, status: 502, afterHandling: true } },
  { server: "pypi", spec: { method: "POST", path: /^\/legacy\/?$/, reset: true, afterHandling: true } },
  {
    server: "pypi",
    spec: { method: "POST", path: /^\/legacy\/?$/, status: 429, headers: { "retry-after": "1" } },
  },
  { server: "pypi", spec: { method: "POST", path: /^\/legacy\/?$/, stallMs: 1500 } },
  { server: "pypi", spec: { method: "POST", path: /mint-token/, status: 503 } },
  { server: "pypi", spec: { method: "GET", path: /^\/(simple|pypi)\//, status: 500 } },
  { server: "gh", spec: { method: "POST", path: /\/git\/refs$/, status: 502, afterHandling: true } },
  { server: "gh", spec: { method: "POST", path: /\/releases$/, status: 502, afterHandling: true } },
  { server: "gh", spec: { method: "POST", path: /\/releases$/, reset: true } },
  { server: "gh", spec: { method: "GET", path: /\/releases\/tags\//, status: 500 } },
  { server: "gh", spec: { method: "POST", path: /\/comments$/, status: 502, afterHandling: true } },
  { server: "gh", spec: { path: /\/labels/, status: 503 } },
  // publish.github-assets runs only: the upload endpoint and publishing the held draft
  { server: "gh", spec: { method: "POST", path: /\/assets\?name=/, status: 502, afterHandling: true } },
  { server: "gh", spec: { method: "POST", path: /\/assets\?name=/, reset: true } },
  { server: "gh", spec: { method: "PATCH", path: /\/releases\/\d+$/, status: 502, afterHandling: true } },
  { server: "gh", spec: { path: /\/pulls/, status: 429, headers: { "retry-after": "1" } } },
  { server: "oidc", spec: { path: /\/token/, status: 500 } },
  { server: "sigstore", spec: { method: "POST", path: /signingCert/, status: 503 } },
  { server: "sigstore", spec: { method: "POST", path: /log\/entries/, status: 502, afterHandling: true } },
  { server: "sigstore", spec: { method: "POST", path: /log\/entries/, stallMs: 1500 } },
];

export interface ServerFault {
  server: Server;
  spec: FaultSpec;
}

export function chooseServerFaults(r: () => number): ServerFault[] {
  const n = int(r, 0, 3);
  return Array.from({ length: n }, () => {
    const m = pick(r, MENU);
    return { server: m.server, spec: { ...m.spec, times: int(r, 1, 2) } };
  });
}

export function applyServerFaults(w: World, faults: ServerFault[]): void {
  for (const f of faults) w[f.server].faults.add(f.spec);
}

export const describeServerFault = (f: ServerFault) =>
  `${f.server} ${f.spec.method ?? "*"} ${f.spec.path.source} → ${f.spec.reset ? "reset" : f.spec.stallMs ? `stall ${f.spec.stallMs} ms` : f.spec.status}${f.spec.afterHandling ? " after handling" : ""} ×${f.spec.times}`;

/**
 * The bits of packaging's Version the PyPI stand-in needs, written independently of shipline's
 * own code so the stand-in cannot share a bug with the client it tests.
 */
const VERSION_RE =
  /^\s*v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?)(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

export interface ParsedVersion {
  epoch: number;
  release: number[];
  pre?: [string, number];
  post?: number;
  dev?: number;
  local?: string;
}

export function parseVersion(v: string): ParsedVersion | undefined {
  const m = VERSION_RE.exec(v);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const preL = g.pre_l?.toLowerCase();
  const preMap: Record<string, string> = { alpha: "a", beta: "b", c: "rc", pre: "rc", preview: "rc" };
  return {
    epoch: Number(g.epoch ?? 0),
    release: g.release!.split(".").map(Number),
    pre: preL ? [preMap[preL] ?? preL, Number(g.pre_n ?? 0)] : undefined,
    post: g.post ? Number(g.post_n1 ?? g.post_n2 ?? 0) : undefined,
    dev: g.dev ? Number(g.dev_n ?? 0) : undefined,
    local: g.local?.toLowerCase().replace(/[-_]/g, "."),
  };
}

/** `str(packaging.version.Version(v))`. */
export function versionString(p: ParsedVersion, release = p.release): string {
  let s = p.epoch ? `${p.epoch}!` : "";
  s += release.join(".");
  if (p.pre) s += `${p.pre[0]}${p.pre[1]}`;
  if (p.post !== undefined) s += `.post${p.post}`;
  if (p.dev !== undefined) s += `.dev${p.dev}`;
  if (p.local) s += `+${p.local}`;
  return s;
}

/** `packaging.utils.canonicalize_version`: trailing zeros of the release dropped (release keys). */
export function canonicalVersion(v: string): string {
  const p = parseVersion(v);
  if (!p) return v;
  const release = [...p.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  return versionString(p, release);
}

export function normalizeVersion(v: string): string | undefined {
  const p = parseVersion(v);
  return p ? versionString(p) : undefined;
}

/** PEP 503 normalization. */
export const canonicalName = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, "-");

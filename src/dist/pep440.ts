/**
 * PEP 440 versions, just enough for file names: validity, the normalised string
 * (`str(packaging.version.Version(v))`, which PyPI puts in expected file names) and equality
 * (`Version("1.0") == Version("1.0.0")`).
 */
const VERSION_RE =
  /^\s*v?(?:(?:(\d+)!)?(\d+(?:\.\d+)*)([-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?((?:-(\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\d+)?))?([-_.]?(dev)[-_.]?(\d+)?)?)(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

export interface Pep440 {
  epoch: number;
  release: number[];
  pre?: [string, number];
  post?: number;
  dev?: number;
  local?: string;
}

export function parseVersion(v: string): Pep440 | undefined {
  const m = VERSION_RE.exec(v);
  if (!m) return undefined;
  const preTag = m[4]?.toLowerCase();
  const pre: [string, number] | undefined = preTag
    ? [
        preTag === "alpha"
          ? "a"
          : preTag === "beta"
            ? "b"
            : ["c", "pre", "preview"].includes(preTag)
              ? "rc"
              : preTag,
        Number(m[5] ?? 0),
      ]
    : undefined;
  const post = m[7] !== undefined ? Number(m[7]) : m[8] ? Number(m[9] ?? 0) : undefined;
  return {
    epoch: Number(m[1] ?? 0),
    release: m[2]!.split(".").map(Number),
    pre,
    post,
    dev: m[11] ? Number(m[12] ?? 0) : undefined,
    local: m[13]?.toLowerCase().replace(/[-_]/g, "."),
  };
}

export function formatVersion(p: Pep440): string {
  let s = p.epoch ? `${p.epoch}!` : "";
  s += p.release.join(".");
  if (p.pre) s += `${p.pre[0]}${p.pre[1]}`;
  if (p.post !== undefined) s += `.post${p.post}`;
  if (p.dev !== undefined) s += `.dev${p.dev}`;
  if (p.local)
    s += `+${p.local
      .split(".")
      .map((x) => (/^\d+$/.test(x) ? String(Number(x)) : x))
      .join(".")}`;
  return s;
}

/** `str(Version(v))`, or undefined when v is not a PEP 440 version. */
export function normalizeVersion(v: string): string | undefined {
  const p = parseVersion(v);
  return p && formatVersion(p);
}

/** Version equality as packaging compares (trailing `.0`s do not matter). */
export function sameVersion(a: string, b: string): boolean {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return a === b;
  const strip = (p: Pep440) => {
    const r = [...p.release];
    while (r.length > 1 && r[r.length - 1] === 0) r.pop();
    return formatVersion({ ...p, release: r });
  };
  return strip(pa) === strip(pb);
}

/** PEP 503 normalised project name. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export const NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

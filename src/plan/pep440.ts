/**
 * PEP 440 versions: parse, normalise, compare, sort, bump a prerelease channel, graduate,
 * and convert to and from semver prerelease text.
 *
 * Hand-written on purpose: it is the grammar and ordering of Python's `packaging.version`
 * (the reference implementation, PEP 440 appendix B), which no npm library reproduces
 * exactly (npm `semver` cannot order `1.0.dev1 < 1.0a1 < 1.0 < 1.0.post1`).
 * tests/plan-updaters/pep440.test.ts checks ordering and normalisation against
 * `packaging.version` itself on thousands of generated versions.
 */
import { ShiplineError } from "../errors.ts";

export type PreLabel = "a" | "b" | "rc";
export type Channel = PreLabel | "dev";
export type Bump = "major" | "minor" | "patch";

export interface Pep440Version {
  epoch: number;
  /** Release segments as written (leading zeros dropped), e.g. [1, 2, 0]. */
  release: number[];
  pre?: { label: PreLabel; n: number };
  post?: number;
  dev?: number;
  /** Local segments, normalised: lower case, numbers without leading zeros. */
  local?: (number | string)[];
}

// packaging.version.VERSION_PATTERN, anchored with surrounding whitespace, case-insensitive.
const PEP440 =
  /^\s*v?(?:(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?)(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

const PRE_LABELS: Record<string, PreLabel> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

function int(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  // Segments past 2^53 would compare wrongly as numbers; no real version has one.
  if (!Number.isSafeInteger(n)) throw new RangeError("segment too large");
  return n;
}

/** Parse a PEP 440 version, or null when the text is not one (as `packaging` would raise InvalidVersion). */
export function parsePep440(text: string): Pep440Version | null {
  const m = PEP440.exec(text);
  if (!m) return null;
  try {
    const v: Pep440Version = {
      epoch: int(m[1]) ?? 0,
      release: m[2]!.split(".").map((s) => int(s)!),
    };
    if (m[3] !== undefined) v.pre = { label: PRE_LABELS[m[3].toLowerCase()]!, n: int(m[4]) ?? 0 };
    if (m[5] !== undefined) v.post = int(m[5]);
    else if (m[6] !== undefined) v.post = int(m[7]) ?? 0;
    if (m[8] !== undefined) v.dev = int(m[9]) ?? 0;
    if (m[10] !== undefined)
      v.local = m[10]
        .toLowerCase()
        .split(/[-_.]/)
        .map((s) => (/^\d+$/.test(s) ? int(s)! : s));
    return v;
  } catch {
    return null;
  }
}

export function isPep440(text: string): boolean {
  return parsePep440(text) !== null;
}

function mustParse(text: string | Pep440Version): Pep440Version {
  if (typeof text !== "string") return text;
  const v = parsePep440(text);
  if (!v)
    throw new ShiplineError(
      `"${text}" is not a PEP 440 version`,
      "use a version like 1.2.0, 1.2.0rc1, 1.2.0a3, 1.2.0.dev4 or 1.2.0.post1",
    );
  return v;
}

/** The canonical text, as `str(packaging.version.Version(text))`. */
export function formatPep440(v: Pep440Version): string {
  let s = v.epoch ? `${v.epoch}!` : "";
  s += v.release.join(".");
  if (v.pre) s += `${v.pre.label}${v.pre.n}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local) s += `+${v.local.join(".")}`;
  return s;
}

/** Normalised text of a PEP 440 version; throws ShiplineError when it is not one. */
export function normalizePep440(text: string): string {
  return formatPep440(mustParse(text));
}

const cmpNum = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);
const NEG = Number.NEGATIVE_INFINITY;
const POS = Number.POSITIVE_INFINITY;

function cmpRelease(a: number[], b: number[]): number {
  // packaging strips trailing zeros, so 1.0 == 1.0.0; comparing against 0 padding is the same.
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmpNum(a[i] ?? 0, b[i] ?? 0);
    if (c) return c;
  }
  return 0;
}

const PRE_RANK: Record<PreLabel, number> = { a: 0, b: 1, rc: 2 };

/** packaging's _cmpkey pre component: dev-only releases sort before any pre-release. */
function preKey(v: Pep440Version): [number, number] {
  if (!v.pre && v.post === undefined && v.dev !== undefined) return [NEG, 0];
  if (!v.pre) return [POS, 0];
  return [PRE_RANK[v.pre.label], v.pre.n];
}

function cmpLocal(a: Pep440Version["local"], b: Pep440Version["local"]): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    // A numeric segment sorts after an alphanumeric one; numbers numerically, strings by code point.
    if (typeof x === "number" && typeof y === "number") {
      const c = cmpNum(x, y);
      if (c) return c;
    } else if (typeof x === "number") return 1;
    else if (typeof y === "number") return -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return cmpNum(a.length, b.length);
}

/** -1, 0 or 1 as packaging orders them. Throws ShiplineError on text that is not PEP 440. */
export function comparePep440(a: string | Pep440Version, b: string | Pep440Version): -1 | 0 | 1 {
  const x = mustParse(a);
  const y = mustParse(b);
  const [xp0, xp1] = preKey(x);
  const [yp0, yp1] = preKey(y);
  const c =
    cmpNum(x.epoch, y.epoch) ||
    cmpRelease(x.release, y.release) ||
    cmpNum(xp0, yp0) ||
    cmpNum(xp1, yp1) ||
    cmpNum(x.post ?? NEG, y.post ?? NEG) ||
    cmpNum(x.dev ?? POS, y.dev ?? POS) ||
    cmpLocal(x.local, y.local);
  return c as -1 | 0 | 1;
}

/** Ascending order (a stable sort: equal versions such as 1.0 and 1.0.0 keep their order). */
export function sortPep440(versions: string[]): string[] {
  const parsed = versions.map((t) => ({ t, v: mustParse(t) }));
  parsed.sort((p, q) => comparePep440(p.v, q.v));
  return parsed.map((p) => p.t);
}

/** packaging's `is_prerelease`: has a pre-release or dev segment. */
export function isPep440Prerelease(text: string): boolean {
  const v = mustParse(text);
  return v.pre !== undefined || v.dev !== undefined;
}

const CHANNELS: Record<string, Channel> = { ...PRE_LABELS, dev: "dev" };

/** A channel from what a user writes (`--prerelease rc`, prerelease-type "beta"): a/alpha, b/beta, rc/c/pre/preview, dev. */
export function channelOf(name: string): Channel | undefined {
  return CHANNELS[name.toLowerCase()];
}

function pad3(release: number[]): [number, number, number] {
  return [release[0] ?? 0, release[1] ?? 0, release[2] ?? 0];
}

function bumpBase(release: number[], bump: Bump): number[] {
  const [M, m, p] = pad3(release);
  if (bump === "major") return [M + 1, 0, 0];
  if (bump === "minor") return [M, m + 1, 0];
  return [M, m, p + 1];
}

/**
 * A prerelease's base is already past the bump when the bump would not move it further,
 * release-please's rule for semver prereleases (spec §3.3): 1.3.0rc1 + feat stays on 1.3.0,
 * 1.3.1rc1 + feat moves to 1.4.0.
 */
function baseAbsorbs(release: number[], bump: Bump): boolean {
  const [, m, p] = pad3(release);
  if (bump === "major") return m === 0 && p === 0;
  if (bump === "minor") return p === 0;
  return true;
}

function fresh(epoch: number, release: number[], channel: Channel): Pep440Version {
  // a1 / b1 / rc1 like CPython, Django and NumPy releases; dev0 like hatch and setuptools.
  return channel === "dev" ? { epoch, release, dev: 0 } : { epoch, release, pre: { label: channel, n: 1 } };
}

/**
 * The next version on a prerelease channel, always greater than `version`:
 * - from a final (or post) release: bump it, then start the channel (1.2.0 + minor, rc → 1.3.0rc1);
 * - on the same channel: next number (1.3.0rc1 → 1.3.0rc2; 1.3.0.dev0 → 1.3.0.dev1);
 * - to a later channel on the same base (dev → a → b → rc): 1.3.0a2 → 1.3.0b1;
 * - to an earlier channel, or a bump the base does not absorb: a new base (1.3.0rc2 + a → 1.4.0a1).
 * The local part is dropped.
 */
export function nextPrerelease(version: string, channel: Channel, bump: Bump): string {
  const v = mustParse(version);
  const { epoch, release } = v;
  const isPre = v.pre !== undefined || v.dev !== undefined;
  if (!isPre || !baseAbsorbs(release, bump))
    return formatPep440(fresh(epoch, bumpBase(release, bump), channel));
  if (v.pre) {
    if (channel === v.pre.label) {
      // 1.3.0rc1.dev2 precedes 1.3.0rc1: that is the next one on the rc channel.
      if (v.dev !== undefined && v.post === undefined) return formatPep440({ epoch, release, pre: v.pre });
      return formatPep440({ epoch, release, pre: { label: channel, n: v.pre.n + 1 } });
    }
    if (channel !== "dev" && PRE_RANK[channel] > PRE_RANK[v.pre.label])
      return formatPep440(fresh(epoch, release, channel));
    return formatPep440(fresh(epoch, bumpBase(release, bump), channel));
  }
  // A dev-only release (1.3.0.dev2, or 1.3.0.post1.dev2 which is past 1.3.0 itself).
  if (v.post !== undefined) return formatPep440(fresh(epoch, bumpBase(release, bump), channel));
  if (channel === "dev") return formatPep440({ epoch, release, dev: v.dev! + 1 });
  return formatPep440(fresh(epoch, release, channel));
}

/** Graduation: the final release a prerelease leads to (1.3.0rc2 → 1.3.0). Finals are returned normalised, local dropped. */
export function graduate(version: string): string {
  const v = mustParse(version);
  if (v.pre === undefined && v.dev === undefined) return formatPep440({ ...v, local: undefined });
  return formatPep440({ epoch: v.epoch, release: v.release });
}

/** The next final release: a prerelease whose base absorbs the bump graduates, anything else is bumped. */
export function nextFinal(version: string, bump: Bump): string {
  const v = mustParse(version);
  const isPre = v.pre !== undefined || (v.dev !== undefined && v.post === undefined);
  if (isPre && baseAbsorbs(v.release, bump)) return formatPep440({ epoch: v.epoch, release: v.release });
  return formatPep440({ epoch: v.epoch, release: bumpBase(v.release, bump) });
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

/** Whether text is release-please's version form `M.m.p[-pre][+build]` (spec §3.5). */
export function isSemverForm(text: string): boolean {
  return SEMVER.test(text);
}

/**
 * `1.2.0-rc.1` → `1.2.0rc1`, `1.2.0-alpha.3` → `1.2.0a3`, `1.2.0-beta01` → `1.2.0b1`,
 * `1.2.0-dev.4` → `1.2.0.dev4`, `+build.5` → local `+build.5`. Throws ShiplineError for a
 * prerelease with no PEP 440 meaning (e.g. `-SNAPSHOT`).
 */
export function semverToPep440(text: string): string {
  if (!SEMVER.test(text))
    throw new ShiplineError(`"${text}" is not a semver version`, "use a version like 1.2.0 or 1.2.0-rc.1");
  const v = parsePep440(text);
  if (!v)
    throw new ShiplineError(
      `"${text}" has a prerelease that PEP 440 cannot express`,
      "use a prerelease type of alpha, beta, rc or dev (e.g. 1.2.0-rc.1)",
    );
  return formatPep440(v);
}

const SEMVER_LABEL: Record<PreLabel, string> = { a: "alpha", b: "beta", rc: "rc" };

/** `1.2.0rc1` → `1.2.0-rc.1`, `1.2.0a3` → `1.2.0-alpha.3`, `1.2.0.dev4` → `1.2.0-dev.4`. Throws for epochs, post releases and more than 3 release segments. */
export function pep440ToSemver(text: string): string {
  const v = mustParse(text);
  if (v.epoch || v.post !== undefined || v.release.length > 3)
    throw new ShiplineError(
      `"${text}" has no semver equivalent (epoch, post release or more than 3 release segments)`,
      "keep this package's versions in PEP 440 form",
    );
  const [M, m, p] = pad3(v.release);
  const pre: string[] = [];
  if (v.pre) pre.push(SEMVER_LABEL[v.pre.label], String(v.pre.n));
  if (v.dev !== undefined) pre.push("dev", String(v.dev));
  return `${M}.${m}.${p}${pre.length ? `-${pre.join(".")}` : ""}${v.local ? `+${v.local.join(".")}` : ""}`;
}

/**
 * release-please's Version and versioning strategies (src/version.ts,
 * src/versioning-strategies/*), reproduced exactly: the unanchored parse pattern, pre-release
 * and build parts carried over by plain bumps, and the prerelease strategy's digit-run rules.
 */
import type { VersioningName } from "../config/release-please.ts";
import { ShiplineError } from "../errors.ts";
import { keepOutOfFTL } from "./jit.ts";

const VERSION_REGEX = /(?<major>\d+)\.(?<minor>\d+)\.(?<patch>\d+)(-(?<preRelease>[^+]+))?(\+(?<build>.*))?/;

export class Version {
  constructor(
    readonly major: number,
    readonly minor: number,
    readonly patch: number,
    readonly preRelease?: string,
    readonly build?: string,
  ) {}

  /** Same pattern as release-please: `v1.2.3` and `1.2.3 (#12)` parse; PEP 440 `1.0.0rc1` loses its pre-release. */
  static parse(s: string, where?: string): Version {
    const m = VERSION_REGEX.exec(s);
    if (!m?.groups)
      throw new ShiplineError(
        `unable to parse version string: ${s}${where ? ` (${where})` : ""}`,
        "use a version like 1.2.3 or 1.2.3-rc.1",
      );
    const g = m.groups;
    return new Version(Number(g.major), Number(g.minor), Number(g.patch), g.preRelease, g.build);
  }

  static tryParse(s: string): Version | undefined {
    return VERSION_REGEX.test(s) ? Version.parse(s) : undefined;
  }

  toString(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.preRelease ? `-${this.preRelease}` : ""}${this.build ? `+${this.build}` : ""}`;
  }

  get isPreMajor(): boolean {
    return this.major < 1;
  }
}

/** What the bump-relevant part of a parsed commit looks like. */
export interface BumpCommit {
  type: string;
  breaking: boolean;
  notes: { title: string; text: string }[];
}

export type BumpKind = "major" | "minor" | "patch" | "release-as";

export interface BumpOptions {
  versioning: VersioningName;
  bumpMinorPreMajor: boolean;
  bumpPatchForMinorPreMajor: boolean;
  prerelease: boolean;
  prereleaseType?: string;
}

const major = (v: Version) => new Version(v.major + 1, 0, 0, v.preRelease, v.build);
const minor = (v: Version) => new Version(v.major, v.minor + 1, 0, v.preRelease, v.build);
const patch = (v: Version) => new Version(v.major, v.minor, v.patch + 1, v.preRelease, v.build);

const PRERELEASE_NUMBER = /(?<number>\d+)(?=\D*$)/;

function bumpPrerelease(pre: string): string {
  const m = PRERELEASE_NUMBER.exec(pre);
  if (!m?.groups) return `${pre}.1`;
  const n = m.groups.number as string;
  return pre.replace(PRERELEASE_NUMBER, `${Number(n) + 1}`.padStart(n.length, "0"));
}

function prereleaseBump(kind: "major" | "minor" | "patch", v: Version, type: string | undefined): Version {
  if (kind === "patch") {
    if (v.preRelease) return new Version(v.major, v.minor, v.patch, bumpPrerelease(v.preRelease), v.build);
    return new Version(v.major, v.minor, v.patch + 1, type, v.build);
  }
  if (kind === "minor") {
    if (v.preRelease) {
      if (v.patch === 0) return new Version(v.major, v.minor, v.patch, bumpPrerelease(v.preRelease), v.build);
      return minor(v);
    }
    return new Version(v.major, v.minor + 1, 0, type, v.build);
  }
  if (v.preRelease) {
    if (v.patch === 0 && v.minor === 0)
      return new Version(v.major, v.minor, v.patch, bumpPrerelease(v.preRelease), v.build);
    return major(v);
  }
  return new Version(v.major + 1, 0, 0, type, v.build);
}

/**
 * What the versioning strategies read from the commits, accumulated newest first: the first
 * Release-As wins and stops the count (as determineReleaseType returns at it).
 */
export interface BumpSummary {
  releaseAs?: string;
  breaking: number;
  features: number;
}

export function emptySummary(): BumpSummary {
  return { breaking: 0, features: 0 };
}

/**
 * The first note with this title. A plain loop on purpose: it runs for every commit of a long
 * history, and Array.find with a callback was one more function for the JIT to compile there.
 */
export function findNote<N extends { title: string }>(notes: N[], title: string): N | undefined {
  for (const n of notes) if (n.title === title) return n;
  return undefined;
}

export function addToSummary(s: BumpSummary, c: BumpCommit): void {
  if (s.releaseAs !== undefined) return;
  const ra = findNote(c.notes, "RELEASE AS");
  if (ra) s.releaseAs = ra.text;
  else if (c.breaking) s.breaking++;
  else if (c.type === "feat" || c.type === "feature") s.features++;
}

export function summarize(commits: BumpCommit[]): BumpSummary {
  const s = emptySummary();
  for (const c of commits) addToSummary(s, c);
  return s;
}

/** The default strategy's classification. */
export function classify(
  version: Version,
  commits: BumpCommit[] | BumpSummary,
  o: Pick<BumpOptions, "bumpMinorPreMajor" | "bumpPatchForMinorPreMajor">,
): { kind: BumpKind; releaseAs?: string } {
  const s = Array.isArray(commits) ? summarize(commits) : commits;
  if (s.releaseAs !== undefined) return { kind: "release-as", releaseAs: s.releaseAs };
  if (s.breaking > 0) return { kind: version.isPreMajor && o.bumpMinorPreMajor ? "minor" : "major" };
  if (s.features > 0) return { kind: version.isPreMajor && o.bumpPatchForMinorPreMajor ? "patch" : "minor" };
  return { kind: "patch" };
}

/** versioningStrategy.bump(version, commits) for the strategies python packages use. */
export function bumpVersion(version: Version, commits: BumpCommit[] | BumpSummary, o: BumpOptions): Version {
  switch (o.versioning) {
    case "always-bump-patch":
      return patch(version);
    case "always-bump-minor":
      return minor(version);
    case "always-bump-major":
      return major(version);
    case "service-pack":
      throw new ShiplineError(
        'versioning "service-pack" is a Java strategy and is not supported for python packages',
        'use "default" or "prerelease"',
      );
    default:
      break;
  }
  const c = classify(version, commits, o);
  if (c.kind === "release-as") return Version.parse(Version.parse(c.releaseAs as string).toString());
  if (o.versioning === "prerelease") {
    const bumped = prereleaseBump(c.kind, version, o.prereleaseType);
    return o.prerelease ? bumped : new Version(bumped.major, bumped.minor, bumped.patch);
  }
  return c.kind === "major" ? major(version) : c.kind === "minor" ? minor(version) : patch(version);
}

keepOutOfFTL(addToSummary, findNote);

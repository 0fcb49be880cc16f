/**
 * The old-version patterns the regex updaters look for.
 *
 * release-please's own patterns only know `D.D.D[-word]` (spec §6.2), so a PEP 440 version
 * already in a file (`__version__ = "1.3.0rc1"`) is never updated. When the release is in PEP
 * 440 form (an opt-in: only a PEP 440 planned or previous version turns it on) the patterns also
 * accept PEP 440 suffixes; for every other release they are release-please's, byte for byte.
 */

/** release-please's `D.D.D(-\w+)?` (python updaters). */
const SEMVER_OLD = String.raw`[0-9]+\.[0-9]+\.[0-9]+(?:-\w+)?`;
/** PEP 440 mode: optional epoch, 3+ release segments, a semver `-pre` or PEP 440 pre/post/dev suffixes, local. */
const PEP440_OLD = String.raw`(?:[0-9]+!)?[0-9]+(?:\.[0-9]+){2,}(?:-[\w.]+|(?:[-_.]?(?:alpha|beta|preview|pre|rc|a|b|c|post|rev|r|dev)[0-9]*)+)?(?:\+[\w.-]+)?`;

/** The version token inside the python updaters' patterns. */
export function pythonOldVersion(pep440: boolean): string {
  return pep440 ? PEP440_OLD : SEMVER_OLD;
}

/** release-please's generic/json VERSION_REGEX: `D.D.D[-pre][+build]`. */
const GENERIC_SEMVER =
  /(?<major>\d+)\.(?<minor>\d+)\.(?<patch>\d+)(-(?<preRelease>[\w.]+))?(\+(?<build>[-\w.]+))?/;
const GENERIC_PEP440 = new RegExp(PEP440_OLD.replaceAll("[0-9]", "\\d"));

export function genericVersionRegex(pep440: boolean): RegExp {
  return pep440 ? GENERIC_PEP440 : GENERIC_SEMVER;
}

const SEMVER_FORM = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** A version outside release-please's `M.m.p[-pre][+build]` form (e.g. `1.3.0rc1`) asks for PEP 440 mode. */
export function needsPep440(...versions: (string | null | undefined)[]): boolean {
  return versions.some((v) => typeof v === "string" && v !== "" && !SEMVER_FORM.test(v));
}

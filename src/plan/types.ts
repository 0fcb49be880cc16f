/**
 * The release plan's shapes, shared by `plan`, the release PR, the release stage and the
 * publish stages. `PlannedRelease` serialises to exactly DESIGN.md's `plan --json` entry
 * when reduced with `toPlanJson`.
 */

export interface PlannedCommit {
  sha: string;
  /** First line of the message as written. */
  subject: string;
  type?: string;
  scope?: string;
  breaking: boolean;
  /** Why it does or does not count (for `plan --explain`). */
  note?: string;
}

export interface PlannedRelease {
  /** Package path in the manifest ("." for a single package). */
  path: string;
  component: string;
  /** Distribution name (from pyproject/setup.cfg/package-name), when known. */
  packageName?: string;
  previousVersion: string | null;
  version: string;
  previousTag: string | null;
  tag: string;
  /** Release PR title for this release (release-please's pull-request-title-pattern). */
  title: string;
  /** The exact CHANGELOG entry release-please would insert: heading through last bullet, no trailing blank line. */
  changelog: string;
  prerelease: boolean;
  draft: boolean;
  /** Commits that made up this release. */
  commits: PlannedCommit[];
  /** Loud warnings, e.g. a breaking change taking a 0.x package to 1.0.0. */
  warnings: string[];
  /** How the version was chosen: major | minor | patch | release-as | initial. */
  bump?: string;
  /** The same in words, naming the commit that decided it (for the human plan). */
  reason?: string;
  /** Component for the release PR branch (ignores include-component-in-tag, spec §1.4). */
  branchComponent?: string;
  /**
   * linked-versions plugin group (with merge, the default): these releases go into one PR
   * titled `chore${scope}: release <group> libraries` on branch `…--groups--<group>`.
   */
  linkedGroup?: string;
  /**
   * uv workspace (opt-in): requirements in this package's `[project].dependencies` moved to
   * released members' new versions (the release PR rewrites them in its pyproject.toml).
   */
  dependencyUpdates?: DependencyUpdate[];
}

/** One requirement rewritten, e.g. `b>=1.2.0` → `b>=1.3.0`. */
export interface DependencyUpdate {
  /** Distribution name as the requirement writes it. */
  name: string;
  from: string;
  to: string;
}

export interface Plan {
  /** Base branch the plan was computed for. */
  targetBranch: string;
  /** OWNER/NAME used for links. */
  repo: string;
  releases: PlannedRelease[];
  /** Packages with nothing to release, and why (for `plan --explain`). */
  skipped: {
    path: string;
    component: string;
    reason: string;
    /** The commits looked at, with why each does not count (for `plan --explain`). */
    commits?: PlannedCommit[];
    previousTag?: string | null;
  }[];
  /** Plan-wide warnings (unknown config keys, manifest/tag disagreement…). */
  warnings?: string[];
}

/** A full-content file change the release PR commits (version files, manifest, CHANGELOG). */
export interface FileUpdate {
  path: string;
  content: string;
}

/** HEAD is a merged release PR: the release commit set the manifest to a version whose tag does not exist yet. */
export interface PendingRelease {
  path: string;
  component: string;
  packageName?: string;
  version: string;
  tag: string;
  /** sha to tag (HEAD). */
  sha: string;
  /** GitHub release name and body (the CHANGELOG entry of that version). */
  name: string;
  notes: string;
  prerelease: boolean;
  draft: boolean;
}

/** The plan stage's recorded result. */
export interface PlanStageResult {
  action: "none" | "pr" | "release";
  releases: PlannedRelease[];
  pending: PendingRelease[];
}

const PIECES = Symbol("changelog pieces");
type WithPieces = PlannedRelease & { [PIECES]?: readonly string[] };

/**
 * Makes `r.changelog` the concatenation of `pieces`, joined only when first read, so that
 * `plan --json` on a huge history writes the pieces out (planJsonPieces) and never builds the
 * entry. Assigning `r.changelog` replaces it as a plain value (and drops the pieces).
 */
export function setChangelogPieces(r: PlannedRelease, pieces: readonly string[]): void {
  let text: string | undefined;
  (r as WithPieces)[PIECES] = pieces;
  Object.defineProperty(r, "changelog", {
    enumerable: true,
    configurable: true,
    get() {
      text ??= pieces.join("");
      return text;
    },
    set(value: string) {
      delete (r as WithPieces)[PIECES];
      Object.defineProperty(r, "changelog", { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/**
 * `JSON.stringify({ releases: releases.map(toPlanJson) })` as pieces whose concatenation is
 * exactly that text: an entry kept in pieces is escaped piece by piece (each piece is a whole
 * line or heading, so no surrogate pair is ever split) instead of as one string.
 */
export function planJsonPieces(releases: PlannedRelease[]): string[] {
  const out: string[] = [];
  releases.forEach((r, i) => {
    // changelog is toPlanJson's last key: the other fields, then the entry's pieces
    const head = JSON.stringify(planJsonFields(r));
    out.push(`${i === 0 ? '{"releases":[' : ","}${head.slice(0, -1)},"changelog":"`);
    for (const p of (r as WithPieces)[PIECES] ?? [r.changelog]) out.push(JSON.stringify(p).slice(1, -1));
    out.push('"}');
  });
  out.push(releases.length === 0 ? '{"releases":[]}' : "]}");
  return out;
}

export function toPlanJson(r: PlannedRelease) {
  return { ...planJsonFields(r), changelog: r.changelog };
}

/** toPlanJson's fields before the changelog. */
function planJsonFields(r: PlannedRelease) {
  return {
    path: r.path,
    component: r.component,
    previousVersion: r.previousVersion,
    version: r.version,
    previousTag: r.previousTag,
    tag: r.tag,
    title: r.title,
  };
}

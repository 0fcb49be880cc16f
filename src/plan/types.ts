/**
 * The release plan's shapes, shared by `plan`, the release PR, the release stage and the
 * publish stages. `PlannedRelease` serialises to exactly DESIGN.md's `plan --json` entry
 * when reduced with `toPlanJson`.
 */
import type { ChangelogJsonChange } from "./updaters/changelog-json.ts";

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
  /** The commits changelog.json lists for this release; set only when the repository has a changelog.json. */
  changelogJson?: ChangelogJsonChange[];
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

/** What JSON.stringify would escape in a string: controls, quote, backslash, and (lone) surrogates. */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** Whether JSON.stringify would escape anything in `s`. */
export function needsJsonEscape(s: string): boolean {
  return NEEDS_ESCAPE.test(s);
}

/** JSON.stringify(s) without its quotes (s itself when nothing needs escaping). */
export function jsonStringBody(s: string): string {
  return needsJsonEscape(s) ? JSON.stringify(s).slice(1, -1) : s;
}

/** A changelog entry produced on demand: as text pieces, or as the pieces of its JSON string. */
export interface LazyEntry {
  text(): string[];
  json(): string[];
}

const ENTRY = Symbol("lazy changelog entry");
type WithEntry = PlannedRelease & { [ENTRY]?: LazyEntry };

/**
 * Makes `r.changelog` the entry's text, built only when first read, so that `plan --json` on
 * a huge history writes the entry's JSON pieces out (planJsonPieces) and never builds it as
 * one string. Assigning `r.changelog` replaces it with a plain value (and drops the entry).
 */
export function setLazyChangelog(r: PlannedRelease, entry: LazyEntry): void {
  let text: string | undefined;
  (r as WithEntry)[ENTRY] = entry;
  Object.defineProperty(r, "changelog", {
    enumerable: true,
    configurable: true,
    get() {
      text ??= entry.text().join("");
      return text;
    },
    set(value: string) {
      delete (r as WithEntry)[ENTRY];
      Object.defineProperty(r, "changelog", { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/**
 * `JSON.stringify({ releases: releases.map(toPlanJson) })` as pieces whose concatenation is
 * exactly that text: a lazy entry gives its JSON pieces (each escaped on its own: a piece is a
 * whole line or heading, so no surrogate pair is ever split) instead of one string.
 */
export function planJsonPieces(releases: PlannedRelease[]): string[] {
  const out: string[] = [];
  releases.forEach((r, i) => {
    // changelog is toPlanJson's last key: the other fields, then the entry's pieces
    const head = JSON.stringify(planJsonFields(r));
    out.push(`${i === 0 ? '{"releases":[' : ","}${head.slice(0, -1)},"changelog":"`);
    const entry = (r as WithEntry)[ENTRY];
    if (entry) for (const p of entry.json()) out.push(p);
    else out.push(jsonStringBody(r.changelog));
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

/**
 * changelog.json: the machine-readable changelog release-please's python strategy keeps when
 * the repository's root has one (src/updaters/changelog-json.ts, with
 * src/util/filter-commits.ts choosing the commits). A port, so the output is byte-identical
 * but for the two values release-please draws fresh on every run: the entry's random `id`
 * and its `createTime`/`updateTime` ("now").
 */
import type { ChangelogSection } from "../../config/release-please.ts";
import type { ConventionalCommit } from "../commits.ts";
import { findNote } from "../version.ts";
import type { Updater } from "./types.ts";

/** One commit as changelog.json lists it (key order is release-please's). */
export interface ChangelogJsonChange {
  type: string;
  sha: string;
  message: string;
  issues: string[];
  scope?: string;
  breakingChangeNote?: string;
}

const COMMIT_PREFIX = /^[^:]+: ?/;
const PR_SUFFIX_REGEX = / ?\(#(?<pr>[0-9]+)\)$/;

/**
 * filterCommits: a commit is listed when its type (exactly, case included) has a visible
 * section, or when it is breaking and its type has a hidden one.
 */
export function changelogJsonFilter(sections: ChangelogSection[]): (c: ConventionalCommit) => boolean {
  const visible = new Set<string>();
  const hidden = new Set<string>();
  for (const s of sections) (s.hidden ? hidden : visible).add(s.type);
  return (c) =>
    visible.has(c.type) || (findNote(c.notes, "BREAKING CHANGE") !== undefined && hidden.has(c.type));
}

/**
 * One listed commit. `issueBase` is `<changelog-host>/<owner>/<repo>`: release-please builds the
 * release notes first, and that links the first `(#N)` of each BREAKING CHANGE note in place
 * (DefaultChangelogNotes' replaceIssueLink mutates the note), so changelog.json gets the link too.
 */
export function changelogJsonChange(c: ConventionalCommit, issueBase: string): ChangelogJsonChange {
  const issues = new Set<string>();
  let message = c.message.replace(COMMIT_PREFIX, "");
  // GitHub's squash suffix ` (#123)` becomes the first issue (release-please replaces the first
  // occurrence of the matched text, which is usually, not always, the suffix itself).
  const match = message.match(PR_SUFFIX_REGEX);
  if (match?.groups?.pr) {
    message = message.replace(match[0], "");
    issues.add(match.groups.pr);
  }
  for (const ref of c.references) issues.add(ref.issue);
  const change: ChangelogJsonChange = { type: c.type, sha: c.sha, message, issues: [...issues] };
  if (c.scope) change.scope = c.scope;
  for (const note of c.notes)
    if (note.title === "BREAKING CHANGE")
      change.breakingChangeNote = note.text.replace(/\(#(\d+)\)/, `([#$1](${issueBase}/issues/$1))`);
  return change;
}

export interface ChangelogJsonOptions {
  artifactName: string;
  version: string;
  changes: ChangelogJsonChange[];
  /** release-please: `crypto.randomUUID()` and `new Date()`; fixed only by tests. */
  id?: string;
  now?: Date;
}

/** Prepends this release to `entries` (and sets `updateTime`); no listed commit: unchanged. */
export function changelogJson(o: ChangelogJsonOptions): Updater {
  return (content = "") => {
    const parsed = JSON.parse(content);
    if (o.changes.length === 0) return content;
    if (!Array.isArray(parsed?.entries)) throw new Error('no "entries" array at the top level');
    const time = (o.now ?? new Date()).toISOString();
    parsed.entries.unshift({
      changes: o.changes,
      version: o.version,
      language: "PYTHON",
      artifactName: o.artifactName,
      id: o.id ?? crypto.randomUUID(),
      createTime: time,
    });
    parsed.updateTime = time;
    return JSON.stringify(parsed, null, 2);
  };
}

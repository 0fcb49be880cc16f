/**
 * The CHANGELOG entry, byte for byte as release-please 17.11 renders it (DefaultChangelogNotes
 * → conventional-changelog-writer 6.0.1 + conventional-changelog-conventionalcommits 6.1.0).
 *
 * Why hand-written rather than embedding the writer: the preset reads its Handlebars templates
 * from disk at run time (fs.readFile(__dirname/templates/*.hbs)), which a single compiled
 * binary does not have; the writer pulls in Handlebars (slow to load against the 30 ms `plan`
 * budget) and compiles the templates on every call. The transform, grouping and sort steps
 * below follow those packages line by line (object-key group order, stable localeCompare sort,
 * no-op notes sort, bang notes, Release-As footer regex); the layout is the templates'
 * output after Handlebars' standalone-line and `~` whitespace rules. tests/plan/differential
 * compares this with the real packages on thousands of generated histories.
 */
import type { ChangelogSection } from "../config/release-please.ts";
import type { ConventionalCommit } from "./commits.ts";
import { keepOutOfFTL } from "./jit.ts";
import { jsonStringBody, needsJsonEscape } from "./types.ts";

/** Python's default sections (release-please src/strategies/python.ts). */
export const PYTHON_SECTIONS: ChangelogSection[] = [
  { type: "feat", section: "Features" },
  { type: "fix", section: "Bug Fixes" },
  { type: "perf", section: "Performance Improvements" },
  { type: "deps", section: "Dependencies" },
  { type: "revert", section: "Reverts" },
  { type: "docs", section: "Documentation" },
  { type: "style", section: "Styles", hidden: true },
  { type: "chore", section: "Miscellaneous Chores", hidden: true },
  { type: "refactor", section: "Code Refactoring", hidden: true },
  { type: "test", section: "Tests", hidden: true },
  { type: "build", section: "Build System", hidden: true },
  { type: "ci", section: "Continuous Integration", hidden: true },
];

/** The preset's own default (used by non-python release types). */
export const PRESET_SECTIONS: ChangelogSection[] = [
  { type: "feat", section: "Features" },
  { type: "feature", section: "Features" },
  { type: "fix", section: "Bug Fixes" },
  { type: "perf", section: "Performance Improvements" },
  { type: "revert", section: "Reverts" },
  { type: "docs", section: "Documentation", hidden: true },
  { type: "style", section: "Styles", hidden: true },
  { type: "chore", section: "Miscellaneous Chores", hidden: true },
  { type: "refactor", section: "Code Refactoring", hidden: true },
  { type: "test", section: "Tests", hidden: true },
  { type: "build", section: "Build System", hidden: true },
  { type: "ci", section: "Continuous Integration", hidden: true },
];

export interface NotesOptions {
  host?: string;
  owner: string;
  repository: string;
  version: string;
  previousTag?: string;
  currentTag: string;
  changelogSections?: ChangelogSection[];
  /** YYYY-MM-DD; default today in UTC (as the writer's dateFormat(new Date(), 'yyyy-mm-dd', true)). */
  date?: string;
}

const RELEASE_AS_RE = /release-as:\s*\w*@?([0-9]+\.[0-9]+\.[0-9a-z]+(-[0-9a-z.]+)?)\s*/i;
const BREAKING_HEADER = /^(\w*)(?:\((.*)\))?!: (.*)$/;
const ISSUE_RE = /(#)([0-9]+)/g;
const USER_RE = /\B@([a-z0-9](?:-?[a-z0-9/]){0,38})/g;

/**
 * The writer sorts with String.prototype.localeCompare, i.e. the default ICU collator; Node on
 * GitHub runners and Bun both default to en-US. A cached collator is the same comparison,
 * without a collator lookup per call (spec §8: pin the collation).
 */
let collator: Intl.Collator | undefined;
/** Created on first use: building an ICU collator costs ~8 ms of `plan`'s start-up. */
function icuCompare(a: string, b: string): number {
  collator ??= new Intl.Collator("en-US");
  return collator.compare(a, b);
}

/*
 * The same order, faster, for printable-ASCII keys (the common case; a long history spends
 * most of its sort in ICU calls otherwise). For ASCII, en-US collation has one collation element
 * per character: compare primary weights over the whole string (a prefix sorts first), then the
 * first case difference (lower before upper). The weights come from ASCII_ORDER (ICU's order,
 * hard-coded so no collator is built at start-up); tests/plan/collation.test.ts checks both
 * the table and the comparison against Intl.Collator.
 */
/** Printable ASCII in en-US collation order (derived from ICU; collation.test.ts re-derives and checks it). */
export const ASCII_ORDER =
  " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";
const PRIMARY = new Int32Array(128);
const TERTIARY = new Int32Array(128);
{
  let rank = -1;
  for (const ch of ASCII_ORDER) {
    const c = ch.charCodeAt(0);
    // an upper-case letter shares its lower-case letter's primary weight, with a higher tertiary
    if (c >= 65 && c <= 90) {
      PRIMARY[c] = PRIMARY[c + 32] as number;
      TERTIARY[c] = 1;
    } else PRIMARY[c] = ++rank;
  }
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** icuCompare(a, b), with the ASCII shortcut when both strings are printable ASCII. */
export function collate(a: string, b: string): number {
  if (!PRINTABLE_ASCII.test(a) || !PRINTABLE_ASCII.test(b)) return icuCompare(a, b);
  return compareAscii(a, b);
}

function compareAscii(a: string, b: string): number {
  const P = PRIMARY;
  const T = TERTIARY;
  const n = Math.min(a.length, b.length);
  let tert = 0;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const px = P[x] as number;
    const py = P[y] as number;
    if (px !== py) return px < py ? -1 : 1;
    if (tert === 0) tert = (T[x] as number) < (T[y] as number) ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return tert;
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** release-please's htmlEscape: < and > outside inline code. */
export function htmlEscape(message: string): string {
  if (!message.includes("<") && !message.includes(">")) return message;
  return message.replace(/``[^`].*[^`]``|`[^`]*`|<|>/g, (m) =>
    m.length > 1 ? m : m === "<" ? "&lt;" : "&gt;",
  );
}

export interface HeadingOptions {
  version: string;
  previousTag?: string;
  currentTag: string;
  /** YYYY-MM-DD; default today in UTC. */
  date?: string;
}

interface Line {
  /** The writer's sort key: scope + subject, after the transform. */
  k: string;
  /** k is printable ASCII (compareAscii applies). */
  a: boolean;
  line: string;
  /** The line needs no JSON escaping (tested once when added, so JSON output never scans it). */
  j: boolean;
}

/**
 * The changelog-sections entry a commit's (lower-cased) type and scope fall under: the first of
 * its type whose scope, if it names one, is the commit's. A plain loop: it runs per commit.
 */
export function sectionFor(
  sections: ChangelogSection[],
  typeKey: string,
  scope: string | null,
): ChangelogSection | undefined {
  for (const e of sections) if (e.type === typeKey && !(e.scope && e.scope !== scope)) return e;
  return undefined;
}

/**
 * Renders an entry incrementally: each commit is transformed and rendered to its final line
 * when added (the line does not depend on the version), so a long history keeps one small
 * record per listed commit and nothing for hidden ones. `render` then groups, sorts and lays
 * out exactly as the writer does.
 */
export class NotesBuilder {
  private readonly host: string;
  private readonly base: string;
  private readonly types: ChangelogSection[];
  /** Plain object on purpose: the writer groups with one, so integer-like keys come first. */
  private readonly groups: Record<string, Line[]> = {};
  private readonly notes: string[] = [];
  /** `[#N](base/issues/N)` as a String.replace pattern ($ in the base escaped). */
  private readonly issueLink: string;
  /** The groups in entry order, lines sorted (kept until the next add). */
  private sorted?: { title: string | false; lines: Line[] }[];
  listed = 0;

  constructor(o: Pick<NotesOptions, "host" | "owner" | "repository" | "changelogSections">) {
    this.host = o.host || "https://github.com";
    this.base = `${this.host}/${o.owner}/${o.repository}`;
    this.types = o.changelogSections ?? PRESET_SECTIONS;
    this.issueLink = `[$1$2](${this.base.replace(/\$/g, "$$$$")}/issues/$2)`;
  }

  /**
   * Adds one parsed commit (newest first); returns whether the entry lists it. The writer's
   * commit object, the preset's transform and the templates' line, step by step, on locals
   * (no intermediate objects: this runs once per commit of a long history).
   */
  add(c: ConventionalCommit): boolean {
    const { base, host, types } = this;
    const typeKey = (c.type || "").toLowerCase();
    const entry = sectionFor(types, typeKey, c.scope);
    // Early discard (same outcome as the transform below): no notes, no "!" in the header,
    // and a hidden or unknown type.
    if (c.notes.length === 0 && !c.message.includes("!") && (entry === undefined || entry.hidden))
      return false;
    // --- the writer's commit: BREAKING CHANGE notes (with the (#N) link) and Release-As footer ---
    const notes: string[] = [];
    let footer = "";
    for (const n of c.notes) {
      if (n.title === "BREAKING CHANGE")
        notes.push(n.text.replace(/\(#(\d+)\)/, `([#$1](${base}/issues/$1))`));
      else if (n.title === "RELEASE AS") footer += `${footer ? "\n" : ""}Release-As: ${n.text}`;
    }
    // --- the preset's transform ---
    const header = c.message;
    const bang = header.includes("!: ") ? BREAKING_HEADER.exec(header) : null;
    if (bang && notes.length === 0) notes.push(bang[3] as string);
    const keep = notes.length > 0 || (footer !== "" && RELEASE_AS_RE.test(footer));
    if (!keep && (entry === undefined || entry.hidden)) return false;
    const type = entry ? entry.section : c.type;
    const scope = c.scope === "*" ? "" : c.scope;
    let subject = htmlEscape(c.bareMessage);
    let references = c.references;
    // (the includes() checks only skip regexes that could not match)
    if (subject.includes("#")) {
      // The issue list only filters references; without references a replacement pattern
      // (no callback per match) gives the same text faster.
      if (references.length === 0) subject = subject.replace(ISSUE_RE, this.issueLink);
      else {
        const issues: string[] = [];
        subject = subject.replace(ISSUE_RE, (_, prefix: string, issue: string) => {
          issues.push(prefix + issue);
          return `[${prefix}${issue}](${base}/issues/${issue})`;
        });
        references = references.filter((r) => !issues.includes(r.prefix + r.issue));
      }
    }
    if (subject.includes("@"))
      subject = subject.replace(USER_RE, (_, user: string) =>
        user.includes("/") ? `@${user}` : `[@${user}](${host}/${user})`,
      );

    // --- the templates' commit partial and note line, rendered now ---
    for (const text of notes) this.notes.push(`* ${scope ? `**${scope}:** ` : ""}${text}`);
    let line = `*${scope ? ` **${scope}:**` : ""} ${subject ? subject : header}`;
    // `{{#if hash}}`: an empty sha (linked-versions' synthetic commit) gets no link at all
    if (c.sha) line += ` ([${c.sha.substring(0, 7)}](${base}/commit/${c.sha}))`;
    if (references.length > 0) {
      line += ", refs";
      for (const r of references) line += ` [${r.prefix}${r.issue}](${base}/issues/${r.issue})`;
    }
    const key = type || "";
    const k = (scope || "") + (subject || "");
    // Testing the whole line also flattens it now, while git is still producing the history:
    // as a rope it would keep its commit's whole decoded record alive until the output.
    const j = !needsJsonEscape(line);
    const rec: Line = { k, a: PRINTABLE_ASCII.test(k), line, j };
    this.sorted = undefined;
    const list = this.groups[key];
    if (list) list.push(rec);
    else this.groups[key] = [rec];
    this.listed++;
    return true;
  }

  /** Nothing listed: render would give only the heading (release-please's changelogEmpty). */
  isEmpty(): boolean {
    return this.listed === 0 && this.notes.length === 0;
  }

  /** The entry text (trimmed, no trailing newline); only the heading when nothing is listed. */
  render(h: HeadingOptions): string {
    return this.pieces(h).join("");
  }

  /** The groups in the writer's order (changelog-sections), each sorted as the writer sorts. */
  private sortedGroups(): { title: string | false; lines: Line[] }[] {
    if (this.sorted) return this.sorted;
    const groupOrder = this.types.map((t) => t.section).filter((t) => t);
    const groups = Object.entries(this.groups).map(([title, list]) => ({
      title: title === "" ? (false as const) : title,
      lines: list.sort((x, y) => (x.a && y.a ? compareAscii(x.k, y.k) : icuCompare(x.k, y.k))),
    }));
    groups.sort((a, b) => groupOrder.indexOf(a.title as string) - groupOrder.indexOf(b.title as string));
    this.sorted = groups;
    return groups;
  }

  /**
   * The entry as pieces (heading, section titles, each line and its newline) whose
   * concatenation is render()'s text; with `json`, each piece JSON-escaped instead (lines known
   * to need no escaping are passed as they are). A huge entry can so be written out without
   * ever being one string: building it, then JSON-escaping it as a 16-bit string (one "⚠"
   * makes the whole text 16-bit in JSC) was most of a 100k-commit plan's tail.
   */
  pieces(h: HeadingOptions, json = false): string[] {
    const parts: string[] = [];
    /** parts[i] needs no JSON escaping */
    const safe: boolean[] = [];
    const push = (p: string, ok = false) => {
      parts.push(p);
      safe.push(ok);
    };
    /** A line and its newline as two pieces: most lines then need no JSON escaping. */
    const pushLine = (p: string, ok = false) => {
      push(p, ok);
      push("\n");
    };
    push(
      `## ${h.previousTag ? `[${h.version}](${this.base}/compare/${h.previousTag}...${h.currentTag})` : h.version} (${h.date ?? todayUtc()})\n\n`,
    );
    if (this.notes.length > 0) {
      push("\n### ⚠ BREAKING CHANGES\n\n");
      for (const n of this.notes) pushLine(n);
    }
    for (const g of this.sortedGroups()) {
      push(g.title ? `\n### ${g.title}\n\n` : "\n");
      for (const l of g.lines) pushLine(l.line, l.j);
      push("\n");
    }
    // = join("").trim(): the heading starts the text, so only the end needs trimming
    for (let last = parts.length - 1; last >= 0; last--) {
      const t = (parts[last] as string).trimEnd();
      if (t !== "") {
        parts[last] = t;
        break;
      }
      parts.pop();
      safe.pop();
    }
    if (!json) return parts;
    return parts.map((p, i) => (safe[i] ? p : p === "\n" ? "\\n" : jsonStringBody(p)));
  }
}

/**
 * The entry text (trimmed, no trailing newline). A result with a single line means "no user
 * facing commits" (release-please's changelogEmpty).
 */
export function buildNotes(commits: ConventionalCommit[], o: NotesOptions): string {
  const b = new NotesBuilder(o);
  for (const c of commits) b.add(c);
  return b.render(o);
}

keepOutOfFTL(NotesBuilder.prototype.add, htmlEscape, sectionFor);

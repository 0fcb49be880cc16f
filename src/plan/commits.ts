/**
 * Commit parsing exactly as release-please 17.11 does it (src/commit.ts), on top of the same
 * grammar package (`@conventional-commits/parser` 0.4.1). This is a line-by-line port, quirks
 * included, because the output must be byte-identical (spec §2.3–2.7):
 *  - the unist visitors are re-implemented with unist-util-visit-parents@3 semantics, including
 *    the shared `parents` array that release-please mutates with `.pop()` (a second
 *    `BREAKING CHANGE:` line in a body is therefore ignored);
 *  - `String(body)` in the original is "[object Object]", so that extra body scan never fires;
 *  - conventional-commits-filter never removes anything (revert is always null), so it is omitted.
 * Differential tests against the real release-please (tests/plan/differential.test.ts) hold
 * this file to it.
 */
// Only the grammar module: the package index also loads unist helpers (start-up cost) we re-implement below.
import ccParser from "@conventional-commits/parser/lib/parser.js";
import { keepOutOfFTL } from "./jit.ts";
import { findNote } from "./version.ts";

export interface Note {
  title: string;
  text: string;
}

export interface Reference {
  prefix: string;
  action: string;
  issue: string;
}

/** A raw commit as git gives it (newest first in every list). */
export interface RawCommit {
  sha: string;
  message: string;
  files: string[];
  /** Set when the subject ends in ` (#N)` or is `Merge pull request #N from …` (release-please's local Scm). */
  pullRequest?: { number: number; body: string };
}

export interface ConventionalCommit {
  sha: string;
  /** Normalised header `type(scope)!: text`. */
  message: string;
  files: string[];
  type: string;
  scope: string | null;
  bareMessage: string;
  notes: Note[];
  references: Reference[];
  breaking: boolean;
}

interface Node {
  type: string;
  value?: string;
  children?: Node[];
}

interface ChangelogCommit {
  body: string;
  subject: string;
  type: string;
  scope: string | null;
  notes: Note[];
  references: Reference[];
  header: string;
  footer: string | null;
}

type Visitor = (node: Node, parents: Node[]) => void;

/** unist-util-visit-parents@3: preorder; `parents` is shared by siblings (mutations leak to later siblings). */
function visitParents(tree: Node | undefined, types: string[] | null, visitor: Visitor): void {
  if (!tree) return;
  const one = (node: Node, parents: Node[]) => {
    const grandparents = parents.concat(node);
    if (!types || types.includes(node.type)) visitor(node, parents);
    if (node.children) for (const child of node.children) one(child, grandparents);
  };
  one(tree, []);
}

function visit(tree: Node | undefined, types: string[] | null, visitor: (node: Node) => void): void {
  visitParents(tree, types, (n) => visitor(n));
}

const NUMBER_REGEX = /^[0-9]+$/;

function blank(): ChangelogCommit {
  return {
    body: "",
    subject: "",
    type: "",
    scope: null,
    notes: [],
    references: [],
    header: "",
    footer: null,
  };
}

function toConventionalChangelogFormat(ast: Node): ChangelogCommit[] {
  const commits: ChangelogCommit[] = [];
  const headerCommit = blank();
  let body: Node | undefined;
  let summary: Node | undefined;
  visit(ast, ["body", "summary"], (node) => {
    if (node.type === "body") body = node;
    else summary = node;
  });
  visit(summary, null, (node) => {
    switch (node.type) {
      case "type":
        headerCommit.type = node.value as string;
        headerCommit.header += node.value;
        break;
      case "scope":
        headerCommit.scope = node.value as string;
        headerCommit.header += `(${node.value})`;
        break;
      case "breaking-change":
        headerCommit.header += "!";
        break;
      case "text":
        headerCommit.subject = node.value as string;
        headerCommit.header += `: ${node.value}`;
        break;
    }
  });
  if (body) visit(body, ["text", "newline"], (node) => (headerCommit.body += node.value));

  const breaking: Note = { title: "BREAKING CHANGE", text: "" };
  visitParents(ast, ["breaking-change"], (_node, ancestors) => {
    let hitBreakingMarker = false;
    let parent = ancestors.pop();
    if (!parent) return;
    switch (parent.type) {
      case "summary":
        breaking.text = headerCommit.subject;
        break;
      case "body":
        breaking.text = "";
        visit(parent, ["breaking-change", "text", "newline"], (n) => {
          if (n.type === "breaking-change") {
            hitBreakingMarker = true;
            return;
          }
          if (!hitBreakingMarker) return;
          breaking.text += n.value;
        });
        break;
      case "token":
        if (!(_node.value as string).includes("BREAKING")) return;
        parent = ancestors.pop();
        visit(parent, ["text", "newline"], (n) => {
          breaking.text = n.value as string;
        });
        break;
    }
  });
  // (release-please's extra `String(body).match(/BREAKING-CHANGE:…/)` scan is a no-op: String(node) is "[object Object]".)
  if (breaking.text !== "") headerCommit.notes.push(breaking);

  visit(ast, ["footer"], (footer) => {
    const reference: Reference = { prefix: "#", action: "", issue: "" };
    let hasRefSeparator = false;
    visit(footer, ["type", "separator", "text"], (n) => {
      const v = n.value as string;
      switch (n.type) {
        case "type":
          reference.action = v;
          break;
        case "separator":
          if (v.includes("#")) hasRefSeparator = true;
          break;
        case "text":
          if (v.charAt(0) === "#") {
            hasRefSeparator = true;
            reference.issue = v.substring(1);
          } else reference.issue = v;
          break;
      }
    });
    if (hasRefSeparator && NUMBER_REGEX.test(reference.issue)) headerCommit.references.push(reference);
  });

  // Footers that look like commits become extra commits (they come before the header commit).
  visitParents(ast, ["type"], (node, ancestors) => {
    let parent = ancestors.pop();
    if (parent?.type !== "token") return;
    parent = ancestors.pop();
    let footerText = "";
    const semanticFooter = (node.value as string).toLowerCase() === "release-as";
    visit(parent, ["type", "scope", "breaking-change", "separator", "text", "newline"], (n) => {
      switch (n.type) {
        case "scope":
          footerText += `(${n.value})`;
          break;
        case "separator":
          if ((n.value as string).includes("#")) return;
          footerText += `${n.value} `;
          break;
        default:
          footerText += n.value;
      }
    });
    if (semanticFooter) {
      let releaseAs = "";
      visit(parent, ["text"], (n) => {
        releaseAs = n.value as string;
      });
      headerCommit.notes.push({ title: "RELEASE AS", text: releaseAs });
      if (!headerCommit.footer) headerCommit.footer = "";
      headerCommit.footer += `\n${footerText.toLowerCase()}`.trimStart();
    }
    try {
      for (const c of toConventionalChangelogFormat(ccParser(footerText) as Node)) commits.push(c);
    } catch {
      // Not an additional commit.
    }
  });
  commits.push(headerCommit);
  return commits;
}

const hasExtendedContext = (line: string) => /^#### |^[*-] /.test(line);

function postProcessCommit(commit: ChangelogCommit): ChangelogCommit {
  for (const note of commit.notes) {
    let text = "";
    let i = 0;
    let extendedContext = false;
    for (const chunk of note.text.split(/\r?\n/)) {
      if (i > 0 && hasExtendedContext(chunk) && !extendedContext) {
        text = `${text.trim()}\n`;
        extendedContext = true;
      }
      if (chunk === "") break;
      if (extendedContext) text += `    ${chunk}\n`;
      else text += `${chunk} `;
      i++;
    }
    note.text = text.trim();
  }
  const m = commit.body?.match(/BREAKING-CHANGE:\s*(.*)/);
  if (m?.[1]) {
    const existing = findNote(commit.notes, "BREAKING CHANGE");
    if (existing) existing.text += `\n${m[1].trim()}`;
    else commit.notes.push({ title: "BREAKING CHANGE", text: m[1].trim() });
  }
  return commit;
}

const SPLIT = /\r?\n\r?\n(?=(?:feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)(?:\(.*?\))?: )/;

/** Cut out BEGIN_NESTED_COMMIT blocks, then split the rest on blank line + one of the 11 types. */
/** Cheap pre-check for SPLIT: a blank line followed by the first letter of one of the 11 types. */
function mightSplit(m: string): boolean {
  for (let i = m.indexOf("\n"); i >= 0; i = m.indexOf("\n", i + 1)) {
    let j = i + 1;
    if (m.charCodeAt(j) === 13) j++;
    if (m.charCodeAt(j) === 10 && "fdsrptbc".includes(m.charAt(j + 1))) return true;
  }
  return false;
}

export function splitMessages(message: string): string[] {
  if (!message.includes("BEGIN_NESTED_COMMIT") && !mightSplit(message)) return message ? [message] : [];
  const parts = message.split("BEGIN_NESTED_COMMIT");
  const messages = [parts.shift() as string];
  for (const part of parts) {
    const [newMessage, ...rest] = part.split("END_NESTED_COMMIT");
    messages.push(newMessage as string);
    messages[0] = messages[0] + rest.join("END_NESTED_COMMIT");
  }
  const conventional = (messages[0] as string).split(SPLIT).filter(Boolean);
  return [...conventional, ...messages.slice(1)];
}

export function preprocessCommitMessage(commit: RawCommit): string {
  if (commit.pullRequest?.body.includes("BEGIN_COMMIT_OVERRIDE")) {
    const override = (commit.pullRequest.body.split("BEGIN_COMMIT_OVERRIDE")[1] || "")
      .split("END_COMMIT_OVERRIDE")[0]
      ?.trim();
    if (override) return override;
  }
  return commit.message;
}

/** One message → its conventional commits (extra footer commits first). Throws when the header does not parse. */
function parseMessage(message: string): ChangelogCommit[] {
  return parseSimple(message) || parseFull(message);
}

/** The full grammar (always correct, ~40 µs per message). */
export function parseFull(message: string): ChangelogCommit[] {
  // The grammar package builds an Error for every failed alternative (control flow); their
  // stack traces are never read, and capturing them was the slow path's main cost.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return toConventionalChangelogFormat(ccParser(message) as Node).map(postProcessCommit);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/*
 * Fast path, for speed on long histories (the grammar package scans char by char and re-tries
 * the footer grammar at every body line). It answers only for the common shape where the
 * grammar provably gives exactly one commit with no footers; anything else returns undefined
 * and goes through parseFull. The conditions mirror @conventional-commits/parser 0.4.1:
 *  - summary: type = 1+ chars that are not ( ) ! : newline or the parser's whitespace set;
 *    optional non-empty (scope); optional "!"; separator ":" or " #"; whitespace; text to EOL;
 *  - no body line could start a footer: a line whose leading type-run is followed by "(",
 *    "!", ":" or " #" could (and "word(" without ")" even makes the parser throw), and so
 *    could a line starting with "!" (a footer token) or BREAKING CHANGE / BREAKING-CHANGE;
 *  - no "BREAKING-CHANGE:" anywhere in the body (release-please's post-processing scans it).
 * Then the body is the whole remainder after the first run of newlines, and the only possible
 * note is the "!" one.
 *
 * Trailing footers (`Refs: #12`, `Fixes #3`, `Signed-off-by: …`: a few percent of real commits,
 * and the full grammar costs ~10x the fast path on them) are answered too when every line from
 * some line on is a *simple* footer: TOKEN ":" or TOKEN " #" (TOKEN a type-run, so no scope,
 * no "!", no BREAKING), then the value to the end of the line. No such line starts with
 * whitespace, so none has continuations; and as no body line before them could start a footer,
 * that first footer line is exactly where the grammar's <body> stops (its pre-footer check
 * succeeds there and nowhere earlier). Each footer then gives what release-please's visitors
 * take from it: a reference when the separator or the value starts with "#" and the rest is
 * digits, and an extra commit parsed from `TOKEN: value` (or `TOKENvalue` after " #") — one
 * line, where SUMMARY matches exactly when the grammar succeeds. Release-As footers are left
 * to the grammar. tests/plan/fast-path.test.ts checks parseSimple against parseFull.
 */
const PARSER_WS = "\\t\\v\\f \\u00a0\\ufeff";
const SUMMARY = new RegExp(
  `^([^()!:\\r\\n${PARSER_WS}]+)(?:\\(([^()\\r\\n]+)\\))?(!)?(:| #)[${PARSER_WS}]*([^\\r\\n]*)`,
);
const FOOTERISH = new RegExp(`^(?:BREAKING[ -]CHANGE|!|[^()!:\\r\\n${PARSER_WS}]+(?:[(!:]| #))`);

/*
 * FOOTERISH at every line start of a body, as one multiline regex. A char loop did the same
 * scan as fast once optimized, but on a 10k-commit plan the JIT spent 10–35 ms compiling it
 * (the regex compiles in well under a millisecond). `^` with the m flag also matches after
 * U+2028/U+2029, which the grammar does not take as line breaks: such a false "footerish" only
 * sends the commit to the full grammar, never changes an answer.
 */
const FOOTERISH_LINE = new RegExp(FOOTERISH.source, "m");

type SummaryMatch = [string, string, string | undefined, string | undefined, string, string];

/** The commit a matched summary line gives (body and footers are the caller's). */
function summaryCommit(m: SummaryMatch): ChangelogCommit {
  const [, type, scope, bang, , text] = m;
  const commit = blank();
  commit.type = type;
  commit.scope = scope ?? null;
  commit.subject = text;
  commit.header = `${type}${scope !== undefined ? `(${scope})` : ""}${bang ? "!" : ""}: ${text}`;
  if (bang && text !== "") commit.notes.push({ title: "BREAKING CHANGE", text: text.trim() });
  return commit;
}

const isLineBreak = (c: number) => c === 10 || c === 13;

interface SimpleFooter {
  token: string;
  separator: string;
  value: string;
}

// TOKEN ":" or TOKEN " #" (TOKEN a type-run), then the parser's whitespace; the value is the rest.
const SIMPLE_FOOTER = new RegExp(`^([^()!:\\r\\n${PARSER_WS}]+)(:| #)[${PARSER_WS}]*`);

/** `line` as one footer with no scope, "!" or continuation, or undefined when it is anything else. */
function simpleFooter(line: string): SimpleFooter | undefined {
  const m = SIMPLE_FOOTER.exec(line);
  if (!m) return undefined;
  return { token: m[1] as string, separator: m[2] as string, value: line.slice(m[0].length) };
}

export function parseSimple(raw: string): ChangelogCommit[] | undefined {
  const message = raw.trim();
  const m = SUMMARY.exec(message) as SummaryMatch | null;
  if (!m) return undefined;
  const commit = summaryCommit(m);
  if (m[0].length === message.length) return [commit];
  let i = m[0].length;
  while (i < message.length && isLineBreak(message.charCodeAt(i))) i++;
  const rest = message.slice(i);
  // (BREAKING anywhere: a BREAKING CHANGE token or body line, or release-please's BREAKING-CHANGE: scan)
  if (rest.includes("BREAKING")) return undefined;
  // The trailing simple footers, read from the last line back; `end` stops at the body's end.
  const footers: SimpleFooter[] = [];
  let end = rest.length;
  while (end > 0) {
    let start = end;
    while (start > 0 && !isLineBreak(rest.charCodeAt(start - 1))) start--;
    const f = simpleFooter(rest.slice(start, end));
    if (!f) break;
    footers.push(f);
    end = start;
    while (end > 0 && isLineBreak(rest.charCodeAt(end - 1))) end--;
  }
  commit.body = rest.slice(0, end);
  if (FOOTERISH_LINE.test(commit.body)) return undefined;
  if (footers.length === 0) return [commit];
  const out: ChangelogCommit[] = [];
  for (let f = footers.length - 1; f >= 0; f--) {
    const { token, separator, value } = footers[f] as SimpleFooter;
    if (token.toLowerCase() === "release-as") return undefined;
    let issue = value;
    let ref = separator === " #";
    if (value.charAt(0) === "#") {
      ref = true;
      issue = value.substring(1);
    }
    if (ref && NUMBER_REGEX.test(issue)) commit.references.push({ prefix: "#", action: token, issue });
    // The footer re-read as a commit (release-please's extra commits); one line, so SUMMARY decides.
    const line = (separator === ":" ? `${token}: ${value}` : `${token}${value}`).trim();
    const extra = SUMMARY.exec(line) as SummaryMatch | null;
    if (extra) out.push(summaryCommit(extra));
  }
  out.push(commit);
  return out;
}

/** release-please's parseConventionalCommits for one raw commit. Unparsable pieces are skipped. */
export function parseCommit(commit: RawCommit, out: ConventionalCommit[] = []): ConventionalCommit[] {
  for (const msg of splitMessages(preprocessCommitMessage(commit))) {
    let parsed: ChangelogCommit[];
    try {
      parsed = parseMessage(msg);
    } catch {
      continue;
    }
    for (const p of parsed)
      out.push({
        sha: commit.sha,
        message: p.header,
        files: commit.files,
        type: p.type,
        scope: p.scope,
        bareMessage: p.subject,
        notes: p.notes,
        references: p.references,
        breaking: findNote(p.notes, "BREAKING CHANGE") !== undefined,
      });
  }
  return out;
}

export function parseConventionalCommits(commits: RawCommit[]): ConventionalCommit[] {
  const out: ConventionalCommit[] = [];
  for (const c of commits) parseCommit(c, out);
  return out;
}

/** The local Scm's PR detection: subject ends in ` (#N)` or is `Merge pull request #N from X`. */
export function pullRequestOf(message: string): RawCommit["pullRequest"] {
  const nl = message.indexOf("\n");
  const subject = (nl < 0 ? message : message.slice(0, nl)).trim();
  // (endsWith/startsWith only skip regexes that could not match)
  const m =
    (subject.endsWith(")") ? /\s\(#(\d+)\)$/.exec(subject) : null) ??
    (subject.startsWith("Merge pull request #")
      ? /^Merge pull request #(\d+) from (.*)$/.exec(subject)
      : null);
  const n = m ? Number.parseInt(m[1] as string, 10) : 0;
  return n ? { number: n, body: message } : undefined;
}

keepOutOfFTL(
  parseCommit,
  splitMessages,
  preprocessCommitMessage,
  parseMessage,
  parseSimple,
  summaryCommit,
  simpleFooter,
  mightSplit,
  blank,
);

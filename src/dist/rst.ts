/**
 * Will this reStructuredText long description render on PyPI? PyPI and `twine check` render it
 * with docutils through readme_renderer, which halts on the first system message of level
 * WARNING or worse and fails when nothing renders (spec §4). We cannot embed docutils, so this
 * is a re-implementation of the parts of its block and inline parser that produce those
 * messages, with docutils' wording:
 *
 *   inline markup start-strings without end-strings; unknown roles, directives, targets and
 *   substitutions; duplicate explicit targets; anonymous reference/target mismatch; title
 *   underline/overline problems, inconsistent title levels, unexpected titles in nested blocks;
 *   transitions at the start/end; unexpected indentation; lists, block quotes, explicit markup,
 *   definition and field lists ending without a blank line; missing literal blocks; disabled
 *   `raw`/`include` directives; directive option values (rst-options.ts); csv-table data (Python's
 *   csv reader, rst-csv.ts) and list/csv table shapes; a content-less `class` with nothing after
 *   it; empty output (a lone title, or only page decorations such as `header`).
 *
 * It does not render, and it does not model tables' cell contents or every directive's checks.
 * The test suite compares its verdicts with real docutils on corpora (tests/dist/rst.test.ts,
 * tests/dist/rst-directives.test.ts).
 */

import { pyRepr } from "./py-repr.ts";
import { readCsv } from "./rst-csv.ts";
import {
  BODY_DIRECTIVES,
  KNOWN_DIRECTIVES,
  KNOWN_ROLES,
  NEEDS_ARGUMENT,
  NEEDS_CONTENT,
  NO_ARGS,
  OPTIONS,
} from "./rst-directives.ts";
import { badClassName, csvChar, positiveIntList, pyInt } from "./rst-options.ts";

export interface RstResult {
  ok: boolean;
  /** The message twine would print (`line <n>: <Level>: <message>`), first failure only. */
  messages: string[];
}

interface Msg {
  level: number;
  line: number;
  text: string;
}

interface Line {
  text: string;
  /** 1-based line number in the description. */
  no: number;
}

/** Body element kinds, enough to know whether anything renders (doctitle promotion). */
type Node = { kind: "section"; level: number } | { kind: "invisible" } | { kind: "body" };

const LEVEL_NAMES = ["Debug", "Info", "Warning", "Error", "Severe"];
const ADORNMENT = /^([!-/:-@[-`{-~])\1*$/;
const BULLET = /^([-*+•‣⁃])( +|$)/u;
const ENUM = /^(?:(\d+|#|[a-zA-Z]|[ivxlcdmIVXLCDM]+)[.)]|\((\d+|#|[a-zA-Z]|[ivxlcdmIVXLCDM]+)\))( +|$)/;
const FIELD = /^:(?![: ])((?:[^:\\]|\\.|:(?![ `]|$))*)(?<! ):( +|$)/;
const SIMPLENAME = "(?:(?!_)\\w)+(?:[-._+:](?:(?!_)\\w)+)*";
const DIRECTIVE = new RegExp(`^\\.\\. +(${SIMPLENAME})[ ]?::( +(.*)|$)`, "u");

// docutils punctuation_chars: what may precede a start-string and follow an end-string.
// ASCII: exactly docutils' sets; beyond ASCII: the Unicode punctuation classes they are built from.
const PREFIX_OK = /[\s"'(<[{\-/:]|[^\x00-\x7f](?<=[\p{Ps}\p{Pi}\p{Pf}\p{Pd}\p{Po}\s])/u;
const SUFFIX_OK = /[\s\0"')>\]}\-/:\\.,;!?]|[^\x00-\x7f](?<=[\p{Pe}\p{Pi}\p{Pf}\p{Pd}\p{Po}\s])/u;
const PAIRS: Record<string, string> = { '"': '"', "'": "'", "(": ")", "[": "]", "{": "}", "<": ">" };

const CODE = new Set(["code", "code-block", "sourcecode"]);
/** Directives that put nothing into the rendered body (readme_renderer keeps only the body). */
const INVISIBLE_DIRECTIVES = new Set([
  "title",
  "meta",
  "default-role",
  "role",
  "header",
  "footer",
  "sectnum",
  "section-numbering",
  "target-notes",
]);

/**
 * A directive option's value as docutils' ExtensionOptions state reads it: the text after the
 * field marker and the continuation lines (dedented), trailing whitespace stripped, joined by
 * newlines; null when there is none.
 */
function optionValue(first: string, rest: Line[]): string | null {
  const min = Math.min(...rest.map((l) => indentOf(l.text)));
  const lines = [first, ...rest.map((l) => l.text.slice(min))]
    .map((t) => t.trimEnd())
    .filter((t) => t !== "");
  return lines.length ? lines.join("\n") : null;
}

const normName = (s: string) => s.replace(/\0/g, "").replace(/\s+/g, " ").trim().toLowerCase();
const indentOf = (s: string) => s.length - s.trimStart().length;
const isBlank = (s: string) => s.trim() === "";
/** Column width of a title (East Asian wide characters count twice, like docutils). */
const width = (s: string) =>
  [...s].reduce(
    (w, c) =>
      w +
      (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        c,
      )
        ? 2
        : 1),
    0,
  );

class RstChecker {
  readonly msgs: Msg[] = [];
  private readonly targets = new Map<string, Set<string>>();
  private readonly implicit = new Set<string>();
  private readonly refs: { name: string; line: number }[] = [];
  private anonRefs = 0;
  private anonTargets = 0;
  private readonly substDefs = new Set<string>();
  private readonly substRefs: { name: string; line: number }[] = [];
  private readonly footnotes = new Set<string>();
  private autoFootnotes = 0;
  private autoFootnoteRefs = 0;
  private readonly footnoteRefs: { name: string; line: number }[] = [];
  private readonly styles: string[] = [];
  private depth = 0;
  /** Content-less `class` directives: the last line of each, in document order. */
  private readonly pendingClasses: { after: number }[] = [];
  /** The start line of the last visible element parsed (one that is not invisible). */
  private lastVisible = 0;
  constructor(private readonly lineCount: number) {}

  report(level: number, line: number, text: string): void {
    this.msgs.push({ level, line, text });
  }

  defineTarget(name: string, uri: string, line: number): void {
    const key = normName(name);
    const uris = this.targets.get(key) ?? new Set<string>();
    if (uris.size > 0 && !uris.has(uri)) this.report(2, line, `Duplicate explicit target name: "${key}".`);
    uris.add(uri);
    this.targets.set(key, uris);
  }

  // ---------------------------------------------------------------- blocks

  /** Parse body elements of `lines` (already dedented); `nested` inside lists, quotes, directives. */
  parse(lines: Line[], nested: boolean): Node[] {
    const nodes: Node[] = [];
    let i = 0;
    const n = lines.length;
    const text = (k: number) => lines[k]!.text;
    const blank = (k: number) => k >= n || isBlank(text(k));
    /** Lines from `start` that are blank or indented, dedented; stops at the first unindented line. */
    /**
     * docutils' get_indented: lines from `start` that are blank or indented. With `known`
     * (a list item with text after its marker) lines need at least that indent and lose exactly
     * that much; otherwise the block loses its minimum indent.
     */
    const indented = (start: number, known?: number): [Line[], number] => {
      const need = known ?? 1;
      let j = start;
      while (j < n && (isBlank(text(j)) || indentOf(text(j)) >= need)) j++;
      let end = j;
      while (end > start && isBlank(text(end - 1))) end--;
      const block = lines.slice(start, end);
      const min = known ?? Math.min(...block.filter((l) => !isBlank(l.text)).map((l) => indentOf(l.text)));
      return [block.map((l) => ({ no: l.no, text: l.text.slice(Math.min(min, indentOf(l.text))) })), end];
    };
    /** After a construct ending at `end`: a following unindented line with no blank line in between. */
    const unindentWarning = (end: number, what: string) => {
      if (end < n && end > 0 && !blank(end - 1) && !blank(end))
        this.report(2, lines[end]!.no, `${what} ends without a blank line; unexpected unindent.`);
    };

    // Where each construct starts, to note the visible ones (for content-less `class`).
    let mark = { count: 0, no: 0 };
    const noteVisible = () => {
      if (nodes.slice(mark.count).some((x) => x.kind !== "invisible"))
        this.lastVisible = Math.max(this.lastVisible, mark.no);
    };
    while (i < n) {
      if (blank(i)) {
        i++;
        continue;
      }
      const line = lines[i]!;
      const t = line.text;
      noteVisible();
      mark = { count: nodes.length, no: line.no };
      if (indentOf(t) > 0) {
        const [block, end] = indented(i);
        this.parse(block, true);
        nodes.push({ kind: "body" });
        unindentWarning(end, "Block quote");
        i = end;
        continue;
      }
      if (/^\.\.( |$)/.test(t)) {
        i = this.explicit(lines, i, nodes, indented);
        // Another explicit construct may follow directly; anything else needs a blank line.
        if (i < n && !/^(\.\.( |$)|__ )/.test(text(i))) unindentWarning(i, "Explicit markup");
        continue;
      }
      if (/^__ /.test(t)) {
        this.anonTargets++;
        const [, end] = indented(i + 1);
        nodes.push({ kind: "invisible" });
        i = end;
        if (i < n && !/^(\.\.( |$)|__ )/.test(text(i))) unindentWarning(i, "Explicit markup");
        continue;
      }
      // Overlined title, or a transition.
      // (A lone "-", "+" or "*" is a bullet: docutils tries bullets before adornment lines.)
      if (ADORNMENT.test(t.trimEnd()) && !BULLET.test(t)) {
        const over = t.trimEnd();
        if (!blank(i + 1) && i + 1 < n && !ADORNMENT.test(text(i + 1).trim())) {
          const title = text(i + 1).trim();
          const under = i + 2 < n ? text(i + 2).trimEnd() : "";
          if (over.length >= 4 || width(title) <= over.length) {
            if (!ADORNMENT.test(under) || under[0] !== over[0]) {
              this.report(4, line.no, "Missing matching underline for section title overline.");
              i += 3;
              continue;
            }
            if (under !== over) this.report(4, line.no, "Title overline & underline mismatch.");
            else if (over.length < width(title)) this.report(2, line.no, "Title overline too short.");
            this.title(nodes, `${over[0]}${over[0]}`, title, line.no, nested);
            i += 3;
            continue;
          }
        } else if (over.length >= 4 && blank(i + 1)) {
          if (nested) this.report(4, line.no, "Unexpected section title or transition.");
          else {
            const before = nodes.filter((x) => x.kind !== "invisible");
            const last = before[before.length - 1];
            if (!last || last.kind === "section")
              this.report(3, line.no, "Document or section may not begin with a transition.");
            let k = i + 1;
            while (k < n && blank(k)) k++;
            if (k >= n) this.report(3, line.no, "Document may not end with a transition.");
            nodes.push({ kind: "body" });
          }
          i++;
          continue;
        }
      }
      const bullet = BULLET.exec(t);
      if (bullet) {
        i = this.list(
          lines,
          i,
          (s) => BULLET.exec(s)?.[1] === bullet[1],
          "Bullet list",
          indented,
          unindentWarning,
        );
        nodes.push({ kind: "body" });
        continue;
      }
      const en = ENUM.exec(t);
      if (en && (blank(i + 1) || indentOf(text(i + 1)) > 0 || ENUM.test(text(i + 1)))) {
        i = this.list(lines, i, (s) => ENUM.test(s), "Enumerated list", indented, unindentWarning);
        nodes.push({ kind: "body" });
        continue;
      }
      if (FIELD.test(t)) {
        i = this.list(lines, i, (s) => FIELD.test(s), "Field list", indented, unindentWarning);
        nodes.push({ kind: "body" });
        continue;
      }
      if (t.startsWith(">>>")) {
        while (i < n && !blank(i)) i++;
        nodes.push({ kind: "body" });
        continue;
      }
      if (/^\+[-=+]+\+\s*$/.test(t)) {
        i = this.gridTable(lines, i);
        nodes.push({ kind: "body" });
        continue;
      }
      if (/^=+( +=+)+\s*$/.test(t)) {
        i = this.simpleTable(lines, i);
        nodes.push({ kind: "body" });
        continue;
      }
      // Underlined title.
      if (
        i + 1 < n &&
        !blank(i + 1) &&
        indentOf(text(i + 1)) === 0 &&
        ADORNMENT.test(text(i + 1).trimEnd())
      ) {
        const under = text(i + 1).trimEnd();
        const title = t.trimEnd();
        if (width(title) <= under.length || under.length >= 4) {
          if (under.length < width(title)) this.report(2, lines[i + 1]!.no, "Title underline too short.");
          this.title(nodes, under[0]!, title, line.no, nested);
          i += 2;
          continue;
        }
      }
      if (/^\|( |$)/.test(t)) {
        // Each `| ` line with its indented continuation lines is one line of inline text.
        while (i < n && !blank(i) && /^\|( |$)/.test(text(i))) {
          const start = i;
          const parts = [text(i++).replace(/^\|/, "")];
          while (i < n && !blank(i) && indentOf(text(i)) > 0) parts.push(text(i++));
          this.inline(parts.join("\n"), lines[start]!.no);
        }
        nodes.push({ kind: "body" });
        unindentWarning(i, "Line block");
        continue;
      }
      i = this.paragraph(lines, i, nodes, indented, unindentWarning);
    }
    noteVisible();
    return nodes;
  }

  private title(nodes: Node[], style: string, title: string, no: number, nested: boolean): void {
    if (nested) {
      this.report(4, no, "Unexpected section title.");
      return;
    }
    this.inline(title, no);
    this.implicit.add(normName(title.replace(/[`*|]/g, "").replace(/_+$/, "")));
    let level = this.styles.indexOf(style) + 1;
    if (level === 0) {
      level = this.styles.length + 1;
      if (level > this.depth + 1) {
        this.report(4, no, "Title level inconsistent:");
        return;
      }
      this.styles.push(style);
    }
    if (level > this.depth + 1) {
      this.report(4, no, "Title level inconsistent:");
      return;
    }
    this.depth = level;
    nodes.push({ kind: "section", level });
  }

  private list(
    lines: Line[],
    start: number,
    sameList: (s: string) => boolean,
    what: string,
    indented: (s: number, known?: number) => [Line[], number],
    unindentWarning: (end: number, what: string) => void,
  ): number {
    let i = start;
    for (;;) {
      const first = lines[i]!;
      const m = (BULLET.exec(first.text) ?? ENUM.exec(first.text) ?? FIELD.exec(first.text))!;
      if (what === "Field list") this.inline(m[1]!, first.no);
      // docutils: list items with text after the marker know their indent (the text column);
      // field bodies and empty first lines take the minimum indent of what follows.
      const hasText = what !== "Field list" && first.text.slice(m[0].length).trim() !== "";
      const [rest, end] = indented(i + 1, hasText ? m[0].length : undefined);
      const body = [{ no: first.no, text: first.text.slice(m[0].length) }, ...rest];
      this.parse(body, true);
      i = end;
      const j = this.skipBlank(lines, i);
      if (j < lines.length && indentOf(lines[j]!.text) === 0 && sameList(lines[j]!.text)) {
        i = j;
        continue;
      }
      unindentWarning(i, what);
      return i;
    }
  }

  private skipBlank(lines: Line[], i: number): number {
    while (i < lines.length && isBlank(lines[i]!.text)) i++;
    return i;
  }

  private paragraph(
    lines: Line[],
    start: number,
    nodes: Node[],
    indented: (s: number) => [Line[], number],
    unindentWarning: (end: number, what: string) => void,
  ): number {
    const n = lines.length;
    let i = start;
    const para: Line[] = [];
    while (i < n && !isBlank(lines[i]!.text) && indentOf(lines[i]!.text) === 0) para.push(lines[i++]!);
    nodes.push({ kind: "body" });
    if (i < n && !isBlank(lines[i]!.text) && indentOf(lines[i]!.text) > 0) {
      if (para.length === 1) {
        // term + definition: a definition list, items may follow directly.
        let term = para[0]!;
        for (;;) {
          this.inline(term.text.split(" : ")[0]!, term.no);
          const [def, end] = indented(i);
          this.parse(def, true);
          i = end;
          if (
            i + 1 < n &&
            !isBlank(lines[i]!.text) &&
            indentOf(lines[i]!.text) === 0 &&
            !isBlank(lines[i + 1]!.text) &&
            indentOf(lines[i + 1]!.text) > 0
          ) {
            term = lines[i]!;
            i++;
            continue;
          }
          const j = this.skipBlank(lines, i);
          if (
            j > i &&
            j + 1 < n &&
            indentOf(lines[j]!.text) === 0 &&
            !isBlank(lines[j + 1]!.text) &&
            indentOf(lines[j + 1]!.text) > 0 &&
            !/^\.\.( |$)/.test(lines[j]!.text) &&
            !BULLET.test(lines[j]!.text) &&
            !ENUM.test(lines[j]!.text) &&
            !FIELD.test(lines[j]!.text) &&
            !ADORNMENT.test(lines[j]!.text.trim())
          ) {
            term = lines[j]!;
            i = j + 1;
            continue;
          }
          unindentWarning(i, "Definition list");
          return i;
        }
      }
      this.inline(para.map((l) => l.text).join("\n"), para[0]!.no);
      this.report(3, lines[i]!.no, "Unexpected indentation.");
      return i;
    }
    const body = para.map((l) => l.text).join("\n");
    this.inline(body.replace(/::\s*$/, ""), para[0]!.no);
    if (/::\s*$/.test(body) && !/\\::\s*$/.test(body))
      i = this.literalBlock(lines, i, para[para.length - 1]!.no);
    return i;
  }

  /** After a paragraph ending in `::`: an indented or quoted literal block must follow. */
  private literalBlock(lines: Line[], i: number, paraEnd: number): number {
    const n = lines.length;
    const j = this.skipBlank(lines, i);
    if (j >= n) {
      this.report(2, paraEnd + 1, "Literal block expected; none found.");
      return j;
    }
    const t = lines[j]!.text;
    if (indentOf(t) > 0) {
      let k = j;
      while (k < n && (isBlank(lines[k]!.text) || indentOf(lines[k]!.text) > 0)) k++;
      let end = k;
      while (end > j && isBlank(lines[end - 1]!.text)) end--;
      if (end < n && end === k && k > 0 && !isBlank(lines[k - 1]!.text))
        this.report(2, lines[k]!.no, "Literal block ends without a blank line; unexpected unindent.");
      return end;
    }
    const q = t[0]!;
    if (/[!-/:-@[-`{-~]/.test(q)) {
      let k = j;
      while (k < n && !isBlank(lines[k]!.text) && lines[k]!.text[0] === q) k++;
      return k;
    }
    this.report(2, lines[j]!.no, "Literal block expected; none found.");
    return j;
  }

  private gridTable(lines: Line[], start: number): number {
    let i = start;
    const w = lines[start]!.text.trimEnd().length;
    while (i < lines.length && !isBlank(lines[i]!.text)) {
      const t = lines[i]!.text.trimEnd();
      if (!/^[+|]/.test(t) || !/[+|]$/.test(t) || t.length !== w) {
        this.report(3, lines[start]!.no, "Malformed table.");
        while (i < lines.length && !isBlank(lines[i]!.text)) i++;
        return i;
      }
      i++;
    }
    if (!/^\+[-=+]+\+$/.test(lines[i - 1]!.text.trimEnd()))
      this.report(3, lines[start]!.no, "Malformed table.");
    return i;
  }

  private simpleTable(lines: Line[], start: number): number {
    // Border, rows, border (optionally a header part): ends at a border line followed by a blank line.
    let i = start + 1;
    while (i < lines.length) {
      const t = lines[i]!.text;
      if (/^=+( +=+)*\s*$/.test(t) && (i + 1 >= lines.length || isBlank(lines[i + 1]!.text))) return i + 1;
      i++;
    }
    this.report(3, lines[start]!.no, "Malformed table.");
    return i;
  }

  /** `..` explicit markup: directive, target, footnote/citation, substitution definition or comment. */
  private explicit(
    lines: Line[],
    i: number,
    nodes: Node[],
    indented: (s: number) => [Line[], number],
  ): number {
    const first = lines[i]!;
    const t = first.text;
    const [rest, end] = indented(i + 1);
    let m: RegExpExecArray | null = /^\.\. +__:(.*)$/.exec(t);
    if (m) {
      this.anonTargets++;
      nodes.push({ kind: "invisible" });
      return end;
    }
    m = /^\.\. +_(`[^`]+`|(?:[^:\\]|\\.)+):(.*)$/s.exec(t);
    if (m) {
      const name = m[1]!.replace(/^`|`$/g, "").replace(/\\(.)/g, "$1");
      const target = [m[2]!, ...rest.map((l) => l.text)].join(" ").replace(/\s+/g, " ").trim();
      const uri = target.replace(/\s+/g, "");
      // docutils: an indirect target is a whole `simplename_` or `` `phrase`_ ``, not any URI ending in _.
      const indirect = new RegExp(`^(?:(${SIMPLENAME})_|\`([^\`]+)\`_)$`, "u").exec(target);
      if (indirect) this.refs.push({ name: normName(indirect[1] ?? indirect[2]!), line: first.no });
      this.defineTarget(name, uri, first.no);
      nodes.push({ kind: "invisible" });
      return end;
    }
    m = /^\.\. +\[([^\]]+)\]( +|$)/.exec(t);
    if (m) {
      const label = m[1]!;
      if (label === "#" || label === "*") this.autoFootnotes++;
      else {
        this.footnotes.add(normName(label.replace(/^#/, "")));
        if (label.startsWith("#")) this.autoFootnotes++;
      }
      this.parse([{ no: first.no, text: t.slice(m[0].length) }, ...rest], true);
      nodes.push({ kind: "body" });
      return end;
    }
    m = /^\.\. +\|(.+?)\|( +(.*))?$/.exec(t);
    if (m) {
      const name = m[1]!;
      const def = (m[3] ?? "").trim();
      const d = new RegExp(`^(${SIMPLENAME})[ ]?::( +(.*)|$)`, "u").exec(def);
      if (!def) this.report(3, first.no, `Substitution definition "${name}" missing contents.`);
      else if (!d) this.report(3, first.no, `Substitution definition "${name}" empty or invalid.`);
      else this.directive(d[1]!.toLowerCase(), (d[3] ?? "").trim(), rest, first.no, true);
      this.substDefs.add(name);
      nodes.push({ kind: "invisible" });
      return end;
    }
    m = DIRECTIVE.exec(t);
    if (m) {
      const kind = this.directive(m[1]!.toLowerCase(), (m[3] ?? "").trim(), rest, first.no, false);
      nodes.push(kind === "invisible" ? { kind } : { kind: "body" });
      return end;
    }
    nodes.push({ kind: "invisible" }); // comment
    return end;
  }

  private directive(
    name: string,
    arg: string,
    block: Line[],
    no: number,
    inSubstitution: boolean,
  ): Node["kind"] {
    if (!KNOWN_DIRECTIVES.has(name)) {
      this.report(3, no, `Unknown directive type "${name}".`);
      return "body";
    }
    if (name === "raw" || name === "include") {
      this.report(2, no, `"${name}" directive disabled.`);
      return "body";
    }
    // docutils' parse_directive_block: the first line's text, then the indented block. Up to the
    // first blank line: arguments, then options (from the first field marker); after it: content.
    // A directive without arguments takes that first part as content.
    const all: Line[] = [{ no, text: arg }, ...block];
    if (arg === "") all.shift();
    let cut = all.findIndex((l) => isBlank(l.text));
    if (cut < 0) cut = all.length;
    let argBlock = all.slice(0, cut);
    let content = all.slice(cut + 1);
    // `meta` has no options: its field list is the content.
    const optAt = name === "meta" ? -1 : argBlock.findIndex((l) => FIELD.test(l.text));
    const options = optAt >= 0 ? argBlock.slice(optAt) : [];
    if (optAt >= 0) argBlock = argBlock.slice(0, optAt);
    // docutils converts the options in order and stops at the first unknown, repeated or refused one.
    const allowed = OPTIONS[name];
    const opts = new Map<string, string | null>();
    const bad = (why: string) => {
      this.report(3, no, `Error in "${name}" directive:\n${why}`);
      return "body" as const;
    };
    for (const [k, o] of options.entries()) {
      if (indentOf(o.text) > 0) continue; // an option value continued
      const m = FIELD.exec(o.text);
      if (!m) return bad("invalid option block.");
      if (!allowed) continue;
      const key = m[1]!.toLowerCase();
      let end = k + 1;
      while (end < options.length && indentOf(options[end]!.text) > 0) end++;
      const value = optionValue(o.text.slice(m[0].length), options.slice(k + 1, end));
      if (!Object.hasOwn(allowed, key)) return bad(`unknown option: "${key}".`);
      if (opts.has(key)) return bad(`invalid option data: duplicate option "${key}".`);
      const refused = allowed[key]!(value);
      if (refused !== undefined)
        return bad(`invalid option value: (option: "${key}"; value: ${pyRepr(value)})\n${refused}.`);
      opts.set(key, value);
    }
    if (NO_ARGS.has(name) || name === "meta") {
      content = [...argBlock, ...all.slice(cut)];
      argBlock = [];
    }
    const argument = argBlock.map((l) => l.text.trim()).join(" ");
    const first = content.findIndex((l) => !isBlank(l.text));
    content = first < 0 ? [] : content.slice(first);
    const hasContent = content.length > 0;
    if (NEEDS_ARGUMENT.has(name) && argument === "") {
      this.report(3, no, `Error in "${name}" directive:\n1 argument(s) required, 0 supplied.`);
      return "body";
    }
    const words = argument.split(/\s+/).filter(Boolean).length;
    if ((name === "code" || name === "code-block" || name === "sourcecode") && words > 1) {
      this.report(3, no, `Error in "${name}" directive:\nmaximum 1 argument(s) allowed, ${words} supplied.`);
      return "body";
    }
    if ((name === "image" || name === "contents" || name === "sectnum") && hasContent) {
      this.report(3, no, `Error in "${name}" directive:\nno content permitted.`);
      return "body";
    }
    if (NEEDS_CONTENT.has(name) && !hasContent) {
      // RSTTable.run warns; the others' assert_has_content is an error.
      this.report(
        name === "table" ? 2 : 3,
        no,
        `Content block expected for the "${name}" directive; none found.`,
      );
      return "body";
    }
    if (name === "replace" && !inSubstitution) {
      this.report(
        3,
        no,
        `Invalid context: the "replace" directive can only be used within a substitution definition.`,
      );
      return "body";
    }
    if (hasContent) {
      const min = Math.min(...content.filter((l) => !isBlank(l.text)).map((l) => indentOf(l.text)));
      content = content.map((l) => ({ no: l.no, text: l.text.slice(Math.min(min, indentOf(l.text))) }));
    }
    // What each directive's run() checks beyond its options.
    if (name === "class") {
      // docutils class_option: every word must make an identifier.
      if (badClassName(argument) !== undefined) {
        this.report(3, no, `Invalid class attribute value for "class" directive: "${argument}".`);
        return "body";
      }
      // Without content, `class` applies to the next element, wherever it is: checked at the end.
      if (!hasContent) {
        this.pendingClasses.push({ after: block[block.length - 1]?.no ?? no });
        return "invisible";
      }
    }
    if (name === "image" && opts.get("align")) {
      // Image.run: vertical alignments only inside substitutions, horizontal ones only outside.
      const align = opts.get("align")!.toLowerCase().trim();
      const valid = inSubstitution ? ["top", "middle", "bottom"] : ["left", "center", "right"];
      if (!valid.includes(align)) {
        const where = inSubstitution ? " within a substitution definition" : "";
        this.report(
          3,
          no,
          `Error in "image" directive: "${align}" is not a valid value for the "align" option${where}.  Valid values for "align" are: "${valid.join('", "')}".`,
        );
        return "body";
      }
    }
    if (CODE.has(name) && opts.get("number-lines")) {
      // CodeBlock.run: int(value or 1).
      if (typeof pyInt(opts.get("number-lines")!) !== "number") {
        this.report(3, no, ":number-lines: with non-integer start value");
        return "body";
      }
    }
    if (name === "csv-table") this.csvTable(argument, opts, content, no);
    else if (name === "list-table" && hasContent) {
      this.inline(argument, no);
      this.listTable(content, no, opts);
    } else if (BODY_DIRECTIVES.has(name) && hasContent) {
      const visible = this.lastVisible;
      this.parse(content, true);
      // Header and footer content goes to the page decorations, not after a pending `class`.
      if (INVISIBLE_DIRECTIVES.has(name)) this.lastVisible = visible;
    } else if (name === "parsed-literal" || name === "replace" || name === "line-block")
      this.inline(content.map((l) => l.text).join("\n"), content[0]?.no ?? no);
    if (["admonition", "topic", "sidebar", "rubric", "table"].includes(name)) this.inline(argument, no);
    // Nothing of these reaches the rendered body (header and footer are page decorations).
    if (INVISIBLE_DIRECTIVES.has(name)) return "invisible";
    return "body";
  }

  /** docutils' check_table_dimensions: enough rows and columns left for the table body. */
  private tableDimensions(
    name: string,
    rows: number[],
    opts: Map<string, string | null>,
    no: number,
  ): boolean {
    const count = (key: string) => {
      const n = pyInt(opts.get(key) ?? "0");
      return typeof n === "number" && !Number.isNaN(n) ? n : 0;
    };
    const headerRows = count("header-rows");
    const stubColumns = count("stub-columns");
    const error = (text: string) => {
      this.report(3, no, text);
      return false;
    };
    if (rows.length < headerRows)
      return error(
        `${headerRows} header row(s) specified but only ${rows.length} row(s) of data supplied ("${name}" directive).`,
      );
    if (rows.length === headerRows && headerRows > 0)
      return error(
        `Insufficient data supplied (${rows.length} row(s)); no data remaining for table body, required by "${name}" directive.`,
      );
    for (const cells of rows) {
      if (cells < stubColumns)
        return error(
          `${stubColumns} stub column(s) specified but only ${cells} columns(s) of data supplied ("${name}" directive).`,
        );
      if (cells === stubColumns && stubColumns > 0)
        return error(
          `Insufficient data supplied (${cells} columns(s)); no data remaining for table body, required by "${name}" directive.`,
        );
    }
    return true;
  }

  /** docutils' get_column_widths: a `widths` list must give one width per column. */
  private columnWidths(name: string, columns: number, opts: Map<string, string | null>, no: number): boolean {
    const given = opts.get("widths");
    const list = given === undefined || given === "auto" ? undefined : positiveIntList(given);
    if (Array.isArray(list) && list.length !== columns) {
      this.report(3, no, `"${name}" widths do not match the number of columns in table (${columns}).`);
      return false;
    }
    if (!list && columns === 0) {
      this.report(3, no, "No table data detected in CSV file.");
      return false;
    }
    return true;
  }

  /** csv-table: data read with Python's csv module (strict), then the table's shape checked. */
  private csvTable(title: string, opts: Map<string, string | null>, content: Line[], no: number): void {
    // readme_renderer turns file insertion off (file_insertion_enabled = False).
    if (opts.has("file") || opts.has("url")) {
      this.report(2, no, 'File and URL access deactivated; ignoring "csv-table" directive.');
      return;
    }
    this.inline(title, no);
    if (content.length === 0) {
      this.report(2, no, 'The "csv-table" directive requires content; none supplied.');
      return;
    }
    const char = (key: string, fallback: string) => {
      const v = opts.get(key);
      return v ? csvChar(v) : fallback;
    };
    const escapeChar = opts.get("escape");
    // `header` has its own dialect (backslash escapes); then the data (DocutilsDialect).
    const header = opts.has("header")
      ? readCsv((opts.get("header") ?? "").split("\n"), {
          delimiter: ",",
          quotechar: '"',
          escapechar: "\\",
          doublequote: false,
          skipinitialspace: true,
        })
      : [];
    const rows = Array.isArray(header)
      ? readCsv(
          content.map((l) => l.text.trimEnd()), // docutils strips trailing whitespace from every line
          {
            delimiter: char("delim", ","),
            quotechar: char("quote", '"'),
            escapechar: escapeChar ? csvChar(escapeChar) : null,
            doublequote: !escapeChar,
            skipinitialspace: !opts.has("keepspace"),
          },
        )
      : header;
    if (!Array.isArray(header) || !Array.isArray(rows)) {
      const { error } = Array.isArray(header) ? (rows as { error: string }) : header;
      this.report(3, no, `Error with CSV data in "csv-table" directive:\n${error}`);
      return;
    }
    const columns = Math.max(0, ...header, ...rows);
    if (this.tableDimensions("csv-table", rows, opts, no)) this.columnWidths("csv-table", columns, opts, no);
  }

  /**
   * list-table content: one bullet list whose items each hold one bullet list, all of the same
   * length. Each row's body is dedented as docutils does (to the text after its marker, or to
   * its least indented line), and its cells are the same-marker bullets at that indent.
   */
  private listTable(content: Line[], no: number, opts: Map<string, string | null>): boolean {
    this.parse(content, true);
    const fail = (why: string) => {
      this.report(3, no, `Error parsing content block for the "list-table" directive: ${why}`);
      return false;
    };
    const marker = BULLET.exec(content[0]!.text)?.[1];
    const rows: Line[][] = [];
    for (const l of content) {
      if (isBlank(l.text) || indentOf(l.text) > 0) rows[rows.length - 1]?.push(l);
      else if (marker !== undefined && BULLET.exec(l.text)?.[1] === marker) rows.push([l]);
      else return fail("exactly one bullet list expected.");
    }
    const cells: number[] = [];
    for (const [r, [first, ...rest]] of rows.entries()) {
      const m = BULLET.exec(first!.text)!;
      const text = first!.text.slice(m[0].length);
      const body = [`${" ".repeat(m[0].length)}${text}`, ...rest.map((l) => l.text)].filter(
        (t) => !isBlank(t),
      );
      const base = isBlank(text) ? Math.min(...body.map(indentOf)) : m[0].length;
      const bullets = body.filter((t) => indentOf(t) === base).map((t) => BULLET.exec(t.slice(base))?.[1]);
      if (bullets.length === 0 || bullets[0] === undefined || bullets.some((b) => b !== bullets[0]))
        return fail(
          `two-level bullet list expected, but row ${r + 1} does not contain a second-level bullet list.`,
        );
      cells.push(bullets.length);
    }
    const bad = cells.findIndex((c) => c !== cells[0]);
    if (bad > 0)
      return fail(
        `uniform two-level bullet list expected, but row ${bad + 1} does not contain the same number of items as row 1 (${cells[bad]} vs ${cells[0]}).`,
      );
    return (
      this.columnWidths("list-table", cells[0]!, opts, no) &&
      this.tableDimensions("list-table", cells, opts, no)
    );
  }

  // ---------------------------------------------------------------- inline markup

  /** docutils' Inliner: start-strings, end-strings, references, roles. */
  inline(raw: string, no: number): void {
    // Backslash escapes become NUL + char, as docutils does before inline parsing.
    const text = raw.replace(/\\(.)/gs, "\0$1");
    const startOk = (k: number) => k === 0 || PREFIX_OK.test(text[k - 1]!);
    const endOk = (k: number) => k >= text.length || SUFFIX_OK.test(text[k]!);
    const quoted = (k: number, len: number) => {
      const before = text[k - 1];
      const after = text[k + len];
      return before !== undefined && after !== undefined && PAIRS[before] === after;
    };
    const lineAt = (k: number) => no + (text.slice(0, k).match(/\n/g)?.length ?? 0);
    /** First end-string `s` after `from` preceded by non-whitespace (not an escape) and followed by a suffix char. */
    const findEnd = (s: string, from: number, allowEscapeBefore = false): number => {
      let k = text.indexOf(s, from);
      while (k >= 0) {
        const before = text[k - 1];
        if (
          k > from &&
          before !== undefined &&
          !/\s/.test(before) &&
          (allowEscapeBefore || before !== "\0")
        ) {
          if (endOk(k + s.length)) return k;
        }
        k = text.indexOf(s, k + 1);
      }
      return -1;
    };
    const simple = new RegExp(`^(${SIMPLENAME})(__?)`, "u");
    const footnote = new RegExp(`^\\[([0-9]+|#(?:${SIMPLENAME})?|\\*|${SIMPLENAME})\\]_`, "u");
    const role = new RegExp(`^:(${SIMPLENAME}):\``, "u");
    const interpretedEnd = new RegExp(`^\`(?::(${SIMPLENAME}):)?(__?)?`, "u");
    let p = 0;
    while (p < text.length) {
      const c = text[p]!;
      if (!startOk(p) || (!"*`_|:[".includes(c) && !/\w/u.test(c))) {
        p++;
        continue;
      }
      const rest = text.slice(p);
      const after = (len: number) => text[p + len];
      const nonWsAfter = (len: number) => after(len) !== undefined && !/[ \n]/.test(after(len)!);
      if (rest.startsWith("**") && nonWsAfter(2) && !quoted(p, 2)) {
        const e = findEnd("**", p + 2);
        if (e < 0) {
          this.report(2, lineAt(p), "Inline strong start-string without end-string.");
          p += 2;
        } else p = e + 2;
        continue;
      }
      if (c === "*" && !rest.startsWith("**") && nonWsAfter(1) && !quoted(p, 1)) {
        const e = findEnd("*", p + 1);
        if (e < 0) {
          this.report(2, lineAt(p), "Inline emphasis start-string without end-string.");
          p += 1;
        } else p = e + 1;
        continue;
      }
      if (rest.startsWith("``") && nonWsAfter(2) && !quoted(p, 2)) {
        const e = findEnd("``", p + 2, true);
        if (e < 0) {
          this.report(2, lineAt(p), "Inline literal start-string without end-string.");
          p += 2;
        } else p = e + 2;
        continue;
      }
      if (rest.startsWith("_`") && nonWsAfter(2) && !quoted(p, 2)) {
        const e = findEnd("`", p + 2);
        if (e < 0) {
          this.report(2, lineAt(p), "Inline internal target start-string without end-string.");
          p += 2;
        } else {
          this.defineTarget(text.slice(p + 2, e), `#${normName(text.slice(p + 2, e))}`, lineAt(p));
          p = e + 1;
        }
        continue;
      }
      if (c === "|" && !rest.startsWith("||") && nonWsAfter(1) && !quoted(p, 1)) {
        let e = text.indexOf("|", p + 2);
        while (
          e >= 0 &&
          (/[\s\0]/.test(text[e - 1]!) || !endOk(e + 1 + (/^__?/.exec(text.slice(e + 1))?.[0].length ?? 0)))
        )
          e = text.indexOf("|", e + 1);
        if (e < 0) {
          this.report(2, lineAt(p), "Inline substitution_reference start-string without end-string.");
          p += 1;
          continue;
        }
        const name = text.slice(p + 1, e).replace(/\0/g, "");
        this.substRefs.push({ name, line: lineAt(p) });
        let q = e + 1;
        const refEnd = /^__?/.exec(text.slice(q))?.[0] ?? "";
        if (refEnd && endOk(q + refEnd.length)) {
          if (refEnd === "__") this.anonRefs++;
          else this.refs.push({ name: normName(name), line: lineAt(p) });
          q += refEnd.length;
        }
        p = q;
        continue;
      }
      const rm = role.exec(rest);
      if ((c === "`" && !rest.startsWith("``")) || rm) {
        const prefixRole = rm?.[1];
        const open = rm ? rm[0].length : 1;
        if (!nonWsAfter(open) || quoted(p + open - 1, 1)) {
          p += open;
          continue;
        }
        // End-string: "`" after non-whitespace, then an optional role or reference suffix, then a suffix char.
        let e = text.indexOf("`", p + open + 1);
        let suf: RegExpExecArray | null = null;
        while (e >= 0) {
          if (!/[\s\0]/.test(text[e - 1]!)) {
            suf = interpretedEnd.exec(text.slice(e));
            if (suf && endOk(e + suf[0].length)) break;
            if (suf && suf[0].length > 1 && endOk(e + 1)) {
              suf = /^`/.exec("`");
              break;
            }
          }
          suf = null;
          e = text.indexOf("`", e + 1);
        }
        if (e < 0 || !suf) {
          this.report(
            2,
            lineAt(p),
            "Inline interpreted text or phrase reference start-string without end-string.",
          );
          p += open;
          continue;
        }
        const body = text.slice(p + open, e);
        const suffixRole = suf[1];
        const refEnd = suf[2];
        const q = e + suf[0].length;
        if (refEnd) {
          if (prefixRole || suffixRole)
            this.report(3, lineAt(p), "Mismatch: both interpreted text role prefix and reference suffix.");
          else this.phraseReference(body, refEnd === "__", lineAt(p));
        } else if (prefixRole && suffixRole) {
          this.report(
            3,
            lineAt(p),
            "Multiple roles in interpreted text (both prefix and suffix present; only one allowed).",
          );
        } else {
          const r = (prefixRole ?? suffixRole)?.toLowerCase();
          if (r !== undefined && !KNOWN_ROLES.has(r))
            this.report(3, lineAt(p), `Unknown interpreted text role "${r}".`);
        }
        p = q;
        continue;
      }
      const fm = footnote.exec(rest);
      if (fm && endOk(p + fm[0].length)) {
        const label = fm[1]!;
        if (label === "#" || label === "*") this.autoFootnoteRefs++;
        else this.footnoteRefs.push({ name: normName(label.replace(/^#/, "")), line: lineAt(p) });
        p += fm[0].length;
        continue;
      }
      const sm = simple.exec(rest);
      if (sm && endOk(p + sm[0].length)) {
        if (sm[2] === "__") this.anonRefs++;
        else this.refs.push({ name: normName(sm[1]!), line: lineAt(p) });
        p += sm[0].length;
        continue;
      }
      // Skip the rest of this word: a start-string can only begin after whitespace or punctuation.
      p += sm ? sm[1]!.length : 1;
    }
  }

  private phraseReference(body: string, anonymous: boolean, line: number): void {
    const m = /^([\s\S]*?)\s*<([^<>]+)>$/.exec(body);
    if (m) {
      const raw = m[2]!.trim();
      if (raw.endsWith("_") && !raw.endsWith("\\_")) {
        // An alias (`text <other name_>`): a reference to another target, whitespace normalised.
        this.refs.push({ name: normName(raw.slice(0, -1)), line });
        return;
      }
      const uri = raw.replace(/\s+/g, "");
      const name = m[1]!.trim() || uri;
      if (!anonymous) this.defineTarget(name, uri, line);
      return;
    }
    if (anonymous) this.anonRefs++;
    else this.refs.push({ name: normName(body), line });
  }

  // ---------------------------------------------------------------- transforms

  /** Messages from docutils' transforms, in their order (substitutions, anonymous, footnotes, targets). */
  resolve(): void {
    // ClassAttribute (priority 210, the first of these): a content-less `class` needs a visible
    // element after it. docutils reports the line after the directive, or the last line.
    const stranded = this.pendingClasses.find((c) => c.after >= this.lastVisible);
    if (stranded)
      this.report(
        3,
        Math.min(stranded.after + 1, this.lineCount),
        'No suitable element following "class" directive',
      );
    const lower = new Set([...this.substDefs].map((s) => s.toLowerCase()));
    for (const r of this.substRefs)
      if (!this.substDefs.has(r.name) && !lower.has(r.name.toLowerCase()))
        this.report(3, r.line, `Undefined substitution referenced: "${r.name}".`);
    if (this.anonRefs !== this.anonTargets)
      this.report(
        3,
        0,
        `Anonymous hyperlink mismatch: ${this.anonRefs} references but ${this.anonTargets} targets.`,
      );
    if (this.autoFootnoteRefs > this.autoFootnotes)
      this.report(
        3,
        0,
        `Too many autonumbered footnote references: only ${this.autoFootnotes} corresponding footnotes available.`,
      );
    for (const r of this.footnoteRefs)
      if (!this.footnotes.has(r.name)) this.report(3, r.line, `Unknown target name: "${r.name}".`);
    for (const r of this.refs) {
      const uris = this.targets.get(r.name);
      if (uris && uris.size > 1)
        this.report(3, r.line, `Duplicate target name, cannot be used as a unique reference: "${r.name}".`);
      else if (!uris && !this.implicit.has(r.name) && !this.footnotes.has(r.name))
        this.report(3, r.line, `Unknown target name: "${r.name}".`);
    }
  }
}

/** Does the document render to something, after docutils promotes a lone title (and subtitle)? */
function rendersSomething(nodes: Node[]): boolean {
  const v = nodes.filter((x) => x.kind !== "invisible");
  const lone = (list: Node[]) => {
    const first = list[0];
    if (first?.kind !== "section") return false;
    return !list.slice(1).some((x) => x.kind === "section" && x.level <= first.level);
  };
  if (v.length === 0) return false;
  if (!lone(v)) return true; // body before the first title, or several top-level sections
  const inner = v.slice(1); // the document title was promoted; its content is the document
  if (inner.length === 0) return false;
  if (!lone(inner)) return true;
  return inner.length > 1; // the subtitle was promoted too; anything under it renders
}

export function checkRst(source: string): RstResult {
  const lines: Line[] = source
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, "        ")
    .split("\n")
    .map((text, k) => ({ text: text.replace(/[\f\v]/g, " "), no: k + 1 }));
  const checker = new RstChecker(lines.length - (lines[lines.length - 1]!.text === "" ? 1 : 0));
  const nodes = checker.parse(lines, false);
  const parseMsgs = checker.msgs.filter((m) => m.level >= 2).sort((a, b) => a.line - b.line);
  let failure = parseMsgs[0];
  if (!failure) {
    checker.resolve();
    failure = checker.msgs.find((m) => m.level >= 2);
  }
  if (failure) {
    const where = failure.line > 0 ? `${failure.line}` : "";
    return {
      ok: false,
      messages: [`line ${where}: ${LEVEL_NAMES[failure.level]}: ${failure.text}`],
    };
  }
  if (!rendersSomething(nodes)) return { ok: false, messages: ["No content rendered from RST source."] };
  return { ok: true, messages: [] };
}

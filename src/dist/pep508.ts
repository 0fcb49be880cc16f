/**
 * PEP 508 dependency specifiers and PEP 440 specifier sets, accepted exactly as packaging 26.2
 * accepts them (packaging `_tokenizer.py`, `_parser.py`, `requirements.py`, `specifiers.py`).
 * twine ≥ 6.1 and PyPI parse Requires-Dist with `packaging.requirements.Requirement` and
 * Requires-Python with `packaging.specifiers.SpecifierSet`, and refuse the upload when either
 * raises. This is a port of that tokenizer and recursive-descent parser — same token regexes, same
 * order of attempts — so that it is never stricter than packaging: a false refusal would block a
 * valid release.
 */

const PRE = "(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?";
const POST = "(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?";
const DEV = "(?:[-_.]?dev[-_.]?[0-9]*)?";
const LOCAL = String.raw`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`;
/** packaging `Specifier._specifier_regex_str` (compiled there with re.IGNORECASE). */
const SPECIFIER = [
  String.raw`(?:===\s*[^\s;)]*)`,
  String.raw`(?:(?:==|!=)\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:\.\*|${PRE}${POST}${DEV}${LOCAL})?)`,
  String.raw`(?:~=\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+${PRE}${POST}${DEV})`,
  String.raw`(?:(?:<=|>=|<|>)\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*${PRE}${POST}${DEV})`,
].join("|");
const SPECIFIER_FULL = new RegExp(String.raw`^\s*(?:${SPECIFIER})\s*$`, "i");

/** `SpecifierSet(value)` succeeds: comma-separated, empty parts ignored, each a full specifier. */
export function isValidSpecifierSet(value: string): boolean {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .every((s) => SPECIFIER_FULL.test(s));
}

/** packaging `_tokenizer.DEFAULT_RULES`, as sticky regexes (matched at the current position). */
const RULES = {
  LEFT_PARENTHESIS: /\(/y,
  RIGHT_PARENTHESIS: /\)/y,
  LEFT_BRACKET: /\[/y,
  RIGHT_BRACKET: /\]/y,
  SEMICOLON: /;/y,
  COMMA: /,/y,
  QUOTED_STRING: /(?:'[^']*')|(?:"[^"]*")/y,
  OP: /(?:===|==|~=|!=|<=|>=|<|>)/y,
  BOOLOP: /\b(?:or|and)\b/y,
  IN: /\bin\b/y,
  NOT: /\bnot\b/y,
  VARIABLE:
    /\b(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)|extras?|dependency_groups)\b/y,
  SPECIFIER: new RegExp(`(?:${SPECIFIER})`, "iy"),
  AT: /@/y,
  URL: /[^ \t]+/y,
  IDENTIFIER: /\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b/y,
  VERSION_PREFIX_TRAIL: /\.\*/y,
  VERSION_LOCAL_LABEL_TRAIL: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
  WS: /[ \t]+/y,
  END: /$(?![\s\S])/y,
} as const;
type Rule = keyof typeof RULES;

class SyntaxErr extends Error {}

class Tokenizer {
  position = 0;
  constructor(readonly source: string) {}
  /** The text of the token `name` at the current position, or undefined. */
  peek(name: Rule): string | undefined {
    const re = RULES[name];
    re.lastIndex = this.position;
    const m = re.exec(this.source);
    return m ? m[0] : undefined;
  }
  check(name: Rule): boolean {
    return this.peek(name) !== undefined;
  }
  read(name: Rule): string | undefined {
    const t = this.peek(name);
    if (t !== undefined) this.position += t.length;
    return t;
  }
  consume(name: Rule): void {
    this.read(name);
  }
  expect(name: Rule, expected: string): string {
    const t = this.read(name);
    if (t === undefined) throw new SyntaxErr(`Expected ${expected}`);
    return t;
  }
  /** `enclosing_tokens`: an optional opening token, then `body`, then the matching closing one. */
  enclosed<T>(open: Rule, close: Rule, around: string, body: () => T): T {
    const opened = this.read(open) !== undefined;
    const v = body();
    if (opened && this.read(close) === undefined)
      throw new SyntaxErr(`Expected matching ${close} for ${open}, after ${around}`);
    return v;
  }
}

/** A marker as packaging keeps it: items `[lhs, op, rhs]`, "and"/"or", nested lists for parentheses. */
export type MarkerVar = { variable: string } | { value: string };
export type MarkerItem = [MarkerVar, string, MarkerVar];
export type MarkerList = (MarkerItem | MarkerList | "and" | "or")[];

export interface Requirement {
  name: string;
  extras: string[];
  /** The version specifiers as written, whitespace removed (`>=1,<2`); "" if none. */
  specifier: string;
  /** The direct URL (`name @ URL`), which PyPI refuses; undefined if none. */
  url?: string;
  marker?: MarkerList;
}

const isItem = (m: MarkerItem | MarkerList | string): m is MarkerItem =>
  Array.isArray(m) &&
  m.length === 3 &&
  typeof m[1] === "string" &&
  typeof m[0] === "object" &&
  !Array.isArray(m[0]);

function parseMarker(t: Tokenizer): MarkerList {
  const expression: MarkerList = [parseMarkerAtom(t)];
  for (let op = t.read("BOOLOP"); op !== undefined; op = t.read("BOOLOP"))
    expression.push(op as "and" | "or", parseMarkerAtom(t));
  return expression;
}

function parseMarkerAtom(t: Tokenizer): MarkerItem | MarkerList {
  t.consume("WS");
  let marker: MarkerItem | MarkerList;
  if (t.check("LEFT_PARENTHESIS"))
    marker = t.enclosed("LEFT_PARENTHESIS", "RIGHT_PARENTHESIS", "marker expression", () => {
      t.consume("WS");
      const m = parseMarker(t);
      t.consume("WS");
      return m;
    });
  else marker = parseMarkerItem(t);
  t.consume("WS");
  return marker;
}

function parseMarkerItem(t: Tokenizer): MarkerItem {
  t.consume("WS");
  const left = parseMarkerVar(t);
  t.consume("WS");
  const op = parseMarkerOp(t);
  t.consume("WS");
  const right = parseMarkerVar(t);
  t.consume("WS");
  return [left, op, right];
}

function parseMarkerVar(t: Tokenizer): MarkerVar {
  const v = t.read("VARIABLE");
  if (v !== undefined) {
    const name = v.replaceAll(".", "_");
    return { variable: name === "python_implementation" ? "platform_python_implementation" : name };
  }
  const q = t.read("QUOTED_STRING");
  if (q !== undefined) return { value: q.slice(1, -1) };
  throw new SyntaxErr("Expected a marker variable or quoted string");
}

function parseMarkerOp(t: Tokenizer): string {
  if (t.read("IN") !== undefined) return "in";
  if (t.read("NOT") !== undefined) {
    t.expect("WS", "whitespace after 'not'");
    t.expect("IN", "'in' after 'not'");
    return "not in";
  }
  const op = t.read("OP");
  if (op !== undefined) return op;
  throw new SyntaxErr("Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in");
}

function parseExtras(t: Tokenizer): string[] {
  if (!t.check("LEFT_BRACKET")) return [];
  return t.enclosed("LEFT_BRACKET", "RIGHT_BRACKET", "extras", () => {
    t.consume("WS");
    const extras: string[] = [];
    const first = t.read("IDENTIFIER");
    if (first !== undefined) {
      extras.push(first);
      for (;;) {
        t.consume("WS");
        if (t.check("IDENTIFIER")) throw new SyntaxErr("Expected comma between extra names");
        if (t.read("COMMA") === undefined) break;
        t.consume("WS");
        extras.push(t.expect("IDENTIFIER", "extra name after comma"));
      }
    }
    t.consume("WS");
    return extras;
  });
}

function parseSpecifier(t: Tokenizer): string {
  return t.enclosed("LEFT_PARENTHESIS", "RIGHT_PARENTHESIS", "version specifier", () => {
    t.consume("WS");
    let specs = "";
    for (let s = t.read("SPECIFIER"); s !== undefined; s = t.read("SPECIFIER")) {
      specs += s;
      if (t.check("VERSION_PREFIX_TRAIL"))
        throw new SyntaxErr(".* suffix can only be used with `==` or `!=` operators");
      if (t.check("VERSION_LOCAL_LABEL_TRAIL"))
        throw new SyntaxErr("Local version label can only be used with `==` or `!=` operators");
      t.consume("WS");
      const comma = t.read("COMMA");
      if (comma === undefined) break;
      specs += comma;
      t.consume("WS");
    }
    t.consume("WS");
    return specs;
  });
}

function parseRequirementMarker(t: Tokenizer, expected: string): MarkerList {
  if (t.read("SEMICOLON") === undefined) throw new SyntaxErr(`Expected ${expected} or end`);
  const marker = parseMarker(t);
  t.consume("WS");
  return marker;
}

/**
 * Parse a dependency specifier as `packaging.requirements.Requirement` does: the requirement, or
 * `{ error }` with packaging's reason (e.g. `Expected semicolon (after name with no version
 * specifier) or end`).
 */
export function parseRequirement(source: string): Requirement | { error: string } {
  const t = new Tokenizer(source);
  try {
    t.consume("WS");
    const name = t.expect("IDENTIFIER", "package name at the start of dependency specifier");
    t.consume("WS");
    const extras = parseExtras(t);
    t.consume("WS");
    const req: Requirement = { name, extras, specifier: "" };
    if (t.read("AT") !== undefined) {
      t.consume("WS");
      req.url = t.expect("URL", "URL after @");
      if (!t.check("END")) {
        t.expect("WS", "whitespace after URL");
        if (!t.check("END")) req.marker = parseRequirementMarker(t, "semicolon (after URL and whitespace)");
      }
    } else {
      req.specifier = parseSpecifier(t);
      t.consume("WS");
      if (!t.check("END"))
        req.marker = parseRequirementMarker(
          t,
          req.specifier
            ? "comma (within version specifier), semicolon (after version specifier)"
            : "semicolon (after name with no version specifier)",
        );
    }
    t.expect("END", "end of dependency specifier");
    // `Requirement` then builds a SpecifierSet, which splits on commas: `===` swallows commas
    // (`foo===a,=1`), and the pieces must each be a specifier (packaging raises InvalidSpecifier).
    const bad = req.specifier.split(",").find((s) => s.trim() !== "" && !SPECIFIER_FULL.test(s));
    if (bad !== undefined) return { error: `Invalid specifier: '${bad.trim()}'` };
    return req;
  } catch (e) {
    if (e instanceof SyntaxErr) return { error: e.message };
    throw e;
  }
}

const canonical = (s: string) => s.toLowerCase().replace(/[-_.]+/g, "-");
const serializeVar = (v: MarkerVar) => ("variable" in v ? v.variable : `"${v.value}"`);

/** `str(Marker)` (packaging `_format_marker`), after `_normalize_extra_values`. */
function formatMarker(marker: MarkerList | MarkerItem | string, first = true): string {
  if (typeof marker === "string") return marker;
  if (isItem(marker)) return marker.map((m) => (typeof m === "string" ? m : serializeVar(m))).join(" ");
  if (marker.length === 1 && typeof marker[0] !== "string") return formatMarker(marker[0]!);
  const inner = marker.map((m) => formatMarker(m, false)).join(" ");
  return first ? inner : `(${inner})`;
}

/** `str(Requirement(...))`: how PyPI quotes a requirement in its messages. */
export function formatRequirement(r: Requirement): string {
  let s = r.name;
  if (r.extras.length) s += `[${[...new Set(r.extras)].sort().join(",")}]`;
  if (r.specifier)
    s += r.specifier
      .split(",")
      .map((x) => x.replace(/\s+/g, ""))
      .filter(Boolean)
      .sort()
      .join(",");
  if (r.url) s += ` @ ${r.url}${r.marker ? " " : ""}`;
  if (r.marker) {
    const normalized = r.marker.map((m): MarkerList[number] => {
      if (typeof m === "string" || !isItem(m)) return m;
      const [l, op, rhs] = m;
      if ("variable" in l && l.variable === "extra" && "value" in rhs)
        return [l, op, { value: canonical(rhs.value) }];
      if ("variable" in rhs && rhs.variable === "extra" && "value" in l)
        return [{ value: canonical(l.value) }, op, rhs];
      return m;
    });
    s += `; ${formatMarker(normalized)}`;
  }
  return s;
}

/**
 * docutils 0.19's directive option converters (parsers/rst/directives/__init__.py), as far as
 * they can reject a value. docutils runs them while parsing the directive block and reports
 *
 *   Error in "<directive>" directive:
 *   invalid option value: (option: "<name>"; value: <Python repr>)
 *   <converter message>
 *
 * so each converter here returns that last line (Python's own wording where the converter lets a
 * Python error through), or undefined when docutils accepts the value. A value docutils accepts
 * must never be refused here: a false failure blocks a valid release.
 */
import { pyRepr } from "./py-repr.ts";

/** The option's text (field body lines joined by newlines), or null for an empty field body. */
export type Convert = (value: string | null) => string | undefined;

/** Python's int(str): surrounding whitespace, a sign, digits with single underscores between. */
export function pyInt(s: string | null): number | { error: string } {
  if (s === null)
    return { error: "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'" };
  if (!/^\s*[+-]?\p{Nd}+(?:_\p{Nd}+)*\s*$/u.test(s))
    return { error: `invalid literal for int() with base 10: ${pyRepr(s)}` };
  return Number(s.trim().replace(/_/g, "")); // NaN for non-ASCII digits: later checks then let it pass
}

export const unchanged: Convert = () => undefined;

export const unchangedRequired: Convert = (v) =>
  v === null ? "argument required but none supplied" : undefined;

export const flag: Convert = (v) => (v?.trim() ? `no argument is allowed; "${v}" supplied` : undefined);

export const int: Convert = (v) => {
  const n = pyInt(v);
  return typeof n === "number" ? undefined : n.error;
};

export const nonnegativeInt: Convert = (v) => {
  const n = pyInt(v);
  if (typeof n !== "number") return n.error;
  return n < 0 ? "negative value; must be positive or zero" : undefined;
};

/** An integer percentage, the % sign optional. */
export const percentage: Convert = (v) => nonnegativeInt(v === null ? null : v.replace(/[ %]+$/, ""));

const LENGTH_UNITS = ["em", "ex", "px", "in", "cm", "mm", "pt", "pc"];

/** get_measure: a positive number (digits and dots that float() accepts), optional spaces, a unit. */
function measure(value: string | null, units: string[], listed: string[]): string | undefined {
  if (value === null) return "expected string or bytes-like object, got 'NoneType'";
  // Python's `$` also matches before a final newline.
  const m = new RegExp(`^([0-9.]+) *(${units.join("|")})\\n?$`).exec(value);
  if (m && /^(\d+\.?\d*|\.\d+)$/.test(m[1]!)) return undefined;
  return `not a positive measure of one of the following units:\n${listed.map((u) => `"${u}"`).join(" ")}`;
}

/** `height`: a length or a plain number. */
export const lengthOrUnitless: Convert = (v) => measure(v, [...LENGTH_UNITS, ""], [...LENGTH_UNITS, ""]);

/** `width`: a length, a percentage or a plain number. */
export const lengthOrPercentageOrUnitless: Convert = (v) =>
  measure(v, [...LENGTH_UNITS, "%", ""], [...LENGTH_UNITS, "%"]);

const formatValues = (values: readonly string[]) =>
  `${values
    .slice(0, -1)
    .map((x) => `"${x}"`)
    .join(", ")}, or "${values[values.length - 1]}"`;

/** One of a fixed set of lower-case words (compared lower-cased and stripped). */
export const choice =
  (values: readonly string[]): Convert =>
  (v) => {
    if (v === null) return `must supply an argument; choose from ${formatValues(values)}`;
    return values.includes(v.toLowerCase().trim())
      ? undefined
      : `"${v}" unknown; choose from ${formatValues(values)}`;
  };

/**
 * Class names: docutils turns each word into an identifier (make_id) and refuses one that comes
 * out empty. An ASCII word does iff it has no letter; non-ASCII words may transliterate to a
 * letter, so they are accepted (never stricter than docutils).
 */
export function badClassName(v: string): string | undefined {
  return v.split(/\s+/).find((w) => w !== "" && /^[\x00-\x7f]*$/.test(w) && !/[a-z]/i.test(w));
}

export const classOption: Convert = (v) => {
  if (v === null) return "argument required but none supplied";
  const bad = badClassName(v);
  return bad === undefined ? undefined : `cannot make "${bad}" into a class name`;
};

/** positive_int_list: integers ≥ 1, comma- or whitespace-separated. */
export function positiveIntList(v: string | null): number[] | { error: string } {
  if (v === null) return { error: "argument of type 'NoneType' is not iterable" };
  const entries = v.includes(",") ? v.split(",") : v.trim().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (const e of entries) {
    const n = pyInt(e);
    if (typeof n !== "number") return n;
    if (n < 1) return { error: "negative or zero value; must be positive" };
    out.push(n);
  }
  return out;
}

/** Table `widths`: one of the keywords, or a list of positive integers. */
export const widths =
  (keywords: readonly string[]): Convert =>
  (v) => {
    if (v !== null && keywords.includes(v)) return undefined;
    const list = positiveIntList(v);
    return Array.isArray(list) ? undefined : list.error;
  };

/** unicode_code: a decimal or hex character code, or the text itself. */
function unicodeCode(v: string): string {
  if (/^\d+$/.test(v)) return String.fromCodePoint(Math.min(Number(v), 0x10ffff));
  const m = /^(?:0x|x|\\x|U\+?|\\u)([0-9a-f]+)$|^&#x([0-9a-f]+);$/i.exec(v);
  return m ? String.fromCodePoint(Math.min(Number.parseInt(m[1] ?? m[2]!, 16), 0x10ffff)) : v;
}

/** csv-table `quote`/`escape` (and `delim`, which also takes "tab" and "space"): one character. */
export const singleChar =
  (words: readonly string[] = []): Convert =>
  (v) => {
    // An empty value crashes docutils (AttributeError) rather than reporting: not refused here.
    if (v === null || words.includes(v)) return undefined;
    const c = unicodeCode(v);
    return [...c].length > 1
      ? `${pyRepr(c)} invalid; must be a single character or a Unicode code`
      : undefined;
  };

/** The character a csv-table `delim`/`quote`/`escape` option stands for. */
export const csvChar = (v: string): string => (v === "tab" ? "\t" : v === "space" ? " " : unicodeCode(v));

/** figure `figwidth`: "image" or a width. */
export const figwidth: Convert = (v) =>
  v === null || v.toLowerCase() === "image" ? undefined : lengthOrPercentageOrUnitless(v);

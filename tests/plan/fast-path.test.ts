/**
 * The commit parser's fast path must agree with the full grammar whenever it answers.
 * Messages are generated from grammar-relevant pieces (types, scopes, separators, footers,
 * parens, CR/LF, the parser's whitespace set) so both answers and fall-backs are exercised.
 */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { parseFull, parseSimple } from "../../src/plan/commits.ts";

const RUNS = Number(process.env.SHIPLINE_DIFF_RUNS ?? 300) * 20;

const piece = fc.constantFrom(
  "feat",
  "fix",
  "Feat",
  "x-y",
  "(",
  ")",
  "(api)",
  "()",
  "!",
  ":",
  ": ",
  " #",
  " ",
  "\t",
  "\u00a0",
  "\ufeff",
  "\u2003",
  "\n",
  "\r\n",
  "\r",
  "\n\n",
  "BREAKING CHANGE",
  "BREAKING-CHANGE",
  "BREAKING-CHANGE: x",
  "Refs #1",
  "Release-As: 1.0.0",
  "see http://x",
  "call(x",
  "word",
  "two words",
  "#12",
  "<b>",
  "`c`",
  "#### h",
  "- item",
  "é",
);
const message = fc.array(piece, { minLength: 1, maxLength: 14 }).map((p) => p.join(""));
const likely = fc
  .tuple(
    fc.constantFrom("feat", "fix", "chore", "Feat", "a.b"),
    fc.constantFrom("", "(api)", "(a b)", "()"),
    fc.constantFrom("", "!"),
    fc.constantFrom(": ", ":", " #", ":\u00a0"),
    fc.array(piece, { maxLength: 4 }).map((p) => p.join("")),
    fc.array(
      fc.array(piece, { maxLength: 5 }).map((p) => p.join("")),
      { maxLength: 4 },
    ),
  )
  .map(([t, s, b, sep, subj, paras]) => [`${t}${s}${b}${sep}${subj}`, ...paras].join("\n\n"));

test(
  "parseSimple equals parseFull wherever it answers",
  () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.oneof(message, likely), (m) => {
        const fast = parseSimple(m);
        let full: unknown;
        try {
          full = parseFull(m);
        } catch {
          full = "throws";
        }
        if (fast === undefined) return;
        answered++;
        expect(fast).toEqual(full as ReturnType<typeof parseFull>);
      }),
      { numRuns: RUNS },
    );
    // the fast path must actually be exercised
    expect(answered).toBeGreaterThan(RUNS / 10);
  },
  Math.max(60_000, RUNS * 2),
);

test("fast path answers the common shapes and declines the risky ones", () => {
  expect(parseSimple("feat(api)!: add x (#12)\n\nLong body.\nMore text, see #4.")).toEqual(
    parseFull("feat(api)!: add x (#12)\n\nLong body.\nMore text, see #4."),
  );
  expect(parseSimple("fix: a\n\nFixes #12")).toBeUndefined();
  expect(parseSimple("fix: a\n\nhttp://example.com")).toBeUndefined();
  expect(parseSimple("fix: a\n\ncall(x")).toBeUndefined();
  expect(() => parseFull("fix: a\n\ncall(x")).toThrow();
  expect(parseSimple("fix: a\n\nBREAKING CHANGE is near")).toBeUndefined();
  expect(parseSimple("fix(): a")).toBeUndefined();
  expect(parseSimple("Update README")).toBeUndefined();
});

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

// Commits ending in footers: simple ones (answered) mixed with lines that look almost like them.
const footerLine = fc.oneof(
  fc.constantFrom(
    "Refs: #12",
    "Refs #12",
    "Fixes #3",
    "Closes #12, #13",
    "Closes: 12",
    "Signed-off-by: A Person <a@example.com>",
    "Co-authored-by: B <b@x.y>",
    "feat: smuggled feature",
    "fix(api): scoped",
    "Refs:",
    "Refs:   #7  ",
    "Refs:\u00a0#7",
    "Refs:\u2003#7",
    "Refs #x",
    "Refs ##1",
    "Reviewed-by #2: x",
    "Release-As: 2.0.0",
    "release-as: 2.0.0",
    "BREAKING CHANGE: gone",
    "BREAKING-CHANGE: gone",
    "Token!: x",
    "Token(s): x",
    "  indented: continuation",
    "\tcontinued",
    "plain text line",
    "see http://x",
    "a #1",
    "é: ü",
  ),
  fc
    .tuple(
      fc.constantFrom("Refs", "X", "a-b", "Fixes", "é"),
      fc.constantFrom(":", " #", ": ", ":\t", " #:"),
      fc.array(piece, { maxLength: 3 }).map((p) => p.join("")),
    )
    .map(([t, s, v]) => `${t}${s}${v}`),
);
const withFooters = fc
  .tuple(
    fc.constantFrom("feat: add x", "fix(api)!: y (#4)", "chore: z", "docs: w"),
    fc.array(fc.constantFrom("A body line.", "More body, see #4.", "call(x", "Refs: #1", ""), {
      maxLength: 3,
    }),
    fc.array(footerLine, { minLength: 1, maxLength: 4 }),
    fc.constantFrom("\n", "\n\n", "\r\n", "\r\n\r\n", "\r"),
  )
  .map(([summary, body, footers, nl]) =>
    [summary, ...(body.length ? [body.join(nl)] : []), footers.join(nl)].join(`${nl}${nl}`),
  );

test(
  "parseSimple equals parseFull wherever it answers",
  () => {
    let answered = 0;
    let footers = 0;
    fc.assert(
      fc.property(fc.oneof(message, likely, withFooters), (m) => {
        const fast = parseSimple(m);
        let full: unknown;
        try {
          full = parseFull(m);
        } catch {
          full = "throws";
        }
        if (fast === undefined) return;
        answered++;
        if (fast.length > 1 || fast.some((c) => c.references.length > 0)) footers++;
        expect(fast).toEqual(full as ReturnType<typeof parseFull>);
      }),
      { numRuns: RUNS },
    );
    // the fast path must actually be exercised
    expect(answered).toBeGreaterThan(RUNS / 10);
    // …including on commits with footers (references, extra commits)
    expect(footers).toBeGreaterThan(RUNS / 50);
  },
  Math.max(60_000, RUNS * 2),
);

test("fast path answers the common shapes and declines the risky ones", () => {
  expect(parseSimple("feat(api)!: add x (#12)\n\nLong body.\nMore text, see #4.")).toEqual(
    parseFull("feat(api)!: add x (#12)\n\nLong body.\nMore text, see #4."),
  );
  for (const m of [
    "fix: a\n\nFixes #12",
    "fix: a\n\nBody.\n\nRefs: #246",
    "fix: a\n\nSigned-off-by: A <a@b>\nCloses #12, #13",
    "feat: a\nfeat: smuggled",
    "fix: a\n\nhttp://example.com",
  ]) {
    expect(parseSimple(m)).toBeDefined();
    expect(parseSimple(m)).toEqual(parseFull(m));
  }
  expect(parseSimple("fix: a\n\nRelease-As: 2.0.0")).toBeUndefined();
  expect(parseSimple("fix: a\n\nRefs: #1\n  continued")).toBeUndefined();
  expect(parseSimple("fix: a\n\ncall(x")).toBeUndefined();
  expect(() => parseFull("fix: a\n\ncall(x")).toThrow();
  expect(parseSimple("fix: a\n\nBREAKING CHANGE is near")).toBeUndefined();
  expect(parseSimple("fix(): a")).toBeUndefined();
  expect(parseSimple("Update README")).toBeUndefined();
});

/** The ASCII shortcut of the entry sort must order exactly like the en-US ICU collator. */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { collate } from "../../src/plan/changelog.ts";

const RUNS = Number(process.env.SHIPLINE_DIFF_RUNS ?? 300) * 50;
const ICU = new Intl.Collator("en-US");
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 8,
});
const narrow = fc.string({
  unit: fc.constantFrom("a", "A", "b", "B", " ", "-", "_", "1", "`", "[", "*", "#", "@"),
  maxLength: 8,
});
const any = fc.string({ unit: "grapheme", maxLength: 6 });

test("collate equals Intl.Collator('en-US').compare", () => {
  fc.assert(
    fc.property(fc.oneof(printable, narrow, any), fc.oneof(printable, narrow, any), (a, b) => {
      expect(collate(a, b)).toBe(Math.sign(ICU.compare(a, b)));
      expect(collate(a, a + b)).toBe(Math.sign(ICU.compare(a, a + b)));
    }),
    { numRuns: RUNS },
  );
}, 120_000);

test("spec V9 order", () => {
  const keys = ["zeta", "apibeta", "Alpha", "alpha", "`code`", "1number", "[bracket]", "_under"];
  expect([...keys].sort(collate)).toEqual([
    "_under",
    "[bracket]",
    "`code`",
    "1number",
    "alpha",
    "Alpha",
    "apibeta",
    "zeta",
  ]);
});

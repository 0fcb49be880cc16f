/** The ASCII shortcut of the entry sort must order exactly like the en-US ICU collator. */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { ASCII_ORDER, collate } from "../../src/plan/changelog.ts";

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

test("the hard-coded ASCII order is ICU's", () => {
  const chars = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
  expect([...chars].sort(ICU.compare).join("")).toBe(ASCII_ORDER);
  // letters pair as lower, upper (same base letter); everything else differs at base strength
  const base = new Intl.Collator("en-US", { sensitivity: "base" });
  for (let i = 1; i < ASCII_ORDER.length; i++) {
    const same = base.compare(ASCII_ORDER[i - 1] as string, ASCII_ORDER[i] as string) === 0;
    expect(same).toBe(/[A-Z]/.test(ASCII_ORDER[i] as string));
  }
});

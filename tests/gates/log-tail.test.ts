import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTail } from "../../src/gates/log-tail.ts";
import { tempDir } from "../helpers/repo.ts";

test("the tail of a big log, without reading it all; a cut multi-byte character is dropped", () => {
  const dir = tempDir("shipline-tail-");
  const big = join(dir, "big.log");
  writeFileSync(big, `${"x".repeat(3_000_000)}é${"y".repeat(999)}END`);
  const t = readTail(big, 1003); // starts inside "é" (2 bytes): its second byte is skipped
  expect(t.truncated).toBe(true);
  expect(t.text).toBe(`${"y".repeat(999)}END`);
  expect(readTail(big, 1004).text).toBe(`é${"y".repeat(999)}END`);
  const small = join(dir, "small.log");
  writeFileSync(small, "all of it\n");
  expect(readTail(small, 1000)).toEqual({ text: "all of it\n", truncated: false });
});

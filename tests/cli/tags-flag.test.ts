/** `publish --tags`: what the release job's tags_released output (or a hand-typed list) becomes. */
import { describe, expect, test } from "bun:test";
import { parseTagsFlag } from "../../src/cli/values.ts";
import { UsageError } from "../../src/errors.ts";

describe("parseTagsFlag", () => {
  test("a JSON array (tags_released), or a comma- or space-separated list; repeats once", () => {
    expect(parseTagsFlag('["pkg-a-v1.2.0","pkg-b-v0.4.1"]')).toEqual(["pkg-a-v1.2.0", "pkg-b-v0.4.1"]);
    expect(parseTagsFlag("v1.2.0, pkg/x-v2.0.0 v1.2.0")).toEqual(["v1.2.0", "pkg/x-v2.0.0"]);
  });

  test("empty (a release job that released nothing) is no tags at all", () => {
    for (const v of [undefined, "", "  ", "[]", ","]) expect(parseTagsFlag(v)).toBeUndefined();
  });

  test("not a tag name → a usage error naming the value", () => {
    for (const [v, shown] of [
      ["--upload-pack=x", '"--upload-pack=x"'],
      ["v1..2", '"v1..2"'],
      ["HEAD@{1}", '"HEAD@{1}"'],
      ["v1^{commit}", '"v1^{commit}"'],
      ['["a b"]', '"a b"'],
    ] as const) {
      expect(() => parseTagsFlag(v)).toThrow(UsageError);
      expect(() => parseTagsFlag(v)).toThrow(`--tags: ${shown} is not a tag name`);
    }
    expect(() => parseTagsFlag('["v1", 2]')).toThrow("not a JSON array of tag names");
    expect(() => parseTagsFlag("[v1")).toThrow("not a JSON array of tag names");
  });
});

/**
 * Which commits may have built a release's file (src/git/git.ts isAncestor, as the build stage
 * uses it to judge an index file's provenance): the release commit and later commits of HEAD's
 * history, never an earlier one, another branch's, an unknown one or something not a sha.
 */
import { afterAll, expect, test } from "bun:test";
import { isAncestor } from "../../src/git/git.ts";
import { TestRepo } from "../helpers/repo.ts";

const r = TestRepo.create();
afterAll(() => r.remove());

test("ancestry between full shas only; anything else is no", () => {
  const before = r.commit("feat: one", { "a.txt": "1\n" });
  const release = r.commit("chore(main): release 1.0.0", { "a.txt": "2\n" });
  const after = r.commit("fix: later", { "a.txt": "3\n" });
  r.git("checkout", "-q", "-b", "side", release);
  const side = r.commit("fix: elsewhere", { "b.txt": "1\n" });
  r.git("checkout", "-q", "-");
  expect(isAncestor(r.dir, release, after)).toBe(true);
  expect(isAncestor(r.dir, release, release)).toBe(true);
  expect(isAncestor(r.dir, release, before)).toBe(false);
  // a commit on another branch descends from the release but not into HEAD
  expect(isAncestor(r.dir, release, side)).toBe(true);
  expect(isAncestor(r.dir, side, after)).toBe(false);
  // unknown here, abbreviated, upper-case or an option: never handed to git as it is
  expect(isAncestor(r.dir, release, "1".repeat(40))).toBe(false);
  expect(isAncestor(r.dir, release, after.slice(0, 12))).toBe(false);
  expect(isAncestor(r.dir, release.toUpperCase(), after)).toBe(false);
  expect(isAncestor(r.dir, "--help", after)).toBe(false);
});

/**
 * `plan --json` writes entries in pieces (planJsonPieces) instead of JSON.stringify on the
 * whole plan; the bytes must be the same, whatever the entry holds.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { NotesBuilder, PYTHON_SECTIONS } from "../../src/plan/changelog.ts";
import type { ConventionalCommit } from "../../src/plan/commits.ts";
import { planReleases } from "../../src/plan/planner.ts";
import { planJsonPieces, setLazyChangelog, toPlanJson } from "../../src/plan/types.ts";
import { TestRepo } from "../helpers/repo.ts";

setDefaultTimeout(60_000);
const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

const same = (releases: Parameters<typeof planJsonPieces>[0]) =>
  expect(planJsonPieces(releases).join("")).toBe(JSON.stringify({ releases: releases.map(toPlanJson) }));

test("the pieces are JSON.stringify's bytes: monorepo, breaking notes, emoji, quotes, control characters", async () => {
  const r = TestRepo.create();
  repos.push(r);
  r.write(
    "release-please-config.json",
    JSON.stringify({ packages: { a: { "release-type": "python" }, b: { "release-type": "python" } } }),
  );
  r.write(".release-please-manifest.json", JSON.stringify({ a: "1.0.0", b: "0.3.0" }));
  r.commit("chore: init", { "a/x.py": "", "b/y.py": "" });
  r.tag("a-v1.0.0").tag("b-v0.3.0");
  r.commit('feat(api)!: drop "old" 🚀 path \\ now (#12)\n\nBREAKING CHANGE: gone 😀 for good', {
    "a/x.py": "1",
  });
  r.commit("fix: tab\tand \u0001 and \u2028 in a subject", { "a/x.py": "2" });
  r.commit("fix: é ü in b", { "b/y.py": "1" });
  const plan = await planReleases(r.dir, { date: "2026-01-01", repo: "o/r" });
  expect(plan.releases.map((x) => x.path)).toEqual(["a", "b"]);
  expect(plan.releases[0]?.changelog).toContain("### ⚠ BREAKING CHANGES");
  same(plan.releases);
  same(plan.releases.slice(1));
  same([]);
  // an entry replaced after planning (as the uv-workspace cascade does) is written as replaced
  const first = plan.releases[0] as (typeof plan.releases)[0];
  first.changelog = `${first.changelog}\n\n### Dependencies\n\n* x`;
  expect(first.changelog.endsWith("* x")).toBe(true);
  same(plan.releases);
  // and the checkpoint's JSON carries the text
  expect(JSON.parse(JSON.stringify(plan.releases[1])).changelog).toBe(plan.releases[1]?.changelog);
});

test("pieces join to the trimmed entry, including a subject that ends in whitespace", () => {
  const b = new NotesBuilder({ owner: "o", repository: "r", changelogSections: PYTHON_SECTIONS });
  const c = (message: string, sha: string): ConventionalCommit => ({
    sha,
    message: `fix: ${message}`,
    files: [],
    type: "fix",
    scope: null,
    bareMessage: message,
    notes: [],
    references: [],
    breaking: false,
  });
  b.add(c("trailing space   ", ""));
  b.add(c("a", "0123456789abcdef0123456789abcdef01234567"));
  const h = { version: "1.0.1", previousTag: "v1.0.0", currentTag: "v1.0.1", date: "2026-01-01" };
  const pieces = b.pieces(h);
  expect(pieces.join("")).toBe(pieces.join("").trim());
  expect(pieces.join("").endsWith("trailing space")).toBe(true);
  const release = { changelog: "" } as Parameters<typeof setLazyChangelog>[0];
  setLazyChangelog(release, { text: () => b.pieces(h), json: () => b.pieces(h, true) });
  expect(release.changelog).toBe(b.render(h));
  expect(b.pieces(h, true).join("")).toBe(JSON.stringify(b.render(h)).slice(1, -1));
  expect(new NotesBuilder({ owner: "o", repository: "r" }).isEmpty()).toBe(true);
  expect(b.isEmpty()).toBe(false);
});

/**
 * Replays a generated 30-release history (tests/plan/synthetic-history.ts: entries made by
 * release-please's own library): at each release commit's parent, shipline's plan must give
 * the same version and byte-identical entry; at each release commit, the pending release must
 * carry that entry as its notes.
 */
import { afterAll, expect, test } from "bun:test";
import { findPendingReleases } from "../../src/plan/pending.ts";
import { planReleases } from "../../src/plan/planner.ts";
import { generateHistory } from "./synthetic-history.ts";

const RELEASES = Number(process.env.SHIPLINE_REPLAY_RELEASES ?? 30);
let cleanup = () => {};
afterAll(() => cleanup());

test(`replay of a ${RELEASES}-release synthetic history`, async () => {
  const { repo, releases } = await generateHistory(undefined, RELEASES, 7);
  cleanup = () => repo.remove();
  expect(releases.length).toBe(RELEASES);
  // the history must exercise pre-1.0 and post-1.0 bumps
  expect(releases.some((r) => r.version.startsWith("0."))).toBe(true);
  for (const rel of releases) {
    repo.git("checkout", "-q", "--detach", rel.parent);
    const plan = await planReleases(repo.dir, { date: rel.date, repo: "o/r", targetBranch: "main" });
    expect({ tag: rel.tag, version: plan.releases[0]?.version }).toEqual({
      tag: rel.tag,
      version: rel.version,
    });
    expect(plan.releases[0]?.changelog).toBe(rel.entry);
    expect(plan.releases[0]?.tag).toBe(rel.tag);

    repo.git("checkout", "-q", "--detach", rel.sha);
    repo.git("tag", "-d", rel.tag);
    const pending = findPendingReleases(repo.dir);
    repo.git("tag", rel.tag, rel.sha);
    expect(pending.map((p) => [p.tag, p.name, p.sha])).toEqual([[rel.tag, rel.tag, rel.sha]]);
    expect(pending[0]?.notes).toBe(rel.entry);
    // with its tag present, the release is no longer pending
    expect(findPendingReleases(repo.dir)).toEqual([]);
  }
  repo.git("checkout", "-q", "main");
}, 120_000);

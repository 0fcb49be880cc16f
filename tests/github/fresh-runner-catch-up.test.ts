/**
 * A `run` killed after it tagged, re-run on a fresh runner whose checkout has the tag (what
 * actions/checkout with fetch-depth 0 gives): the local plan sees nothing left to do, so the
 * release would stay off the index for good unless GitHub says otherwise. A `run` that
 * publishes leaves the merged release PR labelled pending until the release is on the index,
 * and a `run` whose plan finds nothing asks GitHub for such a PR (release-please-action's
 * createReleases does on every push) and finishes it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  canBuild,
  git,
  makeTemplate,
  PROJECT,
  startWorld,
  TAG,
  type Template,
  tempWork,
  type World,
} from "../chaos/world.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";

let work: string;
let atMerge: Template;
let behind: Template;
let built: Template;
let heldDraft: Template;
const worlds: World[] = [];

beforeAll(async () => {
  if (!hasBinary() || !canBuild) return;
  work = tempWork();
  atMerge = await makeTemplate(work, "release-first");
  behind = await makeTemplate(work, "release-first", { behind: true });
  built = await makeTemplate(work, "release-first", { realBuild: true });
  heldDraft = await makeTemplate(work, "publish-first", { assets: true });
}, 240_000);
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.stop();
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** No checkpoint, no dist/, and the tags origin has (fetch-depth 0). */
function freshRunner(w: World): void {
  for (const d of [".shipline", "dist"]) rmSync(join(w.project, d), { recursive: true, force: true });
  git(["fetch", "-q", "--tags", "origin"], w.project);
}

const released = (w: World) =>
  w.pypi
    .files(PROJECT)
    .filter((f) => f.filename.startsWith(`${PROJECT}-0.2.0`))
    .map((f) => f.filename)
    .sort();

const labels = (w: World, tpl: Template) => w.gh.pulls.find((p) => p.number === tpl.pull.number)?.labels;

/** A world whose first `run` is killed at `fault`. */
async function killedRun(tpl: Template, name: string, fault: string): Promise<World> {
  const w = await startWorld(tpl, join(work, name));
  worlds.push(w);
  const first = await shipline(["run", ...w.flags], {
    cwd: w.project,
    env: { ...w.env, SHIPLINE_FAULT: fault },
    timeoutMs: 120_000,
  });
  expect(first.code).not.toBe(0);
  return w;
}

/** `run --json` again, which must succeed. */
async function runAgain(w: World): Promise<{ stderr: string; stages: string[] }> {
  const r = await shipline(["run", "--json", ...w.flags], { cwd: w.project, env: w.env, timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  return { stderr: r.stderr, stages: Object.keys(JSON.parse(r.stdout).stages) };
}

describe.skipIf(!hasBinary() || !canBuild)("a run killed after the tag, re-run on a fresh runner", () => {
  test("at the merge commit: the PR still says pending, so the re-run publishes the release; a later run finds nothing", async () => {
    const w = await killedRun(atMerge, "at-merge", "stage:before:build:kill");
    expect(w.gh.tagSha(TAG)).toBe(atMerge.mergeSha);
    expect(released(w)).toEqual([]);
    // tagged and released on GitHub, not yet published: the labels have not moved
    expect(labels(w, atMerge)).toEqual(["autorelease: pending"]);

    freshRunner(w);
    expect(git(["rev-parse", `${TAG}^{commit}`], w.project)).toBe(atMerge.mergeSha);
    // GitHub cannot be asked (down past the client's retries): the re-run fails instead of
    // passing green with the release unpublished
    w.gh.faults.add({ method: "GET", path: /\/pulls/, status: 502, times: 20 });
    const blind = await shipline(["run", ...w.flags], { cwd: w.project, env: w.env, timeoutMs: 120_000 });
    expect(blind.code, blind.stderr).toBe(1);
    expect(blind.stderr).toContain(
      "nothing new to release here, but GitHub could not be asked for a merged release PR still labelled pending",
    );
    expect(released(w)).toEqual([]);
    w.gh.faults.clear();

    freshRunner(w);
    const again = await runAgain(w);
    expect(again.stderr).toContain(`merged release PR #${atMerge.pull.number} is still labelled pending`);
    expect(again.stderr).toContain(
      `merged release PR #${atMerge.pull.number} still says pending though ${TAG} exists at ${atMerge.mergeSha.slice(0, 7)}: an earlier run stopped before publishing; this run finishes it`,
    );
    expect(released(w)).toEqual([`${PROJECT}-0.2.0-py3-none-any.whl`, `${PROJECT}-0.2.0.tar.gz`]);
    expect(labels(w, atMerge)).toEqual(["autorelease: tagged"]);
    expect(w.gh.releases.filter((r) => r.tag_name === TAG)).toHaveLength(1);
    expect(again.stages).toContain("assets");

    // published and labelled: the next fresh run asks, finds nothing, and ends after plan
    freshRunner(w);
    const uploads = w.pypi.uploads.length;
    const idle = await runAgain(w);
    expect(idle.stages).toEqual(["gates", "plan"]);
    expect(w.pypi.uploads.length).toBe(uploads);

    // a merged release PR left labelled pending whose commit sets no version: said, not acted on
    const parent = git(["rev-parse", "HEAD~1"], w.project);
    w.gh.pulls.push({ ...structuredClone(atMerge.pull), number: 99, merge_commit_sha: parent });
    freshRunner(w);
    const stale = await runAgain(w);
    expect(stale.stages).toEqual(["gates", "plan", "pr"]);
    expect(stale.stderr).toContain(
      `merged release PR #99 is labelled autorelease: pending, but its merge commit ${parent.slice(0, 7)} sets no version to release here: if it was released, swap its label to autorelease: tagged`,
    );
    expect(w.pypi.uploads.length).toBe(uploads);
    expect(w.gh.tagSha(TAG)).toBe(atMerge.mergeSha);
  }, 180_000);

  test("merged behind HEAD with only a hidden-type commit after it: the re-run publishes it from its merge commit", async () => {
    const w = await killedRun(behind, "behind", "stage:before:build:kill");
    expect(w.gh.tagSha(TAG)).toBe(behind.mergeSha);
    expect(labels(w, behind)).toEqual(["autorelease: pending"]);

    freshRunner(w);
    const again = await runAgain(w);
    expect(again.stderr).toContain(
      `building ${TAG} from its release commit ${behind.mergeSha.slice(0, 7)}, behind HEAD`,
    );
    expect(released(w)).toEqual([`${PROJECT}-0.2.0-py3-none-any.whl`, `${PROJECT}-0.2.0.tar.gz`]);
    expect(labels(w, behind)).toEqual(["autorelease: tagged"]);
    expect(w.gh.releases.filter((r) => r.tag_name === TAG)).toHaveLength(1);
  }, 180_000);

  test("killed after the whole upload (setuptools: a rebuilt sdist never has the same bytes): the re-run moves the labels, builds and sends nothing", async () => {
    const w = await killedRun(built, "uploaded", "stage:before:verify:kill");
    expect(released(w)).toEqual([`${PROJECT}-0.2.0-py3-none-any.whl`, `${PROJECT}-0.2.0.tar.gz`]);
    expect(labels(w, built)).toEqual(["autorelease: pending"]);
    const uploads = w.pypi.uploads.length;

    freshRunner(w);
    const again = await runAgain(w);
    expect(again.stderr).toContain(
      `and the index has ${PROJECT}-0.2.0.tar.gz: an earlier run published it and stopped before moving the labels; this run moves them`,
    );
    expect(again.stages).toEqual(["gates", "plan", "pr"]);
    expect(w.pypi.uploads.length).toBe(uploads);
    expect(labels(w, built)).toEqual(["autorelease: tagged"]);
    expect(w.gh.releases.filter((r) => r.tag_name === TAG)).toHaveLength(1);
  }, 180_000);

  test("publish-first with github-assets, killed before the files went on the draft: the re-run attaches them and publishes it", async () => {
    const w = await killedRun(heldDraft, "held", "stage:before:assets:kill");
    const release = () => w.gh.releases.find((r) => r.tag_name === TAG);
    expect(release()?.draft).toBe(true);
    expect(released(w)).toEqual([`${PROJECT}-0.2.0-py3-none-any.whl`, `${PROJECT}-0.2.0.tar.gz`]);
    // the release is not finished while its draft waits for the files: the labels wait too
    expect(labels(w, heldDraft)).toEqual(["autorelease: pending"]);

    freshRunner(w);
    await runAgain(w);
    expect(release()?.draft).toBe(false);
    expect(
      release()
        ?.assets.map((a) => a.name)
        .sort(),
    ).toEqual([...heldDraft.dists.keys()].flatMap((d) => [d, `${d}.sigstore.json`]).sort());
    expect(labels(w, heldDraft)).toEqual(["autorelease: tagged"]);
    expect(w.pypi.uploads.filter((u) => u.status === 200)).toHaveLength(2);
  }, 180_000);

  test("`run --no-publish` (a publish job follows) swaps the labels at once, as release-please does", async () => {
    const w = await startWorld(atMerge, join(work, "no-publish"));
    worlds.push(w);
    const r = await shipline(["run", "--no-publish", ...w.flags], {
      cwd: w.project,
      env: w.env,
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(w.gh.tagSha(TAG)).toBe(atMerge.mergeSha);
    expect(labels(w, atMerge)).toEqual(["autorelease: tagged"]);
    expect(released(w)).toEqual([]);
  }, 180_000);
});

/**
 * A merged release PR that HEAD moved past before any run released it (two merges in quick
 * succession, the first run cancelled): `run` tags and releases it at its merge commit, then
 * builds it from that commit — in a throwaway worktree, not from HEAD — and publishes it, in the
 * same run. Before, the run went green with the release tagged but never on the index.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
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
let tpl: Template;
const worlds: World[] = [];

beforeAll(async () => {
  if (!hasBinary() || !canBuild) return;
  work = tempWork();
  tpl = await makeTemplate(work, "release-first", { realBuild: true });
}, 180_000);
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.stop();
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!hasBinary() || !canBuild)("a release made behind HEAD", () => {
  test("`run` builds it from its release commit (not HEAD) and publishes it; the next PR is opened too", async () => {
    const w = await startWorld(tpl, join(work, "w"));
    worlds.push(w);
    // after the release PR's merge, another commit lands before any run
    const spin = join(w.project, "src", PROJECT, "spin.py");
    const released = readFileSync(spin, "utf8");
    writeFileSync(spin, `${released}\nFASTER = True\n`);
    git(["commit", "-q", "-am", "feat: spin faster"], w.project);
    git(["push", "-q", "origin", "HEAD:refs/heads/main"], w.project);
    const head = git(["rev-parse", "HEAD"], w.project);
    const r = await shipline(["run", "--date", "2026-12-01", ...w.flags], {
      cwd: w.project,
      env: { ...w.env, GITHUB_SHA: head },
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `${TAG} was released at ${tpl.mergeSha.slice(0, 7)}, behind HEAD: this run builds and publishes it`,
    );
    expect(r.stderr).toContain(
      `building ${TAG} from its release commit ${tpl.mergeSha.slice(0, 7)}, behind HEAD`,
    );
    expect(w.gh.tagSha(TAG)).toBe(tpl.mergeSha);
    // the index has 0.2.0 built from the release commit: HEAD's later change is not in it
    const files = w.pypi.files(PROJECT).filter((f) => f.filename.startsWith(`${PROJECT}-0.2.0`));
    expect(files.map((f) => f.filename).sort()).toEqual([
      `${PROJECT}-0.2.0-py3-none-any.whl`,
      `${PROJECT}-0.2.0.tar.gz`,
    ]);
    const wheel = files.find((f) => f.filename.endsWith(".whl"))!;
    const inside = unzipSync(new Uint8Array(readFileSync(wheel.path)));
    expect(new TextDecoder().decode(inside[`${PROJECT}/spin.py`])).toBe(released);
    // the next release PR (for the later commit) is open, and the user's checkout is untouched
    expect(w.gh.pulls.some((p) => p.state === "open" && p.title.includes("0.3.0"))).toBe(true);
    expect(git(["rev-parse", "HEAD"], w.project)).toBe(head);
    expect(git(["worktree", "list"], w.project).split("\n")).toHaveLength(1);
    // labelled tagged only once it was published
    const merged = w.gh.pulls.find((p) => p.number === tpl.pull.number)!;
    expect(merged.labels).toEqual(["autorelease: tagged"]);
  }, 180_000);

  test("killed after the tag, re-run on a fresh runner: the PR still says pending, so the release is published", async () => {
    const w = await startWorld(tpl, join(work, "fresh"));
    worlds.push(w);
    // a releasable commit after the merge: the re-run's plan goes on to the pr stage, which finds
    // the PR. (After only hidden-type commits the plan ends the run first: see README, Reliability.)
    git(["commit", "-q", "--allow-empty", "-m", "fix: later"], w.project);
    git(["push", "-q", "origin", "HEAD:refs/heads/main"], w.project);
    const head = git(["rev-parse", "HEAD"], w.project);
    const env = { ...w.env, GITHUB_SHA: head };
    const first = await shipline(["run", "--date", "2026-12-01", ...w.flags], {
      cwd: w.project,
      env: { ...env, SHIPLINE_FAULT: "stage:before:build:kill" },
      timeoutMs: 120_000,
    });
    expect(first.code).not.toBe(0);
    expect(w.gh.tagSha(TAG)).toBe(tpl.mergeSha);
    expect(w.pypi.files(PROJECT).filter((f) => f.filename.startsWith(`${PROJECT}-0.2.0`))).toEqual([]);
    const merged = w.gh.pulls.find((p) => p.number === tpl.pull.number)!;
    expect(merged.labels).toEqual(["autorelease: pending"]);
    // a fresh runner: no checkpoint, no dist/
    for (const d of [".shipline", "dist"]) rmSync(join(w.project, d), { recursive: true, force: true });
    const again = await shipline(["run", "--date", "2026-12-01", ...w.flags], {
      cwd: w.project,
      env,
      timeoutMs: 120_000,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      `merged release PR #${tpl.pull.number} still says pending though ${TAG} exists at ${tpl.mergeSha.slice(0, 7)}: an earlier run stopped before publishing; this run finishes it`,
    );
    expect(
      w.pypi
        .files(PROJECT)
        .filter((f) => f.filename.startsWith(`${PROJECT}-0.2.0`))
        .map((f) => f.filename)
        .sort(),
    ).toEqual([`${PROJECT}-0.2.0-py3-none-any.whl`, `${PROJECT}-0.2.0.tar.gz`]);
    expect(merged.labels).toEqual(["autorelease: tagged"]);
    expect(w.gh.releases.filter((r) => r.tag_name === TAG)).toHaveLength(1);
  }, 180_000);
});

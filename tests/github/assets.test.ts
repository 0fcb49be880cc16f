/**
 * publish.github-assets end to end, with the compiled binary and every stand-in: the GitHub
 * release is made as a draft, the dists and their Sigstore bundles are attached after the
 * upload, and only then is the release published — so a repository with immutable releases
 * never has a published release without its files. Crashes and GitHub faults on the way leave
 * each asset on the release exactly once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  canBuild,
  git,
  makeTemplate,
  type Order,
  PROJECT,
  startWorld,
  TAG,
  type Template,
  tempWork,
  type World,
} from "../chaos/world.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";

let work: string;
const templates = new Map<Order, Template>();
let worlds: World[] = [];

beforeAll(async () => {
  if (!hasBinary() || !canBuild) return;
  work = tempWork();
  templates.set("release-first", await makeTemplate(work, "release-first", { assets: true }));
  templates.set("publish-first", await makeTemplate(work, "publish-first", { assets: true }));
}, 180_000);
afterEach(async () => {
  for (const w of worlds) await w.stop();
  worlds = [];
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

let n = 0;
async function world(order: Order = "release-first"): Promise<World> {
  const w = await startWorld(templates.get(order)!, join(work, `w${n++}`));
  worlds.push(w);
  return w;
}

const run = (w: World, args: string[], env: Record<string, string | undefined> = {}) =>
  shipline(args, { cwd: w.project, env: { ...w.env, ...env } });

/** The release's files on the PyPI stand-in. */
const onIndex = (w: World) => w.pypi.files(PROJECT).filter((f) => f.filename.startsWith(`${PROJECT}-0.2.0`));

const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

/** The four files a release carries: both dists, each with its .sigstore.json bundle. */
function expectAttached(w: World, tpl: Template): void {
  const releases = w.gh.releases.filter((r) => r.tag_name === TAG);
  expect(releases).toHaveLength(1);
  const r = releases[0]!;
  expect(r.draft).toBe(false);
  const names = r.assets.map((a) => a.name).sort();
  const dists = [...tpl.dists.keys()].sort();
  expect(names).toEqual(dists.flatMap((d) => [d, `${d}.sigstore.json`]).sort());
  for (const a of r.assets) {
    expect(a.state).toBe("uploaded");
    const dist = tpl.dists.get(a.name);
    if (dist) expect(sha256(a.bytes)).toBe(dist);
    else {
      // the bundle on the release is the one the run wrote next to the dist
      const local = readFileSync(join(w.project, "dist", a.name));
      expect(sha256(a.bytes)).toBe(sha256(local));
      expect(JSON.parse(new TextDecoder().decode(a.bytes)).mediaType).toContain("sigstore.bundle");
    }
  }
  // the index has both files too, each once
  expect(
    onIndex(w)
      .map((f) => f.filename)
      .sort(),
  ).toEqual(dists);
}

describe.skipIf(!hasBinary() || !canBuild)("publish.github-assets", () => {
  test("run: a draft until after the upload; a crash before the assets stage → resume attaches and publishes", async () => {
    const w = await world();
    const tpl = templates.get("release-first")!;
    w.gh.settings.immutableReleases = true;
    const r1 = await run(w, ["run", ...w.flags], { SHIPLINE_FAULT: "stage:before:assets:exit" });
    expect(r1.code).toBe(70);
    expect(r1.stderr).toContain("a draft until its files are attached");
    // PyPI has the files; the release exists, held as a draft, with nothing on it
    const held = w.gh.releases.find((r) => r.tag_name === TAG);
    expect(held).toMatchObject({ draft: true, immutable: false, assets: [] });
    expect(w.gh.tagSha(TAG)).toBe(tpl.mergeSha);
    const r2 = await run(w, ["resume", "--json"]);
    expect(r2.stderr).toContain(`published the release ${TAG} with its 4 files`);
    expect(r2.code).toBe(0);
    expectAttached(w, tpl);
    // published while immutability is on: immutable, with every file on it
    expect(w.gh.releases.find((r) => r.tag_name === TAG)?.immutable).toBe(true);
    const out = JSON.parse(r2.stdout);
    expect(out.stages.assets.result.releases[0]).toMatchObject({ tag: TAG, draft: false, published: true });
    // the same run again: already complete, nothing sent
    const uploads = w.gh.faults.log.filter((l) => l.method === "POST" && /\/assets/.test(l.path)).length;
    expect((await run(w, ["run", ...w.flags])).code).toBe(0);
    expect(w.gh.faults.log.filter((l) => l.method === "POST" && /\/assets/.test(l.path)).length).toBe(
      uploads,
    );
  }, 120_000);

  test("GitHub faults on the upload (502 after storing it, a reset mid-way) and a kill after one asset → each asset once", async () => {
    const w = await world();
    w.gh.faults.add({ method: "POST", path: /\/assets\?name=/, status: 502, afterHandling: true, times: 1 });
    w.gh.faults.add({ method: "POST", path: /\/assets\?name=.*sigstore/, reset: true, times: 1 });
    const r1 = await run(w, ["run", ...w.flags], { SHIPLINE_FAULT: "assets:after-upload:nth=2:kill" });
    expect(r1.code).not.toBe(0);
    const mid = w.gh.releases.find((r) => r.tag_name === TAG)!;
    expect(mid.draft).toBe(true);
    expect(mid.assets.length).toBeGreaterThan(0);
    const r2 = await run(w, ["resume"]);
    expect(r2.code).toBe(0);
    expectAttached(w, templates.get("release-first")!);
  }, 120_000);

  test("other bytes under an asset's name: replaced on a draft (nobody saw it), never on a published release", async () => {
    const tpl = templates.get("release-first")!;
    const wheel = [...tpl.dists.keys()].find((d) => d.endsWith(".whl"))!;
    const foreign = async (w: Awaited<ReturnType<typeof world>>) => {
      expect((await run(w, ["run", ...w.flags], { SHIPLINE_FAULT: "stage:before:assets:exit" })).code).toBe(
        70,
      );
      const rel = w.gh.releases.find((r) => r.tag_name === TAG)!;
      const res = await fetch(`${w.gh.url}/repos/octo/chaos/releases/${rel.id}/assets?name=${wheel}`, {
        method: "POST",
        headers: { authorization: `token ${w.gh.token}`, "content-type": "application/zip" },
        body: "not the wheel",
      });
      expect(res.status).toBe(201);
      return rel;
    };
    // a draft: what an earlier attempt left (a fresh runner's re-run signs again: other bundle bytes)
    const w = await world();
    await foreign(w);
    const r = await run(w, ["resume"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `${wheel} on the draft has other bytes, left by an earlier attempt: replacing it`,
    );
    expectAttached(w, tpl);
    // published by someone in between: its assets are public, so the run stops instead
    const w2 = await world();
    const rel2 = await foreign(w2);
    rel2.draft = false;
    const r2 = await run(w2, ["resume"]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`the release ${TAG} already has an asset ${wheel} with other bytes`);
    expect(r2.stderr).toContain("never replaces a release asset");
    expect(rel2.assets.map((a) => a.name)).toEqual([wheel]);
  }, 180_000);

  test("an upload that broke off (an asset left in state open) is deleted and sent again", async () => {
    const w = await world();
    const tpl = templates.get("release-first")!;
    expect((await run(w, ["run", ...w.flags], { SHIPLINE_FAULT: "stage:before:assets:exit" })).code).toBe(70);
    const rel = w.gh.releases.find((x) => x.tag_name === TAG)!;
    const wheel = [...tpl.dists.keys()].find((d) => d.endsWith(".whl"))!;
    // what GitHub keeps of an upload cut off mid-body ("starter"; the API lists it as "open")
    rel.assets.push({
      id: 999_999,
      name: wheel,
      content_type: "application/zip",
      size: 0,
      state: "starter",
      bytes: new Uint8Array(0),
      created_at: "2026-12-01T00:00:00Z",
    });
    const r = await run(w, ["resume"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${wheel} is an unfinished upload (state open): deleting it to send it again`);
    expectAttached(w, tpl);
    expect(rel.assets.some((a) => a.id === 999_999)).toBe(false);
  }, 120_000);

  test("a dist changed on disk after the upload is not attached: the release gets what the index got, or nothing", async () => {
    const w = await world();
    const tpl = templates.get("release-first")!;
    expect((await run(w, ["run", ...w.flags], { SHIPLINE_FAULT: "stage:before:assets:exit" })).code).toBe(70);
    const wheel = [...tpl.dists.keys()].find((d) => d.endsWith(".whl"))!;
    writeFileSync(join(w.project, "dist", wheel), "tampered");
    const r = await run(w, ["resume"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`dist/${wheel} changed since it was checked and uploaded`);
    expect(w.gh.releases.find((x) => x.tag_name === TAG)).toMatchObject({ draft: true, assets: [] });
  }, 120_000);

  test("publish-first: upload, then the release as a draft, its files, then published", async () => {
    const w = await world("publish-first");
    const out = join(w.dir, "github-output");
    const r = await run(w, ["run", ...w.flags], { GITHUB_OUTPUT: out });
    expect(r.code).toBe(0);
    expectAttached(w, templates.get("publish-first")!);
    // release-please-action's outputs describe the release as published, not the draft it was
    const text = readFileSync(out, "utf8");
    expect(text).toMatch(/^draft<<(ghadelimiter_[0-9a-f-]+)\nfalse\n\1$/m);
    expect(text).toContain(`https://github.com/octo/chaos/releases/tag/${TAG}`);
    expect(text).not.toContain("untagged-");
  }, 120_000);

  test("two jobs: `run --no-publish` leaves a draft; `publish --require-release` attaches and publishes it", async () => {
    const w = await world();
    const r1 = await run(w, ["run", "--no-publish", ...w.flags]);
    expect(r1.code).toBe(0);
    expect(w.gh.releases.find((r) => r.tag_name === TAG)).toMatchObject({ draft: true, assets: [] });
    // the publish job without a token is stopped before anything is uploaded
    const noToken = await run(w, ["publish", "--require-release", ...w.flags], { GITHUB_TOKEN: undefined });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("publish.github-assets is on, but GITHUB_TOKEN is not set");
    expect(onIndex(w)).toHaveLength(0);
    const r2 = await run(w, ["publish", "--require-release", ...w.flags]);
    expect(r2.code).toBe(0);
    expectAttached(w, templates.get("release-first")!);
  }, 120_000);

  test("a merged release PR behind HEAD: `run` releases it as a draft, builds it from its commit, attaches and publishes", async () => {
    const w = await world();
    git(["commit", "-q", "--allow-empty", "-m", "chore: tidy"], w.project);
    git(["push", "-q", "origin", "HEAD:refs/heads/main"], w.project);
    const r = await run(w, ["run", ...w.flags], { GITHUB_SHA: git(["rev-parse", "HEAD"], w.project) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("this run builds and publishes it from that commit");
    expectAttached(w, templates.get("release-first")!);
  }, 120_000);

  test("`shipline release`, then `shipline publish`: the release waits as a draft for the publish to attach its files", async () => {
    const w = await world();
    const r1 = await run(w, ["release"]);
    expect(r1.code).toBe(0);
    expect(w.gh.releases.find((r) => r.tag_name === TAG)).toMatchObject({ draft: true, assets: [] });
    const r2 = await run(w, ["publish", ...w.flags]);
    expect(r2.code).toBe(0);
    expectAttached(w, templates.get("release-first")!);
  }, 120_000);

  test("--dry-run: says what it would attach, creates nothing", async () => {
    const w = await world();
    const r = await run(w, ["run", "--dry-run", ...w.flags]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("(a draft until its files are attached)");
    expect(r.stderr).toContain("[dry-run] assets:");
    expect(r.stderr).toContain("then publish each release held as a draft");
    expect(w.gh.releases).toEqual([]);
    expect(onIndex(w)).toEqual([]);
  }, 120_000);

  test("a release already published as immutable without files: warned, the index still gets them", async () => {
    const w = await world();
    w.gh.settings.immutableReleases = true;
    const r1 = await run(w, ["run", "--no-publish", ...w.flags]);
    expect(r1.code).toBe(0);
    // someone publishes the held draft by hand before the publish job runs
    const rel = w.gh.releases.find((r) => r.tag_name === TAG)!;
    const patched = await fetch(`${w.gh.url}/repos/octo/chaos/releases/${rel.id}`, {
      method: "PATCH",
      headers: { authorization: `token ${w.gh.token}`, "content-type": "application/json" },
      body: JSON.stringify({ draft: false }),
    });
    expect(patched.status).toBe(200);
    const r2 = await run(w, ["publish", "--require-release", "--json", ...w.flags]);
    expect(r2.code).toBe(0);
    expect(r2.stderr).toContain("was published as immutable before shipline could attach");
    expect(JSON.parse(r2.stdout).stages.assets.result.releases[0].missing).toHaveLength(4);
    expect(rel.assets).toEqual([]);
    expect(onIndex(w)).toHaveLength(2);
  }, 120_000);
});

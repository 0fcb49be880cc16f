/**
 * Tag + GitHub release + label swap against the stand-in over real HTTP, including the faults
 * that matter: a 502 or a connection reset after GitHub created the release (retried after
 * checking, never duplicated), a tag already at another commit (loud), missing permissions.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { loadReleasePleaseConfig } from "../../src/config/release-please.ts";
import { GitHub } from "../../src/github/client.ts";
import { type Progress, publishReleases } from "../../src/github/github-release.ts";
import type { PendingRelease } from "../../src/plan/types.ts";
import { createLogger } from "../../src/ui/log.ts";
import { TestRepo } from "../helpers/repo.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";

let f: GitHubFixture;
let head: string;
let lines: string[];

const BODY =
  ":robot: I have created a release *beep* *boop*\n---\n\n\n## [1.1.0](https://github.com/octo/sample/compare/v1.0.0...v1.1.0) (2026-12-01)\n\n\n### Features\n\n* x\n\n---\nfooter";

beforeEach(async () => {
  const repo = TestRepo.python("1.0.0");
  f = await githubFixture(repo);
  repo.git("push", "-q", "origin", "HEAD:refs/heads/release-please--branches--main");
  head = repo.commit("chore(main): release 1.1.0", {
    ".release-please-manifest.json": '{\n  ".": "1.1.0"\n}\n',
  });
  repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
  f.gh.pulls.push({
    number: 1,
    title: "chore(main): release 1.1.0",
    body: BODY,
    state: "open",
    head: "release-please--branches--main",
    base: "main",
    draft: false,
    labels: ["autorelease: pending"],
    merged_at: null,
    merge_commit_sha: null,
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
    closed_at: null,
  });
  f.gh.merge(1, head);
  lines = [];
});
afterEach(() => f.cleanup());

function pending(over: Partial<PendingRelease> = {}): PendingRelease {
  return {
    path: ".",
    component: "",
    version: "1.1.0",
    tag: "v1.1.0",
    sha: head,
    name: "v1.1.0",
    notes:
      "## [1.1.0](https://github.com/octo/sample/compare/v1.0.0...v1.1.0) (2026-12-01)\n\n\n### Features\n\n* x",
    prerelease: false,
    draft: false,
    ...over,
  };
}

function memory(): Progress {
  let p: Record<string, unknown> = {};
  return { get: () => p, save: (x) => (p = { ...p, ...x }) };
}

function run(progress = memory(), token = f.gh.token, rel = [pending()]) {
  const log = createLogger({ write: (l) => lines.push(l), env: {} });
  const gh = new GitHub({ owner: "octo", repo: "sample", token, baseUrl: f.gh.url, log });
  return publishReleases({
    gh,
    cfg: loadReleasePleaseConfig(f.repo.dir),
    target: "main",
    head,
    pending: rel,
    log,
    progress,
  });
}

const releasePosts = () => f.gh.faults.log.filter((e) => e.method === "POST" && e.path.endsWith("/releases"));

describe("release: tag, GitHub release, labels", () => {
  test("creates the tag at HEAD, the release, comments, and swaps the labels", async () => {
    const out = await run();
    expect(out.releases).toHaveLength(1);
    expect(out.releases[0]).toMatchObject({
      tag: "v1.1.0",
      status: "created",
      tagStatus: "created",
      sha: head,
    });
    expect(f.remoteGit("rev-parse", "refs/tags/v1.1.0")).toBe(head);
    expect(f.gh.releases).toHaveLength(1);
    expect(f.gh.releases[0]).toMatchObject({
      tag_name: "v1.1.0",
      name: "v1.1.0",
      body: pending().notes,
      draft: false,
    });
    expect(f.gh.pulls[0]?.labels).toEqual(["autorelease: tagged"]);
    expect(f.gh.comments.map((c) => c.body)).toEqual([
      "🤖 Created releases:\n\n- [v1.1.0](https://github.com/octo/sample/releases/tag/v1.1.0)\n\n:sunflower:",
    ]);
    expect(out.pr).toEqual({ number: 1, url: "https://github.com/octo/sample/pull/1", labels: "swapped" });
  });

  test("re-running records what exists and changes nothing", async () => {
    await run();
    const before = JSON.stringify([f.gh.releases, f.gh.pulls, f.gh.comments]);
    const writes = () => f.gh.faults.log.filter((e) => e.method !== "GET").length;
    const w = writes();
    const again = await run();
    expect(again.releases[0]).toMatchObject({ status: "existing", tagStatus: "existing" });
    expect(again.pr?.labels).toBe("already");
    expect(writes()).toBe(w);
    expect(JSON.stringify([f.gh.releases, f.gh.pulls, f.gh.comments])).toBe(before);
  });

  test("502 after GitHub created the release: checked, not duplicated", async () => {
    f.gh.faults.add({ method: "POST", path: /\/releases$/, status: 502, afterHandling: true });
    const out = await run();
    expect(f.gh.releases).toHaveLength(1);
    expect(out.releases[0]?.status).toBe("created");
    expect(releasePosts()).toHaveLength(1);
    expect(lines.join("\n")).toContain("GitHub answered 502");
  });

  test("connection reset after GitHub created the release: checked, not duplicated", async () => {
    f.gh.faults.add({ method: "POST", path: /\/releases$/, reset: true, afterHandling: true });
    const out = await run();
    expect(f.gh.releases).toHaveLength(1);
    expect(out.releases[0]?.status).toBe("created");
    expect(releasePosts()).toHaveLength(1);
  });

  test("502 after GitHub stored the release comment: checked, one comment", async () => {
    f.gh.faults.add({ method: "POST", path: /\/comments$/, status: 502, afterHandling: true, times: 2 });
    await run();
    expect(f.gh.comments).toHaveLength(1);
    expect(f.gh.faults.log.filter((e) => e.method === "POST" && e.path.endsWith("/comments"))).toHaveLength(
      1,
    );
  });

  test("a crash after the release was created: the resumed run still announces it, once", async () => {
    // The first attempt created the release and died before recording it: the resumed run
    // finds it "existing" but the PR is still pending, so it is announced.
    await run(memory(), f.gh.token, [pending()]).catch(() => undefined);
    f.gh.comments.length = 0;
    f.gh.pulls[0]!.labels = ["autorelease: pending"];
    const out = await run();
    expect(out.releases[0]?.status).toBe("existing");
    expect(f.gh.comments).toHaveLength(1);
    await run(memory());
    expect(f.gh.comments).toHaveLength(1);
  });

  test("502 before anything happened: retried once, exactly one release", async () => {
    f.gh.faults.add({ method: "POST", path: /\/releases$/, status: 502 });
    const out = await run();
    expect(f.gh.releases).toHaveLength(1);
    expect(out.releases[0]?.status).toBe("created");
    expect(releasePosts()).toHaveLength(2);
  });

  test("a tag already at another commit is a loud error, and nothing is released", async () => {
    const other = f.repo.git("rev-parse", "HEAD~1");
    f.remoteGit("update-ref", "refs/tags/v1.1.0", other);
    await expect(run()).rejects.toThrow(
      `tag v1.1.0 already exists on GitHub at ${other.slice(0, 7)}, not at the release commit ${head.slice(0, 7)}`,
    );
    expect(f.gh.releases).toHaveLength(0);
    expect(f.gh.pulls[0]?.labels).toEqual(["autorelease: pending"]);
  });

  test("an existing tag at HEAD (earlier crash) is recorded, the release still made", async () => {
    f.remoteGit("update-ref", "refs/tags/v1.1.0", head);
    const out = await run();
    expect(out.releases[0]).toMatchObject({ tagStatus: "existing", status: "created" });
    expect(f.gh.releases).toHaveLength(1);
  });

  test("draft and prerelease are passed through; drafts are found again (not by tag)", async () => {
    const p = pending({
      draft: true,
      prerelease: true,
      version: "1.1.0-rc.1",
      tag: "v1.1.0-rc.1",
      name: "v1.1.0-rc.1",
    });
    await run(memory(), f.gh.token, [p]);
    expect(f.gh.releases[0]).toMatchObject({ draft: true, prerelease: true });
    const again = await run(memory(), f.gh.token, [p]);
    expect(again.releases[0]?.status).toBe("existing");
    expect(f.gh.releases).toHaveLength(1);
  });

  test("without contents: write the error names the permission", async () => {
    f.gh.permissions.contents = "read";
    await expect(run()).rejects.toThrow(/refused to create tag v1\.1\.0/);
    try {
      await run();
    } catch (e) {
      expect((e as { hint?: string }).hint).toContain("contents: write");
    }
  });

  test("a bad token is a clear 401 error and is never printed", async () => {
    const bad = "ghs_definitelynotvalid123456";
    let err: Error | undefined;
    try {
      await run(memory(), bad);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toContain("GitHub rejected the token (401 Bad credentials)");
    expect(lines.join("\n")).not.toContain(bad);
  });

  test("429 with Retry-After on a read is waited out and retried", async () => {
    f.gh.faults.add({
      method: "GET",
      path: /\/git\/ref\//,
      status: 429,
      headers: { "retry-after": "1" },
    });
    const out = await run();
    expect(out.releases[0]?.status).toBe("created");
    expect(f.gh.faults.log.filter((e) => e.path.includes("/git/ref/")).length).toBeGreaterThanOrEqual(2);
  });

  test("5xx on a read is retried with backoff", async () => {
    f.gh.faults.add({ method: "GET", path: /\/pulls/, status: 503 });
    const out = await run();
    expect(out.pr?.labels).toBe("swapped");
  });

  test("a stalled request is cut at SHIPLINE_GITHUB_TIMEOUT and retried", async () => {
    f.gh.faults.add({ method: "GET", path: /\/pulls/, stallMs: 4000 });
    process.env.SHIPLINE_GITHUB_TIMEOUT = "1";
    try {
      const out = await run();
      expect(out.pr?.labels).toBe("swapped");
    } finally {
      delete process.env.SHIPLINE_GITHUB_TIMEOUT;
    }
    expect(f.gh.faults.log.filter((e) => e.path.endsWith("/pulls")).length).toBe(2);
  });
});

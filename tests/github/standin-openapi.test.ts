/**
 * The GitHub stand-in answers with GitHub's documented shapes: every endpoint shipline calls is
 * exercised over HTTP and its JSON validated against the api.github.com OpenAPI description.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TestRepo } from "../helpers/repo.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";
import { openapiErrors } from "./openapi.ts";

let f: GitHubFixture;
let sha: string;

beforeAll(async () => {
  const repo = TestRepo.python("1.0.0");
  f = await githubFixture(repo);
  sha = repo.head();
  repo.git("push", "-q", "origin", "HEAD:refs/heads/release-please--branches--main");
  f.remoteGit("tag", "-a", "-m", "annotated", "v0.9.0", sha);
});
afterAll(() => f.cleanup());

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: unknown; headers: Headers }> {
  const res = await fetch(`${f.gh.url}/repos/octo/sample${path}`, {
    method,
    headers: { authorization: `token ${f.gh.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, data: await res.json(), headers: res.headers };
}

async function expectValid(
  template: string,
  method: string,
  r: { status: number; data: unknown },
  status: number,
) {
  expect(r.status).toBe(status);
  expect(await openapiErrors(template, method, r.status, r.data)).toEqual([]);
}

const R = "/repos/{owner}/{repo}";

describe("GitHub stand-in vs the OpenAPI description", () => {
  // Validating against the whole OpenAPI description is slow on a loaded 2-core machine.
  test("pulls: create, get, update, list (open/closed, head filter)", async () => {
    const created = await call("POST", "/pulls", {
      title: "chore(main): release 1.1.0",
      head: "release-please--branches--main",
      base: "main",
      body: "b",
      draft: false,
    });
    await expectValid(`${R}/pulls`, "post", created, 201);
    const n = (created.data as { number: number }).number;
    await expectValid(`${R}/pulls/{pull_number}`, "get", await call("GET", `/pulls/${n}`), 200);
    await expectValid(
      `${R}/pulls/{pull_number}`,
      "patch",
      await call("PATCH", `/pulls/${n}`, { title: "t2", body: "b2", state: "open" }),
      200,
    );
    const list = await call("GET", "/pulls?state=open&base=main&head=octo:release-please--branches--main");
    await expectValid(`${R}/pulls`, "get", list, 200);
    expect((list.data as unknown[]).length).toBe(1);
    f.gh.merge(n, sha);
    const closed = await call("GET", "/pulls?state=closed&sort=updated&direction=desc");
    await expectValid(`${R}/pulls`, "get", closed, 200);
    expect((closed.data as { merged_at: string | null }[])[0]?.merged_at).not.toBeNull();
  }, 30_000);

  test("pulls: GitHub's 422s (missing head branch, duplicate PR)", async () => {
    const missing = await call("POST", "/pulls", { title: "x", head: "no-such-branch", base: "main" });
    expect(missing.status).toBe(422);
    expect(missing.data).toMatchObject({
      message: "Validation Failed",
      errors: [{ field: "head", code: "invalid" }],
    });
    await call("POST", "/pulls", { title: "x", head: "release-please--branches--main", base: "main" });
    const dup = await call("POST", "/pulls", {
      title: "x",
      head: "release-please--branches--main",
      base: "main",
    });
    expect(dup.status).toBe(422);
  });

  test("issue labels add/remove and comments", async () => {
    const add = await call("POST", "/issues/1/labels", { labels: ["autorelease: pending"] });
    await expectValid(`${R}/issues/{issue_number}/labels`, "post", add, 200);
    const del = await call("DELETE", `/issues/1/labels/${encodeURIComponent("autorelease: pending")}`);
    await expectValid(`${R}/issues/{issue_number}/labels/{name}`, "delete", del, 200);
    const again = await call("DELETE", `/issues/1/labels/${encodeURIComponent("autorelease: pending")}`);
    expect(again.status).toBe(404);
    const comment = await call("POST", "/issues/1/comments", { body: "🤖 Created releases" });
    await expectValid(`${R}/issues/{issue_number}/comments`, "post", comment, 201);
    const list = await call("GET", "/issues/1/comments?per_page=100");
    await expectValid(`${R}/issues/{issue_number}/comments`, "get", list, 200);
    expect((list.data as { body: string }[]).map((c) => c.body)).toEqual(["🤖 Created releases"]);
  });

  test("git refs: create, get, duplicate, annotated tag peel", async () => {
    const created = await call("POST", "/git/refs", { ref: "refs/tags/v1.1.0", sha });
    await expectValid(`${R}/git/refs`, "post", created, 201);
    expect(f.remoteGit("rev-parse", "refs/tags/v1.1.0")).toBe(sha);
    await expectValid(`${R}/git/ref/{ref}`, "get", await call("GET", "/git/ref/tags/v1.1.0"), 200);
    const dup = await call("POST", "/git/refs", { ref: "refs/tags/v1.1.0", sha });
    expect(dup.status).toBe(422);
    expect(dup.data).toMatchObject({ message: "Reference already exists" });
    expect((await call("GET", "/git/ref/tags/v9.9.9")).status).toBe(404);
    const annotated = await call("GET", "/git/ref/tags/v0.9.0");
    await expectValid(`${R}/git/ref/{ref}`, "get", annotated, 200);
    const obj = (annotated.data as { object: { sha: string; type: string } }).object;
    expect(obj.type).toBe("tag");
    const tag = await call("GET", `/git/tags/${obj.sha}`);
    await expectValid(`${R}/git/tags/{tag_sha}`, "get", tag, 200);
    expect((tag.data as { object: { sha: string } }).object.sha).toBe(sha);
  });

  test("branch refs (signed-commits): create, get, force-move; GraphQL createCommitOnBranch", async () => {
    const created = await call("POST", "/git/refs", { ref: "refs/heads/release-please--x", sha });
    await expectValid(`${R}/git/refs`, "post", created, 201);
    await expectValid(
      `${R}/git/ref/{ref}`,
      "get",
      await call("GET", "/git/ref/heads/release-please--x"),
      200,
    );
    const res = await fetch(`${f.gh.url}/graphql`, {
      method: "POST",
      headers: { authorization: `token ${f.gh.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        query:
          "mutation ($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid url } } }",
        variables: {
          input: {
            branch: { repositoryNameWithOwner: "octo/sample", branchName: "release-please--x" },
            message: { headline: "chore: x" },
            expectedHeadOid: sha,
            fileChanges: { additions: [{ path: "a.txt", contents: Buffer.from("a\n").toString("base64") }] },
          },
        },
      }),
    });
    const oid = ((await res.json()) as { data: { createCommitOnBranch: { commit: { oid: string } } } }).data
      .createCommitOnBranch.commit.oid;
    expect(f.remoteGit("rev-parse", "release-please--x^")).toBe(sha);
    expect(f.remoteGit("show", "release-please--x:a.txt")).toBe("a");
    expect(f.gh.verified.has(oid)).toBe(true);
    // back to the base: not a fast forward, so only with force
    expect((await call("PATCH", "/git/refs/heads/release-please--x", { sha })).status).toBe(422);
    const moved = await call("PATCH", "/git/refs/heads/release-please--x", { sha, force: true });
    await expectValid(`${R}/git/refs/{ref}`, "patch", moved, 200);
    expect(f.remoteGit("rev-parse", "release-please--x")).toBe(sha);
    // the branch rules doctor --online reads
    f.gh.settings.requiredSignatures = true;
    const rules = await call("GET", "/rules/branches/main");
    await expectValid(`${R}/rules/branches/{branch}`, "get", rules, 200);
    expect(rules.data).toMatchObject([{ type: "required_signatures", ruleset_id: 42 }]);
    f.gh.settings.requiredSignatures = false;
  });

  test("releases: create, get by tag, list, duplicate, drafts hidden by tag", async () => {
    const created = await call("POST", "/releases", {
      tag_name: "v1.2.0",
      target_commitish: sha,
      name: "v1.2.0",
      body: "notes",
      draft: false,
      prerelease: false,
    });
    await expectValid(`${R}/releases`, "post", created, 201);
    expect(f.gh.tagSha("v1.2.0")).toBe(sha);
    await expectValid(`${R}/releases/tags/{tag}`, "get", await call("GET", "/releases/tags/v1.2.0"), 200);
    const dup = await call("POST", "/releases", { tag_name: "v1.2.0", target_commitish: sha });
    expect(dup.status).toBe(422);
    expect(dup.data).toMatchObject({ errors: [{ code: "already_exists" }] });
    const draft = await call("POST", "/releases", { tag_name: "v1.3.0", target_commitish: sha, draft: true });
    await expectValid(`${R}/releases`, "post", draft, 201);
    expect((await call("GET", "/releases/tags/v1.3.0")).status).toBe(404);
    const list = await call("GET", "/releases?per_page=1");
    await expectValid(`${R}/releases`, "get", list, 200);
    expect(list.headers.get("link")).toContain('rel="next"');
  });

  test("release assets: upload, list, get, delete; draft → published; immutable releases", async () => {
    const created = await call("POST", "/releases", {
      tag_name: "v1.4.0",
      target_commitish: sha,
      draft: true,
    });
    const rel = created.data as { id: number; upload_url: string };
    const upload = async (name: string, bytes: string) => {
      const res = await fetch(rel.upload_url.replace(/\{.*\}$/, `?name=${encodeURIComponent(name)}`), {
        method: "POST",
        headers: { authorization: `token ${f.gh.token}`, "content-type": "application/zip" },
        body: bytes,
      });
      return { status: res.status, data: await res.json() };
    };
    const up = await upload("pkg-1.4.0-py3-none-any.whl", "wheel bytes");
    await expectValid(`${R}/releases/{release_id}/assets`, "post", up, 201);
    expect(up.data).toMatchObject({
      state: "uploaded",
      size: 11,
      digest: `sha256:${new Bun.CryptoHasher("sha256").update("wheel bytes").digest("hex")}`,
    });
    const dup = await upload("pkg-1.4.0-py3-none-any.whl", "other");
    expect(dup.status).toBe(422);
    expect(dup.data).toMatchObject({ errors: [{ code: "already_exists" }] });
    await expectValid(
      `${R}/releases/{release_id}/assets`,
      "get",
      await call("GET", `/releases/${rel.id}/assets`),
      200,
    );
    const assetId = (up.data as { id: number }).id;
    await expectValid(
      `${R}/releases/assets/{asset_id}`,
      "get",
      await call("GET", `/releases/assets/${assetId}`),
      200,
    );
    await expectValid(`${R}/releases/{release_id}`, "get", await call("GET", `/releases/${rel.id}`), 200);
    // publishing the draft while immutability is on makes it immutable: no new asset, no delete
    f.gh.settings.immutableReleases = true;
    await expectValid(`${R}/immutable-releases`, "get", await call("GET", "/immutable-releases"), 200);
    const published = await call("PATCH", `/releases/${rel.id}`, { draft: false });
    await expectValid(`${R}/releases/{release_id}`, "patch", published, 200);
    expect(published.data).toMatchObject({ draft: false, immutable: true });
    expect((await upload("pkg-1.4.0.tar.gz", "sdist")).status).toBe(422);
    expect((await call("DELETE", `/releases/assets/${assetId}`)).status).toBe(422);
    f.gh.settings.immutableReleases = false;
    expect((await call("GET", "/immutable-releases")).status).toBe(404);
  });

  test("auth and permissions: 401 bad credentials, 403 without write", async () => {
    const res = await fetch(`${f.gh.url}/repos/octo/sample/pulls`, {
      headers: { authorization: "token nope" },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: "Bad credentials" });
    f.gh.permissions.contents = "read";
    const denied = await call("POST", "/releases", { tag_name: "v2.0.0", target_commitish: sha });
    f.gh.permissions.contents = "write";
    expect(denied.status).toBe(403);
    expect(denied.data).toMatchObject({ message: "Resource not accessible by integration" });
  });

  test("the validator itself rejects a wrong shape", async () => {
    const errs = await openapiErrors(`${R}/releases`, "post", 201, { id: "not-a-number" });
    expect(errs.length).toBeGreaterThan(0);
  });
});

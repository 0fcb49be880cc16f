/**
 * `shipline upload` against indexes that answer a successful upload the way real servers do,
 * which is not always PyPI stand-in's way: warehouse's own empty 200 labelled text/html
 * (pyramid's default Response), plain-text warnings, 201/204 from other registries, and a
 * private index that lets only authenticated clients read its simple API. One small server
 * per test file, in this process; the binary is the real one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { tempDir } from "../helpers/repo.ts";
import { makeWheel } from "./fixtures.ts";

const TOKEN = "pypi-otherINDEXtoken0123456789";
const BASIC = `Basic ${Buffer.from(`__token__:${TOKEN}`).toString("base64")}`;

interface Answer {
  status: number;
  type?: string;
  body?: string;
}
let answer: Answer = { status: 200 };
/** 401 to anonymous reads of /simple/ (a private index), or to every read (an upload-only token). */
let privateReads: false | "anonymous" | "all" = false;
const seen: { method: string; path: string; auth: string | null }[] = [];
/** What the index stored (PEP 503 pages list it once uploaded). */
const stored: { filename: string; sha256: string }[] = [];
/** false: the PEP 503 page lists files without `#sha256=` (allowed: a SHOULD, not a MUST). */
let hashes = true;
let server: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const auth = req.headers.get("authorization");
      seen.push({ method: req.method, path, auth });
      if (req.method === "POST") {
        const form = await req.formData();
        if (auth !== BASIC) return new Response("bad credentials", { status: 403 });
        if (answer.status < 300) {
          const content = form.get("content") as File;
          stored.push({ filename: content.name, sha256: String(form.get("sha256_digest")) });
        }
        const headers: Record<string, string> = answer.type ? { "content-type": answer.type } : {};
        return new Response(answer.status === 204 ? null : (answer.body ?? ""), {
          status: answer.status,
          headers,
        });
      }
      if (privateReads === "all" || (privateReads === "anonymous" && auth !== BASIC))
        return new Response("login required", { status: 401 });
      // PEP 503 HTML only, whatever the Accept header asks (GitLab's and devpi's simple pages)
      if (path === "/simple/other-index/" && stored.length)
        return new Response(
          `<!DOCTYPE html><html><body>${stored.map((f) => `<a href="../../files/${f.filename}${hashes ? `#sha256=${f.sha256}` : ""}">${f.filename}</a>`).join("<br/>")}</body></html>`,
          { headers: { "content-type": "text/html" } },
        );
      return new Response("not found", { status: 404 });
    },
  });
});
afterAll(() => server?.stop(true));

async function upload(a: Answer, opts: { privateReads?: typeof privateReads; command?: string[] } = {}) {
  answer = a;
  privateReads = opts.privateReads ?? false;
  seen.length = 0;
  stored.length = 0;
  const dir = tempDir();
  // publish keeps its checkpoint in a git checkout
  if (opts.command)
    for (const args of [
      ["init", "-q"],
      ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "init"],
    ])
      Bun.spawnSync(["git", ...args], { cwd: dir });
  mkdirSync(join(dir, "dist"));
  makeWheel(join(dir, "dist"), { name: "other-index" });
  return shipline(
    [
      ...(opts.command ?? ["upload"]),
      "dist/other_index-1.0.0-py3-none-any.whl",
      "--repository-url",
      `http://127.0.0.1:${server.port}/legacy/`,
    ],
    { cwd: dir, env: { SHIPLINE_PYPI_TOKEN: TOKEN, SHIPLINE_HTTP_BACKOFF_MS: "1", HOME: dir } },
  );
}

describe.skipIf(!hasBinary())("upload: what counts as success", () => {
  test("PyPI's own success: an empty 200 labelled text/html; charset=UTF-8", async () => {
    const r = await upload({ status: 200, type: "text/html; charset=UTF-8" });
    expect(r.stderr).toContain("Uploaded other_index-1.0.0-py3-none-any.whl");
    expect(r.code).toBe(0);
  });

  test("a 200 carrying PyPI's plain-text warnings: success, each warning shown", async () => {
    const r = await upload({
      status: 200,
      type: "text/html; charset=UTF-8",
      body: "Warning: this project's metadata uses a deprecated field\nWarning: second one",
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("the index says: Warning: this project's metadata uses a deprecated field");
    expect(r.stderr).toContain("the index says: Warning: second one");
  });

  test.each([201, 204])("%d from another registry: success", async (status) => {
    const r = await upload({ status });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Uploaded other_index-1.0.0-py3-none-any.whl");
  });

  test("an HTML document with 200 (the catch-all upload page): refused", async () => {
    const r = await upload({
      status: 200,
      type: "text/html",
      body: "<!DOCTYPE html>\n<html><body>Upload</body></html>",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("answered other_index-1.0.0-py3-none-any.whl's upload with an HTML page");
  });
});

describe.skipIf(!hasBinary())("upload: a private index that needs credentials to read", () => {
  test("the probe retries with the upload credentials on the same origin, and the upload goes through", async () => {
    const r = await upload({ status: 200 }, { privateReads: "anonymous" });
    expect(r.code).toBe(0);
    const reads = seen.filter((s) => s.method === "GET");
    expect(reads[0]).toMatchObject({ path: "/simple/other-index/", auth: null });
    expect(reads[1]).toMatchObject({ path: "/simple/other-index/", auth: BASIC });
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  test("reads refused even with credentials: a warning, the upload still made once", async () => {
    const r = await upload({ status: 200 }, { privateReads: "all" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("the index answered 401 to reading");
    expect(r.stderr).not.toContain("not visible on the index yet");
    expect(seen.filter((s) => s.method === "POST")).toHaveLength(1);
  });
});

describe.skipIf(!hasBinary())("publish: the verify stage reads a private, HTML-only index back", () => {
  test("with the upload's token, from its PEP 503 page: the file is confirmed by its sha256", async () => {
    const r = await upload({ status: 200 }, { privateReads: "anonymous", command: ["publish", "--no-sign"] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("verified other_index-1.0.0-py3-none-any.whl: on the index with sha256");
    // each read after the POST (the upload's confirmation, then the verify stage's) asked
    // anonymously first, then with the token
    const after = seen.slice(seen.findIndex((x) => x.method === "POST") + 1).map((x) => x.auth);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after).toEqual(after.map((_, i) => (i % 2 ? BASIC : null)));
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  test("a page without hash fragments: the file is listed, its bytes cannot be read back; a warning, not a failed publish", async () => {
    hashes = false;
    try {
      const r = await upload({ status: 200 }, { command: ["publish", "--no-sign"] });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        "other_index-1.0.0-py3-none-any.whl: the index lists it but gives no sha256, so its bytes cannot be checked",
      );
    } finally {
      hashes = true;
    }
  });

  test("reads refused even with the token (an upload-only credential): a warning, not a failed publish", async () => {
    const r = await upload({ status: 200 }, { privateReads: "all", command: ["publish", "--no-sign"] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("other_index-1.0.0-py3-none-any.whl: the index at http://127.0.0.1:");
    expect(r.stderr).toContain("does not let these credentials read its simple API");
    expect(seen.filter((x) => x.method === "POST")).toHaveLength(1);
  });
});

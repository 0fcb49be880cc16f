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
        await req.arrayBuffer();
        if (auth !== BASIC) return new Response("bad credentials", { status: 403 });
        const headers: Record<string, string> = answer.type ? { "content-type": answer.type } : {};
        return new Response(answer.status === 204 ? null : (answer.body ?? ""), {
          status: answer.status,
          headers,
        });
      }
      if (privateReads === "all" || (privateReads === "anonymous" && auth !== BASIC))
        return new Response("login required", { status: 401 });
      return new Response("not found", { status: 404 });
    },
  });
});
afterAll(() => server?.stop(true));

async function upload(a: Answer, opts: { privateReads?: typeof privateReads } = {}) {
  answer = a;
  privateReads = opts.privateReads ?? false;
  seen.length = 0;
  const dir = tempDir();
  mkdirSync(join(dir, "dist"));
  makeWheel(join(dir, "dist"), { name: "other-index" });
  return shipline(
    [
      "upload",
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

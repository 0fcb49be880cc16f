/**
 * The index's file list as the upload's probe and the verify stage read it: PEP 691 JSON or
 * PEP 503 HTML, relative URLs made absolute, PEP 740 provenance URLs from either, and a private
 * index read again with the credentials only once it refuses an anonymous read.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { listProjectFiles } from "../../src/pypi/index-probe.ts";

const SHA = "a".repeat(64);
let format: "json" | "html" = "json";
let needsAuth = false;
const auths: (string | null)[] = [];
let server: ReturnType<typeof Bun.serve>;
let base = "";

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const path = new URL(req.url).pathname;
      // devpi: uploads go to /user/index/, its simple pages are under /user/index/+simple/
      if (path.startsWith("/devpi/"))
        return path === "/devpi/user/dev/+simple/demo/"
          ? new Response(`<a href="../../+f/0ab/demo-1.0.tar.gz#sha256=${SHA}">demo-1.0.tar.gz</a>`, {
              headers: { "content-type": "text/html" },
            })
          : new Response("not found", { status: 404 });
      auths.push(req.headers.get("authorization"));
      if (needsAuth && req.headers.get("authorization") !== "Basic x")
        return new Response("", { status: 401 });
      if (format === "json")
        return Response.json(
          {
            meta: { "api-version": "1.1" },
            name: "demo",
            files: [
              {
                filename: "demo-1.0.tar.gz",
                url: "../../files/demo-1.0.tar.gz",
                hashes: { sha256: SHA.toUpperCase() },
                provenance: "/integrity/demo/1.0/demo-1.0.tar.gz/provenance",
              },
              {
                filename: "demo-1.0-py3-none-any.whl",
                url: "https://cdn.example/w.whl",
                hashes: {},
                provenance: null,
              },
            ],
          },
          { headers: { "content-type": "application/vnd.pypi.simple.v1+json" } },
        );
      return new Response(
        `<!DOCTYPE html><html><body>
<a href="../../files/demo-1.0.tar.gz#sha256=${SHA}" data-provenance="/integrity/demo/1.0/demo-1.0.tar.gz/provenance">demo-1.0.tar.gz</a>
<a href="https://cdn.example/w.whl#sha256=${SHA}">demo-1.0-py3-none-any.whl</a>
</body></html>`,
        { headers: { "content-type": "text/html" } },
      );
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

const backoff = { attempts: 1, baseMs: 1, maxMs: 1 };

test.each(["json", "html"] as const)("%s: names, sha256, absolute file and provenance URLs", async (f) => {
  format = f;
  needsAuth = false;
  const l = await listProjectFiles(base, "Demo", "a test", backoff);
  expect(l.state).toBe("listed");
  if (l.state !== "listed") return;
  const sdist = l.files.find((x) => x.filename === "demo-1.0.tar.gz");
  expect(sdist).toEqual({
    filename: "demo-1.0.tar.gz",
    sha256: SHA,
    url: `${base}/files/demo-1.0.tar.gz`,
    provenance: `${base}/integrity/demo/1.0/demo-1.0.tar.gz/provenance`,
  });
  const wheel = l.files.find((x) => x.filename === "demo-1.0-py3-none-any.whl");
  expect(wheel?.url).toBe("https://cdn.example/w.whl");
  expect(wheel?.provenance).toBeUndefined();
});

test("a private index: read again with the credentials only after it refused the anonymous read", async () => {
  format = "html";
  needsAuth = true;
  auths.length = 0;
  let asked = 0;
  const l = await listProjectFiles(base, "demo", "a test", backoff, async () => {
    asked++;
    return "Basic x";
  });
  expect(l.state).toBe("listed");
  expect(auths).toEqual([null, "Basic x"]);
  expect(asked).toBe(1);
  // refused even then: unreadable, not an error
  const refused = await listProjectFiles(base, "demo", "a test", backoff, async () => "Basic wrong");
  expect(refused).toEqual({ state: "unreadable", status: 401 });
  // public: the credentials are never asked for
  needsAuth = false;
  asked = 0;
  await listProjectFiles(base, "demo", "a test", backoff, async () => {
    asked++;
    return "Basic x";
  });
  expect(asked).toBe(0);
});

test("devpi: a project not under simple/ is looked for under +simple/, where devpi serves it", async () => {
  const l = await listProjectFiles(`${base}/devpi/user/dev`, "demo", "a test", backoff);
  expect(l).toEqual({
    state: "listed",
    files: [
      { filename: "demo-1.0.tar.gz", sha256: SHA, url: `${base}/devpi/user/dev/+f/0ab/demo-1.0.tar.gz` },
    ],
  });
  // absent from both: absent
  expect(await listProjectFiles(`${base}/devpi/user/dev`, "other", "a test", backoff)).toEqual({
    state: "absent",
  });
});

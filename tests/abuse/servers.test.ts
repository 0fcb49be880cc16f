/**
 * Hostile servers against the compiled binary: the GitHub API, the Actions OIDC endpoint and a
 * package index answering with 200 MB bodies, truncated bodies, malformed JSON, HTML, the wrong
 * shape, or nothing at all. Each → one clear line, exit 1, memory bounded (peak RSS measured),
 * and a huge answer is not fetched again. The servers are tiny Bun.serve handlers in this
 * process; a 200 MB body is generated as it is pulled, never held.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BIN, hasBinary } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { makeWheel } from "../pypi/fixtures.ts";

setDefaultTimeout(60_000);

const MB = 1024 * 1024;
/** Well above a normal run (~70-130 MB) and far below what buffering 200 MB costs (GBs). */
const RSS_CEILING = 450 * MB;
/**
 * GNU time measures the child's own peak. Bun's resourceUsage().maxRSS is not that: a spawned
 * child's high-water mark includes the test runner's memory at the fork (a runner grown to
 * 500 MB by earlier test files made every child "use" 500 MB). Without GNU time, a figure not
 * above the runner's own size says only that the child stayed below it, and counts as 0.
 */
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

type Mode =
  | "huge-json"
  | "huge-error"
  | "huge-token"
  | "malformed"
  | "html"
  | "wrong-shape"
  | "truncated"
  | "stall";

/** 200 MB of JSON, produced chunk by chunk as the client pulls it. */
function hugeBody(head: string, item: string, tail: string, total = 200 * MB): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const chunk = enc.encode(item.repeat(Math.ceil(65_536 / item.length)));
  let sent = 0;
  return new ReadableStream({
    start: (c) => c.enqueue(enc.encode(head)),
    pull(c) {
      if (sent >= total) {
        c.enqueue(enc.encode(tail));
        c.close();
        return;
      }
      c.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

let mode: Mode = "malformed";
/** Which requests get the hostile answer; the others get a plain 404 (e.g. the index probe). */
let target: (method: string, path: string) => boolean = () => true;
const seen: string[] = [];
let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      seen.push(`${req.method} ${path}`);
      if (req.method === "POST") await req.arrayBuffer().catch(() => {});
      if (!target(req.method, path)) return new Response("not found", { status: 404 });
      const json = { "content-type": "application/json" };
      switch (mode) {
        case "huge-json":
          return new Response(hugeBody("[", '{"number":1,"title":"x"},', '{"number":2}]'), { headers: json });
        case "huge-error":
          return new Response(hugeBody('{"message":"', "aaaaaaaa", '"}'), { status: 400, headers: json });
        case "huge-token":
          return new Response(hugeBody('{"value":"', "eyJhbGci", '"}', 20 * MB), { headers: json });
        case "malformed":
          return new Response('{"value": "abc', { headers: json });
        case "html":
          return new Response("<html><body>Welcome to the proxy</body></html>", {
            headers: { "content-type": "text/html" },
          });
        case "wrong-shape":
          return new Response(JSON.stringify({ data: [null], total_count: "many" }), { headers: json });
        case "truncated":
          return new Response(
            new ReadableStream({
              start(c) {
                c.enqueue(new TextEncoder().encode('[{"number":1,"ti'));
                c.error(new Error("cut"));
              },
            }),
            { headers: { ...json, "content-length": "5000" } },
          );
        case "stall":
          await Bun.sleep(30_000);
          return new Response("[]", { headers: json });
      }
    },
  });
});
afterAll(() => server?.stop(true));
const url = () => `http://127.0.0.1:${server.port}`;

interface Run {
  code: number;
  stderr: string;
  maxRSS: number;
  requests: string[];
}

async function run(
  as: Mode,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  only: typeof target = () => true,
): Promise<Run> {
  mode = as;
  target = only;
  seen.length = 0;
  const rssFile = join(tempDir("shipline-rss-"), "maxrss");
  const runnerRss = process.memoryUsage().rss;
  const argv = GNU_TIME ? [GNU_TIME, "-f", "%M", "-o", rssFile, BIN, ...args] : [BIN, ...args];
  const p = Bun.spawn(argv, {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, NO_COLOR: "1", ...env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timer = setTimeout(() => p.kill("SIGKILL"), 50_000);
  const [, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  clearTimeout(timer);
  // (GNU time writes "Command exited with non-zero status N" before the figure; the KiB figure is last)
  const maxRSS = GNU_TIME
    ? Number(readFileSync(rssFile, "utf8").trim().split("\n").pop()) * 1024
    : (p.resourceUsage()?.maxRSS ?? 0) > runnerRss * 1.05
      ? (p.resourceUsage()?.maxRSS ?? 0)
      : 0;
  rmSync(join(rssFile, ".."), { recursive: true, force: true });
  return { code, stderr, maxRSS, requests: [...seen] };
}

/** Exit 1, exactly one ✖ (or, in Actions, ::error::) line matching `message`, no stack, a short stderr, bounded memory. */
function refused(r: Run, message: RegExp): void {
  expect(r.code, r.stderr.slice(0, 2000)).toBe(1);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("✖") || l.startsWith("::error::"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toContain("    at ");
  expect(r.stderr).not.toContain("internal error");
  expect(r.stderr.length).toBeLessThan(4000);
  expect(r.maxRSS).toBeLessThan(RSS_CEILING);
}

describe.skipIf(!hasBinary())("a hostile GitHub API (shipline pr)", () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = TestRepo.python("1.0.0");
    repo.commit("feat: something to release");
  });
  const pr = (m: Mode, extra: Record<string, string> = {}) =>
    run(m, ["pr", "--repo", "octo/sample", "--state", join(tempDir(), "state.json")], repo.dir, {
      GITHUB_API_URL: url(),
      GITHUB_TOKEN: "ghp_abuseTESTtoken0123456789abcdef",
      ...extra,
    });

  test("a 200 MB list → refused at the size limit, fetched once", async () => {
    const r = await pr("huge-json");
    refused(r, /GitHub's answer to GET \/repos\/octo\/sample\/pulls is larger than 64 MiB/);
    expect(r.requests).toHaveLength(1);
  });
  test("a 200 MB error message → refused, the message is not printed, nor the token", async () => {
    const r = await pr("huge-error");
    refused(r, /GitHub's answer to GET \/repos\/octo\/sample\/pulls is larger than 64 MiB/);
    expect(r.stderr).not.toContain("ghp_abuseTESTtoken0123456789abcdef");
  });
  for (const m of ["malformed", "html", "wrong-shape"] as const)
    test(`${m} → "not what the GitHub API sends", with a hint about GITHUB_API_URL`, async () => {
      const r = await pr(m);
      refused(r, /not what the GitHub API sends/);
      expect(r.stderr).toContain("hint: check GITHUB_API_URL");
    });
  test("a body cut off mid-way → retried, then one line", async () => {
    const r = await pr("truncated");
    refused(r, /could not list closed pull requests/);
    expect(r.requests.length).toBeGreaterThan(1);
  });
  test.skipIf(!process.env.ABUSE_SLOW)(
    "a server that never answers → per-attempt timeout, retried, one line",
    async () => {
      refused(await pr("stall", { SHIPLINE_GITHUB_TIMEOUT: "1" }), /could not list closed pull requests/);
    },
  );
});

describe.skipIf(!hasBinary())("a hostile Actions OIDC endpoint (shipline sign)", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    makeWheel(dir, { name: "abuse-oidc" });
  });
  const sign = (m: Mode) =>
    run(
      m,
      [
        "sign",
        "--fulcio-url",
        `${url()}/fulcio`,
        "--rekor-url",
        `${url()}/rekor`,
        "abuse_oidc-1.0.0-py3-none-any.whl",
      ],
      dir,
      {
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: `${url()}/token?x=1`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "ghs_abuseREQUESTtoken0123456789",
      },
    );
  test("a 20 MB 'token' → refused at 1 MiB", async () => {
    refused(await sign("huge-token"), /OIDC endpoint's answer is larger than 1 MiB/);
  });
  for (const m of ["malformed", "html"] as const)
    test(`${m} → "returned no token"`, async () => {
      refused(await sign(m), /the GitHub Actions OIDC endpoint returned no token/);
    });
});

describe.skipIf(!hasBinary())("a hostile package index (shipline upload)", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    mkdirSync(join(dir, "dist"));
    makeWheel(join(dir, "dist"), { name: "abuse-index" });
  });
  const upload = (m: Mode) =>
    run(
      m,
      ["upload", "dist/abuse_index-1.0.0-py3-none-any.whl", "--repository-url", `${url()}/legacy/`],
      dir,
      {
        SHIPLINE_PYPI_TOKEN: "pypi-abuseTESTtoken0123456789abcdef",
        SHIPLINE_HTTP_BACKOFF_MS: "1",
        SHIPLINE_UPLOAD_TIMEOUT: "1",
      },
      (method) => method === "POST",
    );
  test("a 200 MB answer to the upload → refused at the size limit, not re-sent", async () => {
    const r = await upload("huge-error");
    refused(
      r,
      /the index's answer to the upload of abuse_index-1\.0\.0-py3-none-any\.whl is larger than 64 MiB/,
    );
    expect(r.requests.filter((q) => q.startsWith("POST"))).toHaveLength(1);
  });
  test("an HTML page with status 200 → not taken for an upload result", async () => {
    refused(await upload("html"), /answered .*upload with an HTML page/);
  });
  test("a server that never answers → bounded by SHIPLINE_UPLOAD_TIMEOUT, one line", async () => {
    const r = await upload("stall");
    refused(r, /abuse_index-1\.0\.0-py3-none-any\.whl/);
    expect(r.stderr).not.toContain("pypi-abuseTESTtoken0123456789abcdef");
  });
});

/**
 * `shipline upload` (compiled binary) against the PyPI stand-in: the form PyPI builds the
 * release from, duplicates settled by sha256, retries under injected 503/429/resets, and
 * responses lost after the index stored the file.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { tempDir } from "../helpers/repo.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { makeSdist, makeWheel } from "./fixtures.ts";

setDefaultTimeout(60_000);

let pypi: PypiServer;
beforeAll(async () => {
  pypi = await startPypi();
});
afterAll(() => pypi.stop());

const env = (extra: Record<string, string> = {}) => ({
  SHIPLINE_PYPI_TOKEN: pypi.token,
  SHIPLINE_HTTP_BACKOFF_MS: "5",
  HOME: tempDir("upload-home-"),
  ...extra,
});
const upload = (files: string[], extra: string[] = [], e: Record<string, string> = {}) =>
  shipline(["upload", "--repository-url", pypi.uploadUrl, ...extra, ...files], { env: env(e) });
const posts = (filename: string) => pypi.uploads.filter((u) => u.filename === filename);

describe.skipIf(!hasBinary())("shipline upload", () => {
  test("uploads wheel then sdist; the release metadata comes from PyPI's form field names", async () => {
    const d = tempDir();
    const sdist = makeSdist(d, { name: "up-happy" });
    const wheel = makeWheel(d, { name: "up-happy" });
    const r = await upload([sdist, wheel], ["--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { filename: string; status: string }) => [f.filename, f.status])).toEqual([
      ["up_happy-1.0.0-py3-none-any.whl", "uploaded"],
      ["up_happy-1.0.0.tar.gz", "uploaded"],
    ]);
    const json = (await (await fetch(`${pypi.url}/pypi/up-happy/json`)).json()) as {
      info: { summary: string; classifiers: string[]; requires_python: string };
      urls: { filename: string; digests: { sha256: string } }[];
    };
    expect(json.info.summary).toBe("A demo package for shipline tests");
    expect(json.info.classifiers).toEqual([
      "Programming Language :: Python :: 3",
      "License :: OSI Approved :: MIT License",
    ]);
    expect(json.info.requires_python).toBe(">=3.8");
    const sha = new Bun.CryptoHasher("sha256").update(readFileSync(wheel)).digest("hex");
    expect(json.urls.find((u) => u.filename.endsWith(".whl"))?.digests.sha256).toBe(sha);
    expect(r.stderr).not.toContain(pypi.token);
  });

  test("the same file again: 'already uploaded', nothing sent; --skip-existing is accepted", async () => {
    const wheel = makeWheel(tempDir(), { name: "up-again" });
    expect((await upload([wheel])).code).toBe(0);
    const before = posts("up_again-1.0.0-py3-none-any.whl").length;
    const r = await upload([wheel], ["--skip-existing"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("already uploaded");
    expect(posts("up_again-1.0.0-py3-none-any.whl").length).toBe(before);
  });

  test("a different file under the same name: hard error before sending, saying PyPI never overwrites", async () => {
    const first = makeWheel(tempDir(), { name: "up-conflict" });
    expect((await upload([first])).code).toBe(0);
    const other = makeWheel(tempDir(), { name: "up-conflict", variant: "rebuilt" });
    for (const extra of [[], ["--skip-existing"]]) {
      const r = await upload([other], extra);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("already on the index with different contents");
      expect(r.stderr).toContain("never allows a file to be overwritten");
    }
    expect(posts("up_conflict-1.0.0-py3-none-any.whl")).toHaveLength(1);
  });

  test("'File already exists' from the index is settled by digest, never skipped", async () => {
    const dir = tempDir();
    const ours = makeWheel(dir, { name: "up-race" });
    const theirs = makeWheel(tempDir(), { name: "up-race", variant: "theirs" });
    pypi.seed({
      project: "up-race",
      version: "1.0.0",
      filename: "up_race-1.0.0-py3-none-any.whl",
      bytes: readFileSync(theirs),
    });
    // The probe misses it (a stale index page), so the POST meets PyPI's duplicate rule.
    pypi.faults.add({ method: "GET", path: /^\/simple\/up-race\//, status: 404, times: 1 });
    const r = await upload([ours]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("different contents");
    expect(posts("up_race-1.0.0-py3-none-any.whl").map((u) => u.status)).toEqual([400]);
  });

  test("PyPI's hourly new-project limit (429 Too many new projects created): stopped at once, not hammered", async () => {
    const limited = await startPypi({ newProjectsPerHour: 1 });
    try {
      const dir = tempDir();
      const first = makeWheel(dir, { name: "up-first" });
      const second = makeWheel(dir, { name: "up-second" });
      const r = await shipline(["upload", "--repository-url", limited.uploadUrl, first, second], {
        env: { ...env(), SHIPLINE_PYPI_TOKEN: limited.token },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        "PyPI refused up_second-1.0.0-py3-none-any.whl: 429 Too many new projects created",
      );
      expect(r.stderr).toContain("run again (or `shipline resume`) in an hour");
      expect(r.stderr).not.toContain("retrying");
      expect(limited.uploads.filter((u) => u.filename.startsWith("up_second")).map((u) => u.status)).toEqual([
        429,
      ]);
      expect(limited.files("up-first")).toHaveLength(1);
    } finally {
      await limited.stop();
    }
  });

  test("injected 503, 429 and a connection reset: retried with backoff, stored once", async () => {
    const wheel = makeWheel(tempDir(), { name: "up-retry" });
    const fn = "up_retry-1.0.0-py3-none-any.whl";
    pypi.faults.add({ method: "POST", path: /^\/legacy\//, status: 503, times: 1 });
    pypi.faults.add({
      method: "POST",
      path: /^\/legacy\//,
      status: 429,
      times: 1,
      headers: { "retry-after": "0" },
    });
    pypi.faults.add({ method: "POST", path: /^\/legacy\//, reset: true, times: 1 });
    const r = await upload([wheel]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("503");
    expect(r.stderr).toContain("429");
    expect(r.stderr).toContain("connection failed");
    expect(pypi.files("up-retry")).toHaveLength(1);
    expect(posts(fn).map((u) => u.status)).toEqual([200]);
  });

  test("the index stored the file but the response was lost (502 after handling): found by sha256, not resent", async () => {
    const wheel = makeWheel(tempDir(), { name: "up-lost" });
    const fn = "up_lost-1.0.0-py3-none-any.whl";
    pypi.faults.add({ method: "POST", path: /^\/legacy\//, status: 502, afterHandling: true, times: 1 });
    const r = await upload([wheel]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("reached the index");
    expect(posts(fn)).toHaveLength(1);
  });

  test("a permanent refusal shows PyPI's own text and is not retried", async () => {
    const wheel = makeWheel(tempDir(), { name: "up-denied" });
    const refusedBefore = pypi.uploads.filter((u) => u.status === 403).length;
    const r = await upload([wheel], [], { SHIPLINE_PYPI_TOKEN: "pypi-not-a-valid-token" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("403 Invalid or non-existent authentication information");
    expect(r.stderr).not.toContain("pypi-not-a-valid-token");
    expect(pypi.uploads.filter((u) => u.status === 403).length).toBe(refusedBefore + 1);
  });

  test("credentials from ~/.pypirc with --repository", async () => {
    const home = tempDir("pypirc-");
    await Bun.write(
      `${home}/.pypirc`,
      `[distutils]\nindex-servers =\n    local\n\n[local]\nrepository: ${pypi.uploadUrl}\nusername: __token__\npassword: ${pypi.token}\n`,
    );
    const wheel = makeWheel(tempDir(), { name: "up-rc" });
    const r = await shipline(["upload", "--repository", "local", wheel], {
      env: {
        HOME: home,
        SHIPLINE_HTTP_BACKOFF_MS: "5",
        SHIPLINE_PYPI_TOKEN: undefined,
        TWINE_PASSWORD: undefined,
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(".pypirc");
    expect(r.stderr).not.toContain(pypi.token);
    expect(pypi.files("up-rc")).toHaveLength(1);
  });

  test("no credentials at all: one clear line with what to do", async () => {
    const wheel = makeWheel(tempDir(), { name: "up-nocred" });
    const r = await shipline(["upload", "--repository-url", pypi.uploadUrl, wheel], {
      env: {
        HOME: tempDir(),
        SHIPLINE_PYPI_TOKEN: undefined,
        TWINE_PASSWORD: undefined,
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no credentials for the package index");
    expect(r.stderr).toContain("SHIPLINE_PYPI_TOKEN");
  });

  test("wrong URLs: /legacy without the slash (308) and the simple index (405) get a fix, not a retry loop", async () => {
    const wheel = makeWheel(tempDir(), { name: "up-url" });
    const r1 = await shipline(["upload", "--repository-url", pypi.uploadUrl.replace(/\/$/, ""), wheel], {
      env: env(),
    });
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain("uploads never follow redirects");
    expect(r1.stderr).toContain("ends with a slash");
    const r2 = await shipline(["upload", "--repository-url", `${pypi.url}/simple/`, wheel], { env: env() });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain("405");
    expect(pypi.files("up-url")).toHaveLength(0);
  });

  test("a stalled upload times out (SHIPLINE_UPLOAD_TIMEOUT), is probed, and retried once stored", async () => {
    const wheel = makeWheel(tempDir(), { name: "up-stall" });
    pypi.faults.add({ method: "POST", path: /^\/legacy\//, stallMs: 2500, times: 1 });
    const r = await upload([wheel], [], { SHIPLINE_UPLOAD_TIMEOUT: "1" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("connection failed");
    expect(pypi.files("up-stall")).toHaveLength(1);
  });
});

/**
 * The pieces under `shipline upload`, checked against independent parsers: the form fields
 * PyPI reads (from a real checked wheel), the streamed multipart body (exact length, parsed by
 * the stand-in's parser), ~/.pypirc in configparser syntax, and the credential order.
 */
import { describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { checkDistribution } from "../../src/dist/check.ts";
import { parsePypirc, resolveTarget } from "../../src/pypi/credentials.ts";
import { uploadFields } from "../../src/pypi/form.ts";
import { indexBaseFor } from "../../src/pypi/http.ts";
import { multipartBody } from "../../src/pypi/multipart.ts";
import { tempDir } from "../helpers/repo.ts";
import { parseMultipart } from "../servers/multipart.ts";
import { makeSdist, makeWheel } from "./fixtures.ts";

describe("upload form", () => {
  test("uses warehouse's field names; keywords once; digests hex; no md5", async () => {
    const checked = await checkDistribution(makeWheel(tempDir(), { name: "Form_Pkg" }));
    const fields = uploadFields(checked);
    const get = (n: string) => fields.filter(([k]) => k === n).map(([, v]) => v);
    expect(get("filetype")).toEqual(["bdist_wheel"]);
    expect(get("pyversion")).toEqual(["py3"]);
    expect(get("name")).toEqual(["Form_Pkg"]);
    expect(get("classifiers")).toHaveLength(2);
    expect(get("project_urls")).toEqual(["Source, https://example.invalid/src"]);
    expect(get("home_page")).toEqual(["https://example.invalid/demo"]);
    expect(get("author_email")).toEqual(["demo@example.invalid"]);
    expect(get("keywords")).toHaveLength(1);
    expect(get("description_content_type")).toEqual(["text/markdown"]);
    expect(get("sha256_digest")).toEqual([checked.digests.sha256]);
    expect(get("blake2_256_digest")).toEqual([checked.digests.blake2_256]);
    expect(get("md5_digest")).toEqual([]);
    expect(fields.some(([k]) => /[A-Z-]/.test(k) && k !== ":action")).toBe(false);
  });

  test("sdist pyversion is source", async () => {
    const checked = await checkDistribution(makeSdist(tempDir(), { name: "form-sdist" }));
    expect(uploadFields(checked).find(([k]) => k === "pyversion")?.[1]).toBe("source");
  });
});

describe("streamed multipart body", () => {
  test("Content-Length is exact and the body parses back to the same fields and bytes", async () => {
    const dir = tempDir();
    const path = makeWheel(dir, { name: "mp-pkg", pad: 700_000 });
    const bytes = readFileSync(path);
    const fields: [string, string][] = [
      ["name", 'a "quoted" name'],
      ["description", "line one\r\nline two ünïcode"],
    ];
    const body = multipartBody(fields, {
      path,
      filename: "mp_pkg-1.0.0-py3-none-any.whl",
      size: bytes.length,
    });
    let last = 0;
    const raw = Buffer.from(await new Response(body.stream((n) => (last = n))).arrayBuffer());
    expect(raw.length).toBe(body.length);
    expect(last).toBe(body.length);
    const parts = parseMultipart(raw, body.contentType);
    expect(parts.map((p) => p.name)).toEqual(["name", "description", "content"]);
    expect(parts[1]!.data.toString("utf8")).toBe("line one\r\nline two ünïcode");
    expect(parts[2]!.type).toBe("application/octet-stream");
    expect(Buffer.compare(parts[2]!.data, bytes)).toBe(0);
  });

  test("a file that is not the expected bytes fails the stream before the closing boundary", async () => {
    const path = makeWheel(tempDir(), { name: "mp-bad" });
    const size = readFileSync(path).length;
    const body = multipartBody([], { path, filename: "x.whl", size });
    const err = await new Response(body.stream(undefined, "0".repeat(64))).arrayBuffer().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(body.changed?.expected).toBe("0".repeat(64));
  });

  test("a request that goes away (timeout) stops the file being read", async () => {
    const path = join(tempDir(), "big.whl");
    const size = 128 << 20;
    // written in pieces: a 128 MiB buffer would stay in the test runner's heap
    const fd = openSync(path, "w");
    const piece = new Uint8Array(1 << 20);
    for (let i = 0; i < size; i += piece.length) writeSync(fd, piece);
    closeSync(fd);
    // a server that reads bodies slowly, so the send outlives the client's timeout
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      maxRequestBodySize: 2 ** 30,
      async fetch(req) {
        for await (const _ of req.body ?? []) await Bun.sleep(5);
        return new Response("ok");
      },
    });
    try {
      const body = multipartBody([], { path, filename: "big.whl", size });
      let sent = 0;
      const err = await fetch(`http://127.0.0.1:${server.port}/`, {
        method: "POST",
        body: body.stream((n) => (sent = n)),
        headers: { "Content-Length": String(body.length) },
        signal: AbortSignal.timeout(150),
        // @ts-expect-error streaming request bodies need duplex
        duplex: "half",
      }).catch((e) => e);
      expect((err as Error).name).toBe("TimeoutError");
      await Bun.sleep(300);
      const after = sent;
      await Bun.sleep(300);
      // nothing more is read once the request is gone (it used to run to the end of the file)
      expect(sent).toBe(after);
      expect(sent).toBeLessThan(size);
    } finally {
      server.stop(true);
    }
  }, 30_000);
});

describe("credentials and URLs", () => {
  test("~/.pypirc: configparser syntax (':' or '='), continuation lines, comments", () => {
    const s = parsePypirc(
      "[distutils]\nindex-servers =\n    pypi\n    private\n\n# comment\n[private]\nrepository: https://pkgs.example/legacy/\nusername = __token__\npassword: pypi-secret-value\n",
      "/x/.pypirc",
    );
    expect(s.distutils!["index-servers"]).toBe("\npypi\nprivate");
    expect(s.private).toEqual({
      repository: "https://pkgs.example/legacy/",
      username: "__token__",
      password: "pypi-secret-value",
    });
    expect(() => parsePypirc("password = x\n", "/x/.pypirc")).toThrow(
      "Malformed configuration in /x/.pypirc.",
    );
  });

  test("order: SHIPLINE_PYPI_TOKEN › TWINE_PASSWORD › .pypirc › Trusted Publishing", () => {
    const home = tempDir();
    writeFileSync(join(home, ".pypirc"), "[pypi]\npassword = pypi-from-rc\n");
    const base = { HOME: home };
    const url = { defaultUrl: "https://upload.pypi.org/legacy/" };
    const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: "http://x/", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "abcdefgh" };
    expect(
      resolveTarget(url, { ...base, ...oidc, SHIPLINE_PYPI_TOKEN: "pypi-a1", TWINE_PASSWORD: "pypi-b2" })
        .credentials.source,
    ).toBe("SHIPLINE_PYPI_TOKEN");
    expect(resolveTarget(url, { ...base, ...oidc, TWINE_PASSWORD: "pypi-b2" }).credentials.source).toBe(
      "TWINE_PASSWORD",
    );
    expect(resolveTarget(url, { ...base, ...oidc }).credentials.source).toContain(".pypirc");
    expect(resolveTarget(url, { HOME: tempDir(), ...oidc }).credentials.kind).toBe("trusted-publishing");
    expect(resolveTarget({ ...url, repository: "testpypi" }, { HOME: tempDir(), ...oidc }).url).toBe(
      "https://test.pypi.org/legacy/",
    );
  });

  test("read APIs live on pypi.org for upload.pypi.org, else next to /legacy/ (or Azure's /upload/)", () => {
    expect(indexBaseFor("https://upload.pypi.org/legacy/")).toBe("https://pypi.org");
    expect(indexBaseFor("https://test.pypi.org/legacy/")).toBe("https://test.pypi.org");
    expect(indexBaseFor("http://127.0.0.1:8080/legacy/")).toBe("http://127.0.0.1:8080");
    expect(indexBaseFor("https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/upload/")).toBe(
      "https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi",
    );
    // GitLab, Artifactory, devpi: uploads go to the base itself
    expect(indexBaseFor("https://gitlab.example/api/v4/projects/7/packages/pypi")).toBe(
      "https://gitlab.example/api/v4/projects/7/packages/pypi",
    );
    expect(indexBaseFor("https://devpi.example/team/dev/")).toBe("https://devpi.example/team/dev");
  });
});

/** The two guards hostile text and hostile servers meet first: the size-limited body reader and the logger's escaping. */
import { describe, expect, test } from "bun:test";
import { bufferedResponse, ResponseTooLarge, readBodyLimited } from "../../src/net/bounded-body.ts";
import { createLogger, escapeControls } from "../../src/ui/log.ts";

/** A body of `total` bytes in 64 KiB chunks; counts what the reader actually pulled. */
function stream(total: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const chunk = new Uint8Array(65_536).fill(97);
  return {
    body: new ReadableStream({
      pull(c) {
        if (sent >= total) return c.close();
        c.enqueue(chunk);
        sent += chunk.byteLength;
      },
    }),
    pulled: () => sent,
  };
}

describe("readBodyLimited", () => {
  test("under the limit: every byte", async () => {
    const s = stream(200_000);
    expect((await readBodyLimited(new Response(s.body), "x", 1 << 20)).byteLength).toBe(262_144);
  });
  test("a streamed body over the limit stops being read just past it", async () => {
    const s = stream(100 << 20);
    const e = await readBodyLimited(new Response(s.body), "GitHub's answer to GET /x", 1 << 20).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(ResponseTooLarge);
    expect(e.message).toBe("GitHub's answer to GET /x is larger than 1 MiB; refusing to read it");
    expect(s.pulled()).toBeLessThan(2 << 20);
  });
  test("a declared Content-Length over the limit is refused before reading", async () => {
    const s = stream(100 << 20);
    const res = new Response(s.body, { headers: { "content-length": String(100 << 20) } });
    await expect(readBodyLimited(res, "x", 1 << 20)).rejects.toBeInstanceOf(ResponseTooLarge);
    expect(s.pulled()).toBeLessThanOrEqual(65_536 * 2); // at most what the stream pre-buffered
  });
  test("bufferedResponse keeps status and headers, drops the stale encoding/length", async () => {
    const res = new Response("hello", {
      status: 201,
      headers: { "content-type": "application/json", "content-encoding": "gzip", "x-a": "1" },
    });
    const b = await bufferedResponse(res, "x");
    expect([b.status, await b.text(), b.headers.get("x-a"), b.headers.get("content-encoding")]).toEqual([
      201,
      "hello",
      "1",
      null,
    ]);
    expect((await bufferedResponse(new Response(null, { status: 204 }), "x")).status).toBe(204);
  });
});

describe("escapeControls (human output)", () => {
  test("OSC, CSI, BEL, CR, C1 and DEL are shown, tabs and newlines kept", () => {
    expect(escapeControls("a\x1b]0;t\x07b\x1b[2Jc\rd\x9b31me\x7f\tf\ng", () => false)).toBe(
      "a\\x1b]0;t\\x07b\\x1b[2Jc\\x0dd\\x9b31me\\x7f\tf\ng",
    );
  });
  test("colour sequences pass only while colour is on", () => {
    expect(escapeControls("\x1b[31mred\x1b[0m", () => true)).toBe("\x1b[31mred\x1b[0m");
    expect(escapeControls("\x1b[31mred\x1b[0m", () => false)).toBe("\\x1b[31mred\\x1b[0m");
    expect(escapeControls("\x1b[31mred\x1b]0;x\x07", () => true)).toBe("\x1b[31mred\\x1b]0;x\\x07");
  });
  test("plain text is returned as is, without asking about colour", () => {
    let asked = false;
    expect(
      escapeControls("feat: $(rm -rf /) `id` ünïcödé 🚀", () => {
        asked = true;
        return true;
      }),
    ).toBe("feat: $(rm -rf /) `id` ünïcödé 🚀");
    expect(asked).toBe(false);
  });
  test("the logger escapes what it is given, in every level", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), env: { NO_COLOR: "1" } });
    log.info("i \x1b]52;c;eA==\x07");
    log.warn("w \x1b[H");
    log.error("e \x07");
    expect(lines.join("\n")).not.toMatch(/[\x07\x1b]/);
    expect(lines).toEqual(["i \\x1b]52;c;eA==\\x07", "⚠ w \\x1b[H", "✖ e \\x07"]);
  });
});

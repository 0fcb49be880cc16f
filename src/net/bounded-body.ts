/**
 * Reading HTTP answers from servers we do not control (GitHub, an index, an OIDC endpoint)
 * with a ceiling: `res.text()`/`res.json()` would buffer whatever arrives — a broken proxy or a
 * hostile server streaming 200 MB, or forever, takes the whole runner's memory. Every body is
 * read chunk by chunk and the connection is cut once it passes the limit.
 */
import { ShiplineError } from "../errors.ts";

/** Far above any answer we read (a PyPI JSON page of a big project is a few MB). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export class ResponseTooLarge extends ShiplineError {}

/**
 * The body's bytes, at most `max`; beyond that the stream is cancelled and ResponseTooLarge
 * thrown. `what` names the answer in the error: "the index's answer to GET /simple/x/".
 */
export async function readBodyLimited(
  res: Response,
  what: string,
  max = MAX_RESPONSE_BYTES,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new ResponseTooLarge(
      `${what} is larger than ${Math.round(max / 1024 / 1024)} MiB; refusing to read it`,
      "check the URL (a proxy or a wrong endpoint answers like this), then run again",
    );
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export async function textLimited(res: Response, what: string, max = MAX_RESPONSE_BYTES): Promise<string> {
  return new TextDecoder().decode(await readBodyLimited(res, what, max));
}

/** The same response with its body read within the limit (for clients that take a Response). */
export async function bufferedResponse(
  res: Response,
  what: string,
  max = MAX_RESPONSE_BYTES,
): Promise<Response> {
  const body = await readBodyLimited(res, what, max);
  const nullBody = res.status === 204 || res.status === 205 || res.status === 304;
  // The body is already decoded: its original encoding and length no longer describe it.
  const headers = new Headers(res.headers);
  headers.delete("content-encoding");
  headers.delete("content-length");
  return new Response(nullBody ? null : (body as BodyInit), {
    status: res.status,
    statusText: res.statusText,
    headers,
  });
}

/** A fetch whose answers are read within the limit before the caller sees them. */
export function boundedFetch(server: string, max = MAX_RESPONSE_BYTES): typeof fetch {
  const f = async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return bufferedResponse(
      res,
      `${server}'s answer to ${init?.method ?? "GET"} ${new URL(url).pathname}`,
      max,
    );
  };
  return f as typeof fetch;
}

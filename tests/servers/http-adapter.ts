/**
 * Serve a fetch-style handler (Request → Response, the shape Faults.wrap works with) on
 * node:http instead of Bun.serve, for one reason: Bun.serve cannot send a custom HTTP reason
 * phrase, and PyPI puts its error text there (`400 File already exists (…)`) — twine prints
 * the reason phrase, so a stand-in without it would not be honest. A handler sets the phrase
 * with the private `x-standin-reason` header, which never reaches the client.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { Readable } from "node:stream";

export type FetchHandler = (req: Request) => Response | Promise<Response>;
export const REASON_HEADER = "x-standin-reason";

export interface AdaptedServer {
  port: number;
  server: Server;
  stop(): Promise<void>;
}

function toRequest(req: IncomingMessage, port: number): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://127.0.0.1:${port}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>) : undefined,
    // @ts-expect-error duplex is required for streaming request bodies (fetch spec), not in lib.dom yet
    duplex: "half",
  });
}

/** Latin-1 only, like warehouse's `_exc_with_message` (others become "?"). */
const latin1 = (s: string) => s.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");

export async function serveFetch(handler: FetchHandler): Promise<AdaptedServer> {
  let port = 0;
  const server = createServer(async (req, res) => {
    let response: Response;
    let body: Uint8Array;
    try {
      response = await handler(toRequest(req, port));
      // Whole body first: an erroring body (an injected reset) must close the socket before any
      // status line is written, so the client sees a dropped connection, not a truncated 200.
      body = new Uint8Array(await response.arrayBuffer());
    } catch {
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      if (k !== REASON_HEADER && k !== "content-length") headers[k] = v;
    });
    headers["content-length"] = String(body.byteLength);
    const reason = response.headers.get(REASON_HEADER);
    if (reason) res.writeHead(response.status, latin1(reason), headers);
    else res.writeHead(response.status, headers);
    res.end(body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  port = (server.address() as { port: number }).port;
  return {
    port,
    server,
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

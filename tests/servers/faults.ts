/**
 * Per-request fault injection shared by every stand-in: answer a status (5xx/429), reset the
 * connection, or stall, for the next N requests matching a method and path pattern.
 *
 *   const faults = new Faults();
 *   faults.add({ method: "POST", path: /\/releases$/, status: 502, times: 1 });
 *   Bun.serve({ fetch: faults.wrap(handler) });
 */
export interface FaultSpec {
  method?: string;
  path: RegExp;
  /** Answer this status instead of handling (after handling, with `afterHandling`). */
  status?: number;
  /** Close the connection without a response. */
  reset?: boolean;
  /** Wait this long before answering (a stall). */
  stallMs?: number;
  /** Let the real handler run first (the effect happens), then fail the response: the nastiest case. */
  afterHandling?: boolean;
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
  times?: number;
}

type Handler = (req: Request) => Response | Promise<Response>;

/** A response whose body errors mid-stream: Bun closes the socket, the client sees a reset. */
function resetResponse(): Response {
  return new Response(
    new ReadableStream({
      start(c) {
        c.error(new Error("injected connection reset"));
      },
    }),
    { status: 200, headers: { "content-length": "100" } },
  );
}

export class Faults {
  private specs: (FaultSpec & { left: number })[] = [];
  /** Every request seen, for assertions ("exactly one POST /releases took effect"). */
  readonly log: { method: string; path: string; fault?: string }[] = [];

  add(spec: FaultSpec): this {
    this.specs.push({ ...spec, left: spec.times ?? 1 });
    return this;
  }

  clear(): void {
    this.specs = [];
  }

  private take(req: Request): (FaultSpec & { left: number }) | undefined {
    const url = new URL(req.url);
    const s = this.specs.find(
      (f) => f.left > 0 && (!f.method || f.method === req.method) && f.path.test(url.pathname + url.search),
    );
    if (s) s.left--;
    return s;
  }

  wrap(handler: Handler): Handler {
    return async (req) => {
      const url = new URL(req.url);
      const f = this.take(req);
      const entry: { method: string; path: string; fault?: string } = {
        method: req.method,
        path: url.pathname,
      };
      this.log.push(entry);
      if (!f) return handler(req);
      entry.fault = f.reset ? "reset" : f.status ? String(f.status) : f.stallMs ? "stall" : "none";
      if (f.stallMs) await Bun.sleep(f.stallMs);
      if (f.afterHandling) await handler(req);
      if (f.reset) return resetResponse();
      if (f.status)
        return new Response(JSON.stringify({ message: `injected ${f.status}` }), {
          status: f.status,
          headers: { "content-type": "application/json", ...f.headers },
        });
      return handler(req);
    };
  }
}

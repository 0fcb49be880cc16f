/** HTTP pieces shared by upload, the index probe and Trusted Publishing: URLs, retries, PyPI's error text. */
import { bufferedResponse, ResponseTooLarge } from "../net/bounded-body.ts";
import { redact } from "../ui/secrets.ts";
import { VERSION } from "../version.ts";

export const USER_AGENT = `shipline/${VERSION}`;

/**
 * Where the read APIs (`<base>/simple/<project>/`) live for an upload URL (spec §1.6): pypi.org
 * for upload.pypi.org, else the URL minus warehouse's `/legacy/` or Azure Artifacts' `/upload/`
 * (`…/_packaging/<feed>/pypi/upload/` takes uploads, `…/pypi/simple/` serves pip). GitLab,
 * Artifactory, Nexus, CodeArtifact and devpi take uploads at the base itself.
 */
export function indexBaseFor(uploadUrl: string): string {
  const u = new URL(uploadUrl);
  if (u.hostname === "upload.pypi.org" || u.hostname === "upload.pypi.io") return "https://pypi.org";
  const path = u.pathname.replace(/\/(legacy|upload)\/?$/, "").replace(/\/+$/, "");
  return `${u.origin}${path}`;
}

/** Statuses worth the same request again after a pause (spec §5.3); 409 = new-project race. */
export const TRANSIENT = new Set([408, 409, 429, 500, 502, 503, 504]);

export interface Backoff {
  /** First delay in ms (default 2000, env SHIPLINE_HTTP_BACKOFF_MS; tests make it tiny). */
  baseMs: number;
  maxMs: number;
  attempts: number;
}

export function backoffFromEnv(env: NodeJS.ProcessEnv = process.env): Backoff {
  const base = Number(env.SHIPLINE_HTTP_BACKOFF_MS);
  return { baseMs: Number.isFinite(base) && base >= 0 ? base : 2000, maxMs: 30_000, attempts: 6 };
}

/** Exponential with jitter in [½, 1]; a Retry-After (seconds) is honoured up to a minute. */
export function delayFor(b: Backoff, attempt: number, retryAfter?: string | null): number {
  const exp = Math.min(b.maxMs, b.baseMs * 2 ** attempt);
  const jittered = exp / 2 + Math.random() * (exp / 2);
  const ra = Number(retryAfter);
  return Number.isFinite(ra) && ra > 0 ? Math.max(jittered, Math.min(60_000, ra * 1000)) : jittered;
}

/**
 * PyPI's message for a failed request: JSON `code` (works on HTTP/2, which has no reason
 * phrase), else the reason phrase, else the first lines of the body without markup (§1.2).
 */
export function errorTextOf(res: Response, body: string): string {
  try {
    const j = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof j.code === "string" && j.code) return redact(j.code);
    if (typeof j.message === "string" && j.message) return redact(`${res.status} ${j.message}`);
  } catch {}
  const standard = STANDARD_PHRASES[res.status];
  if (res.statusText && res.statusText !== standard) return redact(`${res.status} ${res.statusText}`);
  const text = body
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
  return redact(`${res.status} ${res.statusText || standard || ""}${text ? `: ${text}` : ""}`.trim());
}

const STANDARD_PHRASES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** GET with retries on connection errors and transient statuses; returns the last response, its body read within the size limit. */
export async function getWithRetry(
  url: string,
  init: RequestInit,
  backoff: Backoff,
  timeoutMs = 30_000,
): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 0; attempt < backoff.attempts; attempt++) {
    try {
      const res = await fetch(url, {
        ...init,
        headers: { "User-Agent": USER_AGENT, ...(init.headers as Record<string, string>) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!TRANSIENT.has(res.status) || res.status === 409 || attempt === backoff.attempts - 1)
        return await bufferedResponse(res, `the index's answer to GET ${new URL(url).pathname}`);
      await res.arrayBuffer().catch(() => undefined);
      await Bun.sleep(delayFor(backoff, attempt, res.headers.get("retry-after")));
    } catch (e) {
      if (e instanceof ResponseTooLarge) throw e; // the same answer would come again
      lastError = e;
      if (attempt === backoff.attempts - 1) break;
      await Bun.sleep(delayFor(backoff, attempt));
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

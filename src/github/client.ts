/**
 * The GitHub REST client: Octokit core + REST endpoint methods, pagination, retry (5xx, with
 * backoff) and throttling (primary and secondary rate limits, honouring Retry-After), within
 * a bounded total waiting time. Errors become one line that says which permission is missing.
 *
 * This module is imported only by the pr/release stages, so `plan` and `--version` never load
 * Octokit.
 */
import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { ShiplineError } from "../errors.ts";
import { boundedFetch, ResponseTooLarge } from "../net/bounded-body.ts";
import type { Logger } from "../ui/log.ts";
import { registerSecret } from "../ui/secrets.ts";
import { VERSION } from "../version.ts";

/**
 * Each attempt gets its own deadline (an aborted request is a retryable status 500). Hooks
 * registered later wrap earlier ones, so this plugin comes first: it sits inside the retry
 * and throttling plugins and runs once per attempt, not once around all of them.
 */
function attemptTimeout(octokit: Octokit): void {
  const timeout = requestTimeoutMs();
  octokit.hook.wrap("request", (request, options) => {
    const opts = options as { request?: Record<string, unknown> };
    opts.request = { ...opts.request, signal: AbortSignal.timeout(timeout) };
    return Promise.resolve(request(options)).catch((e: unknown) => {
      // An answer over the size limit would come again: thrown as is (with the empty `request`
      // the retry plugin looks for), so it is not retried.
      const cause = (e as { cause?: unknown })?.cause;
      if (cause instanceof ResponseTooLarge) throw Object.assign(cause, { request: {} });
      throw e;
    });
  });
}

const ShiplineOctokit = Octokit.plugin(attemptTimeout, restEndpointMethods, paginateRest, retry, throttling);
export type Kit = InstanceType<typeof ShiplineOctokit>;

/** What an API call does, for error messages: "create the release v1.2.0" needs "contents: write". */
export interface Op {
  what: string;
  permission: string;
}

export const PERM = {
  contentsRead: "contents: read",
  contentsWrite: "contents: write",
  pullsRead: "pull-requests: read",
  pullsWrite: "pull-requests: write",
} as const;

/** Longest total time we wait on rate limits and retries before giving up (seconds). */
const WAIT_BUDGET_S = 300;

/** Per-request time limit (SHIPLINE_GITHUB_TIMEOUT seconds): a stalled connection is retried, not waited on forever. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.SHIPLINE_GITHUB_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000;
}

export interface GitHubOptions {
  owner: string;
  repo: string;
  token: string;
  baseUrl: string;
  log: Logger;
}

/** A "pass-through" limiter: our writes are few and strictly sequential (awaited one by one). */
const passThrough = {
  key: () => ({
    schedule: (_opts: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]) => fn(...args),
  }),
};

export interface RequestErrorLike {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string> };
}

export function isRequestError(e: unknown): e is RequestErrorLike {
  return typeof e === "object" && e !== null && typeof (e as { status?: unknown }).status === "number";
}

/** The API's validation errors (422): `{errors: [{code: "already_exists", …}]}`. */
export function apiErrorCodes(e: unknown): string[] {
  const data = isRequestError(e) ? (e.response?.data as { errors?: unknown } | undefined) : undefined;
  const errs = Array.isArray(data?.errors) ? data.errors : [];
  return errs.map((x) => (typeof x === "object" && x ? String((x as { code?: unknown }).code) : String(x)));
}

export class GitHub {
  readonly kit: Kit;
  readonly owner: string;
  readonly repo: string;
  readonly baseUrl: string;
  private waited = 0;

  constructor(readonly o: GitHubOptions) {
    registerSecret(o.token);
    this.owner = o.owner;
    this.repo = o.repo;
    this.baseUrl = o.baseUrl.replace(/\/+$/, "");
    const canWait = (
      after: number,
      count: number,
      kind: string,
      options: { method?: string; url?: string },
    ) => {
      if (count >= 3 || this.waited + after > WAIT_BUDGET_S) return false;
      this.waited += after;
      o.log.warn(`GitHub ${kind} on ${options.method} ${options.url}: waiting ${after}s before retrying`);
      return true;
    };
    this.kit = new ShiplineOctokit({
      auth: o.token,
      baseUrl: this.baseUrl,
      userAgent: `shipline/${VERSION}`,
      // Answers are read within a size limit: a hostile or broken endpoint cannot fill memory.
      request: { fetch: boundedFetch("GitHub") },
      log: { debug: () => {}, info: () => {}, warn: (m: string) => o.log.debug(m), error: () => {} },
      // Backoff (n+1)² × 250 ms for retries n = 1..3: 1 s, 2.25 s, 4 s (the plugin counts from 1).
      retry: { retries: 3, retryAfterBaseValue: 250 },
      throttle: {
        write: passThrough,
        notifications: passThrough,
        onRateLimit: (
          after: number,
          options: { method?: string; url?: string },
          _k: unknown,
          count: number,
        ) => canWait(after, count, "rate limit", options),
        onSecondaryRateLimit: (
          after: number,
          options: { method?: string; url?: string },
          _k: unknown,
          count: number,
        ) => canWait(after, count, "secondary rate limit", options),
      },
    } as unknown as ConstructorParameters<typeof ShiplineOctokit>[0]);
  }

  get slug(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** Run an API call; turn failures into one line naming what was attempted and the fix. */
  async call<T>(op: Op, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.explain(op, e);
    }
  }

  explain(op: Op, e: unknown): Error {
    if (e instanceof ShiplineError) return e;
    // Octokit wraps what our fetch threw (e.g. an answer over the size limit) as a "500".
    const cause = (e as { cause?: unknown })?.cause;
    if (cause instanceof ShiplineError)
      return new ShiplineError(`could not ${op.what} on GitHub: ${cause.message}`, cause.hint);
    if (!isRequestError(e))
      return new ShiplineError(
        e instanceof TypeError || e instanceof SyntaxError
          ? `could not ${op.what} on GitHub: the answer is not what the GitHub API sends (${e.message})`
          : `could not ${op.what} on GitHub: ${(e as Error)?.message ?? e}`,
        e instanceof TypeError || e instanceof SyntaxError
          ? "check GITHUB_API_URL: it must be the REST API root (e.g. https://api.github.com)"
          : undefined,
      );
    // Octokit appends " - <documentation_url>" to GitHub's message; a hostile server may send megabytes.
    const first =
      String(e.message)
        .split("\n")[0]
        ?.replace(/ - https?:\/\/\S+$/, "") ?? "";
    const msg = first.length > 300 ? `${first.slice(0, 300)}…` : first;
    const where = `${this.slug} (${this.baseUrl})`;
    // Octokit reports a request that got no whole answer (refused, reset, cut off, DNS) as a "500".
    if (e.status === 500 && !(e as { response?: unknown }).response)
      return new ShiplineError(
        `could not ${op.what}: no full answer from GitHub at ${this.baseUrl} (${msg})`,
        "check GITHUB_API_URL and the network; re-run (or `shipline resume`) once it answers",
      );
    if (e.status === 401)
      return new ShiplineError(
        `GitHub rejected the token (401 ${msg}) while trying to ${op.what}`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as is
        "set GITHUB_TOKEN to a valid token (in Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`)",
      );
    if (e.status === 403)
      return new ShiplineError(
        `GitHub refused to ${op.what} in ${where} (403 ${msg})`,
        `the token needs \`${op.permission}\`: add \`permissions: ${op.permission}\` to the workflow job (and allow Actions to create PRs in the repository settings)`,
      );
    if (e.status === 404)
      return new ShiplineError(
        `GitHub answered 404 while trying to ${op.what} in ${where}`,
        `check --repo/GITHUB_REPOSITORY and GITHUB_API_URL; a token without \`${op.permission}\` also sees 404`,
      );
    return new ShiplineError(`could not ${op.what} in ${where}: GitHub answered ${e.status} ${msg}`);
  }

  /** Every item of a list endpoint, newest first as GitHub sorts it, up to `max`. */
  async list<T>(route: string, params: Record<string, unknown>, max: number): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.kit.paginate.iterator(
      route as never,
      {
        owner: this.owner,
        repo: this.repo,
        per_page: 100,
        ...params,
      } as never,
    )) {
      for (const item of (page as { data: T[] }).data) {
        out.push(item);
        if (out.length >= max) return out;
      }
    }
    return out;
  }
}

/** A pull request as we use it. */
export interface Pull {
  number: number;
  title: string;
  body: string | null;
  state: string;
  html_url: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { ref: string };
  base: { ref: string };
  labels: { name?: string }[];
}

export interface Release {
  id: number;
  tag_name: string;
  name: string | null;
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
  html_url: string;
  upload_url: string;
  target_commitish: string;
  /** Published while the repository had immutable releases on: no asset can be added or removed. */
  immutable?: boolean;
}

export function labelNames(p: Pull): string[] {
  return p.labels.map((l) => l.name ?? "").filter(Boolean);
}

export function hasAllLabels(p: Pull, labels: string[]): boolean {
  const names = labelNames(p);
  return labels.every((l) => names.includes(l));
}

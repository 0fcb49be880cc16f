/**
 * PyPI Trusted Publishing (spec §2): audience from `<upload host>/_/oidc/audience`, an OIDC JWT
 * from the CI system (src/net/ambient-oidc.ts: GitHub Actions, GitLab CI/CD, Buildkite, CircleCI,
 * Google Cloud), a fresh one for every mint where the CI gives one (JWTs are single-use),
 * exchanged at `/_/oidc/mint-token` for a short-lived upload token. Tokens live in memory only (masked, redacted, never
 * checkpointed) and are minted again when close to expiry or refused as expired.
 * On refusal we print what gh-action-pypi-publish prints: PyPI's reasons, the claims PyPI
 * matched against the registered publisher, and what to change.
 */

import { ShiplineError } from "../errors.ts";
import { jwtClaims } from "../github/oidc.ts";
import {
  ambientIdToken,
  CI_NAMES,
  type CiKind,
  freshTokens,
  gitlabTokenVariable,
} from "../net/ambient-oidc.ts";
import { ResponseTooLarge, textLimited } from "../net/bounded-body.ts";
import type { Logger } from "../ui/log.ts";
import { registerSecret } from "../ui/secrets.ts";
import { type Backoff, delayFor, USER_AGENT } from "./http.ts";

const TROUBLESHOOTING = "https://docs.pypi.org/trusted-publishers/troubleshooting/";
const TIMEOUT_MS = 5000;

export interface MintedToken {
  token: string;
  expires: number;
  mintedAt: number;
}

/** The claims each kind of Trusted Publisher on PyPI is matched on (warehouse oidc/models/*.py). */
const CLAIMS: Record<CiKind, readonly string[]> = {
  github: [
    "sub",
    "repository",
    "repository_owner",
    "repository_owner_id",
    "workflow_ref",
    "job_workflow_ref",
    "ref",
    "environment",
  ],
  gitlab: ["sub", "project_path", "ci_config_ref_uri", "ref_path", "sha", "environment"],
  buildkite: ["sub", "organization_slug", "pipeline_slug", "build_branch", "build_tag", "step_key"],
  circleci: [
    "oidc.circleci.com/org-id",
    "oidc.circleci.com/project-id",
    "oidc.circleci.com/pipeline-definition-id",
    "oidc.circleci.com/context-ids",
    "oidc.circleci.com/vcs-ref",
    "oidc.circleci.com/vcs-origin",
    "oidc.circleci.com/ssh-rerun",
  ],
  google: ["email", "sub"],
};

const show = (v: unknown) =>
  v === undefined ? "MISSING" : typeof v === "object" ? JSON.stringify(v) : String(v);

/** What the publisher registered on PyPI must say for these claims to match it. */
function publisherFix(ci: CiKind, claims: Record<string, unknown>): string {
  const where = "on PyPI (project → Settings → Publishing)";
  switch (ci) {
    case "github": {
      const repo = String(claims.repository ?? "OWNER/REPO");
      const workflow =
        /\/\.github\/workflows\/([^@]+)@/.exec(String(claims.job_workflow_ref ?? ""))?.[1] ?? "<file>.yml";
      const env = claims.environment === undefined ? "(none)" : String(claims.environment);
      return `To fix: ${where} the GitHub publisher must name repository \`${repo}\`, workflow \`${workflow}\` and environment \`${env}\` (or none); or change the workflow/environment this job runs in to match the publisher.`;
    }
    case "gitlab": {
      const path = String(claims.project_path ?? "NAMESPACE/PROJECT");
      const cut = path.lastIndexOf("/");
      const file = /\/\/(.+\.ya?ml)@/.exec(String(claims.ci_config_ref_uri ?? ""))?.[1] ?? ".gitlab-ci.yml";
      const env = claims.environment === undefined ? "(none)" : String(claims.environment);
      return `To fix: ${where} the GitLab publisher must name namespace \`${path.slice(0, cut)}\`, project \`${path.slice(cut + 1)}\`, top-level pipeline file \`${file}\` and environment \`${env}\` (or none). PyPI trusts gitlab.com only, not self-managed GitLab.`;
    }
    case "buildkite":
      return `To fix: ${where} the Buildkite publisher must name organization \`${show(claims.organization_slug)}\` and pipeline \`${show(claims.pipeline_slug)}\` (and, if it sets them, this branch, tag and step key).`;
    case "circleci":
      return `To fix: ${where} the CircleCI publisher must name organization ID \`${show(claims["oidc.circleci.com/org-id"])}\`, project ID \`${show(claims["oidc.circleci.com/project-id"])}\` and pipeline definition ID \`${show(claims["oidc.circleci.com/pipeline-definition-id"])}\`.`;
    case "google":
      return `To fix: ${where} the Google publisher must name service account \`${show(claims.email)}\` (and, if it sets one, subject \`${show(claims.sub)}\`).`;
  }
}

async function fetchJson(
  url: string,
  init: RequestInit,
  backoff: Backoff,
): Promise<{ res: Response; body: unknown; text: string }> {
  let last: unknown;
  for (let attempt = 0; attempt < backoff.attempts; attempt++) {
    try {
      const res = await fetch(url, {
        ...init,
        headers: { "User-Agent": USER_AGENT, Accept: "application/json", ...(init.headers as object) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await textLimited(res, `${new URL(url).host}'s answer to ${new URL(url).pathname}`);
      if (res.status >= 500 && attempt < backoff.attempts - 1) {
        await Bun.sleep(delayFor(backoff, attempt, res.headers.get("retry-after")));
        continue;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {}
      return { res, body, text };
    } catch (e) {
      if (e instanceof ResponseTooLarge) throw e; // the same answer would come again
      last = e;
      if (attempt < backoff.attempts - 1) await Bun.sleep(delayFor(backoff, attempt));
    }
  }
  throw new ShiplineError(`Trusted Publishing: cannot reach ${url}: ${(last as Error)?.message ?? last}`);
}

export async function fetchAudience(uploadUrl: string, backoff: Backoff): Promise<string> {
  const origin = new URL(uploadUrl).origin;
  const { res, body } = await fetchJson(`${origin}/_/oidc/audience`, {}, backoff);
  const host = new URL(uploadUrl).host;
  if (res.status === 403)
    throw new ShiplineError(
      `Trusted Publishing: audience retrieval failed: the index at ${host} has trusted publishing disabled`,
      "use an API token (SHIPLINE_PYPI_TOKEN) for this index",
    );
  if (res.status === 404)
    throw new ShiplineError(
      `Trusted Publishing: audience retrieval failed: the index at ${host} does not indicate trusted publishing support`,
      "use an API token (SHIPLINE_PYPI_TOKEN) for this index, or check --repository-url",
    );
  const aud = (body as { audience?: unknown })?.audience;
  if (!res.ok || typeof aud !== "string")
    throw new ShiplineError(
      `Trusted Publishing: audience retrieval failed: ${host} responded with unexpected ${res.status}: ${res.statusText}`,
    );
  return aud;
}

/** Lines that explain a refused exchange: PyPI's reasons, the claims it matched, what to fix. */
export function explainRefusal(
  errors: { code?: string; description?: string }[],
  jwt: string,
  ci: CiKind = "github",
): string[] {
  const claims = jwtClaims(jwt);
  const lines = ["Token request failed: the server refused the request for the following reasons:"];
  for (const e of errors) lines.push(`  * \`${e.code ?? "?"}\`: ${e.description ?? ""}`);
  lines.push(
    `The ${CI_NAMES[ci]} claims PyPI matched against your Trusted Publisher (for debugging; not secret):`,
  );
  for (const c of CLAIMS[ci]) lines.push(`  * \`${c}\`: \`${show(claims[c])}\``);
  lines.push(publisherFix(ci, claims));
  if (
    ci === "github" &&
    claims.workflow_ref &&
    claims.job_workflow_ref &&
    claims.workflow_ref !== claims.job_workflow_ref
  )
    lines.push(
      `Note: this job runs in a reusable workflow (${String(claims.job_workflow_ref)} called from ${String(claims.workflow_ref)}); PyPI matches the called workflow and does not support reusable workflows for Trusted Publishing.`,
    );
  lines.push(`See ${TROUBLESHOOTING}`);
  return lines;
}

export class TrustedPublisher {
  private current?: MintedToken;
  private audience?: string;
  /** A fixed token already exchanged (GitLab): PyPI will not take it a second time. */
  private spent?: string;

  constructor(
    private readonly uploadUrl: string,
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv,
    private readonly backoff: Backoff,
    private readonly ci: CiKind = "github",
  ) {}

  /** A usable token: the cached one unless it is close to expiry (5 min, or a third of a short lifetime). */
  async token(): Promise<string> {
    const now = Date.now() / 1000;
    const c = this.current;
    if (c) {
      const margin = Math.min(300, (c.expires - c.mintedAt) / 3);
      if (now < c.expires - margin) return c.token;
    }
    this.current = await this.mint();
    return this.current.token;
  }

  /** The index refused the token (expired/unknown): forget it so the next call mints again. */
  invalidate(): void {
    this.current = undefined;
  }

  private async mint(retryReuse = true): Promise<MintedToken> {
    this.audience ??= await fetchAudience(this.uploadUrl, this.backoff);
    let jwt: string;
    try {
      jwt = await ambientIdToken(this.ci, this.audience, this.env);
    } catch (e) {
      const fork = this.ci === "github" && this.env.GITHUB_EVENT_NAME === "pull_request";
      throw new ShiplineError(
        `Trusted Publishing: OpenID Connect token retrieval failed: ${(e as Error).message}`,
        fork
          ? "pull requests (especially from forks) get no OIDC token: publish from a tag, release or workflow_dispatch"
          : this.ci === "github"
            ? "give the publishing job `permissions: id-token: write`"
            : ((e as ShiplineError).hint ?? "see the error above"),
      );
    }
    if (jwt === this.spent)
      throw new ShiplineError(
        `Trusted Publishing: ${CI_NAMES[this.ci]} gives a job one OIDC token (${gitlabTokenVariable(this.audience)}), and PyPI has already exchanged it (each token is taken once)`,
        "run `shipline resume` in a new job (it gets a new token): files already on the index are not sent again",
      );
    if (!freshTokens(this.ci)) this.spent = jwt;
    const url = `${new URL(this.uploadUrl).origin}/_/oidc/mint-token`;
    const { res, body } = await fetchJson(
      url,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: jwt }),
      },
      this.backoff,
    );
    const b = body as {
      token?: unknown;
      expires?: unknown;
      errors?: { code?: string; description?: string }[];
    };
    if (res.status === 422 && Array.isArray(b?.errors)) {
      if (retryReuse && b.errors.some((e) => e.code === "invalid-reuse-token")) return this.mint(false);
      for (const line of explainRefusal(b.errors, jwt, this.ci)) this.log.info(line);
      const codes = b.errors.map((e) => e.code).join(", ");
      throw new ShiplineError(
        `Trusted Publishing: PyPI refused to mint an upload token (${codes}): ${b.errors[0]?.description ?? ""}`,
        "make the Trusted Publisher registered on PyPI match the claims listed above",
      );
    }
    if (!res.ok || body === undefined)
      throw new ShiplineError(
        `Trusted Publishing: token request failed: the index produced an unexpected ${res.status} response`,
        "the index may be down (https://status.python.org/); retry with `shipline resume`",
      );
    if (typeof b.token !== "string")
      throw new ShiplineError(
        "Trusted Publishing: token response error: the index gave us an invalid response",
      );
    registerSecret(b.token);
    const now = Date.now() / 1000;
    const expires = typeof b.expires === "number" ? b.expires : now + 900;
    this.log.info(`Trusted Publishing: minted a ${Math.round(expires - now)} s upload token`);
    return { token: b.token, expires, mintedAt: now };
  }
}

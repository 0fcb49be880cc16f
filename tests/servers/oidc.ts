/**
 * Stand-in for the GitHub Actions OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) and its
 * issuer's JWKS. Tokens are real ES256 JWTs with the claims GitHub puts in them, so the PyPI
 * stand-in (mint-token) and the Sigstore stand-in (Fulcio) can verify them for real.
 */
import { Faults } from "./faults.ts";

export interface OidcClaimsInput {
  /**
   * Whose tokens: GitHub Actions (default), GitLab CI/CD (`iss` https://gitlab.com, the claims
   * of GitLab's `id_tokens`; `repository` is the project path, `workflow` the pipeline file) or
   * Buildkite (`iss` https://agent.buildkite.com; `repository` is organization/pipeline).
   */
  provider?: "github" | "gitlab" | "buildkite";
  repository?: string;
  ref?: string;
  workflow?: string;
  environment?: string;
  eventName?: string;
  sha?: string;
}

export interface OidcServer {
  url: string;
  /** `iss` of the tokens (defaults to GitHub's real issuer, so identity policies look real). */
  issuer: string;
  /** Environment for a shipline process: ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN. */
  env: Record<string, string>;
  publicKey: CryptoKey;
  faults: Faults;
  /** Mint a token directly (for stand-ins' own tests). */
  mint(audience: string, overrides?: Record<string, unknown>): Promise<string>;
  verify(token: string): Promise<Record<string, unknown> | undefined>;
  issued: { audience: string }[];
  stop(): void;
}

const b64url = (data: Uint8Array | string) => Buffer.from(data).toString("base64url");

export async function startOidc(
  opts: OidcClaimsInput & { issuer?: string; requestToken?: string } = {},
): Promise<OidcServer> {
  const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const requestToken = opts.requestToken ?? `ghs_oidcrequest${crypto.randomUUID().replace(/-/g, "")}`;
  const provider = opts.provider ?? "github";
  const issuer =
    opts.issuer ??
    {
      github: "https://token.actions.githubusercontent.com",
      gitlab: "https://gitlab.com",
      buildkite: "https://agent.buildkite.com",
    }[provider];
  const repository = opts.repository ?? "octo/sample";
  const ref = opts.ref ?? "refs/heads/main";
  const workflow = opts.workflow ?? (provider === "gitlab" ? ".gitlab-ci.yml" : "release.yml");
  const faults = new Faults();
  const issued: { audience: string }[] = [];
  const kid = "standin-1";

  async function mint(audience: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...claimsOf(now), aud: audience, ...overrides };
    const header = b64url(JSON.stringify({ alg: "ES256", typ: "JWT", kid }));
    const body = b64url(JSON.stringify(claims));
    const sig = await crypto.subtle.sign(
      { name: "ECDSA", hash: "SHA-256" },
      keys.privateKey,
      new TextEncoder().encode(`${header}.${body}`),
    );
    return `${header}.${body}.${b64url(new Uint8Array(sig))}`;
  }

  function claimsOf(now: number): Record<string, unknown> {
    const sha = opts.sha ?? "0".repeat(40);
    const times = { iss: issuer, nbf: now - 5, iat: now, exp: now + 300 };
    const branch = ref.replace(/^refs\/(heads|tags)\//, "");
    const refType = ref.startsWith("refs/tags/") ? "tag" : "branch";
    if (provider === "gitlab")
      return {
        jti: crypto.randomUUID(),
        sub: `project_path:${repository}:ref_type:${refType}:ref:${branch}`,
        namespace_path: repository.slice(0, repository.lastIndexOf("/")),
        project_path: repository,
        pipeline_source: "push",
        ref: branch,
        ref_type: refType,
        ref_path: ref,
        ref_protected: "true",
        sha,
        ci_config_ref_uri: `gitlab.com/${repository}//${workflow}@${ref}`,
        ci_config_sha: sha,
        runner_environment: "gitlab-hosted",
        ...(opts.environment ? { environment: opts.environment } : {}),
        ...times,
      };
    if (provider === "buildkite") {
      const [org, pipeline] = repository.split("/");
      return {
        jti: crypto.randomUUID(),
        sub: `organization:${org}:pipeline:${pipeline}:ref:${ref}:commit:${sha}:step:publish`,
        organization_slug: org,
        pipeline_slug: pipeline,
        build_number: 1,
        build_branch: refType === "branch" ? branch : "",
        build_tag: refType === "tag" ? branch : "",
        build_commit: sha,
        step_key: "publish",
        job_id: crypto.randomUUID(),
        agent_id: crypto.randomUUID(),
        ...times,
      };
    }
    const workflowRef = `${repository}/.github/workflows/${workflow}@${ref}`;
    return {
      jti: crypto.randomUUID(),
      sub: `repo:${repository}:${opts.environment ? `environment:${opts.environment}` : `ref:${ref}`}`,
      ref,
      sha: opts.sha ?? "0".repeat(40),
      repository,
      repository_owner: repository.split("/")[0],
      repository_owner_id: "1000",
      repository_id: "2000",
      run_id: "1",
      run_number: "1",
      run_attempt: "1",
      actor: "octocat",
      event_name: opts.eventName ?? "push",
      ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
      workflow_ref: workflowRef,
      job_workflow_ref: workflowRef,
      ...(opts.environment ? { environment: opts.environment } : {}),
      ...times,
    };
  }

  async function verify(token: string): Promise<Record<string, unknown> | undefined> {
    const [h, b, s] = token.split(".");
    if (!h || !b || !s) return undefined;
    const ok = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      keys.publicKey,
      Buffer.from(s, "base64url"),
      new TextEncoder().encode(`${h}.${b}`),
    );
    if (!ok) return undefined;
    const claims = JSON.parse(Buffer.from(b, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof claims.exp === "number" && claims.exp < Date.now() / 1000) return undefined;
    return claims;
  }

  const jwk = await crypto.subtle.exportKey("jwk", keys.publicKey);
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: faults.wrap(async (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/.well-known/jwks")
        return Response.json({ keys: [{ ...jwk, kid, use: "sig", alg: "ES256" }] });
      if (url.pathname === "/.well-known/openid-configuration")
        return Response.json({ issuer, jwks_uri: `${url.origin}/.well-known/jwks` });
      if (url.pathname === "/token") {
        if (req.headers.get("authorization")?.toLowerCase() !== `bearer ${requestToken}`.toLowerCase())
          return Response.json({ message: "Bad credentials" }, { status: 401 });
        const audience = url.searchParams.get("audience") ?? "";
        issued.push({ audience });
        return Response.json({ count: 1, value: await mint(audience) });
      }
      return new Response("not found", { status: 404 });
    }),
  });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    url: base,
    issuer,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    },
    publicKey: keys.publicKey,
    faults,
    mint,
    verify,
    issued,
    stop: () => server.stop(true),
  };
}

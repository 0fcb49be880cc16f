/**
 * GitHub Actions OIDC ID tokens (for PyPI Trusted Publishing and Sigstore keyless signing).
 * Protocol (actions/toolkit core/oidc-utils): GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD
 * with `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answer `{"value": "<jwt>"}`.
 * Tokens are registered as secrets at once (masked in Actions, redacted everywhere).
 */
import { ShiplineError } from "../errors.ts";
import { textLimited } from "../net/bounded-body.ts";
import { registerSecret } from "../ui/secrets.ts";

const OIDC_TIMEOUT_MS = 60_000;

export function oidcAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

export async function fetchActionsIdToken(
  audience: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer)
    throw new ShiplineError(
      "no GitHub Actions OIDC token available (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN are not set)",
      "give the job `permissions: id-token: write` (and run inside GitHub Actions)",
    );
  registerSecret(bearer);
  const full = `${url}${url.includes("?") ? "&" : "?"}audience=${encodeURIComponent(audience)}`;
  let res: Response;
  try {
    res = await fetch(full, {
      headers: { Authorization: `bearer ${bearer}`, Accept: "application/json" },
      signal: AbortSignal.timeout(OIDC_TIMEOUT_MS), // a stalled endpoint must not hold the job forever
    });
  } catch (e) {
    throw new ShiplineError(`could not reach the GitHub Actions OIDC endpoint: ${(e as Error).message}`);
  }
  if (!res.ok)
    throw new ShiplineError(
      `the GitHub Actions OIDC endpoint answered ${res.status} for audience "${audience}"`,
      "check that the job has `permissions: id-token: write`",
    );
  // A token is ~1 KiB: anything near a MiB is not a token answer (and is not buffered further).
  let text: string;
  try {
    text = await textLimited(res, "the GitHub Actions OIDC endpoint's answer", 1024 * 1024);
  } catch (e) {
    if (e instanceof ShiplineError) throw e;
    throw new ShiplineError(
      `could not read the GitHub Actions OIDC endpoint's answer: ${(e as Error).message}`,
    );
  }
  let body: { value?: unknown } = {};
  try {
    body = JSON.parse(text) as { value?: unknown };
  } catch {}
  if (typeof body.value !== "string" || body.value.split(".").length !== 3)
    throw new ShiplineError("the GitHub Actions OIDC endpoint returned no token");
  registerSecret(body.value);
  return body.value;
}

/** Claims of a JWT, unverified (for diagnostics only: what PyPI or Fulcio will match on). */
export function jwtClaims(token: string): Record<string, unknown> {
  try {
    const part = token.split(".")[1] ?? "";
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

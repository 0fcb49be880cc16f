/**
 * OIDC identity tokens from the CI system a job runs in ("ambient credentials"), for PyPI
 * Trusted Publishing and Sigstore keyless signing. The conventions are those of the `id`
 * library (twine, gh-action-pypi-publish, sigstore-python) and uv's ambient-id crate:
 *
 *   GitHub Actions  ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, a fresh token per audience
 *   GitLab CI/CD    GITLAB_CI; the job declares the token: `id_tokens: PYPI_ID_TOKEN: aud: pypi`,
 *                   read from `<AUD>_ID_TOKEN` (audience upper-cased, other characters → `_`)
 *   Buildkite       BUILDKITE; `buildkite-agent oidc request-token --audience AUD`
 *   CircleCI        CIRCLECI; `circleci run oidc get --claims '{"aud":"AUD"}'`
 *   Google Cloud    the metadata server's identity endpoint (GCE_METADATA_HOST, or DMI says Google)
 *
 * One difference from `id`'s order: Google Cloud is tried last, not second. A CI job on a GCE
 * VM (self-hosted runners, many hosted ones) must publish as its CI pipeline — the identity a
 * Trusted Publisher names — not as the VM's service account.
 * SHIPLINE_OIDC names the CI to use (github, gitlab, buildkite, circleci, google) or turns
 * ambient identity off (`none`: API tokens only, no metadata-server probe on a GCE machine).
 * Every token is registered as a secret the moment it is read.
 */
import { readFileSync } from "node:fs";
import { ShiplineError, UsageError } from "../errors.ts";
import { capture } from "../gates/process.ts";
import { fetchActionsIdToken, oidcAvailable } from "../github/oidc.ts";
import { registerSecret } from "../ui/secrets.ts";
import { textLimited } from "./bounded-body.ts";

export type CiKind = "github" | "gitlab" | "buildkite" | "circleci" | "google";

export const CI_NAMES: Record<CiKind, string> = {
  github: "GitHub Actions",
  gitlab: "GitLab CI/CD",
  buildkite: "Buildkite",
  circleci: "CircleCI",
  google: "Google Cloud",
};

const TIMEOUT_MS = 60_000;
const DMI_PRODUCT_NAME = "/sys/class/dmi/id/product_name";

function onGoogleCloud(env: NodeJS.ProcessEnv): boolean {
  if (env.GCE_METADATA_HOST) return true;
  try {
    return ["Google", "Google Compute Engine"].includes(readFileSync(DMI_PRODUCT_NAME, "utf8").trim());
  } catch {
    return false; // no such file: not a GCE machine
  }
}

/** The CI system whose identity this job can use, if any (no network, no process). */
export function detectCi(env: NodeJS.ProcessEnv = process.env): CiKind | undefined {
  const pinned = env.SHIPLINE_OIDC?.trim().toLowerCase();
  if (pinned === "none") return undefined;
  if (pinned) {
    if (pinned in CI_NAMES) return pinned as CiKind;
    throw new UsageError(
      `SHIPLINE_OIDC=${env.SHIPLINE_OIDC}: not a CI shipline knows`,
      `use one of ${Object.keys(CI_NAMES).join(", ")}, or none`,
    );
  }
  if (oidcAvailable(env)) return "github";
  if (env.GITLAB_CI) return "gitlab";
  if (env.BUILDKITE) return "buildkite";
  if (env.CIRCLECI) return "circleci";
  if (onGoogleCloud(env)) return "google";
  return undefined;
}

/** GitLab's variable for an audience, as `id` names it: "pypi" → PYPI_ID_TOKEN. */
export function gitlabTokenVariable(audience: string): string {
  return `${audience.toUpperCase().replace(/[^A-Z0-9_]|^[^A-Z_]/g, "_")}_ID_TOKEN`;
}

/**
 * Whether each call gets a new token. PyPI takes a token once (its `jti`), so a CI whose token
 * is fixed for the job (GitLab's variable) can mint one upload token per job, not more.
 */
export function freshTokens(ci: CiKind): boolean {
  return ci !== "gitlab";
}

function asJwt(ci: CiKind, raw: string, from: string): string {
  const token = raw.trim();
  registerSecret(token);
  if (token.split(".").length !== 3)
    throw new ShiplineError(
      `${CI_NAMES[ci]}: ${from} gave no OIDC token (expected a JWT: three dot-separated parts)`,
    );
  return token;
}

async function fromCommand(ci: CiKind, argv: string[], env: NodeJS.ProcessEnv, fix: string): Promise<string> {
  if (!Bun.which(argv[0]!, { PATH: env.PATH ?? "" }))
    throw new ShiplineError(
      `${CI_NAMES[ci]}: \`${argv[0]}\` is not on PATH, so no OIDC token can be requested`,
      fix,
    );
  const r = await capture(argv, env, TIMEOUT_MS);
  const shown = argv.slice(0, 3).join(" ");
  if (r.code !== 0) {
    const why = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-3).join(" ").slice(0, 500);
    throw new ShiplineError(
      `${CI_NAMES[ci]}: \`${shown}\` failed (${r.error?.code ?? (r.code === null ? `no answer in ${TIMEOUT_MS / 1000} s` : `exit ${r.code}`)})${why ? `: ${why}` : ""}`,
      fix,
    );
  }
  return asJwt(ci, r.stdout, `\`${shown}\``);
}

async function fromGoogleMetadata(audience: string, env: NodeJS.ProcessEnv): Promise<string> {
  const host = env.GCE_METADATA_HOST || "metadata.google.internal";
  const url = `http://${host}/computeMetadata/v1/instance/service-accounts/default/identity?audience=${encodeURIComponent(audience)}&format=full`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { "Metadata-Flavor": "Google" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    throw new ShiplineError(
      `Google Cloud: could not reach the metadata server at ${host}: ${(e as Error).message}`,
    );
  }
  const text = await textLimited(res, "the Google Cloud metadata server's answer", 1024 * 1024);
  if (!res.ok)
    throw new ShiplineError(
      `Google Cloud: the metadata server answered ${res.status} for an identity token (audience "${audience}")`,
      "run the job as a service account that may mint identity tokens",
    );
  return asJwt("google", text, "the metadata server");
}

/** A token for `audience` from the CI system `ci` (see the table above). */
export async function ambientIdToken(
  ci: CiKind,
  audience: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  switch (ci) {
    case "github":
      return fetchActionsIdToken(audience, env);
    case "gitlab": {
      const name = gitlabTokenVariable(audience);
      const value = env[name];
      if (!value?.trim())
        throw new ShiplineError(
          `GitLab CI/CD: no ${name} variable in this job, so there is no OIDC token for audience "${audience}"`,
          `declare it in .gitlab-ci.yml: \`id_tokens: { ${name}: { aud: ${audience} } }\` on the publishing job`,
        );
      return asJwt(ci, value, name);
    }
    case "buildkite":
      return fromCommand(
        ci,
        ["buildkite-agent", "oidc", "request-token", "--audience", audience],
        env,
        "run the step on a Buildkite agent (v3.48 or later) that may request OIDC tokens",
      );
    case "circleci":
      return fromCommand(
        ci,
        ["circleci", "run", "oidc", "get", "--claims", JSON.stringify({ aud: audience })],
        env,
        "run the job on CircleCI's machine or Docker executors, where the `circleci` agent CLI is present",
      );
    case "google":
      return fromGoogleMetadata(audience, env);
  }
}

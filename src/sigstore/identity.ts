/**
 * Where the Sigstore OIDC identity token comes from, in order: `--identity-token FILE`, the
 * SIGSTORE_ID_TOKEN environment variable (also GitLab CI/CD's `id_tokens:` name for it), or the
 * CI's own identity with audience `sigstore` (src/net/ambient-oidc.ts: GitHub Actions,
 * Buildkite, CircleCI, Google Cloud) — never the `pypi`-audience token. Registered as a secret at once.
 */
import { readFileSync } from "node:fs";
import { ShiplineError } from "../errors.ts";
import { ambientIdToken, detectCi } from "../net/ambient-oidc.ts";
import { registerSecret } from "../ui/secrets.ts";

export async function sigstoreIdentityToken(
  opts: { tokenFile?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const env = opts.env ?? process.env;
  let token: string | undefined;
  if (opts.tokenFile) {
    try {
      token = readFileSync(opts.tokenFile, "utf8").trim();
    } catch (e) {
      throw new ShiplineError(
        `--identity-token ${opts.tokenFile}: cannot read it (${(e as NodeJS.ErrnoException).code})`,
      );
    }
    registerSecret(token);
    if (!token) throw new ShiplineError(`--identity-token ${opts.tokenFile} is empty`);
  } else if (env.SIGSTORE_ID_TOKEN) {
    token = env.SIGSTORE_ID_TOKEN.trim();
    registerSecret(token);
  } else {
    const ci = detectCi(env);
    if (ci) return ambientIdToken(ci, "sigstore", env);
    throw new ShiplineError(
      "no OIDC identity token for Sigstore signing",
      "run in GitHub Actions with `permissions: id-token: write` (GitLab CI/CD: `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`), or set SIGSTORE_ID_TOKEN, or pass --identity-token FILE",
    );
  }
  if (token.split(".").length !== 3)
    throw new ShiplineError("the Sigstore identity token is not a JWT (expected three dot-separated parts)");
  return token;
}

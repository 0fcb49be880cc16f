/**
 * Where the Sigstore OIDC identity token comes from, in order: `--identity-token FILE`, the
 * SIGSTORE_ID_TOKEN environment variable, or (in GitHub Actions) a fresh Actions ID token with
 * audience `sigstore` — never the `pypi`-audience token. Registered as a secret at once.
 */
import { readFileSync } from "node:fs";
import { ShiplineError } from "../errors.ts";
import { fetchActionsIdToken, oidcAvailable } from "../github/oidc.ts";
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
  } else if (oidcAvailable(env)) {
    return fetchActionsIdToken("sigstore", env);
  } else
    throw new ShiplineError(
      "no OIDC identity token for Sigstore signing",
      "run in GitHub Actions with `permissions: id-token: write`, or set SIGSTORE_ID_TOKEN, or pass --identity-token FILE",
    );
  if (token.split(".").length !== 3)
    throw new ShiplineError("the Sigstore identity token is not a JWT (expected three dot-separated parts)");
  return token;
}

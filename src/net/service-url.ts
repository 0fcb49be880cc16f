/**
 * The one check of a service URL given by a user (upload index, Fulcio, Rekor, timestamp
 * authority), made before anything is sent or saved.
 */
import { UsageError } from "../errors.ts";

/**
 * A service URL (`--repository-url`, `--fulcio-url`, `--rekor-url`, or the config's
 * publish.repository-url): http(s) only, and no credentials in it, since the URL is saved in
 * the checkpoint and printed in logs; tokens come from the environment.
 */
export function checkServiceUrl(
  url: string | undefined,
  what: string,
  example = "https://upload.pypi.org/legacy/",
  tokenHint = "SHIPLINE_PYPI_TOKEN (or TWINE_USERNAME/TWINE_PASSWORD)",
): string | undefined {
  if (url === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // never echo what may be a password in a URL that did not parse
    throw new UsageError(`${what} ${url.replace(/\/\/[^/]*@/, "//***@")}: not a URL`, `e.g. ${example}`);
  }
  if (u.username || u.password) {
    const shown = `${u.protocol}//***@${u.host}${u.pathname}`;
    throw new UsageError(
      `${what} ${shown}: credentials in the URL would be saved in the checkpoint and printed in logs`,
      `remove them from the URL and set ${tokenHint} instead`,
    );
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw new UsageError(`${what} ${url}: expected an http(s) URL`, `e.g. ${example}`);
  return url;
}

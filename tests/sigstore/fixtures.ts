/**
 * Real public-good Sigstore material, taken at test time from an installed npm package (no copy
 * in this repo): GitHub's OpenAPI description (@octokit/openapi, a devDependency) carries, as the
 * example of its attestations API, a real bundle v0.3 that GitHub CLI's release workflow made for
 * gh_2.50.0_windows_arm64.zip (SLSA provenance, DSSE, Rekor public-good entry 97913980).
 * The example's checkpoint text has its newlines escaped twice ("\\n") by the OpenAPI
 * generator; that is the only repair made (it is outside anything signed by the artifact's key,
 * and the checkpoint signature is still verified against Rekor's key).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT_DIR = join(import.meta.dir, "../..");

export const GH_ARTIFACT = {
  name: "gh_2.50.0_windows_arm64.zip",
  sha256: "8aad120b416386b4269ef62c8fdebcad31a70847297817a149daf927edc85548",
};
export const GH_IDENTITY = "https://github.com/cli/cli/.github/workflows/deployment.yml@refs/heads/trunk";
export const GH_ISSUER = "https://token.actions.githubusercontent.com";

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is mutated freely by tampering tests
export type Json = any;

let cached: Json;

/** A fresh copy of the bundle each call (tests mutate it). */
export function publicGoodBundle(): Json {
  cached ??= JSON.parse(
    readFileSync(join(ROOT_DIR, "node_modules/@octokit/openapi/generated/api.github.com.json"), "utf8"),
  ).components.examples.attestation.value.bundle;
  const bundle = structuredClone(cached);
  for (const e of bundle.verificationMaterial.tlogEntries) {
    const cp = e.inclusionProof?.checkpoint;
    if (cp) cp.envelope = String(cp.envelope).replaceAll("\\n", "\n");
  }
  return bundle;
}

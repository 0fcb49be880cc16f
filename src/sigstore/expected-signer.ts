/**
 * Whose signature this job expects on its own files, and which trusted root proves it: the
 * certificate identity the CI's variables give (Fulcio's SAN for each CI) and the root of the
 * Sigstore instance signing here. Used to judge an attestation already on the index (the verify
 * stage) and the provenance of an index file a rebuild differs from (the build stage).
 */
const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
const escapeRe = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export type ExpectedSigner =
  | { identity: string; issuer: string }
  | { identityRegexp: string; issuer: string };

/**
 * The certificate identity this job signs with, from the CI's own variables: GitHub
 * `https://github.com/<job_workflow_ref>`, GitLab `https://<ci_config_ref_uri>`. A string says
 * why there is none to expect.
 */
export function expectedSigner(env: NodeJS.ProcessEnv): ExpectedSigner | string {
  if (env.GITLAB_CI) {
    const server = env.CI_SERVER_URL;
    const project = env.CI_PROJECT_PATH;
    const host = URL.parse(server ?? "")?.host;
    if (!host || !project) return "no CI_SERVER_URL/CI_PROJECT_PATH to expect as signer";
    return { identityRegexp: `https://${escapeRe(host)}/${escapeRe(project)}//.+@.+`, issuer: server! };
  }
  const ref = env.GITHUB_WORKFLOW_REF;
  const repo = env.GITHUB_REPOSITORY;
  if (ref) return { identity: `https://github.com/${ref}`, issuer: GITHUB_ISSUER };
  if (repo)
    return {
      identityRegexp: `https://github\\.com/${escapeRe(repo)}/\\.github/workflows/[^@]+@.+`,
      issuer: GITHUB_ISSUER,
    };
  return "no GITHUB_WORKFLOW_REF/GITHUB_REPOSITORY (or GitLab CI_PROJECT_PATH) to expect as signer";
}

/**
 * The policy and trusted root to verify this job's signatures with (root undefined: the one
 * embedded in the binary), or why they cannot be verified here.
 */
export function ownSignaturePolicy(
  env: NodeJS.ProcessEnv,
  fulcioUrl: string | undefined,
): { policy: ExpectedSigner; root: string | undefined } | string {
  const root = env.SHIPLINE_TRUSTED_ROOT;
  if (fulcioUrl && !root)
    return "signed with a private Sigstore (--fulcio-url) and SHIPLINE_TRUSTED_ROOT is not set";
  const policy = expectedSigner(env);
  return typeof policy === "string" ? policy : { policy, root };
}

/**
 * Where we are on GitHub: repository slug, API URL, token, target branch and event, from
 * flags, the GitHub Actions environment, or the local checkout (in that order).
 * No Octokit here: the planner imports this module, and `plan` must stay light.
 */
import { ShiplineError } from "../errors.ts";
import { currentBranch } from "../git/branch-commit.ts";
import { checkServiceUrl } from "../net/service-url.ts";
import { registerSecret } from "../ui/secrets.ts";
import { resolveSlug } from "./slug.ts";

export interface GitHubContext {
  owner: string;
  repo: string;
  apiUrl: string;
  /** Web host for links (GITHUB_SERVER_URL), e.g. https://github.com. */
  serverUrl: string;
  /** The base branch release PRs target. */
  target: string;
  event: string;
}

/** The branch release PRs target: the pushed branch in Actions, else the checked-out one. */
export function targetBranch(root: string, env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_REF?.startsWith("refs/heads/")) return env.GITHUB_REF.slice("refs/heads/".length);
  const b = currentBranch(root);
  if (b) return b;
  throw new ShiplineError(
    "HEAD is detached, so the release PR's base branch is unknown",
    "check out the branch (e.g. `git checkout main`) or set GITHUB_REF=refs/heads/main",
  );
}

/** targetBranch, or "" on a detached HEAD outside Actions. */
export function optionalTarget(root: string, env: NodeJS.ProcessEnv): string {
  try {
    return targetBranch(root, env);
  } catch {
    return "";
  }
}

export function githubContext(
  root: string,
  repoFlag: string | undefined,
  env: NodeJS.ProcessEnv,
  needTarget = true,
): GitHubContext {
  const [owner, repo] = resolveSlug(root, repoFlag, env).split("/") as [string, string];
  return {
    owner,
    repo,
    apiUrl: githubApiUrl(env),
    serverUrl: (
      checkServiceUrl(
        env.GITHUB_SERVER_URL || undefined,
        "GITHUB_SERVER_URL",
        "https://github.com",
        "GITHUB_TOKEN",
      ) ?? "https://github.com"
    ).replace(/\/+$/, ""),
    target: needTarget ? targetBranch(root, env) : optionalTarget(root, env),
    event: env.GITHUB_EVENT_NAME ?? "local",
  };
}

/** GITHUB_API_URL (checked: http(s), no credentials), without a trailing slash. */
export function githubApiUrl(env: NodeJS.ProcessEnv): string {
  const url = checkServiceUrl(
    env.GITHUB_API_URL || undefined,
    "GITHUB_API_URL",
    "https://api.github.com",
    "GITHUB_TOKEN",
  );
  return (url ?? "https://api.github.com").replace(/\/+$/, "");
}

/** The token, registered as a secret at once (masked in Actions, redacted everywhere). */
export function githubToken(env: NodeJS.ProcessEnv): string {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token)
    throw new ShiplineError(
      "GITHUB_TOKEN is not set",
      env.GITLAB_CI
        ? "release PRs, tags and releases are made on GitHub; in GitLab CI/CD publish a release commit or tag with `shipline publish --require-release`"
        : // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as is
          "in Actions add `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` with `permissions: contents: write, pull-requests: write`; locally export a token",
    );
  registerSecret(token);
  return token;
}

/**
 * In Actions, HEAD should be the commit the event is about (GITHUB_SHA). A checkout of another
 * ref would release or propose the wrong commit: say so loudly.
 */
export function headMismatch(head: string, env: NodeJS.ProcessEnv): string | undefined {
  const sha = env.GITHUB_SHA;
  if (!sha || env.GITHUB_EVENT_NAME === "pull_request" || sha === head) return undefined;
  return `HEAD is ${head.slice(0, 7)} but the workflow event is for ${sha.slice(0, 7)} (GITHUB_SHA); acting on HEAD`;
}

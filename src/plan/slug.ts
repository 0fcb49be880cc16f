/**
 * OWNER/NAME for links: --repo, else GITHUB_REPOSITORY, else the `origin` remote. Same rules
 * as src/github/context.ts, kept here so `plan` does not load the GitHub modules (start-up).
 */
import { UsageError } from "../errors.ts";
import { git } from "../git/git.ts";

/** OWNER/NAME from https://host/o/r(.git), git@host:o/r(.git) or ssh://…/o/r. */
export function slugFromUrl(url: string): string | undefined {
  const m = /[:/]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export function resolveSlug(root: string, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  let slug = flag ?? env.GITHUB_REPOSITORY;
  if (!slug) {
    const r = git(["remote", "get-url", "origin"], { cwd: root, allowFailure: true });
    if (r.exitCode === 0) slug = slugFromUrl(r.stdout);
  }
  if (!slug)
    throw new UsageError(
      "cannot tell which GitHub repository the links point to",
      "pass --repo OWNER/NAME, or set GITHUB_REPOSITORY, or add an `origin` remote",
    );
  if (!/^[^/\s]+\/[^/\s]+$/.test(slug))
    throw new UsageError(`repository "${slug}" is not OWNER/NAME`, "pass --repo OWNER/NAME");
  return slug;
}

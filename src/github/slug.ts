/**
 * GitHub's OWNER/NAME: --repo, else GITHUB_REPOSITORY, else the `origin` remote. Imports only
 * git.ts, so `plan` can use it without loading the GitHub client (start-up time).
 */
import { UsageError } from "../errors.ts";
import { git } from "../git/git.ts";

/** OWNER/NAME from https://host/o/r(.git), git@host:o/r(.git) or ssh://…/o/r. */
export function slugFromUrl(url: string): string | undefined {
  const m = /[:/]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/**
 * Letters, digits, `-`, `_` and `.` in each part (GitHub Enterprise allows `_` in owners), and
 * neither part `.` or `..`: the slug goes into API paths and changelog links as it is.
 */
export function isSlug(slug: string): boolean {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(slug);
  return Boolean(m && m[1] !== "." && m[1] !== ".." && m[2] !== "." && m[2] !== "..");
}

export function resolveSlug(root: string, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const slug = findSlug(root, flag, env);
  if (!slug)
    throw new UsageError(
      "cannot tell which GitHub repository this is",
      "pass --repo OWNER/NAME, or set GITHUB_REPOSITORY, or add an `origin` remote",
    );
  return slug;
}

/** resolveSlug's answer, or undefined when nothing names a repository (a malformed one still throws). */
export function findSlug(root: string, flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  let slug = flag ?? env.GITHUB_REPOSITORY;
  const from = flag !== undefined ? "--repo" : slug !== undefined ? "GITHUB_REPOSITORY" : "the origin remote";
  if (slug === undefined) {
    const r = git(["remote", "get-url", "origin"], { cwd: root, allowFailure: true });
    if (r.exitCode === 0) slug = slugFromUrl(r.stdout);
  }
  if (!slug) return undefined;
  checkSlug(slug, from);
  return slug;
}

/** A usage error unless `slug` is OWNER/NAME; `from` names where it came from (--repo, …). */
export function checkSlug(slug: string, from: string): void {
  if (!isSlug(slug))
    throw new UsageError(
      `repository "${slug}" (from ${from}) is not OWNER/NAME`,
      "pass --repo OWNER/NAME: letters, digits, '-', '_' and '.' in each part",
    );
}

/**
 * Tracked files under a folder, as release-please's local Scm lists them with
 * `git ls-tree -r --name-only` (for version.py discovery and globbed extra-files). The index
 * is used rather than HEAD so a repository without commits yet still answers.
 */
import { git } from "./git.ts";

/** Repo-relative paths (forward slashes, git's byte order) of tracked files under `prefix` ("." or "" = all). */
export function trackedFiles(root: string, prefix = "."): string[] {
  const p = prefix.replace(/^[/\\]+/, "").replace(/[/\\]+$/, "");
  const args = ["ls-files", "-z", "--cached", "--full-name"];
  if (p && p !== ".") args.push("--", `${p}/`);
  return git(args, { cwd: root })
    .stdout.split("\0")
    .filter((f) => f !== "");
}

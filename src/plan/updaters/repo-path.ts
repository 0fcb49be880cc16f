/**
 * Paths of files the release PR changes: release-please's `addPath` (package-relative, a
 * leading `/` means repo-root relative, `.`/`..` segments and `~` are illegal), plus the checks
 * release-please gets for free from the GitHub API and a local tool must do itself: no
 * absolute or drive paths, nothing that resolves outside the repository, directly or through
 * a symlink, and no file too big to be a version file.
 */
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { ShiplineError } from "../../errors.ts";

/** Larger than any real version file or changelog; reading it whole would be a mistake. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

function escapes(message: string, where: string): never {
  throw new ShiplineError(
    `${where}: ${message}`,
    'use a path inside the repository, relative to the package folder ("/path" for the repository root), without "..", "~" or a symlink leading out',
  );
}

/** release-please's BaseStrategy.addPath, with its "illegal pathing characters" check; `where` names the config key. */
export function addPath(packagePath: string, file: string, where: string): string {
  if (file.includes("\0")) escapes(`path ${JSON.stringify(file)} contains a NUL byte`, where);
  if (/^[A-Za-z]:[\\/]/.test(file) || file.startsWith("\\\\") || file.includes("\\"))
    escapes(`path ${JSON.stringify(file)} is an absolute Windows path or uses "\\" separators`, where);
  if (!packagePath || packagePath === "." || file.startsWith("/")) file = file.replace(/^\/+/, "");
  else file = `${packagePath.replace(/\/+$/, "")}/${file}`;
  if (/((^|\/)\.{1,2}|^~|^\/*)+\//.test(file)) escapes(`illegal pathing characters in path: ${file}`, where);
  file = file.replace(/\/+$/, "");
  const norm = posix.normalize(file);
  if (file === "" || norm === ".." || norm.startsWith("../") || posix.isAbsolute(norm))
    escapes(`path ${JSON.stringify(file)} is outside the repository`, where);
  return file;
}

function inside(realRoot: string, real: string): boolean {
  const rel = relative(realRoot, real);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}

/**
 * The file's current text, or undefined when it does not exist (or is not a regular file).
 * Throws when the path, or a folder on the way, is a symlink that leads out of the repository.
 */
export function readRepoFile(root: string, file: string, where: string): string | undefined {
  const realRoot = realpathSync(root);
  const full = join(root, file);
  // The deepest part of the path that exists decides where it really leads.
  let probe = full;
  while (!existsSync(probe) && !isDanglingLink(probe)) {
    const up = dirname(probe);
    if (up === probe) break;
    probe = up;
  }
  let real: string;
  try {
    real = realpathSync(probe);
  } catch {
    escapes(`path ${JSON.stringify(file)} is a symlink whose target does not exist`, where);
  }
  if (!inside(realRoot, real))
    escapes(`path ${JSON.stringify(file)} leads out of the repository (to ${real})`, where);
  if (probe !== full) return undefined;
  const st = statSync(full);
  if (!st.isFile()) return undefined;
  if (st.size > MAX_FILE_BYTES)
    throw new ShiplineError(
      `${where}: ${file} is ${st.size} bytes, more than the ${MAX_FILE_BYTES}-byte limit for a file the release PR edits`,
      "point this setting at the small file that holds the version",
    );
  return readFileSync(full, "utf8");
}

function isDanglingLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

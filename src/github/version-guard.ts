/**
 * Before tagging a release that this run goes on to build: the version the package's files
 * state must be the release's. The build checks the built files too, but only after the tag
 * and the GitHub release are public: a release PR that bumped the manifest and CHANGELOG but
 * not the version the backend reads (hatch's `__about__.py` is not rewritten by release-please's
 * python updater) would leave a tag whose sources build another version.
 */
import { join, posix } from "node:path";
import { parse as parseToml } from "smol-toml";
import { sameVersion } from "../dist/pep440.ts";
import { ShiplineError } from "../errors.ts";
import { fileAt } from "../git/git.ts";
import type { PendingRelease } from "../plan/types.ts";
import { declaredVersion, type ReadFile, workingTree } from "../setup/current-version.ts";
import type { Logger } from "../ui/log.ts";

export interface VersionMismatch {
  release: PendingRelease;
  /** Where the version was read: a repo-relative file, or a file and key. */
  source: string;
  found: string;
  /** The file (relative to the package), when release-please's python updater does not rewrite it. */
  unmanagedFile?: string;
}

/**
 * The releases whose package states another version at the commit they tag. A version the
 * build takes from elsewhere (a VCS plugin, a module guessed from the name) is not judged:
 * the build's own check stays the last word.
 */
export function versionMismatches(root: string, pending: PendingRelease[], head: string): VersionMismatch[] {
  const out: VersionMismatch[] = [];
  for (const release of pending) {
    const dir = join(root, release.path);
    // HEAD's files are the working tree (a CI checkout); a merged release PR that HEAD moved
    // past is tagged at its merge commit, so its files are read from there
    const read: ReadFile =
      release.sha === head
        ? workingTree(dir)
        : (rel) => fileAt(root, release.sha, posix.join(release.path, rel));
    let data: Record<string, unknown>;
    try {
      const text = read("pyproject.toml");
      data = text === undefined ? {} : (parseToml(text) as Record<string, unknown>);
    } catch {
      continue; // invalid TOML: the build reports it, with the file named
    }
    const found = declaredVersion(dir, data, read);
    if (!found?.built || sameVersion(found.version, release.version)) continue;
    const prefix = release.path === "." ? "" : `${release.path}/`;
    out.push({
      release,
      source: `${prefix}${found.source.replace(/^pyproject /, "pyproject.toml ")}`,
      found: found.version,
      unmanagedFile: found.unmanagedFile,
    });
  }
  return out;
}

/** One line per mismatch, and what to do: for the error (publish follows) or a warning. */
export function describeMismatch(m: VersionMismatch): { message: string; hint: string } {
  const { release: r } = m;
  const message = `${r.tag}: ${m.source} says ${m.found}, not ${r.version}: the release PR did not bump the version the build reads`;
  // the revert puts the manifest back; without the label the merged PR no longer blocks new ones
  const redo = `\`git revert ${r.sha.slice(0, 7)}\`, push, and take the "autorelease: pending" label off the merged release PR: the next release PR proposes ${r.version} again`;
  const hint = m.unmanagedFile
    ? `add "extra-files": ["${m.unmanagedFile}"] to "${r.path}" in the release-please config and end its version line with \`# x-release-please-version\`; then ${redo}, bumping it`
    : `set it to ${r.version} in the release PR: ${redo}; merge that PR as proposed`;
  return { message, hint };
}

/**
 * The guard itself: with `refuse` (a build of these tags follows, here or in a publish job), the
 * first mismatch stops the run before anything is tagged; otherwise each one is said.
 */
export function guardVersions(
  root: string,
  pending: PendingRelease[],
  head: string,
  o: { refuse: boolean; log: Logger },
): void {
  for (const m of versionMismatches(root, pending, head)) {
    const { message, hint } = describeMismatch(m);
    if (o.refuse) throw new ShiplineError(`${message}; nothing was tagged`, hint);
    o.log.warn(`${message} (${hint})`);
  }
}

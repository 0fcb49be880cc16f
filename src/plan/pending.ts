/**
 * Is HEAD a merged release PR? As release-please's manifest flow sees it from git alone: the
 * HEAD commit changed the manifest to a version whose tag does not exist yet, and the
 * package's CHANGELOG at HEAD has that version's entry (unless skip-changelog). The release
 * body is that version's entry in the package's CHANGELOG at HEAD (release-please takes the
 * PR body's notes, which hold the same entry; spec §5.7), heading included, trimmed.
 */
import {
  loadReleasePleaseConfig,
  MANIFEST_FILE,
  type PackageConfig,
  type ReleasePleaseConfig,
  tagComponentOf,
} from "../config/release-please.ts";
import { fileAt, git, tagCommit } from "../git/git.ts";
import { isShallow } from "../git/shallow.ts";
import { optionalTarget } from "../github/context.ts";
import { isPep440Prerelease } from "./pep440.ts";
import { needsPep440Mode, toPep440 } from "./prerelease.ts";
import { tagFor } from "./tags.ts";
import type { PendingRelease } from "./types.ts";
import { Version } from "./version.ts";

function manifestAt(root: string, rev: string, file: string): Record<string, unknown> {
  const text = fileAt(root, rev, file);
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The entry for `version` in a CHANGELOG: from its `## ` heading to the next `## ` heading, trimmed. */
export function changelogEntry(text: string, version: string): string | undefined {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const head = new RegExp(`^## (\\[v?${escapeRe(version)}\\]|v?${escapeRe(version)}( |$))`);
  const start = lines.findIndex((l) => head.test(l));
  if (start < 0) return undefined;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++)
    if (/^##? |^### v?[0-9[]/.test(lines[i] as string)) {
      end = i;
      break;
    }
  return lines.slice(start, end).join("\n").trim();
}

/** GitHub release name (spec §5.7). */
export function releaseName(p: PackageConfig, version: string): string {
  const v = `${p.includeVInReleaseName ? "v" : ""}${version}`;
  const component = tagComponentOf(p);
  return component ? `${component}: ${v}` : v;
}

/** The releases the commit `rev` (default HEAD) makes pending: see the top of this file. */
export function findPendingReleases(
  root: string,
  config?: ReleasePleaseConfig,
  rev = "HEAD",
  /** Also the releases already tagged at that very commit (what a build there must produce). */
  taggedHere = false,
): PendingRelease[] {
  const cfg = config ?? loadReleasePleaseConfig(root);
  const head = git(["rev-parse", "--verify", "-q", `${rev}^{commit}`], { cwd: root, allowFailure: true });
  if (head.exitCode !== 0) return [];
  const sha = head.stdout.trim();
  const parent = git(["rev-parse", "--verify", "-q", `${sha}^`], { cwd: root, allowFailure: true });
  // At a shallow clone's boundary the parent is missing, not absent: what HEAD changed is unknown
  if (parent.exitCode !== 0 && isShallow(root)) return [];
  const file = cfg.manifestFile ?? MANIFEST_FILE;
  const after = manifestAt(root, sha, file);
  const before = parent.exitCode === 0 ? manifestAt(root, parent.stdout.trim(), file) : {};
  const out: PendingRelease[] = [];
  for (const p of cfg.packages) {
    const now = after[p.path];
    if (typeof now !== "string" || now === before[p.path] || p.skipGithubRelease) continue;
    const v = Version.tryParse(now);
    if (!v) continue;
    // A PEP 440 version (1.3.0rc1) is written only by shipline's prerelease channels
    // (src/plan/prerelease.ts): its tag and entry use it as is, not release-please's 1.3.0.
    const pep = needsPep440Mode(now) ? toPep440(now, file) : undefined;
    const version = pep ?? v.toString();
    const tag = tagFor(p, version);
    const tagged = tagCommit(root, tag);
    if (tagged && !(taggedHere && tagged === sha)) continue;
    const changelogPath = p.path === "." ? p.changelogPath : `${p.path}/${p.changelogPath}`;
    const text = p.skipChangelog ? undefined : fileAt(root, sha, changelogPath);
    const notes = text ? changelogEntry(text, version) : undefined;
    // A release PR always writes the version's CHANGELOG entry (unless skip-changelog). Without
    // one, the manifest change is something else (e.g. `shipline init` recording the current
    // version), and tagging it would cut a release nobody proposed.
    if (!p.skipChangelog && notes === undefined) continue;
    out.push({
      path: p.path,
      component: tagComponentOf(p),
      packageName: p.packageName,
      version,
      tag,
      sha,
      name: releaseName(p, version),
      notes: notes ?? "",
      prerelease:
        (pep !== undefined && isPep440Prerelease(pep)) ||
        (p.prerelease && (Boolean(v.preRelease) || v.major === 0)),
      draft: p.draft,
    });
  }
  return out;
}

/**
 * The release PR branch HEAD is on (release-please's `release-please--branches--…`), if any:
 * the pushed branch in GitHub Actions, else the checked-out one. Its head commit sets the new
 * version, and must never be tagged: releases come from the target branch after the merge.
 */
export function onReleasePrBranch(root: string, env: NodeJS.ProcessEnv): string | undefined {
  const ref = optionalTarget(root, env);
  return ref.startsWith("release-please--") ? ref : undefined;
}

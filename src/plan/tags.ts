// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title placeholders are literal ${…} text
/** Tag names and PR titles as release-please builds and parses them (src/util/tag-name.ts, pull-request-title.ts). */
import { DEFAULT_TITLE_PATTERN, type PackageConfig, tagComponentOf } from "../config/release-please.ts";
import { git } from "../git/git.ts";
import { Version } from "./version.ts";

const TAG_PATTERN = /^((?<component>.*)(?<separator>[^a-zA-Z0-9]))?(?<v>v)?(?<version>\d+\.\d+\.\d+.*)$/;

export interface ParsedTag {
  component?: string;
  separator?: string;
  includeV: boolean;
  version: Version;
}

export function parseTag(tag: string): ParsedTag | undefined {
  const m = TAG_PATTERN.exec(tag);
  if (!m?.groups) return undefined;
  return {
    component: m.groups.component,
    separator: m.groups.separator,
    includeV: Boolean(m.groups.v),
    version: Version.parse(m.groups.version as string),
  };
}

export function tagString(
  version: Version | string,
  component: string | undefined,
  separator: string,
  includeV: boolean,
): string {
  const v = `${includeV ? "v" : ""}${version.toString()}`;
  return component ? `${component}${separator}${v}` : v;
}

/** The tag a package's release of `version` gets (spec §1.4). */
export function tagFor(p: PackageConfig, version: Version | string): string {
  return tagString(version, tagComponentOf(p) || undefined, p.tagSeparator, p.includeVInTag);
}

/** PullRequestTitle.toString(): only the first occurrence of each placeholder is replaced. */
export function prTitle(
  pattern: string | undefined,
  component: string,
  targetBranch: string,
  version: string,
  componentNoSpace: boolean,
): string {
  let p = pattern || DEFAULT_TITLE_PATTERN;
  const scope = targetBranch ? `(${targetBranch})` : "";
  const comp = componentNoSpace ? (component ? component : "") : component ? ` ${component}` : "";
  if (componentNoSpace && !comp) p = p.replace("${component} ", "");
  return p
    .replace("${scope}", scope)
    .replace("${component}", comp)
    .replace("${version}", version)
    .replace("${branch}", targetBranch || "")
    .trim();
}

export interface FoundRelease {
  tag: string;
  sha: string;
}

/**
 * Where the manifest version's release is, offline (spec §7.1 steps 2–3, with tags standing in
 * for GitHub releases as DESIGN.md says): the exact expected tag first (one cheap rev-parse),
 * else any tag that parses to this component and exactly this version (e.g. another separator
 * or `v`). No for-each-ref over all tags: a glob on the version keeps it cheap.
 */
export function findRelease(root: string, p: PackageConfig, version: Version): FoundRelease | undefined {
  const expected = tagFor(p, version);
  const r = git(["rev-parse", "--verify", "-q", `refs/tags/${expected}^{commit}`], {
    cwd: root,
    allowFailure: true,
  });
  if (r.exitCode === 0) return { tag: expected, sha: r.stdout.trim() };
  const core = `${version.major}.${version.minor}.${version.patch}`;
  const list = git(["tag", "-l", `*${core}*`], { cwd: root, allowFailure: true }).stdout.split("\n");
  const want = tagComponentOf(p);
  for (const name of list) {
    if (!name) continue;
    const t = parseTag(name);
    if (!t || (t.component ?? "") !== want || t.version.toString() !== version.toString()) continue;
    const s = git(["rev-parse", "--verify", "-q", `refs/tags/${name}^{commit}`], {
      cwd: root,
      allowFailure: true,
    });
    if (s.exitCode === 0)
      return { tag: tagString(t.version, t.component, t.separator ?? "-", t.includeV), sha: s.stdout.trim() };
  }
  return undefined;
}

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title placeholders are literal ${…} text
/** Tag names and PR titles as release-please builds and parses them (src/util/tag-name.ts, pull-request-title.ts). */
import { DEFAULT_TITLE_PATTERN, type PackageConfig, tagComponentOf } from "../config/release-please.ts";
import { git, tagCommit } from "../git/git.ts";
import { comparePep440, formatPep440, type Pep440Version, parsePep440 } from "./pep440.ts";
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
 * Commit shas of exact tag names, in one `git for-each-ref` call (annotated tags peeled);
 * missing tags are absent from the map. Exact ref names as patterns keep it cheap.
 */
export function tagShas(root: string, tags: string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (tags.length === 0) return out;
  const r = git(
    [
      "for-each-ref",
      "--format=%(refname)%00%(objectname)%00%(*objectname)%00%(objecttype)%00%(*objecttype)",
      ...tags.map((t) => `refs/tags/${t}`),
    ],
    { cwd: root, allowFailure: true },
  );
  for (const line of r.stdout.split("\n")) {
    const [ref, obj, peeled, type, peeledType] = line.split("\0");
    if (!ref || !obj) continue;
    const name = ref.slice("refs/tags/".length);
    // %(*objectname) peels one level: a tag of a tag (rare) is followed down to its commit
    const sha =
      peeledType === "tag"
        ? tagCommit(root, name)
        : peeled && peeledType === "commit"
          ? peeled
          : type === "commit"
            ? obj
            : undefined;
    if (sha) out.set(name, sha);
  }
  return out;
}

/**
 * Where the manifest version's release is, offline (spec §7.1 steps 2–3, with tags standing in
 * for GitHub releases as DESIGN.md says): the exact expected tag first (looked up for all
 * packages at once by the caller, `known`), else any tag that parses to this component and
 * exactly this version (e.g. another separator or `v`). No listing of all tags: a glob on the
 * version keeps it cheap.
 */
export function findRelease(
  root: string,
  p: PackageConfig,
  version: Version,
  known?: Map<string, string>,
  rootPackage?: PackageConfig,
): FoundRelease | undefined {
  const expected = tagFor(p, version);
  const direct = known ? known.get(expected) : tagShas(root, [expected]).get(expected);
  if (direct) return { tag: expected, sha: direct };
  const found = releaseByTagName(root, p, version);
  if (found) return found;
  // backfillReleasesFromTags: a package with skip-github-release is released with the root
  // package, so the root's tag at the same version marks its release too
  const fallback = rootFallbackTag(p, version, rootPackage);
  if (!fallback) return undefined;
  const sha = known?.get(fallback) ?? tagShas(root, [fallback]).get(fallback);
  return sha ? { tag: fallback, sha } : undefined;
}

/** The root package's tag at `version`, looked up for a package with skip-github-release (§7.1 step 3). */
export function rootFallbackTag(
  p: PackageConfig,
  version: Version,
  rootPackage: PackageConfig | undefined,
): string | undefined {
  if (!rootPackage || rootPackage === p || !p.skipGithubRelease) return undefined;
  return tagFor(rootPackage, version);
}

/** A tag naming this package's component and exactly this version, however it is spelt (§7.1 step 2, from tags). */
function releaseByTagName(root: string, p: PackageConfig, version: Version): FoundRelease | undefined {
  const expected = tagFor(p, version);
  const core = `${version.major}.${version.minor}.${version.patch}`;
  const list = git(["tag", "-l", `*${core}*`], { cwd: root, allowFailure: true }).stdout.split("\n");
  const want = tagComponentOf(p);
  const candidates: { name: string; t: ParsedTag }[] = [];
  for (const name of list) {
    if (!name || name === expected) continue;
    const t = parseTag(name);
    if (!t || (t.component ?? "") !== want || t.version.toString() !== version.toString()) continue;
    candidates.push({ name, t });
  }
  if (candidates.length === 0) return undefined;
  const shas = tagShas(
    root,
    candidates.map((c) => c.name),
  );
  for (const { name, t } of candidates) {
    const sha = shas.get(name);
    if (sha) return { tag: tagString(t.version, t.component, t.separator ?? "-", t.includeV), sha };
  }
  return undefined;
}

/** A tag of a package's release in PEP 440 mode: the tag name and its normalised PEP 440 version. */
export interface Pep440Tag {
  tag: string;
  version: string;
}

/**
 * The tags among `tags` that are releases of the package with tag component `component`
 * (release-please's tag grammar, spec §7.1 step 2, with the version read as PEP 440 so
 * `v1.3.0rc1`, `v1.3.0-rc.1` and `v1.3.0.post1` all count), newest first by PEP 440 order
 * (1.3.0 > 1.3.0rc2 > 1.3.0rc1 > 1.3.0b1 > 1.3.0a1 > 1.3.0.dev0; the post release after its
 * final). Equal versions keep their given order.
 */
export function sortReleaseTags(tags: string[], component: string): Pep440Tag[] {
  const out: { tag: string; v: Pep440Version }[] = [];
  for (const tag of tags) {
    const m = TAG_PATTERN.exec(tag);
    if (!m?.groups || (m.groups.component ?? "") !== component) continue;
    const v = parsePep440(m.groups.version as string);
    if (v) out.push({ tag, v });
  }
  out.sort((a, b) => comparePep440(b.v, a.v));
  return out.map((t) => ({ tag: t.tag, version: formatPep440(t.v) }));
}

/** Every tag name of the repository (one git call; PEP 440 mode only, so default plans never list tags). */
export function listTags(root: string): string[] {
  return git(["tag", "-l"], { cwd: root, allowFailure: true }).stdout.split("\n").filter(Boolean);
}

/**
 * The previous release in PEP 440 mode: the exact tag built from the manifest's PEP 440
 * version first (`known`, looked up for all packages at once), else the first of the package's
 * release tags (PEP 440 order) equal to that version under PEP 440 (`v1.3.0-rc.1` for
 * 1.3.0rc1). Also the package's newest release tag, so the caller can warn when the manifest
 * is behind the tags.
 */
export function findPep440Release(
  root: string,
  p: PackageConfig,
  version: string,
  known: Map<string, string>,
  allTags: string[],
): { found?: FoundRelease; newest?: Pep440Tag } {
  const releases = sortReleaseTags(allTags, tagComponentOf(p));
  const newest = releases[0];
  const expected = tagFor(p, version);
  const direct = known.get(expected);
  if (direct) return { found: { tag: expected, sha: direct }, newest };
  const same = releases.filter((t) => comparePep440(t.version, version) === 0).map((t) => t.tag);
  const shas = tagShas(root, same);
  for (const tag of same) {
    const sha = shas.get(tag);
    if (sha) return { found: { tag, sha }, newest };
  }
  return { newest };
}

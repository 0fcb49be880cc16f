/**
 * planReleases: what release-please's manifest flow (src/manifest.ts buildPullRequests +
 * src/strategies/base.ts buildReleasePullRequest) would propose, from local git only.
 *
 * One streaming `git log` walk (newest first, release-please's order and stop rules, at most
 * commit-search-depth commits), split per package path as release-please's CommitSplit /
 * commitsAfterSha / CommitExclude do, each commit parsed once and only if some package takes it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  type ChangelogSection,
  componentOf,
  loadReleasePleaseConfig,
  type PackageConfig,
  type ReleasePleaseConfig,
  tagComponentOf,
} from "../config/release-please.ts";
import { normalizeName } from "../dist/pep440.ts";
import { ShiplineError } from "../errors.ts";
import { type Located, locate } from "../git/locate.ts";
import { type LogCommit, type LogStream, readLog } from "../git/log.ts";
import { isShallow } from "../git/shallow.ts";
import { findSlug, resolveSlug } from "../github/slug.ts";
import { NotesBuilder, PRESET_SECTIONS, PYTHON_SECTIONS, sectionFor } from "./changelog.ts";
import { type ConventionalCommit, parseCommit, pullRequestOf } from "./commits.ts";
import { adviseHugePages } from "./hugepages.ts";
import { keepOutOfFTL } from "./jit.ts";
import { type Bump, comparePep440, isPep440Prerelease } from "./pep440.ts";
import {
  initialPep440,
  isNoRelease,
  needsPep440Mode,
  nextPep440,
  type PrereleaseChoice,
  type PrereleaseSetting,
  prereleaseFor,
  releaseCore,
  toPep440,
} from "./prerelease.ts";
import {
  findPep440Release,
  findRelease,
  listTags,
  type Pep440Tag,
  prTitle,
  rootFallbackTag,
  tagFor,
  tagShas,
} from "./tags.ts";
import {
  type DependencyUpdate,
  type Plan,
  type PlannedCommit,
  type PlannedRelease,
  setLazyChangelog,
} from "./types.ts";
import {
  type ChangelogJsonChange,
  changelogJsonChange,
  changelogJsonFilter,
} from "./updaters/changelog-json.ts";
import {
  addToSummary,
  type BumpSummary,
  bumpVersion,
  classify,
  emptySummary,
  findNote,
  Version,
} from "./version.ts";

export interface PlanOptions {
  /** Changelog date YYYY-MM-DD (default: today, UTC). */
  date?: string;
  /** OWNER/NAME (default: GITHUB_REPOSITORY, else the origin remote). */
  repo?: string;
  /** Base branch for titles (default: GITHUB_REF's branch, else the checked-out branch, else main). */
  targetBranch?: string;
  env?: NodeJS.ProcessEnv;
  /** Already loaded config (the stage and CLI load it once). */
  config?: ReleasePleaseConfig;
  /** From locate(), when the caller already ran it. */
  located?: Located;
  /**
   * PEP 440 prerelease channel for this run (`--prerelease`, validated by parsePrereleaseFlag),
   * over `[tool.shipline] prerelease`. Unset and unconfigured: release-please-exact planning.
   */
  prerelease?: PrereleaseChoice;
  /**
   * Merged PRs read from GitHub, by merge commit sha. release-please's default (API) Scm takes
   * BEGIN_COMMIT_OVERRIDE from the PR's description, which users edit after merging to fix a
   * changelog; offline, only the commit message is known. When the pr stage can read GitHub it
   * passes the PRs whose description has an override, and those win over the message.
   */
  pullRequests?: ReadonlyMap<string, { number: number; body: string }>;
  /**
   * `shipline plan` only: with no repository known (a local repo not pushed anywhere yet), plan
   * with OWNER/REPO in the links and a warning instead of stopping; what opens PRs must know it.
   */
  placeholderRepo?: boolean;
}

export const PLACEHOLDER_REPO = "OWNER/REPO";

/** Commits kept for --explain per package; the plan itself is never capped. */
const EXPLAIN_LIMIT = 500;
/**
 * Walks bounded (commit-search-depth) past the default 500 and up to 20k commits run on huge
 * pages (see hugepages.ts): measured 10k commits 189 → 154 ms. Longer bounds do not, since a
 * walk that long costs more on huge pages than it saves (1M commits: +1.5–2.7 s, even with the
 * advice taken back after 20k commits).
 */
const HUGE_PAGES_DEPTH = { above: 500, upTo: 20_000 };

export function sectionsOf(p: PackageConfig): ChangelogSection[] {
  return p.changelogSections ?? (p.releaseType === "python" ? PYTHON_SECTIONS : PRESET_SECTIONS);
}

interface PackageState {
  p: PackageConfig;
  normPath: string;
  /** Undefined: no exclude-paths (see PackageConfig.excludePaths). */
  excludes?: string[];
  /** major.minor.patch of the previous version (all the versioning strategy classifies on). */
  previous?: Version;
  /** The previous version as written in the plan (release-please's form, or PEP 440 in PEP 440 mode). */
  previousText?: string;
  /** PEP 440 mode (python package with a prerelease channel or `final` set); undefined: release-please-exact. */
  pep?: PrereleaseSetting;
  /** PEP 440 mode: the package's newest release tag when it is newer than the manifest version. */
  newerTag?: Pep440Tag;
  previousTag?: string;
  releaseSha?: string;
  /** The manifest version's tag was looked for and not found. */
  tagMissing: boolean;
  done: boolean;
  /** The entry, rendered as commits stream in (no list of all commits is kept). */
  notes: NotesBuilder;
  /** What the versioning strategy reads. */
  summary: BumpSummary;
  /** Parsed commits (0 means release-please's "No commits for path"). */
  parsedCount: number;
  firstBreaking?: ConventionalCommit;
  firstFeature?: ConventionalCommit;
  releaseAsCommit?: ConventionalCommit;
  sections: ChangelogSection[];
  rawCount: number;
  explain: PlannedCommit[];
  ignored: number;
  /** changelog.json's changes, collected only when the repository has one (python packages). */
  jsonChanges?: ChangelogJsonChange[];
  jsonListed?: (c: ConventionalCommit) => boolean;
  /** `<changelog-host>/<owner>/<repo>`, for the issue links in changelog.json's breaking notes. */
  jsonIssueBase?: string;
}

const normalizePath = (path: string) => path.replace(/\/$/, "").replace(/^\//, "");

function headInfo(
  root: string,
  o: PlanOptions,
  env: NodeJS.ProcessEnv,
): { branch: string; hasCommits: boolean } {
  const located = o.located ?? locate(root);
  const current = located.branch;
  const fromEnv =
    env.GITHUB_BASE_REF || (env.GITHUB_REF?.startsWith("refs/heads/") ? env.GITHUB_REF.slice(11) : "");
  return { branch: o.targetBranch || fromEnv || current || "main", hasCommits: located.hasCommits };
}

function explainCommit(c: ConventionalCommit, sections: ChangelogSection[]): PlannedCommit {
  const typeKey = c.type.toLowerCase();
  const entry = sectionFor(sections, typeKey, c.scope);
  const releaseAs = findNote(c.notes, "RELEASE AS");
  let note: string;
  if (releaseAs) note = `Release-As: ${releaseAs.text}`;
  else if (c.breaking)
    note = `breaking change${entry && !entry.hidden ? ` (listed under ${entry.section})` : ""}`;
  else if (entry && !entry.hidden)
    note = `listed under ${entry.section}${c.type === "feat" || c.type === "feature" ? " (minor)" : ""}`;
  else if (c.type === "feature") note = "feature: minor bump, but not listed (no section for it)";
  else if (entry) note = `hidden type "${c.type}" (not listed; counts as a patch)`;
  else note = `type "${c.type}" has no changelog section (not listed; counts as a patch)`;
  return {
    sha: c.sha,
    subject: c.message,
    type: c.type,
    scope: c.scope ?? undefined,
    breaking: c.breaking,
    note,
  };
}

/** The next version: its text as planned, its major.minor.patch, and whether it is a prerelease. */
interface NextVersion {
  text: string;
  core: Version;
  pre: boolean;
}

/** What a PEP 440 channel change means, for the "why" (e.g. "rc channel", "graduates 1.3.0rc2"). */
function channelWords(s: PackageState, pep: PrereleaseSetting): string {
  const prev = s.previousText;
  if (pep.choice !== "final") return `${pep.choice} channel, ${pep.source}`;
  return `${prev && isPep440Prerelease(prev) ? `graduates ${prev}` : "final release"}, ${pep.source}`;
}

/** Why the version moved, in words (for the human plan). */
function bumpReason(
  s: PackageState,
  version: NextVersion,
  fromConfig: boolean,
): { kind: string; why: string } {
  const p = s.p;
  if (fromConfig) return { kind: "release-as", why: `release-as "${p.releaseAs}" in the config` };
  const ra = s.releaseAsCommit;
  if (ra) return { kind: "release-as", why: `Release-As footer in ${ra.sha.slice(0, 7)} (${ra.message})` };
  const pep = s.pep ? ` (${channelWords(s, s.pep)})` : "";
  if (!s.previous) return { kind: "initial", why: `first release (python always starts at 0.1.0)${pep}` };
  if (p.versioning.startsWith("always-bump-"))
    return { kind: p.versioning.slice(12), why: `versioning "${p.versioning}"${pep}` };
  const k = classify(s.previous, s.summary, p).kind;
  const first = s.firstBreaking ?? s.firstFeature;
  const what = first ? ` (${first.sha.slice(0, 7)} ${first.message})` : "";
  const label = s.firstBreaking ? "breaking change" : s.firstFeature ? "feature" : "fixes and other commits";
  return { kind: k, why: `${k}: ${label}${what} → ${version.text}${pep}` };
}

function preMajorWarning(
  s: PackageState,
  next: NextVersion,
  component: string,
  file: string,
): string | undefined {
  const prev = s.previous;
  const version = next.text;
  if (prev?.major !== 0 || next.core.major < 1 || s.p.releaseAs) return undefined;
  if (s.releaseAsCommit) return undefined;
  const b = s.firstBreaking;
  if (!b) return undefined;
  const who = component || (s.p.path === "." ? "the package" : s.p.path);
  return (
    `a breaking change (${b.sha.slice(0, 7)} ${b.message}) takes ${who} from ${s.previousText} to ${version} — a 1.0.0 release. ` +
    `If that is not intended, set "bump-minor-pre-major": true for "${s.p.path}" in ${file} ` +
    `(breaking changes then bump 0.x minor: ${prev.major}.${prev.minor + 1}.0), or add a footer ` +
    `"Release-As: ${prev.major}.${prev.minor + 1}.0" to a new commit`
  );
}

/** buildNewVersion: config release-as, else the first Release-As footer, else the strategy's bump. */
function nextVersion(s: PackageState, releaseAs: string | undefined, configFile: string): Version {
  const p = s.p;
  const ra = s.releaseAsCommit;
  try {
    if (releaseAs) return Version.parse(releaseAs, `release-as of "${p.path}" in ${configFile}`);
    if (ra) return Version.parse(findNote(ra.notes, "RELEASE AS")?.text ?? "");
    if (s.previous) return bumpVersion(s.previous, s.summary, p);
    return p.releaseType === "python" ? new Version(0, 1, 0) : Version.parse(p.initialVersion ?? "1.0.0");
  } catch (e) {
    if (ra && !releaseAs && e instanceof ShiplineError)
      throw new ShiplineError(
        `the Release-As footer of commit ${ra.sha.slice(0, 7)} (${ra.message}) is not a version: ${e.message}`,
        "release-please aborts the whole run on this too; push a commit with a valid `Release-As: X.Y.Z` footer",
      );
    throw e;
  }
}

/** The bump the commits (or an always-bump-* strategy) ask for, in PEP 440 mode. */
function pep440Bump(s: PackageState, previous: Version): Bump {
  const v = s.p.versioning;
  if (v === "always-bump-patch" || v === "always-bump-minor" || v === "always-bump-major")
    return v.slice(12) as Bump;
  if (v === "service-pack")
    throw new ShiplineError(
      'versioning "service-pack" is a Java strategy and is not supported for python packages',
      'use "default" or "prerelease"',
    );
  // Release-As was taken before this is called, so the kind is a bump.
  return classify(previous, s.summary, s.p).kind as Bump;
}

/**
 * buildNewVersion in PEP 440 mode: release-as (config, linked group, or footer) is taken as
 * written in PEP 440 form (the channel does not apply to an explicit version); else the
 * commits' bump on the channel, or to the final release for `final`.
 */
function nextPep440Version(
  s: PackageState,
  pep: PrereleaseSetting,
  releaseAs: string | undefined,
  configFile: string,
): string {
  const p = s.p;
  if (releaseAs) return toPep440(releaseAs, `release-as of "${p.path}" in ${configFile}`);
  const ra = s.releaseAsCommit;
  if (ra) {
    const text = findNote(ra.notes, "RELEASE AS")?.text ?? "";
    try {
      return toPep440(text, `Release-As footer of commit ${ra.sha.slice(0, 7)}`);
    } catch (e) {
      throw new ShiplineError(
        `the Release-As footer of commit ${ra.sha.slice(0, 7)} (${ra.message}) is not a version: ${(e as Error).message}`,
        "push a commit with a valid `Release-As: X.Y.Z` (or PEP 440 `X.Y.ZrcN`) footer",
      );
    }
  }
  if (!s.previousText || !s.previous) return initialPep440(pep.choice);
  return nextPep440(s.previousText, pep.choice, pep440Bump(s, s.previous));
}

/** The next version in either mode. */
function nextOf(s: PackageState, releaseAs: string | undefined, configFile: string): NextVersion {
  if (s.pep) {
    const text = nextPep440Version(s, s.pep, releaseAs, configFile);
    return { text, core: releaseCore(text), pre: isPep440Prerelease(text) };
  }
  const v = nextVersion(s, releaseAs, configFile);
  return { text: v.toString(), core: v, pre: Boolean(v.preRelease) };
}

function addParsed(s: PackageState, c: ConventionalCommit): void {
  s.parsedCount++;
  addToSummary(s.summary, c);
  if (!s.releaseAsCommit && findNote(c.notes, "RELEASE AS")) s.releaseAsCommit = c;
  if (c.breaking) s.firstBreaking ??= c;
  else if (c.type === "feat" || c.type === "feature") s.firstFeature ??= c;
  s.notes.add(c);
  if (s.jsonChanges && s.jsonListed?.(c)) s.jsonChanges.push(changelogJsonChange(c, s.jsonIssueBase ?? ""));
}

interface Linked {
  /** Version every member of a linked group is forced to (as release-as). */
  forced: Map<PackageState, string>;
  groupOf: Map<PackageState, string>;
  /** Members whose releases share one PR (the plugin's merge, default true). */
  mergeGroupOf: Map<PackageState, string>;
}

/**
 * The linked-versions plugin's preconfigure (src/plugins/linked-versions.ts): members (by tag
 * component) that would release give their versions; the highest is forced on every member,
 * and members with nothing to release get a synthetic `chore(<component>): Synchronize
 * <group> versions` commit (sha "") carrying Release-As.
 */
async function linkVersions(
  states: PackageState[],
  cfg: ReleasePleaseConfig,
  sentence: Set<string> | undefined,
): Promise<Linked> {
  const out: Linked = { forced: new Map(), groupOf: new Map(), mergeGroupOf: new Map() };
  for (const pl of cfg.plugins) {
    if (typeof pl !== "object" || pl.type !== "linked-versions") continue;
    // release-please's Version.compare is semver.compare; loaded only for this plugin (start-up).
    const compareSemver = (await import("semver/functions/compare.js")).default;
    const groupName = String(pl.groupName ?? "");
    const components = new Set(Array.isArray(pl.components) ? (pl.components as string[]) : []);
    const members = states.filter((s) => {
      const c = tagComponentOf(s.p);
      return c !== "" && components.has(c);
    });
    const versions: string[] = [];
    const missing = new Set<PackageState>();
    for (const s of members) {
      let v: string | undefined;
      if (s.parsedCount > 0) {
        v = nextOf(s, s.p.releaseAs, cfg.configFile).text;
        if (s.notes.isEmpty()) v = undefined;
      }
      if (v) versions.push(v);
      else missing.add(s);
    }
    if (versions.length === 0) continue;
    // A group with a member in PEP 440 mode compares as PEP 440 (1.3.0rc1 < 1.3.0), else as release-please.
    const pep = members.some((s) => s.pep);
    const compare = pep
      ? (a: string, b: string) => comparePep440(toPep440(a, groupName), toPep440(b, groupName))
      : compareSemver;
    const primary = versions.reduce((a, b) => (compare(a, b) > 0 ? a : b));
    for (const s of members) {
      out.forced.set(s, primary);
      out.groupOf.set(s, groupName);
      if (pl.merge !== false) out.mergeGroupOf.set(s, groupName);
      if (missing.has(s)) {
        const message = `chore(${tagComponentOf(s.p)}): Synchronize ${groupName} versions\n\nRelease-As: ${primary}`;
        for (const c of parseCommit({ sha: "", message, files: [] }))
          addParsed(s, sentence ? sentenceCase(c, sentence) : c);
      }
    }
  }
  return out;
}

/** The sentence-case plugin's special words, when the plugin is configured. */
function sentenceCaseOf(plugins: ReleasePleaseConfig["plugins"]): Set<string> | undefined {
  for (const p of plugins) {
    if (p === "sentence-case") return new Set(["gRPC", "npm"]);
    if (typeof p === "object" && p.type === "sentence-case")
      return new Set(Array.isArray(p.specialWords) ? (p.specialWords as string[]) : ["gRPC", "npm"]);
  }
  return undefined;
}

/** release-please's SentenceCase.processCommits on a copy (special words compare with the whole subject). */
export function sentenceCase(c: ConventionalCommit, special: Set<string>): ConventionalCommit {
  const upper = (w: string) =>
    special.has(w) ? w : /^[a-z]/.test(w) ? w.charAt(0).toUpperCase() + w.slice(1) : w;
  let message = c.message;
  if (message.includes(":")) {
    const parts = message.split(":");
    const prefix = `${parts[0]}: `;
    let suffix = parts.slice(1).join(":").trim();
    const m = /\s|$/.exec(suffix);
    if (m) {
      const first = suffix.slice(0, m.index);
      suffix = suffix.slice(m.index);
      message = `${prefix}${upper(first)}${suffix}`;
    }
  }
  return { ...c, bareMessage: upper(c.bareMessage), message };
}

function belongsTo(path: string, files: string[], sortedPaths: string[]): boolean {
  if (path === ".") return true;
  if (files.length === 0) return true; // release-please's includeEmpty
  for (const f of files) {
    if (!f.includes("/")) continue;
    const owner = sortedPaths.find((p) => f.indexOf(`${p}/`) === 0);
    if (owner === path) return true;
  }
  return false;
}

/**
 * release-please's CommitExclude: with exclude-paths set (even empty), a commit is dropped when
 * every one of its files in the package is under an excluded path — vacuously so when it has
 * none there (an empty commit).
 */
function excluded(path: string, files: string[], excludes: string[] | undefined): boolean {
  if (!excludes) return false;
  const relevant = (f: string, p: string) => p === "." || f.indexOf(`${p}/`) === 0;
  return files.filter((f) => relevant(f, path)).every((f) => excludes.some((e) => relevant(f, e)));
}

export async function planReleases(root: string, o: PlanOptions = {}): Promise<Plan> {
  const env = o.env ?? process.env;
  const cfg = o.config ?? loadReleasePleaseConfig(root);
  const found = o.placeholderRepo ? findSlug(root, o.repo, env) : resolveSlug(root, o.repo, env);
  const repo = found ?? PLACEHOLDER_REPO;
  const [owner, repository] = repo.split("/") as [string, string];
  const head = headInfo(root, o, env);
  const targetBranch = head.branch;
  const plan: Plan = { targetBranch, repo, releases: [], skipped: [], warnings: [...cfg.warnings] };
  if (!found)
    plan.warnings?.push(
      `no GitHub repository is known (no --repo, GITHUB_REPOSITORY or \`origin\` remote): the changelog's links say ${PLACEHOLDER_REPO}; pass --repo OWNER/NAME for the real ones`,
    );

  for (const pl of cfg.plugins) {
    const name = typeof pl === "string" ? pl : String(pl.type);
    if (name !== "sentence-case" && name !== "group-priority" && name !== "linked-versions")
      plan.warnings?.push(
        `${cfg.configFile}: plugin "${name}" is not applied by shipline's planner; versions may differ from release-please`,
      );
  }
  for (const p of cfg.packages) {
    if (p.changelogType === "github")
      plan.warnings?.push(
        `${cfg.configFile}: "${p.path}" uses changelog-type "github" (GitHub's generated notes): offline, the default changelog is shown; \`shipline pr\` and \`run\` ask GitHub for the notes`,
      );
    if (p.includeCommitAuthors)
      plan.warnings?.push(
        `${cfg.configFile}: "${p.path}" sets include-commit-authors, which release-please 17.11 does not apply (its commit parser drops the author): entries carry no author, as in its PRs`,
      );
  }

  const sortedPaths = cfg.packages
    .map((p) => normalizePath(p.path))
    .filter((p) => p !== ".")
    .sort((a, b) => b.length - a.length);
  const needFiles = sortedPaths.length > 0 || cfg.packages.some((p) => p.excludePaths !== undefined);
  // git starts walking now and runs while the tags are looked up below (each git spawn costs
  // ~10 ms here; overlapping them is most of `plan`'s start-up on small ranges).
  const log = head.hasCommits
    ? readLog({ cwd: root, files: needFiles, maxCount: cfg.commitSearchDepth })
    : undefined;
  // A mid-length walk runs on huge pages (HUGE_PAGES_DEPTH); plans within the default
  // commit-search-depth, the common case, never pay the few ms the advice costs. The advice is
  // taken back when planning ends (`run` goes on to build, hash and upload).
  const depth = cfg.commitSearchDepth;
  const hugePages = log && depth > HUGE_PAGES_DEPTH.above && depth <= HUGE_PAGES_DEPTH.upTo;
  const unadvise = hugePages ? adviseHugePages() : undefined;
  try {
    return await planWith(root, o, cfg, plan, owner, repository, sortedPaths, log);
  } finally {
    log?.stop();
    unadvise?.();
  }
}

async function planWith(
  root: string,
  o: PlanOptions,
  cfg: ReleasePleaseConfig,
  plan: Plan,
  owner: string,
  repository: string,
  sortedPaths: string[],
  log: LogStream | undefined,
): Promise<Plan> {
  const targetBranch = plan.targetBranch;
  // PEP 440 mode per package (opt-in: --prerelease or [tool.shipline] prerelease), and in that
  // mode the manifest version read as PEP 440 (1.3.0rc1 stays 1.3.0rc1).
  const peps = cfg.packages.map((p) => prereleaseFor(root, p, o.prerelease, targetBranch));
  const pepPrevious = cfg.packages.map((p, i) => {
    const raw = cfg.manifest[p.path];
    return peps[i] && raw !== undefined ? toPep440(raw, `${cfg.manifestFile} "${p.path}"`) : undefined;
  });
  const allTags = peps.some(Boolean) ? listTags(root) : [];

  // §7.1 steps 1–4: previous release per path (the expected tags of all packages in one git call).
  const rootPackage = cfg.packages.find((p) => p.path === ".");
  const optional = (t: string | undefined) => (t === undefined ? [] : [t]);
  const expectedTags: string[] = [];
  cfg.packages.forEach((p, i) => {
    const raw = cfg.manifest[p.path];
    const pep = pepPrevious[i];
    const v = raw === undefined || peps[i] ? undefined : Version.tryParse(raw);
    if (pep) expectedTags.push(tagFor(p, pep));
    else if (v) expectedTags.push(tagFor(p, v), ...optional(rootFallbackTag(p, v, rootPackage)));
    // The likely next tags too, so the "next tag already exists" check at the end needs no
    // second git call in the common case (a plain bump or a first release; PEP 440 mode's
    // channel versions are not guessed, the check asks for them).
    if (!peps[i]) for (const next of likelyNextVersions(p, v)) expectedTags.push(tagFor(p, next));
  });
  const knownTags = tagShas(root, expectedTags);
  // release-please's python strategy prepends each release to a root changelog.json if one exists.
  const hasChangelogJson = existsSync(join(root, "changelog.json"));
  const states: PackageState[] = cfg.packages.map((p, i) => {
    const raw = cfg.manifest[p.path];
    const s: PackageState = {
      p,
      normPath: normalizePath(p.path),
      excludes: p.excludePaths?.map(normalizePath),
      tagMissing: false,
      done: false,
      notes: new NotesBuilder({ host: p.changelogHost, owner, repository, changelogSections: sectionsOf(p) }),
      summary: emptySummary(),
      parsedCount: 0,
      sections: sectionsOf(p),
      rawCount: 0,
      explain: [],
      ignored: 0,
      pep: peps[i],
    };
    if (hasChangelogJson && p.releaseType === "python" && !p.skipChangelog) {
      s.jsonChanges = [];
      s.jsonListed = changelogJsonFilter(s.sections);
      s.jsonIssueBase = `${p.changelogHost || "https://github.com"}/${owner}/${repository}`;
    }
    if (raw === undefined) return s;
    /** The previous release's tag and commit, or the tag it should have had (missing). */
    const placed = (found: { tag: string; sha: string } | undefined, expected: string) => {
      if (found) {
        s.previousTag = found.tag;
        s.releaseSha = found.sha;
      } else {
        s.previousTag = expected;
        s.tagMissing = true;
      }
      return s;
    };
    const pep = pepPrevious[i];
    if (pep !== undefined) {
      if (isNoRelease(pep)) return s;
      s.previous = releaseCore(pep);
      s.previousText = pep;
      const { found, newest } = findPep440Release(root, p, pep, knownTags, allTags);
      if (newest && comparePep440(newest.version, pep) > 0) s.newerTag = newest;
      return placed(found, tagFor(p, pep));
    }
    const v = Version.parse(raw, `${cfg.manifestFile} "${p.path}"`);
    const found = findRelease(root, p, v, knownTags, rootPackage);
    // 0.0.0 means "no release yet" only when no tag marks it (§7.1 step 7): a v0.0.0 tag is a release
    if (v.toString() === "0.0.0" && !found) return s;
    s.previous = v;
    s.previousText = v.toString();
    if (p.releaseType === "python" && needsPep440Mode(raw))
      plan.warnings?.push(
        `${p.path}: ${cfg.manifestFile} says ${raw}, a PEP 440 version that release-please reads as ${v}. ` +
          `To read it as PEP 440, plan with --prerelease <a|b|rc|dev> to stay on a channel or --prerelease final to graduate (or set [tool.shipline] prerelease)`,
      );
    return placed(found, tagFor(p, v));
  });
  const needsBootstrap = states.some((s) => !s.releaseSha);
  const releaseShas = new Set(states.map((s) => s.releaseSha).filter((x): x is string => Boolean(x)));
  const sentence = sentenceCaseOf(cfg.plugins);

  // Steps 5–6: one walk.
  const walk: Walk = {
    states,
    sortedPaths,
    pullRequests: o.pullRequests,
    sentence,
    releaseShas,
    needsBootstrap,
    lastReleaseSha: cfg.lastReleaseSha,
    bootstrapSha: cfg.bootstrapSha,
    seen: 0,
    scanned: 0,
    stoppedBy: "the start of history",
  };
  if (log) {
    for await (const batch of log) if (takeBatch(walk, batch)) break;
    if (walk.scanned >= cfg.commitSearchDepth)
      walk.stoppedBy = `commit-search-depth (${cfg.commitSearchDepth} commits)`;
  }
  const stoppedBy = walk.stoppedBy;

  const linked = await linkVersions(states, cfg, sentence);

  // Per package: version, tag, title, entry (buildReleasePullRequest).
  for (const s of states) {
    const p = s.p;
    const component = tagComponentOf(p);
    const skip = (reason: string) =>
      plan.skipped.push({
        path: p.path,
        component,
        reason,
        commits: s.explain,
        previousTag: s.previousTag ?? null,
      });
    if (s.tagMissing)
      plan.warnings?.push(
        // in a shallow clone the tag is most likely only not fetched: creating it would be wrong
        isShallow(root)
          ? `${p.path}: tag ${s.previousTag} (the manifest's ${s.previousText}) is not in this shallow clone, so only the fetched commits count. ` +
              "Fetch the history and tags (`git fetch --unshallow --tags`, or `fetch-depth: 0` in actions/checkout) for the real plan."
          : `${p.path}: the manifest says ${s.previousText} but tag ${s.previousTag} does not exist, so every commit back to ${stoppedBy} counts (release-please does the same). ` +
              `Create the tag on the release commit, or fix ${cfg.manifestFile}/the tag settings (component, include-v-in-tag, tag-separator).`,
      );
    if (s.parsedCount === 0) {
      skip(
        s.rawCount === 0
          ? `no commits since ${s.previousTag ?? "the start of history"} touch this package`
          : `none of the ${s.rawCount} commit(s) since ${s.previousTag ?? "the start of history"} has a conventional header`,
      );
      continue;
    }
    if (s.newerTag)
      plan.warnings?.push(
        `${p.path}: tag ${s.newerTag.tag} (${s.newerTag.version}) is newer than ${cfg.manifestFile}'s ${s.previousText}; ` +
          `the next version is bumped from the manifest (as release-please does). Set it to ${s.newerTag.version} if that is the latest release`,
      );
    const forcedAs = linked.forced.get(s);
    const next = nextOf(s, forcedAs ?? p.releaseAs, cfg.configFile);
    const version = next.text;
    const fromConfig = Boolean(forcedAs ?? p.releaseAs);
    const tag = tagFor(p, version);
    if (s.notes.isEmpty()) {
      skip(
        `no user-facing commits since ${s.previousTag ?? "the start of history"}: all ${s.parsedCount} parsed commit(s) have hidden types (chore, ci, build, test, refactor, style…). Use fix:/feat:/docs:/deps:, or a Release-As: footer`,
      );
      continue;
    }
    const bump = forcedAs
      ? {
          kind: "release-as",
          why: `linked-versions group "${linked.groupOf.get(s)}": every member gets ${forcedAs}`,
        }
      : bumpReason(s, next, fromConfig);
    const warnings: string[] = [];
    const w = preMajorWarning(s, next, component, cfg.configFile);
    if (w) warnings.push(w);
    const release: PlannedRelease = {
      path: p.path,
      component,
      packageName: p.packageName,
      previousVersion: s.previousText ?? null,
      version,
      previousTag: s.previousTag ?? null,
      tag,
      title: prTitle(p.pullRequestTitlePattern, component, targetBranch, version, p.componentNoSpace),
      changelog: "",
      // PEP 440 mode marks every prerelease as a GitHub prerelease; else release-please's rule.
      prerelease: (s.pep !== undefined && next.pre) || (p.prerelease && (next.pre || next.core.major === 0)),
      draft: p.draft,
      commits: s.explain,
      warnings,
      bump: bump.kind,
      reason: bump.why,
      branchComponent: componentOf(p),
      linkedGroup: linked.mergeGroupOf.get(s),
      ...(s.jsonChanges && { changelogJson: s.jsonChanges }),
    };
    const heading = { version, previousTag: s.previousTag, currentTag: tag, date: o.date };
    const notes = s.notes;
    setLazyChangelog(release, { text: () => notes.pieces(heading), json: () => notes.pieces(heading, true) });
    plan.releases.push(release);
  }
  // Loaded only for uv workspaces: its TOML editor is not needed by a plain plan's start-up.
  if (cfg.uvWorkspace?.length)
    cascadeWorkspace(plan, states, cfg, o.date, await import("./workspace-deps.ts"));
  // A next tag that already exists means the manifest is behind the tags (one git call for all).
  const asked = new Set(expectedTags);
  const unasked = plan.releases.map((r) => r.tag).filter((t) => !asked.has(t));
  const existing = unasked.length > 0 ? tagShas(root, unasked) : knownTags;
  for (const r of plan.releases)
    if (existing.has(r.tag) || knownTags.has(r.tag))
      r.warnings.push(
        `tag ${r.tag} already exists, so this release would collide with it: ${cfg.manifestFile} says ${r.previousVersion ?? "nothing"} for "${r.path}" and is behind the tags. Set it to the latest released version`,
      );
  return plan;
}

/** Steps 5–6's walk: what it reads and what it has counted so far. */
interface Walk {
  states: PackageState[];
  sortedPaths: string[];
  pullRequests: PlanOptions["pullRequests"];
  sentence: Set<string> | undefined;
  releaseShas: Set<string>;
  needsBootstrap: boolean;
  lastReleaseSha?: string;
  bootstrapSha?: string;
  seen: number;
  scanned: number;
  /** What ended the walk, for the "commits back to …" warning. */
  stoppedBy: string;
}

/**
 * One batch of commits (newest first); returns true when the walk is over. Out of planWith so
 * that the JIT compiles this small loop, not all of planWith (9 ms of DFG at 10k commits).
 */
function takeBatch(w: Walk, batch: LogCommit[]): boolean {
  for (const commit of batch) {
    if (w.releaseShas.has(commit.sha)) w.seen++;
    if (w.lastReleaseSha && w.lastReleaseSha === commit.sha) {
      w.stoppedBy = `last-release-sha ${commit.sha.slice(0, 7)}`;
      return true;
    }
    if (w.needsBootstrap && commit.sha === w.bootstrapSha) {
      w.stoppedBy = `bootstrap-sha ${commit.sha.slice(0, 7)}`;
      return true;
    }
    if (!w.needsBootstrap && w.seen >= w.releaseShas.size) {
      w.stoppedBy = `the release commit ${commit.sha.slice(0, 7)}`;
      return true;
    }
    w.scanned++;
    takeCommit(w, commit);
  }
  return false;
}

/** One commit of the walk, for every package it belongs to. */
function takeCommit(w: Walk, commit: LogCommit): void {
  const { sortedPaths, pullRequests, sentence } = w;
  let parsed: ConventionalCommit[] | undefined;
  for (const s of w.states) {
    if (s.done || !belongsTo(s.normPath, commit.files, sortedPaths)) continue;
    if (s.releaseSha === commit.sha) {
      s.done = true;
      continue;
    }
    if (excluded(s.normPath, commit.files, s.excludes)) continue;
    if (!parsed) {
      const raw = {
        sha: commit.sha,
        message: commit.message,
        files: commit.files,
        // The local Scm's PR body is the message itself, and only its BEGIN_COMMIT_OVERRIDE is
        // ever read (preprocessCommitMessage): no need to look for a PR number otherwise.
        pullRequest:
          pullRequests?.get(commit.sha) ??
          (commit.message.includes("BEGIN_COMMIT_OVERRIDE") ? pullRequestOf(commit.message) : undefined),
      };
      parsed = parseCommit(raw);
    }
    s.rawCount++;
    // plugins' processCommits hook (only sentence-case changes python commits)
    for (const c of parsed) addParsed(s, sentence ? sentenceCase(c, sentence) : c);
    if (s.explain.length < EXPLAIN_LIMIT) {
      if (parsed.length === 0)
        s.explain.push({
          sha: commit.sha,
          subject: commit.message.split("\n", 1)[0] as string,
          breaking: false,
          note: "ignored: the header is not a conventional commit",
        });
      for (const c of parsed) s.explain.push(explainCommit(c, s.sections));
    }
    if (parsed.length === 0) s.ignored++;
  }
}

/** The versions a plain bump of `v` (or a first release) gives: the candidates for the next tag. */
function likelyNextVersions(p: PackageConfig, v: Version | undefined): Version[] {
  if (!v) return p.releaseType === "python" ? [new Version(0, 1, 0)] : [];
  return [
    new Version(v.major, v.minor, v.patch + 1),
    new Version(v.major, v.minor + 1, 0),
    new Version(v.major + 1, 0, 0),
  ];
}

/**
 * A member released only because a workspace dependency was: release-please's node-workspace
 * newCandidate, a patch bump (PatchVersionUpdate keeps pre-release and build) whose entry is
 * the heading plus the dependency notes. Undefined (with a warning) when it was never released.
 */
function dependentRelease(
  s: PackageState,
  plan: Plan,
  updates: DependencyUpdate[],
  date: string | undefined,
): PlannedRelease | undefined {
  const p = s.p;
  const prev = s.previous;
  const names = updates.map((u) => u.name).join(", ");
  if (!prev || !s.previousText) {
    const w = `${p.path}: depends on released workspace member(s) ${names} but has no released version in the manifest, so its requirements are not bumped; release it once (e.g. a fix: commit touching ${p.path})`;
    if (!plan.warnings?.includes(w)) plan.warnings?.push(w);
    return undefined;
  }
  const version = s.pep
    ? nextPep440(s.previousText, s.pep.choice, "patch")
    : new Version(prev.major, prev.minor, prev.patch + 1, prev.preRelease, prev.build).toString();
  const component = tagComponentOf(p);
  const tag = tagFor(p, version);
  const pre = s.pep ? isPep440Prerelease(version) : Boolean(prev.preRelease);
  return {
    path: p.path,
    component,
    packageName: p.packageName,
    previousVersion: s.previousText,
    version,
    previousTag: s.previousTag ?? null,
    tag,
    title: prTitle(p.pullRequestTitlePattern, component, plan.targetBranch, version, p.componentNoSpace),
    changelog: s.notes.render({ version, previousTag: s.previousTag, currentTag: tag, date }),
    prerelease: (s.pep !== undefined && pre) || (p.prerelease && (pre || prev.major === 0)),
    draft: p.draft,
    commits: s.explain,
    warnings: [],
    bump: "patch",
    reason: `patch: workspace dependencies updated (${names}) → ${version}`,
    branchComponent: componentOf(p),
  };
}

/**
 * uv workspace (opt-in): members whose requirements name a released member get the bound moved
 * (workspace-deps.ts) and, when not releasing already, a patch release; repeated until no new
 * release appears (dependents of dependents). Releases stay in config order.
 */
function cascadeWorkspace(
  plan: Plan,
  states: PackageState[],
  cfg: ReleasePleaseConfig,
  date: string | undefined,
  { appendDependenciesSection, dependencyNotes, dependencyUpdates }: typeof import("./workspace-deps.ts"),
): void {
  const members = cfg.uvWorkspace ?? [];
  const stateOf = new Map(states.map((s) => [s.p.path, s]));
  const nameOf = new Map(members.map((m) => [m.path, normalizeName(m.name)]));
  const byPath = new Map(plan.releases.map((r) => [r.path, r]));
  for (let grew = true; grew; ) {
    grew = false;
    const released = new Map<string, string>();
    for (const r of plan.releases) {
      const n = nameOf.get(r.path);
      if (n) released.set(n, r.version);
    }
    for (const m of members) {
      const s = stateOf.get(m.path);
      const updates = dependencyUpdates(m, released);
      if (!s || updates.length === 0) continue;
      let r = byPath.get(m.path);
      if (!r) {
        r = dependentRelease(s, plan, updates, date);
        if (!r) continue;
        plan.releases.push(r);
        byPath.set(m.path, r);
        plan.skipped = plan.skipped.filter((k) => k.path !== m.path);
        grew = true;
      }
      r.dependencyUpdates = updates;
    }
  }
  for (const r of plan.releases)
    if (r.dependencyUpdates?.length)
      r.changelog = appendDependenciesSection(r.changelog, dependencyNotes(r.dependencyUpdates));
  const order = new Map(cfg.packages.map((p, i) => [p.path, i]));
  plan.releases.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
}

keepOutOfFTL(takeBatch, takeCommit, addParsed, belongsTo, excluded, explainCommit);

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title patterns use literal ${…} placeholders
/**
 * How release-please lays out release PRs (spec §5.1–5.5): branch names, titles, bodies,
 * labels, and how planned releases are grouped into PRs. Pure functions: no I/O, so the exact
 * bytes can be tested against the spec's vectors.
 */
import {
  componentOf,
  DEFAULT_PR_FOOTER,
  DEFAULT_PR_HEADER,
  type PackageConfig,
  type ReleasePleaseConfig,
  tagComponentOf,
} from "../config/release-please.ts";
import type { PlannedRelease } from "../plan/types.ts";

const DELIMITER = "---";

/** §5.1: `release-please--branches--{target}[--components--{component}]`. */
export function branchName(target: string, branchComponent = ""): string {
  return branchComponent
    ? `release-please--branches--${target}--components--${branchComponent}`
    : `release-please--branches--${target}`;
}

/** `release-please--branches--{target}--groups--{group}` (§5.1): non-word characters → `-`, runs collapse. */
export function groupBranchName(target: string, group: string): string {
  return `release-please--branches--${target}--groups--${group.replace(/[^\w\d]/g, "-").replace(/-+/g, "-")}`;
}

/** §5.2: only the first occurrence of each placeholder is replaced; the result is trimmed. */
export function renderTitle(
  pattern: string,
  o: { target?: string; component?: string; version?: string; componentNoSpace?: boolean },
): string {
  const scope = o.target ? `(${o.target})` : "";
  const component = o.component ? (o.componentNoSpace ? o.component : ` ${o.component}`) : "";
  let p = pattern;
  if (o.componentNoSpace && !component) p = p.replace("${component} ", "");
  return p
    .replace("${scope}", scope)
    .replace("${component}", component)
    .replace("${version}", o.version ?? "")
    .replace("${branch}", o.target ?? "")
    .trim();
}

export interface BodyEntry {
  /** Tag component ('' when none). */
  component: string;
  version: string;
  /** The CHANGELOG entry. */
  notes: string;
}

/** §5.3: `{header}⏎---⏎⏎⏎{notes}⏎⏎---⏎{footer}`, no trailing newline. */
export function renderBody(
  entries: BodyEntry[],
  o: { header: string; footer: string; useComponents: boolean },
): string {
  const notes = o.useComponents
    ? entries
        .map(
          (e) =>
            `<details><summary>${e.component ? `${e.component}: ` : ""}${e.version}</summary>\n\n${e.notes}\n</details>`,
        )
        .join("\n\n")
    : entries.map((e) => e.notes).join("\n\n");
  return `${o.header}\n${DELIMITER}\n\n\n${notes}\n\n${DELIMITER}\n${o.footer}`;
}

/** release-please's `splitBody`: a body is a release PR body when it has a `---` line. */
export function isReleasePrBody(body: string | null | undefined): boolean {
  return Boolean(body?.trim().replace(/\r\n/g, "\n").split("\n").includes(DELIMITER));
}

/** §1.2: the commit message is the title, plus a sign-off trailer when configured. */
export function commitMessage(title: string, signoff?: string): string {
  return signoff ? `${title}\n\nSigned-off-by: ${signoff}` : title;
}

/** §5.7: `"{component}: v{version}"`, or `"v{version}"`; no `v` with include-v-in-release-name false. */
export function releaseName(pkg: PackageConfig, version: string): string {
  const v = `${pkg.includeVInReleaseName ? "v" : ""}${version}`;
  const component = tagComponentOf(pkg);
  return component ? `${component}: ${v}` : v;
}

/** One release PR to open or update. */
export interface PrCandidate {
  branch: string;
  title: string;
  body: string;
  labels: string[];
  draft: boolean;
  /** Commit message of the one commit on the branch. */
  message: string;
  releases: PlannedRelease[];
}

function packageFor(cfg: ReleasePleaseConfig, path: string): PackageConfig {
  const pkg = cfg.packages.find((p) => p.path === path);
  if (!pkg) throw new Error(`planned release for ${path}, which is not in the config`);
  return pkg;
}

function entryOf(cfg: ReleasePleaseConfig, r: PlannedRelease): BodyEntry {
  return { component: tagComponentOf(packageFor(cfg, r.path)), version: r.version, notes: r.changelog };
}

/** A package's own PR (the strategy's PR, before any plugin). */
function ownPr(cfg: ReleasePleaseConfig, r: PlannedRelease, target: string): PrCandidate {
  const pkg = packageFor(cfg, r.path);
  const title = renderTitle(pkg.pullRequestTitlePattern, {
    target,
    component: tagComponentOf(pkg),
    version: r.version,
    componentNoSpace: pkg.componentNoSpace,
  });
  return {
    branch: branchName(target, componentOf(pkg)),
    title,
    body: renderBody([entryOf(cfg, r)], {
      header: pkg.pullRequestHeader,
      footer: pkg.pullRequestFooter,
      useComponents: false,
    }),
    labels: [...cfg.labels, ...pkg.extraLabels],
    draft: pkg.draftPullRequest,
    message: commitMessage(title, cfg.signoff),
    releases: [r],
  };
}

/**
 * A candidate as release-please's plugins pass it along (CandidateReleasePullRequest): the PR
 * plus what the next merge reads from it.
 */
interface Candidate {
  pr: PrCandidate;
  /** The package path; a merged candidate is `.` (release-please's ROOT_PROJECT_PATH). */
  path: string;
  /** The config's own `component` key, which linked-versions' run matches (not package-name). */
  configComponent?: string;
  /** The package's `separate-pull-requests` (a merged candidate has none). */
  separate?: boolean;
  /** Title component and version a later merge reads when this is its root candidate. */
  titleComponent?: string;
  version?: string;
  entries: BodyEntry[];
}

function ownCandidate(cfg: ReleasePleaseConfig, r: PlannedRelease, target: string): Candidate {
  const pkg = packageFor(cfg, r.path);
  return {
    pr: ownPr(cfg, r, target),
    path: r.path,
    configComponent: pkg.component,
    separate: pkg.separatePullRequests,
    titleComponent: tagComponentOf(pkg),
    version: r.version,
    entries: [entryOf(cfg, r)],
  };
}

/**
 * release-please's Merge plugin on `inScope`: one PR whose title reads component and version
 * from the last candidate at path `.` (a merged one has neither), all-`<details>` body in
 * candidate order, labels in first-seen order. `draft` is decided by the caller (Merge looks at
 * every candidate it was given, in scope or not).
 */
function mergeCandidates(
  cfg: ReleasePleaseConfig,
  inScope: Candidate[],
  target: string,
  o: {
    pattern: string;
    header: string;
    footer: string;
    componentNoSpace: boolean;
    branch: string;
    draft: boolean;
  },
): Candidate {
  const root = inScope.filter((c) => c.path === ".").at(-1);
  const title = renderTitle(o.pattern, {
    target,
    component: root?.titleComponent,
    version: root?.version,
    componentNoSpace: o.componentNoSpace,
  });
  const labels: string[] = [];
  for (const c of inScope) for (const l of c.pr.labels) if (!labels.includes(l)) labels.push(l);
  const entries = inScope.flatMap((c) => c.entries);
  return {
    pr: {
      branch: o.branch,
      title,
      body: renderBody(entries, { header: o.header, footer: o.footer, useComponents: true }),
      labels,
      draft: o.draft,
      message: commitMessage(title, cfg.signoff),
      releases: inScope.flatMap((c) => c.pr.releases),
    },
    path: ".",
    entries,
  };
}

/**
 * §5.5 grouping, as release-please's buildPullRequests: every release starts as its own PR;
 * the configured plugins run in order (only linked-versions changes the layout: with
 * `merge` unset or true, its members, matched by their config `component`, become one PR
 * `chore(<target>): release <group> libraries` on `…--groups--<group>`, even members with
 * `separate-pull-requests: true`); last, unless top-level `separate-pull-requests` (unset =
 * true for one package), every candidate without its own `separate-pull-requests: true`,
 * including a linked group's PR, is merged into one PR on the plain branch (even a single one,
 * V17/V29). So a linked group gets its own PR only with top-level `separate-pull-requests: true`.
 */
export function groupPullRequests(
  cfg: ReleasePleaseConfig,
  releases: PlannedRelease[],
  target: string,
): PrCandidate[] {
  const order = new Map(cfg.packages.map((p, i) => [p.path, i]));
  const sorted = [...releases].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
  if (sorted.length === 0) return [];
  let candidates = sorted.map((r) => ownCandidate(cfg, r, target));
  for (const pl of cfg.plugins) {
    if (typeof pl !== "object" || pl.type !== "linked-versions" || pl.merge === false) continue;
    const group = String(pl.groupName ?? "");
    const members = new Set(Array.isArray(pl.components) ? (pl.components as string[]) : []);
    // A merged candidate has no version, so a later group never takes it in.
    const inScope = candidates.filter((c) => c.version !== undefined && members.has(c.configComponent ?? ""));
    if (inScope.length === 0) continue;
    const merged = mergeCandidates(cfg, inScope, target, {
      pattern: `chore\${scope}: release ${group} libraries`,
      header: DEFAULT_PR_HEADER,
      footer: DEFAULT_PR_FOOTER,
      componentNoSpace: false,
      branch: groupBranchName(target, group),
      draft: inScope.every((c) => c.pr.draft),
    });
    candidates = [...candidates.filter((c) => !inScope.includes(c)), merged];
  }
  if (cfg.separatePullRequests) return candidates.map((c) => c.pr);
  const inScope = candidates.filter((c) => c.separate !== true);
  const separate = candidates.filter((c) => c.separate === true);
  // release-please would open an empty merged PR when every package is separate; shipline does not.
  if (inScope.length === 0) return separate.map((c) => c.pr);
  // Header, footer and component-no-space of the first configured path (every path has them).
  const first = cfg.packages[0]!;
  const merged = mergeCandidates(cfg, inScope, target, {
    pattern: cfg.groupPullRequestTitlePattern,
    header: first.pullRequestHeader,
    footer: first.pullRequestFooter,
    componentNoSpace: first.componentNoSpace,
    branch: branchName(target),
    draft: candidates.every((c) => c.pr.draft),
  });
  return [merged.pr, ...separate.map((c) => c.pr)];
}

/** §5.3 overflow: GitHub refuses bodies over 65,536 characters. */
export const MAX_BODY = 65_536;

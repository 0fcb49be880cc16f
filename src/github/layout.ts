// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title patterns use literal ${…} placeholders
/**
 * How release-please lays out release PRs (spec §5.1–5.5): branch names, titles, bodies,
 * labels, and how planned releases are grouped into PRs. Pure functions: no I/O, so the exact
 * bytes can be tested against the spec's vectors.
 */
import {
  componentOf,
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
 * §5.5 grouping. One package with `separate-pull-requests` unset (or top-level true): each
 * release gets its own PR. Otherwise every release whose package does not say
 * `separate-pull-requests: true` goes into one merged PR (even a single one, V17/V29).
 */
export function groupPullRequests(
  cfg: ReleasePleaseConfig,
  releases: PlannedRelease[],
  target: string,
): PrCandidate[] {
  const order = new Map(cfg.packages.map((p, i) => [p.path, i]));
  const sorted = [...releases].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
  if (sorted.length === 0) return [];
  if (cfg.separatePullRequests) return sorted.map((r) => ownPr(cfg, r, target));
  const merged = sorted.filter((r) => packageFor(cfg, r.path).separatePullRequests !== true);
  const separate = sorted.filter((r) => packageFor(cfg, r.path).separatePullRequests === true);
  const out: PrCandidate[] = [];
  if (merged.length) {
    const first = cfg.packages[0]!;
    const root = merged.find((r) => r.path === ".");
    const title = renderTitle(cfg.groupPullRequestTitlePattern, {
      target,
      component: root ? tagComponentOf(packageFor(cfg, ".")) : undefined,
      version: root?.version,
      componentNoSpace: first.componentNoSpace,
    });
    const labels: string[] = [];
    for (const r of merged)
      for (const l of [...cfg.labels, ...packageFor(cfg, r.path).extraLabels])
        if (!labels.includes(l)) labels.push(l);
    out.push({
      branch: branchName(target),
      title,
      body: renderBody(
        merged.map((r) => entryOf(cfg, r)),
        { header: first.pullRequestHeader, footer: first.pullRequestFooter, useComponents: true },
      ),
      labels,
      draft: merged.every((r) => packageFor(cfg, r.path).draftPullRequest),
      message: commitMessage(title, cfg.signoff),
      releases: merged,
    });
  }
  for (const r of separate) out.push(ownPr(cfg, r, target));
  return out;
}

/** §5.3 overflow: GitHub refuses bodies over 65,536 characters. */
export const MAX_BODY = 65_536;

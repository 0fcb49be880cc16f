/**
 * The seed's "Release PR not created" causes, checked on the commits since the last release
 * (spec/release-please.md §4.1, §4.2, §7.3): none at all, none in conventional form, or only
 * hidden types.
 */
import type { PackageConfig, ReleasePleaseConfig } from "../../config/release-please.ts";
import { errorMessage } from "../../errors.ts";
import { git } from "../../git/git.ts";
import type { Plan } from "../../plan/types.ts";
import { releaseTags } from "./check-release-config.ts";
import { type DoctorContext, error, type Finding, ok, warn } from "./finding.ts";

/** Python's default visible sections (spec §4.1); a custom changelog-sections replaces the list. */
const PYTHON_VISIBLE = ["feat", "fix", "perf", "deps", "revert", "docs"];

export function visibleTypes(p: PackageConfig): Set<string> {
  if (!p.changelogSections) return new Set(PYTHON_VISIBLE);
  return new Set(p.changelogSections.filter((s) => !s.hidden).map((s) => s.type.toLowerCase()));
}

export interface CommitSummary {
  total: number;
  nonConventional: string[];
  visible: number;
  hidden: number;
  breaking: number;
  releaseAs: number;
}

const HEADER = /^(\w+)(?:\([^)]*\))?(!)?: \S/;

export function summarizeCommits(
  root: string,
  range: string,
  path: string,
  visible: Set<string>,
): CommitSummary {
  const args = ["log", "--format=%s%x00%b%x1e", range];
  if (path !== ".") args.push("--", path);
  const out = git(args, { cwd: root, allowFailure: true }).stdout;
  const s: CommitSummary = {
    total: 0,
    nonConventional: [],
    visible: 0,
    hidden: 0,
    breaking: 0,
    releaseAs: 0,
  };
  for (const rec of out.split("\x1e")) {
    const [subject = "", body = ""] = rec.replace(/^\n/, "").split("\x00");
    if (!subject.trim()) continue;
    s.total++;
    const m = HEADER.exec(subject);
    const releaseAs = /^release-as:\s*\S/im.test(body);
    const breaking = Boolean(m?.[2]) || /^BREAKING[ -]CHANGE:/m.test(body);
    if (releaseAs) s.releaseAs++;
    if (!m) {
      s.nonConventional.push(subject);
      continue;
    }
    if (breaking) s.breaking++;
    if (visible.has(m[1]!.toLowerCase()) || breaking || releaseAs) s.visible++;
    else s.hidden++;
  }
  return s;
}

/**
 * The verdict comes from shipline's planner (the same computation `shipline plan` and the
 * release PR use); the commit summary above only explains a skipped package.
 */
export async function checkCommits(ctx: DoctorContext, cfg: ReleasePleaseConfig): Promise<Finding[]> {
  const head = git(["rev-parse", "--verify", "-q", "HEAD"], { cwd: ctx.root, allowFailure: true });
  if (head.exitCode !== 0)
    return [warn("commits", "no commits yet", "there is nothing to release.", "commit your project first")];
  let plan: Plan;
  try {
    const { planReleases } = await import("../../plan/planner.ts");
    // Links in the changelog do not matter here: a fixed slug keeps doctor independent of remotes.
    plan = await planReleases(ctx.root, { config: cfg, env: ctx.env, repo: "owner/name" });
  } catch (e) {
    return [
      error(
        "commits",
        `the release plan cannot be computed: ${errorMessage(e)}`,
        "release-please aborts on this too: no release PR until it is fixed.",
        (e as { hint?: string }).hint ?? "fix the commit or config named above",
      ),
    ];
  }
  const out: Finding[] = [];
  for (const p of cfg.packages) {
    const label = p.path === "." ? "" : ` in ${p.path}`;
    const last = releaseTags(ctx.root, p)[0];
    const since = last ? `since ${last.tag}` : "in the whole history (no release tag yet)";
    const planned = plan.releases.find((r) => r.path === p.path);
    const skipped = plan.skipped.find((r) => r.path === p.path);
    const s = summarizeCommits(ctx.root, last ? `${last.tag}..HEAD` : "HEAD", p.path, visibleTypes(p));
    if (planned) {
      out.push(
        ok(
          "commits",
          `next release${label}: ${planned.previousVersion ?? "none"} → ${planned.version} from ${s.visible || planned.commits.length} releasable commit(s) ${since}`,
          "a release PR will be opened or updated on the next push to the release branch; `shipline plan --explain` shows why.",
        ),
      );
      if (s.nonConventional.length)
        out.push(
          warn(
            "commits-nonconventional",
            `${s.nonConventional.length} commit(s)${label} ${since} are not conventional and will be left out of the changelog`,
            `e.g. "${s.nonConventional[0]}"`,
            'use "type: description" headers (feat, fix, docs, …); for squash merges, the PR title is the header',
          ),
        );
      continue;
    }
    const reason = skipped?.reason ?? "nothing to release";
    if (s.total === 0) out.push(ok("commits", `no commits${label} ${since}: nothing to release yet`));
    else if (s.nonConventional.length === s.total)
      out.push(
        warn(
          "commits",
          `none of the ${s.total} commit(s)${label} ${since} is a conventional commit: no release PR will be created`,
          `${reason}. release-please only reads headers like "feat: …" or "fix(scope): …"; e.g. "${s.nonConventional[0]}" is ignored.`,
          'write commits (or squash-merge PR titles) as "fix: …"/"feat: …", or force a release: git commit --allow-empty -m "chore: release 1.2.3" -m "Release-As: 1.2.3"',
        ),
      );
    else
      out.push(
        warn(
          "commits",
          `all ${s.total} commit(s)${label} ${since} are hidden types: no release PR will be created`,
          `${reason}${s.nonConventional.length ? `; ${s.nonConventional.length} commit(s) are not conventional at all` : ""}. Visible types here: ${[...visibleTypes(p)].join(", ")} (plus breaking changes and Release-As footers).`,
          'expected if nothing user-facing changed; otherwise land a "fix: …"/"feat: …" commit, or add a footer "Release-As: x.y.z" to a commit',
        ),
      );
  }
  return out;
}

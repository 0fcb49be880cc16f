/**
 * The seed's "Release PR not created" causes, checked on the commits since the last release
 * (spec/release-please.md §4.1, §4.2, §7.3): none at all, none in conventional form, or only
 * hidden types. A minimal reading of commit headers: shipline's planner is the authority on
 * what the release will contain (`shipline plan`); this only explains an empty plan.
 */
import type { PackageConfig, ReleasePleaseConfig } from "../../config/release-please.ts";
import { git } from "../../git/git.ts";
import { releaseTags } from "./check-release-config.ts";
import { type DoctorContext, type Finding, ok, warn } from "./finding.ts";

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

export function checkCommits(ctx: DoctorContext, cfg: ReleasePleaseConfig): Finding[] {
  const out: Finding[] = [];
  const head = git(["rev-parse", "--verify", "-q", "HEAD"], { cwd: ctx.root, allowFailure: true });
  if (head.exitCode !== 0)
    return [warn("commits", "no commits yet", "there is nothing to release.", "commit your project first")];
  for (const p of cfg.packages) {
    const label = p.path === "." ? "" : ` in ${p.path}`;
    const last = releaseTags(ctx.root, p)[0];
    const range = last ? `${last.tag}..HEAD` : "HEAD";
    const since = last ? `since ${last.tag}` : "in the whole history (no release tag yet)";
    const s = summarizeCommits(ctx.root, range, p.path, visibleTypes(p));
    const types = [...visibleTypes(p)].join(", ");
    if (s.total === 0) out.push(ok("commits", `no commits${label} ${since}: nothing to release yet`));
    else if (s.visible > 0)
      out.push(
        ok(
          "commits",
          `${s.visible} releasable commit(s)${label} ${since}${s.breaking ? ` (${s.breaking} breaking)` : ""}`,
          "a release PR will be opened or updated on the next push; `shipline plan` shows it.",
        ),
      );
    else if (s.nonConventional.length === s.total)
      out.push(
        warn(
          "commits",
          `none of the ${s.total} commit(s)${label} ${since} is a conventional commit`,
          `release-please only reads headers like "feat: …" or "fix(scope): …"; e.g. "${s.nonConventional[0]}" is ignored, so no release PR is created.`,
          'write commits (or squash-merge PR titles) as "fix: …"/"feat: …", or force a release with an empty commit: git commit --allow-empty -m "chore: release 1.2.3" -m "Release-As: 1.2.3"',
        ),
      );
    else
      out.push(
        warn(
          "commits",
          `all ${s.total} commit(s)${label} ${since} are hidden types: no release PR will be created`,
          `only ${types} (or a breaking change, or a Release-As footer) make a release; chore/ci/build/test/refactor/style do not${s.nonConventional.length ? `, and ${s.nonConventional.length} commit(s) are not conventional at all` : ""}.`,
          'that is expected if nothing user-facing changed; otherwise land a "fix: …"/"feat: …" commit, or add a footer "Release-As: x.y.z" to a commit',
        ),
      );
    if (s.visible > 0 && s.nonConventional.length)
      out.push(
        warn(
          "commits-nonconventional",
          `${s.nonConventional.length} commit(s)${label} ${since} are not conventional and will be left out of the changelog`,
          `e.g. "${s.nonConventional[0]}"`,
          'use "type: description" headers (feat, fix, docs, …); for squash merges, the PR title is the header',
        ),
      );
  }
  return out;
}

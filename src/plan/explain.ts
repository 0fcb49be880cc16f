/** Human output of `shipline plan` (stderr): what will be released and why, or why nothing will. */
import type { Logger } from "../ui/log.ts";
import type { Plan, PlannedCommit } from "./types.ts";

const SHOWN = 15;

function commitLines(commits: PlannedCommit[], all: boolean): string[] {
  const list = all ? commits : commits.slice(0, SHOWN);
  const lines = list.map((c) => `    ${c.sha.slice(0, 7)} ${c.subject}  — ${c.note ?? ""}`);
  if (!all && commits.length > SHOWN) lines.push(`    … ${commits.length - SHOWN} more (use --explain)`);
  return lines;
}

/** The release PR a planned release goes into (release-please may merge several into one). */
export interface PrOf {
  title: string;
  /** How many packages share that PR. */
  packages: number;
}

export function printPlan(
  plan: Plan,
  log: Logger,
  explain: boolean,
  prOf: (path: string) => PrOf | undefined = () => undefined,
): void {
  if (plan.releases.length === 0) log.info(`Nothing to release on ${plan.targetBranch}.`);
  for (const r of plan.releases) {
    const name = r.component || r.path;
    log.info(`› ${name}: ${r.previousVersion ?? "(first release)"} → ${r.version}   tag ${r.tag}`);
    if (r.reason) log.info(`  why: ${r.reason}`);
    const pr = prOf(r.path);
    const shared = pr && pr.packages > 1 ? ` (one PR for ${pr.packages} packages)` : "";
    log.info(`  release PR: ${pr?.title ?? r.title}${shared}`);
    log.info("  commits:");
    for (const l of commitLines(r.commits, explain)) log.info(l);
    log.info("  CHANGELOG entry:");
    for (const l of r.changelog.split("\n")) log.info(`    ${l}`);
  }
  for (const s of plan.skipped) {
    log.info(`› ${s.component || s.path}: no release — ${s.reason}`);
    if (explain && s.commits && s.commits.length > 0) {
      log.info("  commits looked at:");
      for (const l of commitLines(s.commits, true)) log.info(l);
    }
  }
  if (explain && plan.releases.length === 0) {
    log.info("Why there may be no release PR (release-please's own rules):");
    log.info(
      "  • only hidden types since the last release (chore, ci, build, test, refactor, style; `feature:` for python):",
    );
    log.info("    use fix:/feat:/docs:/deps:, or add a `Release-As: X.Y.Z` footer");
    log.info("  • headers that are not conventional commits (e.g. a squash-merge PR title like `Update x`)");
    log.info("  • commits outside the package path, or under exclude-paths");
    log.info(
      "  • a merged release PR still labelled `autorelease: pending` blocks new PRs on GitHub (run `shipline release`)",
    );
    log.info("  • manifest version without a matching tag: see the warnings above");
  }
}

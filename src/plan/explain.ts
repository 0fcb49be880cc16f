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

export function printPlan(plan: Plan, log: Logger, explain: boolean): void {
  if (plan.releases.length === 0) log.info(`Nothing to release on ${plan.targetBranch}.`);
  for (const r of plan.releases) {
    const name = r.component || r.path;
    log.info(`› ${name}: ${r.previousVersion ?? "(first release)"} → ${r.version}   tag ${r.tag}`);
    if (r.reason) log.info(`  why: ${r.reason}`);
    log.info(`  release PR: ${r.title}`);
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

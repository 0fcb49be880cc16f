import { printJsonPieces } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";
import { checkDateFlag } from "./values.ts";

export default defineShiplineCommand({
  name: "plan",
  description: "Next release(s) from local git, exactly as release-please would propose them. No network.",
  args: {
    date: {
      type: "string",
      description: "Changelog date YYYY-MM-DD (default today, UTC)",
      valueHint: "DATE",
    },
    repo: {
      type: "string",
      description: "OWNER/NAME for links (default GITHUB_REPOSITORY, else origin)",
      valueHint: "SLUG",
    },
    explain: {
      type: "boolean",
      description: "Explain why each commit counts or not, and why there is no release",
    },
    prerelease: {
      type: "string",
      description:
        "PEP 440 prerelease channel for python packages: a, b, rc or dev (1.3.0rc1), or final to graduate (1.3.0rc2 → 1.3.0)",
      valueHint: "CHANNEL",
    },
  },
  examples: [
    "shipline plan",
    "shipline plan --json --repo octo/pkg --date 2026-02-06",
    "shipline plan --explain",
    "shipline plan --prerelease rc",
    "shipline plan --prerelease final",
  ],
  async run({ args, cwd, log, json }) {
    const date = checkDateFlag(args.date as string | undefined);
    const { parsePrereleaseFlag } = await import("../plan/prerelease.ts");
    const prerelease = parsePrereleaseFlag(args.prerelease);
    const { planReleases } = await import("../plan/planner.ts");
    const { planJsonPieces } = await import("../plan/types.ts");
    const { locateAsync } = await import("../git/locate.ts");
    // started by main.ts before this command's modules loaded (prestartLocate)
    const located = await locateAsync(cwd);
    const root = located.root;
    const { isShallow } = await import("../git/shallow.ts");
    if (isShallow(root))
      log.warn(
        "this is a shallow clone: the plan sees only the fetched commits and tags (`git fetch --unshallow --tags` for the real one; `shipline run` and `pr` fetch them)",
      );
    const { loadReleasePleaseConfig } = await import("../config/release-please.ts");
    const config = loadReleasePleaseConfig(root);
    const plan = await planReleases(root, {
      config,
      date,
      repo: args.repo as string | undefined,
      located,
      prerelease,
      placeholderRepo: true,
    });
    for (const w of plan.warnings ?? []) log.warn(w);
    for (const r of plan.releases) for (const w of r.warnings) log.warn(w);
    if (json) {
      await printJsonPieces(planJsonPieces(plan.releases));
      return 0;
    }
    const { printPlan } = await import("../plan/explain.ts");
    // the PRs as release-please groups them (one merged PR for a monorepo by default)
    const { groupPullRequests } = await import("../github/layout.ts");
    const prs = groupPullRequests(config, plan.releases, plan.targetBranch);
    printPlan(plan, log, Boolean(args.explain), (path) => {
      const pr = prs.find((c) => c.releases.some((r) => r.path === path));
      return pr && { title: pr.title, packages: pr.releases.length };
    });
    const { findPendingReleases } = await import("../plan/pending.ts");
    for (const p of findPendingReleases(root))
      log.info(
        `HEAD is a merged release PR: ${p.name} is not tagged yet (tag ${p.tag}); \`shipline release\` (or \`shipline run\`) creates the tag and GitHub release`,
      );
    return 0;
  },
});

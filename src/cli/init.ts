import { repoRoot } from "../git/git.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";

export default defineShiplineCommand({
  name: "init",
  description:
    "Write release-please config + manifest, [tool.shipline] and GitHub workflows; migrates release-please-action setups.",
  args: {
    force: { type: "boolean", description: "Overwrite files that exist" },
    "dry-run": { type: "boolean", description: "Show the diff, write nothing" },
  },
  examples: [
    "shipline init --dry-run",
    "shipline init",
    "shipline init --force   # replace existing workflows",
  ],
  async run({ args, cwd, log, json }) {
    const { planInit } = await import("../setup/init-plan.ts");
    const { applyInit, conflicts, unifiedDiff } = await import("../setup/init-apply.ts");
    const plan = planInit(repoRoot(cwd));
    const dryRun = Boolean(args["dry-run"]);
    const force = Boolean(args.force);
    if (dryRun) {
      const diff = unifiedDiff(plan);
      // The diff is the dry run's product: stdout, so it can be piped to `git apply`.
      if (!json) process.stdout.write(diff);
    } else applyInit(plan, force);
    if (plan.migrated) log.info("migrating from release-please-action / gh-action-pypi-publish");
    for (const c of plan.changes) {
      const verb = c.after === null ? "remove" : c.before === null ? "create" : "update";
      const tag = c.conflict && !force ? " (needs --force)" : "";
      log.info(`${dryRun ? "would " : ""}${verb} ${c.path} — ${c.why}${tag}`);
    }
    for (const k of plan.kept) log.info(`keep ${k.path} — ${k.why}`);
    for (const n of plan.notes) log.warn(n);
    if (!dryRun && plan.changes.length) {
      log.success(`wrote ${plan.changes.length} file(s); next: \`shipline doctor\`, then commit and push`);
      log.info("  on PyPI, add a Trusted Publisher for this repository with workflow release.yml");
    } else if (!plan.changes.length) log.success("nothing to do: already initialised");
    else if (conflicts(plan).length && !force)
      log.warn(
        `${conflicts(plan).length} change(s) replace existing files: apply with \`shipline init --force\``,
      );
    if (json)
      printJson({
        dryRun,
        migrated: plan.migrated,
        changes: plan.changes.map((c) => ({
          path: c.path,
          action: c.after === null ? "remove" : c.before === null ? "create" : "update",
          conflict: c.conflict,
          why: c.why,
        })),
        kept: plan.kept,
        notes: plan.notes,
        ...(dryRun ? { diff: unifiedDiff(plan) } : {}),
      });
    return 0;
  },
});

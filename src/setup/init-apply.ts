/** Showing (`--dry-run`: a unified diff) and writing an InitPlan. */
import { mkdirSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { createTwoFilesPatch } from "diff";
import { ShiplineError } from "../errors.ts";
import { writeFileAtomic } from "../pipeline/atomic-write.ts";
import type { InitPlan } from "./init-plan.ts";

/** `git diff`-style unified diff of every change (new files from /dev/null, deletions to it). */
export function unifiedDiff(plan: InitPlan): string {
  return plan.changes
    .map((c) => {
      const patch = createTwoFilesPatch(
        c.before === null ? "/dev/null" : `a/${c.path}`,
        c.after === null ? "/dev/null" : `b/${c.path}`,
        c.before ?? "",
        c.after ?? "",
        undefined,
        undefined,
        { context: 3 },
      );
      // jsdiff starts with an "Index:"-less "===" banner; keep only the ---/+++ and hunks.
      return patch.replace(/^=+\n/, "");
    })
    .join("");
}

export function conflicts(plan: InitPlan): string[] {
  return plan.changes.filter((c) => c.conflict).map((c) => c.path);
}

/**
 * Write the plan. Refuses before touching anything when a change would replace or delete a
 * file the user wrote and --force was not given: a partial init is worse than none.
 */
export function applyInit(plan: InitPlan, force: boolean): void {
  const blocked = conflicts(plan);
  if (blocked.length && !force)
    throw new ShiplineError(
      `init would replace or remove ${blocked.join(", ")}; nothing was written`,
      "review with `shipline init --dry-run`, then run `shipline init --force`",
    );
  for (const c of plan.changes) {
    const full = join(plan.root, c.path);
    if (c.after === null) unlinkSync(full);
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileAtomic(full, c.after, 0o644, "init");
    }
  }
}

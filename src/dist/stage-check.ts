/**
 * The check stage: every file the build produced (or `publish FILES…` named) checked like
 * `twine check` plus PyPI's own rules, with its digests recorded so later stages can refuse a
 * file that changed after it was checked (the upload stage re-hashes before sending).
 */
import { resolve } from "node:path";
import { ShiplineError } from "../errors.ts";
import type { Stage } from "../pipeline/stage.ts";
import { checkDistribution } from "./check.ts";
import { printCheck, relativeTo } from "./report.ts";
import type { BuildStageResult, CheckedFile, CheckStageResult } from "./types.ts";

export const checkStage: Stage<CheckStageResult> = {
  name: "check",
  async run(ctx) {
    const build = ctx.resultOf<BuildStageResult>("build");
    const paths = ctx.options.files?.length ? ctx.options.files : (build?.files ?? []);
    if (!paths.length) {
      if (ctx.options.dryRun) {
        ctx.log.info("dry run: nothing built, nothing to check");
        return { result: { files: [] } };
      }
      throw new ShiplineError(
        "the check stage has no files: the build recorded none",
        "run `shipline publish` again, or give files: `shipline publish dist/*`",
      );
    }
    const files: CheckedFile[] = [];
    const failed: string[] = [];
    for (const p of paths) {
      const abs = resolve(ctx.root, p);
      const rel = relativeTo(ctx.root, abs);
      const checked = { ...(await checkDistribution(abs)), path: rel };
      const builtSha = build?.sha256?.[rel];
      if (builtSha && checked.digests.sha256 && builtSha !== checked.digests.sha256)
        throw new ShiplineError(
          `${rel} changed since it was built (sha256 ${checked.digests.sha256}, built ${builtSha})`,
          "something rewrote dist/ during the run; run `shipline status --reset` and publish again",
        );
      printCheck(ctx.log, checked);
      if (checked.verdict === "FAILED") failed.push(rel);
      files.push(checked);
      ctx.saveProgress({ checked: Object.fromEntries(files.map((f) => [f.path, f.digests.sha256])) });
    }
    if (failed.length)
      throw new ShiplineError(
        `check FAILED for ${failed.join(", ")}: PyPI would refuse or mis-render ${failed.length === 1 ? "it" : "them"}`,
        "fix the reasons above (README markup, metadata, archive) and build again; `shipline check dist/*` repeats the check",
      );
    return { result: { files } };
  },
};

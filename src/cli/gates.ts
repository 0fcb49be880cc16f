/** `shipline gates`: the quality gates on the Python matrix, in parallel; exit 1 iff a blocking gate failed. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadShiplineConfig } from "../config/shipline.ts";
import { UsageError } from "../errors.ts";
import { appendStepSummary, formatTable, reportJson } from "../gates/report.ts";
import { runGates } from "../gates/runner.ts";
import { repoRoot } from "../git/git.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";

const list = (s: unknown) =>
  typeof s === "string"
    ? s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

/** The project: the directory itself when it holds pyproject.toml, else its git work tree. */
function projectRoot(cwd: string): string {
  if (existsSync(join(cwd, "pyproject.toml"))) return cwd;
  try {
    return repoRoot(cwd);
  } catch {
    return cwd;
  }
}

export default defineShiplineCommand({
  name: "gates",
  description: "Quality gates (lint, format, typecheck, tests, build) on a Python matrix, in parallel.",
  args: {
    python: {
      type: "string",
      description: "Pythons to run on, e.g. 3.9,3.13 (default [tool.shipline] python)",
      valueHint: "LIST",
    },
    only: { type: "string", description: "Run only this gate (or a comma list)", valueHint: "NAME" },
    jobs: {
      type: "string",
      description:
        "At most N gates at once (default: the CPU cores); auto: one per core, more while cores sit idle",
      valueHint: "N|auto",
    },
  },
  examples: [
    "shipline gates",
    "shipline gates --python 3.12 --only tests",
    "shipline gates --only lint,format --json",
    "shipline gates --jobs auto",
  ],
  async run({ args, cwd, log, json }) {
    const root = projectRoot(cwd);
    const config = loadShiplineConfig(root);
    for (const w of config.warnings) log.warn(w);
    let jobs: number | "auto" | undefined;
    if (args.jobs === "auto") jobs = "auto";
    else if (args.jobs !== undefined) {
      jobs = Number(args.jobs);
      if (!Number.isInteger(jobs) || jobs < 1)
        throw new UsageError(`--jobs ${args.jobs}: expected a whole number ≥ 1, or auto`);
    }
    const report = await runGates({
      root,
      config,
      pythons: list(args.python),
      only: list(args.only),
      jobs,
      log,
      quiet: Boolean(args.quiet),
    });
    if (!args.quiet) log.info(`\n${formatTable(report.rows)}`);
    appendStepSummary(report, process.env);
    if (json) printJson(reportJson(report));
    if (report.interrupted) {
      log.error("gates interrupted; every gate's process group was stopped");
      return 130;
    }
    const failed = report.rows.filter((r) => r.status === "fail");
    if (failed.length) {
      log.error(
        `${failed.length} blocking gate(s) failed: ${failed.map((r) => (r.python ? `${r.gate} (${r.python})` : r.gate)).join(", ")}`,
      );
      log.info("  hint: each gate's full output is in .shipline/logs/");
      return 1;
    }
    const nb = report.rows.filter((r) => r.status === "non-blocking-fail").length;
    log.success(`gates passed${nb ? ` (${nb} non-blocking failure(s) reported)` : ""}`);
    return 0;
  },
});

/**
 * The gates stage of `shipline run`: the same matrix as `shipline gates`, with every passed
 * gate × Python checkpointed as it finishes. A resumed run on the same HEAD does not run a
 * passed gate again (the checkpoint already refuses to resume when HEAD moved; the HEAD is
 * recorded with the passes anyway, so a stale list can never be trusted).
 */
import { loadShiplineConfig } from "../config/shipline.ts";
import { ShiplineError } from "../errors.ts";
import type { Stage } from "../pipeline/stage.ts";
import { appendStepSummary, formatTable, type GateRow, rowKey } from "./report.ts";
import { runGates } from "./runner.ts";

/** Ctrl-C during the gates: the run stops like any interrupted CLI (exit 130), resumable. */
export class GatesInterrupted extends ShiplineError {
  override readonly exitCode: number = 130;
}

interface GatesProgress {
  head?: string;
  passed?: string[];
}

export interface GatesStageResult {
  ok: boolean;
  rows: Pick<GateRow, "gate" | "python" | "status" | "blocking" | "durationMs" | "message" | "cached">[];
}

export const gatesStage: Stage<GatesStageResult> = {
  name: "gates",
  async run(ctx) {
    const head = ctx.checkpoint.inputs.head;
    const prev = ctx.progress as GatesProgress;
    const passed = new Set(prev.head === head ? (prev.passed ?? []) : []);
    const only =
      typeof ctx.options.only === "string" ? ctx.options.only.split(",").filter(Boolean) : undefined;
    const report = await runGates({
      root: ctx.root,
      config: loadShiplineConfig(ctx.root),
      pythons: ctx.options.python,
      only,
      log: ctx.log,
      env: ctx.env,
      alreadyPassed: passed,
      onResult(row) {
        if (row.status !== "pass" || row.cached) return;
        passed.add(rowKey(row));
        ctx.saveProgress({ head, passed: [...passed] });
      },
    });
    ctx.log.info(formatTable(report.rows));
    appendStepSummary(report, ctx.env);
    if (report.interrupted)
      throw new GatesInterrupted(
        "gates interrupted",
        "run `shipline resume` to continue; passed gates are not run again",
      );
    const failed = report.rows.filter((r) => r.status === "fail");
    if (failed.length)
      throw new ShiplineError(
        `blocking gate(s) failed: ${failed.map((r) => (r.python ? `${r.gate} (${r.python})` : r.gate)).join(", ")}`,
        "see .shipline/logs/; fix and run `shipline resume` (passed gates are not run again)",
      );
    return {
      result: {
        ok: true,
        rows: report.rows.map(({ gate, python, status, blocking, durationMs, message, cached }) => ({
          gate,
          python,
          status,
          blocking,
          durationMs: Math.round(durationMs),
          message,
          cached,
        })),
      },
    };
  },
};

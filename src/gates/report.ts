/** The gates table: plain text for the terminal, Markdown for $GITHUB_STEP_SUMMARY, JSON for --json. */
import { appendFileSync } from "node:fs";

export type GateStatus = "pass" | "fail" | "non-blocking-fail" | "skipped";

export interface GateRow {
  gate: string;
  /** "3.11" for a per-Python gate, null for a gate that runs once. */
  python: string | null;
  status: GateStatus;
  blocking: boolean;
  durationMs: number;
  /** Log file relative to the repo root, null when nothing ran. */
  log: string | null;
  /** Why it failed or was skipped, one line. */
  message: string | null;
  /** Passed earlier for the same HEAD (resume): not run again. */
  cached: boolean;
}

export interface GatesReport {
  ok: boolean;
  interrupted: boolean;
  pythons: { version: string; path: string; full: string }[];
  rows: GateRow[];
}

const SYMBOL: Record<GateStatus, string> = {
  pass: "✔ pass",
  fail: "✖ fail",
  "non-blocking-fail": "⚠ fail (non-blocking)",
  skipped: "– skipped",
};

export const rowKey = (r: { gate: string; python: string | null }) =>
  r.python ? `${r.gate}@${r.python}` : r.gate;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return s < 60
    ? `${s.toFixed(1)}s`
    : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

function cells(r: GateRow): string[] {
  return [
    r.gate,
    r.python ?? "—",
    SYMBOL[r.status] + (r.cached ? " (earlier run)" : ""),
    r.status === "skipped" || r.cached ? "" : formatDuration(r.durationMs),
    [r.message, r.status === "pass" ? r.log : r.log && `log: ${r.log}`].filter(Boolean).join(" — "),
  ];
}

const HEAD = ["gate", "python", "result", "time", "details"];

export function formatTable(rows: GateRow[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((c) => c[i]!.length)));
  return all
    .map((c) =>
      c
        .map((s, i) => (i === c.length - 1 ? s : s.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const mdEscape = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function markdownTable(report: GatesReport): string {
  const lines = [
    `### shipline gates: ${report.ok ? "passed" : "failed"}`,
    "",
    "| gate | python | result | time | details |",
    "|---|---|---|---|---|",
    ...report.rows.map((r) => `| ${cells(r).map(mdEscape).join(" | ")} |`),
  ];
  return `${lines.join("\n")}\n`;
}

export function appendStepSummary(report: GatesReport, env: NodeJS.ProcessEnv): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${markdownTable(report)}\n`);
}

export function reportJson(report: GatesReport): unknown {
  return {
    ok: report.ok,
    interrupted: report.interrupted,
    pythons: report.pythons,
    results: report.rows,
  };
}

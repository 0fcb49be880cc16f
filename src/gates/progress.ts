/**
 * What the user sees while gates run. On a TTY: one status line redrawn in place (which
 * gate × Python runs, for how long) with finished gates printed above it. Elsewhere (pipes,
 * CI logs): plain start/finish lines. In GitHub Actions: each finished gate's log inside a
 * `::group::`, followed by its `::error`/`::warning` annotations.
 */

import { relative, resolve } from "node:path";
import type { Logger } from "../ui/log.ts";
import { annotationsFor } from "./annotations.ts";
import { readTail } from "./log-tail.ts";
import { formatDuration, type GateRow } from "./report.ts";

export const label = (gate: string, python: string | null) => (python ? `${gate} (${python})` : gate);

const MAX_LOG_IN_GROUP = 1_000_000;
/** What a failed gate shows of its log outside Actions: enough for a failing assert, not a wall. */
const FAIL_TAIL_LINES = 20;

export class Progress {
  private running = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private drawn = false;
  private readonly live: boolean;

  constructor(
    private readonly log: Logger,
    private readonly o: { tty: boolean; quiet: boolean; total: number },
  ) {
    this.live = o.tty && !log.actions && !o.quiet;
    if (this.live) {
      this.timer = setInterval(() => this.draw(), 250);
      this.timer.unref?.();
    }
  }

  private done = 0;

  private clear(): void {
    if (this.drawn) process.stderr.write("\r\x1b[2K");
    this.drawn = false;
  }

  private draw(): void {
    if (!this.live) return;
    const now = performance.now();
    const parts = [...this.running].map(([l, t]) => `${l} ${Math.floor((now - t) / 1000)}s`);
    const line = `⏳ [${this.done}/${this.o.total}] ${parts.join(" · ") || "…"}`;
    const width = process.stderr.columns || 120;
    process.stderr.write(`\r\x1b[2K${line.slice(0, Math.max(20, width - 1))}`);
    this.drawn = true;
  }

  start(gate: string, python: string | null): void {
    this.running.set(label(gate, python), performance.now());
    if (this.live) this.draw();
    else if (!this.log.actions) this.log.info(`▶ ${label(gate, python)}`);
  }

  /** A line about setup (venv creation), not a gate. */
  note(msg: string): void {
    this.clear();
    this.log.info(msg);
    if (this.live) this.draw();
  }

  finish(row: GateRow, root: string, command: string[] | string, cwd: string): void {
    const l = label(row.gate, row.python);
    this.running.delete(l);
    this.done++;
    this.clear();
    const text = `${l}: ${row.status}${row.cached ? " (passed in an earlier run)" : ""}${row.status === "skipped" || row.cached ? "" : ` in ${formatDuration(row.durationMs)}`}${row.message ? ` — ${row.message}` : ""}`;
    if (this.log.actions) this.actionsGroup(row, root, command, cwd, text);
    else if (row.status === "pass") this.log.success(text);
    else if (row.status === "fail") {
      this.log.error(text);
      if (!this.o.quiet) this.showTail(root, row.log, row.message);
    } else if (row.status === "non-blocking-fail") this.log.warn(text);
    else this.log.info(`– ${text}`);
    if (this.live) this.draw();
  }

  /** The end of a failed gate's log, so the reason is on screen, not only in .shipline/logs/. */
  private showTail(root: string, log: string | null, message: string | null): void {
    if (!log) return;
    let text: string;
    try {
      text = readTail(resolve(root, log), 16 * 1024).text;
    } catch {
      return;
    }
    const lines = text.replace(/\s+$/, "").split(/\r?\n/);
    // empty, or only the message already shown (a missing tool)
    if (lines.length === 1 && (lines[0] === "" || lines[0] === message)) return;
    const shown = lines.slice(-FAIL_TAIL_LINES);
    const more = lines.length > shown.length || text.length >= 16 * 1024;
    this.log.info(
      [
        ...(more ? [`  │ … (last ${shown.length} lines; all of it in ${log})`] : []),
        ...shown.map((l) => `  │ ${l}`),
      ].join("\n"),
    );
  }

  private actionsGroup(row: GateRow, root: string, command: string[] | string, cwd: string, text: string) {
    let output = "";
    if (row.log)
      try {
        const tail = readTail(resolve(root, row.log), MAX_LOG_IN_GROUP);
        output = tail.truncated ? `…(truncated; full log in ${row.log})\n${tail.text}` : tail.text;
      } catch {}
    this.log.info(`::group::${text}`);
    if (output) {
      // A tool's output is data: a line of it starting with "::" must not run as a workflow
      // command (e.g. ::add-mask:: or ::set-env). GitHub's stop-commands pauses them until the token.
      const token = `shipline-${crypto.randomUUID()}`;
      this.log.info(`::stop-commands::${token}`);
      this.log.info(output.replace(/\n$/, ""));
      this.log.info(`::${token}::`);
    }
    this.log.info("::endgroup::");
    if (row.status !== "fail" && row.status !== "non-blocking-fail") return;
    const report = row.status === "fail" ? this.log.error : this.log.warn;
    const title = `${label(row.gate, row.python)}${row.status === "fail" ? "" : " (non-blocking)"}`;
    const found = annotationsFor(command, output);
    for (const a of found) {
      // Tools print paths relative to the gate's cwd (or absolute); GitHub wants them relative to the repo.
      const file = a.file ? relative(root, resolve(cwd, a.file)).replace(/\\/g, "/") : undefined;
      report(a.message, { file, line: a.line, col: a.col, title });
    }
    if (!found.length) report(`${text}${row.log ? ` (log: ${row.log})` : ""}`, { title });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clear();
  }
}

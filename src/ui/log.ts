/**
 * Human output goes to stderr, machine output (--json) to stdout. On an interactive terminal
 * we use consola's fancy reporter; otherwise (CI, pipes, --json) a plain line writer, because
 * importing consola costs ~20 ms of start-up (research/perf-notes.md) and `plan` has a 30 ms
 * budget. Every line passes through `redact` so no registered secret is ever printed.
 */
import { type Annotation, command, inActions } from "./actions.ts";
import { onSecretRegistered, redact } from "./secrets.ts";

export interface LogOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where human output goes; tests pass a collector. */
  write?: (line: string) => void;
}

export interface Logger {
  info(msg: string): void;
  success(msg: string): void;
  warn(msg: string, where?: Annotation): void;
  error(msg: string, where?: Annotation): void;
  debug(msg: string): void;
  /** A titled block: `::group::` in Actions, a heading elsewhere. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  readonly color: boolean;
  readonly actions: boolean;
  readonly verbose: boolean;
}

/**
 * Colour on a terminal only. The fd is checked with isatty rather than process.stderr.isTTY:
 * touching process.stdout/stderr makes Bun build Node stream objects, ~20 ms of start-up.
 * Loggers call this lazily (first coloured line), so `--version` and `plan --json` never pay.
 */
export function useColor(env: NodeJS.ProcessEnv = process.env, fd = 2): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  if (env.TERM === "dumb") return false;
  // Loaded on demand: importing node:tty costs ~10 ms of start-up in a compiled Bun binary.
  const { isatty } = require("node:tty") as typeof import("node:tty");
  return isatty(fd);
}

/**
 * Text from outside (commit messages, server answers, file names) may carry terminal control
 * sequences: an OSC that retitles the window or writes the clipboard, cursor moves that hide
 * lines. Every C0/C1 control except tab and newline is shown as a visible `\xNN` escape; our
 * own colours (SGR `ESC[…m`) pass only while colour is on (or in Actions, whose log renders it).
 */
const CONTROL = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const ANY_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const hex = (ch: string) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
/** `keepColor` is asked only when the line holds an SGR sequence (it may load node:tty). */
export function escapeControls(line: string, keepColor: () => boolean): string {
  if (!ANY_CONTROL.test(line)) return line;
  return line.replace(CONTROL, (c) =>
    c.length > 1 && keepColor() ? c : c.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, hex),
  );
}

export function createLogger(opts: LogOptions = {}): Logger {
  const env = opts.env ?? process.env;
  const actions = inActions(env);
  let colorOn: boolean | undefined;
  const color = () => (colorOn ??= useColor(env));
  const paint = (code: number, s: string) => (color() ? `\x1b[${code}m${s}\x1b[0m` : s);
  // console.error, not process.stderr.write: see useColor about start-up cost.
  const out = opts.write ?? ((line: string) => console.error(line));
  const emit = (line: string) => out(redact(escapeControls(line, () => actions || color())));
  if (actions) onSecretRegistered((s) => out(`::add-mask::${s}`));
  const quiet = Boolean(opts.quiet);
  const verbose = Boolean(opts.verbose);
  return {
    get color() {
      return color();
    },
    actions,
    verbose,
    info: (m) => quiet || emit(m),
    success: (m) => quiet || emit(`${paint(32, "✔")} ${m}`),
    warn: (m, where) => emit(actions ? command("warning", m, where) : `${paint(33, "⚠")} ${m}`),
    error: (m, where) => emit(actions ? command("error", m, where) : `${paint(31, "✖")} ${m}`),
    debug: (m) => verbose && emit(paint(90, m)),
    async group(title, fn) {
      if (actions) emit(`::group::${title}`);
      else if (!quiet) emit(paint(1, `› ${title}`));
      try {
        return await fn();
      } finally {
        if (actions) emit("::endgroup::");
      }
    },
  };
}

/** The only writer of stdout for --json: one JSON document, one line, secrets redacted. */
export function printJson(value: unknown): void {
  console.log(redact(JSON.stringify(value)));
}

/**
 * printJson for a document already serialised in pieces (`plan --json` on a huge history):
 * written in batches, each piece redacted (a piece is a whole JSON token run or a line of
 * text, so a secret never straddles two).
 */
export async function printJsonPieces(pieces: string[]): Promise<void> {
  const BATCH = 4096;
  for (let i = 0; i < pieces.length; i += BATCH) {
    let text = "";
    for (let j = i; j < Math.min(i + BATCH, pieces.length); j++) text += redact(pieces[j] as string);
    try {
      // Bun.write: process.stdout would cost ~20 ms of Node stream set-up
      await Bun.write(Bun.stdout, i + BATCH >= pieces.length ? `${text}\n` : text);
    } catch (e) {
      // the reader went away (`shipline plan --json | head`): not an error of ours, as with console.log
      if ((e as NodeJS.ErrnoException).code === "EPIPE") return;
      throw e;
    }
  }
}

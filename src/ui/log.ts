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

export function useColor(
  env: NodeJS.ProcessEnv = process.env,
  stream: { isTTY?: boolean } = process.stderr,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

const paint = (on: boolean, code: number, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function createLogger(opts: LogOptions = {}): Logger {
  const env = opts.env ?? process.env;
  const actions = inActions(env);
  const color = useColor(env);
  const out = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (line: string) => out(redact(line));
  if (actions) onSecretRegistered((s) => out(`::add-mask::${s}`));
  const quiet = Boolean(opts.quiet);
  const verbose = Boolean(opts.verbose);
  return {
    color,
    actions,
    verbose,
    info: (m) => quiet || emit(m),
    success: (m) => quiet || emit(`${paint(color, 32, "✔")} ${m}`),
    warn: (m, where) => emit(actions ? command("warning", m, where) : `${paint(color, 33, "⚠")} ${m}`),
    error: (m, where) => emit(actions ? command("error", m, where) : `${paint(color, 31, "✖")} ${m}`),
    debug: (m) => verbose && emit(paint(color, 90, m)),
    async group(title, fn) {
      if (actions) emit(`::group::${title}`);
      else if (!quiet) emit(paint(color, 1, `› ${title}`));
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
  process.stdout.write(`${redact(JSON.stringify(value))}\n`);
}

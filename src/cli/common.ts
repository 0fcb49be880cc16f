/**
 * What every subcommand shares: the common flags (--json, --cwd, --quiet, --verbose), strict
 * flag checking (an unknown flag is a usage error, exit 2), the logger, and turning errors
 * into one clear line plus a hint.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { ArgsDef, CommandDef, ParsedArgs } from "citty";
import { ShiplineError, UsageError } from "../errors.ts";
import { createLogger, type Logger, printJson } from "../ui/log.ts";
import { redact } from "../ui/secrets.ts";

export const commonArgs = {
  json: { type: "boolean", description: "Machine-readable output on stdout (human output stays on stderr)" },
  cwd: { type: "string", description: "Run as if started in DIR", valueHint: "DIR" },
  quiet: { type: "boolean", alias: "q", description: "Only warnings and errors" },
  verbose: { type: "boolean", description: "More detail, including debug lines" },
} as const satisfies ArgsDef;

export interface CliContext<A extends ArgsDef> {
  args: ParsedArgs<A & typeof commonArgs>;
  /** Positional arguments (FILES…). */
  rest: string[];
  /** The directory to act in (--cwd or the process's). */
  cwd: string;
  log: Logger;
  json: boolean;
}

export interface ShiplineCommand<A extends ArgsDef> {
  name: string;
  description: string;
  args: A;
  /** Shown under `--help`. */
  examples?: string[];
  /** Name of the positional list in usage, e.g. "FILES…". */
  positional?: string;
  /** What the positional is, for --help (default: "one or more" for a list). */
  positionalHelp?: string;
  /** Exit code (0 when omitted). */
  run: (ctx: CliContext<A>) => Promise<number | undefined | undefined>;
}

export type LoadedCommand = CommandDef<ArgsDef> & { examples?: string[] };

/** Every spelling of every flag (name, kebab-case, aliases, `no-` forms), with the kind of value it takes. */
function knownFlags(args: ArgsDef): Map<string, "boolean" | "string"> {
  const names = new Map<string, "boolean" | "string">();
  const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    const kind = def.type === "boolean" ? "boolean" : "string";
    const alias = "alias" in def ? def.alias : undefined;
    for (const n of [name, kebab(name), ...(Array.isArray(alias) ? alias : alias ? [alias] : [])]) {
      names.set(n, kind);
      if (kind === "boolean") names.set(`no-${n}`, kind);
    }
  }
  return names;
}

const dash = (f: string) => (f.length === 1 ? `-${f}` : `--${f}`);

/**
 * Reject flags the command does not define, and flags used without the value they take: a
 * typo, or `--bundle` at the end of a line, must not silently change what a release does
 * (the parser reads a valueless string flag as "" and a following flag as its value).
 */
export function checkFlags(rawArgs: string[], args: ArgsDef, command: string): void {
  const known = knownFlags(args);
  const help = `see \`shipline ${command} --help\``;
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === "--") break;
    const m = /^--?([^=]+)(=([\s\S]*))?$/.exec(a);
    if (!m || /^-\d/.test(a)) continue;
    const name = m[1]!;
    const flags = a.startsWith("--") ? [name] : name.split("");
    for (const f of flags)
      if (!known.has(f)) throw new UsageError(`unknown flag ${dash(f)} for \`shipline ${command}\``, help);
    const last = flags[flags.length - 1]!;
    const inline = m[3];
    if (known.get(last) === "boolean") {
      if (inline !== undefined)
        throw new UsageError(`${dash(last)} takes no value (got "${inline}")`, `use ${dash(last)} alone`);
      continue;
    }
    const next = rawArgs[i + 1];
    const value = inline ?? next;
    if (value === undefined || (inline === undefined && /^-[^\d]/.test(value)))
      throw new UsageError(`${dash(last)} needs a value`, help);
    if (value.trim() === "") throw new UsageError(`${dash(last)} needs a value (got an empty one)`, help);
    if (inline === undefined) i++;
  }
}

/** Positional arguments a command does not take are a usage error, not silently ignored. */
function checkNoPositionals(rest: string[], command: string): void {
  if (rest.length)
    throw new UsageError(
      `unexpected argument "${rest[0]}" for \`shipline ${command}\``,
      `see \`shipline ${command} --help\``,
    );
}

export function resolveCwd(dir: string | undefined): string {
  const cwd = resolve(dir ?? process.cwd());
  // without --cwd, the current directory (which can be gone, or have a name that is not UTF-8)
  const what = dir === undefined ? `the current directory ${cwd}` : `--cwd ${dir}`;
  if (!existsSync(cwd)) throw new UsageError(`${what}: no such directory`);
  if (!statSync(cwd).isDirectory()) throw new UsageError(`${what}: not a directory`);
  return cwd;
}

export function reportError(e: unknown, log: Logger, json: boolean): number {
  if (e instanceof ShiplineError) {
    // in GitHub Actions the hint goes into the ::error annotation itself (the only part shown
    // on the run's summary page); elsewhere it is a line of its own
    if (log.actions && e.hint) log.error(`${e.message}\nhint: ${e.hint}`);
    else {
      log.error(e.message);
      if (e.hint) log.info(`  hint: ${e.hint}`);
    }
    if (json)
      printJson({ error: { message: redact(e.message), hint: e.hint ?? null, exitCode: e.exitCode } });
    return e.exitCode;
  }
  const err = e as Error;
  // A file system error that reached here (a path given or configured that cannot be read or
  // made) is the environment's, not a bug: say which call on which path, without the bug hint.
  const sys = e as NodeJS.ErrnoException;
  if (typeof sys?.code === "string" && /^E[A-Z]+$/.test(sys.code) && sys.syscall && sys.path) {
    const msg = `cannot ${sys.syscall} ${sys.path}: ${sys.code}`;
    const hint = "check that the path exists, is the right kind (file or folder) and is writable";
    log.error(msg);
    log.info(`  hint: ${hint}`);
    if (json) printJson({ error: { message: redact(msg), hint, exitCode: 1 } });
    return 1;
  }
  log.error(`internal error: ${err?.message ?? String(e)}`);
  if (log.verbose && err?.stack) log.debug(err.stack);
  else log.info("  hint: this is a shipline bug; run again with --verbose and report the output");
  if (json) printJson({ error: { message: redact(String(err?.message ?? e)), hint: null, exitCode: 1 } });
  return 1;
}

export function defineShiplineCommand<const A extends ArgsDef>(spec: ShiplineCommand<A>): LoadedCommand {
  const args = { ...spec.args, ...commonArgs } as ArgsDef;
  if (spec.positional)
    // keyed by its own name (--help shows FILES or SHELL); the values are read from `rest`
    args[spec.positional.replace("…", "").toLowerCase()] = {
      type: "positional",
      required: false,
      description: spec.positionalHelp ?? (spec.positional.endsWith("…") ? "one or more" : ""),
    };
  return {
    meta: { name: spec.name, description: spec.description },
    args,
    examples: spec.examples,
    async run({ rawArgs, args: parsed }) {
      const p = parsed as unknown as ParsedArgs<A & typeof commonArgs>;
      const json = Boolean(p.json);
      const log = createLogger({ json, quiet: Boolean(p.quiet), verbose: Boolean(p.verbose) });
      let code: number;
      try {
        checkFlags(rawArgs, args, spec.name);
        const rest = [...(parsed._ ?? [])].map(String);
        if (!spec.positional) checkNoPositionals(rest, spec.name);
        const cwd = resolveCwd(p.cwd as string | undefined);
        code = (await spec.run({ args: p, rest, cwd, log, json })) ?? 0;
      } catch (e) {
        code = reportError(e, log, json);
      }
      process.exitCode = code;
    },
  };
}

/**
 * shipline's entry point. Kept tiny on purpose: `--version` and root `--help` answer from
 * static data; a subcommand's module is imported only when that subcommand runs. No
 * top-level await (required by `bun build --bytecode`).
 */
import type { ArgsDef } from "citty";
import { COMMANDS } from "./cli/commands.ts";
import { UsageError } from "./errors.ts";
import { useColor } from "./ui/log.ts";
import { VERSION } from "./version.ts";

function rootHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.description}`);
  return [
    `shipline ${VERSION} — a Python package's whole release flow, one binary`,
    "",
    "USAGE  shipline <command> [options]",
    "",
    "COMMANDS",
    ...lines,
    "",
    "Every command takes --help, --json, --cwd DIR, --quiet, --verbose.",
    "Exit codes: 0 success, 1 failure, 2 usage error.",
    "Secrets come from the environment only: GITHUB_TOKEN, SHIPLINE_PYPI_TOKEN (or TWINE_PASSWORD).",
    "",
    "Run `shipline <command> --help` for a command's options and examples.",
  ].join("\n");
}

function closest(name: string): string | undefined {
  return Object.keys(COMMANDS).find((c) => c.startsWith(name.slice(0, 2)));
}

function usageFail(message: string, hint?: string): number {
  console.error(`✖ ${message}${hint ? `\n  hint: ${hint}` : ""}`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === "--version" || first === "-V" || first === "version") {
    console.log(VERSION); // console.log: process.stdout costs ~20 ms to set up in Bun
    return 0;
  }
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? argv[1] : undefined;
    if (!topic) {
      // bare `shipline` is a usage error (exit 2): its help goes to stderr, as usage errors do
      if (first === undefined) console.error(rootHelp());
      else console.log(rootHelp());
      return first === undefined ? 2 : 0;
    }
    return main([topic, "--help"]);
  }
  const spec = COMMANDS[first];
  if (!spec) {
    if (first.startsWith("-")) return usageFail(`unknown option ${first}`, "see `shipline --help`");
    const guess = closest(first);
    return usageFail(
      `unknown command "${first}"`,
      guess ? `did you mean \`shipline ${guess}\`? (see shipline --help)` : "see `shipline --help`",
    );
  }
  // plan's first git call runs while its modules load (the answer is picked up by locateAsync);
  // imported here, not at the top, so that --version and --help load nothing they do not use
  if (first === "plan" && !argv.includes("--help") && !argv.includes("-h"))
    (await import("./git/locate.ts")).prestartLocate(argv.slice(1));
  const cmd = (await spec.load()).default;
  const { renderUsage, runCommand } = await import("citty");
  const rest = argv.slice(1);
  const dashdash = rest.indexOf("--");
  const flags = dashdash === -1 ? rest : rest.slice(0, dashdash);
  if (flags.includes("--help") || flags.includes("-h")) {
    // the parent's meta makes citty write "shipline plan", not "plan", in the header and USAGE
    let text = await renderUsage(cmd, { meta: { name: "shipline", version: VERSION } });
    if (!useColor(process.env, 1)) text = text.replace(/\x1b\[[0-9;]*m/g, "");
    if (cmd.examples?.length) text += `\n\nEXAMPLES\n${cmd.examples.map((e) => `  ${e}`).join("\n")}\n`;
    console.log(text);
    return 0;
  }
  try {
    await runCommand(cmd as typeof cmd & { args: ArgsDef }, { rawArgs: rest });
  } catch (e) {
    // citty does not export CLIError; its parse errors (missing argument, bad enum) carry this name.
    if ((e as Error)?.name === "CLIError" || e instanceof UsageError)
      return usageFail(
        `${first}: ${(e as Error).message.replace(/\x1b\[[0-9;]*m/g, "")}`,
        `see \`shipline ${first} --help\``,
      );
    throw e;
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`✖ internal error: ${(e as Error)?.message ?? e}`);
    process.exitCode = 1;
  },
);

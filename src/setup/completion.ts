/**
 * Shell completion scripts for bash, zsh and fish, generated from the command table
 * (src/cli/commands.ts) and each command's flag definitions, loaded at generation time so the
 * scripts always match the binary that printed them.
 */
import type { ArgsDef } from "citty";
import { COMMANDS } from "../cli/commands.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

interface Flag {
  name: string;
  short?: string;
  description: string;
  takesValue: boolean;
  valueHint?: string;
  choices?: string[];
}

interface CommandInfo {
  name: string;
  description: string;
  flags: Flag[];
  /** Completes positional arguments with these words (e.g. shells), else with files. */
  positionals?: string[];
  takesFiles: boolean;
}

export async function commandInfos(): Promise<CommandInfo[]> {
  const out: CommandInfo[] = [];
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const cmd = (await spec.load()).default;
    const args = (cmd.args ?? {}) as ArgsDef;
    const flags: Flag[] = [];
    let takesFiles = false;
    for (const [flag, def] of Object.entries(args)) {
      if (def.type === "positional") {
        takesFiles = true;
        continue;
      }
      const alias = "alias" in def ? def.alias : undefined;
      const short = (Array.isArray(alias) ? alias : alias ? [alias] : []).find((a) => a.length === 1);
      flags.push({
        name: flag,
        short,
        description: def.description ?? "",
        takesValue: def.type !== "boolean",
        valueHint: "valueHint" in def ? def.valueHint : undefined,
        choices: def.type === "enum" && "options" in def ? (def.options as string[]) : undefined,
      });
      // A flag that defaults to on is turned off with --no-NAME (citty's negation).
      if (def.type === "boolean" && def.default === true)
        flags.push({ name: `no-${flag}`, description: `Turn off --${flag}`, takesValue: false });
    }
    flags.push({ name: "help", short: "h", description: "Show help and examples", takesValue: false });
    out.push({
      name,
      description: spec.description,
      flags,
      takesFiles,
      positionals: name === "completion" ? [...SHELLS] : undefined,
    });
  }
  return out;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const flagWords = (c: CommandInfo) =>
  c.flags.flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]).join(" ");

function bash(cmds: CommandInfo[]): string {
  const cases = cmds
    .map((c) => {
      const valued = c.flags
        .filter((f) => f.takesValue)
        .flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]);
      return `    ${c.name})
      opts=${sq(flagWords(c))}
      valued=${sq(valued.join(" "))}
      words=${sq((c.positionals ?? []).join(" "))}
      ;;`;
    })
    .join("\n");
  return `# shipline bash completion. Install: shipline completion bash > ~/.local/share/bash-completion/completions/shipline
# (or: eval "$(shipline completion bash)" in ~/.bashrc)
_shipline() {
  local cur prev opts="" valued="" words=""
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W ${sq(cmds.map((c) => c.name).join(" "))} -- "$cur") )
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) return 0 ;;
  esac
  case " $valued " in
    *" $prev "*)
      if [ "$prev" = "--cwd" ]; then COMPREPLY=( $(compgen -d -- "$cur") ); else COMPREPLY=( $(compgen -f -- "$cur") ); fi
      return 0 ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  elif [ -n "$words" ]; then
    COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
  return 0
}
complete -o filenames -F _shipline shipline
`;
}

const zq = (s: string) => s.replace(/[[\]:\\']/g, (c) => (c === "'" ? "'\\''" : `\\${c}`));

function zsh(cmds: CommandInfo[]): string {
  const list = cmds.map((c) => `    '${c.name}:${zq(c.description)}'`).join("\n");
  const cases = cmds
    .map((c) => {
      const specs = c.flags.map((f) => {
        const val = f.takesValue
          ? `:${zq(f.valueHint ?? f.name)}:${f.name === "cwd" ? "_files -/" : f.choices ? `(${f.choices.join(" ")})` : "_files"}`
          : "";
        return `        '--${f.name}[${zq(f.description)}]${val}'`;
      });
      const pos = c.positionals
        ? `        '*:shell:(${c.positionals.join(" ")})'`
        : c.takesFiles
          ? "        '*:file:_files'"
          : "";
      return `    (${c.name})\n      _arguments \\\n${[...specs, pos].filter(Boolean).join(" \\\n")}\n      ;;`;
    })
    .join("\n");
  return `#compdef shipline
# shipline zsh completion. Install: shipline completion zsh > "\${fpath[1]}/_shipline"
# (or: source <(shipline completion zsh) after compinit)
_shipline() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'shipline command' commands
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases}
  esac
}
if [ "$funcstack[1]" = "_shipline" ]; then
  _shipline "$@"
else
  compdef _shipline shipline
fi
`;
}

function fish(cmds: CommandInfo[]): string {
  const lines = [
    "# shipline fish completion. Install: shipline completion fish > ~/.config/fish/completions/shipline.fish",
    "complete -c shipline -f",
  ];
  const names = cmds.map((c) => c.name).join(" ");
  for (const c of cmds)
    lines.push(
      `complete -c shipline -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${sq(c.description)}`,
    );
  for (const c of cmds) {
    const cond = `-n "__fish_seen_subcommand_from ${c.name}"`;
    for (const f of c.flags) {
      const parts = [`complete -c shipline ${cond} -l ${f.name}`];
      if (f.short) parts.push(`-s ${f.short}`);
      if (f.takesValue)
        parts.push(
          f.choices
            ? `-x -a ${sq(f.choices.join(" "))}`
            : f.name === "cwd"
              ? "-x -a '(__fish_complete_directories)'"
              : "-r -F",
        );
      parts.push(`-d ${sq(f.description)}`);
      lines.push(parts.join(" "));
    }
    if (c.positionals) lines.push(`complete -c shipline ${cond} -x -a ${sq(c.positionals.join(" "))}`);
    else if (c.takesFiles) lines.push(`complete -c shipline ${cond} -F`);
  }
  return `${lines.join("\n")}\n`;
}

export async function completionScript(shell: Shell): Promise<string> {
  const cmds = await commandInfos();
  return shell === "bash" ? bash(cmds) : shell === "zsh" ? zsh(cmds) : fish(cmds);
}

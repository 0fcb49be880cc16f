import { describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../../src/cli/commands.ts";
import { completionScript } from "../../src/setup/completion.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { tempDir } from "../helpers/repo.ts";

/** Ask bash's completion function for the candidates after typing `words` (last = current word). */
function bashComplete(script: string, words: string[]): string[] {
  const dir = tempDir("shipline-completion-");
  writeFileSync(join(dir, "c.bash"), script);
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const p = Bun.spawnSync(
    [
      "bash",
      "-c",
      `source ./c.bash; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _shipline; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { cwd: dir, stdout: "pipe", stderr: "pipe" },
  );
  rmSync(dir, { recursive: true, force: true });
  if (p.exitCode !== 0) throw new Error(p.stderr.toString());
  return p.stdout.toString().split("\n").filter(Boolean).sort();
}

describe("shipline completion", () => {
  test("bash: parses with bash -n and completes commands, flags and shells", async () => {
    const script = await completionScript("bash");
    const dir = tempDir("shipline-completion-");
    writeFileSync(join(dir, "c.bash"), script);
    expect(Bun.spawnSync(["bash", "-n", join(dir, "c.bash")]).exitCode).toBe(0);
    rmSync(dir, { recursive: true, force: true });
    expect(bashComplete(script, ["shipline", ""])).toEqual(Object.keys(COMMANDS).sort());
    expect(bashComplete(script, ["shipline", "pu"])).toEqual(["publish"]);
    expect(bashComplete(script, ["shipline", "init", "--d"])).toEqual(["--dry-run"]);
    expect(bashComplete(script, ["shipline", "doctor", "--"])).toContain("--online");
    expect(bashComplete(script, ["shipline", "completion", ""])).toEqual(["bash", "fish", "zsh"]);
  });

  test("zsh and fish scripts name every command and its flags", async () => {
    const zsh = await completionScript("zsh");
    const fish = await completionScript("fish");
    expect(zsh).toStartWith("#compdef shipline\n");
    for (const name of Object.keys(COMMANDS)) {
      expect(zsh).toContain(`'${name}:`);
      expect(fish).toContain(` -a ${name} -d `);
    }
    expect(zsh).toContain("'--dry-run[Show the diff, write nothing]'");
    expect(fish).toContain('-n "__fish_seen_subcommand_from init" -l force');
  });
});

describe("shipline completion in real zsh and fish (when installed)", () => {
  test.skipIf(!Bun.which("zsh"))("zsh parses the script (zsh -n)", async () => {
    const dir = tempDir("shipline-completion-");
    writeFileSync(join(dir, "_shipline"), await completionScript("zsh"));
    const p = Bun.spawnSync(["zsh", "-n", join(dir, "_shipline")], { stderr: "pipe" });
    rmSync(dir, { recursive: true, force: true });
    expect(p.stderr.toString()).toBe("");
    expect(p.exitCode).toBe(0);
  });

  test.skipIf(!Bun.which("fish"))("fish completes commands, flags and shells", async () => {
    const dir = tempDir("shipline-completion-");
    const file = join(dir, "shipline.fish");
    writeFileSync(file, await completionScript("fish"));
    const ask = (line: string) => {
      const p = Bun.spawnSync(["fish", "--no-config", "-c", `source ${file}; complete -C "${line}"`], {
        stdout: "pipe",
      });
      return p.stdout
        .toString()
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t")[0]);
    };
    expect(ask("shipline ini")).toEqual(["init"]);
    expect(ask("shipline init --")).toContain("--dry-run");
    expect(ask("shipline completion ")).toEqual(["bash", "fish", "zsh"]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe.skipIf(!hasBinary())("shipline completion (compiled binary)", () => {
  test("prints a bash script on stdout; an unknown shell is a usage error", async () => {
    const r = await shipline(["completion", "bash"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("complete -o filenames -F _shipline shipline");
    expect(bashComplete(r.stdout, ["shipline", "veri"])).toEqual(["verify"]);
    const bad = await shipline(["completion", "tcsh"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown shell "tcsh"');
  });
});

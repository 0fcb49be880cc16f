import { UsageError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

export default defineShiplineCommand({
  name: "completion",
  description: "Print a shell completion script.",
  args: {},
  positional: "SHELL",
  positionalHelp: "bash, zsh or fish",
  examples: [
    "shipline completion bash > ~/.local/share/bash-completion/completions/shipline",
    "shipline completion zsh > ~/.zfunc/_shipline   # with fpath+=(~/.zfunc) before compinit",
    "shipline completion fish > ~/.config/fish/completions/shipline.fish",
  ],
  async run({ rest }) {
    const { completionScript, SHELLS } = await import("../setup/completion.ts");
    const shell = rest[0];
    if (rest.length !== 1 || !SHELLS.includes(shell as (typeof SHELLS)[number]))
      throw new UsageError(
        shell
          ? `unknown shell "${shell}": expected bash, zsh or fish`
          : "which shell? expected bash, zsh or fish",
        "e.g. shipline completion bash",
      );
    // The script is the product: stdout, so it can be redirected into a completions file.
    process.stdout.write(await completionScript(shell as (typeof SHELLS)[number]));
    return 0;
  },
});

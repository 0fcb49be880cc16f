import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "completion",
  description: "Print a shell completion script.",
  args: {},
  positional: "SHELL",
  examples: ["shipline completion bash > /etc/bash_completion.d/shipline"],
  async run() {
    throw new NotAvailableError("`shipline completion`");
  },
});

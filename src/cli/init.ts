import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "init",
  description:
    "Write release-please config + manifest, [tool.shipline] and GitHub workflows; migrates release-please-action setups.",
  args: {
    force: { type: "boolean", description: "Overwrite files that exist" },
    "dry-run": { type: "boolean", description: "Show the diff, write nothing" },
  },
  examples: ["shipline init --dry-run", "shipline init"],
  async run() {
    throw new NotAvailableError("`shipline init`");
  },
});

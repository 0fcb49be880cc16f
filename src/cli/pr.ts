import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "pr",
  description: "Open or update the release PR (GitHub REST; token from GITHUB_TOKEN).",
  args: {
    repo: {
      type: "string",
      description: "OWNER/NAME (default GITHUB_REPOSITORY, else origin)",
      valueHint: "SLUG",
    },
    date: {
      type: "string",
      description: "Changelog date YYYY-MM-DD (default today, UTC)",
      valueHint: "DATE",
    },
    "dry-run": {
      type: "boolean",
      description: "Show the branch, title, body and file changes without pushing",
    },
  },
  examples: ["GITHUB_TOKEN=… shipline pr", "shipline pr --dry-run"],
  async run() {
    throw new NotAvailableError("`shipline pr`");
  },
});

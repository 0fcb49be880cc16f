import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "plan",
  description: "Next release(s) from local git, exactly as release-please would propose them. No network.",
  args: {
    date: {
      type: "string",
      description: "Changelog date YYYY-MM-DD (default today, UTC)",
      valueHint: "DATE",
    },
    repo: {
      type: "string",
      description: "OWNER/NAME for links (default GITHUB_REPOSITORY, else origin)",
      valueHint: "SLUG",
    },
    explain: {
      type: "boolean",
      description: "Explain why each commit counts or not, and why there is no release",
    },
  },
  examples: [
    "shipline plan",
    "shipline plan --json --repo octo/pkg --date 2026-02-06",
    "shipline plan --explain",
  ],
  async run() {
    throw new NotAvailableError("`shipline plan`");
  },
});

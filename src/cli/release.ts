import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "release",
  description: "Tag + GitHub release for a merged release PR (HEAD set the manifest to an untagged version).",
  args: {
    repo: {
      type: "string",
      description: "OWNER/NAME (default GITHUB_REPOSITORY, else origin)",
      valueHint: "SLUG",
    },
    "dry-run": { type: "boolean", description: "Show the tag and release without creating them" },
  },
  examples: ["GITHUB_TOKEN=… shipline release"],
  async run() {
    throw new NotAvailableError("`shipline release`");
  },
});

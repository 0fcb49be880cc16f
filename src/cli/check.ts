import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "check",
  description:
    "Validate distributions like `twine check` (metadata, README rendering, archive safety) and print digests.",
  args: {
    strict: { type: "boolean", description: "Fail on warnings too" },
  },
  positional: "FILES…",
  examples: ["shipline check dist/*", "shipline check --json dist/pkg-1.0.0-py3-none-any.whl"],
  async run() {
    throw new NotAvailableError("`shipline check`");
  },
});

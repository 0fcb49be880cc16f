import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "doctor",
  description:
    "Diagnose config, manifest, tags, commits, gate tools, workflow permissions, Trusted Publishing; print fixes.",
  args: {
    online: { type: "boolean", description: "Also ask PyPI/GitHub (project and version conflicts)" },
  },
  examples: ["shipline doctor", "shipline doctor --json"],
  async run() {
    throw new NotAvailableError("`shipline doctor`");
  },
});

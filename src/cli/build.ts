import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "build",
  description:
    "Build sdist and wheel into dist/ (uv build, python -m build, or [tool.shipline.build] command).",
  args: {
    "out-dir": { type: "string", description: "Output directory (default dist)", valueHint: "DIR" },
    check: { type: "boolean", description: "Also check the built files (like twine check)" },
  },
  examples: ["shipline build", "shipline build --check"],
  async run() {
    throw new NotAvailableError("`shipline build`");
  },
});

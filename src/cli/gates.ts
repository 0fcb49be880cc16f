import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "gates",
  description: "Quality gates (lint, format, typecheck, tests, build) on a Python matrix, in parallel.",
  args: {
    python: {
      type: "string",
      description: "Pythons to run on, e.g. 3.9,3.13 (default [tool.shipline] python)",
      valueHint: "LIST",
    },
    only: { type: "string", description: "Run only this gate (or a comma list)", valueHint: "NAME" },
  },
  examples: ["shipline gates", "shipline gates --python 3.12 --only tests"],
  async run() {
    throw new NotAvailableError("`shipline gates`");
  },
});

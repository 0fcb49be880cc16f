import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "publish",
  description:
    "build → check → sign → upload → verify, checkpointed per file (resume uploads only what is missing). With FILES: publish those, no build.",
  args: {
    "repository-url": {
      type: "string",
      description: "Upload URL (default https://upload.pypi.org/legacy/)",
      valueHint: "URL",
    },
    "skip-existing": {
      type: "boolean",
      description: "A file already on the index with the same digest is not an error",
    },
    sign: { type: "boolean", default: true, description: "Sign and attach attestations (--no-sign to skip)" },
    state: {
      type: "string",
      description: "Checkpoint file (default .shipline/state.json)",
      valueHint: "FILE",
    },
    "fulcio-url": { type: "string", description: "Fulcio URL", valueHint: "URL" },
    "rekor-url": { type: "string", description: "Rekor URL", valueHint: "URL" },
  },
  positional: "FILES…",
  examples: [
    "shipline publish",
    "shipline publish dist/* --no-sign --repository-url http://127.0.0.1:8080/legacy/",
  ],
  async run() {
    throw new NotAvailableError("`shipline publish`");
  },
});

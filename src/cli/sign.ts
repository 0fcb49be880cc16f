import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "sign",
  description: "Sigstore-sign files: <file>.sigstore.json bundles and <file>.publish.attestation (PEP 740).",
  args: {
    "fulcio-url": { type: "string", description: "Fulcio URL (default public-good)", valueHint: "URL" },
    "rekor-url": { type: "string", description: "Rekor URL (default public-good)", valueHint: "URL" },
    "identity-token": {
      type: "string",
      description: "Path to a file holding the OIDC token (default: GitHub Actions or SIGSTORE_ID_TOKEN)",
      valueHint: "FILE",
    },
  },
  positional: "FILES…",
  examples: ["shipline sign dist/*"],
  async run() {
    throw new NotAvailableError("`shipline sign`");
  },
});

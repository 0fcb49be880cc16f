import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
export default defineShiplineCommand({
  name: "verify",
  description:
    "Verify Sigstore bundles, PEP 740 attestations or PyPI provenance offline; exit 0 valid, 1 invalid.",
  args: {
    bundle: { type: "string", description: "Sigstore bundle (.sigstore.json)", valueHint: "FILE" },
    attestation: {
      type: "string",
      description: "PEP 740 attestation (.publish.attestation)",
      valueHint: "FILE",
    },
    provenance: {
      type: "string",
      description: "PyPI provenance JSON (attestation bundles with publisher)",
      valueHint: "FILE",
    },
    "cert-identity": {
      type: "string",
      description: "Expected certificate identity (SAN), matched exactly",
      valueHint: "URI",
    },
    "cert-identity-regexp": {
      type: "string",
      description: "Expected identity as an anchored regular expression",
      valueHint: "RE",
    },
    "cert-oidc-issuer": { type: "string", description: "Expected OIDC issuer", valueHint: "URL" },
    "trusted-root": {
      type: "string",
      description: "Trusted root JSON (default: embedded public-good root)",
      valueHint: "FILE",
    },
    offline: {
      type: "boolean",
      default: true,
      description: "Never touch the network (always true; kept for cosign/sigstore-python users)",
    },
  },
  positional: "FILES…",
  examples: [
    "shipline verify pkg.whl --bundle pkg.whl.sigstore.json --cert-identity https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1.2.0 --cert-oidc-issuer https://token.actions.githubusercontent.com",
  ],
  async run() {
    throw new NotAvailableError("`shipline verify`");
  },
});

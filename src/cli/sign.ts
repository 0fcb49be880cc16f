import { resolve } from "node:path";
import { assertRegularFile } from "../dist/regular-file.ts";
import { UsageError } from "../errors.ts";
import { checkServiceUrl } from "../net/service-url.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";

export default defineShiplineCommand({
  name: "sign",
  description: "Sigstore-sign files: <file>.sigstore.json bundles and <file>.publish.attestation (PEP 740).",
  args: {
    "fulcio-url": { type: "string", description: "Fulcio URL (default public-good)", valueHint: "URL" },
    "rekor-url": { type: "string", description: "Rekor URL (default public-good)", valueHint: "URL" },
    "tsa-url": {
      type: "string",
      description: "RFC 3161 timestamp authority for the .sigstore.json bundle (optional)",
      valueHint: "URL",
    },
    "identity-token": {
      type: "string",
      description:
        "Path to a file holding the OIDC token (default: SIGSTORE_ID_TOKEN, else the CI's identity)",
      valueHint: "FILE",
    },
  },
  positional: "FILES…",
  examples: [
    "shipline sign dist/*",
    "SIGSTORE_ID_TOKEN=… shipline sign --fulcio-url https://fulcio.example --rekor-url https://rekor.example dist/*",
  ],
  async run({ args, rest, cwd, log, json }) {
    if (!rest.length) throw new UsageError("no files to sign", "e.g. `shipline sign dist/*`");
    // Loaded here, not at the top: `sign --help` must not pay for sigstore.
    const [{ Signer }, { sigstoreIdentityToken }] = await Promise.all([
      import("../sigstore/sign.ts"),
      import("../sigstore/identity.ts"),
    ]);
    const tokenFile = args["identity-token"] as string | undefined;
    const signer = new Signer({
      token: () => sigstoreIdentityToken({ tokenFile: tokenFile && resolve(cwd, tokenFile) }),
      fulcioUrl: checkServiceUrl(
        args["fulcio-url"] as string | undefined,
        "--fulcio-url",
        "https://fulcio.sigstore.dev",
      ),
      rekorUrl: checkServiceUrl(
        args["rekor-url"] as string | undefined,
        "--rekor-url",
        "https://rekor.sigstore.dev",
      ),
      tsaUrl: checkServiceUrl(
        args["tsa-url"] as string | undefined,
        "--tsa-url",
        "https://timestamp.sigstore.dev/api/v1/timestamp",
      ),
    });
    const files = [];
    for (const f of rest) assertRegularFile(resolve(cwd, f), f);
    for (const f of rest) {
      const r = await signer.signFile(resolve(cwd, f));
      files.push({ ...r, path: f, bundle: `${f}.sigstore.json`, attestation: `${f}.publish.attestation` });
      if (r.reused)
        log.info(`${f}: already signed (${f}.sigstore.json, ${f}.publish.attestation match its sha256)`);
      else log.success(`signed ${f} → ${f}.sigstore.json, ${f}.publish.attestation`);
    }
    if (json) printJson({ files });
    return 0;
  },
});

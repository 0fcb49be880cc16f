import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { assertRegularFile } from "../dist/regular-file.ts";
import { UsageError } from "../errors.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";

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
    "shipline verify dist/*.whl --cert-identity-regexp 'https://github\\.com/o/r/\\.github/workflows/release\\.yml@refs/tags/v.*' --cert-oidc-issuer https://token.actions.githubusercontent.com",
    "shipline verify sha256:<hex> --bundle x.sigstore.json --cert-identity … --cert-oidc-issuer …",
  ],
  async run({ args, rest, cwd, log, json }) {
    if (!rest.length)
      throw new UsageError("no files to verify", "e.g. `shipline verify dist/pkg.whl --attestation …`");
    const given = (["bundle", "attestation", "provenance"] as const).filter((k) => args[k]);
    if (given.length > 1)
      throw new UsageError(
        `give only one of --bundle, --attestation, --provenance (got ${given.map((g) => `--${g}`).join(", ")})`,
      );
    if (given.length && rest.length > 1)
      throw new UsageError(
        `--${given[0]} names one file's signature; verify one file at a time with it`,
        "without the flag, each FILE is checked against FILE.publish.attestation",
      );
    const identity = args["cert-identity"] as string | undefined;
    const identityRegexp = args["cert-identity-regexp"] as string | undefined;
    const issuer = args["cert-oidc-issuer"] as string | undefined;
    if (!issuer)
      throw new UsageError(
        "--cert-oidc-issuer is required",
        "e.g. --cert-oidc-issuer https://token.actions.githubusercontent.com",
      );
    if (Boolean(identity) === Boolean(identityRegexp))
      throw new UsageError(
        "give exactly one of --cert-identity (exact) or --cert-identity-regexp (anchored)",
      );
    if (identityRegexp)
      try {
        new RegExp(identityRegexp);
      } catch (e) {
        throw new UsageError(`--cert-identity-regexp ${identityRegexp}: ${(e as Error).message}`);
      }
    const policy = { identity, identityRegexp, issuer };
    const lib = await import("../sigstore/verify.ts");
    const rootArg = args["trusted-root"] as string | undefined;
    const root = rootArg ? resolve(cwd, rootArg) : undefined;
    const abs = (p: string) => (p.startsWith("sha256:") ? p : resolve(cwd, p));
    const results = [];
    // a malformed digest is a usage error, found before anything is verified
    for (const f of rest) if (f.startsWith("sha256:")) lib.artifactRef(f);
    for (const f of rest) {
      const file = abs(f);
      let r: import("../sigstore/verify.ts").VerifyResult;
      if (!f.startsWith("sha256:") && existsSync(file)) assertRegularFile(file, f);
      if (!f.startsWith("sha256:") && !existsSync(file)) r = { file: f, ok: false, reason: "no such file" };
      else if (args.bundle) r = lib.verifyBundleFile(file, resolve(cwd, args.bundle as string), policy, root);
      else if (args.provenance)
        r = lib.verifyProvenanceFile(file, resolve(cwd, args.provenance as string), policy, root);
      else if (!args.attestation && !f.startsWith("sha256:") && !existsSync(`${file}.publish.attestation`))
        r = {
          file: f,
          ok: false,
          reason: `no ${f}.publish.attestation next to it (give --bundle, --attestation or --provenance)`,
        };
      else
        r = lib.verifyAttestationFile(
          file,
          resolve(cwd, (args.attestation as string | undefined) ?? `${f}.publish.attestation`),
          policy,
          root,
        );
      r = { ...r, file: f };
      results.push(r);
      if (r.ok) log.info(`OK: ${f} signed by ${r.identity} (issuer ${r.issuer})`);
      else log.error(`FAILED: ${f}: ${r.reason}`);
    }
    if (json) printJson({ files: results });
    return results.every((r) => r.ok) ? 0 : 1;
  },
});

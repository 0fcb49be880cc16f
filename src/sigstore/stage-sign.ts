/**
 * The sign stage: Sigstore bundle + PEP 740 attestation for every file the check stage passed.
 * Idempotent twice over: a file recorded in this stage's progress is skipped, and a file whose
 * outputs on disk already sign its digest is reused without a new Fulcio/Rekor round trip.
 */
import { join } from "node:path";
import type { CheckStageResult, SignStageResult } from "../dist/types.ts";
import { ShiplineError } from "../errors.ts";
import type { Stage } from "../pipeline/stage.ts";
import { sigstoreIdentityToken } from "./identity.ts";
import { attestationPathFor, bundlePathFor, Signer } from "./sign.ts";

type Done = Record<string, { sha256: string }>;

export const signStage: Stage<SignStageResult> = {
  name: "sign",
  async run(ctx) {
    const check = ctx.resultOf<CheckStageResult>("check");
    if (!check?.files?.length)
      throw new ShiplineError(
        "the sign stage has no files: the check stage recorded none",
        "run `shipline publish` again from build",
      );
    const done: Done = { ...((ctx.progress.done as Done | undefined) ?? {}) };
    const signer = new Signer({
      token: () => sigstoreIdentityToken({ env: ctx.env }),
      fulcioUrl: ctx.options.fulcioUrl,
      rekorUrl: ctx.options.rekorUrl,
    });
    const files: SignStageResult["files"] = [];
    for (const f of check.files) {
      const abs = join(ctx.root, f.path);
      const rel = { path: f.path, bundle: bundlePathFor(f.path), attestation: attestationPathFor(f.path) };
      if (done[f.path]?.sha256 === f.digests.sha256) {
        files.push(rel);
        continue;
      }
      const r = await signer.signFile(abs, f.digests.sha256);
      ctx.log.info(r.reused ? `${f.path}: already signed` : `signed ${f.path}`);
      done[f.path] = { sha256: r.sha256 };
      ctx.saveProgress({ done });
      files.push(rel);
    }
    return { result: { files } };
  },
};

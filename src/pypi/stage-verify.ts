/**
 * The verify stage: after upload, every file must be on the index under its name with the
 * sha256 the check stage recorded (a short lag is waited out). For files uploaded with an
 * attestation, the index's provenance (PEP 740, spec §3.6) must carry that same attestation
 * (for a file an earlier job had already uploaded: the attestation that upload carried),
 * whose signed statement names this file and digest, and that attestation must verify
 * cryptographically (Sigstore chain, transparency log, signer = this repository's workflow)
 * against the embedded public-good trusted root — or SHIPLINE_TRUSTED_ROOT for a private
 * Sigstore (--fulcio-url); without a root for a private instance that part is skipped, saying so.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PYPI_UPLOAD_URL } from "../config/shipline.ts";
import type { CheckStageResult, UploadStageResult } from "../dist/types.ts";
import { ShiplineError } from "../errors.ts";
import type { Stage } from "../pipeline/stage.ts";
import { statementMismatch } from "../sigstore/attestation.ts";
import { ownSignaturePolicy } from "../sigstore/expected-signer.ts";
import { indexReadAuthorization } from "./credentials.ts";
import { type Backoff, backoffFromEnv, delayFor, indexBaseFor } from "./http.ts";
import { getReadableWithRetry, type IndexFile, listProjectFiles } from "./index-probe.ts";
import { attestationPathFor } from "./uploader.ts";

export interface VerifyStageResult {
  files: {
    path: string;
    sha256: string;
    /** false: a private index that will not let the upload's credentials read it back. */
    onIndex: boolean;
    /** "verified": same attestation and a valid Sigstore signature by this repository's workflow. */
    provenance: "verified" | "matches" | "not-attested";
  }[];
}

/**
 * The project's files as the index lists them (PEP 691 JSON or PEP 503 HTML, as the upload's
 * probe reads them; a private index with the upload's credentials), or "unreadable" when the
 * index will not let these credentials read it.
 */
async function indexFiles(
  base: string,
  project: string,
  backoff: Backoff,
  auth: (() => Promise<string>) | undefined,
): Promise<IndexFile[] | "unreadable"> {
  let listing: Awaited<ReturnType<typeof listProjectFiles>>;
  try {
    listing = await listProjectFiles(base, project, `that ${project}'s files are on it`, backoff, auth);
  } catch (e) {
    if (!(e instanceof ShiplineError)) throw e;
    throw new ShiplineError(e.message, "the files were sent; run `shipline resume` to verify them again");
  }
  if (listing.state === "absent") return [];
  return listing.state === "unreadable" ? "unreadable" : listing.files;
}

/**
 * Sigstore verification of the uploaded attestation: ok true/false, or undefined (skipped, with
 * the reason) when there is no trusted root for the Sigstore instance or no identity to expect.
 */
async function verifySignature(
  env: NodeJS.ProcessEnv,
  fulcioUrl: string | undefined,
  filename: string,
  sha256: string,
  attPath: string,
): Promise<{ ok: boolean | undefined; reason?: string }> {
  const own = ownSignaturePolicy(env, fulcioUrl);
  if (typeof own === "string")
    return { ok: undefined, reason: `Sigstore signature not verified here: ${own}` };
  const { verifyAttestationFile } = await import("../sigstore/verify.ts");
  const r = verifyAttestationFile({ name: filename, sha256 }, attPath, own.policy, own.root);
  return r.ok ? { ok: true } : { ok: false, reason: r.reason ?? "invalid" };
}

type Signature = { envelope?: { statement?: string; signature?: string } };

export const verifyStage: Stage<VerifyStageResult> = {
  name: "verify",
  async run(ctx) {
    const check = ctx.resultOf<CheckStageResult>("check");
    const upload = ctx.resultOf<UploadStageResult>("upload");
    if (!check?.files?.length || !upload)
      throw new ShiplineError("the verify stage has nothing to verify: no upload was recorded");
    if (ctx.options.dryRun) return { result: { files: [] } };
    const uploadUrl = ctx.options.repositoryUrl ?? PYPI_UPLOAD_URL;
    const base = indexBaseFor(uploadUrl);
    const backoff = backoffFromEnv(ctx.env);
    const auth = indexReadAuthorization(uploadUrl, base, ctx.env);
    const out: VerifyStageResult["files"] = [];
    for (const f of check.files) {
      let entry: IndexFile | undefined;
      let unreadable = false;
      for (let i = 0; i < 5; i++) {
        const files = await indexFiles(base, f.name, backoff, auth);
        unreadable = files === "unreadable";
        entry = unreadable ? undefined : (files as IndexFile[]).find((x) => x.filename === f.filename);
        if (entry || unreadable) break;
        await Bun.sleep(delayFor(backoff, i));
      }
      if (unreadable) {
        // an upload-only credential on a private index: the index's own answer to the upload
        // (2xx, or "already there" for the same sha256) is all there is to go on
        ctx.log.warn(
          `${f.filename}: the index at ${base} does not let these credentials read its simple API, so the upload cannot be confirmed by reading it back; its answer to the upload is what says the file is there`,
        );
        out.push({ path: f.path, sha256: f.digests.sha256, onIndex: false, provenance: "not-attested" });
        continue;
      }
      if (!entry)
        throw new ShiplineError(
          `${f.filename} is not on the index at ${base} after the upload`,
          "the index may lag; run `shipline resume` in a minute to verify again",
        );
      const remote = entry.sha256;
      if (remote === undefined) {
        // PEP 503 asks for a hash fragment but does not require one; an index that lists the
        // file without it says the name is there, and nothing about its bytes
        ctx.log.warn(
          `${f.filename}: the index lists it but gives no sha256, so its bytes cannot be checked by reading them back; its answer to the upload is what says these are the bytes it stores`,
        );
        out.push({ path: f.path, sha256: f.digests.sha256, onIndex: true, provenance: "not-attested" });
        continue;
      }
      if (remote !== f.digests.sha256)
        throw new ShiplineError(
          `${f.filename} on the index has sha256 ${remote}, not the checked ${f.digests.sha256}`,
          "the index holds different bytes under this name; publish a new version",
        );
      const attPath = join(ctx.root, attestationPathFor(f.path));
      const attested = !ctx.options.noSign && existsSync(attPath) && Boolean(entry.provenance);
      if (!attested) {
        ctx.log.success(`verified ${f.filename}: on the index with sha256 ${f.digests.sha256}`);
        out.push({ path: f.path, sha256: f.digests.sha256, onIndex: true, provenance: "not-attested" });
        continue;
      }
      const res = await getReadableWithRetry(
        entry.provenance!,
        { Accept: "application/vnd.pypi.integrity.v1+json" },
        backoff,
        new URL(entry.provenance!).origin === new URL(base).origin ? auth : undefined,
      );
      if (!res.ok)
        throw new ShiplineError(
          `${f.filename}: the index's provenance answered ${res.status}`,
          "run `shipline resume` later",
        );
      const prov = (await res.json()) as { attestation_bundles?: { attestations?: Signature[] }[] };
      const local = JSON.parse(readFileSync(attPath, "utf8")) as Signature;
      const remoteAtts = (prov.attestation_bundles ?? []).flatMap((b) => b.attestations ?? []);
      const ours = remoteAtts.find(
        (a) =>
          a.envelope?.signature === local.envelope?.signature &&
          a.envelope?.statement === local.envelope?.statement,
      );
      // A file this run found already on the index (an earlier job uploaded the same bytes, with
      // its own signature) carries that job's attestation: judged the same way as ours would be.
      const earlier = upload.files.some((u) => u.path === f.path && u.status === "already-present");
      const same =
        ours ??
        (earlier
          ? remoteAtts.find(
              (a) =>
                a.envelope?.statement !== undefined &&
                !statementMismatch(
                  Buffer.from(a.envelope.statement, "base64"),
                  { name: f.filename, sha256: f.digests.sha256 },
                  true,
                ),
            )
          : undefined);
      if (!same)
        throw new ShiplineError(
          earlier
            ? `${f.filename}: on the index from an earlier upload, but its provenance has no attestation of this file`
            : `${f.filename}: the index's provenance does not carry the attestation shipline uploaded`,
          `compare ${entry.provenance} with ${attestationPathFor(f.path)}`,
        );
      if (!ours)
        ctx.log.info(`${f.filename}: uploaded earlier; checking the attestation that upload carried`);
      const why = statementMismatch(
        Buffer.from(same.envelope!.statement!, "base64"),
        { name: f.filename, sha256: f.digests.sha256 },
        true,
      );
      if (why)
        throw new ShiplineError(`${f.filename}: the index's provenance does not match the file: ${why}`);
      // Verify what the index serves (its certificate and log entry too), not our local copy.
      const tmp = mkdtempSync(join(tmpdir(), "shipline-prov-"));
      const served = join(tmp, "served.attestation");
      writeFileSync(served, JSON.stringify(same));
      let sig: { ok: boolean | undefined; reason?: string };
      try {
        sig = await verifySignature(ctx.env, ctx.options.fulcioUrl, f.filename, f.digests.sha256, served);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      if (sig.ok === false)
        throw new ShiplineError(
          `${f.filename}: the attestation on the index does not verify: ${sig.reason}`,
          "sign again from the release workflow (`shipline publish` signs) — PyPI shows this attestation to every user",
        );
      if (sig.ok === undefined) ctx.log.info(`${f.filename}: ${sig.reason}`);
      ctx.log.success(
        `verified ${f.filename}: on the index with sha256 ${f.digests.sha256} and its attestation${sig.ok ? " (Sigstore signature valid)" : ""}`,
      );
      out.push({
        path: f.path,
        sha256: f.digests.sha256,
        onIndex: true,
        provenance: sig.ok ? "verified" : "matches",
      });
    }
    return { result: { files: out } };
  },
};

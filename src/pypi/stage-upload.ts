/**
 * The upload stage: every file the check stage passed goes to the index exactly once.
 * Per file, progress is checkpointed: "sending" right before a POST (the attempt may land
 * even if we die), the outcome after the index confirmed it. On resume, finished files are
 * skipped; every other file is probed on the index first (same name + sha256 = done), so a
 * crash between PyPI's 200 and our record never causes a second upload. Each file is hashed
 * again as it is sent and must be the bytes the check stage recorded, or the request is cut
 * off before it completes.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { PYPI_UPLOAD_URL } from "../config/shipline.ts";
import type { CheckedFile, CheckStageResult, UploadStageResult } from "../dist/types.ts";
import { ShiplineError } from "../errors.ts";
import type { Stage } from "../pipeline/stage.ts";
import { resolveTarget } from "./credentials.ts";
import { Uploader } from "./uploader.ts";

type FileProgress = Record<string, { status: "sending" | "uploaded" | "already-present"; sha256: string }>;

/**
 * Cheap first check that the file is still the checked one; the bytes themselves are hashed
 * while they are sent (multipart.ts: `expectSha256`), so a changed file is never stored and
 * never costs a second read.
 */
export function assertSameSize(abs: string, f: CheckedFile): void {
  let size: number;
  try {
    size = statSync(abs).size;
  } catch (e) {
    throw new ShiplineError(
      `${f.path} is gone or unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the check stage recorded it`,
      "restore the file, or start over with `shipline status --reset` and publish again",
    );
  }
  if (size !== f.size)
    throw new ShiplineError(
      `${f.path} changed since the check stage (${f.size} bytes recorded, now ${size}); refusing to upload bytes that were not checked`,
      "restore the checked file, or start over with `shipline status --reset` and publish again",
    );
}

/**
 * On resume the check ran in an earlier process, and anything may have happened to the file
 * since (another job, a person): hash it whole before a single byte goes to the index, so a
 * tampered file never even starts an upload. Within one process, hashing while sending is
 * enough (a change cuts the request off), and saves a read of every file.
 */
export async function assertSameSha256(abs: string, f: CheckedFile): Promise<void> {
  const h = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(abs).stream()) h.update(chunk);
  const actual = h.digest("hex");
  if (actual !== f.digests.sha256)
    throw new ShiplineError(
      `${f.path} changed since the check stage (sha256 recorded ${f.digests.sha256}, now ${actual}); refusing to upload bytes that were not checked (found before sending: nothing was stored)`,
      "restore the checked file, or start over with `shipline status --reset` and publish again",
    );
}

const wheelsFirst = (files: CheckedFile[]) => [
  ...files.filter((f) => f.kind === "wheel"),
  ...files.filter((f) => f.kind !== "wheel"),
];

export const uploadStage: Stage<UploadStageResult> = {
  name: "upload",
  async run(ctx) {
    const check = ctx.resultOf<CheckStageResult>("check");
    if (!check?.files?.length)
      throw new ShiplineError(
        "the upload stage has no files: the check stage recorded none",
        "run `shipline publish` again (it builds and checks first)",
      );
    const url = ctx.options.repositoryUrl ?? PYPI_UPLOAD_URL;
    if (ctx.options.dryRun) {
      for (const f of check.files)
        ctx.log.info(`would upload ${f.path} (sha256 ${f.digests.sha256}) to ${url}`);
      return { result: { files: [] } };
    }
    const target = resolveTarget({ repositoryUrl: url, defaultUrl: url }, ctx.env);
    ctx.log.info(`Uploading to ${target.url} (credentials: ${target.credentials.source})`);
    const uploader = new Uploader({
      url: target.url,
      credentials: target.credentials,
      log: ctx.log,
      env: ctx.env,
      tty: Boolean(process.stderr.isTTY) && !ctx.log.actions,
      attestations: !ctx.options.noSign,
      verifyWhileSending: true,
    });
    const checkedAt = Date.parse(ctx.checkpoint.stages.check?.finishedAt ?? "");
    const resumed = !(checkedAt >= performance.timeOrigin);
    const done: FileProgress = { ...((ctx.progress.files as FileProgress | undefined) ?? {}) };
    const files: UploadStageResult["files"] = [];
    for (const f of wheelsFirst(check.files)) {
      const prev = done[f.path];
      if (prev && prev.status !== "sending" && prev.sha256 === f.digests.sha256) {
        ctx.log.info(
          `${f.filename}: ${prev.status === "uploaded" ? "uploaded" : "already on the index"} (recorded)`,
        );
        files.push({ path: f.path, status: prev.status });
        continue;
      }
      const abs = join(ctx.root, f.path);
      assertSameSize(abs, f);
      if (resumed) await assertSameSha256(abs, f);
      let outcome = await uploader.upload({ ...f, path: abs }, abs, {
        onSending: () => {
          if (done[f.path]?.status === "sending") return;
          done[f.path] = { status: "sending", sha256: f.digests.sha256 };
          ctx.saveProgress({ files: done });
        },
      });
      // Found on the index after our own earlier attempt was cut off: that upload was ours.
      if (outcome === "already-present" && prev?.status === "sending") outcome = "uploaded";
      done[f.path] = { status: outcome, sha256: f.digests.sha256 };
      ctx.saveProgress({ files: done });
      files.push({ path: f.path, status: outcome });
    }
    return { result: { files } };
  },
};

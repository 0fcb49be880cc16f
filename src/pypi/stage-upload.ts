/**
 * The upload stage: every file the check stage passed goes to the index exactly once.
 * Per file, progress is checkpointed: "sending" right before a POST (the attempt may land
 * even if we die), the outcome after the index confirmed it. On resume, finished files are
 * skipped; every other file is probed on the index first (same name + sha256 = done), so a
 * crash between PyPI's 200 and our record never causes a second upload. Before sending, each
 * file is hashed again and must still be the bytes the check stage recorded.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import { PYPI_UPLOAD_URL } from "../config/shipline.ts";
import type { CheckedFile, CheckStageResult, UploadStageResult } from "../dist/types.ts";
import { ShiplineError } from "../errors.ts";
import type { Stage } from "../pipeline/stage.ts";
import { resolveTarget } from "./credentials.ts";
import { Uploader } from "./uploader.ts";

type FileProgress = Record<string, { status: "sending" | "uploaded" | "already-present"; sha256: string }>;

/** sha256 + size of a file, streamed (the file may be large). */
export async function sha256OfFile(path: string): Promise<{ sha256: string; size: number }> {
  const h = new Bun.CryptoHasher("sha256");
  const fh = await open(path, "r");
  const buf = new Uint8Array(1 << 20);
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (!bytesRead) break;
      size += bytesRead;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return { sha256: h.digest("hex"), size };
}

export async function assertUnchanged(abs: string, f: CheckedFile): Promise<void> {
  let now: { sha256: string; size: number };
  try {
    now = await sha256OfFile(abs);
  } catch (e) {
    throw new ShiplineError(
      `${f.path} is gone or unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the check stage recorded it`,
      "restore the file, or start over with `shipline status --reset` and publish again",
    );
  }
  if (now.sha256 !== f.digests.sha256)
    throw new ShiplineError(
      `${f.path} changed since the check stage (sha256 recorded ${f.digests.sha256}, now ${now.sha256}); refusing to upload bytes that were not checked`,
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
    });
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
      await assertUnchanged(abs, f);
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

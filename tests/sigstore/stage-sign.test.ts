/**
 * The sign stage against the stand-ins: signs what check recorded, saves per-file progress,
 * skips files already done on resume (no Fulcio/Rekor call), and refuses a file that changed
 * since it was checked. The stage is driven through its real interface (a StageContext).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CheckedFile, CheckStageResult } from "../../src/dist/types.ts";
import type { Checkpoint } from "../../src/pipeline/checkpoint.ts";
import type { RunOptions, StageContext } from "../../src/pipeline/stage.ts";
import { signStage } from "../../src/sigstore/stage-sign.ts";
import { verifyAttestationFile } from "../../src/sigstore/verify.ts";
import { createLogger } from "../../src/ui/log.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type SigstoreServer, startSigstore } from "../servers/sigstore.ts";

let oidc: OidcServer;
let ss: SigstoreServer;
beforeAll(async () => {
  oidc = await startOidc({ repository: "octo/sample", ref: "refs/tags/v2.0.0" });
  ss = await startSigstore({ verifyToken: oidc.verify });
});
afterAll(() => {
  oidc?.stop();
  ss?.stop();
});

function checked(root: string, path: string): CheckedFile {
  const data = readFileSync(join(root, path));
  const sha256 = new Bun.CryptoHasher("sha256").update(data).digest("hex");
  const filename = path.split("/").pop()!;
  return {
    path,
    filename,
    kind: filename.endsWith(".whl") ? "wheel" : "sdist",
    name: "sample",
    version: "2.0.0",
    size: data.length,
    digests: { md5: "", sha256, blake2_256: "" },
    verdict: "PASSED",
    warnings: [],
    errors: [],
    metadata: {},
  };
}

function context(
  root: string,
  check: CheckStageResult,
  progress: Record<string, unknown>,
  saved: Record<string, unknown>[],
) {
  const lines: string[] = [];
  const ctx: StageContext = {
    root,
    log: createLogger({ write: (l) => lines.push(l) }),
    env: oidc.env,
    options: {
      command: "publish",
      event: "local",
      order: "release-first",
      publish: true,
      noSign: false,
      dryRun: false,
      fulcioUrl: ss.fulcioUrl,
      rekorUrl: ss.rekorUrl,
    } satisfies RunOptions,
    checkpoint: {} as Checkpoint,
    resultOf: <T>(stage: string) => (stage === "check" ? (check as T) : undefined),
    progress,
    saveProgress: (p) => saved.push(structuredClone(p)),
  };
  return { ctx, lines };
}

test("signs every checked file, records progress per file, resumes without new signatures", async () => {
  const root = mkdtempSync(join(tmpdir(), "shipline-stage-sign-"));
  mkdirSync(join(root, "dist"));
  writeFileSync(join(root, "dist/sample-2.0.0-py3-none-any.whl"), "wheel");
  writeFileSync(join(root, "dist/sample-2.0.0.tar.gz"), "sdist");
  const check = {
    files: [checked(root, "dist/sample-2.0.0-py3-none-any.whl"), checked(root, "dist/sample-2.0.0.tar.gz")],
  };
  const saved: Record<string, unknown>[] = [];
  const { ctx } = context(root, check, {}, saved);
  const out = await signStage.run(ctx);
  expect(out.result.files).toEqual([
    {
      path: "dist/sample-2.0.0-py3-none-any.whl",
      bundle: "dist/sample-2.0.0-py3-none-any.whl.sigstore.json",
      attestation: "dist/sample-2.0.0-py3-none-any.whl.publish.attestation",
    },
    {
      path: "dist/sample-2.0.0.tar.gz",
      bundle: "dist/sample-2.0.0.tar.gz.sigstore.json",
      attestation: "dist/sample-2.0.0.tar.gz.publish.attestation",
    },
  ]);
  expect(saved).toHaveLength(2);
  expect(JSON.stringify(saved)).not.toContain(oidc.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!);
  writeFileSync(join(root, "root.json"), JSON.stringify(ss.trustedRoot));
  const v = verifyAttestationFile(
    join(root, "dist/sample-2.0.0.tar.gz"),
    join(root, "dist/sample-2.0.0.tar.gz.publish.attestation"),
    {
      identity: "https://github.com/octo/sample/.github/workflows/release.yml@refs/tags/v2.0.0",
      issuer: oidc.issuer,
    },
    join(root, "root.json"),
  );
  expect(v.ok).toBe(true);

  // Resume after the first file was done: only the second is signed (and its outputs exist → reused).
  const calls = ss.calls.length;
  const again = context(root, check, saved[0]!, []);
  await signStage.run(again.ctx);
  expect(ss.calls.length).toBe(calls);
  expect(again.lines.join("\n")).toContain("dist/sample-2.0.0.tar.gz: already signed");
});

test("a file changed after check is refused", async () => {
  const root = mkdtempSync(join(tmpdir(), "shipline-stage-sign-"));
  writeFileSync(join(root, "x-1.0.0.tar.gz"), "before");
  const check = { files: [checked(root, "x-1.0.0.tar.gz")] };
  writeFileSync(join(root, "x-1.0.0.tar.gz"), "after");
  const { ctx } = context(root, check, {}, []);
  const calls = ss.calls.length;
  await expect(signStage.run(ctx)).rejects.toThrow(/x-1\.0\.0\.tar\.gz changed after it was checked/);
  expect(ss.calls.length).toBe(calls);
  const empty = context(root, { files: [] }, {}, []);
  await expect(signStage.run(empty.ctx)).rejects.toThrow(/no files/);
});

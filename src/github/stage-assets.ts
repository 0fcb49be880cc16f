/**
 * The `assets` stage ([tool.shipline] publish.github-assets): after the upload (and, in `run`,
 * the release), attach each release's distributions and their Sigstore bundles to its GitHub
 * release, then publish the release if it waits as a draft for them. In a `publish` job (the
 * second job of a two-job workflow, or a tag checkout) the releases are the ones made at HEAD,
 * found on GitHub by tag. Last, with or without github-assets: a merged release PR `run`
 * released (at HEAD or behind it) gets its labels moved from pending to tagged, now that it is
 * published.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadReleasePleaseConfig } from "../config/release-please.ts";
import { digestFile } from "../dist/digests.ts";
import { pendingFromGit, releasesAtTags } from "../dist/expected-version.ts";
import { parseDistFilename } from "../dist/filename.ts";
import { sameVersion } from "../dist/pep440.ts";
import type { BuildStageResult, CheckStageResult, SignStageResult } from "../dist/types.ts";
import { ShiplineError } from "../errors.ts";
import type { Stage, StageContext } from "../pipeline/stage.ts";
import type { PendingRelease } from "../plan/types.ts";
import { GitHub } from "./client.ts";
import { githubContext, githubToken } from "./context.ts";
import { findRelease, swapReleaseLabels } from "./github-release.ts";
import type { PrStageResult, ReleaseStageResult } from "./outputs.ts";
import { type AssetFile, type AttachOutcome, attachAssets } from "./release-assets.ts";

export interface AssetsStageResult {
  releases: AttachOutcome[];
  /** Release PRs whose labels this stage moved to tagged (released by this run, now published). */
  labeled?: number[];
  dryRun?: boolean;
}

/** A release the files go on: its GitHub id, and whether shipline holds it as a draft for them. */
interface Target {
  tag: string;
  id: number;
  path: string;
  version: string;
  held: boolean;
}

/** The releases a `publish` job publishes: those `--tags` names, else those made at HEAD. */
async function publishedHere(ctx: StageContext): Promise<PendingRelease[]> {
  const tags = ctx.options.tags;
  return tags?.length ? releasesAtTags(ctx.root, tags) : pendingFromGit(ctx.root);
}

/** The `publish` command's releases that have a GitHub release (no release stage ran). */
async function targetsAtHead(ctx: StageContext, gh: () => GitHub): Promise<Target[]> {
  const out: Target[] = [];
  for (const p of await publishedHere(ctx)) {
    const r = await findRelease(gh(), p.tag);
    if (!r) {
      ctx.log.info(`no GitHub release for ${p.tag}: no files attached to it`);
      continue;
    }
    // a draft the package's config does not ask for is one `run --no-publish` held for us
    out.push({ tag: p.tag, id: r.id, path: p.path || ".", version: p.version, held: r.draft && !p.draft });
  }
  return out;
}

async function sha256Of(root: string, rel: string): Promise<string> {
  if (!existsSync(join(root, rel)))
    throw new ShiplineError(
      `${rel} is gone: it cannot be attached to the GitHub release`,
      "rebuild and sign it the same way, or discard the run with `shipline status --reset` and publish again",
    );
  return (await digestFile(join(root, rel), { keys: ["sha256"] })).digests.sha256;
}

/** Which built files belong to which release: by the package they were built from, else by version. */
function filesFor(t: Target, all: string[], build: BuildStageResult | undefined, single: boolean): string[] {
  if (build?.origins && Object.keys(build.origins).length)
    return all.filter((f) => (build.origins?.[f] ?? ".") === t.path);
  if (single) return all;
  return all.filter((f) => {
    const parsed = parseDistFilename(f.split("/").pop() ?? f);
    return parsed.ok && sameVersion(parsed.parsed.version, t.version);
  });
}

async function targets(ctx: StageContext, gh: () => GitHub): Promise<Target[]> {
  // the release stage's releases, else those the pr stage made behind HEAD (built from there)
  const made =
    ctx.resultOf<ReleaseStageResult>("release")?.releases ?? ctx.resultOf<PrStageResult>("pr")?.released;
  if (!made) return targetsAtHead(ctx, gh);
  return made
    .filter((r) => r.id)
    .map((r) => ({ tag: r.tag, id: r.id, path: r.path || ".", version: r.version, held: r.held === true }));
}

async function runAssets(ctx: StageContext, preview: boolean): Promise<AssetsStageResult> {
  const { root, log, env, options: o } = ctx;
  let client: GitHub | undefined;
  const gh = () => {
    if (!client) {
      const g = githubContext(root, o.repo, env, false);
      client = new GitHub({ owner: g.owner, repo: g.repo, token: githubToken(env), baseUrl: g.apiUrl, log });
    }
    return client;
  };
  const deferred = ctx.resultOf<ReleaseStageResult>("release")?.pr;
  const waiting = [
    ...(ctx.resultOf<PrStageResult>("pr")?.labelsAfterPublish ?? []),
    ...(deferred?.labels === "deferred" ? [deferred.number] : []),
  ];
  const result = o.githubAssets ? await attachAll(ctx, gh, preview) : { releases: [] };
  if (preview || !waiting.length) return result;
  const cfg = loadReleasePleaseConfig(root);
  for (const n of waiting) await swapReleaseLabels(gh(), cfg, n, log);
  return { ...result, labeled: waiting };
}

async function attachAll(ctx: StageContext, gh: () => GitHub, preview: boolean): Promise<AssetsStageResult> {
  const { root, log } = ctx;
  const check = ctx.resultOf<CheckStageResult>("check");
  const signed = ctx.resultOf<SignStageResult>("sign");
  const build = ctx.resultOf<BuildStageResult>("build");
  const dists = (check?.files ?? []).map((f) => f.path);
  if (preview) {
    const made = ctx.resultOf<ReleaseStageResult>("release")?.releases ?? [];
    const tags = made.length ? made.map((r) => r.tag) : (await publishedHere(ctx)).map((p) => p.tag);
    log.info(
      `would attach ${dists.join(", ") || "the built files"}${signed ? " and their .sigstore.json bundles" : ""} to ${tags.join(", ") || "the release at HEAD"}, then publish each release held as a draft`,
    );
    return { releases: [], dryRun: true };
  }
  const list = await targets(ctx, gh);
  if (!list.length) {
    log.info("no GitHub release to attach the files to");
    return { releases: [] };
  }
  const out: AttachOutcome[] = [];
  for (const t of list) {
    const mine = filesFor(t, dists, build, list.length === 1);
    if (!mine.length) {
      log.warn(
        `no built file belongs to ${t.tag}: nothing attached to it${t.held ? "; it stays a draft" : ""}`,
      );
      continue;
    }
    const files: AssetFile[] = [];
    for (const rel of mine) {
      // hashed again before a byte is sent: the release gets what the index got, or nothing
      const sha256 = await sha256Of(root, rel);
      const checked = check?.files.find((f) => f.path === rel)?.digests.sha256;
      if (sha256 !== checked)
        throw new ShiplineError(
          `${rel} changed since it was checked and uploaded (sha256 ${sha256.slice(0, 12)}…, not ${checked?.slice(0, 12)}…): it is not attached to ${t.tag}`,
          "restore the file the index has (download it from the index), then `shipline resume`",
        );
      files.push({ path: join(root, rel), sha256 });
      const bundle = signed?.files.find((f) => f.path === rel)?.bundle;
      if (bundle)
        files.push({ path: join(root, bundle), sha256: await sha256Of(root, bundle), signs: sha256 });
    }
    // no progress to save: what is attached is read back from GitHub on every attempt
    out.push(await attachAssets(gh(), t, files, t.held, log));
  }
  return { releases: out };
}

export const assetsStage: Stage<AssetsStageResult> = {
  name: "assets",
  run: async (ctx) => ({ result: await runAssets(ctx, false) }),
  preview: async (ctx) => ({ result: await runAssets(ctx, true) }),
};

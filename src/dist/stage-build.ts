/**
 * The build stage: build sdist + wheel for each release being published, check that their
 * version is the release's, and record the files with their sha256. Idempotent: when the files
 * recorded by an earlier attempt are still there with the same digests, they are reused.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadShiplineConfig, packageBuildCommand } from "../config/shipline.ts";
import { ShiplineError } from "../errors.ts";
import { headSha, isAncestor } from "../git/git.ts";
import { withWorktree } from "../git/worktree.ts";
import type { PrStageResult } from "../github/outputs.ts";
import type { Stage } from "../pipeline/stage.ts";
import type { PlanStageResult } from "../plan/types.ts";
import { buildDistributions, verifyVersion } from "./build.ts";
import { digestFile } from "./digests.ts";
import { type ExpectedRelease, expectedReleases, releasesAtTags } from "./expected-version.ts";
import { relativeTo } from "./report.ts";
import type { BuildStageResult } from "./types.ts";

interface Built {
  version?: string;
  /** Repo-relative path → sha256. */
  files: Record<string, string>;
  /** Repo-relative path → the package path it was built from. */
  origins?: Record<string, string>;
}

async function stillThere(root: string, built: Built): Promise<boolean> {
  const entries = Object.entries(built.files);
  if (!entries.length) return false;
  for (const [rel, sha] of entries) {
    const abs = resolve(root, rel);
    if (!existsSync(abs)) return false;
    if ((await digestFile(abs, { keys: ["sha256"] })).digests.sha256 !== sha) return false;
  }
  return true;
}

/**
 * `publish --tags`: each release built from its tag's commit — in place when that is HEAD, else
 * in a worktree of it (the release job released merged release PRs behind the pushed commit).
 */
async function taggedReleases(
  root: string,
  tags: readonly string[],
  head: string | undefined,
): Promise<ExpectedRelease[]> {
  return (await releasesAtTags(root, tags)).map((r) => ({
    version: r.version,
    path: r.path || ".",
    tag: r.tag,
    ...(r.sha !== head && { sha: r.sha }),
  }));
}

export const buildStage: Stage<BuildStageResult> = {
  name: "build",
  async run(ctx) {
    const cfg = loadShiplineConfig(ctx.root);
    const outDir = resolve(ctx.root, cfg.build.outDir);
    // a merged release PR behind HEAD that this run released (pr stage) is built from its own
    // commit: HEAD has moved past it, so building HEAD would publish the wrong tree
    const behind = ctx.resultOf<PrStageResult>("pr")?.released ?? [];
    let head: string | null | undefined;
    /** HEAD's sha, or undefined where there is none (a directory with no commits yet). */
    const headCommit = (): string | undefined => {
      if (head === undefined)
        try {
          head = headSha(ctx.root);
        } catch {
          head = null;
        }
      return head ?? undefined;
    };
    const releases: ExpectedRelease[] = ctx.options.tags?.length
      ? await taggedReleases(ctx.root, ctx.options.tags, headCommit())
      : await expectedReleases(ctx.root, ctx.resultOf<PlanStageResult>("plan"));
    if (!releases.length)
      releases.push(
        ...behind.map((r) => ({ version: r.version, path: r.path || ".", sha: r.sha, tag: r.tag })),
      );
    const version = releases[0]?.version;
    if (ctx.options.requireRelease && !releases.length)
      throw new ShiplineError(
        "HEAD is not a release commit (no merged release PR's version, pending or tagged at HEAD): nothing was built or published (--require-release)",
        "a release made at an earlier commit is published from its tag: `shipline publish --tags <tag>` (a two-job workflow passes the release job's tags_released), or `git checkout <tag> && shipline publish`",
      );
    const prev = ctx.progress.built as Built | undefined;
    if (prev && prev.version === version && (await stillThere(ctx.root, prev))) {
      ctx.log.info(`reusing the distributions built earlier: ${Object.keys(prev.files).join(", ")}`);
      return {
        result: { files: Object.keys(prev.files), version, sha256: prev.files, origins: prev.origins },
      };
    }
    const dirs = releases.length ? [...new Set(releases.map((r) => r.path))] : ["."];
    if (ctx.options.dryRun) {
      ctx.log.info(`dry run: would build ${dirs.join(", ")} into ${relativeTo(ctx.root, outDir)}/`);
      return { result: { files: [], version, sha256: {} } };
    }
    if (!version)
      ctx.log.warn("no release is pending at HEAD: the built version is not compared with a planned one");
    const files: string[] = [];
    const origins: Record<string, string> = {};
    /** Each built file's release commit, when behind HEAD (else HEAD's, asked only if needed). */
    const commits = new Map<string, string | undefined>();
    // a package's own [tool.shipline.build] command builds it; else the root's, else the default
    // (read from the tree being built: a release behind HEAD is built from its own commit)
    const build = (tree: string, dir: string) => {
      const own = packageBuildCommand(tree, dir);
      for (const w of own.warnings) ctx.log.warn(w);
      return buildDistributions({
        projectDir: join(tree, dir),
        outDir,
        command: own.command ?? cfg.build.command,
        log: ctx.log,
        env: ctx.env,
      });
    };
    for (const dir of dirs) {
      const rel = releases.find((r) => r.path === dir);
      const sha = rel?.sha;
      if (sha)
        ctx.log.info(
          `building ${rel.tag ?? rel.version} from its release commit ${sha.slice(0, 7)}, behind HEAD`,
        );
      const outcome = sha
        ? await withWorktree(ctx.root, sha, (tree) => build(tree, dir))
        : await build(ctx.root, dir);
      const expected = rel?.version;
      if (expected) verifyVersion(outcome.files, expected);
      files.push(...outcome.files);
      for (const f of outcome.files) {
        origins[relativeTo(ctx.root, f)] = dir;
        commits.set(f, sha);
      }
    }
    const digests = new Map<string, string>();
    for (const f of files) digests.set(f, (await digestFile(f, { keys: ["sha256"] })).digests.sha256);
    // a rebuild of an sdist or wheel the index already has (a re-run on a fresh runner) takes
    // the index's bytes when only its timestamps or compression differ (src/pypi/index-copy.ts)
    const { adoptIndexCopies } = await import("../pypi/index-copy.ts");
    // one with other contents too, when its PEP 740 provenance shows this job's signer at the
    // release commit, or at a later commit of HEAD's history (one that built it behind HEAD)
    const builtAt = (file: string, digest: string) => {
      const at = headCommit();
      const release = commits.has(file) ? (commits.get(file) ?? at) : undefined;
      if (!release || !at) return false;
      return (
        digest === release || (isAncestor(ctx.root, release, digest) && isAncestor(ctx.root, digest, at))
      );
    };
    await adoptIndexCopies(digests, {
      repositoryUrl: ctx.options.repositoryUrl,
      env: ctx.env,
      log: ctx.log,
      fulcioUrl: ctx.options.fulcioUrl,
      builtAt,
    });
    const sha256: Record<string, string> = {};
    for (const [f, sha] of digests) sha256[relativeTo(ctx.root, f)] = sha;
    ctx.saveProgress({ built: { version, files: sha256, origins } satisfies Built });
    for (const rel of Object.keys(sha256)) ctx.log.success(`built ${rel}`);
    return { result: { files: Object.keys(sha256), version, sha256, origins } };
  },
};

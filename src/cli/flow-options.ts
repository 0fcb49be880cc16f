/** Turning flags + [tool.shipline] + the environment into a flow's RunOptions, and reporting the outcome. */
import { loadShiplineConfig } from "../config/shipline.ts";
import { UsageError } from "../errors.ts";
import { repoRoot } from "../git/git.ts";
import { githubApiUrl } from "../github/context.ts";
import type { PrStageResult, ReleaseStageResult } from "../github/outputs.ts";
import { checkSlug } from "../github/slug.ts";
import type { AssetsStageResult } from "../github/stage-assets.ts";
import { detectCi } from "../net/ambient-oidc.ts";
import { checkServiceUrl } from "../net/service-url.ts";
import type { Checkpoint } from "../pipeline/checkpoint.ts";
import { gatesOnly } from "../pipeline/flow.ts";
import type { FlowOutcome, MachineEnv } from "../pipeline/machine.ts";
import type { RunOptions } from "../pipeline/stage.ts";
import type { StageName } from "../pipeline/stage-names.ts";
import { parsePrereleaseFlag } from "../plan/prerelease.ts";
import { resolveUploadUrl } from "../pypi/credentials.ts";
import type { Logger } from "../ui/log.ts";
import { printJson } from "../ui/log.ts";
import { checkDateFlag, parseTagsFlag } from "./values.ts";

/** `--prerelease` of plan/pr/run (issue #11, src/plan/prerelease.ts). */
export const prereleaseArg = {
  type: "string",
  description: "PEP 440 prerelease channel for python packages: a, b, rc, dev, or final to graduate",
  valueHint: "CHANNEL",
} as const;

export const flowArgs = {
  prerelease: prereleaseArg,
  state: { type: "string", description: "Checkpoint file (default .shipline/state.json)", valueHint: "FILE" },
  "dry-run": { type: "boolean", description: "Show every action without writing anything or using a token" },
  "repository-url": {
    type: "string",
    description: "Package index upload URL (default PyPI)",
    valueHint: "URL",
  },
  repository: {
    type: "string",
    description: "A repository name from ~/.pypirc (or pypi, testpypi), for the upload URL",
    valueHint: "NAME",
  },
  "skip-existing": {
    type: "boolean",
    description: "A file already on the index with the same digest is fine",
  },
  sign: {
    type: "boolean",
    default: true,
    description: "Sigstore-sign and attach PEP 740 attestations (--no-sign to skip)",
  },
  "fulcio-url": { type: "string", description: "Fulcio URL (private Sigstore / tests)", valueHint: "URL" },
  "rekor-url": { type: "string", description: "Rekor URL (private Sigstore / tests)", valueHint: "URL" },
} as const;

export function buildRunOptions(
  command: string,
  root: string,
  a: Record<string, unknown>,
  env = process.env,
  warn?: (message: string) => void,
): RunOptions {
  const cfg = loadShiplineConfig(root);
  // e.g. a misspelt `confirm-majr`: said now, not only by `doctor`, since the setting is then off
  for (const w of cfg.warnings) warn?.(w);
  const str = (k: string) => (typeof a[k] === "string" ? (a[k] as string) : undefined);
  const python = str("python")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Every value is checked here, before the first stage: a bad URL found at the upload stage
  // would come after the tag and the GitHub release exist (and be saved for resume to repeat).
  // The upload URL is settled now and recorded, by upload's own precedence: --repository-url ›
  // TWINE_REPOSITORY_URL › --repository/TWINE_REPOSITORY (~/.pypirc) › the config.
  const repositoryUrl =
    command === "run" || command === "publish"
      ? resolveUploadUrl(
          {
            repositoryUrl: checkServiceUrl(str("repository-url"), "--repository-url"),
            repository: str("repository"),
            defaultUrl: cfg.publish.repositoryUrl,
            defaultFrom: "[tool.shipline] publish.repository-url in pyproject.toml",
          },
          env,
        )
      : undefined;
  const repo = str("repo");
  const tags = parseTagsFlag(str("tags"));
  if (repo !== undefined) checkSlug(repo, "--repo");
  // a misspelt SHIPLINE_OIDC would otherwise stop the run at the sign or upload stage
  if (command === "run" || command === "publish") detectCi(env);
  // read by the pr and release stages, after the gates: a bad one is better found now
  if (command !== "publish" || cfg.publish.githubAssets) githubApiUrl(env);
  const event = env.GITHUB_EVENT_NAME ?? "local";
  // publish.github-assets in a publish job: the token is needed after the upload, so a job
  // without one is stopped before anything is sent
  if (
    command === "publish" &&
    cfg.publish.githubAssets &&
    !a["dry-run"] &&
    !(env.GITHUB_TOKEN || env.GH_TOKEN)
  )
    throw new UsageError(
      "[tool.shipline] publish.github-assets is on, but GITHUB_TOKEN is not set: the files could not be attached to the GitHub release",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as is
      "give the publish job `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and `permissions: contents: write`, or set github-assets = false",
    );
  const options: RunOptions = {
    command,
    event,
    order: cfg.order,
    // `run --no-publish`: the publish job of a two-job workflow does the rest
    publish: cfg.publish.enabled && a.publish !== false,
    ...(cfg.publish.enabled && a.publish === false && { publishElsewhere: true }),
    ...(cfg.publish.enabled && cfg.publish.githubAssets && { githubAssets: true }),
    noSign: a.sign === false || !cfg.publish.attestations,
    dryRun: Boolean(a["dry-run"]),
    repositoryUrl,
    skipExisting: Boolean(a["skip-existing"]) || cfg.publish.skipExisting,
    ...(a["require-release"] === true && { requireRelease: true }),
    ...(tags && { tags }),
    python: python ?? cfg.python,
    date: checkDateFlag(str("date")),
    repo,
    fulcioUrl: checkServiceUrl(str("fulcio-url"), "--fulcio-url", "https://fulcio.sigstore.dev"),
    rekorUrl: checkServiceUrl(str("rekor-url"), "--rekor-url", "https://rekor.sigstore.dev"),
    allowMajor: Boolean(a["allow-major"]),
    prerelease: parsePrereleaseFlag(a.prerelease),
  };
  // `run` opens the release PR after the gates: a missing token is said once every value is
  // checked, not only once the gates have taken their minutes (a warning, not an error: the
  // run stops at the pr stage and resumes from there)
  if (command === "run" && !a["dry-run"] && !gatesOnly(event) && !(env.GITHUB_TOKEN || env.GH_TOKEN))
    warn?.(
      "GITHUB_TOKEN is not set: the gates run, then the pr stage stops the run (export a token with contents and pull-requests write, or preview with --dry-run)",
    );
  return options;
}

export function rootOf(cwd: string): string {
  return repoRoot(cwd);
}

export function summarize(cp: Checkpoint): {
  runId: string;
  command: string;
  next: string;
  stages: Record<string, unknown>;
} {
  const stages: Record<string, unknown> = {};
  for (const name of cp.history.concat(
    Object.keys(cp.stages).filter((s) => !cp.history.includes(s as never)) as never[],
  )) {
    const r = cp.stages[name];
    if (r)
      stages[name] = {
        status: r.status,
        attempts: r.attempts,
        result: r.result ?? null,
        error: r.error ?? null,
      };
  }
  return { runId: cp.runId, command: cp.command, next: cp.next, stages };
}

export function reportOutcome(out: FlowOutcome, log: Logger, json: boolean): number {
  const cp = out.checkpoint;
  if (out.alreadyDone)
    log.info(`this ${cp.command} already completed for ${cp.inputs.head.slice(0, 7)}; nothing to do`);
  if (cp.options.dryRun) {
    // pure stages ran, the others were previewed or only named: nothing is "done"
    log.info(`[dry-run] walked ${cp.history.join(" → ") || "no stage"}; nothing was written or sent`);
    if (json) printJson({ done: cp.next === "done", alreadyDone: false, dryRun: true, ...summarize(cp) });
    return 0;
  }
  for (const name of cp.history) log.success(`${name}: done`);
  if (cp.next === "done") log.success(`${cp.command} complete`);
  if (json) printJson({ done: cp.next === "done", alreadyDone: out.alreadyDone, ...summarize(cp) });
  return 0;
}

/** A release the assets stage has published since: its outputs give the published URL and state. */
function withAttached(release: ReleaseStageResult, cp: Checkpoint): ReleaseStageResult {
  const attached = (cp.stages.assets?.result as AssetsStageResult | undefined)?.releases ?? [];
  if (!attached.length) return release;
  return {
    ...release,
    releases: release.releases.map((r) => {
      const a = attached.find((x) => x.tag === r.tag);
      return a ? { ...r, url: a.url, draft: a.draft } : r;
    }),
  };
}

/**
 * Runs a flow, then writes release-please-action's outputs and job summary from its checkpoint
 * (a no-op outside GitHub Actions) — also when a stage failed after the release stage, and on
 * `resume`: a later step keyed on `release_created` must see the tag that now exists.
 */
export async function runFlowWithOutputs(
  m: MachineEnv,
  mode: "start" | "resume",
  start: StageName,
  options: RunOptions,
): Promise<FlowOutcome> {
  const [{ runFlow }, { writeActionsOutputs }] = await Promise.all([
    import("../pipeline/machine.ts"),
    import("../github/outputs.ts"),
  ]);
  const write = (cp: Checkpoint) => {
    // publish has no PR or release to describe
    if (cp.command === "publish") return;
    const pr = cp.stages.pr?.result as PrStageResult | undefined;
    // releases made by the pr stage (a merged release PR left untagged) count as created too
    const made = cp.stages.release?.result as ReleaseStageResult | undefined;
    const release = made ?? (pr?.released ? { releases: pr.released } : undefined);
    writeActionsOutputs(pr, release && withAttached(release, cp));
  };
  let failed: Checkpoint | undefined;
  try {
    const out = await runFlow({ ...m, onFailure: (cp) => (failed = cp) }, mode, start, options);
    write(out.checkpoint);
    return out;
  } catch (e) {
    if (failed) write(failed);
    throw e;
  }
}

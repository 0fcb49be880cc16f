/** What a stage is, what it sees, and what it returns. Stages live with their concern (src/gates/stage.ts, …). */
import type { Logger } from "../ui/log.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { StageName } from "./stage-names.ts";

/** Options a run was started with. Stored in the checkpoint, so: no secrets here, ever. */
export interface RunOptions {
  /** The command that started the flow: run, publish, … */
  command: string;
  /** GitHub event (push, pull_request, workflow_dispatch, …) or "local". */
  event: string;
  order: "release-first" | "publish-first";
  /** Continue into build → upload after a release (false: stop after tag + release). */
  publish: boolean;
  noSign: boolean;
  dryRun: boolean;
  repositoryUrl?: string;
  skipExisting?: boolean;
  /** Files given to `publish FILES…` (relative to the repo root); build is skipped. */
  files?: string[];
  python?: string[];
  only?: string;
  date?: string;
  repo?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
  /** `run --no-publish` with publishing on: a separate job publishes what this run tags. */
  publishElsewhere?: boolean;
  /** `publish --require-release`: HEAD must be a release commit, or nothing is built. */
  requireRelease?: boolean;
  /**
   * `publish --tags`: publish these releases, each built from its tag's commit (a two-job
   * workflow's publish job, when the release job released at commits other than HEAD).
   */
  tags?: string[];
  /**
   * [tool.shipline] publish.github-assets: the release is made as a draft, the dists and their
   * bundles are attached after the upload (the assets stage), then the release is published.
   */
  githubAssets?: boolean;
  /** A major release was confirmed explicitly (see [tool.shipline] confirm-major). */
  allowMajor?: boolean;
  [key: string]: unknown;
}

export interface StageContext {
  root: string;
  log: Logger;
  env: NodeJS.ProcessEnv;
  options: RunOptions;
  /** The checkpoint as it stands (read-only view). */
  checkpoint: Readonly<Checkpoint>;
  /** Result of an earlier stage of this run, if it ran. */
  resultOf<T = unknown>(stage: StageName): T | undefined;
  /** Progress this stage saved in an earlier, interrupted attempt ({} the first time). */
  progress: Record<string, unknown>;
  /** Persist progress now (atomic checkpoint write), so a crash after this point resumes past it. */
  saveProgress(progress: Record<string, unknown>): void;
}

export interface StageOutcome<R = unknown> {
  result: R;
  /** Override the table's transition (rarely needed). */
  next?: StageName | "done";
}

export interface Stage<R = unknown> {
  name: StageName;
  run(ctx: StageContext): Promise<StageOutcome<R>>;
  /** Has no effect outside the process (e.g. plan): `run --dry-run` runs it for real. */
  pure?: boolean;
  /**
   * `run --dry-run`: describe what run() would do (log the PR diff, tag, release body, files
   * with digests…) without writing anything or using a token, and return the result the flow
   * needs to continue. Stages without it are reported as "would run".
   */
  preview?(ctx: StageContext): Promise<StageOutcome<R>>;
}

/**
 * Walks the flow table, one checkpointed stage at a time.
 *
 * Every stage's start, progress and result are written to the checkpoint before the next
 * stage begins, so a crash anywhere resumes at the stage that was running (stages are
 * idempotent: they detect effects that already happened, e.g. a tag that exists). The run's
 * inputs (HEAD, config, manifest, pyproject) are hashed at the start; resume refuses when
 * they changed underneath it.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { errorMessage, ShiplineError, UsageError } from "../errors.ts";
import { headSha } from "../git/git.ts";
import type { Logger } from "../ui/log.ts";
import { redact } from "../ui/secrets.ts";
import { VERSION } from "../version.ts";
import {
  type Checkpoint,
  CheckpointError,
  type CheckpointInputs,
  CheckpointStore,
  SCHEMA,
  sha256File,
} from "./checkpoint.ts";
import { fault } from "./fault.ts";
import { FLOW, type StageDef } from "./flow.ts";
import { Lock } from "./lock.ts";
import { optionChanges } from "./option-changes.ts";
import type { RunOptions, Stage, StageContext } from "./stage.ts";
import type { StageName } from "./stage-names.ts";

export interface MachineEnv {
  root: string;
  statePath?: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Override where stages come from (tests use a fake stage set; the store stays real). */
  flow?: Record<StageName, StageDef>;
  /** Called with the checkpoint (as far as it got) when the walk fails, before the error propagates. */
  onFailure?: (cp: Checkpoint) => void;
}

export function defaultStatePath(root: string): string {
  return join(root, ".shipline", "state.json");
}

export function storeFor(m: Pick<MachineEnv, "root" | "statePath">): CheckpointStore {
  return new CheckpointStore(m.statePath ?? defaultStatePath(m.root), m.root);
}

export function currentInputs(root: string): CheckpointInputs {
  const cfg =
    sha256File(join(root, "release-please-config.json")) ??
    sha256File(join(root, ".release-please-config.json"));
  return {
    head: headSha(root),
    config: cfg,
    manifest: sha256File(join(root, ".release-please-manifest.json")),
    pyproject: sha256File(join(root, "pyproject.toml")),
  };
}

const INPUT_NAMES: Record<keyof CheckpointInputs, string> = {
  head: "HEAD",
  config: "the release-please config",
  manifest: ".release-please-manifest.json",
  pyproject: "pyproject.toml",
};

export function changedInputs(a: CheckpointInputs, b: CheckpointInputs): string[] {
  return (Object.keys(INPUT_NAMES) as (keyof CheckpointInputs)[])
    .filter((k) => a[k] !== b[k])
    .map((k) =>
      k === "head"
        ? `HEAD moved from ${a.head.slice(0, 7)} to ${b.head.slice(0, 7)}`
        : `${INPUT_NAMES[k]} changed`,
    );
}

export interface FlowOutcome {
  checkpoint: Checkpoint;
  /** True when the checkpoint was already complete and nothing ran. */
  alreadyDone: boolean;
}

/**
 * Start a flow at `start` (mode "start") or continue the checkpoint (mode "resume").
 * `run` with an unfinished checkpoint of the same command and inputs continues it too: re-running
 * the same CI job must finish the job, not start it twice.
 */
export async function runFlow(
  m: MachineEnv,
  mode: "start" | "resume",
  start: StageName,
  options: RunOptions,
): Promise<FlowOutcome> {
  const store = storeFor(m);
  const flow = m.flow ?? FLOW;
  if (options.dryRun) return walk(m, flow, undefined, fresh(m.root, start, options));
  const { ensureDir } = await import("./atomic-write.ts");
  ensureDir(
    join(store.path, ".."),
    `the checkpoint ${store.display}${m.statePath ? " (--state)" : ""}`,
    0o700,
  );
  const lock = Lock.acquire(join(store.path, "..", "lock"), options.command ?? mode); // resume: options come from the checkpoint
  try {
    store.sweepTempFiles();
    const existing = store.load();
    const inputs = currentInputs(m.root);
    let cp: Checkpoint;
    if (mode === "resume") {
      if (!existing)
        throw new ShiplineError(
          `nothing to resume: no checkpoint at ${store.display}`,
          "start with `shipline run` or `shipline publish`",
        );
      refuseChanged(existing, inputs, store.display);
      if (existing.next === "done") return { checkpoint: existing, alreadyDone: true };
      cp = existing;
      m.log.info(`resuming ${cp.command} at stage ${cp.next} (run ${cp.runId.slice(0, 8)})`);
    } else if (
      existing &&
      existing.command === options.command &&
      changedInputs(existing.inputs, inputs).length === 0
    ) {
      refuseOtherOptions(existing, options, store.display);
      if (existing.next === "done") return { checkpoint: existing, alreadyDone: true };
      cp = existing;
      m.log.info(
        `an unfinished ${cp.command} for this commit is in ${store.display}: continuing at stage ${cp.next}`,
      );
    } else if (existing && existing.next !== "done") {
      throw new CheckpointError(
        `${store.display} holds an unfinished ${existing.command} (next stage: ${existing.next}) for commit ${existing.inputs.head.slice(0, 7)}; ${changedInputs(existing.inputs, inputs).join(", ") || "it was started by another command"}`,
        "finish it with `shipline resume` on that commit, or discard it with `shipline status --reset`",
      );
    } else {
      cp = fresh(m.root, start, options, inputs);
      store.save(cp);
    }
    try {
      return await walk(m, flow, store, cp);
    } catch (e) {
      m.onFailure?.(cp);
      throw e;
    }
  } finally {
    lock.release();
  }
}

function fresh(
  root: string,
  start: StageName,
  options: RunOptions,
  inputs = currentInputs(root),
): Checkpoint {
  const now = new Date().toISOString();
  return {
    schema: SCHEMA,
    runId: randomUUID(),
    shiplineVersion: VERSION,
    command: options.command,
    createdAt: now,
    updatedAt: now,
    options: { ...options },
    inputs,
    next: start,
    stages: {},
    history: [],
  };
}

/** A re-run that would continue (or find done) the checkpoint must ask for what it recorded. */
function refuseOtherOptions(cp: Checkpoint, options: RunOptions, display: string): void {
  const changes = optionChanges(cp.options as RunOptions, options);
  if (changes.length === 0) return;
  const done = cp.next === "done";
  throw new UsageError(
    `${display} holds ${done ? "a finished" : "an unfinished"} ${cp.command} for commit ${cp.inputs.head.slice(0, 7)} with other options: ${changes.join("; ")}`,
    done
      ? "to run it again with these options, discard the record with `shipline status --reset` (or give another --state FILE)"
      : "finish it with `shipline resume` (its own options), or discard it with `shipline status --reset` and start over with these",
  );
}

function refuseChanged(cp: Checkpoint, inputs: CheckpointInputs, display: string): void {
  const changed = changedInputs(cp.inputs, inputs);
  if (changed.length)
    throw new CheckpointError(
      `refusing to resume ${display}: ${changed.join(", ")} since the run started`,
      `check out ${cp.inputs.head.slice(0, 7)} and restore those files to resume, or run \`shipline status --reset\` to start over`,
    );
}

async function walk(
  m: MachineEnv,
  flow: Record<StageName, StageDef>,
  store: CheckpointStore | undefined,
  cp: Checkpoint,
): Promise<FlowOutcome> {
  const save = () => store?.save(cp);
  const options = cp.options as RunOptions;
  while (cp.next !== "done") {
    const name: StageName = cp.next;
    const def = flow[name];
    if (!def)
      throw new CheckpointError(
        `checkpoint names an unknown stage "${name}"`,
        "run `shipline status --reset`",
      );
    const stage: Stage = await def.load();
    const prev = cp.stages[name];
    const record = {
      status: "running" as const,
      startedAt: new Date().toISOString(),
      progress: prev?.progress ?? {},
      attempts: (prev?.attempts ?? 0) + 1,
    };
    cp.stages[name] = record;
    save();
    fault(`stage:before:${name}`);
    const ctx: StageContext = {
      root: m.root,
      log: m.log,
      env: m.env ?? process.env,
      options,
      checkpoint: cp,
      resultOf: <T>(s: StageName) => cp.stages[s]?.result as T | undefined,
      progress: record.progress,
      saveProgress(progress) {
        record.progress = { ...record.progress, ...progress };
        ctx.progress = record.progress;
        save();
      },
    };
    let outcome: Awaited<ReturnType<Stage["run"]>>;
    try {
      outcome = store ? await stage.run(ctx) : await dryRun(stage, ctx);
    } catch (e) {
      cp.stages[name] = {
        ...record,
        status: "failed",
        finishedAt: new Date().toISOString(),
        error: redact(errorMessage(e)),
      };
      save();
      throw e;
    }
    fault(`stage:before-record:${name}`);
    cp.stages[name] = {
      ...record,
      status: "done",
      finishedAt: new Date().toISOString(),
      result: outcome.result,
    };
    if (!cp.history.includes(name)) cp.history.push(name);
    cp.next = outcome.next ?? def.next(outcome.result, options, (s) => cp.stages[s]?.result as never);
    save();
    fault(`stage:after:${name}`);
  }
  return { checkpoint: cp, alreadyDone: false };
}

/** `--dry-run`: pure stages run, others preview themselves or are reported; nothing is written. */
async function dryRun(stage: Stage, ctx: StageContext): Promise<Awaited<ReturnType<Stage["run"]>>> {
  if (stage.pure) return stage.run(ctx);
  if (stage.preview) {
    ctx.log.info(`[dry-run] ${stage.name}:`);
    return stage.preview(ctx);
  }
  ctx.log.info(`[dry-run] would run stage ${stage.name}`);
  return { result: { dryRun: true } };
}

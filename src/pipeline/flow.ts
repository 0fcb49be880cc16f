/**
 * The flow as one table: each stage, where its code lives (loaded lazily, so `--version` and
 * `plan` never load Octokit or sigstore), and where the flow goes after it.
 *
 *   gates ──► plan ──► done (nothing to release)
 *                 ├──► pr ──► done
 *                 └──► release ──► build ──► check ──► sign ──► upload ──► verify ──► done
 *
 * With order = "publish-first": plan ──► build … verify ──► release ──► done.
 * With publish.github-assets, the flow ends in `assets` instead of `done` once both the release
 * and the upload happened (`publish` alone: after verify): attach the files, publish the draft.
 * A merged release PR HEAD had moved past is released by `pr`, then built from its own commit:
 * plan ──► pr ──► build … verify ──► assets ──► done, where `assets` (files only with
 * github-assets) moves the PR's labels from pending to tagged once the release is published —
 * as it does after release ──► build … verify in a `run`: the labels say "published", so a run
 * that died after the tag is found and finished by the next one. When `run`'s plan finds
 * nothing new but GitHub still has a merged release PR labelled pending, plan goes to `pr`.
 */
import { NotAvailableError } from "../errors.ts";
import type { RunOptions, Stage } from "./stage.ts";
import type { StageName } from "./stage-names.ts";

/** What the plan stage reports: the action the flow takes next. */
export interface PlanDecision {
  action: "none" | "pr" | "release";
}

type Next = StageName | "done";

/** An earlier stage's recorded result, for transitions that depend on more than the last one. */
export type ResultOf = <T>(stage: StageName) => T | undefined;

export interface StageDef {
  load: () => Promise<Stage>;
  next: (result: unknown, o: RunOptions, resultOf: ResultOf) => Next;
}

/** PRs whose labels wait for this run's publish (a release it made, at HEAD or behind it). */
const labelsWait = (resultOf?: ResultOf) =>
  (resultOf?.<{ labelsAfterPublish?: unknown[] }>("pr")?.labelsAfterPublish?.length ?? 0) > 0 ||
  resultOf?.<{ pr?: { labels?: string } }>("release")?.pr?.labels === "deferred";

const assetsOrDone = (o: RunOptions, resultOf?: ResultOf): Next =>
  o.githubAssets || labelsWait(resultOf) ? "assets" : "done";

/** Releases the pr stage made for a merged release PR HEAD had moved past (`run` only). */
const releasedBehind = (resultOf: ResultOf) =>
  (resultOf<{ released?: unknown[] }>("pr")?.released?.length ?? 0) > 0;

const afterPublish = (o: RunOptions, resultOf: ResultOf): Next =>
  o.order === "publish-first" && o.command === "run" && !releasedBehind(resultOf)
    ? "release"
    : assetsOrDone(o, resultOf);

/**
 * A pull request (pull_request_target too: it runs with the base's token on the PR's code) only
 * gets the gates; planning and releasing are for pushes to the target branch.
 */
export const gatesOnly = (event: string): boolean =>
  event === "pull_request" || event === "pull_request_target";

export const FLOW: Record<StageName, StageDef> = {
  gates: {
    load: () => import("../gates/stage.ts").then((m) => m.gatesStage),
    next: (_r, o) => (gatesOnly(o.event) ? "done" : "plan"),
  },
  plan: {
    load: () => import("../plan/stage.ts").then((m) => m.planStage),
    next: (r, o) => {
      const action = (r as PlanDecision).action;
      if (action === "pr") return "pr";
      if (action === "release") return o.order === "publish-first" && o.publish ? "build" : "release";
      return "done";
    },
  },
  pr: {
    load: () => import("../github/stage-pr.ts").then((m) => m.prStage),
    // a release made behind HEAD (its PR merged, HEAD moved on) is built and published now,
    // from its own commit: a green run must not leave a tagged release off the index
    next: (_r, o, resultOf) =>
      o.command === "run" && o.publish && releasedBehind(resultOf) ? "build" : "done",
  },
  release: {
    load: () => import("../github/stage-release.ts").then((m) => m.releaseStage),
    next: (_r, o, resultOf) => {
      if (!o.publish) return "done";
      // publish-first: the upload is behind us, so the files can go on the release now
      return o.order === "publish-first" ? assetsOrDone(o, resultOf) : "build";
    },
  },
  build: {
    load: () => import("../dist/stage-build.ts").then((m) => m.buildStage),
    next: () => "check",
  },
  check: {
    load: () => import("../dist/stage-check.ts").then((m) => m.checkStage),
    next: (_r, o) => (o.noSign ? "upload" : "sign"),
  },
  sign: {
    load: () => import("../sigstore/stage-sign.ts").then((m) => m.signStage),
    next: () => "upload",
  },
  upload: {
    load: () => import("../pypi/stage-upload.ts").then((m) => m.uploadStage),
    next: () => "verify",
  },
  verify: {
    load: () => import("../pypi/stage-verify.ts").then((m) => m.verifyStage),
    next: (_r, o, resultOf) => afterPublish(o, resultOf),
  },
  assets: {
    load: () => import("../github/stage-assets.ts").then((m) => m.assetsStage),
    next: () => "done",
  },
};

/** A stage whose capability has not landed yet: says so clearly (exit 2). */
export function notYet(name: StageName): Stage {
  return {
    name,
    run: async () => {
      throw new NotAvailableError(`the ${name} stage`);
    },
  };
}

/**
 * The command map: name, one-line description, and a lazy loader. Root `--help` and
 * `--version` read only this table, so they never load a command's module (sigstore,
 * Octokit, …): start-up stays at the floor of a compiled Bun binary.
 */
import type { LoadedCommand } from "./common.ts";

type Loader = () => Promise<{ default: LoadedCommand }>;

export const COMMANDS: Record<string, { description: string; load: Loader }> = {
  run: {
    description: "The whole flow for the current commit/event, checkpointed",
    load: () => import("./run.ts"),
  },
  resume: {
    description: "Continue the checkpointed flow after a failure or crash",
    load: () => import("./resume.ts"),
  },
  status: {
    description: "Show the checkpoint (or discard it with --reset)",
    load: () => import("./status.ts"),
  },
  gates: {
    description: "Quality gates (lint, format, types, tests, build) on a Python matrix",
    load: () => import("./gates.ts"),
  },
  plan: {
    description: "Next release(s) from local git, exactly as release-please; no network",
    load: () => import("./plan.ts"),
  },
  pr: { description: "Open or update the release PR on GitHub", load: () => import("./pr.ts") },
  release: {
    description: "Tag + GitHub release for a merged release PR",
    load: () => import("./release.ts"),
  },
  build: { description: "Build sdist and wheel into dist/", load: () => import("./build.ts") },
  check: {
    description: "Validate distributions like `twine check`, with digests",
    load: () => import("./check.ts"),
  },
  sign: {
    description: "Sigstore bundles and PEP 740 attestations for files",
    load: () => import("./sign.ts"),
  },
  upload: {
    description: "Upload distributions like `twine upload`, exactly once",
    load: () => import("./upload.ts"),
  },
  publish: {
    description: "build → check → sign → upload → verify, checkpointed",
    load: () => import("./publish.ts"),
  },
  verify: {
    description: "Verify Sigstore bundles / PEP 740 attestations offline",
    load: () => import("./verify.ts"),
  },
  doctor: {
    description: "Diagnose config, manifest, tags, commits, OIDC and PyPI set-up",
    load: () => import("./doctor.ts"),
  },
  init: {
    description: "Write config, manifest and workflows (migrates release-please setups)",
    load: () => import("./init.ts"),
  },
  completion: {
    description: "Shell completion script: shipline completion bash|zsh|fish",
    load: () => import("./completion.ts"),
  },
};

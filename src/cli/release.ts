import { defineShiplineCommand } from "./common.ts";
import { buildRunOptions, reportOutcome, rootOf, runFlowWithOutputs } from "./flow-options.ts";

export default defineShiplineCommand({
  name: "release",
  description: "Tag + GitHub release for a merged release PR (HEAD set the manifest to an untagged version).",
  args: {
    repo: {
      type: "string",
      description: "OWNER/NAME (default GITHUB_REPOSITORY, else origin)",
      valueHint: "SLUG",
    },
    "dry-run": { type: "boolean", description: "Show the tag and release without creating them" },
    state: {
      type: "string",
      description: "Checkpoint file (default .shipline/state.json)",
      valueHint: "FILE",
    },
  },
  examples: ["GITHUB_TOKEN=… shipline release", "shipline release --dry-run"],
  async run({ args, cwd, log, json }) {
    const root = rootOf(cwd);
    // Only tag + release here; `shipline publish` (or `run`) continues into build and upload.
    const options = {
      ...buildRunOptions("release", root, args, process.env, (m) => log.warn(m)),
      publish: false,
    };
    const out = await runFlowWithOutputs({ root, statePath: args.state, log }, "start", "release", options);
    return reportOutcome(out, log, json);
  },
});

import { defineShiplineCommand } from "./common.ts";
import { buildRunOptions, prereleaseArg, reportOutcome, rootOf, runFlowWithOutputs } from "./flow-options.ts";

export default defineShiplineCommand({
  name: "pr",
  description: "Open or update the release PR (GitHub REST; token from GITHUB_TOKEN).",
  args: {
    prerelease: prereleaseArg,
    repo: {
      type: "string",
      description: "OWNER/NAME (default GITHUB_REPOSITORY, else origin)",
      valueHint: "SLUG",
    },
    date: {
      type: "string",
      description: "Changelog date YYYY-MM-DD (default today, UTC)",
      valueHint: "DATE",
    },
    "dry-run": {
      type: "boolean",
      description: "Show the branch, title, body and file changes without pushing",
    },
    state: {
      type: "string",
      description: "Checkpoint file (default .shipline/state.json)",
      valueHint: "FILE",
    },
  },
  examples: ["GITHUB_TOKEN=… shipline pr", "shipline pr --dry-run"],
  async run({ args, cwd, log, json }) {
    const root = rootOf(cwd);
    const options = { ...buildRunOptions("pr", root, args, process.env, (m) => log.warn(m)), publish: false };
    const out = await runFlowWithOutputs({ root, statePath: args.state, log }, "start", "pr", options);
    return reportOutcome(out, log, json);
  },
});

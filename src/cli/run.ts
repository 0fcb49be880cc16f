import { defineShiplineCommand } from "./common.ts";
import { buildRunOptions, flowArgs, reportOutcome, rootOf, runFlowWithOutputs } from "./flow-options.ts";

export default defineShiplineCommand({
  name: "run",
  description:
    "The whole flow for the current commit/event: gates → plan → release PR, or tag + release → publish. Checkpointed; re-running continues an unfinished run.",
  args: {
    ...flowArgs,
    python: { type: "string", description: "Pythons for the gates, e.g. 3.9,3.13", valueHint: "LIST" },
    date: {
      type: "string",
      description: "Changelog date (YYYY-MM-DD, default today UTC)",
      valueHint: "DATE",
    },
    repo: {
      type: "string",
      description: "OWNER/NAME for links and the API (default GITHUB_REPOSITORY or origin)",
      valueHint: "SLUG",
    },
    publish: {
      type: "boolean",
      default: true,
      description:
        "After a release, build and publish it (--no-publish: stop after the tag and GitHub release, for a separate publish job)",
    },
    "allow-major": {
      type: "boolean",
      description: "Confirm a major release when [tool.shipline] confirm-major = true",
    },
  },
  examples: ["shipline run", "shipline run --dry-run", "GITHUB_TOKEN=… shipline run --repo octo/pkg"],
  async run({ args, cwd, log, json }) {
    const root = rootOf(cwd);
    const options = buildRunOptions("run", root, args, process.env, (m) => log.warn(m));
    // release-please-action v4's outputs and a job summary come with it (no-op outside GitHub Actions).
    const out = await runFlowWithOutputs({ root, statePath: args.state, log }, "start", "gates", options);
    return reportOutcome(out, log, json);
  },
});

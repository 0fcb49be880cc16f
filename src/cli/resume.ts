import { defineShiplineCommand } from "./common.ts";
import { reportOutcome, rootOf, runFlowWithOutputs } from "./flow-options.ts";

export default defineShiplineCommand({
  name: "resume",
  description:
    "Continue the checkpointed flow from the stage that did not finish. Refuses if HEAD, the config, the manifest or a checked file changed since.",
  args: {
    state: {
      type: "string",
      description: "Checkpoint file (default .shipline/state.json)",
      valueHint: "FILE",
    },
  },
  examples: ["shipline resume", "shipline resume --json"],
  async run({ args, cwd, log, json }) {
    const root = rootOf(cwd);
    // The stage and options come from the checkpoint itself.
    const out = await runFlowWithOutputs(
      { root, statePath: args.state, log },
      "resume",
      "gates",
      {} as never,
    );
    return reportOutcome(out, log, json);
  },
});

import { join } from "node:path";
import { Lock } from "../pipeline/lock.ts";
import { storeFor } from "../pipeline/machine.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";
import { rootOf, summarize } from "./flow-options.ts";

export default defineShiplineCommand({
  name: "status",
  description: "Show the checkpoint: which stages are done, which failed and why, what runs next.",
  args: {
    state: {
      type: "string",
      description: "Checkpoint file (default .shipline/state.json)",
      valueHint: "FILE",
    },
    reset: { type: "boolean", description: "Discard the checkpoint (takes the lock first)" },
  },
  examples: ["shipline status", "shipline status --json", "shipline status --reset"],
  async run({ args, cwd, log, json }) {
    const root = rootOf(cwd);
    const store = storeFor({ root, statePath: args.state });
    if (args.reset) {
      if (!store.exists()) {
        log.info(`no checkpoint at ${store.display}`);
        if (json) printJson({ reset: false });
        return 0;
      }
      const lock = Lock.acquire(join(store.path, "..", "lock"), "status --reset");
      try {
        store.remove();
      } finally {
        lock.release();
      }
      log.success(`discarded ${store.display}`);
      if (json) printJson({ reset: true });
      return 0;
    }
    const cp = store.load();
    if (!cp) {
      log.info(`no checkpoint at ${store.display}: nothing has run here yet`);
      if (json) printJson({ checkpoint: null });
      return 0;
    }
    if (json) {
      printJson({ checkpoint: cp, summary: summarize(cp) });
      return 0;
    }
    log.info(
      `${store.display}: ${cp.command} for ${cp.inputs.head.slice(0, 7)} (run ${cp.runId.slice(0, 8)}, updated ${cp.updatedAt})`,
    );
    const s = summarize(cp).stages as Record<
      string,
      { status: string; attempts: number; error: string | null }
    >;
    for (const [name, r] of Object.entries(s)) {
      const line = `${name.padEnd(8)} ${r.status}${r.attempts > 1 ? ` (attempt ${r.attempts})` : ""}${r.error ? `: ${r.error}` : ""}`;
      if (r.status === "failed") log.error(line);
      else log.info(`  ${line}`);
    }
    log.info(cp.next === "done" ? "complete" : `next: ${cp.next} — run \`shipline resume\``);
    return 0;
  },
});

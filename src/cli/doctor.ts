import { repoRoot } from "../git/git.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";

export default defineShiplineCommand({
  name: "doctor",
  description:
    "Diagnose config, manifest, tags, commits, gate tools, workflow permissions, Trusted Publishing; print fixes.",
  args: {
    online: { type: "boolean", description: "Also ask PyPI/GitHub (project and version conflicts)" },
  },
  examples: ["shipline doctor", "shipline doctor --json", "shipline doctor --online   # also checks PyPI"],
  async run({ args, cwd, log, json }) {
    const { runDoctor } = await import("../setup/doctor/run-doctor.ts");
    const findings = await runDoctor({ root: repoRoot(cwd), env: process.env, online: Boolean(args.online) });
    const mark = { ok: "✓", warn: "⚠", error: "✗" } as const;
    const paint = { ok: 32, warn: 33, error: 31 } as const;
    for (const f of findings) {
      const m = log.color ? `\x1b[${paint[f.status]}m${mark[f.status]}\x1b[0m` : mark[f.status];
      log.info(`${m} ${f.title}`);
      if (f.status !== "ok" || log.verbose) {
        if (f.detail) log.info(`    ${f.detail}`);
        if (f.fix) log.info(`    fix: ${f.fix.replace(/\n/g, "\n         ")}`);
      }
    }
    const n = (s: string) => findings.filter((f) => f.status === s).length;
    log.info(`${n("ok")} ok, ${n("warn")} warning(s), ${n("error")} error(s)`);
    if (json) printJson({ findings });
    return n("error") > 0 ? 1 : 0;
  },
});

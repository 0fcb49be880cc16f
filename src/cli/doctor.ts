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
    for (const f of findings) {
      if (f.status === "ok") {
        const mark = log.color ? "\x1b[32m✓\x1b[0m" : "✓";
        log.info(`${mark} ${f.title}${log.verbose && f.detail ? `\n    ${f.detail}` : ""}`);
        continue;
      }
      // Through warn/error: shown even with --quiet, and annotations in GitHub Actions.
      const body = [
        f.title,
        f.detail && `    ${f.detail}`,
        f.fix && `    fix: ${f.fix.replace(/\n/g, "\n         ")}`,
      ]
        .filter(Boolean)
        .join("\n");
      if (f.status === "warn") log.warn(body);
      else log.error(body);
    }
    const n = (s: string) => findings.filter((f) => f.status === s).length;
    log.info(`${n("ok")} ok, ${n("warn")} warning(s), ${n("error")} error(s)`);
    if (json) printJson({ findings });
    return n("error") > 0 ? 1 : 0;
  },
});

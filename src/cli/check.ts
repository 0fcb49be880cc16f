import { resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";

export default defineShiplineCommand({
  name: "check",
  description:
    "Validate distributions like `twine check` (metadata, README rendering, archive safety) and print digests.",
  args: {
    strict: { type: "boolean", description: "Fail on warnings too" },
  },
  positional: "FILES…",
  examples: ["shipline check dist/*", "shipline check --json dist/pkg-1.0.0-py3-none-any.whl"],
  async run({ args, rest, cwd, log, json }) {
    if (!rest.length) throw new UsageError("no files to check", "e.g. `shipline check dist/*`");
    const [{ checkDistribution }, report] = await Promise.all([
      import("../dist/check.ts"),
      import("../dist/report.ts"),
    ]);
    const files = report.expandDistFiles(rest, cwd);
    if (!files.length) {
      // twine: "No files to check." at ERROR level, yet exit 0.
      log.error("No files to check.");
      if (json) printJson({ files: [] });
      return 0;
    }
    const strict = Boolean(args.strict);
    const results = [];
    let failed = false;
    for (const path of files) {
      const checked = await checkDistribution(resolve(cwd, path));
      const shown = report.applyStrict({ ...checked, path }, strict);
      report.printCheck(log, { ...checked, path }, strict && checked.verdict === "PASSED with warnings");
      if (shown.verdict === "FAILED") failed = true;
      results.push(report.checkJson(shown));
    }
    if (json) printJson({ files: results });
    return failed ? 1 : 0;
  },
});

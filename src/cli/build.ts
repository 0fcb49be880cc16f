import { join, resolve } from "node:path";
import { projectFolders } from "../config/release-please.ts";
import { loadShiplineConfig, packageBuildCommand } from "../config/shipline.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";

export default defineShiplineCommand({
  name: "build",
  description:
    "Build sdist and wheel into dist/ (uv build, python -m build, or [tool.shipline.build] command); in a monorepo, every package (by its own command when its pyproject.toml sets one).",
  args: {
    "out-dir": { type: "string", description: "Output directory (default dist)", valueHint: "DIR" },
    check: { type: "boolean", description: "Also check the built files (like twine check)" },
  },
  examples: ["shipline build", "shipline build --check"],
  async run({ args, cwd, log, json }) {
    const [{ buildDistributions, verifyVersion, builtVersions }, { expectedReleases }, report] =
      await Promise.all([
        import("../dist/build.ts"),
        import("../dist/expected-version.ts"),
        import("../dist/report.ts"),
      ]);
    const cfg = loadShiplineConfig(cwd);
    const outDir = resolve(cwd, (args["out-dir"] as string | undefined) ?? cfg.build.outDir);
    const outDirSource = args["out-dir"]
      ? `--out-dir ${args["out-dir"]}`
      : `[tool.shipline.build] out-dir "${cfg.build.outDir}"`;
    // the root project and each monorepo package, into one out-dir (as the publish flow does);
    // no project anywhere: the root, whose build says what is missing. A command configured at
    // the root decides its own scope (`uv build --all-packages`…): it runs once, at the root.
    // Otherwise a package's own [tool.shipline.build] command builds it.
    const found = cfg.build.command?.length ? [] : projectFolders(cwd);
    const dirs = found.length ? found : ["."];
    const releases = await expectedReleases(cwd, undefined);
    const files: string[] = [];
    for (const dir of dirs) {
      if (dirs.length > 1) log.info(`building ${dir === "." ? "the root project" : dir}`);
      const own = cfg.build.command?.length ? { warnings: [] } : packageBuildCommand(cwd, dir);
      for (const w of own.warnings) log.warn(w);
      const outcome = await buildDistributions({
        projectDir: join(cwd, dir),
        outDir,
        outDirSource,
        command: own.command ?? cfg.build.command,
        log,
      });
      if (outcome.noIsolation) log.info("built without build isolation (no package index was reachable)");
      // At a release commit the files must carry the release's version; elsewhere (a gate on a
      // feature branch) any version is fine, so it is only shown.
      const release = releases.find((r) => r.path === dir);
      if (release) verifyVersion(outcome.files, release.version);
      files.push(...outcome.files);
    }
    const rel = files.map((f) => report.relativeTo(cwd, f));
    for (const [name, v] of builtVersions(files)) log.success(`built ${name} (version ${v})`);
    let failed = false;
    const checked = [];
    if (args.check) {
      const { checkDistribution } = await import("../dist/check.ts");
      for (const [k, f] of files.entries()) {
        const c = { ...(await checkDistribution(f)), path: rel[k]! };
        report.printCheck(log, c);
        if (c.verdict === "FAILED") failed = true;
        checked.push(report.checkJson(c));
      }
    }
    if (json) printJson(args.check ? { files: checked } : { files: rel.map((path) => ({ path })) });
    return failed ? 1 : 0;
  },
});

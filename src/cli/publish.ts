import { relative, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";
import { buildRunOptions, reportOutcome, rootOf } from "./flow-options.ts";

export default defineShiplineCommand({
  name: "publish",
  description:
    "build → check → sign → upload → verify, checkpointed per file (resume uploads only what is missing). With FILES: publish those, no build.",
  args: {
    "repository-url": {
      type: "string",
      description: "Upload URL (default https://upload.pypi.org/legacy/)",
      valueHint: "URL",
    },
    repository: {
      type: "string",
      description: "A repository name from ~/.pypirc (or pypi, testpypi), for the upload URL",
      valueHint: "NAME",
    },
    "skip-existing": {
      type: "boolean",
      description: "A file already on the index with the same digest is not an error",
    },
    sign: { type: "boolean", default: true, description: "Sign and attach attestations (--no-sign to skip)" },
    "require-release": {
      type: "boolean",
      description:
        "Publish only when HEAD is a release commit (a merged release PR, tagged or not); else exit 1 with nothing built",
    },
    tags: {
      type: "string",
      description:
        "Publish the releases with these tags (JSON array or comma list, as the release job's tags_released output gives them), each built from its tag's commit",
      valueHint: "TAGS",
    },
    state: {
      type: "string",
      description: "Checkpoint file (default .shipline/state.json)",
      valueHint: "FILE",
    },
    "fulcio-url": { type: "string", description: "Fulcio URL", valueHint: "URL" },
    "rekor-url": { type: "string", description: "Rekor URL", valueHint: "URL" },
  },
  positional: "FILES…",
  examples: [
    "shipline publish",
    "shipline publish dist/* --no-sign --repository-url http://127.0.0.1:8080/legacy/",
  ],
  async run({ args, rest, cwd, log, json }) {
    const [{ runFlow }, { expandDistFiles }] = await Promise.all([
      import("../pipeline/machine.ts"),
      import("../dist/report.ts"),
    ]);
    const root = rootOf(cwd);
    const options = buildRunOptions("publish", root, args, process.env, (m) => log.warn(m));
    if (rest.length) {
      if (args["require-release"])
        throw new UsageError(
          "--require-release checks HEAD before the build, and with FILES nothing is built",
          "drop --require-release, or the FILES (to build at HEAD)",
        );
      if (options.tags)
        throw new UsageError(
          "--tags builds each tag's release from its commit, and with FILES nothing is built",
          "drop --tags, or the FILES",
        );
      const files = expandDistFiles(rest, cwd).map((p) => relative(root, resolve(cwd, p)));
      if (!files.length)
        throw new UsageError("no distribution files among the arguments", "e.g. `shipline publish dist/*`");
      const outside = files.find((f) => f.startsWith(".."));
      if (outside)
        throw new UsageError(
          `${outside} is outside the repository`,
          "publish files inside the repository (e.g. dist/*)",
        );
      options.files = files;
    }
    const out = await runFlow(
      { root, statePath: args.state as string | undefined, log },
      "start",
      options.files ? "check" : "build",
      options,
    );
    return reportOutcome(out, log, json);
  },
});

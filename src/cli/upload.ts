import { resolve } from "node:path";
import { ShiplineError, UsageError } from "../errors.ts";
import { checkServiceUrl } from "../net/service-url.ts";
import { printJson } from "../ui/log.ts";
import { defineShiplineCommand } from "./common.ts";

export default defineShiplineCommand({
  name: "upload",
  description: "Upload distributions like `twine upload`: streamed, retried, and never twice.",
  args: {
    "repository-url": {
      type: "string",
      description: "Upload URL (default https://upload.pypi.org/legacy/)",
      valueHint: "URL",
    },
    repository: { type: "string", description: "A repository name from ~/.pypirc", valueHint: "NAME" },
    "skip-existing": {
      type: "boolean",
      description: "A file already on the index with the same digest is not an error",
    },
  },
  positional: "FILES…",
  examples: [
    "SHIPLINE_PYPI_TOKEN=… shipline upload dist/*",
    "shipline upload --repository-url https://test.pypi.org/legacy/ dist/*",
  ],
  async run({ args, rest, cwd, log, json }) {
    if (!rest.length) throw new UsageError("no files to upload", "e.g. `shipline upload dist/*`");
    checkServiceUrl(args["repository-url"] as string | undefined, "--repository-url");
    const [
      { checkDistribution },
      { expandDistFiles },
      { loadShiplineConfig },
      { resolveTarget },
      { Uploader },
      { UPLOAD_DIGESTS },
    ] = await Promise.all([
      import("../dist/check.ts"),
      import("../dist/report.ts"),
      import("../config/shipline.ts"),
      import("../pypi/credentials.ts"),
      import("../pypi/uploader.ts"),
      import("../pypi/form.ts"),
    ]);
    const files = expandDistFiles(rest, cwd);
    if (!files.length)
      throw new UsageError("no distribution files among the arguments", "e.g. `shipline upload dist/*`");
    const cfg = loadShiplineConfig(cwd);
    const target = resolveTarget({
      repositoryUrl: args["repository-url"] as string | undefined,
      repository: args.repository as string | undefined,
      defaultUrl: cfg.publish.repositoryUrl,
    });
    // Check (and hash, once) everything before the first byte goes out: a bad file found after
    // the first upload would leave a half-published release.
    const checked = [];
    for (const p of files) {
      // the digests the upload sends (md5, the slowest, is deprecated and not sent, as twine ≥ 6.2)
      const c = await checkDistribution(resolve(cwd, p), { digests: UPLOAD_DIGESTS });
      if (c.verdict === "FAILED")
        throw new ShiplineError(
          `${p} fails the distribution check: ${c.errors[0] ?? "invalid"}`,
          `see \`shipline check ${p}\``,
        );
      checked.push({ rel: p, c });
    }
    // Reading the archives left garbage behind; collect it before streaming so the peak RSS
    // of a big upload is the check's or the upload's, not both added up.
    Bun.gc(true);
    log.info(`Uploading distributions to ${target.url} (credentials: ${target.credentials.source})`);
    const uploader = new Uploader({
      url: target.url,
      credentials: target.credentials,
      log,
      tty: Boolean(process.stderr.isTTY) && !json && !args.quiet,
    });
    const results: { path: string; filename: string; status: string; sha256: string }[] = [];
    for (const { rel, c } of checked) {
      const status = await uploader.upload(c, c.path);
      results.push({ path: rel, filename: c.filename, status, sha256: c.digests.sha256 });
    }
    if (json) printJson({ repositoryUrl: target.url, files: results });
    return 0;
  },
});

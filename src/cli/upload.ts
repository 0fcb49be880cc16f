import { NotAvailableError } from "../errors.ts";
import { defineShiplineCommand } from "./common.ts";

// Placeholder: flags are the DESIGN.md contract; the body lands with its issue.
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
  async run() {
    throw new NotAvailableError("`shipline upload`");
  },
});

/**
 * Regenerates src/dist/trove-classifiers.json from the trove-classifiers package, the list PyPI
 * itself validates Classifier fields against (warehouse forklift/metadata.py):
 *
 *   npm run gen:classifiers          # pip download trove-classifiers, then rewrite the JSON
 *
 * The JSON is data shipped in the binary, not code: `check` reads it offline.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readFromWheel } from "./wheel-data.ts";

const { version, data } = readFromWheel<{ classifiers: string[]; deprecated: Record<string, string[]> }>(
  "trove-classifiers",
  "import trove_classifiers as t; print(json.dumps({'classifiers': t.sorted_classifiers, 'deprecated': t.deprecated_classifiers}))",
);
const out = { version, ...data };
writeFileSync(
  join(import.meta.dir, "..", "src", "dist", "trove-classifiers.json"),
  `${JSON.stringify(out, null, 1)}\n`,
);
console.log(
  `trove-classifiers ${version}: ${data.classifiers.length} classifiers, ${Object.keys(data.deprecated).length} deprecated`,
);

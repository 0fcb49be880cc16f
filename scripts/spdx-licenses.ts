/**
 * Regenerates src/dist/spdx-licenses.json from packaging's bundled SPDX list, the one
 * `canonicalize_license_expression` (so twine check and PyPI) judges License-Expression with:
 *
 *   npm run gen:spdx          # pip download packaging, then rewrite the JSON
 *
 * The JSON is data shipped in the binary, not code: `check` reads it offline.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readFromWheel } from "./wheel-data.ts";

const { version, data } = readFromWheel<{ version: string; licenses: string[]; exceptions: string[] }>(
  "packaging",
  "from packaging.licenses import _spdx as s; print(json.dumps({'version': s.VERSION, " +
    "'licenses': sorted(v['id'] for v in s.LICENSES.values()), 'exceptions': sorted(v['id'] for v in s.EXCEPTIONS.values())}))",
);
const out = { packaging: version, ...data };
writeFileSync(
  join(import.meta.dir, "..", "src", "dist", "spdx-licenses.json"),
  `${JSON.stringify(out, null, 1)}\n`,
);
console.log(
  `SPDX ${data.version} (packaging ${version}): ${data.licenses.length} licenses, ${data.exceptions.length} exceptions`,
);

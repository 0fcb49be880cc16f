/**
 * Regenerates src/dist/spdx-licenses.json from packaging's bundled SPDX list, the one
 * `canonicalize_license_expression` (so twine check and PyPI) judges License-Expression with:
 *
 *   npm run gen:spdx          # pip download packaging, then rewrite the JSON
 *
 * The JSON is data shipped in the binary, not code: `check` reads it offline.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "spdx-"));
try {
  const pip = Bun.spawnSync(["python3", "-m", "pip", "download", "--no-deps", "-d", dir, "packaging"], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if (pip.exitCode !== 0) throw new Error("pip download packaging failed");
  const wheel = readdirSync(dir).find((f) => f.endsWith(".whl"));
  if (!wheel) throw new Error("no packaging wheel downloaded");
  // packaging's own tables, read by Python from the wheel (a zip on sys.path)
  const dump = Bun.spawnSync(
    [
      "python3",
      "-c",
      "import json,sys; sys.path.insert(0, sys.argv[1]); from packaging.licenses import _spdx as s; " +
        "print(json.dumps({'version': s.VERSION, 'licenses': sorted(v['id'] for v in s.LICENSES.values()), " +
        "'exceptions': sorted(v['id'] for v in s.EXCEPTIONS.values())}))",
      join(dir, wheel),
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  if (dump.exitCode !== 0) throw new Error("reading packaging.licenses failed");
  const data = JSON.parse(dump.stdout.toString()) as {
    version: string;
    licenses: string[];
    exceptions: string[];
  };
  const out = { packaging: wheel.split("-")[1], ...data };
  writeFileSync(
    join(import.meta.dir, "..", "src", "dist", "spdx-licenses.json"),
    `${JSON.stringify(out, null, 1)}\n`,
  );
  console.log(
    `SPDX ${data.version} (packaging ${out.packaging}): ${data.licenses.length} licenses, ${data.exceptions.length} exceptions`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Regenerates src/dist/trove-classifiers.json from the trove-classifiers package, the list PyPI
 * itself validates Classifier fields against (warehouse forklift/metadata.py):
 *
 *   npm run gen:classifiers          # pip download trove-classifiers, then rewrite the JSON
 *
 * The JSON is data shipped in the binary, not code: `check` reads it offline.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "trove-"));
try {
  const pip = Bun.spawnSync(
    ["python3", "-m", "pip", "download", "--no-deps", "-d", dir, "trove-classifiers"],
    {
      stdout: "inherit",
      stderr: "inherit",
    },
  );
  if (pip.exitCode !== 0) throw new Error("pip download trove-classifiers failed");
  const wheel = readdirSync(dir).find((f) => f.endsWith(".whl"));
  if (!wheel) throw new Error("no trove-classifiers wheel downloaded");
  const version = wheel.split("-")[1];
  // the package's own lists, read by Python from the wheel (a zip on sys.path)
  const dump = Bun.spawnSync(
    [
      "python3",
      "-c",
      "import json,sys; sys.path.insert(0, sys.argv[1]); import trove_classifiers as t; " +
        "print(json.dumps({'classifiers': t.sorted_classifiers, 'deprecated': t.deprecated_classifiers}))",
      join(dir, wheel),
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  if (dump.exitCode !== 0) throw new Error("reading trove_classifiers failed");
  const data = JSON.parse(dump.stdout.toString()) as {
    classifiers: string[];
    deprecated: Record<string, string[]>;
  };
  const out = { version, ...data };
  writeFileSync(
    join(import.meta.dir, "..", "src", "dist", "trove-classifiers.json"),
    `${JSON.stringify(out, null, 1)}\n`,
  );
  console.log(
    `trove-classifiers ${version}: ${data.classifiers.length} classifiers, ${Object.keys(data.deprecated).length} deprecated`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

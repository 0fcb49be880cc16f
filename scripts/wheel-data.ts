/**
 * For the data generators (trove-classifiers.ts, spdx-licenses.ts): download a package's wheel
 * with pip, and read data out of it with Python (the wheel is a zip, importable from sys.path).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `code` runs with the wheel first on sys.path and must print one JSON value; returns it and the wheel's version. */
export function readFromWheel<T>(pkg: string, code: string): { version: string; data: T } {
  const dir = mkdtempSync(join(tmpdir(), `${pkg}-`));
  try {
    const pip = Bun.spawnSync(["python3", "-m", "pip", "download", "--no-deps", "-d", dir, pkg], {
      stdout: "inherit",
      stderr: "inherit",
    });
    if (pip.exitCode !== 0) throw new Error(`pip download ${pkg} failed`);
    const wheel = readdirSync(dir).find((f) => f.endsWith(".whl"));
    if (!wheel) throw new Error(`no ${pkg} wheel downloaded`);
    const dump = Bun.spawnSync(
      ["python3", "-c", `import json,sys; sys.path.insert(0, sys.argv[1]); ${code}`, join(dir, wheel)],
      {
        stdout: "pipe",
        stderr: "inherit",
      },
    );
    if (dump.exitCode !== 0) throw new Error(`reading ${pkg} failed`);
    return { version: wheel.split("-")[1] ?? "", data: JSON.parse(dump.stdout.toString()) as T };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

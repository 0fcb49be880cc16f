/** Which Python runs `-m build`, per runner OS (the platform is injected; the tools are real files). */
import { expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pythonCandidates } from "../../src/dist/build.ts";
import { tempDir } from "../helpers/repo.ts";

function pathWith(...names: string[]): string {
  const dir = tempDir("shipline-py-");
  for (const n of names) {
    writeFileSync(join(dir, n), "#!/bin/sh\nexit 0\n");
    chmodSync(join(dir, n), 0o755);
  }
  return dir;
}

test("Windows runners: python, then the py -3 launcher; never python3", () => {
  const dir = pathWith("python", "py", "python3");
  expect(pythonCandidates("win32", { PATH: dir })).toEqual([[join(dir, "python")], [join(dir, "py"), "-3"]]);
});

test("Linux and macOS: python3, python, then the system python3", () => {
  const dir = pathWith("python3", "python");
  for (const platform of ["linux", "darwin"] as const)
    expect(pythonCandidates(platform, { PATH: dir })).toEqual([
      [join(dir, "python3")],
      [join(dir, "python")],
      ["/usr/bin/python3"],
    ]);
  expect(pythonCandidates("linux", { PATH: pathWith() })).toEqual([["/usr/bin/python3"]]);
});

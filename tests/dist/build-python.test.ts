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

test("an isolated build whose requirement the index lacks: pip's reason is quoted, not a guess at the network", async () => {
  const { buildDistributions } = await import("../../src/dist/build.ts");
  const { createLogger } = await import("../../src/ui/log.ts");
  // a python3 whose `-m build` fails the way pip does for a requirement the index does not have
  // (isolated), and fails again without isolation (the backend is not installed either)
  const dir = tempDir("shipline-py-");
  writeFileSync(
    join(dir, "python3"),
    `#!/bin/sh
[ "$1" = "-c" ] && exit 0
case "$*" in
  *--no-isolation*) echo "ERROR Backend 'hatchlingz.build' is not available." >&2; exit 1 ;;
  *) echo "ERROR: Could not find a version that satisfies the requirement hatchlingz (from versions: none)" >&2; exit 1 ;;
esac
`,
  );
  chmodSync(join(dir, "python3"), 0o755);
  const lines: string[] = [];
  const log = createLogger({ write: (l) => lines.push(l), env: {} });
  const err = await buildDistributions({
    projectDir: dir,
    outDir: join(dir, "dist"),
    log,
    env: { PATH: `${dir}:/usr/bin:/bin` },
  }).catch((e: Error) => e);
  const warned = lines.find((l) => l.includes("isolated build could not install"));
  expect(warned).toContain("(ERROR: Could not find a version that satisfies the requirement hatchlingz");
  expect(warned).not.toContain("no package index reachable");
  expect((err as Error).message).toContain("Backend 'hatchlingz.build' is not available");
  expect((err as Error).message).toContain("(isolated build: ERROR: Could not find a version");
});

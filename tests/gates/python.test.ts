/** Python discovery against real interpreters laid out as PATH, pyenv and the Windows py launcher would. */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findPython, findPythons } from "../../src/gates/python.ts";
import { tempDir } from "../helpers/repo.ts";
import { PY, SYSTEM_PYTHON } from "./sample.ts";

const dirs: string[] = [];
const dir = () => {
  const d = tempDir("shipline-py-");
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const script = (path: string, body: string) => {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
};

describe("Python discovery", () => {
  test("pythonX.Y on PATH, skipping pyenv's shims directory", async () => {
    const bin = dir();
    const shims = join(dir(), ".pyenv", "shims");
    mkdirSync(shims, { recursive: true });
    const used = join(bin, "shim-used");
    script(join(shims, `python${PY}`), `touch ${used}; exec ${SYSTEM_PYTHON} "$@"`);
    symlinkSync(SYSTEM_PYTHON, join(bin, `python${PY}`));
    const home = dir();
    const got = await findPython(PY, {
      env: { PATH: `${shims}:${bin}`, PYENV_ROOT: join(home, "none") },
      platform: "linux",
      home,
    });
    expect(got?.source).toBe("path");
    expect(got?.version).toBe(PY);
    expect(got?.full).toStartWith(`${PY}.`);
    expect(() => readFileSync(used)).toThrow();
  });

  test("pyenv versions under $PYENV_ROOT, newest patch first", async () => {
    const root = dir();
    for (const v of [`${PY}.1`, `${PY}.10`]) {
      mkdirSync(join(root, "versions", v, "bin"), { recursive: true });
      symlinkSync(SYSTEM_PYTHON, join(root, "versions", v, "bin", `python${PY}`));
    }
    const calls = join(root, "calls");
    // The older patch records if it is ever run: it must not be, the newest answers first.
    rmSync(join(root, "versions", `${PY}.1`, "bin", `python${PY}`));
    script(
      join(root, "versions", `${PY}.1`, "bin", `python${PY}`),
      `echo old >> ${calls}; exec ${SYSTEM_PYTHON} "$@"`,
    );
    const got = await findPython(PY, {
      env: { PATH: dir(), PYENV_ROOT: root },
      platform: "linux",
      home: dir(),
    });
    expect(got?.source).toBe("pyenv");
    expect(() => readFileSync(calls)).toThrow();
  });

  test("Windows: the py launcher with -X.Y", async () => {
    const bin = dir();
    const args = join(bin, "args");
    script(join(bin, "py"), `echo "$1" >> ${args}; shift; exec ${SYSTEM_PYTHON} "$@"`);
    const got = await findPython(PY, {
      env: { PATH: bin, PATHEXT: ".EXE;.BAT" },
      platform: "win32",
      home: dir(),
    });
    expect(got?.source).toBe("py-launcher");
    expect(got?.path).toBeTruthy();
    expect(readFileSync(args, "utf8").trim()).toBe(`-${PY}`);
  });

  test("a name that lies is not trusted: the probe must answer X.Y", async () => {
    const bin = dir();
    symlinkSync(SYSTEM_PYTHON, join(bin, "python3.2"));
    const got = await findPython("3.2", { env: { PATH: bin }, platform: "linux", home: dir() });
    expect(got).toBeNull();
  });

  test("missing versions: one error naming them, what was found, and how to install", async () => {
    const bin = dir();
    symlinkSync(SYSTEM_PYTHON, join(bin, `python${PY}`));
    const p = findPythons(["3.2", PY, "3.3"], { env: { PATH: bin }, platform: "linux", home: dir() });
    await expect(p).rejects.toThrow(`Python 3.2, 3.3 not found`);
    await expect(p).rejects.toThrow(`found: ${PY} (${join(bin, `python${PY}`)})`);
    const err = await p.catch((e) => e);
    expect(err.hint).toContain("pyenv install 3.2 / uv python install 3.2");
  });
});

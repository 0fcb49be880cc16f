/** A real sample Python project (src layout, pytest tests, type hints) for the gates tests. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestRepo, tempDir } from "../helpers/repo.ts";

/** X.Y of the system python3 (Debian's, which has pytest and mypy here and after .ci/run's apt-get). */
export const SYSTEM_PYTHON = "/usr/bin/python3";
export const PY = (() => {
  const p = Bun.spawnSync([SYSTEM_PYTHON, "-c", "import sys;print('%d.%d' % sys.version_info[:2])"]);
  return p.stdout.toString().trim();
})();

export interface SampleOptions {
  failTest?: boolean;
  mypyError?: boolean;
  /** Extra TOML appended after [tool.shipline]. */
  toml?: string;
  /** Keep the default build gate (disabled otherwise: building is another concern). */
  build?: boolean;
}

export function sampleProject(o: SampleOptions = {}): TestRepo {
  const repo = TestRepo.create();
  const code = [
    "def add(a: int, b: int) -> int:",
    "    return a + b",
    "",
    ...(o.mypyError ? ["", "def bad() -> int:", '    return "not an int"', ""] : []),
  ].join("\n");
  const test = [
    "import os",
    "",
    "from sample import add",
    "",
    "",
    "def test_add() -> None:",
    `    assert add(1, 2) == ${o.failTest ? 4 : 3}`,
    "",
    "",
    "def test_env() -> None:",
    '    assert os.environ.get("SAMPLE_FAIL") != "1"',
    "",
  ].join("\n");
  const pyproject = [
    "[build-system]",
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
    "",
    "[project]",
    'name = "sample"',
    'version = "0.1.0"',
    "",
    "[project.optional-dependencies]",
    'test = ["pytest"]',
    "",
    "[tool.shipline]",
    `python = ["${PY}"]`,
    "",
    "[tool.shipline.gates.build]",
    `enabled = ${o.build ? "true" : "false"}`,
    "",
    o.toml ?? "",
  ].join("\n");
  repo.commit("feat: sample", {
    ".gitignore": ".shipline/\n",
    "pyproject.toml": pyproject,
    "src/sample/__init__.py": code,
    "tests/test_add.py": test,
  });
  return repo;
}

/** A directory with a stand-in `ruff` that records its calls and prints what RUFF_OUTPUT says. */
export function standInRuff(): { dir: string; calls: () => string[] } {
  const dir = tempDir("shipline-bin-");
  mkdirSync(dir, { recursive: true });
  const log = join(dir, "calls.log");
  writeFileSync(
    join(dir, "ruff"),
    `#!/bin/sh\necho "ruff $*" >> "${log}"\n[ -n "$RUFF_OUTPUT" ] && printf '%s\\n' "$RUFF_OUTPUT"\nexit \${RUFF_EXIT:-0}\n`,
  );
  chmodSync(join(dir, "ruff"), 0o755);
  return {
    dir,
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean) : []),
  };
}

/** PATH/PYENV for a test: stand-ins first, then the system dirs only (no pyenv shims, no pyenv versions). */
export function testEnv(binDir?: string, extra: Record<string, string | undefined> = {}) {
  return {
    PATH: [binDir, "/usr/local/bin", "/usr/bin", "/bin"].filter(Boolean).join(":"),
    PYENV_ROOT: "/nonexistent-pyenv",
    HOME: tempDir("shipline-home-"),
    ...extra,
  };
}

/** True while the process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

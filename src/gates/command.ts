/**
 * Turning a gate's configured command into the argv and environment it runs with.
 *
 * Per-Python gates run with their venv's bin first on PATH (pyenv shims removed: they would
 * pick pyenv's global version, not this one). A tool is looked up in the venv's bin, then as
 * a module the venv's Python can import (base packages are visible through
 * --system-site-packages, so Debian's pytest runs as `python -m pytest` *on this Python*),
 * then on PATH — except that a PATH script whose shebang names another Python is refused:
 * running it would silently test the wrong interpreter.
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { GateConfig } from "../config/shipline.ts";
import { capture } from "./process.ts";
import { type DiscoveryEnv, isPyenvShims, which } from "./python.ts";
import type { Venv } from "./venv.ts";

export type Resolved = { argv: string[]; env: NodeJS.ProcessEnv } | { missing: string };

/** Tools `pip install NAME` provides, for the missing-tool hint. */
const PIP_TOOLS = new Set([
  "ruff",
  "mypy",
  "pytest",
  "black",
  "flake8",
  "isort",
  "pylint",
  "pyright",
  "tox",
  "nox",
  "coverage",
  "bandit",
  "codespell",
  "pre-commit",
  "build",
  "twine",
  "hatch",
  "pdm",
  "poetry",
]);

export function missingToolMessage(tool: string, gate: string, python?: string): string {
  const install = PIP_TOOLS.has(tool)
    ? python
      ? `add it to your test extras or install it for that Python (python${python} -m pip install ${tool})`
      : `install it (pip install ${tool} / uv tool install ${tool})`
    : "install it";
  const where = python ? `on PATH or in the Python ${python} venv` : "on PATH";
  return `${tool} not found ${where}; ${install} or set [tool.shipline.gates.${gate}] command = [...] (or enabled = false) in pyproject.toml`;
}

/** The current shipline, for the `build` gate: the compiled binary itself, or bun + src/main.ts. */
export function selfArgv(): string[] {
  const compiled = import.meta.path.startsWith("/$bunfs/") || /[\\/]~BUN[\\/]/.test(import.meta.path);
  return compiled ? [process.execPath] : [process.execPath, resolve(import.meta.dir, "../main.ts")];
}

function pythonShebang(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, 256, 0);
    const first = buf.subarray(0, n).toString("utf8").split("\n")[0] ?? "";
    return first.startsWith("#!") && /python/i.test(first);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface ResolveContext {
  root: string;
  discovery: DiscoveryEnv;
  venv?: Venv;
  /** Python X.Y of the venv, for messages. */
  python?: string;
}

export function gateEnv(gate: GateConfig, c: ResolveContext): NodeJS.ProcessEnv {
  const win = c.discovery.platform === "win32";
  const sep = win ? ";" : ":";
  const env: NodeJS.ProcessEnv = { ...c.discovery.env, ...gate.env };
  if (c.venv) {
    const dirs = (env.PATH ?? "").split(sep).filter((d) => d && !isPyenvShims(d));
    env.PATH = [c.venv.bin, ...dirs].join(sep);
    env.VIRTUAL_ENV = c.venv.dir;
    delete env.PYTHONHOME;
  }
  return env;
}

export async function resolveGate(gate: GateConfig, c: ResolveContext): Promise<Resolved> {
  const env = gateEnv(gate, c);
  const win = c.discovery.platform === "win32";
  if (gate.shell) {
    const cmd = gate.command as string;
    return { argv: win ? ["cmd.exe", "/d", "/s", "/c", cmd] : ["/bin/sh", "-c", cmd], env };
  }
  const [tool, ...rest] = gate.command as string[];
  if (!tool) return { missing: `[tool.shipline.gates.${gate.name}] command is empty` };
  if (tool === "shipline") return { argv: [...selfArgv(), ...rest], env };
  const lookup = { env, platform: c.discovery.platform };
  if (tool.includes("/") || (win && tool.includes("\\"))) {
    const p = isAbsolute(tool) ? tool : join(c.root, gate.cwd, tool);
    return existsSync(p)
      ? { argv: [p, ...rest], env }
      : { missing: `${tool} not found (${p}); fix [tool.shipline.gates.${gate.name}] command` };
  }
  if (c.venv) {
    if (tool === "python" || tool === "python3") return { argv: [c.venv.python, ...rest], env };
    const inVenv = which(tool, lookup, [c.venv.bin]);
    if (inVenv) return { argv: [inVenv, ...rest], env };
    const mod = tool.replace(/-/g, "_");
    if (/^[A-Za-z_][\w]*$/.test(mod)) {
      const r = await capture(
        [
          c.venv.python,
          "-c",
          `import importlib.util,sys;sys.exit(0 if importlib.util.find_spec(${JSON.stringify(mod)}) else 3)`,
        ],
        env,
        30_000,
      );
      if (r.code === 0) return { argv: [c.venv.python, "-m", mod, ...rest], env };
    }
  }
  const onPath = which(tool, lookup);
  if (!onPath) return { missing: missingToolMessage(tool, gate.name, c.venv ? c.python : undefined) };
  if (c.venv && pythonShebang(onPath))
    return {
      missing: `${tool} is not installed for Python ${c.python} (${onPath} runs on another Python); add it to your test extras or run python${c.python} -m pip install ${tool}, or set [tool.shipline.gates.${gate.name}] command = [...] in pyproject.toml`,
    };
  return { argv: [onPath, ...rest], env };
}

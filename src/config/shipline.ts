/**
 * `[tool.shipline]` in pyproject.toml: everything that is not release planning. Defaults
 * reproduce the seed's release system (ruff lint + format blocking, mypy non-blocking,
 * pytest blocking, build + check blocking, Python 3.9–3.13, PyPI with Trusted Publishing and
 * attestations). Unknown keys warn; wrong types are errors naming file, key, expected, found.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { ShiplineError } from "../errors.ts";
import { checkServiceUrl } from "../net/service-url.ts";
import { readTextFile, typeName } from "./json-file.ts";

export interface GateConfig {
  name: string;
  command: string[] | string;
  /** A failing blocking gate fails the run; a non-blocking one is reported only. */
  blocking: boolean;
  /** Run once per Python of the matrix (true) or once (false). */
  perPython: boolean;
  shell: boolean;
  cwd: string;
  env: Record<string, string>;
  /** Seconds. */
  timeout: number;
  enabled: boolean;
}

export interface ShiplineConfig {
  order: "release-first" | "publish-first";
  confirmMajor: boolean;
  /** The release PR's commit made by GitHub's API, which signs it (rulesets requiring signed commits). */
  signedCommits: boolean;
  python: string[];
  gates: GateConfig[];
  build: { command?: string[]; outDir: string };
  publish: {
    enabled: boolean;
    repositoryUrl: string;
    attestations: boolean;
    skipExisting: boolean;
    /**
     * Attach the distributions and their Sigstore bundles to the GitHub release. The release is
     * then created as a draft and published only once every asset is on it (immutable releases).
     */
    githubAssets: boolean;
  };
  /** Where this came from, for messages. */
  source: string;
  warnings: string[];
}

export const DEFAULT_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"];
export const PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/";

const gate = (name: string, command: string[], blocking: boolean, perPython: boolean): GateConfig => ({
  name,
  command,
  blocking,
  perPython,
  shell: false,
  cwd: ".",
  env: {},
  timeout: 1800,
  enabled: true,
});

export function defaultGates(): GateConfig[] {
  return [
    gate("lint", ["ruff", "check", "."], true, false),
    gate("format", ["ruff", "format", "--check", "."], true, false),
    gate("typecheck", ["mypy", "."], false, true),
    gate("tests", ["pytest"], true, true),
    gate("build", ["shipline", "build", "--check"], true, false),
  ];
}

export function defaultConfig(source = "defaults"): ShiplineConfig {
  return {
    order: "release-first",
    signedCommits: false,
    confirmMajor: false,
    python: [...DEFAULT_PYTHONS],
    gates: defaultGates(),
    build: { outDir: "dist" },
    publish: {
      enabled: true,
      repositoryUrl: PYPI_UPLOAD_URL,
      attestations: true,
      skipExisting: false,
      githubAssets: false,
    },
    source,
    warnings: [],
  };
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v);

class Reader {
  constructor(
    readonly file: string,
    readonly warnings: string[],
  ) {}
  fail(key: string, expected: string, found: unknown, hint?: string): never {
    throw new ShiplineError(
      `${this.file}: [tool.shipline] ${key} must be ${expected}, found ${typeName(found)}`,
      hint,
    );
  }
  known(t: Table, prefix: string, keys: string[]): void {
    for (const k of Object.keys(t))
      if (!keys.includes(k)) this.warnings.push(`${this.file}: unknown key ${prefix}${k} (ignored)`);
  }
  bool(t: Table, key: string, path: string, dflt: boolean): boolean {
    const v = t[key];
    if (v === undefined) return dflt;
    if (typeof v !== "boolean") this.fail(path, "true or false", v);
    return v;
  }
  str(t: Table, key: string, path: string, dflt: string): string {
    const v = t[key];
    if (v === undefined) return dflt;
    if (typeof v !== "string" || v === "") this.fail(path, "a non-empty string", v);
    return v;
  }
  strings(t: Table, key: string, path: string): string[] | undefined {
    const v = t[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "string"))
      this.fail(path, "a non-empty array of strings", v);
    return v as string[];
  }
  oneOf<T extends string>(t: Table, key: string, path: string, options: T[], dflt: T): T {
    const v = t[key];
    if (v === undefined) return dflt;
    if (typeof v !== "string" || !options.includes(v as T))
      this.fail(path, `one of ${options.map((o) => `"${o}"`).join(", ")}`, v);
    return v as T;
  }
}

const MAX_TIMEOUT_S = 2_000_000;
const GATE_KEYS = ["command", "blocking", "per-python", "shell", "cwd", "env", "timeout", "enabled"];

function readGate(
  r: Reader,
  name: string,
  t: unknown,
  base: GateConfig | undefined,
  builtIn: string[],
): GateConfig {
  const path = `gates.${name}`;
  // A misspelt built-in reads as a new gate: say which names are built in.
  const newGateHint = base
    ? undefined
    : `"${name}" is not a built-in gate (${builtIn.join(", ")}); a new gate is a table with command = ["tool", "arg", …]`;
  if (t === false) return { ...(base ?? gate(name, ["true"], false, false)), enabled: false };
  if (!isTable(t)) r.fail(path, "a table", t, newGateHint);
  r.known(t, `${path}.`, GATE_KEYS);
  const shell = r.bool(t, "shell", `${path}.shell`, base?.shell ?? false);
  let command: string[] | string | undefined = base?.command;
  if (t.command !== undefined) {
    if (shell) {
      if (typeof t.command !== "string" || !t.command)
        r.fail(`${path}.command`, "a shell string when shell = true", t.command);
      command = t.command;
    } else command = r.strings(t, "command", `${path}.command`);
  }
  if (command === undefined)
    r.fail(`${path}.command`, "an array of strings (argv) for a new gate", undefined, newGateHint);
  const env = t.env ?? base?.env ?? {};
  if (!isTable(env) || Object.values(env).some((v) => typeof v !== "string"))
    r.fail(`${path}.env`, "a table of strings", env);
  const timeout = t.timeout ?? base?.timeout ?? 1800;
  // at most 24 days: a longer timer overflows (setTimeout's 32-bit milliseconds) and fires at once
  if (typeof timeout !== "number" || !(timeout > 0) || timeout > MAX_TIMEOUT_S)
    r.fail(`${path}.timeout`, `a positive number of seconds, at most ${MAX_TIMEOUT_S}`, timeout);
  return {
    name,
    command,
    blocking: r.bool(t, "blocking", `${path}.blocking`, base?.blocking ?? true),
    perPython: r.bool(t, "per-python", `${path}.per-python`, base?.perPython ?? false),
    shell,
    cwd: r.str(t, "cwd", `${path}.cwd`, base?.cwd ?? "."),
    env: env as Record<string, string>,
    timeout,
    enabled: r.bool(t, "enabled", `${path}.enabled`, base?.enabled ?? true),
  };
}

/** Parse the `[tool.shipline]` table (already extracted from TOML). */
export function readShiplineTable(tool: unknown, file: string): ShiplineConfig {
  const cfg = defaultConfig(file);
  if (tool === undefined) return cfg;
  const r: Reader = new Reader(file, cfg.warnings);
  if (!isTable(tool)) r.fail("", "a table", tool);
  // prerelease is read (and checked) by the planner: src/plan/prerelease.ts.
  r.known(tool, "", [
    "order",
    "confirm-major",
    "python",
    "gates",
    "build",
    "publish",
    "prerelease",
    "uv-workspace",
    "signed-commits",
  ]);
  cfg.order = r.oneOf(tool, "order", "order", ["release-first", "publish-first"], cfg.order);
  cfg.confirmMajor = r.bool(tool, "confirm-major", "confirm-major", false);
  cfg.signedCommits = r.bool(tool, "signed-commits", "signed-commits", false);
  const py = r.strings(tool, "python", "python");
  if (py) {
    for (const v of py) if (!/^3\.\d{1,2}$/.test(v)) r.fail("python", 'versions like "3.12"', v);
    cfg.python = py;
  }
  if (tool.gates !== undefined) {
    if (!isTable(tool.gates)) r.fail("gates", "a table of gates", tool.gates);
    const byName = new Map(cfg.gates.map((g) => [g.name, g]));
    const builtIn = [...byName.keys()];
    for (const [name, t] of Object.entries(tool.gates)) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
        r.fail(`gates.${name}`, "a name of letters, digits, - and _", name);
      byName.set(name, readGate(r, name, t, byName.get(name), builtIn));
    }
    cfg.gates = [...byName.values()];
  }
  if (tool.build !== undefined) {
    if (!isTable(tool.build)) r.fail("build", "a table", tool.build);
    r.known(tool.build, "build.", ["command", "out-dir"]);
    cfg.build = {
      command: r.strings(tool.build, "command", "build.command"),
      outDir: r.str(tool.build, "out-dir", "build.out-dir", "dist"),
    };
  }
  if (tool.publish !== undefined) {
    const p = tool.publish;
    if (!isTable(p)) r.fail("publish", "a table", p);
    r.known(p, "publish.", ["enabled", "repository-url", "attestations", "skip-existing", "github-assets"]);
    cfg.publish = {
      enabled: r.bool(p, "enabled", "publish.enabled", true),
      // checked here, so every command (doctor included) refuses a non-http(s) or credentialed URL
      repositoryUrl: checkServiceUrl(
        r.str(p, "repository-url", "publish.repository-url", PYPI_UPLOAD_URL),
        `${file}: [tool.shipline] publish.repository-url`,
      ) as string,
      attestations: r.bool(p, "attestations", "publish.attestations", true),
      skipExisting: r.bool(p, "skip-existing", "publish.skip-existing", false),
      githubAssets: r.bool(p, "github-assets", "publish.github-assets", false),
    };
  }
  return cfg;
}

export interface Pyproject {
  path: string;
  data: Table;
}

export function readPyproject(root: string): Pyproject | undefined {
  const path = join(root, "pyproject.toml");
  if (!existsSync(path)) return undefined;
  const text = readTextFile(path, "pyproject.toml");
  try {
    return { path, data: parseToml(text) as Table };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    throw new ShiplineError(
      `pyproject.toml is not valid TOML: ${msg}`,
      "fix the TOML syntax in pyproject.toml",
    );
  }
}

export function loadShiplineConfig(root: string): ShiplineConfig {
  const py = readPyproject(root);
  if (!py) return defaultConfig();
  const tool = (py.data.tool as Table | undefined)?.shipline;
  return readShiplineTable(tool, "pyproject.toml");
}

/**
 * A monorepo package's own `[tool.shipline.build] command`, from the package's pyproject.toml:
 * it builds that package (run in its folder) instead of the root's command or the default. Only
 * the command is read there; out-dir and the rest of [tool.shipline] are the root's, and a
 * package that sets them is told so.
 */
export function packageBuildCommand(root: string, dir: string): { command?: string[]; warnings: string[] } {
  if (dir === "." || dir === "") return { warnings: [] };
  const tool = (readPyproject(join(root, dir))?.data.tool as Table | undefined)?.shipline;
  if (!isTable(tool)) return { warnings: [] };
  const file = `${dir}/pyproject.toml`;
  const cfg = readShiplineTable({ build: tool.build }, file);
  const warnings = cfg.warnings;
  const rootOnly = Object.keys(tool).filter((k) => k !== "build");
  if (isTable(tool.build) && tool.build["out-dir"] !== undefined) rootOnly.push("build.out-dir");
  if (rootOnly.length)
    warnings.push(
      `${file}: [tool.shipline] ${rootOnly.join(", ")} ignored: a package sets only its build.command; the rest is read from the root's pyproject.toml`,
    );
  return { command: tool.build === undefined ? undefined : cfg.build.command, warnings };
}

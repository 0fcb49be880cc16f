/**
 * The gates matrix: every enabled gate, per-Python gates once per interpreter (in that
 * Python's venv), in parallel under a concurrency limit (default: the number of cores; `auto`:
 * more while cores sit idle, see limit.ts). Each gate's output goes to
 * `.shipline/logs/<gate>[-<X.Y>].log`. A blocking failure fails the run; a non-blocking one
 * is reported only. Ctrl-C (SIGINT/SIGTERM) ends every running gate's process group and
 * reports the run as interrupted.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative, resolve } from "node:path";
import type { GateConfig, ShiplineConfig } from "../config/shipline.ts";
import { errorMessage, UsageError } from "../errors.ts";
import { fault } from "../pipeline/fault.ts";
import type { Logger } from "../ui/log.ts";
import { missingToolMessage, resolveGate } from "./command.ts";
import { Limit, procStatIdle } from "./limit.ts";
import { readTail } from "./log-tail.ts";
import { runGroup, stopAllGroups } from "./process.ts";
import { Progress } from "./progress.ts";
import { type DiscoveryEnv, findPythons, type PythonInterpreter } from "./python.ts";
import { type GateRow, type GatesReport, rowKey } from "./report.ts";
import { ensureVenv, type Venv } from "./venv.ts";

export interface RunGatesOptions {
  root: string;
  config: ShiplineConfig;
  /** Python versions (default config.python). */
  pythons?: string[];
  /** Gate names to run (default: all enabled). */
  only?: string[];
  /** Concurrency limit (default: the number of cores); "auto" grows past the cores while they sit idle. */
  jobs?: number | "auto";
  log: Logger;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  /** rowKeys that passed earlier for the same HEAD: reported as passed, not run again. */
  alreadyPassed?: Set<string>;
  /** Called as each gate finishes (the stage checkpoints passes). */
  onResult?: (row: GateRow) => void;
  /** Live progress line (default: stderr is a TTY). */
  tty?: boolean;
  quiet?: boolean;
}

export function selectGates(all: GateConfig[], only?: string[]): GateConfig[] {
  if (!only?.length) return all;
  const names = all.map((g) => g.name);
  for (const n of only)
    if (!names.includes(n))
      throw new UsageError(
        `--only ${n}: no such gate`,
        `gates: ${names.join(", ")} (see [tool.shipline.gates])`,
      );
  return all.filter((g) => only.includes(g.name));
}

export function checkVersions(versions: string[]): string[] {
  for (const v of versions)
    if (!/^3\.\d{1,2}$/.test(v))
      throw new UsageError(`--python ${v}: expected versions like 3.12 (comma-separated)`);
  return [...new Set(versions)];
}

/** `--jobs`: N at most; by default one per core (issue #5); `auto` also more while cores sit idle (limit.ts). */
function limitFor(jobs: number | "auto" | undefined): Limit {
  const cores = Math.max(1, availableParallelism());
  if (jobs !== "auto") return new Limit(Math.max(1, jobs ?? cores));
  const idle = procStatIdle();
  return new Limit(cores, idle ? { ceiling: cores * 4, idle, everyMs: 25 } : undefined);
}

const NOT_AVAILABLE = /is not available in this build of shipline yet/;

export async function runGates(o: RunGatesOptions): Promise<GatesReport> {
  const { root, log } = o;
  const discovery: DiscoveryEnv = {
    env: o.env ?? process.env,
    platform: o.platform ?? process.platform,
    home: o.home,
  };
  const gates = selectGates(o.config.gates, o.only);
  const enabled = gates.filter((g) => g.enabled);
  const needPython = enabled.some((g) => g.perPython);
  const versions = checkVersions(o.pythons?.length ? o.pythons : o.config.python);
  const interps: PythonInterpreter[] = needPython ? await findPythons(versions, discovery) : [];
  const logsDir = join(root, ".shipline", "logs");
  mkdirSync(logsDir, { recursive: true });

  const rows = new Map<string, GateRow>();
  const order: string[] = [];
  for (const g of gates)
    for (const py of g.perPython ? interps.map((i) => i.version) : [null])
      order.push(rowKey({ gate: g.name, python: py }));
  for (const g of gates.filter((x) => !x.enabled))
    for (const py of g.perPython ? versions : [null])
      rows.set(rowKey({ gate: g.name, python: py }), {
        gate: g.name,
        python: py,
        status: "skipped",
        blocking: g.blocking,
        durationMs: 0,
        log: null,
        message: `disabled ([tool.shipline.gates.${g.name}] enabled = false)`,
        cached: false,
      });
  if (gates.some((g) => !g.enabled && g.perPython) && !needPython)
    for (const g of gates)
      if (!g.enabled && g.perPython)
        for (const v of versions) order.push(rowKey({ gate: g.name, python: v }));

  const total = enabled.reduce((n, g) => n + (g.perPython ? interps.length : 1), 0);
  const progress = new Progress(log, {
    tty: o.tty ?? Boolean(process.stderr.isTTY),
    quiet: Boolean(o.quiet),
    total,
  });
  const limit = limitFor(o.jobs);
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      // A second Ctrl-C: do not wait for the grace period.
      stopAllGroups();
      process.exit(130);
    }
    interrupted = true;
    progress.note(`${sig === "SIGINT" ? "interrupted" : sig}: stopping ${stopAllGroups()} running gate(s)…`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // a closed terminal or a lost SSH session never reaches the gates (each runs in its own session)
  process.on("SIGHUP", onSignal);

  const record = (g: GateConfig, row: GateRow) => {
    rows.set(rowKey(row), row);
    progress.finish(row, root, g.command, resolve(root, g.cwd));
    o.onResult?.(row);
  };

  const runOne = async (g: GateConfig, venv: Venv | null, setupError?: string): Promise<void> => {
    const python = venv?.version ?? null;
    const key = rowKey({ gate: g.name, python });
    const base = { gate: g.name, python, blocking: g.blocking, cached: false };
    const failStatus = g.blocking ? ("fail" as const) : ("non-blocking-fail" as const);
    if (o.alreadyPassed?.has(key))
      return record(g, { ...base, status: "pass", durationMs: 0, log: null, message: null, cached: true });
    if (interrupted)
      return record(g, {
        ...base,
        status: "skipped",
        durationMs: 0,
        log: null,
        message: "not run (interrupted)",
      });
    const logFile = join(logsDir, `${g.name}${python ? `-${python}` : ""}.log`);
    const logRel = relative(root, logFile);
    if (setupError)
      return record(g, {
        ...base,
        status: failStatus,
        durationMs: 0,
        log: relative(root, join(logsDir, `venv-${python}.log`)),
        message: setupError,
      });
    progress.start(g.name, python);
    const cwd = resolve(root, g.cwd);
    const resolved = await resolveGate(g, {
      root,
      discovery,
      venv: venv ?? undefined,
      python: python ?? undefined,
    });
    const header = "argv" in resolved ? `$ ${resolved.argv.join(" ")}  (cwd ${cwd})\n` : "";
    writeFileSync(logFile, header);
    if ("missing" in resolved) {
      writeFileSync(logFile, `${resolved.missing}\n`);
      return record(g, {
        ...base,
        status: failStatus,
        durationMs: 0,
        log: logRel,
        message: resolved.missing,
      });
    }
    if (!existsSync(cwd) || !statSync(cwd).isDirectory())
      return record(g, {
        ...base,
        status: failStatus,
        durationMs: 0,
        log: logRel,
        message: `cwd ${g.cwd} does not exist; fix [tool.shipline.gates.${g.name}] cwd`,
      });
    fault(`gates:before:${g.name}`);
    const r = await runGroup(resolved.argv, { cwd, env: resolved.env, logFile, timeoutMs: g.timeout * 1000 });
    let message: string | null = null;
    if (r.spawnError)
      message =
        r.spawnError.code === "ENOENT"
          ? missingToolMessage(resolved.argv[0]!, g.name, python ?? undefined)
          : `cannot start ${resolved.argv[0]}: ${r.spawnError.message}`;
    else if (r.timedOut) message = `timed out after ${g.timeout}s; its process group was killed`;
    else if (r.interrupted) message = "interrupted; its process group was stopped";
    else if (r.code !== 0) {
      message = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
      const tail = readTail(logFile, 64 * 1024).text;
      if (g.name === "build" && NOT_AVAILABLE.test(tail))
        message =
          "`shipline build --check` is not available in this build of shipline yet; set [tool.shipline.gates.build] enabled = false until it is";
      else if (g.shell && r.code === 127)
        message = `exit 127: a command in \`${g.command}\` was not found (see ${logRel})`;
    }
    const ok = !message && r.code === 0;
    record(g, {
      ...base,
      status: ok ? "pass" : r.interrupted ? "skipped" : failStatus,
      durationMs: Math.round(r.durationMs),
      log: logRel,
      message,
    });
  };

  const tasks: Promise<void>[] = [];
  const perPython = enabled.filter((g) => g.perPython);
  const once = enabled.filter((g) => !g.perPython);
  for (const interp of needPython ? interps : []) {
    const pending = perPython.filter(
      (g) => !o.alreadyPassed?.has(rowKey({ gate: g.name, python: interp.version })),
    );
    const setup: Promise<Venv | string> = pending.length
      ? limit.run(async () => {
          if (interrupted) return "not run (interrupted)";
          const logFile = join(logsDir, `venv-${interp.version}.log`);
          writeFileSync(logFile, "");
          try {
            const v = await ensureVenv({ root, interp, logFile, discovery, timeoutMs: 1_800_000 });
            if (!v.reused)
              progress.note(`venv for Python ${interp.version} (${interp.full}) ready: ${v.method}`);
            return v;
          } catch (e) {
            return `venv for Python ${interp.version}: ${errorMessage(e)}`;
          }
        })
      : Promise.resolve({ version: interp.version, dir: "", bin: "", python: "" });
    for (const g of perPython)
      tasks.push(
        setup.then((v) =>
          typeof v === "string"
            ? runOne(g, { version: interp.version, dir: "", bin: "", python: "" }, v)
            : limit.run(() => runOne(g, v)),
        ),
      );
  }
  for (const g of once) tasks.push(limit.run(() => runOne(g, null)));
  try {
    await Promise.all(tasks);
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
  }
  const out = order.map((k) => rows.get(k)).filter((r): r is GateRow => !!r);
  return {
    ok: !interrupted && out.every((r) => r.status !== "fail"),
    interrupted,
    pythons: interps.map((i) => ({ version: i.version, path: i.path, full: i.full })),
    rows: out,
  };
}

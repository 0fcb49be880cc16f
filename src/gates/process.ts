/**
 * Child processes for gates. Each gate runs as the leader of its own process group
 * (`detached` = setsid), so a timeout or Ctrl-C can end the gate *and everything it
 * started* (pytest-xdist workers, a shell's children) with one kill(-pgid) — killing only
 * the direct child would orphan the rest. Output goes straight to the gate's log file
 * descriptor: no piping through us, nothing lost if we die.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";

export interface CaptureResult {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: NodeJS.ErrnoException;
}

/** Run briefly and collect output (probes: python -c, uv python find). Never throws. */
export function capture(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CaptureResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    } catch (e) {
      resolve({ code: null, stdout: "", stderr: "", error: e as NodeJS.ErrnoException });
      return;
    }
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("error", (error) => resolve({ code: null, stdout, stderr, error }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface GroupResult {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
  /** The program could not be started (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException;
}

/** Process groups alive right now, so an interrupt can end them all. */
const live = new Map<number, () => void>();

/** Seconds between SIGTERM and SIGKILL: lets pytest/mypy print their summary and clean up. */
export const KILL_GRACE_MS = 2000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === "win32") {
      // No process groups on Windows: taskkill /T ends the tree.
      spawn("taskkill", ["/pid", String(pid), "/T", "/F"], { stdio: "ignore" });
    } else process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function groupExists(pgid: number): boolean {
  if (process.platform === "win32") return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Wait (bounded) until no member of the group is left; unreaped zombies keep it "existing" briefly. */
async function groupGone(pgid: number, maxMs = 1000): Promise<void> {
  for (let waited = 0; waited < maxMs && groupExists(pgid); waited += 20)
    await new Promise((r) => setTimeout(r, 20));
}

export interface GroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Output (stdout + stderr) is appended to this file. */
  logFile: string;
  timeoutMs: number;
}

/** Run argv as its own process group, output to logFile; resolves when the group is done. */
export function runGroup(argv: string[], o: GroupOptions): Promise<GroupResult> {
  const started = performance.now();
  const fd = openSync(o.logFile, "a");
  return new Promise((resolve) => {
    let timedOut = false;
    let interrupted = false;
    let child: ChildProcess;
    const done = (r: Omit<GroupResult, "timedOut" | "interrupted" | "durationMs">) => {
      try {
        closeSync(fd);
      } catch {}
      resolve({ ...r, timedOut, interrupted, durationMs: performance.now() - started });
    };
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        cwd: o.cwd,
        env: o.env,
        stdio: ["ignore", fd, fd],
        detached: process.platform !== "win32",
        windowsHide: true,
      });
    } catch (e) {
      done({ code: null, signal: null, spawnError: e as NodeJS.ErrnoException });
      return;
    }
    const pid = child.pid;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    // SIGTERM the whole group, then SIGKILL whatever is left after the grace period.
    const stop = () => {
      if (!pid || killTimer) return;
      killGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    if (pid)
      live.set(pid, () => {
        interrupted = true;
        stop();
      });
    child.on("error", (e) => {
      clearTimeout(timer);
      if (pid) live.delete(pid);
      done({ code: null, signal: null, spawnError: e as NodeJS.ErrnoException });
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (pid) live.delete(pid);
      if (killTimer) {
        // The leader is gone, but members that ignored SIGTERM may not be: finish them now,
        // and report only once the group is gone, so "stopped" means no process is left.
        clearTimeout(killTimer);
        killGroup(pid!, "SIGKILL");
        void groupGone(pid!).then(() => done({ code, signal }));
        return;
      }
      done({ code, signal });
    });
  });
}

/** End every running gate's process group (SIGTERM, then SIGKILL after the grace period). */
export function stopAllGroups(): number {
  const n = live.size;
  for (const stop of [...live.values()]) stop();
  return n;
}

export function liveGroups(): number {
  return live.size;
}

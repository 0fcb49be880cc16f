/**
 * `.shipline/lock`: one shipline at a time per checkpoint. The lock file is created whole
 * (written to a temp file, then hard-linked into place, which fails if a lock exists), so no
 * reader ever sees a half-written holder. A lock whose holder is a dead pid on this host is
 * stale and is taken over by renaming it aside first (only one contender can win a rename);
 * a live holder, or one on another host we cannot check, is never stolen.
 */
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { ShiplineError } from "../errors.ts";

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export class LockedError extends ShiplineError {}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | "missing" | "unreadable" {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return typeof h.pid === "number" && typeof h.host === "string" ? h : "unreadable";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "unreadable";
  }
}

export class Lock {
  private constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {}

  static acquire(path: string, command: string): Lock {
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      command,
    };
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
    closeSync(fd);
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          linkSync(tmp, path);
          return new Lock(path, holder);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        const current = readHolder(path);
        if (current === "missing") continue;
        if (current === "unreadable")
          throw new LockedError(
            `the lock file ${path} is unreadable`,
            "if no shipline is running, delete that file and run again",
          );
        if (current.host !== holder.host)
          throw new LockedError(
            `${path} is held by pid ${current.pid} on host ${current.host} (since ${current.startedAt}); shipline cannot check a process on another host`,
            "if that run is gone, delete the lock file and run again",
          );
        if (pidAlive(current.pid))
          throw new LockedError(
            `another shipline (${current.command}, pid ${current.pid}, started ${current.startedAt}) holds ${path}`,
            "wait for it to finish; if it is stuck, stop that process first",
          );
        // Stale: move it aside atomically so that two contenders cannot both take it over.
        // If another contender replaced the stale lock between our read and our rename, we
        // moved a live lock: put it back (link fails if yet another lock appeared meanwhile).
        const aside = `${path}.stale-${process.pid}`;
        try {
          renameSync(path, aside);
          const moved = readHolder(aside);
          if (
            typeof moved === "object" &&
            (moved.pid !== current.pid || moved.startedAt !== current.startedAt)
          ) {
            try {
              linkSync(aside, path);
            } catch {}
          }
          unlinkSync(aside);
        } catch {}
      }
      throw new LockedError(`could not take the lock ${path}`, "another shipline may be starting; run again");
    } finally {
      try {
        unlinkSync(tmp);
      } catch {}
    }
  }

  release(): void {
    const current = readHolder(this.path);
    if (typeof current === "object" && current.pid === this.holder.pid && current.host === this.holder.host) {
      try {
        unlinkSync(this.path);
      } catch {}
    }
  }
}

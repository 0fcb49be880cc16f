/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it
 * over the target, fsync the directory. A reader sees the old file or the new one, never a
 * torn one, whatever moment the process dies at (tests kill -9 it 200 times mid-write).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { ShiplineError } from "../errors.ts";
import { fault } from "./fault.ts";

/**
 * mkdir -p, failing as a user error that names where the folder came from (`what`, e.g.
 * "--out-dir dist2") instead of a bare ENOENT/EEXIST/EACCES.
 */
export function ensureDir(dir: string, what: string, mode?: number): void {
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(dir);
  } catch {}
  if (st && !st.isDirectory())
    throw new ShiplineError(
      `${what}: ${dir} exists and is not a directory`,
      "name a directory (or a path to create)",
    );
  if (st) return;
  try {
    mkdirSync(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new ShiplineError(
      `${what}: cannot create the directory ${dir} (${code})`,
      "name a directory you can write to, or create it first",
    );
  }
}

export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode = 0o644,
  faultPoint = "write",
): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const fd = openSync(tmp, "wx", mode);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    let off = 0;
    while (off < bytes.length) {
      off += writeSync(fd, bytes, off, bytes.length - off);
      fault(`${faultPoint}:mid-write`);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    fault(`${faultPoint}:before-rename`);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw e;
  }
  fault(`${faultPoint}:after-rename`);
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  // Directories cannot be opened for fsync on Windows; rename is already durable enough there.
  if (process.platform === "win32") return;
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The temp-file name writeFileAtomic uses: `.<name>.tmp-<pid>-<random>`. */
const TEMP = /^\..+\.tmp-(\d+)-[a-z0-9]{1,6}$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Delete the temp files of writers that were killed mid-write (their pid is gone), so a crash
 * leaves nothing behind once the work is resumed. `also` matches other names to sweep (group 1
 * is the pid). Files of live writers are left alone.
 */
export function sweepStaleTempFiles(dir: string, also?: RegExp): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = TEMP.exec(name) ?? also?.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {}
  }
}

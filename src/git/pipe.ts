/**
 * A pipe with a 1 MiB buffer for a streamed git command's output (Linux).
 *
 * Why: Bun drains a child's pipe only when its event loop runs, and plan's walk keeps the
 * thread busy with a batch of commits at a time. With the kernel's default 64 KiB, `git log`
 * then blocks about 400 commits ahead of the walk, and the two wait on each other in turn;
 * with 1 MiB (the unprivileged maximum, /proc/sys/fs/pipe-max-size) git keeps running.
 * Measured with alternating runs (bench/README.md): plans of 100k and 1M commits 2–5 %
 * faster; 10k within the noise. Making it costs ≈ 2 ms (loading bun:ffi and libc), so only
 * long walks ask for it (log.ts).
 *
 * Bun.spawn has no pipe-size option, so the pipe is made here through libc (pipe2, then fcntl
 * F_SETPIPE_SZ) and handed to Bun.spawn as a file descriptor. Both ends are close-on-exec, so
 * other children spawned meanwhile do not inherit them (an inherited write end would hold
 * back the reader's end of file). Best effort: on other systems, without glibc, or on any
 * failure there is no pipe here and the caller uses Bun's own.
 */
import type { Pointer } from "bun:ffi";

const O_CLOEXEC = 0o2000000;
const F_SETPIPE_SZ = 1031;
const SIZE = 1 << 20;

interface Libc {
  pipe2(fds: Pointer, flags: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  ptr(view: Int32Array): Pointer;
}

/** libc's functions once loaded; null when they cannot be (not Linux/glibc, no FFI). */
let libc: Libc | null | undefined;

function load(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (process.platform !== "linux") return libc;
  try {
    const ffi = require("bun:ffi") as typeof import("bun:ffi");
    const { symbols } = ffi.dlopen("libc.so.6", {
      pipe2: { args: ["ptr", "i32"], returns: "i32" },
      // variadic in C; its third argument is an int for F_SETPIPE_SZ
      fcntl: { args: ["i32", "i32", "i32"], returns: "i32" },
    });
    libc = {
      pipe2: (fds, flags) => symbols.pipe2(fds, flags),
      fcntl: (fd, cmd, arg) => symbols.fcntl(fd, cmd, arg),
      ptr: (view) => ffi.ptr(view),
    };
  } catch {
    // musl (no libc.so.6), or FFI unavailable: Bun's pipe
  }
  return libc;
}

export interface Pipe {
  read: number;
  write: number;
}

/** A close-on-exec pipe whose buffer holds 1 MiB (or the default, if the kernel refuses), or undefined. */
export function bigPipe(): Pipe | undefined {
  const c = load();
  if (!c) return undefined;
  try {
    const fds = new Int32Array(2);
    if (c.pipe2(c.ptr(fds), O_CLOEXEC) !== 0) return undefined;
    // A refusal (EPERM past the per-user pipe quota) leaves the default size: still a pipe.
    c.fcntl(fds[1] as number, F_SETPIPE_SZ, SIZE);
    return { read: fds[0] as number, write: fds[1] as number };
  } catch {
    return undefined;
  }
}

/**
 * md5, sha256 and blake2b-256 of a file in one read of the file (or only some of them: an
 * upload sends sha256 and blake2b-256, and md5 — the slowest — is only for `check`'s report).
 *
 * Large files: the main thread reads fixed chunks into a small ring of SharedArrayBuffer slots
 * and hashing workers (see workerGroups) hash every slot in parallel; a slot is refilled only
 * after every worker has hashed it, so memory stays at RING × CHUNK whatever the file size.
 * One thread doing the three in turn costs the sum of the three; in parallel it costs about the
 * slowest (md5, which cannot be split). Small files, or a runtime without workers: one thread.
 *
 * The worker is created from a Blob URL holding its source, so the compiled binary needs no
 * extra entry point (bun build --compile only embeds what the entry imports).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Digests } from "./types.ts";

export const ALGORITHMS = { md5: "md5", sha256: "sha256", blake2_256: "blake2b256" } as const;
export type Key = keyof typeof ALGORITHMS;
export const KEYS = Object.keys(ALGORITHMS) as Key[];

const CHUNK = 2 << 20;
const RING = 4;
/** Below this, starting the workers costs more than it saves. */
export const PARALLEL_MIN_BYTES = 16 << 20;

export interface FileDigests {
  size: number;
  digests: Digests;
}

/** One thread, streaming: the fallback, and the path for small files. */
export function digestFileSync(path: string, keys: readonly Key[] = KEYS): FileDigests {
  const hashers = keys.map((k) => new Bun.CryptoHasher(ALGORITHMS[k]));
  const fd = openSync(path, "r");
  const buf = new Uint8Array(1 << 20);
  let size = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      size += n;
      const view = buf.subarray(0, n);
      for (const h of hashers) h.update(view);
    }
  } finally {
    closeSync(fd);
  }
  const hex: Partial<Record<Key, string>> = {};
  keys.forEach((k, i) => {
    hex[k] = hashers[i]!.digest("hex");
  });
  return { size, digests: toDigests(hex) };
}

/** The digests computed; one not asked for is "". */
function toDigests(hex: Partial<Record<Key, string>>): Digests {
  return { md5: hex.md5 ?? "", sha256: hex.sha256 ?? "", blake2_256: hex.blake2_256 ?? "" };
}

const WORKER_SOURCE = `
let hashers = [];
self.onmessage = (e) => {
  const m = e.data;
  if (m.algos) { hashers = m.algos.map((a) => new Bun.CryptoHasher(a)); return; }
  if (m.done) { postMessage({ hex: hashers.map((h) => h.digest("hex")) }); return; }
  const view = new Uint8Array(m.sab, m.slot * m.chunk, m.len);
  for (const h of hashers) h.update(view);
  postMessage({ slot: m.slot });
};`;

let workerUrl: string | undefined;

/**
 * Which algorithms each worker hashes: each its own when there are cores enough. Else md5, the
 * slowest, which cannot be split, gets a worker to itself, and on two cores sha256
 * (hardware-accelerated) and blake2b share the other: together about as long as md5 alone.
 */
export function workerGroups(cores = availableParallelism(), keys: readonly Key[] = KEYS): Key[][] {
  if (cores >= keys.length) return keys.map((k) => [k]);
  return keys.includes("md5") ? [["md5"], keys.filter((k) => k !== "md5")] : [[...keys]];
}

function startWorkers(groups: Key[][]): Worker[] | undefined {
  try {
    workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
    return groups.map((g) => {
      const w = new Worker(workerUrl!);
      w.postMessage({ algos: g.map((k) => ALGORITHMS[k]) });
      return w;
    });
  } catch {
    return undefined;
  }
}

/** Digests with hashing workers; falls back to one thread for small files or without workers. */
export async function digestFile(
  path: string,
  opts: { parallel?: boolean; groups?: Key[][]; keys?: readonly Key[] } = {},
): Promise<FileDigests> {
  const keys = opts.keys ?? KEYS;
  const fd = openSync(path, "r");
  let closed = false;
  const close = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  try {
    const size = fstatSync(fd).size;
    // No digest asked for: nothing to read (with no worker, the ring below would never drain).
    if (keys.length === 0) return { size, digests: toDigests({}) };
    const parallel = opts.parallel ?? size >= PARALLEL_MIN_BYTES;
    const groups = opts.groups ?? workerGroups(undefined, keys);
    const workers = parallel ? startWorkers(groups) : undefined;
    if (!workers) {
      close();
      return digestFileSync(path, keys);
    }
    try {
      return await hashWithWorkers(fd, workers, groups);
    } finally {
      for (const w of workers) w.terminate();
    }
  } finally {
    close();
  }
}

function hashWithWorkers(fd: number, workers: Worker[], groups: Key[][]): Promise<FileDigests> {
  const sab = new SharedArrayBuffer(CHUNK * RING);
  const ring = new Uint8Array(sab);
  const pending = new Array<number>(RING).fill(0);
  const hex: Partial<Record<Key, string>> = {};
  let finished = 0;
  let size = 0;
  let eof = false;
  let inFlight = 0;
  return new Promise((resolve, reject) => {
    const fill = (slot: number) => {
      if (eof) return;
      let n: number;
      try {
        n = readSync(fd, ring, slot * CHUNK, CHUNK, null);
      } catch (e) {
        reject(e);
        return;
      }
      if (n <= 0) {
        eof = true;
        if (inFlight === 0) finish();
        return;
      }
      size += n;
      pending[slot] = workers.length;
      inFlight++;
      for (const w of workers) w.postMessage({ sab, slot, chunk: CHUNK, len: n });
    };
    const finish = () => {
      for (const w of workers) w.postMessage({ done: true });
    };
    workers.forEach((w, i) => {
      w.onerror = (e) => reject(new Error(`digest worker failed: ${e.message}`));
      w.onmessage = (e: MessageEvent<{ slot?: number; hex?: string[] }>) => {
        if (e.data.hex !== undefined) {
          groups[i]!.forEach((k, j) => {
            hex[k] = e.data.hex![j];
          });
          if (++finished === workers.length) resolve({ size, digests: toDigests(hex) });
          return;
        }
        const slot = e.data.slot!;
        if (--pending[slot]! > 0) return;
        inFlight--;
        if (eof) {
          if (inFlight === 0) finish();
        } else fill(slot);
      };
    });
    for (let s = 0; s < RING && !eof; s++) fill(s);
  });
}

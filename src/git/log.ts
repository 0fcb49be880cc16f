/**
 * Streaming commit reader: `git log -z --format=%x1e%H%x1f%B [--name-only]`, parsed record by
 * record from bytes, so memory stays bounded on huge histories and nothing kept pins a big
 * chunk (each field is decoded on its own; see research/perf-notes.md). The consumer can stop
 * early (the generator's return kills git).
 *
 * Order is plain `git log` order (not first-parent), as release-please walks history; a merge
 * commit's file list is its diff against the first parent (what GitHub's API reports).
 */
import { gitStream } from "./git.ts";

export interface LogCommit {
  sha: string;
  /** Full message (%B), trimmed, as release-please's local Scm reads it. */
  message: string;
  /** Changed paths (empty when not requested). */
  files: string[];
}

export interface LogOptions {
  cwd: string;
  /** Revision(s) to walk, default HEAD. */
  revs?: string[];
  /** Read the changed paths too (needed for monorepos and exclude-paths). */
  files?: boolean;
  /** At most this many commits (release-please's commit-search-depth). */
  maxCount?: number;
}

const RS = 0x1e;
const US = 0x1f;
const NUL = 0;
const LF = 0x0a;

const decoder = new TextDecoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Parse one record starting at `start` (which holds RS). Returns the commit and the offset
 * after it, or undefined when the buffer does not yet hold the whole record.
 */
function parseRecord(
  buf: Uint8Array,
  start: number,
  eof: boolean,
  withFiles: boolean,
): { commit: LogCommit; next: number } | undefined {
  const us = buf.indexOf(US, start + 1);
  if (us < 0) return undefined;
  const bodyEnd = buf.indexOf(NUL, us + 1);
  if (bodyEnd < 0) return undefined;
  // One decode per record (sha and message together): fewer calls, and what a caller keeps
  // pins at most its own record, never a whole chunk.
  const record = decoder.decode(buf.subarray(start + 1, bodyEnd));
  const sha = record.slice(0, us - start - 1);
  const message = record.slice(us - start).trim();
  let pos = bodyEnd + 1;
  const files: string[] = [];
  if (withFiles) {
    if (pos >= buf.length && !eof) return undefined;
    if (buf[pos] === LF) {
      pos++;
      for (;;) {
        if (pos >= buf.length) {
          if (eof) break;
          return undefined;
        }
        if (buf[pos] === RS) break;
        const end = buf.indexOf(NUL, pos);
        if (end < 0) return undefined;
        files.push(decoder.decode(buf.subarray(pos, end)));
        pos = end + 1;
        if (pos >= buf.length && !eof) return undefined;
      }
    }
  }
  return { commit: { sha, message, files }, next: pos };
}

/**
 * A running `git log`: its commits, newest first, streamed in batches (all the whole records
 * of one read: one await per pipe read, not per commit); `stop()` kills git if unread.
 */
export interface LogStream extends AsyncIterable<LogCommit[]> {
  stop(): void;
}

/**
 * Walks longer than this read git through a 1 MiB pipe (pipe.ts): making it costs ≈ 2 ms (the
 * FFI's first load), which a 100k-commit walk repays 10 times over and a 10k one about breaks
 * even on (bench/README.md); the default commit-search-depth (500) never pays it.
 */
const BIG_PIPE_ABOVE = 5_000;

/** Commits newest first, streamed. git starts now (see gitStream), reading starts at the first iteration. */
export function readLog(o: LogOptions): LogStream {
  const args = ["log", "-z", "--format=%x1e%H%x1f%B"];
  if (o.files) args.push("--name-only", "--diff-merges=first-parent", "--no-ext-diff");
  if (o.maxCount !== undefined) args.push("-n", String(o.maxCount));
  args.push(...(o.revs ?? ["HEAD"]), "--");
  // GIT_FLUSH=0: git flushes after every commit when stdout is a pipe (one tiny chunk per
  // commit, ~20x more reads); fully buffered output streams the same bytes in big chunks.
  const long = o.maxCount === undefined || o.maxCount > BIG_PIPE_ABOVE;
  const stream = gitStream(args, { cwd: o.cwd, env: { GIT_FLUSH: "0" }, bigPipe: long });
  return { [Symbol.asyncIterator]: () => commits(stream, Boolean(o.files)), stop: stream.stop };
}

/** The records of a `git log -z --format=%x1e%H%x1f%B [--name-only]` byte stream, however it is cut into reads. */
export async function* commits(
  stream: AsyncIterable<Uint8Array>,
  withFiles: boolean,
): AsyncGenerator<LogCommit[]> {
  /** An unfinished record (starting at RS) from the previous reads. */
  let left: Uint8Array = new Uint8Array(0);
  /** Whole records of `buf` from `pos` into `out`; returns where the unfinished rest starts. */
  const drain = (buf: Uint8Array, pos: number, eof: boolean, out: LogCommit[]): number => {
    while (pos < buf.length) {
      if (buf[pos] !== RS) {
        pos++;
        continue;
      }
      const r = parseRecord(buf, pos, eof, withFiles);
      if (!r) break;
      out.push(r.commit);
      pos = r.next;
    }
    return pos;
  };
  for await (const chunk of stream) {
    const out: LogCommit[] = [];
    let start = 0;
    // The record that straddles the read boundary is finished from as little of the new chunk
    // as it needs: joining the whole chunk to it each time copied all of git's output once more.
    for (let take = Math.min(chunk.length, 4096); left.length > 0; take = Math.min(chunk.length, take * 4)) {
      const joined = concat(left, chunk.subarray(0, take));
      const end = drain(joined, 0, false, out);
      if (end >= left.length || take === chunk.length) {
        // finished inside the chunk (or the chunk alone cannot finish it: keep all of it)
        start = end >= left.length ? end - left.length : chunk.length;
        left = end >= left.length ? new Uint8Array(0) : joined.subarray(end);
        break;
      }
    }
    if (left.length === 0) {
      const end = drain(chunk, start, false, out);
      // subarray, not slice: the next join copies the leftover once
      left = end >= chunk.length ? new Uint8Array(0) : chunk.subarray(end);
    }
    if (out.length > 0) yield out;
  }
  const last: LogCommit[] = [];
  drain(left, 0, true, last);
  if (last.length > 0) yield last;
}

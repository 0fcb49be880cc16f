/**
 * A multipart/form-data body streamed from disk with an exact Content-Length.
 *
 * Not FormData(Bun.file(…)): Bun buffers such a body whole (≈1 GB RSS for a 500 MiB file,
 * measured). Here the small text parts are encoded up front, the file is read into one
 * reused buffer as the socket drains (each write is awaited: backpressure), and memory stays
 * at that buffer whatever the file size. The length is known before sending, as PyPI and twine expect.
 */
import { open } from "node:fs/promises";

/** Read size; one buffer of it is reused for the whole file. */
const CHUNK = 1 << 20;

export interface MultipartBody {
  contentType: string;
  length: number;
  /**
   * A fresh stream each call (a retry re-reads the file). `onBytes` gets the running total.
   * With `expectSha256`, the file is hashed as it is sent and the stream fails with a
   * ChangedFileError before the closing boundary if the bytes are not the expected ones: the
   * server never receives a complete request, so nothing is stored — a tamper check that costs
   * no extra read of the file.
   */
  stream(onBytes?: (sent: number) => void, expectSha256?: string): ReadableStream<Uint8Array>;
  /** Set when the last stream found the file changed (fetch may report it as a generic error). */
  changed?: ChangedFileError;
}

export class ChangedFileError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${path} changed: sha256 ${actual}, expected ${expected}`);
  }
}

const quote = (s: string) =>
  s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/[\r\n]/g, " ");

/** Bun's ReadableStream constructor, typed for direct sources (the DOM lib typing has no `type: "direct"`). */
const DirectStream = ReadableStream as unknown as new (
  source: Bun.DirectUnderlyingSource<Uint8Array>,
) => ReadableStream<Uint8Array>;

export function multipartBody(
  fields: [string, string][],
  file: { path: string; filename: string; size: number },
): MultipartBody {
  const boundary = `----shipline${crypto.randomUUID().replace(/-/g, "")}`;
  const enc = new TextEncoder();
  let head = "";
  for (const [name, value] of fields)
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${quote(file.filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const pre = enc.encode(head);
  const post = enc.encode(`\r\n--${boundary}--\r\n`);
  const length = pre.byteLength + file.size + post.byteLength;
  const self: MultipartBody = {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    stream(onBytes, expectSha256) {
      const source: Bun.DirectUnderlyingSource<Uint8Array> = {
        // A direct stream: each write goes straight to the request's socket buffer (Bun copies
        // what it accepts), so one buffer is reused for the whole file — no fresh chunk per
        // read for the GC to find, and no queue in between. 500 MiB over loopback: 0.83 s
        // against 1.16 s for a pull stream of fresh 256 KiB chunks, at 42 vs 66 MiB RSS.
        type: "direct",
        async pull(c: ReadableStreamDirectController) {
          const hasher = expectSha256 ? new Bun.CryptoHasher("sha256") : undefined;
          let sent = 0;
          const send = async (chunk: Uint8Array) => {
            // 0 (or false): the request is gone (aborted, timed out, reset) — stop reading the file
            if (!(await c.write(chunk)) && chunk.byteLength > 0)
              throw new Error("the connection closed while the file was being sent");
            sent += chunk.byteLength;
            onBytes?.(sent);
          };
          const fh = await open(file.path, "r");
          try {
            await send(pre);
            const buf = new Uint8Array(Math.min(CHUNK, Math.max(file.size, 1)));
            for (let fileSent = 0; fileSent < file.size; ) {
              const want = Math.min(buf.byteLength, file.size - fileSent);
              const { bytesRead } = await fh.read(buf, 0, want, fileSent);
              if (bytesRead === 0)
                throw new Error(`${file.path} shrank while uploading (expected ${file.size} bytes)`);
              fileSent += bytesRead;
              const chunk = buf.subarray(0, bytesRead);
              // Hash while the socket drains: the write is handed the chunk first (it only
              // reads it), so the hashing overlaps the wait instead of coming before it.
              const written = send(chunk);
              hasher?.update(chunk);
              await written;
            }
          } finally {
            await fh.close();
          }
          const actual = hasher?.digest("hex");
          if (expectSha256 && actual !== expectSha256) {
            self.changed = new ChangedFileError(file.path, expectSha256, actual ?? "");
            throw self.changed;
          }
          await send(post);
          c.close();
        },
      };
      return new DirectStream(source);
    },
  };
  return self;
}

/**
 * multipart/form-data parser for the PyPI stand-in. Hand-written because Bun's
 * Request.formData() drops each part's Content-Type (a File's `.type` is always ""), and
 * warehouse refuses a `content` part whose type is empty or image/* — the stand-in has to see it.
 */
export interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer;
}

export class MultipartError extends Error {}

export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!/^multipart\/form-data/i.test(contentType) || !boundary)
    throw new MultipartError("not multipart/form-data");
  const delim = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw new MultipartError("no boundary in body");
  for (;;) {
    pos += delim.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing "--"
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartError("malformed boundary line");
    pos += 2;
    const headEnd = body.indexOf("\r\n\r\n", pos);
    if (headEnd < 0) throw new MultipartError("unterminated part headers");
    const headers = body.subarray(pos, headEnd).toString("utf8").split("\r\n");
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delim]), headEnd + 4);
    if (next < 0) throw new MultipartError("unterminated part");
    const part: Part = { name: "", data: body.subarray(headEnd + 4, next) };
    for (const h of headers) {
      const colon = h.indexOf(":");
      const key = h.slice(0, colon).trim().toLowerCase();
      const value = h.slice(colon + 1).trim();
      if (key === "content-disposition") {
        part.name = /(?:^|;)\s*name="((?:[^"\\]|\\.)*)"/i.exec(value)?.[1] ?? "";
        const fn = /(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value)?.[1];
        if (fn !== undefined) part.filename = fn;
      } else if (key === "content-type") part.type = value;
    }
    parts.push(part);
    pos = next + 2;
  }
}

/**
 * The same, streaming: parts are recognised chunk by chunk, so a 500 MiB body is never held
 * whole (holding it costs seconds of page faults on a small VM, which would swamp the client
 * being measured). Text parts are collected; a file part's bytes go to `onFileData`, and its
 * Part gets an empty `data` plus the byte count in `size`.
 */
export async function parseMultipartStream(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  onFileData: (part: Part, chunk: Uint8Array) => void,
): Promise<(Part & { size: number })[]> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!/^multipart\/form-data/i.test(contentType) || !boundary)
    throw new MultipartError("not multipart/form-data");
  const first = Buffer.from(`--${boundary}`);
  const delim = Buffer.from(`\r\n--${boundary}`);
  const parts: (Part & { size: number })[] = [];
  type State = "preamble" | "after" | "headers" | "body" | "end";
  let state = "preamble" as State;
  let buf: Buffer = Buffer.alloc(0);
  let part: (Part & { size: number }) | undefined;
  let text: Buffer[] = [];
  const emit = (data: Buffer) => {
    if (!part || !data.length) return;
    part.size += data.length;
    if (part.filename !== undefined) onFileData(part, data);
    else text.push(data);
  };
  const step = (): boolean => {
    if (state === "preamble") {
      const i = buf.indexOf(first);
      if (i < 0) return false;
      buf = buf.subarray(i + first.length);
      state = "after";
    }
    if (state === "after") {
      if (buf.length < 2) return false;
      if (buf[0] === 0x2d && buf[1] === 0x2d) {
        state = "end";
        return false;
      }
      if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw new MultipartError("malformed boundary line");
      buf = buf.subarray(2);
      state = "headers";
    }
    if (state === "headers") {
      const i = buf.indexOf("\r\n\r\n");
      if (i < 0) return false;
      const headers = buf.subarray(0, i).toString("utf8").split("\r\n");
      buf = buf.subarray(i + 4);
      part = { name: "", data: Buffer.alloc(0), size: 0 };
      text = [];
      for (const h of headers) {
        const colon = h.indexOf(":");
        const key = h.slice(0, colon).trim().toLowerCase();
        const value = h.slice(colon + 1).trim();
        if (key === "content-disposition") {
          part.name = /(?:^|;)\s*name="((?:[^"\\]|\\.)*)"/i.exec(value)?.[1] ?? "";
          const fn = /(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value)?.[1];
          if (fn !== undefined) part.filename = fn;
        } else if (key === "content-type") part.type = value;
      }
      state = "body";
    }
    if (state === "body") {
      const i = buf.indexOf(delim);
      if (i < 0) {
        const keep = delim.length - 1;
        if (buf.length > keep) {
          emit(buf.subarray(0, buf.length - keep));
          buf = buf.subarray(buf.length - keep);
        }
        return false;
      }
      emit(buf.subarray(0, i));
      if (part!.filename === undefined) part!.data = Buffer.concat(text);
      parts.push(part!);
      buf = buf.subarray(i + delim.length);
      state = "after";
      return true;
    }
    return false;
  };
  for await (const chunk of body) {
    buf = buf.length
      ? Buffer.concat([buf, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (state !== "end" && step()) {}
  }
  if (state !== "end") throw new MultipartError("body ended before the closing boundary");
  return parts;
}

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

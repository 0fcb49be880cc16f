/** Reading user-owned JSON files with errors that name the file, the line and what to do. */
import { readFileSync, statSync } from "node:fs";
import { ShiplineError } from "../errors.ts";

/** Config files are small; anything bigger is hostile or a mistake, not a config. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export function readTextFile(path: string, display = path): string {
  let buf: Buffer;
  try {
    // Stat first: a FIFO would block the open, /dev/zero would be read until memory runs out,
    // and a huge file need not be read at all to be refused.
    const st = statSync(path);
    if (!st.isFile())
      throw new ShiplineError(
        `${display} is not a regular file (a ${st.isDirectory() ? "directory" : st.isFIFO() ? "named pipe" : "device or socket"})`,
        `replace ${display} with the file itself`,
      );
    if (st.size > MAX_CONFIG_BYTES)
      throw new ShiplineError(
        `${display} is ${st.size} bytes; config files over ${MAX_CONFIG_BYTES} bytes are refused`,
      );
    buf = readFileSync(path);
  } catch (e) {
    if (e instanceof ShiplineError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ShiplineError(
      `cannot read ${display}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  if (buf.length > MAX_CONFIG_BYTES)
    throw new ShiplineError(
      `${display} is ${buf.length} bytes; config files over ${MAX_CONFIG_BYTES} bytes are refused`,
    );
  return buf.toString("utf8").replace(/^\uFEFF/, "");
}

function position(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return "";
  const before = text.slice(0, Number(m[1]));
  const line = before.split("\n").length;
  const col = before.length - before.lastIndexOf("\n");
  return ` at line ${line}, column ${col}`;
}

export function parseJsonText(text: string, display: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    throw new ShiplineError(
      `${display} is not valid JSON${position(text, msg)}: ${msg.split("\n")[0]}`,
      `fix the JSON syntax in ${display}`,
    );
  }
}

export function readJsonFile(path: string, display = path): unknown {
  return parseJsonText(readTextFile(path, display), display);
}

export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (v === undefined) return "nothing";
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

/**
 * The end of a gate's log, read without loading the whole file: a gate can print gigabytes
 * (a runaway test), and reading it all to look for one message or to show it in an Actions
 * group ran shipline out of memory.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** The last `maxBytes` of the file as text (a cut UTF-8 sequence at the start is dropped), and whether it was cut. */
export function readTail(path: string, maxBytes: number): { text: string; truncated: boolean } {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, size - length + got);
      if (n === 0) break;
      got += n;
    }
    let start = 0;
    // skip UTF-8 continuation bytes left over from the cut
    if (length < size) while (start < got && (buf[start]! & 0xc0) === 0x80) start++;
    return { text: buf.subarray(start, got).toString("utf8"), truncated: length < size };
  } finally {
    closeSync(fd);
  }
}

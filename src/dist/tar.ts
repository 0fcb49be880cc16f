/**
 * A streaming reader for untrusted .tar.gz sdists: gunzip with a native stream (inflate.ts), then
 * walk the 512-byte tar headers in memory, keeping only the members the caller asks for.
 * Nothing is extracted to disk.
 *
 * Why hand-written (the tar header format is ~100 lines): the npm `tar` package is built around
 * extraction to disk and node streams, and `tar-stream` normalises away exactly what we must
 * refuse (GNU sparse members, pax sparse keys) while pulling in streamx and friends; neither
 * enforces a compression-ratio limit mid-stream. We need to see every raw header.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { ArchiveError, checkRatio, MAX_METADATA_BYTES, unsafePathReason } from "./archive-limits.ts";
import { pumpThrough } from "./inflate.ts";

export interface TarMember {
  name: string;
  type: "file" | "dir";
  size: number;
  /** Whether any execute bit is set (the part of the mode a checkout decides, not the umask). */
  executable: boolean;
  /** sha256 of a file's contents, when the scan was asked to hash them. */
  sha256?: string;
}

export interface TarScan {
  members: TarMember[];
  /** Contents of members the caller asked to keep (by exact name). */
  kept: Map<string, Uint8Array>;
}

const notAccepted = (reason: string) =>
  new ArchiveError(
    `tar archive not accepted: ${reason}. See https://docs.pypi.org/archives for more information`,
  );

function cString(b: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && b[end] !== 0) end++;
  return Buffer.from(b.subarray(start, end)).toString("utf8");
}

function octal(b: Uint8Array, start: number, len: number, what: string): number {
  if (b[start]! & 0x80) {
    // GNU base-256 for big numbers.
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i]!;
    return v;
  }
  const s = cString(b, start, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s))
    throw new ArchiveError(`corrupt tar header (${what} field ${JSON.stringify(s)} is not octal)`);
  return Number.parseInt(s, 8);
}

function parsePax(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const text = Buffer.from(data).toString("utf8");
  let p = 0;
  while (p < text.length) {
    const sp = text.indexOf(" ", p);
    if (sp < 0) break;
    const len = Number.parseInt(text.slice(p, sp), 10);
    if (!(len > 0)) throw new ArchiveError("corrupt pax extended header");
    const rec = text.slice(sp + 1, p + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    p += len;
  }
  return out;
}

/** Incremental tar walker fed with decompressed bytes. */
class TarWalker {
  readonly members: TarMember[] = [];
  readonly kept = new Map<string, Uint8Array>();
  private readonly seen = new Set<string>();
  private header = new Uint8Array(512);
  private headerFill = 0;
  /** Bytes of member data (plus padding) still to consume, and where they go. */
  private remaining = 0;
  private padding = 0;
  private sink: { buf: Uint8Array; at: number } | undefined;
  private hasher: Bun.CryptoHasher | undefined;
  private onDone: (() => void) | undefined;
  private zeroBlocks = 0;
  private ended = false;
  private pax: Map<string, string> | undefined;
  private longName: string | undefined;
  private offset = 0;

  constructor(
    private readonly keep: (name: string) => boolean,
    private readonly hashFiles = false,
  ) {}

  push(chunk: Uint8Array): void {
    let p = 0;
    while (p < chunk.length) {
      if (this.ended) return; // bytes after the end-of-archive blocks are ignored, like tarfile
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - p);
        if (this.sink) {
          this.sink.buf.set(chunk.subarray(p, p + n), this.sink.at);
          this.sink.at += n;
        }
        this.hasher?.update(chunk.subarray(p, p + n));
        this.remaining -= n;
        p += n;
        this.offset += n;
        if (this.remaining === 0) {
          const done = this.onDone;
          this.onDone = undefined;
          done?.();
          this.sink = undefined;
          this.hasher = undefined;
          this.remaining = this.padding;
          this.padding = 0;
        }
        continue;
      }
      const n = Math.min(512 - this.headerFill, chunk.length - p);
      this.header.set(chunk.subarray(p, p + n), this.headerFill);
      this.headerFill += n;
      p += n;
      this.offset += n;
      if (this.headerFill === 512) {
        this.headerFill = 0;
        this.onHeader(this.header);
      }
    }
  }

  end(): void {
    if (this.remaining > 0 || this.headerFill > 0)
      throw new ArchiveError("File is truncated (the tar stream ends inside a member)");
    if (!this.ended && this.zeroBlocks === 0 && this.members.length === 0)
      throw new ArchiveError("File is not a tarfile (no tar members)");
  }

  private data(size: number, into: Uint8Array | undefined, done?: () => void): void {
    this.remaining = size;
    this.padding = (512 - (size % 512)) % 512;
    this.sink = into ? { buf: into, at: 0 } : undefined;
    this.onDone = done;
    if (size === 0) {
      this.remaining = this.padding;
      this.padding = 0;
      this.sink = undefined;
      this.onDone = undefined;
      done?.();
    }
  }

  private onHeader(h: Uint8Array): void {
    if (h.every((b) => b === 0)) {
      if (++this.zeroBlocks === 2) this.ended = true;
      return;
    }
    if (this.zeroBlocks > 0) throw new ArchiveError("corrupt tar stream (a lone end-of-archive block)");
    const at = this.offset - 512;
    const stored = octal(h, 148, 8, "checksum");
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (sum !== stored)
      throw new ArchiveError(`File is not a tarfile or is corrupt (bad header checksum at byte ${at})`);
    const type = String.fromCharCode(h[156]!);
    const size = octal(h, 124, 12, "size");
    // read only to compare two sdists' execute bits: a mode field tarfile would refuse is not
    // this reader's to judge (check's findings stay what they were)
    let mode = 0;
    try {
      mode = octal(h, 100, 8, "mode");
    } catch {}
    const ustar = cString(h, 257, 6).startsWith("ustar");
    const prefix = ustar ? cString(h, 345, 155) : "";
    let name = cString(h, 0, 100);
    if (prefix) name = `${prefix}/${name}`;

    if (type === "x" || type === "g" || type === "L" || type === "K") {
      if (size > 1 << 20) throw new ArchiveError("tar extended header too large");
      const buf = new Uint8Array(size);
      this.data(size, buf, () => {
        if (type === "x") {
          this.pax = parsePax(buf);
          if ([...this.pax.keys()].some((k) => k.startsWith("GNU.sparse")))
            throw notAccepted("Sparse members are not allowed");
        } else if (type === "L") this.longName = cString(buf, 0, buf.length);
      });
      return;
    }
    if (this.pax?.has("path")) name = this.pax.get("path")!;
    else if (this.longName !== undefined) name = this.longName;
    const realSize = this.pax?.has("size") ? Number(this.pax.get("size")) : size;
    this.pax = undefined;
    this.longName = undefined;

    if (type === "S") throw notAccepted("Sparse members are not allowed");
    if (type === "1" || type === "2")
      throw new ArchiveError(
        `member ${JSON.stringify(name)} is a ${type === "2" ? "symbolic" : "hard"} link; distributions must not contain links`,
      );
    if (type === "3" || type === "4" || type === "6")
      throw new ArchiveError(`member ${JSON.stringify(name)} is a device or FIFO, not a file`);
    const isFile = type === "0" || type === "\0" || type === "7";
    if (!isFile && type !== "5")
      throw new ArchiveError(
        `member ${JSON.stringify(name)} has unsupported tar type ${JSON.stringify(type)}`,
      );

    const clean = name.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
    const unsafe = unsafePathReason(name.replace(/^(\.\/)+/, ""));
    if (unsafe) throw new ArchiveError(`unsafe member path ${JSON.stringify(name)}: it ${unsafe}`);
    if (clean === "" || clean === ".") {
      this.data(isFile ? realSize : 0, undefined);
      return;
    }
    if (this.seen.has(clean))
      throw new ArchiveError(`duplicate member ${JSON.stringify(clean)} in the tar archive`);
    this.seen.add(clean);
    const member: TarMember = {
      name: clean,
      type: isFile ? "file" : "dir",
      size: isFile ? realSize : 0,
      executable: (mode & 0o111) !== 0,
    };
    this.members.push(member);
    if (!isFile) {
      this.data(0, undefined);
      return;
    }
    const kept = this.keep(clean);
    if (kept && realSize > MAX_METADATA_BYTES)
      throw new ArchiveError(`${clean} is too large (${realSize} bytes)`);
    const buf = kept ? new Uint8Array(realSize) : undefined;
    const hash = this.hashFiles ? new Bun.CryptoHasher("sha256") : undefined;
    this.data(realSize, buf, () => {
      if (hash) member.sha256 = hash.digest("hex");
      if (buf) this.kept.set(clean, buf);
    });
    // push() feeds it the member's bytes (none for an empty member: data() ended it already)
    if (realSize > 0) this.hasher = hash;
  }
}

/** Walk a .tar.gz without extracting it; throws ArchiveError on anything unsafe or corrupt. */
export async function scanTarGz(
  path: string,
  keep: (name: string) => boolean,
  opts: { hashFiles?: boolean } = {},
): Promise<TarScan> {
  const fd = openSync(path, "r");
  try {
    const total = fstatSync(fd).size;
    const magic = Buffer.alloc(2);
    if (readSync(fd, magic, 0, 2, 0) < 2 || magic[0] !== 0x1f || magic[1] !== 0x8b)
      throw new ArchiveError("File is not a tarfile (not gzip-compressed)");
    const walker = new TarWalker(keep, opts.hashFiles === true);
    let produced = 0;
    try {
      await pumpThrough(fd, 0, total, createGunzip(), (chunk) => {
        produced += chunk.length;
        checkRatio(produced, total);
        walker.push(chunk);
      });
    } catch (e) {
      if (e instanceof ArchiveError) throw e;
      throw new ArchiveError(`File is not a tarfile or is corrupt (gzip: ${(e as Error).message})`);
    }
    walker.end();
    return { members: walker.members, kept: walker.kept };
  } finally {
    closeSync(fd);
  }
}

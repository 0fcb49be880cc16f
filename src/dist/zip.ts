/**
 * A read-only zip reader for untrusted wheels: parses the central directory and local headers
 * itself (so it can refuse what PyPI refuses — data descriptors, comments, trailing data,
 * duplicates, header mismatches, overlapping members — spec §1.5) and inflates single members
 * with a native streaming inflater (inflate.ts), counting output so a bomb stops early. Nothing is written to
 * disk; memory is one read chunk plus what the caller keeps.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createInflateRaw, inflateRawSync } from "node:zlib";
import { ArchiveError, checkRatio, READ_CHUNK, unsafePathReason } from "./archive-limits.ts";
import { pumpThrough } from "./inflate.ts";

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  csize: number;
  usize: number;
  localOffset: number;
  dataOffset: number;
  isDir: boolean;
  /** Unix permission bits, when the archive was made on Unix (external attributes); else undefined. */
  mode?: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Members up to this size are inflated in one call; larger ones are streamed. */
const SMALL_MEMBER = 4 << 20;

const notAccepted = (reason: string) =>
  new ArchiveError(
    `ZIP archive not accepted: ${reason}. See https://docs.pypi.org/archives for more information`,
  );

export class ZipReader {
  readonly entries: ZipEntry[] = [];
  private readonly byName = new Map<string, ZipEntry>();
  /** Decompressed bytes produced so far, for the bomb rule. */
  private produced = 0;

  private constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** Open and validate the structure; throws ArchiveError for anything PyPI or a safe reader would refuse. */
  static open(path: string): ZipReader {
    const fd = openSync(path, "r");
    const zip = new ZipReader(fd, fstatSync(fd).size);
    try {
      zip.parse();
    } catch (e) {
      zip.close();
      throw e;
    }
    return zip;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  private bytes(offset: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    const n = length === 0 ? 0 : readSync(this.fd, buf, 0, length, offset);
    if (n !== length)
      throw new ArchiveError("File is truncated (a zip record runs past the end of the file)");
    return buf;
  }

  private parse(): void {
    if (this.size < 22) throw new ArchiveError("File is not a zipfile (too short)");
    const tailLen = Math.min(this.size, 22 + 0xffff);
    const tail = this.bytes(this.size - tailLen, tailLen);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === SIG_EOCD) {
        at = i;
        break;
      }
    if (at < 0) throw new ArchiveError("File is not a zipfile (no end of central directory record)");
    const eocd = this.size - tailLen + at;
    const disk = tail.readUInt16LE(at + 4);
    const cdDisk = tail.readUInt16LE(at + 6);
    const count = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    const commentLen = tail.readUInt16LE(at + 20);
    if (at >= 20 && tail.readUInt32LE(at - 20) === SIG_ZIP64_LOCATOR)
      throw notAccepted("ZIP64 extensible data not allowed");
    if (disk !== 0 || cdDisk !== 0) throw notAccepted("Malformed zip file (multi-disk archive)");
    if (eocd + 22 + commentLen > this.size)
      throw new ArchiveError("File is truncated (zip comment runs past the end)");
    if (commentLen > 0) throw notAccepted("Comment in central directory");
    if (eocd + 22 + commentLen < this.size) throw notAccepted("Trailing data");
    if (cdOffset + cdSize !== eocd)
      throw notAccepted("Malformed zip file (central directory is not where the end record says)");
    const cd = this.bytes(cdOffset, cdSize);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL)
        throw notAccepted("Unknown record signature");
      const made = cd.readUInt16LE(p + 4);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const csize = cd.readUInt32LE(p + 20);
      const usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const cmtLen = cd.readUInt16LE(p + 32);
      const ext = cd.readUInt32LE(p + 38);
      const localOffset = cd.readUInt32LE(p + 42);
      if (p + 46 + nameLen + extraLen + cmtLen > cd.length) throw notAccepted("Malformed zip file");
      const rawName = cd.subarray(p + 46, p + 46 + nameLen);
      p += 46 + nameLen + extraLen + cmtLen;
      let name: string;
      try {
        name = utf8.decode(rawName);
      } catch {
        throw notAccepted("Filename not valid UTF-8");
      }
      if (/[\x00-\x1f\x7f]/.test(name))
        throw notAccepted(`Invalid character in filename ${JSON.stringify(name)}`);
      const unsafe = unsafePathReason(name);
      if (unsafe) throw new ArchiveError(`unsafe member path ${JSON.stringify(name)}: it ${unsafe}`);
      if (made >> 8 === 3 && ((ext >>> 16) & S_IFMT) === S_IFLNK)
        throw new ArchiveError(
          `member ${JSON.stringify(name)} is a symbolic link; distributions must not contain links`,
        );
      if (flags & 1) throw new ArchiveError(`member ${JSON.stringify(name)} is encrypted`);
      if (flags & 8) throw notAccepted("ZIP contains a data descriptor");
      if (method !== 0 && method !== 8)
        throw new ArchiveError(
          `File does not use a supported compression type (member ${JSON.stringify(name)} uses method ${method})`,
        );
      if (csize === 0xffffffff || usize === 0xffffffff || localOffset === 0xffffffff)
        throw notAccepted("ZIP64 extensible data not allowed");
      if (this.byName.has(name))
        throw notAccepted(`Duplicate filename in central directory (${JSON.stringify(name)})`);
      const entry: ZipEntry = {
        name,
        method,
        flags,
        crc,
        csize,
        usize,
        localOffset,
        dataOffset: 0,
        isDir: name.endsWith("/"),
        mode: made >> 8 === 3 ? (ext >>> 16) & 0o7777 : undefined,
      };
      this.entries.push(entry);
      this.byName.set(name, entry);
    }
    if (p !== cd.length)
      throw notAccepted("Malformed zip file (central directory size does not match its entries)");
    this.checkLocalHeaders(cdOffset);
    checkRatio(
      this.entries.reduce((s, e) => s + e.usize, 0),
      this.size,
    );
  }

  private checkLocalHeaders(cdOffset: number): void {
    const sorted = [...this.entries].sort((a, b) => a.localOffset - b.localOffset);
    let end = 0;
    for (const e of sorted) {
      if (e.localOffset < end)
        throw notAccepted(`Malformed zip file (member ${JSON.stringify(e.name)} overlaps another)`);
      if (e.localOffset + 30 > cdOffset)
        throw notAccepted("Malformed zip file (local header outside the data area)");
      const h = this.bytes(e.localOffset, 30);
      if (h.readUInt32LE(0) !== SIG_LOCAL) throw notAccepted("Unknown record signature");
      const nameLen = h.readUInt16LE(26);
      const extraLen = h.readUInt16LE(28);
      const name = this.bytes(e.localOffset + 30, nameLen).toString("utf8");
      if (name !== e.name)
        throw notAccepted(
          `Duplicate filename in local headers or name mismatch (${JSON.stringify(name)} vs ${JSON.stringify(e.name)})`,
        );
      if (h.readUInt16LE(6) & 8) throw notAccepted("ZIP contains a data descriptor");
      if (h.readUInt32LE(18) !== e.csize)
        throw notAccepted(`Mis-matched data size (${JSON.stringify(e.name)})`);
      if (h.readUInt32LE(22) !== e.usize)
        throw notAccepted(`Mis-matched file size (${JSON.stringify(e.name)})`);
      e.dataOffset = e.localOffset + 30 + nameLen + extraLen;
      end = e.dataOffset + e.csize;
      if (end > cdOffset)
        throw new ArchiveError(
          `File is truncated or malformed (data of ${JSON.stringify(e.name)} runs into the central directory)`,
        );
    }
  }

  /** Stream a member's decompressed bytes; verifies size and CRC, and stops a bomb early. */
  async stream(e: ZipEntry, onData: (chunk: Uint8Array) => void): Promise<void> {
    let out = 0;
    let crc = 0;
    const emit = (chunk: Uint8Array) => {
      out += chunk.length;
      this.produced += chunk.length;
      if (out > e.usize)
        throw notAccepted(
          `Mis-matched file size (${JSON.stringify(e.name)} inflates past its declared ${e.usize} bytes)`,
        );
      checkRatio(this.produced, this.size);
      crc = Bun.hash.crc32(chunk, crc);
      onData(chunk);
    };
    try {
      if (e.method === 8 && e.usize <= SMALL_MEMBER && e.csize <= e.usize + (e.usize >> 6) + 1024) {
        // Small members (almost all of them): one native call, output capped at the declared
        // size + 1 so a lie is caught without inflating further; no stream object per member
        // (tens of thousands of them in big wheels kept ~100 MB of native buffers alive).
        const comp = this.bytes(e.dataOffset, e.csize);
        let inflated: Buffer;
        try {
          inflated = inflateRawSync(comp, { maxOutputLength: e.usize + 1 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError)
            throw notAccepted(
              `Mis-matched file size (${JSON.stringify(e.name)} inflates past its declared ${e.usize} bytes)`,
            );
          throw err;
        }
        emit(inflated);
      } else if (e.method === 8) await pumpThrough(this.fd, e.dataOffset, e.csize, createInflateRaw(), emit);
      else {
        const buf = Buffer.alloc(Math.min(READ_CHUNK, Math.max(e.csize, 1)));
        for (let done = 0; done < e.csize; ) {
          const n = readSync(this.fd, buf, 0, Math.min(buf.length, e.csize - done), e.dataOffset + done);
          if (n <= 0) throw new ArchiveError("File is truncated");
          done += n;
          emit(buf.subarray(0, n));
          // A big stored member takes a while: let the digest workers' feeding (check reads the
          // archive while they hash) run between chunks.
          if (done < e.csize) await new Promise<void>((r) => setImmediate(r));
        }
      }
    } catch (err) {
      if (err instanceof ArchiveError) throw err;
      throw new ArchiveError(
        `corrupt compressed data in ${JSON.stringify(e.name)}: ${(err as Error).message}`,
      );
    }
    if (out !== e.usize)
      throw notAccepted(
        `Mis-matched file size (${JSON.stringify(e.name)}: ${out} bytes, declared ${e.usize})`,
      );
    if (crc >>> 0 !== e.crc >>> 0)
      throw new ArchiveError(`CRC mismatch in ${JSON.stringify(e.name)}: the file is corrupt`);
  }

  /** Whole member in memory, refusing anything larger than `max` bytes. */
  async read(e: ZipEntry, max: number): Promise<Uint8Array> {
    if (e.usize > max) throw new ArchiveError(`${e.name} is too large (${e.usize} bytes, limit ${max})`);
    const out = new Uint8Array(e.usize);
    let at = 0;
    await this.stream(e, (c) => {
      out.set(c, at);
      at += c.length;
    });
    return out;
  }
}

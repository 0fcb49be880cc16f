/**
 * Writers for crafted archives (tests only): every field under the test's control, so hostile
 * variants (traversal, links, duplicates, bombs, data descriptors, trailing bytes) can be made.
 */
import { createHash } from "node:crypto";

export interface ZipItem {
  name: string;
  data: Uint8Array | string;
  /** 0 stored, 8 deflate (default). */
  method?: 0 | 8;
  /** Unix mode for the external attributes (e.g. 0o120777 for a symlink). */
  mode?: number;
  flags?: number;
  /** Lie about the uncompressed size in both headers. */
  usizeOverride?: number;
  crcOverride?: number;
}

const enc = new TextEncoder();
const bytes = (d: Uint8Array | string) => (typeof d === "string" ? enc.encode(d) : d);

export function zip(items: ZipItem[], opts: { comment?: string; trailing?: Uint8Array } = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const it of items) {
    const raw = bytes(it.data);
    const method = it.method ?? 8;
    const comp = method === 8 ? Bun.deflateSync(raw as Uint8Array<ArrayBuffer>) : raw;
    const name = enc.encode(it.name);
    const crc = it.crcOverride ?? Bun.hash.crc32(raw);
    const usize = it.usizeOverride ?? raw.length;
    const flags = (it.flags ?? 0) | 0x800;
    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(usize, 22);
    local.writeUInt16LE(name.length, 26);
    local.set(name, 30);
    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(usize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((it.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    central.set(name, 46);
    locals.push(local, comp);
    centrals.push(central);
    offset += local.length + comp.length;
  }
  const cdSize = centrals.reduce((s, c) => s + c.length, 0);
  const comment = enc.encode(opts.comment ?? "");
  const eocd = Buffer.alloc(22 + comment.length);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(items.length, 8);
  eocd.writeUInt16LE(items.length, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  eocd.set(comment, 22);
  return Buffer.concat([...locals, ...centrals, eocd, opts.trailing ?? new Uint8Array(0)]);
}

export const recordHash = (d: Uint8Array | string) =>
  `sha256=${createHash("sha256").update(bytes(d)).digest("base64url")}`;

/** A valid wheel's members (METADATA, WHEEL, RECORD computed) plus `extra` items. */
export function wheelItems(
  name: string,
  version: string,
  metadata: string,
  extra: ZipItem[] = [],
  opts: { record?: boolean } = {},
): ZipItem[] {
  const di = `${name}-${version}.dist-info`;
  const items: ZipItem[] = [
    { name: `${name}/__init__.py`, data: `__version__ = "${version}"\n` },
    ...extra,
    { name: `${di}/METADATA`, data: metadata },
    {
      name: `${di}/WHEEL`,
      data: "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    },
  ];
  if (opts.record === false) return items;
  const lines = items.map((i) => `${i.name},${recordHash(i.data)},${bytes(i.data).length}`);
  lines.push(`${di}/RECORD,,`);
  return [...items, { name: `${di}/RECORD`, data: `${lines.join("\n")}\n` }];
}

export function metadata(
  name: string,
  version: string,
  opts: { contentType?: string; description?: string; extra?: string } = {},
): string {
  let s = `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: test package\n`;
  if (opts.contentType) s += `Description-Content-Type: ${opts.contentType}\n`;
  if (opts.extra) s += opts.extra;
  if (opts.description !== undefined) s += `\n${opts.description}`;
  return s;
}

// ---------------------------------------------------------------------------------- tar

export interface TarItem {
  name: string;
  data?: Uint8Array | string;
  /** "0" file (default), "5" dir, "2" symlink, "1" hardlink, "S" GNU sparse, "x" pax header… */
  type?: string;
  linkname?: string;
  /** Declared size when it must differ from the data (truncation tests). */
  size?: number;
}

function octal(buf: Buffer, value: number, at: number, len: number): void {
  buf.write(`${value.toString(8).padStart(len - 1, "0")}\0`, at, len, "ascii");
}

export function tarHeader(it: TarItem, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(it.name.slice(0, 100), 0, 100, "utf8");
  octal(h, it.type === "5" ? 0o755 : 0o644, 100, 8);
  octal(h, 0, 108, 8);
  octal(h, 0, 116, 8);
  octal(h, size, 124, 12);
  octal(h, 0, 136, 12);
  h.write(it.type ?? "0", 156, 1, "ascii");
  if (it.linkname) h.write(it.linkname, 157, 100, "utf8");
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return h;
}

export function tar(items: TarItem[], opts: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const it of items) {
    const data = it.data === undefined ? new Uint8Array(0) : bytes(it.data);
    parts.push(tarHeader(it, it.size ?? data.length));
    parts.push(data);
    const pad = (512 - (data.length % 512)) % 512;
    parts.push(new Uint8Array(pad));
  }
  if (opts.end !== false) parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

export const tarGz = (items: TarItem[], opts: { end?: boolean } = {}) =>
  Bun.gzipSync(tar(items, opts) as Uint8Array<ArrayBuffer>);

/** A valid sdist's members: `<top>/PKG-INFO`, `<top>/pyproject.toml`, plus `extra`. */
export function sdistItems(top: string, pkgInfo: string, extra: TarItem[] = []): TarItem[] {
  return [
    { name: `${top}/`, type: "5" },
    { name: `${top}/PKG-INFO`, data: pkgInfo },
    { name: `${top}/pyproject.toml`, data: '[project]\nname = "x"\n' },
    ...extra,
  ];
}

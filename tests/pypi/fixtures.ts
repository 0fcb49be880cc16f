/**
 * Real, installable distributions for upload tests, made in-process (no Python build needed):
 * a pure wheel (zip with METADATA/WHEEL/RECORD whose hashes are right) and a PEP 625 sdist
 * (ustar + gzip with PKG-INFO and pyproject.toml). `pad` adds bytes to make files large.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";

export interface DistOptions {
  name?: string;
  version?: string;
  /** Extra text in the module (changes the bytes, keeps the filename). */
  variant?: string;
  summary?: string;
  /** Bytes of incompressible padding added to the wheel (a big upload). */
  pad?: number;
  /** Classifier lines instead of the two defaults. */
  classifiers?: string[];
}

const enc = (s: string) => new TextEncoder().encode(s);
const under = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "_");

function metadata(o: Required<Pick<DistOptions, "name" | "version">> & DistOptions): string {
  return [
    "Metadata-Version: 2.1",
    `Name: ${o.name}`,
    `Version: ${o.version}`,
    `Summary: ${o.summary ?? "A demo package for shipline tests"}`,
    "Home-page: https://example.invalid/demo",
    "Author: Demo Author",
    "Author-email: demo@example.invalid",
    "License: MIT",
    "Keywords: demo,test",
    ...(
      o.classifiers ?? ["Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License"]
    ).map((c) => `Classifier: ${c}`),
    "Requires-Python: >=3.8",
    "Project-URL: Source, https://example.invalid/src",
    "Description-Content-Type: text/markdown",
    "",
    `# ${o.name}`,
    "",
    "A demo package.",
    "",
  ].join("\n");
}

function recordHash(data: Uint8Array): string {
  return `sha256=${new Bun.CryptoHasher("sha256").update(data).digest("base64url")}`;
}

export function makeWheel(dir: string, o: DistOptions = {}): string {
  const name = o.name ?? "demo-pkg";
  const version = o.version ?? "1.0.0";
  const mod = under(name);
  const info = `${mod}-${version}.dist-info`;
  const files: Record<string, Uint8Array> = {
    [`${mod}/__init__.py`]: enc(
      `__version__ = "${version}"\n${o.variant ? `VARIANT = ${JSON.stringify(o.variant)}\n` : ""}`,
    ),
    [`${info}/METADATA`]: enc(metadata({ ...o, name, version })),
    [`${info}/WHEEL`]: enc(
      "Wheel-Version: 1.0\nGenerator: shipline-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    ),
  };
  if (o.pad) files[`${mod}/blob.bin`] = crypto.getRandomValues(new Uint8Array(o.pad));
  const record = `${Object.entries(files)
    .map(([p, d]) => `${p},${recordHash(d)},${d.byteLength}`)
    .join("\n")}\n${info}/RECORD,,\n`;
  files[`${info}/RECORD`] = enc(record);
  const zipped = zipSync(
    Object.fromEntries(Object.entries(files).map(([p, d]) => [p, [d, { level: o.pad ? 0 : 6 }]])),
    { mtime: new Date("2026-01-01T00:00:00Z") },
  );
  const path = join(dir, `${mod}-${version}-py3-none-any.whl`);
  writeFileSync(path, zipped);
  return path;
}

function tarHeader(name: string, size: number, type: "0" | "5"): Uint8Array {
  const h = new Uint8Array(512);
  const put = (off: number, len: number, s: string) => h.set(enc(s).subarray(0, len), off);
  const oct = (n: number, len: number) => `${n.toString(8).padStart(len - 1, "0")}\0`;
  put(0, 100, name);
  put(100, 8, oct(type === "5" ? 0o755 : 0o644, 8));
  put(108, 8, oct(0, 8));
  put(116, 8, oct(0, 8));
  put(124, 12, oct(size, 12));
  put(136, 12, oct(1767225600, 12));
  put(148, 8, "        ");
  put(156, 1, type);
  put(257, 6, "ustar\0");
  put(263, 2, "00");
  let sum = 0;
  for (const b of h) sum += b;
  put(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return h;
}

export function makeSdist(dir: string, o: DistOptions = {}): string {
  const name = o.name ?? "demo-pkg";
  const version = o.version ?? "1.0.0";
  const mod = under(name);
  const top = `${mod}-${version}`;
  const members: [string, Uint8Array | null][] = [
    [`${top}/`, null],
    [`${top}/PKG-INFO`, enc(metadata({ ...o, name, version }))],
    [
      `${top}/pyproject.toml`,
      enc(
        `[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${name}"\nversion = "${version}"\n`,
      ),
    ],
    [`${top}/${mod}/`, null],
    [
      `${top}/${mod}/__init__.py`,
      enc(`__version__ = "${version}"\n${o.variant ? `VARIANT = ${JSON.stringify(o.variant)}\n` : ""}`),
    ],
  ];
  const chunks: Uint8Array[] = [];
  for (const [path, data] of members) {
    chunks.push(tarHeader(path, data?.byteLength ?? 0, data ? "0" : "5"));
    if (data) {
      chunks.push(data);
      const pad = (512 - (data.byteLength % 512)) % 512;
      if (pad) chunks.push(new Uint8Array(pad));
    }
  }
  chunks.push(new Uint8Array(1024));
  const tar = Buffer.concat(chunks);
  const path = join(dir, `${top}.tar.gz`);
  writeFileSync(path, Bun.gzipSync(tar));
  return path;
}

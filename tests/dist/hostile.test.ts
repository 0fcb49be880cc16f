/**
 * Hostile and broken archives: each must give a FAILED verdict with a reason that names the
 * problem — never a crash, never a file written next to the archive.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { checkDistribution } from "../../src/dist/check.ts";
import { tempDir } from "../helpers/repo.ts";
import { metadata, sdistItems, tar, tarGz, wheelItems, zip } from "./helpers/archives.ts";

const dir = tempDir("shipline-hostile-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const META = metadata("demo", "1.0", { contentType: "text/plain", description: "Hello" });
const WHEEL = "demo-1.0-py3-none-any.whl";
const SDIST = "demo-1.0.tar.gz";

async function verdictOf(filename: string, bytes: Uint8Array) {
  const sub = tempDir("shipline-hostile-case-");
  const path = join(sub, filename);
  writeFileSync(path, bytes);
  const r = await checkDistribution(path);
  // Nothing may be extracted or written next to the file.
  expect(readdirSync(sub)).toEqual([filename]);
  rmSync(sub, { recursive: true, force: true });
  return r;
}

async function expectFailed(filename: string, bytes: Uint8Array, reason: RegExp) {
  const r = await verdictOf(filename, bytes);
  expect(r.verdict).toBe("FAILED");
  expect(r.errors.join("\n")).toMatch(reason);
  return r;
}

describe("well-formed crafted archives pass (so the failures below are about the hostile part)", () => {
  test("wheel", async () => {
    const r = await verdictOf(WHEEL, zip(wheelItems("demo", "1.0", META)));
    expect(r.errors).toEqual([]);
    expect(r.verdict).toBe("PASSED");
  });
  test("sdist", async () => {
    const r = await verdictOf(SDIST, tarGz(sdistItems("demo-1.0", META)));
    expect(r.errors).toEqual([]);
    expect(r.verdict).toBe("PASSED");
  });
});

describe("hostile wheels", () => {
  test("a second METADATA spelt demo-1.0.dist-info/./METADATA", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META, [{ name: "demo-1.0.dist-info/./METADATA", data: META }])),
      /has an empty or `\.` component/,
    ));
  test("path traversal", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META, [{ name: "../evil.py", data: "x" }])),
      /path traversal/,
    ));
  test("absolute path", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META, [{ name: "/etc/evil", data: "x" }])),
      /absolute path/,
    ));
  test("backslash path", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META, [{ name: "..\\evil", data: "x" }])),
      /backslash/,
    ));
  test("symlink member", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META, [{ name: "demo/link", data: "/etc/passwd", mode: 0o120777 }])),
      /symbolic link/,
    ));
  test("duplicate entries", () => {
    const items = wheelItems("demo", "1.0", META);
    return expectFailed(WHEEL, zip([...items, items[0]!]), /Duplicate filename/);
  });
  test("zip bomb: 100 MiB of zeros in a small file, stopped by the ratio limit", async () => {
    const bomb = new Uint8Array(100 << 20);
    const r = await expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META, [{ name: "demo/bomb.bin", data: bomb }])),
      /compression ratio of 50/,
    );
    expect(r.size).toBeLessThan(1 << 20);
  }, 30_000);
  test("a member that inflates past its declared size", () =>
    expectFailed(
      WHEEL,
      zip(
        wheelItems("demo", "1.0", META, [
          { name: "demo/big.bin", data: "A".repeat(100_000), usizeOverride: 10 },
        ]),
      ),
      /Mis-matched file size|inflates past/,
    ));
  test("corrupt data (CRC mismatch)", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META, [{ name: "demo/x.py", data: "print(1)\n", crcOverride: 1234 }])),
      /CRC mismatch/,
    ));
  test("truncated file", () => {
    const whole = zip(wheelItems("demo", "1.0", META));
    return expectFailed(WHEEL, whole.subarray(0, whole.length - 40), /not a zipfile|truncated|Malformed/i);
  });
  test("trailing data", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META), { trailing: new Uint8Array(10) }),
      /Trailing data/,
    ));
  test("comment in central directory", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META), { comment: "hi" }),
      /Comment in central directory/,
    ));
  test("data descriptor (streaming zip writer)", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META, [{ name: "demo/d.py", data: "x", flags: 8 }])),
      /data descriptor/,
    ));
  test("not an archive at all", () =>
    expectFailed(WHEEL, new TextEncoder().encode("hello, I am text\n".repeat(10)), /not a zipfile/));
  test("empty file", () => expectFailed(WHEEL, new Uint8Array(0), /not a zipfile/));
  test("missing RECORD", () =>
    expectFailed(WHEEL, zip(wheelItems("demo", "1.0", META, [], { record: false })), /required RECORD file/));
  test("a member changed after RECORD was written", () => {
    const items = wheelItems("demo", "1.0", META);
    items[0] = { ...items[0]!, data: "tampered = True\n" };
    return expectFailed(WHEEL, zip(items), /does not match its RECORD hash/);
  });
  test("hex digests in RECORD (some build tools) are a warning when the content matches", async () => {
    const items = wheelItems("demo", "1.0", META, [], { record: false });
    const hex = (d: string | Uint8Array) => new Bun.CryptoHasher("sha256").update(d).digest("hex");
    const lines = items.map((i) => `${i.name},sha256=${hex(i.data)},${Buffer.from(i.data).length}`);
    items.push({
      name: "demo-1.0.dist-info/RECORD",
      data: `${lines.join("\n")}\ndemo-1.0.dist-info/RECORD,,\n`,
    });
    const r = await verdictOf(WHEEL, zip(items));
    expect(r.verdict).toBe("PASSED with warnings");
    expect(r.warnings.join()).toContain("hex digests");
  });
  test("a member not listed in RECORD", () => {
    const items = wheelItems("demo", "1.0", META);
    return expectFailed(WHEEL, zip([{ name: "demo/sneaky.py", data: "x" }, ...items]), /not in RECORD/);
  });
  test("missing METADATA", () => {
    const items = wheelItems("demo", "1.0", META).filter((i) => !i.name.endsWith("METADATA"));
    return expectFailed(WHEEL, zip(items), /required METADATA file/);
  });
  test("unsupported compression method", () => {
    const bytes = zip(wheelItems("demo", "1.0", META, [{ name: "demo/x", data: "x", method: 0 }]));
    // Patch the method of that member (stored → 12, bzip2) in both headers.
    const buf = Buffer.from(bytes);
    for (let i = 0; i < buf.length - 4; i++) {
      const sig = buf.readUInt32LE(i);
      if (sig === 0x04034b50 && buf.toString("utf8", i + 30, i + 36) === "demo/x")
        buf.writeUInt16LE(12, i + 8);
      if (sig === 0x02014b50 && buf.toString("utf8", i + 46, i + 52) === "demo/x")
        buf.writeUInt16LE(12, i + 10);
    }
    return expectFailed(WHEEL, buf, /supported compression type/);
  });
});

describe("hostile sdists", () => {
  const top = "demo-1.0";
  const OTHER = metadata("demo", "1.0", { contentType: "text/plain", description: "Other" });
  for (const spelling of [`${top}/./PKG-INFO`, `${top}//PKG-INFO`])
    test(`a second PKG-INFO spelt ${spelling} (an extractor writes it over the checked one)`, () =>
      expectFailed(
        SDIST,
        tarGz(sdistItems(top, META, [{ name: spelling, data: OTHER }])),
        /has an empty or `\.` component/,
      ));
  test("path traversal", () =>
    expectFailed(
      SDIST,
      tarGz(sdistItems(top, META, [{ name: `${top}/../../evil`, data: "x" }])),
      /path traversal/,
    ));
  test("absolute path", () =>
    expectFailed(SDIST, tarGz(sdistItems(top, META, [{ name: "/tmp/evil", data: "x" }])), /absolute path/));
  test("symlink", () =>
    expectFailed(
      SDIST,
      tarGz(sdistItems(top, META, [{ name: `${top}/link`, type: "2", linkname: "/etc/passwd" }])),
      /symbolic link/,
    ));
  test("hard link", () =>
    expectFailed(
      SDIST,
      tarGz(sdistItems(top, META, [{ name: `${top}/hard`, type: "1", linkname: `${top}/PKG-INFO` }])),
      /hard link/,
    ));
  test("GNU sparse member", () =>
    expectFailed(
      SDIST,
      tarGz(sdistItems(top, META, [{ name: `${top}/sparse`, type: "S", data: "" }])),
      /Sparse/,
    ));
  test("pax sparse keys", () =>
    expectFailed(
      SDIST,
      tarGz([
        ...sdistItems(top, META),
        { name: "PaxHeader", type: "x", data: "30 GNU.sparse.major=1\n" },
        { name: `${top}/s`, data: "x" },
      ]),
      /Sparse/,
    ));
  test("duplicate members", () =>
    expectFailed(
      SDIST,
      tarGz([...sdistItems(top, META), { name: `${top}/PKG-INFO`, data: META }]),
      /duplicate member/,
    ));
  test("device file", () =>
    expectFailed(SDIST, tarGz(sdistItems(top, META, [{ name: `${top}/dev`, type: "3" }])), /device or FIFO/));
  test("gzip bomb", async () => {
    const r = await expectFailed(
      SDIST,
      tarGz(sdistItems(top, META, [{ name: `${top}/zeros`, data: new Uint8Array(100 << 20) }])),
      /compression ratio of 50/,
    );
    expect(r.size).toBeLessThan(1 << 20);
  }, 30_000);
  test("truncated gzip stream", () => {
    const whole = tarGz(sdistItems(top, META, [{ name: `${top}/f`, data: "x".repeat(5000) }]));
    return expectFailed(SDIST, whole.subarray(0, whole.length / 2), /corrupt|truncated/i);
  });
  test("tar that ends inside a member", () =>
    expectFailed(
      SDIST,
      Bun.gzipSync(
        tar(sdistItems(top, META, [{ name: `${top}/f`, data: "abc", size: 4096 }]), {
          end: false,
        }) as Uint8Array<ArrayBuffer>,
      ),
      /truncated/i,
    ));
  test("corrupt header checksum", () => {
    const raw = Buffer.from(tar(sdistItems(top, META)));
    raw[600] = raw[600]! ^ 0xff; // inside the second header's name field
    return expectFailed(SDIST, Bun.gzipSync(raw), /checksum/);
  });
  test("two top-level directories", () =>
    expectFailed(
      SDIST,
      tarGz([...sdistItems(top, META), { name: "other/x", data: "x" }]),
      /top-level directories/,
    ));
  test("missing PKG-INFO", () =>
    expectFailed(
      SDIST,
      tarGz([
        { name: `${top}/`, type: "5" },
        { name: `${top}/setup.py`, data: "" },
      ]),
      /PKG-INFO not found/,
    ));
  test("gzip of something that is not a tar", () =>
    expectFailed(
      SDIST,
      Bun.gzipSync(new TextEncoder().encode("not a tar file ".repeat(100))),
      /not a tarfile|corrupt/i,
    ));
  test("not gzip at all", () =>
    expectFailed(SDIST, new TextEncoder().encode("PK\x03\x04 plain"), /not gzip/));
});

describe("file names and metadata", () => {
  test("wheel name that PyPI would refuse", () =>
    expectFailed("demo-1.0-py3-none.whl", zip(wheelItems("demo", "1.0", META)), /wrong number of parts/));
  test("sdist not named like PEP 625 wants", () =>
    expectFailed(
      "Demo-1.0.tar.gz",
      tarGz(sdistItems("Demo-1.0", metadata("Demo", "1.0", { contentType: "text/plain", description: "x" }))),
      /should be 'demo-1.0.tar.gz'/,
    ));
  test("version in the file name differs from the metadata", () =>
    expectFailed(
      "demo-1.1-py3-none-any.whl",
      zip(wheelItems("demo", "1.1", META)),
      /Version in filename should be '1.0' not '1.1'/,
    ));
  test(".zip sdist", () =>
    expectFailed("demo-1.0.zip", zip([{ name: "demo-1.0/PKG-INFO", data: META }]), /PEP 625/));
  test("unknown extension", () =>
    expectFailed("demo-1.0.egg", new Uint8Array(10), /Unknown distribution format/));
  test("missing Name/Version", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", "Metadata-Version: 2.1\nName: demo\n\nbody")),
      /required field Version/,
    ));
  test("unsupported Metadata-Version", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META.replace("2.1", "3.0"))),
      /not a valid metadata version/,
    ));
  test("License-Expression with an old Metadata-Version is a warning naming the fix", async () => {
    const r = await verdictOf(
      WHEEL,
      zip(
        wheelItems(
          "demo",
          "1.0",
          metadata("demo", "1.0", {
            contentType: "text/plain",
            description: "x",
            extra: "License-Expression: MIT\n",
          }),
        ),
      ),
    );
    expect(r.verdict).toBe("PASSED with warnings");
    expect(r.warnings.join("\n")).toMatch(/introduced in metadata version 2.4, not 2.1/);
  });
  test("Metadata-Version 2.0 (never a standard) is refused", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", META.replace("2.1", "2.0"))),
      /2.0 was never a standard/,
    ));
  test("Metadata-Version 2.5 with Import-Name is fine", async () => {
    const meta = metadata("demo", "1.0", {
      contentType: "text/plain",
      description: "x",
      extra: "Import-Name: demo\n",
    });
    const r = await verdictOf(WHEEL, zip(wheelItems("demo", "1.0", meta.replace("2.1", "2.5"))));
    expect(r.verdict).toBe("PASSED");
    expect(r.metadata["Import-Name"]).toEqual(["demo"]);
  });
  test("a plain linux_x86_64 wheel is refused like PyPI does; manylinux is fine", async () => {
    await expectFailed(
      "demo-1.0-cp311-cp311-linux_x86_64.whl",
      zip(wheelItems("demo", "1.0", META)),
      /unsupported platform tag 'linux_x86_64'/,
    );
    const ok = await verdictOf(
      "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      zip(wheelItems("demo", "1.0", META)),
    );
    expect(ok.verdict).toBe("PASSED");
  });
  test("License-File (Metadata 2.4) must exist in the archive", async () => {
    const meta = metadata("demo", "1.0", {
      contentType: "text/plain",
      description: "x",
      extra: "License-Expression: MIT\nLicense-File: LICENSE\n",
    }).replace("2.1", "2.4");
    await expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", meta)),
      /License-File LICENSE does not exist .* at demo-1.0.dist-info\/licenses\/LICENSE/,
    );
    const ok = await verdictOf(
      WHEEL,
      zip(wheelItems("demo", "1.0", meta, [{ name: "demo-1.0.dist-info/licenses/LICENSE", data: "MIT" }])),
    );
    expect(ok.verdict).toBe("PASSED");
    await expectFailed(
      SDIST,
      tarGz(sdistItems("demo-1.0", meta)),
      /License-File LICENSE does not exist .* at demo-1.0\/LICENSE/,
    );
  });
  test("unknown description content type", () =>
    expectFailed(
      WHEEL,
      zip(wheelItems("demo", "1.0", metadata("demo", "1.0", { contentType: "text/html", description: "x" }))),
      /invalid value for description-content-type/,
    ));
  test("a file that does not exist", async () => {
    const r = await checkDistribution(join(dir, "nope-1.0.tar.gz"));
    expect(r.verdict).toBe("FAILED");
    expect(r.errors[0]).toMatch(/cannot read .*ENOENT/);
  });
});

describe("random corruption never crashes", () => {
  const wheel = zip(wheelItems("demo", "1.0", META, [{ name: "demo/data.txt", data: "x".repeat(3000) }]));
  const sdist = tarGz(sdistItems("demo-1.0", META, [{ name: "demo-1.0/data.txt", data: "y".repeat(3000) }]));
  for (const [filename, original] of [
    [WHEEL, wheel],
    [SDIST, sdist],
  ] as const) {
    test(`${filename}: 150 mutated copies (flipped bytes, truncation) give a verdict, never an exception`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 1, max: 255 })), {
            minLength: 1,
            maxLength: 4,
          }),
          fc.option(fc.nat(original.length), { nil: undefined }),
          async (flips, cut) => {
            const bytes = Buffer.from(original);
            for (const [at, x] of flips) bytes[at] = bytes[at]! ^ x;
            const r = await verdictOf(filename, cut === undefined ? bytes : bytes.subarray(0, cut));
            expect(["PASSED", "PASSED with warnings", "FAILED"]).toContain(r.verdict);
            if (r.verdict === "FAILED") expect(r.errors.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: 150, seed: 20261201 },
      );
    }, 60_000);
  }
});

describe("a big stored member, read while the digest workers hash", () => {
  // 20 MiB: above the parallel-digest threshold (16 MiB), so the RECORD pass (1 MiB reads that
  // yield between chunks) runs beside the workers.
  const blob = new Uint8Array(20 << 20);
  for (let i = 0; i < blob.length; i += 4096) blob[i] = (i * 2654435761) >>> 24;
  const wheel = () =>
    zip(wheelItems("demo", "1.0", META, [{ name: "demo/blob.bin", data: blob, method: 0 }]));

  test("passes, with the digests of the whole file", async () => {
    const bytes = wheel();
    const r = await verdictOf(WHEEL, bytes);
    expect(r.errors).toEqual([]);
    expect(r.verdict).toBe("PASSED");
    expect(r.digests.sha256).toBe(new Bun.CryptoHasher("sha256").update(bytes).digest("hex"));
    expect(r.digests.md5).toBe(new Bun.CryptoHasher("md5").update(bytes).digest("hex"));
  });

  test("one changed byte deep inside it fails the check", async () => {
    const bytes = wheel();
    // the blob is the second member: 15 MiB into the file is well inside it
    bytes[15 << 20] = (bytes[15 << 20] as number) ^ 0xff;
    await expectFailed(WHEEL, bytes, /CRC mismatch in "demo\/blob.bin"|does not match its RECORD hash/);
  });
});

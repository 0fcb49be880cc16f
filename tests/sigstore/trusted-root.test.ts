/** The embedded root is exactly @sigstore/tuf's seed, pinned, and roots are validated before use. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ShiplineError } from "../../src/errors.ts";
import {
  EMBEDDED_ROOT_DATE,
  EMBEDDED_ROOT_SHA256,
  embeddedRootText,
  loadEmbeddedRoot,
  loadRootFile,
  validateTrustedRoot,
} from "../../src/sigstore/trusted-root.ts";
import { ROOT_DIR } from "./fixtures.ts";

const sha256 = (s: string | Buffer) => new Bun.CryptoHasher("sha256").update(s).digest("hex");

describe("embedded public-good trusted root", () => {
  test("equals trusted_root.json in the installed @sigstore/tuf seeds, byte for byte", () => {
    const seeds = JSON.parse(readFileSync(join(ROOT_DIR, "node_modules/@sigstore/tuf/seeds.json"), "utf8"));
    const seed = Buffer.from(
      seeds["https://tuf-repo-cdn.sigstore.dev"].targets["trusted_root.json"],
      "base64",
    );
    expect(sha256(seed)).toBe(EMBEDDED_ROOT_SHA256);
    expect(sha256(embeddedRootText())).toBe(EMBEDDED_ROOT_SHA256);
    expect(readFileSync(join(ROOT_DIR, "src/sigstore/trusted-root.json")).equals(seed)).toBe(true);
  });

  test("is valid, and its recorded date is its newest key's start", () => {
    const root = loadEmbeddedRoot().json as Record<
      string,
      { publicKey?: { validFor?: { start?: string } }; validFor?: { start?: string } }[]
    >;
    expect(validateTrustedRoot(root)).toEqual([]);
    const starts = ["tlogs", "ctlogs", "certificateAuthorities", "timestampAuthorities"].flatMap((k) =>
      (root[k] ?? []).map((x) => (x.publicKey?.validFor ?? x.validFor)?.start ?? ""),
    );
    expect(starts.sort().at(-1)!.slice(0, 10)).toBe(EMBEDDED_ROOT_DATE);
  });
});

describe("trusted root validation (stricter than @sigstore/verify)", () => {
  const base = () => JSON.parse(embeddedRootText());
  const dir = mkdtempSync(join(tmpdir(), "shipline-root-"));

  test("a Rekor, CT log or CA key without a validity start is rejected", () => {
    const a = base();
    delete a.tlogs[0].publicKey.validFor;
    expect(validateTrustedRoot(a)).toEqual(["tlogs[0].publicKey.validFor.start is missing"]);
    const b = base();
    delete b.ctlogs[1].publicKey.validFor.start;
    expect(validateTrustedRoot(b)).toEqual(["ctlogs[1].publicKey.validFor.start is missing"]);
    const c = base();
    delete c.certificateAuthorities[0].validFor;
    expect(validateTrustedRoot(c)).toEqual(["certificateAuthorities[0].validFor.start is missing"]);
  });

  test("wrong media type, missing logs, empty chains are rejected", () => {
    const a = base();
    a.mediaType = "application/json";
    a.tlogs = [];
    a.certificateAuthorities[0].certChain.certificates = [];
    expect(validateTrustedRoot(a)).toHaveLength(3);
    expect(validateTrustedRoot([])).toEqual(["not a JSON object"]);
  });

  test("--trusted-root files: bad ones fail with one line naming the file", () => {
    const bad = base();
    delete bad.tlogs[0].publicKey.validFor;
    writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
    writeFileSync(join(dir, "notjson.json"), "{");
    expect(() => loadRootFile(join(dir, "bad.json"))).toThrow(ShiplineError);
    expect(() => loadRootFile(join(dir, "bad.json"))).toThrow(
      /bad\.json is not a usable Sigstore trusted root: tlogs\[0\]/,
    );
    expect(() => loadRootFile(join(dir, "notjson.json"))).toThrow(/not valid JSON/);
    expect(() => loadRootFile(join(dir, "missing.json"))).toThrow(/cannot read it \(ENOENT\)/);
  });
});

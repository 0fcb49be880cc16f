/**
 * End to end with the compiled binary: OIDC stand-in → `shipline sign` against the Fulcio and
 * Rekor stand-ins → `shipline verify` fully offline (inside a network namespace with no
 * interfaces, `unshare -n`) with a trusted root made from the stand-ins' keys.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, type CliResult, hasBinary, shipline } from "../helpers/cli.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type SigstoreServer, startSigstore } from "../servers/sigstore.ts";
import { GH_ARTIFACT, GH_IDENTITY, GH_ISSUER, publicGoodBundle } from "./fixtures.ts";

const IDENTITY = "https://github.com/octo/sample/.github/workflows/release.yml@refs/tags/v1.2.0";
const WHEEL = "sample-1.2.0-py3-none-any.whl";
const SDIST = "sample-1.2.0.tar.gz";

/** True when this machine lets us make an empty network namespace (root, no seccomp block). */
const canUnshare = Bun.spawnSync(["unshare", "-n", "true"]).exitCode === 0;

/** Run the binary with no network at all (falls back to a plain run where unshare is unavailable). */
async function offline(args: string[], cwd: string): Promise<CliResult> {
  const cmd = canUnshare ? ["unshare", "-n", BIN, ...args] : [BIN, ...args];
  const proc = Bun.spawn(cmd, {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", HOME: cwd },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

describe.skipIf(!hasBinary())("sign → verify with the compiled binary", () => {
  let oidc: OidcServer;
  let ss: SigstoreServer;
  let dir: string;
  const policy = [
    "--cert-identity",
    IDENTITY,
    "--cert-oidc-issuer",
    "https://token.actions.githubusercontent.com",
  ];
  const rootArgs = () => ["--trusted-root", join(dir, "root.json")];

  beforeAll(async () => {
    oidc = await startOidc({ repository: "octo/sample", ref: "refs/tags/v1.2.0" });
    ss = await startSigstore({ verifyToken: oidc.verify });
    dir = mkdtempSync(join(tmpdir(), "shipline-sign-"));
    writeFileSync(join(dir, WHEEL), "PK\x03\x04 a wheel's bytes");
    writeFileSync(join(dir, SDIST), "\x1f\x8b an sdist's bytes");
    ss.writeTrustedRoot(join(dir, "root.json"));
  });
  afterAll(() => {
    oidc?.stop();
    ss?.stop();
  });

  test("sign in GitHub Actions: token with audience sigstore, bundle v0.3 + PEP 740 attestation per file", async () => {
    const r = await shipline(
      ["sign", "--json", "--fulcio-url", ss.fulcioUrl, "--rekor-url", ss.rekorUrl, WHEEL, SDIST],
      { cwd: dir, env: { ...oidc.env, SIGSTORE_ID_TOKEN: undefined } },
    );
    expect(r.stderr).toContain(`signed ${WHEEL} → ${WHEEL}.sigstore.json, ${WHEEL}.publish.attestation`);
    expect(r.code).toBe(0);
    expect(oidc.issued.map((i) => i.audience)).toEqual(["sigstore"]);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { path: string; reused: boolean }) => [f.path, f.reused])).toEqual([
      [WHEEL, false],
      [SDIST, false],
    ]);
    const bundle = JSON.parse(readFileSync(join(dir, `${WHEEL}.sigstore.json`), "utf8"));
    expect(bundle.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
    expect(bundle.messageSignature.messageDigest.algorithm).toBe("SHA2_256");
    const att = JSON.parse(readFileSync(join(dir, `${WHEEL}.publish.attestation`), "utf8"));
    expect(Object.keys(att)).toEqual(["version", "verification_material", "envelope"]);
    expect(att.verification_material.transparency_entries).toHaveLength(1);
    const st = JSON.parse(Buffer.from(att.envelope.statement, "base64").toString());
    expect(st).toEqual({
      _type: "https://in-toto.io/Statement/v1",
      subject: [
        {
          name: WHEEL,
          digest: {
            sha256: new Bun.CryptoHasher("sha256").update(readFileSync(join(dir, WHEEL))).digest("hex"),
          },
        },
      ],
      predicateType: "https://docs.pypi.org/attestations/publish/v1",
      predicate: null,
    });
    // No token anywhere: not in output, not in the files written.
    for (const text of [r.stdout, r.stderr, JSON.stringify(bundle), JSON.stringify(att)])
      expect(text).not.toContain(oidc.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!);
  });

  test("signing again reuses valid outputs: no Fulcio or Rekor call", async () => {
    const before = ss.calls.length;
    const r = await shipline(["sign", "--fulcio-url", ss.fulcioUrl, "--rekor-url", ss.rekorUrl, WHEEL], {
      cwd: dir,
      env: oidc.env,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("already signed");
    expect(ss.calls.length).toBe(before);
  });

  test("SIGSTORE_ID_TOKEN and --identity-token FILE work too; a forged token is refused by Fulcio", async () => {
    writeFileSync(join(dir, "b.whl"), "b");
    const token = await oidc.mint("sigstore");
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined };
    const viaEnv = await shipline(
      ["sign", "--fulcio-url", ss.fulcioUrl, "--rekor-url", ss.rekorUrl, "b.whl"],
      {
        cwd: dir,
        env: { ...env, SIGSTORE_ID_TOKEN: token },
      },
    );
    expect(viaEnv.code).toBe(0);
    writeFileSync(join(dir, "c.whl"), "c");
    writeFileSync(join(dir, "token.txt"), `${token}\n`);
    const viaFile = await shipline(
      [
        "sign",
        "--identity-token",
        "token.txt",
        "--fulcio-url",
        ss.fulcioUrl,
        "--rekor-url",
        ss.rekorUrl,
        "c.whl",
      ],
      { cwd: dir, env },
    );
    expect(viaFile.code).toBe(0);
    writeFileSync(join(dir, "d.whl"), "d");
    const [h, b] = token.split(".");
    const forged = `${h}.${b}.${Buffer.from("not a signature").toString("base64url")}`;
    const refused = await shipline(
      ["sign", "--fulcio-url", ss.fulcioUrl, "--rekor-url", ss.rekorUrl, "d.whl"],
      {
        cwd: dir,
        env: { ...env, SIGSTORE_ID_TOKEN: forged },
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Fulcio");
    expect(refused.stderr).not.toContain(forged);
    expect(existsSync(join(dir, "d.whl.sigstore.json"))).toBe(false);
    const none = await shipline(["sign", "d.whl"], {
      cwd: dir,
      env: { ...env, SIGSTORE_ID_TOKEN: undefined },
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no OIDC identity token for Sigstore signing");
  });

  test.skipIf(!canUnshare)("the namespace really has no network", async () => {
    const r = Bun.spawnSync([
      "unshare",
      "-n",
      "sh",
      "-c",
      "cat /proc/net/dev | tail -n +3 | wc -l; ip -o link 2>/dev/null | grep -c UP || true",
    ]);
    expect(r.stdout.toString().trim().split("\n")[0]).toBe("1"); // only `lo`, and it is down
  });

  test("verify offline: attestation (default), bundle, provenance → OK lines naming identity and issuer", async () => {
    const att = await offline(["verify", WHEEL, SDIST, ...policy, ...rootArgs()], dir);
    expect(att.stderr).toContain(
      `OK: ${WHEEL} signed by ${IDENTITY} (issuer https://token.actions.githubusercontent.com)`,
    );
    expect(att.stderr).toContain(`OK: ${SDIST} signed by ${IDENTITY}`);
    expect(att.code).toBe(0);
    const bundle = await offline(
      ["verify", WHEEL, "--bundle", `${WHEEL}.sigstore.json`, ...policy, ...rootArgs()],
      dir,
    );
    expect(bundle.code).toBe(0);
    const prov = {
      version: 1,
      attestation_bundles: [
        {
          publisher: {
            kind: "GitHub",
            repository: "octo/sample",
            workflow: "release.yml",
            environment: null,
          },
          attestations: [JSON.parse(readFileSync(join(dir, `${WHEEL}.publish.attestation`), "utf8"))],
        },
      ],
    };
    writeFileSync(join(dir, "provenance.json"), JSON.stringify(prov));
    const p = await offline(
      ["verify", WHEEL, "--provenance", "provenance.json", "--json", ...policy, ...rootArgs()],
      dir,
    );
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).files[0]).toMatchObject({
      ok: true,
      identity: IDENTITY,
      publisher: { repository: "octo/sample" },
    });
  });

  test("verify offline: a flipped byte, a wrong identity or issuer, the wrong root → exit 1 with the reason", async () => {
    const flipped = join(dir, "flipped");
    await Bun.$`mkdir -p ${flipped}`;
    const bytes = readFileSync(join(dir, WHEEL));
    bytes[3]! ^= 0x01;
    writeFileSync(join(flipped, WHEEL), bytes);
    copyFileSync(join(dir, `${WHEEL}.publish.attestation`), join(flipped, `${WHEEL}.publish.attestation`));
    const a = await offline(["verify", WHEEL, ...policy, ...rootArgs()], flipped);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain(`FAILED: ${WHEEL}: digest mismatch: ${WHEEL} has sha256`);
    const b = await offline(
      ["verify", `flipped/${WHEEL}`, "--bundle", `${WHEEL}.sigstore.json`, ...policy, ...rootArgs()],
      dir,
    );
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("digest mismatch");
    const other = `${IDENTITY.replace("v1.2.0", "v1.2")}`;
    const id = await offline(
      [
        "verify",
        WHEEL,
        "--cert-identity",
        other,
        "--cert-oidc-issuer",
        "https://token.actions.githubusercontent.com",
        ...rootArgs(),
      ],
      dir,
    );
    expect(id.code).toBe(1);
    expect(id.stderr).toContain(`identity mismatch: expected ${other}, found ${IDENTITY}`);
    const iss = await offline(
      [
        "verify",
        WHEEL,
        "--cert-identity",
        IDENTITY,
        "--cert-oidc-issuer",
        "https://gitlab.com",
        ...rootArgs(),
      ],
      dir,
    );
    expect(iss.code).toBe(1);
    expect(iss.stderr).toContain("issuer mismatch");
    const embedded = await offline(["verify", WHEEL, ...policy], dir);
    expect(embedded.code).toBe(1);
    expect(embedded.stderr).toContain("untrusted certificate");
    const renamed = join(dir, "renamed");
    await Bun.$`mkdir -p ${renamed}`;
    copyFileSync(join(dir, WHEEL), join(renamed, "other-1.2.0-py3-none-any.whl"));
    const n = await offline(
      [
        "verify",
        "other-1.2.0-py3-none-any.whl",
        "--attestation",
        join(dir, `${WHEEL}.publish.attestation`),
        ...policy,
        ...rootArgs(),
      ],
      renamed,
    );
    expect(n.code).toBe(1);
    expect(n.stderr).toContain("subject name mismatch");
    // Another spelling of the same distribution (name case, version form, tag order) is the
    // same file to PyPI, which compares the parsed names (spec §3.5).
    copyFileSync(join(dir, WHEEL), join(renamed, "Sample-1.2.0.0-py3-none-ANY.whl"));
    const same = await offline(
      [
        "verify",
        "Sample-1.2.0.0-py3-none-ANY.whl",
        "--attestation",
        join(dir, `${WHEEL}.publish.attestation`),
        ...policy,
        ...rootArgs(),
      ],
      renamed,
    );
    expect(same.stderr).toContain("OK: Sample-1.2.0.0-py3-none-ANY.whl");
    expect(same.code).toBe(0);
    // Only the digest given: the attestation is checked against it, its name cannot be.
    const sha = new Bun.CryptoHasher("sha256").update(readFileSync(join(dir, WHEEL))).digest("hex");
    const byDigest = await offline(
      ["verify", `sha256:${sha}`, "--attestation", `${WHEEL}.publish.attestation`, ...policy, ...rootArgs()],
      dir,
    );
    expect(byDigest.stderr).toContain(`OK: sha256:${sha}`);
    expect(byDigest.code).toBe(0);
    const otherDigest = await offline(
      [
        "verify",
        `sha256:${"0".repeat(64)}`,
        "--attestation",
        `${WHEEL}.publish.attestation`,
        ...policy,
        ...rootArgs(),
      ],
      dir,
    );
    expect(otherDigest.code).toBe(1);
    expect(otherDigest.stderr).toContain("digest mismatch");
    // a malformed digest is a usage error, not "cannot read it (ENOENT)"
    const badDigest = await offline(
      ["verify", "sha256:zz", "--attestation", `${WHEEL}.publish.attestation`, ...policy, ...rootArgs()],
      dir,
    );
    expect(badDigest.code).toBe(2);
    expect(badDigest.stderr).toContain("sha256:zz: a digest is sha256: and 64 hex digits");
  });

  test("verify offline: a genuine Fulcio certificate of another signing, or another file's statement, is rejected", async () => {
    const wheelAtt = JSON.parse(readFileSync(join(dir, `${WHEEL}.publish.attestation`), "utf8"));
    const sdistAtt = JSON.parse(readFileSync(join(dir, `${SDIST}.publish.attestation`), "utf8"));
    // From another `shipline sign` process, so another ephemeral key (one process reuses its key).
    const otherAtt = JSON.parse(readFileSync(join(dir, "b.whl.publish.attestation"), "utf8"));
    const swapped = {
      ...wheelAtt,
      verification_material: {
        ...wheelAtt.verification_material,
        certificate: otherAtt.verification_material.certificate,
      },
    };
    writeFileSync(join(dir, "swapped.attestation"), JSON.stringify(swapped));
    const a = await offline(
      ["verify", WHEEL, "--attestation", "swapped.attestation", ...policy, ...rootArgs()],
      dir,
    );
    expect(a.code).toBe(1);
    // Rejected by whichever check fires first: chain at signing time, log entry, or signature.
    expect(a.stderr).toMatch(
      /FAILED: .*(untrusted certificate|signature invalid|transparency log entry invalid)/,
    );
    // The sdist's signed statement presented for the wheel: subject name and digest are the sdist's.
    const b = await offline(
      ["verify", WHEEL, "--attestation", `${SDIST}.publish.attestation`, ...policy, ...rootArgs()],
      dir,
    );
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("subject name mismatch");
    // A statement rewritten to name the wheel, with the sdist's signature: the signature no longer holds.
    const st = JSON.parse(Buffer.from(wheelAtt.envelope.statement, "base64").toString());
    const forged = {
      ...sdistAtt,
      envelope: { ...sdistAtt.envelope, statement: Buffer.from(JSON.stringify(st)).toString("base64") },
    };
    writeFileSync(join(dir, "forged.attestation"), JSON.stringify(forged));
    const c = await offline(
      ["verify", WHEEL, "--attestation", "forged.attestation", ...policy, ...rootArgs()],
      dir,
    );
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/FAILED: .*(payload hash mismatch|signature invalid)/);
  });

  test("verify: usage errors exit 2; unreadable inputs exit 1 naming the file", async () => {
    expect((await offline(["verify", WHEEL, "--cert-identity", IDENTITY], dir)).code).toBe(2);
    expect((await offline(["verify", WHEEL, "--cert-oidc-issuer", "x"], dir)).code).toBe(2);
    expect(
      (await offline(["verify", WHEEL, "--bundle", "a", "--attestation", "b", ...policy], dir)).code,
    ).toBe(2);
    const missing = await offline(["verify", "nope.whl", ...policy, ...rootArgs()], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("FAILED: nope.whl: no such file");
    const noBundle = await offline(["verify", WHEEL, "--bundle", "nope.json", ...policy, ...rootArgs()], dir);
    expect(noBundle.code).toBe(1);
    expect(noBundle.stderr).toContain("nope.json: cannot read it (ENOENT)");
  });
});

describe.skipIf(!hasBinary())("real public-good bundle, compiled binary, no network", () => {
  test("verifies with the embedded root; a wrong identity is rejected", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shipline-pg-"));
    writeFileSync(join(dir, "gh.sigstore.json"), JSON.stringify(publicGoodBundle()));
    const args = [
      "verify",
      `sha256:${GH_ARTIFACT.sha256}`,
      "--bundle",
      "gh.sigstore.json",
      "--cert-oidc-issuer",
      GH_ISSUER,
    ];
    const ok = await offline([...args, "--cert-identity", GH_IDENTITY], dir);
    expect(ok.stderr).toContain(`OK: sha256:${GH_ARTIFACT.sha256} signed by ${GH_IDENTITY}`);
    expect(ok.code).toBe(0);
    const bad = await offline([...args, "--cert-identity", GH_IDENTITY.slice(0, -1)], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("identity mismatch");
  });
});

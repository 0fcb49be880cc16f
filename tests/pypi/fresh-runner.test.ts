/**
 * A release job re-run on a fresh runner (peers.md D1): the first attempt uploaded the wheel and
 * died; the re-run has no checkpoint and no dist/, checks the code out again (new mtimes) and
 * builds again. With SOURCE_DATE_EPOCH set to the commit's time the wheel comes out byte for
 * byte the same, so it is recognised as uploaded, and the sdist completes the release. Signed
 * under Trusted Publishing, the wheel's attestation on the index is the first attempt's, which
 * the verify stage judges (file, digest, signer) instead of demanding its own.
 * Real builds: setuptools through `python -m build --no-isolation`, the compiled binary.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { canBuild, PY } from "../dist/helpers/projects.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import type { TestRepo } from "../helpers/repo.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { type SigstoreServer, startSigstore } from "../servers/sigstore.ts";
import { freshRunner, project, signedJobEnv } from "./helpers/fresh-runner.ts";

setDefaultTimeout(120_000);

let oidc: OidcServer;
let ss: SigstoreServer;
let pypi: PypiServer;
/** A private index: reading its simple API and files needs the upload's token. */
let priv: PypiServer;
beforeAll(async () => {
  priv = await startPypi({ privateReads: true });
  oidc = await startOidc({ repository: "octo/fresh", ref: "refs/heads/main" });
  ss = await startSigstore({ verifyToken: oidc.verify });
  pypi = await startPypi({
    oidc: { publicKey: oidc.publicKey, issuer: oidc.issuer },
    publishers: [{ project: "freshtp", repository: "octo/fresh", workflow: "release.yml" }],
  });
  pypi.seed({
    project: "freshtp",
    version: "0.1.0",
    filename: "freshtp-0.1.0.tar.gz",
    bytes: new Uint8Array(3),
  });
});
afterAll(async () => {
  oidc.stop();
  ss.stop();
  await pypi.stop();
  await priv.stop();
});

/** `shipline publish --no-sign` with an API token, optionally killed at `fault`. */
function publishWithToken(r: TestRepo, fault?: string, index: PypiServer = pypi) {
  const env = { SHIPLINE_PYPI_TOKEN: index.token, SHIPLINE_HTTP_BACKOFF_MS: "5", HOME: r.dir };
  return shipline(["publish", "--no-sign", "--repository-url", index.uploadUrl], {
    cwd: r.dir,
    env: fault ? { ...env, SHIPLINE_FAULT: fault } : env,
    timeoutMs: 120_000,
  });
}

describe.skipIf(!hasBinary() || !canBuild())("re-run on a fresh runner after a partial upload", () => {
  test("the rebuilt wheel is the uploaded one (SOURCE_DATE_EPOCH): skipped, the sdist completes the release", async () => {
    const r = project("freshtok");
    try {
      const first = await publishWithToken(r, "upload:after-send:kill");
      expect(first.code, first.stderr).not.toBe(0);
      const wheel = "freshtok-1.0.0-py3-none-any.whl";
      expect(pypi.files("freshtok").map((f) => f.filename)).toEqual([wheel]);
      freshRunner(r);
      const again = await publishWithToken(r);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain(`${wheel}: already on the index with the same sha256`);
      expect(
        pypi
          .files("freshtok")
          .map((f) => f.filename)
          .sort(),
      ).toEqual([wheel, "freshtok-1.0.0.tar.gz"]);
      expect(pypi.uploads.filter((u) => u.filename === wheel && u.status === 200)).toHaveLength(1);
    } finally {
      r.remove();
    }
  });

  test.each([
    ["PyPI", "freshall"],
    ["a private index (reads need the token)", "freshpriv"],
  ])(
    "killed after the whole upload, %s: the rebuilt sdist (other mtimes, other bytes) holds the same files, so the index's copy is taken; nothing is sent twice",
    async (_, name) => {
      const index = name === "freshpriv" ? priv : pypi;
      const r = project(name);
      try {
        const first = await publishWithToken(r, "stage:before:verify:kill", index);
        expect(first.code, first.stderr).not.toBe(0);
        const sdist = `${name}-1.0.0.tar.gz`;
        const storedSha = index.files(name).find((f) => f.filename === sdist)!.digests.sha256;
        // the private index refuses anonymous reads: the listing and the file need the token
        if (index === priv) expect((await fetch(`${priv.url}/simple/${name}/`)).status).toBe(401);
        freshRunner(r);
        const again = await publishWithToken(r, undefined, index);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stderr).toContain(
          `${sdist}: the index has it from an earlier build of the same tree (the same files, other timestamps`,
        );
        expect(again.stderr).toContain(`${sdist}: already on the index with the same sha256`);
        expect(again.stderr).not.toContain(index.token);
        // dist/ now holds the index's bytes, and the index kept its one copy
        const local = new Bun.CryptoHasher("sha256")
          .update(readFileSync(join(r.dir, "dist", sdist)))
          .digest("hex");
        expect(local).toBe(storedSha);
        expect(index.uploads.filter((u) => u.filename === sdist && u.status === 200)).toHaveLength(1);
      } finally {
        r.remove();
      }
    },
  );

  test("a wheel builder that ignores SOURCE_DATE_EPOCH: the rebuilt wheel holds the same files, so the index's copy is taken", async () => {
    const r = project("freshzip");
    // the build stamps the wheel's members with its own time, as a backend that ignores
    // SOURCE_DATE_EPOCH does (each build a year later, so two builds never share a stamp)
    r.commit("build: a wheel stamped at build time", {
      "stamp.py": [
        "import glob, os, subprocess, sys, zipfile",
        `subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", "dist"], check=True)`,
        "n = int(open('.builds').read()) + 1 if os.path.exists('.builds') else 1",
        "open('.builds', 'w').write(str(n))",
        "for w in glob.glob('dist/*.whl'):",
        "    with zipfile.ZipFile(w) as src, zipfile.ZipFile(w + '.tmp', 'w', zipfile.ZIP_DEFLATED) as dst:",
        "        for info in src.infolist():",
        "            i = zipfile.ZipInfo(info.filename, date_time=(1980 + n, 1, 1, 0, 0, 0))",
        "            i.external_attr = info.external_attr",
        "            dst.writestr(i, src.read(info.filename), zipfile.ZIP_DEFLATED)",
        "    os.replace(w + '.tmp', w)",
        "",
      ].join("\n"),
      "pyproject.toml": readFileSync(join(r.dir, "pyproject.toml"), "utf8").replace(
        `command = ["${PY}", "-m", "build", "--no-isolation", "--outdir", "dist"]`,
        `command = ["${PY}", "stamp.py"]`,
      ),
      ".gitignore": "dist/\nbuild/\n*.egg-info/\n.shipline/\nroot.json\n.builds\n",
    });
    try {
      const wheel = "freshzip-1.0.0-py3-none-any.whl";
      const first = await publishWithToken(r, "upload:after-send:kill");
      expect(first.code, first.stderr).not.toBe(0);
      expect(pypi.files("freshzip").map((f) => f.filename)).toEqual([wheel]);
      const storedSha = pypi.files("freshzip")[0]!.digests.sha256;
      freshRunner(r);
      const again = await publishWithToken(r);
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(join(r.dir, ".builds"), "utf8")).toBe("2");
      expect(again.stderr).toContain(
        `${wheel}: the index has it from an earlier build of the same tree (the same files, other timestamps or compression`,
      );
      expect(again.stderr).toContain(`${wheel}: already on the index with the same sha256`);
      const local = new Bun.CryptoHasher("sha256")
        .update(readFileSync(join(r.dir, "dist", wheel)))
        .digest("hex");
      expect(local).toBe(storedSha);
      expect(
        pypi
          .files("freshzip")
          .map((f) => f.filename)
          .sort(),
      ).toEqual([wheel, "freshzip-1.0.0.tar.gz"]);
      expect(pypi.uploads.filter((u) => u.filename === wheel && u.status === 200)).toHaveLength(1);
    } finally {
      r.remove();
    }
  });

  test("a stored sdist with other contents under the same name is not taken: the upload refuses it", async () => {
    const r = project("freshdiff");
    try {
      const first = await publishWithToken(r);
      expect(first.code, first.stderr).toBe(0);
      freshRunner(r);
      r.commit("fix: a change after the upload", { "src/freshdiff/__init__.py": "VALUE = 2\n" });
      const again = await publishWithToken(r);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain(
        "freshdiff-1.0.0.tar.gz: the index has a different file under this name",
      );
      expect(again.stderr).toMatch(
        /freshdiff-1\.0\.0-py3-none-any\.whl: the index has a different file under this name \(sha256 [0-9a-f]{12}…\), not a rebuild of this one \(freshdiff\/__init__\.py differs; it has no PEP 740 provenance to show where it was built\)/,
      );
      expect(again.stderr).toContain("is already on the index with different contents");
    } finally {
      r.remove();
    }
  });

  test("signed under Trusted Publishing: the wheel's attestation on the index is the first attempt's, judged and accepted", async () => {
    const r = project("freshtp");
    try {
      const env = signedJobEnv(r, oidc.env, (p) => ss.writeTrustedRoot(p), "octo/fresh");
      const args = [
        "publish",
        "--repository-url",
        pypi.uploadUrl,
        "--fulcio-url",
        ss.fulcioUrl,
        "--rekor-url",
        ss.rekorUrl,
        "--json",
      ];
      const first = await shipline(args, {
        cwd: r.dir,
        env: { ...env, SHIPLINE_FAULT: "upload:after-send:kill" },
        timeoutMs: 120_000,
      });
      expect(first.code).not.toBe(0);
      const wheel = "freshtp-1.0.0-py3-none-any.whl";
      const onIndex = () => pypi.files("freshtp").filter((f) => f.version === "1");
      expect(onIndex().map((f) => f.filename)).toEqual([wheel]);
      const firstAttestation = JSON.stringify(onIndex()[0]!.attestations);
      freshRunner(r);
      const again = await shipline(args, { cwd: r.dir, env, timeoutMs: 120_000 });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain(
        `${wheel}: uploaded earlier; checking the attestation that upload carried`,
      );
      const out = JSON.parse(again.stdout);
      expect(out.stages.verify.result.files.map((f: { provenance: string }) => f.provenance)).toEqual([
        "verified",
        "verified",
      ]);
      // the wheel kept the first attempt's attestation: attestations cannot be replaced
      expect(JSON.stringify(onIndex().find((f) => f.filename === wheel)!.attestations)).toBe(
        firstAttestation,
      );
      expect(onIndex()).toHaveLength(2);
    } finally {
      r.remove();
    }
  });
});

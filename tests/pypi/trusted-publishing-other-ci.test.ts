/**
 * Trusted Publishing and signing outside GitHub Actions, with the compiled binary (peers.md D36):
 * a GitLab CI/CD job (its `id_tokens:` in PYPI_ID_TOKEN / SIGSTORE_ID_TOKEN, real ES256 JWTs with
 * GitLab's claims) and a Buildkite step (a stand-in `buildkite-agent` on PATH). The PyPI
 * stand-in matches them against GitLab/Buildkite publishers as warehouse does; Fulcio's
 * stand-in certifies GitLab's `https://<ci_config_ref_uri>` identity.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { type SigstoreServer, startSigstore } from "../servers/sigstore.ts";
import { makeSdist, makeWheel } from "./fixtures.ts";

setDefaultTimeout(60_000);

let gitlab: OidcServer;
let buildkite: OidcServer;
let ss: SigstoreServer;
let pypi: PypiServer;
beforeAll(async () => {
  gitlab = await startOidc({ provider: "gitlab", repository: "group/sub/sample", ref: "refs/tags/v1.0.0" });
  buildkite = await startOidc({ provider: "buildkite", repository: "acme/sample", ref: "refs/tags/v1.0.0" });
  ss = await startSigstore({
    verifyToken: async (t) => (await gitlab.verify(t)) ?? (await buildkite.verify(t)),
  });
  pypi = await startPypi({
    oidc: [
      { publicKey: gitlab.publicKey, issuer: gitlab.issuer },
      { publicKey: buildkite.publicKey, issuer: buildkite.issuer },
    ],
    publishers: [
      { kind: "gitlab", project: "gl-pkg", repository: "group/sub/sample", workflow: ".gitlab-ci.yml" },
      { kind: "buildkite", project: "bk-pkg", repository: "acme/sample", workflow: "" },
    ],
  });
  // Trusted Publishing cannot create projects: they exist already.
  for (const p of ["gl-pkg", "bk-pkg"])
    pypi.seed({
      project: p,
      version: "0.9.0",
      filename: `${p.replace("-", "_")}-0.9.0.tar.gz`,
      bytes: new Uint8Array(3),
    });
});
afterAll(async () => {
  gitlab.stop();
  buildkite.stop();
  ss.stop();
  await pypi.stop();
});

function repoWithDists(name: string, version = "1.0.0"): TestRepo {
  const repo = TestRepo.python(version);
  repo.commit("chore: ignore dist", { ".gitignore": "dist/\n.shipline/\n" });
  const dist = join(repo.dir, "dist");
  mkdirSync(dist, { recursive: true });
  makeWheel(dist, { name, version });
  makeSdist(dist, { name, version });
  ss.writeTrustedRoot(join(repo.dir, "root.json"));
  return repo;
}

/** What a GitLab job that declares `id_tokens: {PYPI_ID_TOKEN: {aud: pypi}, SIGSTORE_ID_TOKEN: {aud: sigstore}}` sees. */
async function gitlabJob(repo: TestRepo): Promise<Record<string, string | undefined>> {
  return {
    GITLAB_CI: "true",
    CI_SERVER_URL: "https://gitlab.com",
    CI_PROJECT_PATH: "group/sub/sample",
    PYPI_ID_TOKEN: await gitlab.mint("pypi"),
    SIGSTORE_ID_TOKEN: await gitlab.mint("sigstore"),
    SHIPLINE_PYPI_TOKEN: undefined,
    TWINE_PASSWORD: undefined,
    SHIPLINE_HTTP_BACKOFF_MS: "5",
    HOME: repo.dir,
    SHIPLINE_TRUSTED_ROOT: join(repo.dir, "root.json"),
  };
}

const sigstoreFlags = () => ["--fulcio-url", ss.fulcioUrl, "--rekor-url", ss.rekorUrl];
const noJwt = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

describe.skipIf(!hasBinary())("Trusted Publishing from GitLab CI/CD", () => {
  test("signs with SIGSTORE_ID_TOKEN, uploads with PYPI_ID_TOKEN and attestations, verifies the GitLab signer", async () => {
    const repo = repoWithDists("gl-pkg");
    const env = await gitlabJob(repo);
    const r = await shipline(
      ["publish", "dist/*", "--repository-url", pypi.uploadUrl, ...sigstoreFlags(), "--json"],
      { cwd: repo.dir, env },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stages.verify.result.files.map((f: { provenance: string }) => f.provenance)).toEqual([
      "verified",
      "verified",
    ]);
    expect(r.stderr).toContain("GitLab CI/CD OIDC");
    const stored = pypi.files("gl-pkg").filter((f) => f.version === "1");
    expect(stored.every((f) => f.attestations?.length === 1 && f.publisher?.kind === "gitlab")).toBe(true);
    const prov = (await (
      await fetch(`${pypi.url}/integrity/gl-pkg/1.0.0/gl_pkg-1.0.0.tar.gz/provenance`)
    ).json()) as { attestation_bundles: { publisher: Record<string, unknown> }[] };
    expect(prov.attestation_bundles[0]!.publisher).toMatchObject({
      kind: "GitLab",
      repository: "group/sub/sample",
      workflow_filepath: ".gitlab-ci.yml",
    });
    const visible = `${readFileSync(join(repo.dir, ".shipline", "state.json"), "utf8")}\n${r.stdout}\n${r.stderr}`;
    for (const t of pypi.minted) expect(visible).not.toContain(t);
    expect(visible).not.toContain(env.PYPI_ID_TOKEN!);
    expect(visible).not.toMatch(noJwt);
  });

  test("an attestation whose signer is not this GitLab project is caught by verify", async () => {
    const repo = repoWithDists("gl-pkg", "1.0.2");
    const r = await shipline(["publish", "dist/*", "--repository-url", pypi.uploadUrl, ...sigstoreFlags()], {
      cwd: repo.dir,
      env: { ...(await gitlabJob(repo)), CI_PROJECT_PATH: "group/other" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the attestation on the index does not verify: identity mismatch");
    expect(r.stderr).toContain("https://gitlab.com/group/sub/sample//.gitlab-ci.yml@refs/tags/v1.0.0");
  });

  test("a publisher naming another pipeline file: PyPI's reasons, GitLab's claims, the publisher to register", async () => {
    const index = await startPypi({
      oidc: { publicKey: gitlab.publicKey, issuer: gitlab.issuer },
      publishers: [
        { kind: "gitlab", project: "gl-wrong", repository: "group/sub/sample", workflow: "ci/release.yml" },
      ],
    });
    const repo = repoWithDists("gl-wrong");
    const r = await shipline(["publish", "dist/*", "--no-sign", "--repository-url", index.uploadUrl], {
      cwd: repo.dir,
      env: await gitlabJob(repo),
    });
    await index.stop();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("`invalid-publisher`: valid token, but no corresponding publisher");
    expect(r.stderr).toContain("The GitLab CI/CD claims PyPI matched");
    expect(r.stderr).toContain(
      "`ci_config_ref_uri`: `gitlab.com/group/sub/sample//.gitlab-ci.yml@refs/tags/v1.0.0`",
    );
    expect(r.stderr).toContain(
      "the GitLab publisher must name namespace `group/sub`, project `sample`, top-level pipeline file `.gitlab-ci.yml` and environment `(none)`",
    );
    expect(index.files("gl-wrong")).toEqual([]);
  });

  test("no PYPI_ID_TOKEN declared: the error names the variable and the `id_tokens:` to add; nothing uploaded", async () => {
    const repo = repoWithDists("gl-pkg", "1.0.1");
    const env = { ...(await gitlabJob(repo)), PYPI_ID_TOKEN: undefined };
    const r = await shipline(["publish", "dist/*", "--no-sign", "--repository-url", pypi.uploadUrl], {
      cwd: repo.dir,
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("GitLab CI/CD: no PYPI_ID_TOKEN variable in this job");
    expect(r.stderr).toContain("id_tokens: { PYPI_ID_TOKEN: { aud: pypi } }");
    expect(pypi.files("gl-pkg").filter((f) => f.version === "1.0.1")).toEqual([]);
  });

  test("the one job token is spent when the upload token expires: stops clearly, a new job's resume finishes, nothing sent twice", async () => {
    const index = await startPypi({
      oidc: { publicKey: gitlab.publicKey, issuer: gitlab.issuer },
      publishers: [
        { kind: "gitlab", project: "gl-resume", repository: "group/sub/sample", workflow: ".gitlab-ci.yml" },
      ],
      expireTokensAfterUploads: 1,
    });
    try {
      index.seed({
        project: "gl-resume",
        version: "0.9.0",
        filename: "gl_resume-0.9.0.tar.gz",
        bytes: new Uint8Array(3),
      });
      const repo = repoWithDists("gl-resume");
      const first = await shipline(["publish", "dist/*", "--no-sign", "--repository-url", index.uploadUrl], {
        cwd: repo.dir,
        env: await gitlabJob(repo),
      });
      expect(first.code).toBe(1);
      expect(first.stderr).toContain(
        "GitLab CI/CD gives a job one OIDC token (PYPI_ID_TOKEN), and PyPI has already exchanged it",
      );
      expect(first.stderr).toContain("shipline resume");
      const onIndex = () =>
        index
          .files("gl-resume")
          .filter((f) => f.version === "1")
          .map((f) => f.filename);
      expect(onIndex()).toHaveLength(1);
      const sent = index.uploads.length;
      const resumed = await shipline(["resume"], { cwd: repo.dir, env: await gitlabJob(repo) });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(onIndex().sort()).toEqual(["gl_resume-1.0.0-py3-none-any.whl", "gl_resume-1.0.0.tar.gz"]);
      expect(index.uploads.length - sent).toBe(1);
    } finally {
      await index.stop();
    }
  });
});

describe.skipIf(!hasBinary())("SHIPLINE_OIDC", () => {
  test("a CI name shipline does not know is a usage error before anything runs", async () => {
    const repo = repoWithDists("gl-pkg", "1.0.3");
    const r = await shipline(["publish", "dist/*", "--no-sign", "--repository-url", pypi.uploadUrl], {
      cwd: repo.dir,
      env: { ...(await gitlabJob(repo)), SHIPLINE_OIDC: "jenkins" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SHIPLINE_OIDC=jenkins: not a CI shipline knows");
    expect(r.stderr).not.toContain("Checking dist/");
    expect(pypi.files("gl-pkg").filter((f) => f.version === "1.0.3")).toEqual([]);
  });

  test("none: ambient identity off, so a GitLab job without an API token has no credentials", async () => {
    const repo = repoWithDists("gl-pkg", "1.0.4");
    const r = await shipline(["upload", "--repository-url", pypi.uploadUrl, "dist/gl_pkg-1.0.4.tar.gz"], {
      cwd: repo.dir,
      env: { ...(await gitlabJob(repo)), SHIPLINE_OIDC: "none" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no credentials for the package index");
  });
});

describe.skipIf(!hasBinary())("Trusted Publishing from Buildkite", () => {
  test("tokens from `buildkite-agent oidc request-token`; signed, but no attestation sent (PyPI takes none from Buildkite)", async () => {
    const repo = repoWithDists("bk-pkg");
    const bin = tempDir("bk-agent-");
    for (const aud of ["pypi", "sigstore"])
      writeFileSync(join(bin, `token-${aud}`), await buildkite.mint(aud));
    writeFileSync(
      join(bin, "buildkite-agent"),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> "${bin}/calls"\ncat "${bin}/token-$4"\n`,
    );
    chmodSync(join(bin, "buildkite-agent"), 0o755);
    const r = await shipline(
      ["publish", "dist/*", "--repository-url", pypi.uploadUrl, ...sigstoreFlags(), "--json"],
      {
        cwd: repo.dir,
        env: {
          BUILDKITE: "true",
          PATH: `${bin}:${process.env.PATH}`,
          SHIPLINE_PYPI_TOKEN: undefined,
          TWINE_PASSWORD: undefined,
          SIGSTORE_ID_TOKEN: undefined,
          HOME: repo.dir,
          SHIPLINE_TRUSTED_ROOT: join(repo.dir, "root.json"),
        },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(bin, "calls"), "utf8").trim().split("\n").sort()).toEqual([
      "oidc request-token --audience pypi",
      "oidc request-token --audience sigstore",
    ]);
    expect(r.stderr).toContain("PyPI does not take attestations from Buildkite publishers");
    const stored = pypi.files("bk-pkg").filter((f) => f.version === "1");
    expect(stored).toHaveLength(2);
    expect(stored.every((f) => f.attestations === undefined && f.publisher?.kind === "buildkite")).toBe(true);
    // the Sigstore bundles are still made, for GitHub assets or `shipline verify`
    expect(JSON.parse(r.stdout).stages.sign.result.files).toHaveLength(2);
  });
});

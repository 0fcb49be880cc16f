/**
 * The whole publish of a GitHub Actions release job, with stand-ins for every service:
 * check → sign (OIDC `sigstore` token → Fulcio → Rekor) → upload with Trusted Publishing
 * (OIDC `pypi` token → mint-token) and the PEP 740 attestations → verify (index sha256 and the
 * provenance carrying our attestation). Nothing secret lands in the checkpoint or the output.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { type SigstoreServer, startSigstore } from "../servers/sigstore.ts";
import { makeSdist, makeWheel } from "./fixtures.ts";

setDefaultTimeout(60_000);

let oidc: OidcServer;
let ss: SigstoreServer;
let pypi: PypiServer;
beforeAll(async () => {
  oidc = await startOidc({ repository: "octo/sample", ref: "refs/tags/v1.0.0" });
  ss = await startSigstore({ verifyToken: oidc.verify });
  pypi = await startPypi({
    oidc: { publicKey: oidc.publicKey, issuer: oidc.issuer },
    publishers: [{ project: "sample-tp", repository: "octo/sample", workflow: "release.yml" }],
  });
  pypi.seed({
    project: "sample-tp",
    version: "0.9.0",
    filename: "sample_tp-0.9.0.tar.gz",
    bytes: new Uint8Array(4),
  });
});
afterAll(async () => {
  oidc.stop();
  ss.stop();
  await pypi.stop();
});

describe.skipIf(!hasBinary())("publish in GitHub Actions with Trusted Publishing", () => {
  test("check → sign → upload with attestations → verify provenance; no secret in checkpoint or output", async () => {
    const repo = TestRepo.python("1.0.0");
    repo.commit("chore: ignore dist", { ".gitignore": "dist/\n.shipline/\n" });
    const dist = join(repo.dir, "dist");
    mkdirSync(dist, { recursive: true });
    makeWheel(dist, { name: "sample-tp" });
    makeSdist(dist, { name: "sample-tp" });
    ss.writeTrustedRoot(join(repo.dir, "root.json"));
    const r = await shipline(
      [
        "publish",
        "dist/*",
        "--repository-url",
        pypi.uploadUrl,
        "--fulcio-url",
        ss.fulcioUrl,
        "--rekor-url",
        ss.rekorUrl,
        "--json",
      ],
      {
        cwd: repo.dir,
        env: {
          ...oidc.env,
          GITHUB_ACTIONS: "true",
          SHIPLINE_PYPI_TOKEN: undefined,
          TWINE_PASSWORD: undefined,
          SIGSTORE_ID_TOKEN: undefined,
          HOME: repo.dir,
          SHIPLINE_TRUSTED_ROOT: join(repo.dir, "root.json"),
          GITHUB_REPOSITORY: "octo/sample",
          GITHUB_WORKFLOW_REF: "octo/sample/.github/workflows/release.yml@refs/tags/v1.0.0",
        },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.done).toBe(true);
    // Same attestation on the index, and its Sigstore signature verifies as this workflow's.
    expect(out.stages.verify.result.files.map((f: { provenance: string }) => f.provenance)).toEqual([
      "verified",
      "verified",
    ]);
    expect(new Set(oidc.issued.map((i) => i.audience))).toEqual(new Set(["sigstore", "pypi"]));
    const stored = pypi.files("sample-tp").filter((f) => f.version === "1");
    expect(stored.map((f) => f.filename).sort()).toEqual([
      "sample_tp-1.0.0-py3-none-any.whl",
      "sample_tp-1.0.0.tar.gz",
    ]);
    expect(stored.every((f) => f.attestations?.length === 1)).toBe(true);
    const state = readFileSync(join(repo.dir, ".shipline", "state.json"), "utf8");
    const visible = `${state}\n${r.stdout}\n${r.stderr
      .split("\n")
      .filter((l) => !l.startsWith("::add-mask::"))
      .join("\n")}`;
    for (const t of pypi.minted) expect(visible).not.toContain(t);
    expect(visible).not.toContain(oidc.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!);
    expect(visible).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  });

  test("an attestation signed by another workflow is caught by verify", async () => {
    const repo = TestRepo.python("1.0.0");
    repo.commit("chore: ignore dist", { ".gitignore": "dist/\n.shipline/\n" });
    const dist = join(repo.dir, "dist");
    mkdirSync(dist, { recursive: true });
    makeWheel(dist, { name: "sample-tp", version: "1.0.1" });
    ss.writeTrustedRoot(join(repo.dir, "root.json"));
    const r = await shipline(
      [
        "publish",
        "dist/*",
        "--repository-url",
        pypi.uploadUrl,
        "--fulcio-url",
        ss.fulcioUrl,
        "--rekor-url",
        ss.rekorUrl,
      ],
      {
        cwd: repo.dir,
        env: {
          ...oidc.env,
          GITHUB_ACTIONS: "true",
          SHIPLINE_PYPI_TOKEN: undefined,
          HOME: repo.dir,
          SHIPLINE_TRUSTED_ROOT: join(repo.dir, "root.json"),
          GITHUB_WORKFLOW_REF: "octo/sample/.github/workflows/other.yml@refs/tags/v1.0.0",
        },
      },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("the attestation on the index does not verify: identity mismatch");
  });
});

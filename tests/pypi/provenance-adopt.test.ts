/**
 * A re-run on a fresh runner whose build writes other contents than the first attempt's (a new
 * setuptools between the two, writing other metadata): the index keeps the first wheel forever,
 * so the release can only be finished with it. The build stage takes it when its PEP 740
 * provenance, verified offline, shows this job's signer at this release's commit; a wheel
 * signed at another commit, or by another workflow, is refused as before.
 * Real builds (setuptools, `python -m build --no-isolation`), the compiled binary, the OIDC,
 * Sigstore and PyPI stand-ins.
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

const WORKFLOW_REF = "octo/prov/.github/workflows/release.yml@refs/heads/main";

/** A project whose every build puts its build number into the package: no two builds hold the same files. */
function numberedBuilds(name: string): TestRepo {
  const r = project(name);
  r.commit("build: number each build", {
    "numbered.py": [
      "import os, subprocess, sys",
      "n = int(open('.builds').read()) + 1 if os.path.exists('.builds') else 1",
      "open('.builds', 'w').write(str(n))",
      `open('src/${name}/_build.py', 'w').write(f'BUILD = {n}\\n')`,
      `subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", "dist"], check=True)`,
      "",
    ].join("\n"),
    "pyproject.toml": readFileSync(join(r.dir, "pyproject.toml"), "utf8").replace(
      `command = ["${PY}", "-m", "build", "--no-isolation", "--outdir", "dist"]`,
      `command = ["${PY}", "numbered.py"]`,
    ),
    ".gitignore": `dist/\nbuild/\n*.egg-info/\n.shipline/\nroot.json\n.builds\nsrc/${name}/_build.py\n`,
  });
  return r;
}

/** The job's identity provider, Sigstore and PyPI: the token names `sha`, the commit the job runs at. */
interface World {
  oidc: OidcServer;
  ss: SigstoreServer;
  pypi: PypiServer;
}

async function startWorld(project: string, sha: string): Promise<World> {
  const oidc = await startOidc({ repository: "octo/prov", ref: "refs/heads/main", sha });
  const ss = await startSigstore({ verifyToken: oidc.verify });
  const pypi = await startPypi({
    oidc: { publicKey: oidc.publicKey, issuer: oidc.issuer },
    publishers: [{ project, repository: "octo/prov", workflow: "release.yml" }],
  });
  // Trusted Publishing cannot create a project: an owner's earlier upload did
  pypi.seed({ project, version: "0.1.0", filename: `${project}-0.1.0.tar.gz`, bytes: new Uint8Array(3) });
  return { oidc, ss, pypi };
}

async function stopWorld(w: World | undefined): Promise<void> {
  w?.oidc.stop();
  w?.ss.stop();
  await w?.pypi.stop();
}

let ours: TestRepo;
let other: TestRepo;
let world: World;
let elsewhere: World;
beforeAll(async () => {
  ours = numberedBuilds("provown");
  other = numberedBuilds("provelse");
  // ours: the job runs at the release commit (HEAD); other: at the commit before its release
  world = await startWorld("provown", ours.head());
  elsewhere = await startWorld("provelse", other.git("rev-parse", "HEAD~1").trim());
});
afterAll(async () => {
  await stopWorld(world);
  await stopWorld(elsewhere);
  ours?.remove();
  other?.remove();
});

/** `shipline publish` under Trusted Publishing, signed, as the release workflow runs it. */
function publish(r: TestRepo, w: World, extra: Record<string, string | undefined> = {}) {
  const env = { ...signedJobEnv(r, w.oidc.env, (p) => w.ss.writeTrustedRoot(p), "octo/prov"), ...extra };
  const args = [
    "publish",
    "--repository-url",
    w.pypi.uploadUrl,
    "--fulcio-url",
    w.ss.fulcioUrl,
    "--rekor-url",
    w.ss.rekorUrl,
  ];
  return shipline([...args, "--json"], { cwd: r.dir, env, timeoutMs: 120_000 });
}

/** The names of a project's 1.0.0 files on the index, sorted. */
const released = (w: World, project: string) =>
  w.pypi
    .files(project)
    .filter((f) => f.version === "1")
    .map((f) => f.filename)
    .sort();

const sha256 = (path: string) => new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");

describe.skipIf(!hasBinary() || !canBuild())("a rebuild with other contents than the index's file", () => {
  test("signed by this workflow at this release's commit: the index's wheel is taken and the release finished", async () => {
    const wheel = "provown-1.0.0-py3-none-any.whl";
    const first = await publish(ours, world, { SHIPLINE_FAULT: "upload:after-send:kill" });
    expect(first.code, first.stderr).not.toBe(0);
    expect(released(world, "provown")).toEqual([wheel]);
    const stored = world.pypi.files("provown").find((f) => f.filename === wheel)!;
    freshRunner(ours);
    const again = await publish(ours, world);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(ours.dir, ".builds"), "utf8")).toBe("2");
    expect(again.stderr).toContain(
      `${wheel}: the index's file has other contents than this build (provown/_build.py differs: another build tool or version?), but its PEP 740 provenance shows https://github.com/${WORKFLOW_REF} built it at commit ${ours.head().slice(0, 12)}, this release's`,
    );
    expect(again.stderr).toContain(`${wheel}: already on the index with the same sha256`);
    // dist/ holds the first build's wheel; the sdist of the second build went up; nothing twice
    expect(sha256(join(ours.dir, "dist", wheel))).toBe(stored.digests.sha256);
    expect(released(world, "provown")).toEqual([wheel, "provown-1.0.0.tar.gz"]);
    expect(world.pypi.uploads.filter((u) => u.filename === wheel && u.status === 200)).toHaveLength(1);
    const out = JSON.parse(again.stdout);
    expect(out.stages.verify.result.files.map((f: { provenance: string }) => f.provenance)).toEqual([
      "verified",
      "verified",
    ]);
  });

  test("signed by another workflow of the repository: refused", async () => {
    // the first attempt's file is the one above's setting: signed by release.yml at `ours`' HEAD
    const r = ours;
    const sdist = "provown-1.0.0.tar.gz";
    expect(released(world, "provown")).toContain(sdist);
    freshRunner(r);
    const again = await publish(r, world, {
      GITHUB_WORKFLOW_REF: "octo/prov/.github/workflows/other.yml@refs/heads/main",
    });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`${sdist}: the index has a different file under this name (sha256 `);
    expect(again.stderr).toContain("its attestation does not verify as this job's (identity mismatch");
    expect(again.stderr).toContain("is already on the index with different contents");
  });

  test("signed at a commit that is not this release's: refused, the index's file untouched", async () => {
    const wheel = "provelse-1.0.0-py3-none-any.whl";
    const first = await publish(other, elsewhere, { SHIPLINE_FAULT: "upload:after-send:kill" });
    expect(first.code, first.stderr).not.toBe(0);
    expect(released(elsewhere, "provelse")).toEqual([wheel]);
    const stored = elsewhere.pypi.files("provelse").find((f) => f.filename === wheel)!.digests.sha256;
    freshRunner(other);
    const again = await publish(other, elsewhere);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(
      `(provelse/_build.py differs; it was signed at commit ${other.git("rev-parse", "HEAD~1").trim().slice(0, 12)}, which is neither this release's commit nor a later one on HEAD's history)`,
    );
    expect(again.stderr).toContain("is already on the index with different contents");
    expect(sha256(join(other.dir, "dist", wheel))).not.toBe(stored);
    expect(released(elsewhere, "provelse")).toEqual([wheel]);
  });
});

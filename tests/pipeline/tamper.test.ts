/**
 * Tampering between a crash and `shipline resume`, with the compiled binary and every stand-in
 * (OIDC, Fulcio/Rekor, PyPI with Trusted Publishing) in GitHub Actions mode: the publish is
 * killed right after the sign stage (SHIPLINE_FAULT=stage:after:sign:kill), then a dist file,
 * the checkpoint or HEAD is changed. Resume must refuse in one clear line with exit 1, and the
 * index must not have received a single upload request. The untouched case resumes and
 * uploads, so the "no upload" assertions can fail.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { makeSdist, makeWheel } from "../pypi/fixtures.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { type SigstoreServer, startSigstore } from "../servers/sigstore.ts";

setDefaultTimeout(60_000);

const PROJECT = "sample-tamper";
let oidc: OidcServer;
let ss: SigstoreServer;
let pypi: PypiServer;
beforeAll(async () => {
  oidc = await startOidc({ repository: "octo/sample", ref: "refs/tags/v1.0.0" });
  ss = await startSigstore({ verifyToken: oidc.verify });
  pypi = await startPypi({
    oidc: { publicKey: oidc.publicKey, issuer: oidc.issuer },
    publishers: [{ project: PROJECT, repository: "octo/sample", workflow: "release.yml" }],
  });
  // The project exists (Trusted Publishing cannot create one).
  pypi.seed({
    project: PROJECT,
    version: "0.9.0",
    filename: "sample_tamper-0.9.0.tar.gz",
    bytes: new Uint8Array(4),
  });
});
afterAll(async () => {
  oidc?.stop();
  ss?.stop();
  await pypi?.stop();
});

/** A repo whose dist/ holds a wheel and an sdist of `version`, crashed right after signing. */
async function crashedAfterSign(version: string) {
  const repo = TestRepo.python(version);
  repo.commit("chore: ignore dist", { ".gitignore": "dist/\n.shipline/\nroot.json\n" });
  const dist = join(repo.dir, "dist");
  mkdirSync(dist, { recursive: true });
  const wheel = makeWheel(dist, { name: PROJECT, version });
  makeSdist(dist, { name: PROJECT, version });
  ss.writeTrustedRoot(join(repo.dir, "root.json"));
  const env = {
    ...oidc.env,
    GITHUB_ACTIONS: "true",
    SHIPLINE_PYPI_TOKEN: undefined,
    TWINE_PASSWORD: undefined,
    SIGSTORE_ID_TOKEN: undefined,
    HOME: repo.dir,
    SHIPLINE_TRUSTED_ROOT: join(repo.dir, "root.json"),
    GITHUB_REPOSITORY: "octo/sample",
    GITHUB_WORKFLOW_REF: "octo/sample/.github/workflows/release.yml@refs/tags/v1.0.0",
  };
  const args = [
    "publish",
    "dist/*",
    "--repository-url",
    pypi.uploadUrl,
    "--fulcio-url",
    ss.fulcioUrl,
    "--rekor-url",
    ss.rekorUrl,
  ];
  const crashed = await shipline(args, {
    cwd: repo.dir,
    env: { ...env, SHIPLINE_FAULT: "stage:after:sign:kill" },
  });
  expect(crashed.code, crashed.stderr).not.toBe(0);
  const statePath = join(repo.dir, ".shipline", "state.json");
  const state = JSON.parse(readFileSync(statePath, "utf8"));
  expect(state.next).toBe("upload");
  expect(state.stages.sign.status).toBe("done");
  const resume = (extra: string[] = []) =>
    shipline(["resume", ...extra], { cwd: repo.dir, env }).then((r) => ({
      ...r,
      requests: uploadRequests() - postsBefore,
    }));
  const postsBefore = uploadRequests();
  return { repo, wheel, statePath, resume };
}

/** Upload POSTs that reached the index at all (even ones cut off before the handler ran). */
const uploadRequests = () =>
  pypi.faults.log.filter((e) => e.method === "POST" && e.path === new URL(pypi.uploadUrl).pathname).length;
const uploadsOf = (version: string) => pypi.uploads.filter((u) => u.filename.includes(`-${version}`)).length;

/** The refusal: exit 1, the message on one ✖ line, a hint, no stack trace. */
function expectRefused(r: { code: number; stderr: string }, message: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const errorLines = r.stderr.split("\n").filter((l) => l.startsWith("::error") || l.startsWith("✖"));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toMatch(message);
  expect(r.stderr).not.toContain("    at ");
  expect(r.stderr).not.toContain("internal error");
}

describe.skipIf(!hasBinary())("tampering between crash and resume", () => {
  test("untouched: resume uploads both files once (the control case)", async () => {
    const c = await crashedAfterSign("1.0.0");
    expect(uploadsOf("1.0.0")).toBe(0);
    const r = await c.resume(["--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).done).toBe(true);
    expect(uploadsOf("1.0.0")).toBe(2);
    expect(pypi.files(PROJECT).filter((f) => f.filename.includes("-1.0.0"))).toHaveLength(2);
  });

  test("a dist file grew after it was checked and signed → refused, no upload request", async () => {
    const c = await crashedAfterSign("1.0.1");
    appendFileSync(c.wheel, "tampered");
    const r = await c.resume();
    expectRefused(r, /sample_tamper-1\.0\.1-py3-none-any\.whl changed since the check stage/);
    expect(r.requests).toBe(0);
    expect(uploadsOf("1.0.1")).toBe(0);
  });

  test("a dist file rewritten in place (same size) → refused, nothing stored", async () => {
    const c = await crashedAfterSign("1.0.2");
    const bytes = readFileSync(c.wheel);
    bytes[bytes.length - 30] = (bytes[bytes.length - 30] ?? 0) ^ 0xff;
    writeFileSync(c.wheel, bytes);
    const r = await c.resume();
    expectRefused(r, /sample_tamper-1\.0\.2-py3-none-any\.whl changed since the check stage/);
    expect(r.requests).toBe(0);
    expect(uploadsOf("1.0.2")).toBe(0);
    expect(pypi.files(PROJECT).filter((f) => f.filename.includes("-1.0.2"))).toHaveLength(0);
  });

  test("the checkpoint edited to skip the upload → integrity failure, no upload request", async () => {
    const c = await crashedAfterSign("1.0.3");
    const text = readFileSync(c.statePath, "utf8");
    expect(text).toContain('"next": "upload"');
    writeFileSync(c.statePath, text.replace('"next": "upload"', '"next": "verify"'));
    const r = await c.resume();
    expectRefused(r, /\.shipline\/state\.json.*integrity/);
    expect(r.stderr).toContain("shipline status --reset");
    expect(r.requests).toBe(0);
    expect(uploadsOf("1.0.3")).toBe(0);
  });

  test("HEAD moved → refused naming both commits, no upload request", async () => {
    const c = await crashedAfterSign("1.0.4");
    const before = c.repo.head();
    const after = c.repo.commit("feat: sneaked in after the crash", { "sneaky.py": "X = 1\n" });
    const r = await c.resume();
    expectRefused(
      r,
      new RegExp(`refusing to resume .*HEAD moved from ${before.slice(0, 7)} to ${after.slice(0, 7)}`),
    );
    expect(r.requests).toBe(0);
    expect(uploadsOf("1.0.4")).toBe(0);
  });
});

/**
 * `shipline publish FILES…` and `shipline resume` end to end with the compiled binary against
 * the PyPI stand-in: a SIGKILL in the middle of streaming a file, or between PyPI's 200 and
 * the checkpoint write, resumes to every file on the index exactly once; a file changed while
 * the run was down is refused.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { makeSdist, makeWheel } from "./fixtures.ts";

setDefaultTimeout(60_000);

let pypi: PypiServer;
beforeAll(async () => {
  pypi = await startPypi();
});
afterAll(() => pypi.stop());

function repoWithDists(name: string, pad = 0): { repo: TestRepo; files: string[] } {
  const repo = TestRepo.python("1.0.0");
  repo.commit("chore: ignore dist", { ".gitignore": "dist/\n.shipline/\n" });
  const dist = join(repo.dir, "dist");
  mkdirSync(dist, { recursive: true });
  const files = [makeWheel(dist, { name, pad }), makeSdist(dist, { name })];
  return { repo, files };
}

const env = (extra: Record<string, string> = {}) => ({
  SHIPLINE_PYPI_TOKEN: pypi.token,
  SHIPLINE_HTTP_BACKOFF_MS: "5",
  ...extra,
});

const stored = (project: string) =>
  pypi
    .files(project)
    .map((f) => f.filename)
    .sort();
const posts200 = (filename: string) =>
  pypi.uploads.filter((u) => u.filename === filename && u.status === 200).length;

describe.skipIf(!hasBinary())("publish FILES… (compiled binary)", () => {
  test("publishes, verifies, and a second run does nothing", async () => {
    const { repo } = repoWithDists("pub-happy");
    const args = ["publish", "dist/*", "--no-sign", "--repository-url", pypi.uploadUrl, "--json"];
    const r = await shipline(args, { cwd: repo.dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.done).toBe(true);
    expect(out.stages.upload.result.files.map((f: { status: string }) => f.status)).toEqual([
      "uploaded",
      "uploaded",
    ]);
    expect(out.stages.verify.result.files).toHaveLength(2);
    expect(stored("pub-happy")).toEqual(["pub_happy-1.0.0-py3-none-any.whl", "pub_happy-1.0.0.tar.gz"]);
    const again = await shipline(args, { cwd: repo.dir, env: env() });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).alreadyDone).toBe(true);
    // The checkpoint never holds the token.
    expect(readFileSync(join(repo.dir, ".shipline", "state.json"), "utf8")).not.toContain(pypi.token);
    expect(r.stderr + r.stdout).not.toContain(pypi.token);
  });

  test("killed mid-stream (SIGKILL after 300 kB of the wheel): resume uploads each file exactly once", async () => {
    const { repo } = repoWithDists("pub-kill", 2 << 20);
    const wheel = "pub_kill-1.0.0-py3-none-any.whl";
    const killed = await shipline(["publish", "dist/*", "--no-sign", "--repository-url", pypi.uploadUrl], {
      cwd: repo.dir,
      env: env({ SHIPLINE_FAULT: "upload:after-bytes=300000:kill" }),
    });
    expect(killed.code).not.toBe(0);
    expect(stored("pub-kill")).toEqual([]);
    const state = JSON.parse(readFileSync(join(repo.dir, ".shipline", "state.json"), "utf8"));
    expect(state.next).toBe("upload");
    expect(state.stages.upload.progress.files["dist/" + wheel].status).toBe("sending");
    const resumed = await shipline(["resume"], { cwd: repo.dir, env: env() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(stored("pub-kill")).toEqual([wheel, "pub_kill-1.0.0.tar.gz"]);
    expect(posts200(wheel)).toBe(1);
    expect(posts200("pub_kill-1.0.0.tar.gz")).toBe(1);
  });

  test("killed between PyPI's 200 and the checkpoint: resume finds the file by sha256, never sends it again", async () => {
    const { repo } = repoWithDists("pub-after");
    const wheel = "pub_after-1.0.0-py3-none-any.whl";
    const killed = await shipline(["publish", "dist/*", "--no-sign", "--repository-url", pypi.uploadUrl], {
      cwd: repo.dir,
      env: env({ SHIPLINE_FAULT: "upload:after-send:kill" }),
    });
    expect(killed.code).not.toBe(0);
    expect(stored("pub-after")).toEqual([wheel]);
    const postsBefore = pypi.uploads.filter((u) => u.filename === wheel).length;
    const resumed = await shipline(["resume", "--json"], { cwd: repo.dir, env: env() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(pypi.uploads.filter((u) => u.filename === wheel).length).toBe(postsBefore);
    expect(stored("pub-after")).toEqual([wheel, "pub_after-1.0.0.tar.gz"]);
    const files = JSON.parse(resumed.stdout).stages.upload.result.files;
    expect(files.find((f: { path: string }) => f.path === `dist/${wheel}`).status).toBe("uploaded");
  });

  test("a file changed while the run was down is refused on resume", async () => {
    const { repo, files } = repoWithDists("pub-tamper");
    const killed = await shipline(["publish", "dist/*", "--no-sign", "--repository-url", pypi.uploadUrl], {
      cwd: repo.dir,
      env: env({ SHIPLINE_FAULT: "stage:before:upload:kill" }),
    });
    expect(killed.code).not.toBe(0);
    const wheel = files[0]!;
    const bytes = readFileSync(wheel);
    bytes[bytes.length - 30] = (bytes[bytes.length - 30] ?? 0) ^ 0xff; // flips a byte in the zip's central directory
    writeFileSync(wheel, bytes);
    const resumed = await shipline(["resume"], { cwd: repo.dir, env: env() });
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain("changed since the check stage");
    expect(resumed.stderr).toContain("nothing was stored");
    expect(stored("pub-tamper")).toEqual([]);
  });
});

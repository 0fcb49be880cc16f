/**
 * Where `plan` runs, and the rev-parse that main.ts starts before plan's modules load
 * (prestartLocate → locateAsync): the prestarted answer is the one used, once, and only for
 * the same directory; `--cwd DIR` and `--cwd=DIR` both reach it in the binary.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ShiplineError } from "../../src/errors.ts";
import { gitAsync, prestartGit } from "../../src/git/git.ts";
import { locate, locateAsync, prestartLocate } from "../../src/git/locate.ts";
import { shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";

setDefaultTimeout(60_000);
const repos: TestRepo[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

function repo(): TestRepo {
  const r = TestRepo.create({ branch: "trunk" });
  repos.push(r);
  return r;
}

describe("locate", () => {
  test("sync and async agree: root, branch, commits", async () => {
    const r = repo();
    r.commit("chore: one", { "a.txt": "1\n" });
    mkdirSync(join(r.dir, "sub"));
    const sub = join(r.dir, "sub");
    expect(await locateAsync(sub)).toEqual(locate(sub));
    expect(locate(sub).branch).toBe("trunk");
    expect(locate(sub).hasCommits).toBe(true);
    r.git("checkout", "-q", "--detach");
    expect((await locateAsync(r.dir)).branch).toBeUndefined();
  });

  test("a repository without commits", async () => {
    const r = repo();
    const l = await locateAsync(r.dir);
    expect(l.hasCommits).toBe(false);
    expect(l.root).toBe(locate(r.dir).root);
  });

  test("outside a repository: the one-line error", async () => {
    await expect(locateAsync(tmp())).rejects.toThrow(/is not inside a git repository/);
  });

  test("the prestarted answer is used, once, for the same directory only", async () => {
    const r = repo();
    const first = r.commit("chore: one", { "a.txt": "1\n" });
    await prestartGit(["rev-parse", "HEAD"], r.dir); // git has answered (and exited) before the next commit
    const second = r.commit("chore: two", { "a.txt": "2\n" });
    expect((await gitAsync(["rev-parse", "HEAD"], { cwd: r.dir })).stdout.trim()).toBe(first);
    expect((await gitAsync(["rev-parse", "HEAD"], { cwd: r.dir })).stdout.trim()).toBe(second);
    // another directory's answer is never taken
    prestartLocate(["--json", "--cwd", join(r.dir, ".git")]);
    expect((await locateAsync(r.dir)).root).toBe(r.dir);
  });

  test("git failing to start is a ShiplineError naming the directory", async () => {
    const missing = join(tmp(), "gone");
    const e = await gitAsync(["status"], { cwd: missing }).catch((x) => x);
    expect(e).toBeInstanceOf(ShiplineError);
    expect((e as Error).message).toContain(missing);
  });

  test("binary: plan --cwd DIR and --cwd=DIR from elsewhere", async () => {
    const r = repo();
    r.commit("chore: release 0.1.0", {
      "release-please-config.json": `${JSON.stringify({ packages: { ".": { "release-type": "python" } } })}\n`,
      ".release-please-manifest.json": `${JSON.stringify({ ".": "0.1.0" })}\n`,
    });
    r.tag("v0.1.0");
    r.commit("fix: a bug");
    const args = ["plan", "--json", "--repo", "o/r", "--date", "2026-01-01"];
    const a = await shipline([...args, "--cwd", r.dir], { cwd: tmp() });
    const b = await shipline([...args, `--cwd=${r.dir}`], { cwd: tmp() });
    const c = await shipline(args, { cwd: r.dir });
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).releases[0].title).toBe("chore(trunk): release 0.1.1");
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).toBe(a.stdout);
  });
});

/** The streaming git log reader and merge-commit handling in plans. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { git, gitStream } from "../../src/git/git.ts";
import { commits, readLog } from "../../src/git/log.ts";
import { planReleases } from "../../src/plan/planner.ts";
import { TestRepo } from "../helpers/repo.ts";
import { rng } from "../helpers/rng.ts";

setDefaultTimeout(60_000);
const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

async function all(dir: string, files: boolean, maxCount?: number) {
  const out = [];
  for await (const batch of readLog({ cwd: dir, files, maxCount })) out.push(...batch);
  return out;
}

describe("readLog", () => {
  test("messages, files, merges against the first parent, odd bytes", async () => {
    const r = TestRepo.create();
    repos.push(r);
    const a = r.commit("first\n\nbody with \x1e and \x1f inside", { "a.txt": "1", "dir/b.txt": "2" });
    r.git("checkout", "-q", "-b", "topic");
    const t = r.commit("feat: on topic", { "pkg/x.py": "x", "név.txt": "ü" });
    r.git("checkout", "-q", "main");
    const m = r.commit("fix: on main", { "a.txt": "3" });
    r.git(
      "-c",
      "user.name=T",
      "-c",
      "user.email=t@e.x",
      "merge",
      "-q",
      "--no-ff",
      "topic",
      "-m",
      "Merge pull request #7 from o/topic\n\nfeat: merged",
    );
    const merge = r.head();
    const log = await all(r.dir, true);
    const bySha = new Map(log.map((c) => [c.sha, c]));
    expect(log.length).toBe(4);
    expect(log[0]?.sha).toBe(merge);
    expect(bySha.get(merge)?.message).toBe("Merge pull request #7 from o/topic\n\nfeat: merged");
    expect(bySha.get(merge)?.files.sort()).toEqual(["név.txt", "pkg/x.py"]);
    expect(bySha.get(a)?.message).toBe("first\n\nbody with \x1e and \x1f inside");
    expect(bySha.get(a)?.files.sort()).toEqual(["a.txt", "dir/b.txt"]);
    expect(bySha.get(t)?.files.sort()).toEqual(["név.txt", "pkg/x.py"]);
    expect(bySha.get(m)?.files).toEqual(["a.txt"]);
    const noFiles = await all(r.dir, false, 2);
    expect(noFiles.map((c) => c.files.length)).toEqual([0, 0]);
    expect(noFiles.length).toBe(2);
  }, 30_000);

  test("many commits stream through small chunks intact", async () => {
    const r = TestRepo.create();
    repos.push(r);
    const big = "x".repeat(70_000);
    r.commit(`fix: big body\n\n${big}`, { "f.txt": "1" });
    for (let i = 0; i < 12; i++) r.commit(`fix: n${i}`, { [`d${i}/f.txt`]: String(i) });
    const log = await all(r.dir, true);
    expect(log.length).toBe(13);
    expect(log[12]?.message.length).toBe("fix: big body\n\n".length + big.length);
    expect(log[0]?.files).toEqual(["d11/f.txt"]);
  }, 30_000);
});

describe("gitStream's pipe", () => {
  const openFds = () => readdirSync("/proc/self/fd").length;
  const pipeMax = (() => {
    try {
      return Number(readFileSync("/proc/sys/fs/pipe-max-size", "utf8"));
    } catch {
      return 0;
    }
  })();

  test.if(process.platform === "linux" && pipeMax >= 1 << 20)(
    "git runs ahead of a reader that has not started, by up to 1 MiB",
    async () => {
      const r = TestRepo.create();
      repos.push(r);
      r.commit("fix: big", { "big.txt": "z".repeat(700_000) });
      const blob = r.git("rev-parse", "HEAD:big.txt");
      const s = gitStream(["cat-file", "blob", blob], { cwd: r.dir, bigPipe: true });
      // The thread is kept busy without yielding, as a plan's walk keeps it: nothing reads the
      // pipe meanwhile. 700 kB do not fit the kernel's default 64 KiB, where git would wait.
      const state = () => /\) (\S)/.exec(readFileSync(`/proc/${s.pid}/stat`, "latin1"))?.[1];
      const deadline = performance.now() + 5_000;
      while (state() !== "Z" && performance.now() < deadline) {}
      expect(state()).toBe("Z"); // exited (not reaped yet: that needs the event loop)
      expect(await s.exited).toBe(0);
      let text = "";
      const decoder = new TextDecoder();
      for await (const chunk of s) text += decoder.decode(chunk, { stream: true });
      expect(text).toBe("z".repeat(700_000));
    },
    30_000,
  );

  test("git that cannot start is a ShiplineError naming the directory, with or without the pipe", () => {
    for (const bigPipe of [false, true])
      expect(() => gitStream(["log"], { cwd: "/nonexistent-shipline-dir", bigPipe })).toThrow(
        "could not run git in /nonexistent-shipline-dir",
      );
  });

  test.if(process.platform === "linux")(
    "no descriptor is left open, however the stream ends",
    async () => {
      const r = TestRepo.create();
      repos.push(r);
      for (let i = 0; i < 3; i++)
        r.commit(`fix: n${i}\n\n${"b".repeat(5_000)}`, { [`f${i}.txt`]: String(i) });
      Bun.gc(true);
      await Bun.sleep(50);
      const before = openFds();
      for (let i = 0; i < 30; i++) {
        const s = gitStream(["log", "--format=%B"], { cwd: r.dir, bigPipe: true });
        if (i % 3 === 0) {
          let n = 0;
          for await (const chunk of s) n += chunk.length;
          expect(n).toBeGreaterThan(15_000);
        } else if (i % 3 === 1) {
          s.stop(); // never read
        } else {
          for await (const _ of s) break; // the consumer stops early
          s.stop();
        }
        await s.exited;
      }
      await Bun.sleep(50);
      expect(openFds()).toBe(before);
    },
    60_000,
  );
});

describe("merges in a plan", () => {
  test("the merge body and the branch's commits both count; a monorepo sees the merge's files", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("chore: release", {
      "release-please-config.json": JSON.stringify({
        "release-type": "python",
        packages: { "pkg/a": { component: "a" }, "pkg/b": { component: "b" } },
      }),
      ".release-please-manifest.json": JSON.stringify({ "pkg/a": "1.0.0", "pkg/b": "1.0.0" }),
      "pkg/a/x.py": "0",
      "pkg/b/x.py": "0",
    });
    r.tag("a-v1.0.0").tag("b-v1.0.0");
    r.git("checkout", "-q", "-b", "topic");
    const t = r.commit("fix: topic work", { "pkg/a/x.py": "1" });
    r.git("checkout", "-q", "main");
    r.commit("docs: b only", { "pkg/b/x.py": "2" });
    r.git(
      "-c",
      "user.name=T",
      "-c",
      "user.email=t@e.x",
      "merge",
      "-q",
      "--no-ff",
      "topic",
      "-m",
      "Merge pull request #7 from o/topic\n\nfeat: merged feature",
    );
    const merge = r.head();
    const plan = await planReleases(r.dir, { repo: "o/r", date: "2026-01-01", targetBranch: "main" });
    const a = plan.releases.find((x) => x.path === "pkg/a");
    const b = plan.releases.find((x) => x.path === "pkg/b");
    expect(a?.version).toBe("1.1.0");
    expect(a?.changelog).toContain(`* merged feature ([${merge.slice(0, 7)}]`);
    expect(a?.changelog).toContain(`* topic work ([${t.slice(0, 7)}]`);
    expect(b?.version).toBe("1.0.1");
    expect(b?.changelog).not.toContain("merged feature");
  }, 30_000);

  test("records are the same however git's output is cut into reads", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("first\n\nbody with \x1e and \x1f inside", { "a.txt": "1", "dir/b.txt": "2" });
    r.commit(`fix: big body\n\n${"y".repeat(20_000)}`, { "f.txt": "1" });
    for (let i = 0; i < 30; i++)
      r.commit(`feat: change ${i}\n\nRefs: #${i}`, { [`d${i % 3}/f${i}.txt`]: String(i) });
    for (const files of [false, true]) {
      const args = ["log", "-z", "--format=%x1e%H%x1f%B"];
      if (files) args.push("--name-only", "--diff-merges=first-parent", "--no-ext-diff");
      const bytes = new TextEncoder().encode(git(args, { cwd: r.dir }).stdout);
      const read = async (cuts: number[]) => {
        const out = [];
        const pieces = async function* () {
          let at = 0;
          for (const c of [...cuts, bytes.length]) {
            yield bytes.subarray(at, c);
            at = c;
          }
        };
        for await (const batch of commits(pieces(), files)) out.push(...batch);
        return out;
      };
      const whole = await read([]);
      expect(whole.length).toBe(32);
      const next = rng(7);
      const rand = (n: number) => Math.floor(next() * n);
      for (let round = 0; round < 40; round++) {
        const cuts = [...new Set(Array.from({ length: 1 + rand(60) }, () => rand(bytes.length)))].sort(
          (a, b) => a - b,
        );
        expect(await read(cuts)).toEqual(whole);
      }
      // one byte per read
      expect(await read(Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))).toEqual(whole);
    }
  }, 60_000);
});

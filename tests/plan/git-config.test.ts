/**
 * User git settings and repository states that change what git prints must not change the plan
 * (found by an audit; each case planned wrong or failed unclearly before): signature checks in
 * `git log`, `git tag -l` in columns, re-encoded messages, a tag named like the branch, a tag
 * of a tag, and a repository git refuses to use.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { chownSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../src/git/git.ts";
import { planReleases } from "../../src/plan/planner.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

function python(): TestRepo {
  const r = TestRepo.python("1.0.0");
  repos.push(r);
  return r;
}

/**
 * A release at 1.0.0 made of a breaking commit, left untagged for the test to tag: when its tag
 * is not found, every commit counts and the plan says 2.0.0; found, a later fix gives 1.0.1.
 */
function breakingRelease(): TestRepo {
  const r = TestRepo.create();
  repos.push(r);
  r.commit("feat!: old breaking", {
    "release-please-config.json": JSON.stringify({ packages: { ".": { "release-type": "python" } } }),
    ".release-please-manifest.json": '{".": "1.0.0"}',
    "pyproject.toml": '[project]\nname = "p"\nversion = "1.0.0"\n',
  });
  return r;
}

const plan = (r: TestRepo) => planReleases(r.dir, { repo: "o/r", date: "2026-12-01", env: {} });

describe("git settings that change git's output", () => {
  test.skipIf(!Bun.which("ssh-keygen"))(
    "log.showSignature with signed commits: a monorepo plan keeps every commit and package",
    async () => {
      const r = TestRepo.create();
      repos.push(r);
      r.commit("chore: init", {
        "release-please-config.json": JSON.stringify({
          packages: {
            pkga: { "release-type": "python", component: "a" },
            other: { "release-type": "python", component: "o" },
          },
        }),
        ".release-please-manifest.json": '{"pkga": "1.0.0", "other": "1.0.0"}',
        "pkga/pyproject.toml": '[project]\nname = "a"\nversion = "1.0.0"\n',
        "other/pyproject.toml": '[project]\nname = "o"\nversion = "1.0.0"\n',
      });
      r.tag("a-v1.0.0").tag("o-v1.0.0");
      const keys = tempDir();
      const key = join(keys, "id");
      expect(Bun.spawnSync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key]).exitCode).toBe(0);
      writeFileSync(join(keys, "allowed"), `test@example.invalid ${await Bun.file(`${key}.pub`).text()}`);
      for (const [k, v] of [
        ["gpg.format", "ssh"],
        ["user.signingkey", key],
        ["gpg.ssh.allowedSignersFile", join(keys, "allowed")],
        ["commit.gpgSign", "true"],
      ] as const)
        r.git("config", k, v);
      for (let i = 0; i < 3; i++) {
        r.commit(`feat: a ${i}`, { [`pkga/m${i}.py`]: "x" });
        r.commit(`fix: o ${i}`, { [`other/m${i}.py`]: "x" });
      }
      r.git("config", "log.showSignature", "true");
      expect(r.git("log", "-1")).toContain("Good");
      const p = await plan(r);
      expect(p.releases.map((x) => [x.path, x.version, x.commits.length])).toEqual([
        ["pkga", "1.1.0", 3],
        ["other", "1.0.1", 3],
      ]);
    },
  );

  test("column.ui=always: another spelling of the manifest's tag is still found", async () => {
    const r = breakingRelease();
    r.tag("1.0.0").tag("1.0.0-other-a").tag("z1.0.0");
    r.commit("fix: new fix", { "a.py": "x" });
    r.git("config", "column.ui", "always");
    expect((await plan(r)).releases[0]?.version).toBe("1.0.1");
  });

  test("i18n.logOutputEncoding: UTF-8 messages stay UTF-8 in the changelog", async () => {
    const r = python();
    r.commit("fix: café crème", { "a.py": "x" });
    r.git("config", "i18n.logOutputEncoding", "ISO-8859-1");
    expect((await plan(r)).releases[0]?.changelog).toContain("* café crème (");
  });
});

describe("repository states", () => {
  test("a tag named like the branch: the target branch is still main", async () => {
    const r = python();
    r.commit("feat: x", { "a.py": "x" });
    r.tag("main", "HEAD~1");
    expect((await plan(r)).releases[0]?.title).toBe("chore(main): release 1.1.0");
  });

  test("a tag of a tag is followed to its commit", async () => {
    const r = breakingRelease();
    r.git("tag", "-a", "-m", "inner", "inner");
    r.git("tag", "-a", "-m", "outer", "v1.0.0", "inner");
    r.commit("fix: new fix", { "a.py": "x" });
    const p = await plan(r);
    expect(p.releases[0]?.version).toBe("1.0.1");
    expect(p.warnings ?? []).toEqual([]);
  });

  test.skipIf(process.getuid?.() !== 0)(
    "a repository owned by another user: git's reason and the safe.directory fix",
    () => {
      const r = python();
      chownSync(r.dir, 65534, 65534);
      let err: (Error & { hint?: string }) | undefined;
      try {
        repoRoot(r.dir);
      } catch (e) {
        err = e as Error & { hint?: string };
      } finally {
        chownSync(r.dir, 0, 0);
      }
      expect(err?.message).toContain("dubious ownership");
      expect(err?.hint).toContain(`safe.directory ${r.dir}`);
    },
  );
});

/** A push the server refuses (a hook, a ruleset) is reported with the server's reason, not as "the branch moved". */
import { expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ShiplineError } from "../../src/errors.ts";
import { pushWithLease } from "../../src/git/branch-commit.ts";
import { GIT_ENV, TestRepo, tempDir } from "../helpers/repo.ts";

test("a pre-receive hook's refusal names the server's reason and the fix", () => {
  const bare = join(tempDir("shipline-bare-"), "origin.git");
  Bun.spawnSync(["git", "init", "-q", "--bare", bare]);
  const hook = join(bare, "hooks", "pre-receive");
  writeFileSync(hook, "#!/bin/sh\necho 'protected by ruleset' >&2\nexit 1\n");
  chmodSync(hook, 0o755);
  const repo = TestRepo.create();
  const sha = repo.commit("feat: x", { "a.py": "1\n" });
  repo.git("remote", "add", "origin", bare);
  let err: unknown;
  try {
    pushWithLease(repo.dir, "origin", sha, "release-please--branches--main", undefined, GIT_ENV);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ShiplineError);
  const e = err as ShiplineError;
  expect(e.message).toBe(
    "push of release-please--branches--main to origin was refused by the server: pre-receive hook declined",
  );
  expect(e.hint).toContain("branch protection rule, ruleset or hook");
  repo.remove();
});

/** A project repo with a bare `origin` and the GitHub stand-in backed by that bare repo. */
import { join } from "node:path";
import { GIT_ENV, type TestRepo, tempDir } from "../helpers/repo.ts";
import { type GitHubStandIn, startGitHub } from "../servers/github.ts";

export interface GitHubFixture {
  repo: TestRepo;
  bare: string;
  gh: GitHubStandIn;
  /** Environment for the shipline binary: stand-in API, token, repository, git identity. */
  env: Record<string, string>;
  /** git in the bare remote. */
  remoteGit(...args: string[]): string;
  cleanup(): void;
}

export function gitIn(dir: string, args: string[]): string {
  const p = Bun.spawnSync(["git", ...args], {
    cwd: dir,
    env: { ...process.env, ...GIT_ENV },
    stdout: "pipe",
    stderr: "pipe",
  });
  if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${p.stderr.toString()}`);
  return p.stdout.toString().trim();
}

export async function githubFixture(repo: TestRepo): Promise<GitHubFixture> {
  const bare = join(tempDir("shipline-remote-"), "origin.git");
  gitIn(repo.dir, ["init", "-q", "--bare", bare]);
  repo.git("remote", "add", "origin", bare);
  repo.git("push", "-q", "origin", "HEAD:refs/heads/main");
  const gh = await startGitHub({ bare });
  return {
    repo,
    bare,
    gh,
    env: { ...gh.env, ...GIT_ENV, GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main" },
    remoteGit: (...args) => gitIn(bare, args),
    cleanup() {
      gh.stop();
      repo.remove();
    },
  };
}

/** Real git repositories in temp dirs, for tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
};

export function tempDir(prefix = "shipline-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export class TestRepo {
  constructor(readonly dir: string) {}

  static create(opts: { branch?: string } = {}): TestRepo {
    const repo = new TestRepo(tempDir());
    repo.git("init", "-q", "-b", opts.branch ?? "main");
    return repo;
  }

  git(...args: string[]): string {
    const p = Bun.spawnSync(["git", ...args], {
      cwd: this.dir,
      env: { ...process.env, ...GIT_ENV },
      stdout: "pipe",
      stderr: "pipe",
    });
    if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${p.stderr.toString()}`);
    return p.stdout.toString().trim();
  }

  write(path: string, content: string): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  /** Commit everything (or an empty commit) with this message; returns the sha. */
  commit(message: string, files: Record<string, string> = {}): string {
    for (const [p, c] of Object.entries(files)) this.write(p, c);
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.head();
  }

  tag(name: string, ref = "HEAD"): this {
    this.git("tag", name, ref);
    return this;
  }

  head(): string {
    return this.git("rev-parse", "HEAD");
  }

  /** A release-please python setup at `version` with its release commit tagged. */
  static python(version = "0.1.0", config: Record<string, unknown> = {}): TestRepo {
    const repo = TestRepo.create();
    repo.commit(`chore: release ${version}`, {
      "release-please-config.json": `${JSON.stringify({ packages: { ".": { "release-type": "python", ...config } } }, null, 2)}\n`,
      ".release-please-manifest.json": `${JSON.stringify({ ".": version }, null, 2)}\n`,
      "pyproject.toml": `[project]\nname = "sample"\nversion = "${version}"\n`,
    });
    repo.tag(`v${version}`);
    return repo;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

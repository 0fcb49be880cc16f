/**
 * Builds spec §9-style repositories: a release commit `chore(main): release x (#1)` carrying
 * the config and manifest (tagged unless told otherwise), then the vector's commits (given
 * newest first, as in the spec). `L(k)` in expected text expands to commit k's real link.
 */
import { TestRepo } from "../helpers/repo.ts";

export interface VectorCommit {
  msg: string;
  /** Files touched (default src/app.py). */
  files?: string[];
}

export interface VectorSetup {
  /** Per-package config for "." (ignored when `packages` is given). */
  pkg?: Record<string, unknown>;
  /** Top-level config keys. */
  top?: Record<string, unknown>;
  packages?: Record<string, Record<string, unknown>>;
  manifest?: Record<string, string>;
  /** Tags put on the release commit (default ["v1.2.3"]). */
  tags?: string[];
  /** Commits below the release commit, newest first. */
  older?: (string | VectorCommit)[];
  /** Commits above it, newest first. */
  commits: (string | VectorCommit)[];
  /** No release commit at all (first-release vectors). */
  noRelease?: boolean;
}

export interface VectorRepo {
  repo: TestRepo;
  /** sha of commit k (1-based, newest first, like the spec). */
  sha(k: number): string;
  olderSha(k: number): string;
  expand(text: string): string;
}

let counter = 0;

function commitAll(repo: TestRepo, list: (string | VectorCommit)[]): string[] {
  const shas: string[] = [];
  for (const c of [...list].reverse()) {
    const vc = typeof c === "string" ? { msg: c } : c;
    const files: Record<string, string> = {};
    for (const f of vc.files ?? ["src/app.py"]) files[f] = `# change ${++counter}\n`;
    shas.unshift(repo.commit(vc.msg, files));
  }
  return shas;
}

export function vectorRepo(v: VectorSetup): VectorRepo {
  const repo = TestRepo.create();
  const olderShas = commitAll(repo, v.older ?? []);
  const config = {
    "release-type": "python",
    ...v.top,
    packages: v.packages ?? { ".": { ...v.pkg } },
  };
  const setup = {
    "release-please-config.json": `${JSON.stringify(config, null, 2)}\n`,
    ".release-please-manifest.json": `${JSON.stringify(v.manifest ?? { ".": "1.2.3" }, null, 2)}\n`,
    "src/app.py": "# app\n",
  };
  if (v.noRelease) {
    for (const [p, c] of Object.entries(setup)) repo.write(p, c);
  } else {
    repo.commit("chore(main): release x (#1)", setup);
    for (const t of v.tags ?? ["v1.2.3"]) repo.tag(t);
  }
  if (v.noRelease) {
    // the config files arrive with the oldest vector commit
    const list = [...v.commits];
    const last = list.pop();
    if (last) {
      const lc = typeof last === "string" ? { msg: last } : last;
      const files: Record<string, string> = {};
      for (const f of lc.files ?? ["src/app.py"]) files[f] = `# change ${++counter}\n`;
      const first = repo.commit(lc.msg, files);
      const rest = commitAll(repo, list);
      const shas = [...rest, first];
      return make(repo, shas, olderShas);
    }
  }
  return make(repo, commitAll(repo, v.commits), olderShas);
}

function make(repo: TestRepo, shas: string[], olderShas: string[]): VectorRepo {
  const link = (sha: string) => `([${sha.slice(0, 7)}](https://github.com/o/r/commit/${sha}))`;
  return {
    repo,
    sha: (k) => shas[k - 1] as string,
    olderSha: (k) => olderShas[k - 1] as string,
    expand: (text) => text.replace(/L\((\d+)\)/g, (_, k) => link(shas[Number(k) - 1] as string)),
  };
}

/**
 * release-please's own release PRs for a repo, as the oracle for shipline's (spec/oracle.md):
 * its Manifest.buildPullRequests run through its local Scm (LocalGitHub) with no GitHub
 * releases or merged PRs, next to shipline's plan laid out as PRs the same way.
 */
import { createRequire } from "node:module";
import { loadReleasePleaseConfig } from "../../src/config/release-please.ts";
import { groupPullRequests, type PrCandidate } from "../../src/github/layout.ts";
import { todayUtc } from "../../src/plan/changelog.ts";
import { planReleases } from "../../src/plan/planner.ts";

const require = createRequire(import.meta.url);
const rp = (p: string) => require(`release-please/build/src/${p}`);
rp("util/logger.js").setLogger({ error() {}, warn() {}, info() {}, debug() {}, trace() {} });

// biome-ignore lint/suspicious/noExplicitAny: release-please's untyped CJS build
export type Any = any;

export interface Shape {
  title: string;
  branch: string;
  labels: string[];
  draft: boolean;
  body: string;
}

/** shipline's plan of the repo at `dir` as the oracle sees it (target main, repository o/r, today). */
async function ourPlan(dir: string) {
  const cfg = loadReleasePleaseConfig(dir);
  const plan = await planReleases(dir, {
    date: todayUtc(),
    repo: "o/r",
    targetBranch: "main",
    env: {},
    config: cfg,
  });
  return { cfg, plan };
}

export async function ours(dir: string): Promise<Shape[]> {
  const { cfg, plan } = await ourPlan(dir);
  return groupPullRequests(cfg, plan.releases, "main").map((c: PrCandidate) => ({
    title: c.title,
    branch: c.branch,
    labels: c.labels,
    draft: c.draft,
    body: c.body,
  }));
}

/**
 * Commits as release-please's default (GitHub API) Scm sees them, where its `--local` Scm
 * differs; shipline follows the API Scm, as spec §2.1 asks:
 * - a merge commit's files: the diff against the first parent (`git log --name-only` shows no
 *   diff for a merge, so the local Scm lists none);
 * - the message of the walk's last commit when it changed no files: the local Scm splits each
 *   record on "\n---FILES_START---\n", and git ends the last record of a `format:` log right
 *   after that marker, so the marker stayed in the message (and a footer before it stopped
 *   being one: "Refs: #33" lost its reference).
 */
function firstParentFiles(gh: Any, dir: string): void {
  const git = (...args: string[]) =>
    Bun.spawnSync(["git", ...args], { cwd: dir, stdout: "pipe", stderr: "ignore" }).stdout.toString();
  const walk = gh.mergeCommitIterator.bind(gh);
  gh.mergeCommitIterator = async function* (branch: string, options: Any) {
    for await (const commit of walk(branch, options)) {
      if (commit.message.endsWith("\n---FILES_START---")) {
        commit.message = commit.message.slice(0, -"---FILES_START---".length).trim();
        if (commit.pullRequest) commit.pullRequest.body = commit.message;
      }
      const parents = git("rev-list", "--parents", "-n", "1", commit.sha).trim().split(" ");
      if (parents.length > 2 && commit.files?.length === 0)
        commit.files = git("diff", "--name-only", `${commit.sha}^1`, commit.sha).split("\n").filter(Boolean);
      yield commit;
    }
  };
}

export interface OracleOptions {
  /**
   * Give every tag a GitHub release, as shipline's offline plan assumes (DESIGN "plan is
   * offline", spec §7.1 step 8): release-please then finds a release by parsing tag names, not
   * only by the exact tag string its manifest version prints.
   */
  releasesFromTags?: boolean;
}

/** One GitHub release per tag (newest tag first), for OracleOptions.releasesFromTags. */
function tagReleases(dir: string) {
  const out = Bun.spawnSync(
    [
      "git",
      "for-each-ref",
      "refs/tags",
      "--sort=-creatordate",
      "--format=%(refname:short)%09%(*objectname)%09%(objectname)",
    ],
    { cwd: dir, stdout: "pipe" },
  ).stdout.toString();
  return out
    .split("\n")
    .filter(Boolean)
    .map((line, id) => {
      const [tagName, peeled, object] = line.split("\t");
      return { id, name: tagName, tagName, sha: peeled || object, notes: "", url: "", draft: false };
    });
}

/** release-please's Manifest.buildPullRequests through its LocalGitHub, with the Scm it read from. */
async function oraclePullRequests(dir: string, o: OracleOptions = {}): Promise<{ gh: Any; prs: Any[] }> {
  const { LocalGitHub } = rp("local-github.js");
  const { Manifest } = rp("manifest.js");
  // The API half of LocalGitHub: no merged PRs exist yet, and no GitHub releases unless asked.
  const none = async function* () {};
  const releases = o.releasesFromTags ? tagReleases(dir) : [];
  const api = {
    pullRequestIterator: none,
    releaseIterator: async function* () {
      yield* releases;
    },
  };
  const gh = new LocalGitHub({ owner: "o", repo: "r", defaultBranch: "main" }, api, dir, {});
  firstParentFiles(gh, dir);
  const m = await Manifest.fromManifest(
    gh,
    "main",
    "release-please-config.json",
    ".release-please-manifest.json",
  );
  // A PR without updates is never opened: GitHub.createPullRequest gets PR number 0 from
  // code-suggester ("no code changes detected, skipping pull request creation"). The Merge
  // plugin builds one when every package sets separate-pull-requests.
  const prs = (await m.buildPullRequests([], [])).filter((p: Any) => p.updates.length > 0);
  return { gh, prs };
}

/** release-please's own release PRs for the repo at `dir` (target main, repository o/r). */
export async function oracle(dir: string, o: OracleOptions = {}): Promise<Shape[]> {
  const { prs } = await oraclePullRequests(dir, o);
  return prs.map((p) => ({
    title: p.title.toString(),
    branch: p.headRefName,
    labels: p.labels,
    draft: p.draft,
    body: p.body.toString(),
  }));
}

/**
 * The files each of release-please's release PRs for the repo at `dir` would write: path → new
 * content, one map per PR. Its change set lists every file an updater was given, unchanged ones
 * too (committing one changes nothing).
 */
export async function oracleFilesByPr(dir: string, o: OracleOptions = {}): Promise<Map<string, string>[]> {
  const { gh, prs } = await oraclePullRequests(dir, o);
  // LocalGitHub.buildChangeSet reports missing files with console.warn.
  const warn = console.warn;
  console.warn = () => {};
  try {
    const out: Map<string, string>[] = [];
    for (const pr of prs) {
      const files = new Map<string, string>();
      for (const [path, c] of await gh.buildChangeSet(pr.updates, "main")) files.set(path, c.content);
      out.push(files);
    }
    return out;
  } finally {
    console.warn = warn;
  }
}

/** Every file release-please's release PRs for the repo at `dir` would change: path → new content. */
export async function oracleFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const files of await oracleFilesByPr(dir)) for (const [path, c] of files) out.set(path, c);
  return out;
}

/** shipline's files for each release PR of the repo at `dir` (as `ours` plans them). */
export async function ourFilesByPr(dir: string): Promise<Map<string, string>[]> {
  const { releaseChanges } = await import("../../src/plan/release-changes.ts");
  const { cfg, plan } = await ourPlan(dir);
  // as the pr stage does: each PR's files from its own releases, in the PR's order (a linked
  // group's members after the packages outside it, as release-please's plugins leave them)
  return groupPullRequests(cfg, plan.releases, "main").map(
    (c) =>
      new Map(
        releaseChanges(dir, { ...plan, releases: c.releases }, { config: cfg }).map((u) => [
          u.path,
          u.content,
        ]),
      ),
  );
}

/** shipline's release PR files for the repo at `dir` (as `ours` plans it): path → new content. */
export async function ourFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const files of await ourFilesByPr(dir)) for (const [path, c] of files) out.set(path, c);
  return out;
}

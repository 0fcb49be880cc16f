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

/** release-please's Manifest.buildPullRequests through its LocalGitHub, with the Scm it read from. */
async function oraclePullRequests(dir: string): Promise<{ gh: Any; prs: Any[] }> {
  const { LocalGitHub } = rp("local-github.js");
  const { Manifest } = rp("manifest.js");
  // The API half of LocalGitHub: no GitHub releases and no merged PRs exist yet.
  const none = async function* () {};
  const api = { pullRequestIterator: none, releaseIterator: none };
  const gh = new LocalGitHub({ owner: "o", repo: "r", defaultBranch: "main" }, api, dir, {});
  const m = await Manifest.fromManifest(
    gh,
    "main",
    "release-please-config.json",
    ".release-please-manifest.json",
  );
  return { gh, prs: await m.buildPullRequests([], []) };
}

/** release-please's own release PRs for the repo at `dir` (target main, repository o/r). */
export async function oracle(dir: string): Promise<Shape[]> {
  const { prs } = await oraclePullRequests(dir);
  return prs.map((p) => ({
    title: p.title.toString(),
    branch: p.headRefName,
    labels: p.labels,
    draft: p.draft,
    body: p.body.toString(),
  }));
}

/** Every file release-please's release PRs for the repo at `dir` would change: path → new content. */
export async function oracleFiles(dir: string): Promise<Map<string, string>> {
  const { gh, prs } = await oraclePullRequests(dir);
  // LocalGitHub.buildChangeSet reports missing files with console.warn.
  const warn = console.warn;
  console.warn = () => {};
  try {
    const out = new Map<string, string>();
    for (const pr of prs)
      for (const [path, c] of await gh.buildChangeSet(pr.updates, "main")) out.set(path, c.content);
    return out;
  } finally {
    console.warn = warn;
  }
}

/** shipline's release PR files for the repo at `dir` (as `ours` plans it): path → new content. */
export async function ourFiles(dir: string): Promise<Map<string, string>> {
  const { releaseChanges } = await import("../../src/plan/release-changes.ts");
  const { cfg, plan } = await ourPlan(dir);
  // as the pr stage does: each PR's files from its own releases, in the PR's order (a linked
  // group's members after the packages outside it, as release-please's plugins leave them)
  const out = new Map<string, string>();
  for (const c of groupPullRequests(cfg, plan.releases, "main"))
    for (const u of releaseChanges(dir, { ...plan, releases: c.releases }, { config: cfg }))
      out.set(u.path, u.content);
  return out;
}

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title patterns
/**
 * Whole-repository differential test: random release-please set-ups (config keys, one package
 * or several, manifest versions, tags that match it or not, a CHANGELOG.md or none) and random
 * conventional histories, each a real git repo, planned by shipline and by release-please
 * 17.11.2's own Manifest.buildPullRequests through its local Scm (tests/helpers/
 * release-please-oracle.ts). The release PRs (title, branch, labels, body) and every file they
 * change must be equal, byte for byte.
 *
 * REPO_DIFF_RUNS=500 REPO_DIFF_SEED=7 for a longer run; a failure prints its seed and case
 * number, REPO_DIFF_CASE=<n> replays that one case alone, and REPO_DIFF_KEEP=1 keeps the repos.
 */

import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { oracle, oracleFilesByPr, ourFilesByPr, ours } from "../helpers/release-please-oracle.ts";
import { TestRepo } from "../helpers/repo.ts";
import { rng } from "../helpers/rng.ts";

const RUNS = Number(process.env.REPO_DIFF_RUNS ?? 16);
const SEED = Number(process.env.REPO_DIFF_SEED ?? 20261202);
const ONLY = process.env.REPO_DIFF_CASE === undefined ? undefined : Number(process.env.REPO_DIFF_CASE);

/** Every tag has a GitHub release, as shipline's offline plan assumes (DESIGN, spec §7.1). */
const TAG_RELEASES = { releasesFromTags: true };

type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const chance = (r: R, p: number) => r() < p;

const TYPES = [
  "feat",
  "fix",
  "docs",
  "chore",
  "perf",
  "deps",
  "revert",
  "refactor",
  "build",
  "ci",
  "test",
  "wip",
  "Feat",
  "FIX",
];
const SCOPES = ["api", "cli", "deps", "core", "a,b"];
const WORDS = [
  "add",
  "fix",
  "support",
  "Remove",
  "handle",
  "`Thing`",
  "cache",
  "parse",
  "url",
  "CLI",
  "[x]",
  "café",
  "🚀",
  "a: b",
  "#7",
  "<T>",
  "*",
];
const hex = (r: R) => Array.from({ length: 40 }, () => "0123456789abcdef"[Math.floor(r() * 16)]).join("");

function subject(r: R): string {
  const n = 1 + Math.floor(r() * 4);
  return Array.from({ length: n }, () => pick(r, WORDS)).join(" ");
}

/** One conventional (or not) commit message, sometimes with a body, footers or a squash suffix. */
function message(r: R): string {
  if (chance(r, 0.06)) return `Merge branch 'x' into main`;
  if (chance(r, 0.05)) return `${subject(r)} without a type`;
  if (chance(r, 0.04)) return `Revert "feat: ${subject(r)}"\n\nThis reverts commit ${hex(r)}.`;
  const type = pick(r, TYPES);
  const scope = chance(r, 0.35) ? `(${pick(r, SCOPES)})` : "";
  const bang = chance(r, 0.07) ? "!" : "";
  let m = `${type}${scope}${bang}: ${subject(r)}`;
  if (chance(r, 0.2)) m += ` (#${1 + Math.floor(r() * 200)})`;
  const body: string[] = [];
  if (chance(r, 0.25)) body.push(`${subject(r)} in the body.`);
  if (chance(r, 0.1)) body.push(`fix(${pick(r, SCOPES)}): ${subject(r)}`);
  if (chance(r, 0.06)) body.push(`feat: ${subject(r)}`);
  if (chance(r, 0.04)) body.push(`BEGIN_NESTED_COMMIT\nfix(core): ${subject(r)}\nEND_NESTED_COMMIT`);
  if (chance(r, 0.03)) body.push(`This has a BREAKING CHANGE: ${subject(r)} inside a paragraph.`);
  const footers: string[] = [];
  if (chance(r, 0.06)) footers.push(`BREAKING CHANGE: ${subject(r)}`);
  if (chance(r, 0.03)) footers.push(`BREAKING-CHANGE: ${subject(r)}`);
  if (chance(r, 0.03)) footers.push(`BREAKING CHANGE: ${subject(r)}\n  continued ${subject(r)}`);
  if (chance(r, 0.05)) footers.push("Co-authored-by: B <b@example.invalid>");
  if (chance(r, 0.1)) footers.push(`Refs: #${1 + Math.floor(r() * 50)}`);
  if (chance(r, 0.04))
    footers.push(
      `${pick(r, ["Release-As", "release-as"])}: ${pick(r, ["2.0.0", "1.5.0", "3.0.0-rc.1", "0.4.0"])}`,
    );
  if (chance(r, 0.05)) footers.push("Signed-off-by: A <a@example.invalid>");
  if (body.length) m += `\n\n${body.join("\n\n")}`;
  if (footers.length) m += `\n\n${footers.join("\n")}`;
  return m;
}

const VERSIONS = [
  "0.1.0",
  "0.3.7",
  "0.9.0",
  "1.0.0",
  "1.4.2",
  "2.10.0",
  "1.0.0-beta.1",
  "3.0.0-rc.2",
  "1.0.0rc1",
];

interface Pkg {
  path: string;
  name: string;
  cfg: Record<string, unknown>;
  version?: string;
}

function packageConfig(r: R, name: string, root: boolean): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (!root || chance(r, 0.3)) {
    if (chance(r, 0.7)) c["package-name"] = name;
    else if (chance(r, 0.5)) c.component = `${name}-c`;
  }
  if (chance(r, 0.1)) c["include-component-in-tag"] = false;
  if (chance(r, 0.1)) c["bump-minor-pre-major"] = true;
  if (chance(r, 0.1)) c["bump-patch-for-minor-pre-major"] = true;
  if (chance(r, 0.08)) c["changelog-path"] = "docs/CHANGES.md";
  if (chance(r, 0.06)) c["skip-changelog"] = true;
  if (chance(r, 0.06)) c["release-as"] = pick(r, ["1.2.3", "2.0.0", ""]);
  if (chance(r, 0.06)) c["extra-label"] = "py,release";
  if (chance(r, 0.05)) c["component-no-space"] = true;
  if (!root && chance(r, 0.1)) c["separate-pull-requests"] = true;
  if (!root && chance(r, 0.06)) c["exclude-paths"] = [`packages/${name}/docs`];
  if (chance(r, 0.04)) c["pull-request-footer"] = "Shipped by a bot.";
  if (chance(r, 0.05)) c["draft-pull-request"] = true;
  if (chance(r, 0.08))
    c.versioning = pick(r, ["always-bump-patch", "always-bump-minor", "always-bump-major"]);
  if (chance(r, 0.08)) {
    c.versioning = "prerelease";
    c.prerelease = true;
    if (chance(r, 0.6)) c["prerelease-type"] = pick(r, ["beta", "rc"]);
  }
  return c;
}

function topConfig(r: R, monorepo: boolean): Record<string, unknown> {
  const c: Record<string, unknown> = { "release-type": "python" };
  if (chance(r, 0.15)) c["include-v-in-tag"] = false;
  if (chance(r, 0.15)) c["tag-separator"] = pick(r, ["/", "@", "_"]);
  if (chance(r, 0.15)) c["bump-minor-pre-major"] = true;
  if (chance(r, 0.1)) c["bump-patch-for-minor-pre-major"] = true;
  if (chance(r, 0.12))
    c["changelog-sections"] = [
      { type: "feat", section: "New" },
      { type: "fix", section: "Fixed" },
      { type: "docs", section: "Docs", hidden: chance(r, 0.5) },
      { type: "chore", section: "Misc", hidden: chance(r, 0.5) },
      { type: "refactor", section: "Fixed" },
    ];
  if (chance(r, 0.1)) c.plugins = ["sentence-case"];
  if (chance(r, 0.06)) c["commit-search-depth"] = 1 + Math.floor(r() * 6);
  if (chance(r, 0.05)) c.versioning = "prerelease";
  if (chance(r, 0.05)) c.prerelease = true;
  if (chance(r, 0.08)) c["pull-request-title-pattern"] = "chore${scope}: ship${component} v${version}";
  if (chance(r, 0.06)) c["pull-request-header"] = "Release notes below.";
  if (chance(r, 0.06)) c["changelog-host"] = "https://gh.example.invalid";
  if (chance(r, 0.05)) c.label = "release:pending, bot";
  if (chance(r, 0.05)) c["release-label"] = "release:done";
  if (monorepo) {
    if (chance(r, 0.4)) c["separate-pull-requests"] = chance(r, 0.5);
    if (chance(r, 0.15)) c["group-pull-request-title-pattern"] = "chore: release ${branch} batch";
    if (chance(r, 0.1)) c.plugins = [{ type: "linked-versions", groupName: "grp", components: ["a", "b"] }];
  }
  return c;
}

/** The tag release-please gives a package's version (spec §1.4), from the merged config. */
function tagOf(top: Record<string, unknown>, p: Pkg, version: string): string {
  const get = (k: string) => (p.cfg[k] ?? top[k]) as unknown;
  const component = (get("component") ?? get("package-name") ?? "") as string;
  const withComponent = get("include-component-in-tag") !== false && component !== "";
  const v = get("include-v-in-tag") === false ? "" : "v";
  return `${withComponent ? `${component}${(get("tag-separator") as string) ?? "-"}` : ""}${v}${version}`;
}

interface Case {
  repo: TestRepo;
  describe: string;
}

/** Files an `extra-files` entry of each kind updates (spec §6.4, §6.5), at version `v`. */
function extraFiles(r: R, v: string): { entries: unknown[]; files: Record<string, string> } {
  const entries: unknown[] = [];
  const files: Record<string, string> = {};
  if (chance(r, 0.5)) {
    entries.push("VERSION.txt");
    files["VERSION.txt"] = `${v} # x-release-please-version\nkeep ${v}\n`;
  }
  if (chance(r, 0.4)) {
    entries.push({ type: "json", path: "meta.json", jsonpath: "$.version" });
    files["meta.json"] = `{\n  "name": "m",\n  "version": "${v}"\n}\n`;
  }
  if (chance(r, 0.3)) {
    entries.push({ type: "toml", path: "tool.toml", jsonpath: "$.tool.x.version" });
    files["tool.toml"] = `[tool.x]\nversion = "${v}" # pinned\n`;
  }
  if (chance(r, 0.3)) {
    entries.push({ type: "generic", path: "src/block.py" });
    files["src/block.py"] =
      `# x-release-please-start-version\nA = "${v}"\nB = "v${v}"\n# x-release-please-end\nC = "${v}"\n`;
  }
  return { entries, files };
}

/** The python project's own files at version `v`, in one of the layouts the strategy updates (spec §6.1). */
function projectFiles(r: R, dir: string, name: string, v: string): Record<string, string> {
  const f: Record<string, string> = {};
  const layout = r();
  if (layout < 0.6) f[`${dir}pyproject.toml`] = `[project]\nname = "${name}"\nversion = "${v}"\n`;
  else if (layout < 0.75)
    f[`${dir}pyproject.toml`] =
      `[tool.poetry]\nname = "${name}"\nversion = "${v}"  # keep\n\n[build-system]\nrequires = ["poetry-core"]\n`;
  else if (layout < 0.9) {
    f[`${dir}pyproject.toml`] = `[project]\nname = "${name}"\ndynamic = ["version"]\n`;
    f[`${dir}setup.cfg`] = `[metadata]\nname = ${name}\nversion = ${v}\n`;
  } else
    f[`${dir}setup.py`] =
      `from setuptools import setup\n\nsetup(\n    name="${name}",\n    version="${v}",\n)\n`;
  const init = r();
  if (init < 0.3) f[`${dir}src/${name}/__init__.py`] = `__version__ = "${v}"\n`;
  else if (init < 0.45) f[`${dir}${name}/__init__.py`] = `"""Doc."""\n__version__ = '${v}'\n`;
  else if (init < 0.55) f[`${dir}${name}/version.py`] = `__version__ = "${v}"\n`;
  return f;
}

/** A branch of `n` commits merged into main with a merge commit (two parents). */
function mergeBranch(r: R, repo: TestRepo, i: number, touch: () => Record<string, string>) {
  const side = `side${i}`;
  repo.git("checkout", "-q", "-b", side);
  const n = 1 + Math.floor(r() * 2);
  for (let k = 0; k < n; k++) repo.commit(message(r), touch());
  repo.git("checkout", "-q", "main");
  if (chance(r, 0.5)) repo.commit(message(r), touch());
  repo.git(
    "merge",
    "-q",
    "--no-ff",
    "-X",
    "theirs",
    "-m",
    chance(r, 0.5) ? `Merge pull request #${i} from o/side` : message(r),
    side,
  );
}

function buildCase(r: R): Case {
  const monorepo = chance(r, 0.45);
  // "ab" next to "a": packages/a must not take packages/ab's files (spec §2.2)
  const names = monorepo ? pick(r, [["a"], ["a", "b"], ["a", "b", "c"], ["a", "ab"]]) : ["sample"];
  const withRoot = !monorepo || chance(r, 0.2);
  const pkgs: Pkg[] = [];
  if (withRoot)
    pkgs.push({ path: ".", name: monorepo ? "root" : "sample", cfg: packageConfig(r, "root", true) });
  if (monorepo)
    for (const n of names) pkgs.push({ path: `packages/${n}`, name: n, cfg: packageConfig(r, n, false) });
  const top = topConfig(r, monorepo);
  if (monorepo && Array.isArray(top.plugins) && typeof top.plugins[0] === "object")
    for (const p of pkgs) if (p.path !== ".") p.cfg.component = p.name;
  for (const p of pkgs) if (chance(r, 0.85)) p.version = pick(r, VERSIONS);
  if (chance(r, 0.08)) top["exclude-paths"] = ["packages/a/docs"];

  const repo = TestRepo.create();
  const dirOf = (p: Pkg) => (p.path === "." ? "" : `${p.path}/`);
  const config = () =>
    `${JSON.stringify({ ...top, packages: Object.fromEntries(pkgs.map((p) => [p.path, p.cfg])) }, null, 2)}\n`;
  const manifest = () =>
    `${JSON.stringify(Object.fromEntries(pkgs.filter((p) => p.version).map((p) => [p.path, p.version])), null, 2)}\n`;
  const files: Record<string, string> = {};
  for (const p of pkgs) {
    const v = p.version ?? "0.0.0";
    Object.assign(files, projectFiles(r, dirOf(p), p.name, v));
    if (chance(r, 0.35))
      files[`${dirOf(p)}CHANGELOG.md`] = pick(r, [
        `# Changelog\n\n## ${v} (2026-01-01)\n\n### Features\n\n* old thing\n`,
        `## ${v} (2026-01-01)\n\n* old thing\n`,
        `# Changes\n\nAll notable changes.\n\n## [${v}](https://x.invalid) (2026-01-01)\n\n* old\n`,
        "# Changelog\n",
        // (a CRLF file is left out: shipline writes the new entry with the file's own line
        // endings, release-please with "\n" — a deliberate difference, see README)
      ]);
    if (chance(r, 0.25)) {
      const extra = extraFiles(r, v);
      p.cfg["extra-files"] = extra.entries;
      for (const [f, c] of Object.entries(extra.files)) files[`${dirOf(p)}${f}`] = c;
    }
  }
  files["release-please-config.json"] = config();
  files[".release-please-manifest.json"] = manifest();
  const shas = [repo.commit("chore: initial import", files)];
  // the previous releases: usually tagged as the config names them; sometimes not at all, or
  // under another name (a manifest/tag mismatch, spec §7.2)
  const tags = new Set<string>();
  const tagReleases = (of: Pkg[]) => {
    for (const p of of) {
      if (!p.version) continue;
      const roll = r();
      const tag = roll < 0.75 ? tagOf(top, p, p.version) : roll < 0.85 ? `v${p.version}-other` : "";
      if (tag && !tags.has(tag)) {
        // annotated tags are peeled to their commit (spec §7.1)
        if (chance(r, 0.3)) repo.git("tag", "-a", "-m", `release ${tag}`, tag);
        else repo.tag(tag);
      }
      tags.add(tag);
    }
  };
  tagReleases(pkgs);
  let i = 0;
  const touch = () => {
    const touched: Record<string, string> = {};
    const targets = chance(r, 0.15) ? [] : pkgs.filter(() => chance(r, 0.6));
    if (targets.length === 0 && pkgs.length && chance(r, 0.7)) targets.push(pick(r, pkgs));
    for (const p of targets)
      touched[`${dirOf(p)}${pick(r, ["mod.py", "docs/x.md", "lib/y.py"])}`] = `${i} ${r()}\n`;
    if (chance(r, 0.1)) touched[`README-${i}.md`] = "root file\n";
    i++;
    return touched;
  };
  const history = () => {
    const n = 1 + Math.floor(r() * 8);
    for (let k = 0; k < n; k++) {
      if (chance(r, 0.1)) mergeBranch(r, repo, i, touch);
      else shas.push(repo.commit(message(r), touch()));
    }
  };
  history();
  // sometimes a release happened since: some packages moved on in the manifest and were tagged
  if (chance(r, 0.3)) {
    const moved = pkgs.filter((p) => p.version && chance(r, 0.6));
    for (const p of moved) p.version = pick(r, ["1.5.0", "2.0.0", "0.10.1", "4.0.0"]);
    if (moved.length) {
      repo.commit("chore: release main", {
        ".release-please-manifest.json": manifest(),
        ...Object.fromEntries(moved.map((p) => [`${dirOf(p)}RELEASED.txt`, `${p.version}\n`])),
      });
      tagReleases(moved);
      history();
    }
  }
  // sometimes the history is cut: bootstrap-sha (only while a release is missing) or
  // last-release-sha (always), at a commit of the history
  if (chance(r, 0.12)) {
    top[chance(r, 0.5) ? "bootstrap-sha" : "last-release-sha"] = pick(r, shas);
    repo.commit("chore: cut the history", { "release-please-config.json": config() });
  }
  const describe = JSON.stringify({ top, pkgs: pkgs.map((p) => ({ path: p.path, v: p.version, ...p.cfg })) });
  return { repo, describe };
}

/**
 * release-please's files for each PR, less the files its updaters left as they were: its change
 * set lists every file an updater was given, shipline's only the files it changes.
 */
async function changedFilesByPr(dir: string): Promise<Record<string, string>[]> {
  return (await quiet(() => oracleFilesByPr(dir, TAG_RELEASES))).map((files) => {
    const out: Record<string, string> = {};
    for (const [path, content] of files) {
      const file = join(dir, path);
      if (!existsSync(file) || readFileSync(file, "utf8") !== content) out[path] = content;
    }
    return out;
  });
}

/** release-please's commit parser prints the messages it could not parse. */
async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  const none = () => {};
  Object.assign(console, { log: none, error: none, warn: none, info: none });
  try {
    return await f();
  } finally {
    Object.assign(console, saved);
  }
}

/** One case against the oracle: 1 when compared, 0 when release-please refused the set-up. */
async function compare(c: Case, i: number): Promise<number> {
  let theirs: Awaited<ReturnType<typeof oracle>>;
  const where = `case ${i} (REPO_DIFF_SEED=${SEED} REPO_DIFF_CASE=${i}) ${c.describe} in ${c.repo.dir}`;
  try {
    theirs = await quiet(() => oracle(c.repo.dir, TAG_RELEASES));
  } catch (e) {
    // release-please refused the set-up (e.g. a manifest version it cannot parse): so must we
    const planned = await ours(c.repo.dir).then(
      () => true,
      () => false,
    );
    expect({ where, refusedBy: String(e), shiplinePlanned: planned }).toMatchObject({
      shiplinePlanned: false,
    });
    return 0;
  }
  expect({ where, prs: await ours(c.repo.dir) }).toEqual({ where, prs: theirs });
  const mine = (await ourFilesByPr(c.repo.dir)).map((files) => Object.fromEntries(files));
  expect({ where, files: mine }).toEqual({ where, files: await changedFilesByPr(c.repo.dir) });
  return 1;
}

describe(`whole-repo plan = release-please's (seed ${SEED}, ${RUNS} random repos)`, () => {
  test("release PRs and their files, byte for byte", async () => {
    const r = rng(SEED);
    let compared = 0;
    let refused = 0;
    for (let i = 0; i < RUNS; i++) {
      // every case is built, so case i is the same whether or not the others are compared
      const c = buildCase(r);
      try {
        if (ONLY === undefined || i === ONLY) {
          const done = await compare(c, i);
          compared += done;
          refused += 1 - done;
        }
      } finally {
        if (!process.env.REPO_DIFF_KEEP) c.repo.remove();
      }
    }
    // most set-ups are valid for release-please; the rest must not be all there is
    console.info(`${compared} repos compared, ${refused} refused by release-please`);
    expect(compared).toBeGreaterThan(refused);
  }, 900_000);
});

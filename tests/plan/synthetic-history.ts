/**
 * Generator for a synthetic release history (committed as code, not as a blob): a python
 * package released N times the release-please way. Each release commit's CHANGELOG entry,
 * version and manifest come from the RULES AS IMPLEMENTED BY release-please itself (the
 * 17.11.2 library: parseConventionalCommits, the versioning strategy, DefaultChangelogNotes,
 * the Changelog updater), never from shipline, so replaying shipline's plan at each release
 * commit's parent is an independent check.
 *
 *   bun tests/plan/synthetic-history.ts DIR [RELEASES] [SEED]
 */
import { TestRepo } from "../helpers/repo.ts";
import { rng } from "../helpers/rng.ts";

const rpCommit = require("release-please/build/src/commit");
const rpNotes = require("release-please/build/src/changelog-notes/default");
const rpVersion = require("release-please/build/src/version");
const rpDefault = require("release-please/build/src/versioning-strategies/default");
const rpChangelog = require("release-please/build/src/updaters/changelog");
require("release-please/build/src/util/logger").setLogger({
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
});

/** Python's default sections, as release-please's python strategy passes them. */
const PYTHON_SECTIONS = [
  { type: "feat", section: "Features" },
  { type: "fix", section: "Bug Fixes" },
  { type: "perf", section: "Performance Improvements" },
  { type: "deps", section: "Dependencies" },
  { type: "revert", section: "Reverts" },
  { type: "docs", section: "Documentation" },
  { type: "style", section: "Styles", hidden: true },
  { type: "chore", section: "Miscellaneous Chores", hidden: true },
  { type: "refactor", section: "Code Refactoring", hidden: true },
  { type: "test", section: "Tests", hidden: true },
  { type: "build", section: "Build System", hidden: true },
  { type: "ci", section: "Continuous Integration", hidden: true },
];

export interface SyntheticRelease {
  version: string;
  tag: string;
  sha: string;
  parent: string;
  date: string;
  entry: string;
}

const TYPES = [
  "feat",
  "fix",
  "fix",
  "docs",
  "chore",
  "perf",
  "deps",
  "refactor",
  "test",
  "ci",
  "build",
  "style",
  "revert",
];
const SCOPES = [undefined, undefined, "api", "cli", "deps", "core"];
const WORDS = [
  "parse",
  "config",
  "`Optional<int>`",
  "<tag>",
  "#12",
  "@octo-cat",
  "cache",
  "Alpha",
  "zeta",
  "output",
];

function message(r: () => number, pr: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
  const t = pick(TYPES);
  const s = pick(SCOPES);
  const bang = r() < 0.04 ? "!" : "";
  const subject = `${pick(WORDS)} ${pick(WORDS)}`;
  let m = `${t}${s ? `(${s})` : ""}${bang}: ${subject}`;
  if (r() < 0.4) m += ` (#${pr})`;
  const roll = r();
  if (roll < 0.1) m += `\n\nBREAKING CHANGE: ${pick(WORDS)} changed`;
  else if (roll < 0.2) m += `\n\nSome body text.\n\nfix(${pick(["a", "b"])}): squashed ${pick(WORDS)}`;
  else if (roll < 0.27) m += `\n\nFixes #${pr + 1}`;
  else if (roll < 0.3) m = `Update ${pick(WORDS)}`; // not conventional
  return m;
}

export async function generateHistory(dir: string | undefined, releases = 30, seed = 42) {
  const r = rng(seed);
  const repo = dir ? new TestRepo(dir) : TestRepo.create();
  if (dir) repo.git("init", "-q", "-b", "main");
  repo.commit("chore: initial commit", {
    "release-please-config.json": `${JSON.stringify({ "release-type": "python", "bump-minor-pre-major": true, packages: { ".": {} } }, null, 2)}\n`,
    ".release-please-manifest.json": "{}\n",
    "pyproject.toml": '[project]\nname = "synthetic"\nversion = "0.0.0"\n',
  });
  let previous: string | undefined;
  let changelog = "";
  let pr = 1;
  const out: SyntheticRelease[] = [];
  const shaOfInitial = repo.head();
  const since: { sha: string; message: string }[] = [{ sha: shaOfInitial, message: "chore: initial commit" }];
  for (let i = 0; i < releases; i++) {
    const n = 1 + Math.floor(r() * 6);
    for (let k = 0; k < n; k++) {
      const m = k === n - 1 && r() < 0.5 ? `fix: guaranteed ${i} (#${pr})` : message(r, pr);
      pr += 2;
      since.push({ sha: repo.commit(m, { "src/synthetic/mod.py": `# ${i}.${k}\n` }), message: m });
    }
    since.push({
      sha: repo.commit(`fix: visible ${i}`, { "src/synthetic/mod.py": `# ${i}\n` }),
      message: `fix: visible ${i}`,
    });
    const newestFirst = [...since]
      .reverse()
      .map((c) => ({ sha: c.sha, message: c.message, files: [] as string[] }));
    const commits = rpCommit.parseConventionalCommits(
      newestFirst.map((c) => {
        const sq = / \(#(\d+)\)$/.exec(c.message.split("\n")[0] as string);
        return sq ? { ...c, pullRequest: { number: Number(sq[1]), body: c.message } } : c;
      }),
    );
    const ra = commits.find((c: { notes: { title: string }[] }) =>
      c.notes.some((x) => x.title === "RELEASE AS"),
    );
    const version: string = ra
      ? rpVersion.Version.parse(
          ra.notes.find((x: { title: string }) => x.title === "RELEASE AS").text,
        ).toString()
      : previous
        ? (
            await new rpDefault.DefaultVersioningStrategy({ bumpMinorPreMajor: true }).bump(
              rpVersion.Version.parse(previous),
              commits,
            )
          ).toString()
        : "0.1.0";
    const date = `2024-02-${String(1 + (i % 28)).padStart(2, "0")}`;
    const today = new Date().toISOString().slice(0, 10);
    const entry: string = (
      await new rpNotes.DefaultChangelogNotes().buildNotes(commits, {
        owner: "o",
        repository: "r",
        version,
        previousTag: previous ? `v${previous}` : undefined,
        currentTag: `v${version}`,
        changelogSections: PYTHON_SECTIONS,
      })
    ).replace(`(${today})`, `(${date})`);
    changelog = new rpChangelog.Changelog({ version, changelogEntry: entry }).updateContent(changelog);
    const parent = repo.head();
    const sha = repo.commit(`chore(main): release ${version} (#${pr})`, {
      "CHANGELOG.md": changelog,
      ".release-please-manifest.json": `${JSON.stringify({ ".": version }, null, 2)}\n`,
    });
    pr += 2;
    repo.tag(`v${version}`);
    out.push({ version, tag: `v${version}`, sha, parent, date, entry });
    previous = version;
    since.length = 0;
  }
  return { repo, releases: out };
}

if (import.meta.main) {
  const [dir, n, seed] = process.argv.slice(2);
  const { releases } = await generateHistory(dir, n ? Number(n) : 30, seed ? Number(seed) : 42);
  for (const x of releases) console.log(`${x.tag} ${x.sha}`);
}

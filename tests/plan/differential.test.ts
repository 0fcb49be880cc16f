/**
 * Differential property test: shipline's commit parsing, version bump and CHANGELOG entry
 * against the real release-please 17.11.2 library (devDependency) on generated histories.
 * SHIPLINE_DIFF_RUNS=5000 for a longer run (default 300 keeps CI fast).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { ChangelogSection, VersioningName } from "../../src/config/release-please.ts";
import { buildNotes, PYTHON_SECTIONS, todayUtc } from "../../src/plan/changelog.ts";
import { parseConventionalCommits, pullRequestOf, type RawCommit } from "../../src/plan/commits.ts";
import { sentenceCase } from "../../src/plan/planner.ts";
import { bumpVersion, Version } from "../../src/plan/version.ts";

const rp = {
  commit: require("release-please/build/src/commit"),
  notes: require("release-please/build/src/changelog-notes/default"),
  version: require("release-please/build/src/version"),
  def: require("release-please/build/src/versioning-strategies/default"),
  pre: require("release-please/build/src/versioning-strategies/prerelease"),
  patch: require("release-please/build/src/versioning-strategies/always-bump-patch"),
  minor: require("release-please/build/src/versioning-strategies/always-bump-minor"),
  major: require("release-please/build/src/versioning-strategies/always-bump-major"),
  sentence: require("release-please/build/src/plugins/sentence-case"),
};

const RUNS = Number(process.env.SHIPLINE_DIFF_RUNS ?? 300);

const type = fc.constantFrom(
  "feat",
  "fix",
  "docs",
  "chore",
  "perf",
  "deps",
  "revert",
  "style",
  "refactor",
  "test",
  "build",
  "ci",
  "feature",
  "Feat",
  "FIX",
  "foo",
  "wip",
  "5",
);
const scope = fc.option(fc.constantFrom("api", "*", "deps", "a,b", "ui-x", "Utils", "x y"), {
  nil: undefined,
});
const word = fc.constantFrom(
  "alpha",
  "Alpha",
  "zeta",
  "_under",
  "[bracket]",
  "`code`",
  "`Optional<int>`",
  "<b>",
  "a > b",
  "1number",
  "#12",
  "(#34)",
  "@octo-cat",
  "@Octocat",
  "org/repo#9",
  "foo@bar.com",
  "**bold**",
  "é",
  "x",
  "v2",
  "$&",
  "``a`b``",
  "npm",
  "gRPC",
);
const subject = fc.array(word, { minLength: 0, maxLength: 5 }).map((w) => w.join(" "));
const header = fc
  .record({ type, scope, bang: fc.boolean(), subject, sep: fc.constantFrom(": ", ":", ": ", " #") })
  .map(
    ({ type, scope, bang, subject, sep }) =>
      `${type}${scope ? `(${scope})` : ""}${bang ? "!" : ""}${sep}${subject}`,
  );
const footer = fc.oneof(
  subject.map((s) => `BREAKING CHANGE: ${s}`),
  subject.map((s) => `BREAKING-CHANGE: ${s}`),
  fc.constantFrom(
    "Fixes #12",
    "Refs: #13",
    "Closes #14, #15",
    "Signed-off-by: A <a@b.c>",
    "Release-As: 2.0.0",
    "Release-As: v3.1.0-rc.1",
    "release-as: 0.9.0",
    "BREAKING CHANGE: line one\n- removed a\n- removed b",
    "BREAKING CHANGE: wrapped\n  continuation",
    "fix(utils): footer commit (#77)",
    "feat: another\n  PiperOrigin-RevId: 1",
  ),
);
const bodyPart = fc.oneof(
  subject,
  header.map((h) => h),
  fc.constantFrom(
    "* wip",
    "BREAKING CHANGE: in body",
    "see BREAKING-CHANGE: inline",
    "BEGIN_NESTED_COMMIT\nfix(n): nested one\nEND_NESTED_COMMIT",
    "BEGIN_COMMIT_OVERRIDE\nfeat: overridden\nfix(o): two\nEND_COMMIT_OVERRIDE",
    "#### Details\n- a",
  ),
);
const message = fc
  .record({
    header,
    pr: fc.option(fc.integer({ min: 1, max: 999 }), { nil: undefined }),
    body: fc.array(bodyPart, { maxLength: 3 }),
    footers: fc.array(footer, { maxLength: 2 }),
    crlf: fc.boolean(),
  })
  .map(({ header, pr, body, footers, crlf }) => {
    const paras = [`${header}${pr ? ` (#${pr})` : ""}`, ...body];
    if (footers.length) paras.push(footers.join("\n"));
    const m = paras.join("\n\n");
    return crlf ? m.replace(/\n/g, "\r\n") : m;
  });
const history = fc.array(message, { minLength: 1, maxLength: 8 });
const version = fc.constantFrom(
  "0.4.2",
  "0.0.1",
  "1.2.3",
  "2.0.0",
  "1.3.0-beta.1",
  "1.0.0-rc.09",
  "0.1.0-alpha",
);

const sectionsArb: fc.Arbitrary<ChangelogSection[] | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(PYTHON_SECTIONS),
  fc.constant<ChangelogSection[]>([
    { type: "feat", section: "Added" },
    { type: "fix", section: "Fixed" },
    { type: "chore", scope: "deps", section: "Dependencies" },
    { type: "chore", section: "Chores", hidden: true },
    { type: "docs", section: "Docs", hidden: true },
  ]),
  fc.constant<ChangelogSection[]>([
    { type: "fix", section: "Bug Fixes" },
    { type: "feat", section: "Features" },
    { type: "foo", section: "" },
  ]),
);

function raws(msgs: string[]): RawCommit[] {
  return msgs.map((m, i) => {
    const sha = (i.toString(16).padStart(2, "0") + "ab").repeat(10);
    return { sha, message: m, files: [], pullRequest: pullRequestOf(m) };
  });
}

function oracleStrategy(v: VersioningName, o: Record<string, unknown>) {
  switch (v) {
    case "prerelease":
      return new rp.pre.PrereleaseVersioningStrategy(o);
    case "always-bump-patch":
      return new rp.patch.AlwaysBumpPatch(o);
    case "always-bump-minor":
      return new rp.minor.AlwaysBumpMinor(o);
    case "always-bump-major":
      return new rp.major.AlwaysBumpMajor(o);
    default:
      return new rp.def.DefaultVersioningStrategy(o);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: both sides' commit shapes
const pick = (c: any) => ({
  sha: c.sha,
  message: c.message,
  type: c.type,
  scope: c.scope,
  bareMessage: c.bareMessage,
  notes: c.notes,
  references: c.references,
  breaking: c.breaking,
});

// The oracle logs through its own logger; keep test output quiet.
require("release-please/build/src/util/logger").setLogger({
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
});

describe("differential vs release-please 17.11.2", () => {
  test(
    "parsing, next version and CHANGELOG entry are identical",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          history,
          version,
          fc.record({
            bumpMinorPreMajor: fc.boolean(),
            bumpPatchForMinorPreMajor: fc.boolean(),
            versioning: fc.constantFrom<VersioningName>(
              "default",
              "default",
              "prerelease",
              "always-bump-patch",
              "always-bump-minor",
              "always-bump-major",
            ),
            prerelease: fc.boolean(),
            prereleaseType: fc.option(fc.constantFrom("rc", "beta"), { nil: undefined }),
          }),
          sectionsArb,
          fc.boolean(),
          fc.boolean(),
          async (msgs, prev, opts, sections, hasPrevious, sentence) => {
            const raw = raws(msgs);
            let ours = parseConventionalCommits(raw);
            let theirs = rp.commit.parseConventionalCommits(raw.map((r) => ({ ...r })));
            expect(ours.map(pick)).toEqual(theirs.map(pick));
            if (sentence) {
              ours = ours.map((c) => sentenceCase(c, new Set(["gRPC", "npm"])));
              const info = console.info;
              console.info = () => {};
              theirs = new rp.sentence.SentenceCase(null, "main", {}).processCommits(theirs);
              console.info = info;
              expect(ours.map(pick)).toEqual(theirs.map(pick));
            }

            // version
            let ourVersion: string | Error;
            let theirVersion: string | Error;
            try {
              ourVersion = bumpVersion(Version.parse(prev), ours, opts).toString();
            } catch (e) {
              ourVersion = e as Error;
            }
            try {
              const s = oracleStrategy(opts.versioning, opts);
              theirVersion = (await s.bump(rp.version.Version.parse(prev), theirs)).toString();
            } catch (e) {
              theirVersion = e as Error;
            }
            if (ourVersion instanceof Error || theirVersion instanceof Error) {
              expect(ourVersion instanceof Error).toBe(true);
              expect(theirVersion instanceof Error).toBe(true);
              return;
            }
            expect(ourVersion).toBe(theirVersion);

            // entry
            const o = {
              owner: "o",
              repository: "r",
              version: ourVersion,
              previousTag: hasPrevious ? `v${prev}` : undefined,
              currentTag: `v${ourVersion}`,
              changelogSections: sections,
            };
            const before = todayUtc();
            const expected = await new rp.notes.DefaultChangelogNotes().buildNotes(theirs, o);
            if (todayUtc() !== before) return; // crossed midnight
            expect(buildNotes(ours, { ...o, date: before })).toBe(expected);
          },
        ),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 200),
  );
});

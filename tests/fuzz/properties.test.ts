/**
 * Time-bounded fuzzing (fast-check) of the four parsers that eat untrusted input: the commit
 * parser, version parsing and bumping, the release-please config/manifest loader and the
 * archive reader behind `check`. Whatever the input: a value or a ShiplineError, never another
 * exception, never a hang; plus the invariants each one promises.
 *
 *   npm run fuzz                    60 s in total (FUZZ_SECONDS=600 npm run fuzz for longer)
 *   FUZZ_SEED=123 npm run fuzz      replay a seed (the failing seed is printed on failure)
 *
 * In the normal test run each property gets a small share of FUZZ_SECONDS (default 4 s total).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import semver from "semver";
import { loadManifest, loadReleasePleaseConfig } from "../../src/config/release-please.ts";
import { checkDistribution } from "../../src/dist/check.ts";
import { ShiplineError } from "../../src/errors.ts";
import { parseCommit } from "../../src/plan/commits.ts";
import { type BumpCommit, bumpVersion, Version } from "../../src/plan/version.ts";
import { tempDir } from "../helpers/repo.ts";
import { makeSdist, makeWheel } from "../pypi/fixtures.ts";

const PROPERTIES = 6;
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 4);
/** Each property runs until its share of the time is used (or a failure is found). */
const budgetMs = Math.max(300, (SECONDS * 1000) / PROPERTIES);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = {
  numRuns: Number.MAX_SAFE_INTEGER,
  interruptAfterTimeLimit: budgetMs,
  markInterruptAsFailure: false,
  ...(seed === undefined ? {} : { seed }),
};
const testTimeout = budgetMs + 30_000;

/** Only a ShiplineError may escape `fn`. */
function valueOrShiplineError<T>(fn: () => T): T | ShiplineError {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ShiplineError) return e;
    throw e;
  }
}

// ---- commit messages: conventional-looking and anything at all ----
const nasty = fc.constantFrom(
  "\x1b]0;t\x07",
  "$(id)",
  "`id`",
  "\r\n",
  "\u0000",
  "\ufffd",
  "#",
  "(",
  ")",
  "!",
  ":",
  "BREAKING CHANGE:",
  "BREAKING-CHANGE: x",
  "Release-As: 2.0.0",
  "Release-As: x",
  "\n\n",
  "Refs: #1",
  " (#12)",
  "\t",
  "🚀",
);
const text = fc
  .array(fc.oneof(fc.string({ maxLength: 12 }), nasty), { maxLength: 12 })
  .map((a) => a.join(""));
const header = fc
  .record({
    type: fc.oneof(
      fc.constantFrom("feat", "fix", "chore", "deps", "revert", "Feat"),
      fc.string({ maxLength: 6 }),
    ),
    scope: fc.option(text, { nil: undefined }),
    bang: fc.boolean(),
    subject: text,
  })
  .map((h) => `${h.type}${h.scope === undefined ? "" : `(${h.scope})`}${h.bang ? "!" : ""}: ${h.subject}`);
const commitMessage = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.tuple(header, fc.array(text, { maxLength: 4 })).map(([h, body]) => [h, ...body].join("\n\n")),
);

// ---- release-please config: known keys with values of any type, nested packages ----
const anyJson = fc.jsonValue({ maxDepth: 3 });
const packageKey = fc.constantFrom(
  "release-type",
  "package-name",
  "component",
  "changelog-path",
  "extra-files",
  "versioning",
  "bump-minor-pre-major",
  "bump-patch-for-minor-pre-major",
  "prerelease",
  "prerelease-type",
  "release-as",
  "include-component-in-tag",
  "tag-separator",
  "changelog-sections",
  "exclude-paths",
  "pull-request-title-pattern",
  "draft",
  "skip-github-release",
  "__proto__",
);
const packageValue = fc.oneof(
  fc.constantFrom(
    "python",
    "simple",
    "node",
    "default",
    "prerelease",
    "always-bump-major",
    "1.2.3",
    "",
    "..",
  ),
  anyJson,
);
const pkg = fc.dictionary(packageKey, packageValue, { maxKeys: 6 });
const config = fc.oneof(
  anyJson,
  fc.record({
    packages: fc.dictionary(fc.constantFrom(".", "a", "packages/b", "../x", "/abs", ""), pkg, { maxKeys: 3 }),
  }),
  fc.tuple(pkg, fc.dictionary(fc.constantFrom(".", "a"), pkg, { maxKeys: 2 })).map(([top, packages]) => ({
    ...top,
    packages,
  })),
);

describe("fuzz (time-bounded)", () => {
  test(
    "commit parser: any message → conventional commits whose `breaking` matches their notes",
    () => {
      fc.assert(
        fc.property(commitMessage, fc.boolean(), (message, pr) => {
          const out = parseCommit({
            sha: "a".repeat(40),
            message: pr ? `${message} (#7)` : message,
            files: [],
          });
          for (const c of out) {
            expect(typeof c.type).toBe("string");
            expect(c.breaking).toBe(c.notes.some((n) => n.title === "BREAKING CHANGE"));
          }
        }),
        params,
      );
    },
    testTimeout,
  );

  test(
    "commit parser: a well-formed header keeps its type and its `!`",
    () => {
      const word = fc.stringMatching(/^[a-z]{1,8}$/);
      const subject = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.]{0,30}$/);
      fc.assert(
        fc.property(word, fc.boolean(), subject, (type, bang, s) => {
          const [c] = parseCommit({
            sha: "b".repeat(40),
            message: `${type}${bang ? "!" : ""}: ${s}`,
            files: [],
          });
          expect(c?.type).toBe(type);
          if (bang) expect(c?.breaking).toBe(true);
        }),
        params,
      );
    },
    testTimeout,
  );

  test(
    "versions: parse ∘ toString is the identity; a bump always moves forward by one step",
    () => {
      // SemVer identifiers: numeric without leading zeros, or alphanumeric.
      const ident = fc.oneof(
        fc.nat({ max: 999 }).map(String),
        fc.stringMatching(/^[A-Za-z-][0-9A-Za-z-]{0,7}$/),
      );
      const version = fc
        .record({
          major: fc.nat({ max: 10_000 }),
          minor: fc.nat({ max: 10_000 }),
          patch: fc.nat({ max: 10_000 }),
          pre: fc.option(
            fc.array(ident, { minLength: 1, maxLength: 3 }).map((a) => a.join(".")),
            { nil: undefined },
          ),
        })
        .map((v) => new Version(v.major, v.minor, v.patch, v.pre));
      const commit: fc.Arbitrary<BumpCommit> = fc.record({
        type: fc.constantFrom("feat", "fix", "chore", "docs", "perf"),
        breaking: fc.boolean(),
        notes: fc.constant([]),
      });
      const options = fc.record({
        versioning: fc.constantFrom("default", "always-bump-patch", "always-bump-minor", "always-bump-major"),
        bumpMinorPreMajor: fc.boolean(),
        bumpPatchForMinorPreMajor: fc.boolean(),
        prerelease: fc.constant(false),
      });
      fc.assert(
        fc.property(version, fc.array(commit, { maxLength: 6 }), options, (v, commits, o) => {
          expect(Version.parse(v.toString()).toString()).toBe(v.toString());
          const next = valueOrShiplineError(() => bumpVersion(v, commits, o as never));
          if (next instanceof ShiplineError) return;
          const [a, b] = [v.toString(), next.toString()];
          expect(semver.valid(b)).not.toBeNull();
          // From a pre-release, release-please may only drop the pre-release part (1.0.0-rc.1 → 1.0.0).
          if (v.preRelease) expect(semver.gte(b, a)).toBe(true);
          else expect(semver.gt(b, a)).toBe(true);
          const steps = [next.major - v.major, next.minor - v.minor, next.patch - v.patch];
          expect(steps.filter((d) => d > 1)).toEqual([]);
        }),
        params,
      );
    },
    testTimeout,
  );

  test(
    "version strings: anything → a Version or a ShiplineError",
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 40 }), text), (s) => {
          const v = valueOrShiplineError(() => Version.parse(s));
          if (v instanceof Version) expect(Number.isFinite(v.major)).toBe(true);
        }),
        params,
      );
    },
    testTimeout,
  );

  test(
    "config and manifest loader: any JSON → a config or a ShiplineError, no prototype pollution",
    () => {
      const root = tempDir();
      fc.assert(
        fc.property(
          config,
          fc.oneof(anyJson, fc.dictionary(fc.constantFrom(".", "a"), anyJson)),
          (cfg, manifest) => {
            writeFileSync(join(root, "release-please-config.json"), JSON.stringify(cfg));
            writeFileSync(join(root, ".release-please-manifest.json"), JSON.stringify(manifest));
            valueOrShiplineError(() => loadReleasePleaseConfig(root));
            valueOrShiplineError(() => loadManifest(root));
            expect(({} as Record<string, unknown>)["release-type"]).toBeUndefined();
          },
        ),
        params,
      );
    },
    testTimeout,
  );

  describe("archive reader", () => {
    let wheel: Uint8Array;
    let sdist: Uint8Array;
    let dir: string;
    beforeAll(() => {
      dir = tempDir();
      wheel = readFileSync(makeWheel(dir, { name: "fuzz-pkg" }));
      sdist = readFileSync(makeSdist(dir, { name: "fuzz-pkg" }));
    });
    test(
      "corrupted wheels and sdists → a verdict (FAILED with a reason when not PASSED), never a throw",
      async () => {
        const mutation = fc.record({
          sdist: fc.boolean(),
          flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 8 }),
          cut: fc.option(fc.nat(), { nil: undefined }),
          insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })), {
            nil: undefined,
          }),
        });
        await fc.assert(
          fc.asyncProperty(mutation, async (m) => {
            let bytes = Uint8Array.from(m.sdist ? sdist : wheel);
            for (const [at, x] of m.flips) if (bytes.length) bytes[at % bytes.length]! ^= x;
            if (m.insert) {
              const at = m.insert[0] % (bytes.length + 1);
              bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.insert[1], ...bytes.subarray(at)]);
            }
            if (m.cut !== undefined) bytes = bytes.subarray(0, m.cut % (bytes.length + 1));
            const path = join(dir, m.sdist ? "fuzz_pkg-1.0.0.tar.gz" : "fuzz_pkg-1.0.0-py3-none-any.whl");
            writeFileSync(path, bytes);
            const r = await checkDistribution(path);
            expect(["PASSED", "PASSED with warnings", "FAILED"]).toContain(r.verdict);
            if (r.verdict === "FAILED") expect(r.errors.length).toBeGreaterThan(0);
          }),
          params,
        );
      },
      testTimeout,
    );
  });
});

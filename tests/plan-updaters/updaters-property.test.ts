/**
 * Property-based differential tests: generated files and versions, shipline's updater vs
 * release-please 17.11.2's, byte for byte. More runs with UPDATERS_RUNS=5000.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import yaml from "js-yaml";
import { changelog } from "../../src/plan/updaters/changelog.ts";
import { generic } from "../../src/plan/updaters/generic.ts";
import { genericJson } from "../../src/plan/updaters/generic-json.ts";
import { genericYaml } from "../../src/plan/updaters/generic-yaml.ts";
import { releasePleaseManifest } from "../../src/plan/updaters/manifest.ts";
import { pyprojectToml } from "../../src/plan/updaters/pyproject-toml.ts";
import { pythonFileWithVersion, setupCfg, setupPy } from "../../src/plan/updaters/python-files.ts";
import type { Updater } from "../../src/plan/updaters/types.ts";
import { versionText } from "../../src/plan/updaters/types.ts";
import { oracle, run } from "./oracle.ts";

const numRuns = Number(process.env.UPDATERS_RUNS ?? 300);

const semver = fc
  .tuple(
    fc.nat(30),
    fc.nat(30),
    fc.nat(30),
    fc.option(fc.constantFrom("rc.1", "beta", "alpha.3", "beta09", "rc"), { nil: undefined }),
    fc.option(fc.constantFrom("build.5", "001", "sha-abc"), { nil: undefined }),
  )
  .map(([a, b, c, pre, build]) => `${a}.${b}.${c}${pre ? `-${pre}` : ""}${build ? `+${build}` : ""}`);

function both(
  u: Updater,
  o: { updateContent(c: string | undefined, l?: unknown): string },
  c: string | undefined,
) {
  let mine: string;
  try {
    mine = u(c);
  } catch {
    mine = "<threw>";
  }
  const theirs = run(o, c);
  expect(mine).toBe(theirs instanceof Error ? "<threw>" : theirs);
}

const lines = (pieces: string[], sep = ["", " ", " ", "=", '"']) =>
  fc
    .array(
      fc
        .array(fc.oneof(fc.constantFrom(...pieces), fc.constantFrom(...sep)), { maxLength: 8 })
        .map((p) => p.join("")),
      { maxLength: 12 },
    )
    .chain((ls) => fc.constantFrom("", "\n").map((end) => ls.join("\n") + end));

describe("generated files: shipline = release-please", () => {
  test("generic markers and blocks", () => {
    const pieces = [
      "1.2.3",
      "v0.0.1-rc.1",
      "10.20.30+build.7",
      "x-release-please-version",
      "x-release-please-major",
      "x-release-please-minor",
      "x-release-please-patch",
      "x-release-please-date",
      "x-release-please-version-date",
      "x-release-please-start-version",
      "x-release-please-start-major",
      "x-release-please-start-minor",
      "x-release-please-start-patch",
      "x-release-please-start-date",
      "x-release-please-end",
      "2020-01-02",
      "02/01/2020",
      "7",
      "v42",
      "abc",
    ];
    const date = new Date(2026, 1, 6, 10);
    fc.assert(
      fc.property(
        lines(pieces),
        semver,
        fc.constantFrom("%Y-%m-%d", "%d/%m/%Y", "%m.%d"),
        (content, v, fmt) => {
          both(
            generic({ version: versionText(v), date, dateFormat: fmt }),
            oracle.generic(v, date, fmt),
            content,
          );
        },
      ),
      { numRuns },
    );
  });

  test("setup.py, setup.cfg, __version__ files", () => {
    const pieces = [
      "version",
      "__version__",
      "python_version",
      "1.2.3",
      "1.2.3-beta",
      "1.2.3-beta.1",
      "1.2.3rc1",
      "'",
      '"',
      "attr: x",
      "setup(",
      ")",
      ",",
    ];
    fc.assert(
      fc.property(lines(pieces, ["", " ", "=", " = "]), semver, (content, v) => {
        both(setupPy(v), oracle.setupPy(v), content);
        both(setupCfg(v), oracle.setupCfg(v), content);
        both(pythonFileWithVersion(v), oracle.pythonFile(v), content);
      }),
      { numRuns },
    );
  });

  test("pyproject.toml tables, comments, quoting", () => {
    const table = fc.constantFrom("[project]", "[tool.poetry]", "[tool.other]", "[build-system]");
    const kv = fc.constantFrom(
      'name = "demo"',
      "version = '1.2.3'",
      'version = "0.1.0"  # comment',
      'dynamic = ["version"]',
      "# version = 9.9.9",
      'requires = ["x"]',
      "",
    );
    const file = fc
      .array(fc.tuple(table, fc.uniqueArray(kv, { maxLength: 4 })), { maxLength: 3 })
      .map((ts) => ts.map(([t, kvs]) => [t, ...kvs].join("\n")).join("\n\n") + "\n");
    fc.assert(
      fc.property(file, semver, (content, v) => {
        both(
          pyprojectToml(v, () => {}),
          oracle.pyproject(v),
          content,
        );
      }),
      { numRuns },
    );
  });

  test("CHANGELOG.md insertion", () => {
    const pieces = [
      "# Changelog",
      "## [1.0.0](https://x) (2020-01-01)",
      "### 1.0.0",
      "## v2.0.0",
      "## Unreleased",
      "## [Unreleased]",
      "#x",
      "# Title",
      "### Bug Fixes",
      "* item",
      "text",
      "",
    ];
    const content = fc
      .array(fc.constantFrom(...pieces), { maxLength: 10 })
      .chain((ls) => fc.constantFrom("", "\n", "\n\n", " ").map((e) => ls.join("\n") + e));
    const entry =
      "## [1.3.0](https://github.com/o/r/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* x";
    fc.assert(
      fc.property(fc.option(content, { nil: undefined }), (c) => {
        both(changelog(entry), oracle.changelog(entry), c);
      }),
      { numRuns },
    );
  });

  test("manifest (re-serialised with the detected indent) and JSON extra-files", () => {
    const path = fc.constantFrom(".", "packages/a", "b", "x/y/z");
    const manifest = fc.dictionary(path, semver, { maxKeys: 4 });
    const indent = fc.constantFrom(0, 1, 2, 4, "\t", "   ");
    const around = fc.constantFrom("", "\n", "  \n", "\n\n");
    fc.assert(
      fc.property(manifest, indent, around, around, manifest, (m, ind, pre, post, updates) => {
        const content = pre + JSON.stringify(m, null, ind) + post;
        both(releasePleaseManifest(new Map(Object.entries(updates))), oracle.manifest(updates), content);
        const doc =
          pre +
          JSON.stringify({ name: "n", version: Object.values(m)[0] ?? "1.0.0", nested: m }, null, ind) +
          post;
        for (const v of Object.values(updates).slice(0, 1))
          for (const jp of ["$.version", "$..version", "$.nested.*"]) {
            // Same values always; the same bytes once the file is in release-please's layout
            // (shipline edits in place, release-please re-serialises).
            const theirs = run(oracle.json(jp, v), doc) as string;
            expect(JSON.parse(genericJson(jp, v, () => {})(doc))).toEqual(JSON.parse(theirs));
            both(
              genericJson(jp, "9.9.9", () => {}),
              oracle.json(jp, "9.9.9"),
              theirs,
            );
          }
      }),
      { numRuns },
    );
  });

  test("YAML extra-files: same documents as release-please, same bytes on its own layout", () => {
    const key = fc.constantFrom("version", "appVersion", "name", "image");
    const value = fc.constantFrom(
      "1.2.3",
      "'1.2.3'",
      '"v1.2.3"',
      "7",
      "true",
      "abc",
      "[1.2.3, x]",
      "{version: 0.1.0}",
    );
    const line = fc.oneof(
      fc.tuple(key, value, fc.constantFrom("", "  # note")).map(([k, v, c]) => `${k}: ${v}${c}`),
      fc.constantFrom("# comment", "", "nested:\n  version: 1.0.0 # inner\n  other: x"),
    );
    const file = fc
      .array(line, { maxLength: 8 })
      .chain((ls) => fc.constantFrom("", "---\n").map((sep) => sep + ls.join("\n") + "\n"));
    fc.assert(
      fc.property(
        file,
        fc.constantFrom("$.version", "$..version", "$.appVersion"),
        semver,
        (content, jp, v) => {
          const theirs = run(oracle.yaml(jp, v), content);
          let mine: string | Error;
          try {
            mine = genericYaml(jp, v, () => {})(content);
          } catch (e) {
            mine = e as Error;
          }
          if (theirs instanceof Error || mine instanceof Error) {
            expect(mine instanceof Error).toBe(theirs instanceof Error);
            return;
          }
          const docs = (s: string) => {
            try {
              return yaml.loadAll(s, null, { json: true });
            } catch {
              return s;
            }
          };
          expect(docs(mine)).toEqual(docs(theirs));
          both(
            genericYaml(jp, "9.9.9", () => {}),
            oracle.yaml(jp, "9.9.9"),
            theirs,
          );
        },
      ),
      { numRuns },
    );
  });
});

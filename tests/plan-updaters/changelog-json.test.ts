/**
 * changelog.json (release-please's machine-readable changelog, kept by its python strategy when
 * the repository root has one) against release-please 17.11.2 itself: its Manifest run on the
 * same repo through its local Scm. Only the entry's random `id` and its "now" timestamps differ.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ShiplineError } from "../../src/errors.ts";
import { changelogJson } from "../../src/plan/updaters/changelog-json.ts";
import { oracleFiles, ourFiles } from "../helpers/release-please-oracle.ts";
import { TestRepo } from "../helpers/repo.ts";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

const EXISTING = `{
  "repository": "o/r",
  "entries": [
    {
      "changes": [{"type": "feat", "sha": "1111111111111111111111111111111111111111", "message": "first", "issues": []}],
      "version": "1.2.3",
      "language": "PYTHON",
      "artifactName": "my-pkg",
      "id": "00000000-0000-4000-8000-000000000000",
      "createTime": "2026-01-01T00:00:00.000Z"
    }
  ],
  "updateTime": "2026-01-01T00:00:00.000Z"
}
`;

/** The random id and "now" (release-please draws both fresh on every run). */
const masked = (s: string | undefined) =>
  s
    ?.replace(/"id": "[0-9a-f-]{36}"/g, '"id": "ID"')
    .replace(/"(create|update)Time": "[^"]+"/g, '"$1Time": "TIME"');

function python(files: Record<string, string>, config: Record<string, unknown> = {}): TestRepo {
  const r = TestRepo.create();
  repos.push(r);
  r.commit("chore: init", {
    "release-please-config.json": JSON.stringify({
      packages: { ".": { "release-type": "python", ...config } },
    }),
    ".release-please-manifest.json": '{\n  ".": "1.2.3"\n}\n',
    "changelog.json": EXISTING,
    ...files,
  });
  r.tag("v1.2.3");
  return r;
}

const COMMITS: [string, Record<string, string>][] = [
  ["feat: add the thing (#12)", { "a.py": "a" }],
  ["fix(core): mend y\n\nCloses #5, fixes #7", { "b.py": "b" }],
  ["chore: tidy", { "c.py": "c" }],
  ["refactor!: drop the old API\n\nBREAKING CHANGE: gone for good", { "d.py": "d" }],
  ["docs: explain (#3) more (#3)", { "e.py": "e" }],
  ["Feat: capitalised type", { "f.py": "f" }],
  ["fix: one\n\nfeat(x): two (#9)\n\nfix!: three", { "g.py": "g" }],
  // release-please links the first (#N) of a breaking note while building the notes, in place
  ["feat!: add x (#12)", { "h.py": "h" }],
  ["fix: y\n\nBREAKING CHANGE: see (#5) and (#6)", { "i.py": "i" }],
  ["chore!: hidden but breaking (#3)", { "j.py": "j" }],
];

async function same(r: TestRepo): Promise<string | undefined> {
  const mine = await ourFiles(r.dir);
  const theirs = await oracleFiles(r.dir);
  expect(masked(mine.get("changelog.json"))).toBe(masked(theirs.get("changelog.json")));
  // release-please's change set also holds files it left byte-identical; shipline omits those
  const changed = [...theirs].filter(
    ([path, c]) => !existsSync(join(r.dir, path)) || readFileSync(join(r.dir, path), "utf8") !== c,
  );
  expect([...mine.keys()].sort()).toEqual(changed.map(([path]) => path).sort());
  return mine.get("changelog.json");
}

describe("changelog.json, as release-please's python strategy writes it", () => {
  test("one package: listed commits, PR suffixes and references as issues, scopes, breaking notes", async () => {
    const r = python({ "pyproject.toml": '[project]\nname = "my-pkg"\nversion = "1.2.3"\n' });
    for (const [m, f] of COMMITS) r.commit(m, f);
    const out = await same(r);
    const parsed = JSON.parse(out ?? "null");
    expect(parsed.entries).toHaveLength(2);
    expect(parsed.entries[0]).toMatchObject({ version: "2.0.0", language: "PYTHON", artifactName: "my-pkg" });
    expect(parsed.entries[0].changes.map((c: { message: string }) => c.message)).toContain("add the thing");
    expect(parsed.entries[0].id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(parsed.updateTime).toBe(parsed.entries[0].createTime);
  });

  test("breaking notes link their first (#N) to the changelog host", async () => {
    const r = python(
      { "pyproject.toml": '[project]\nname = "my-pkg"\nversion = "1.2.3"\n' },
      { "changelog-host": "https://ghe.example" },
    );
    r.commit("feat!: add x (#12)", { "a.py": "a" });
    const out = JSON.parse((await same(r)) ?? "null");
    expect(out.entries[0].changes[0].breakingChangeNote).toBe(
      "add x ([#12](https://ghe.example/o/r/issues/12))",
    );
  });

  test("artifact name from setup.py when pyproject's table has none; component otherwise", async () => {
    const r = python({
      "pyproject.toml": '[project]\ndynamic = ["name"]\nversion = "1.2.3"\n',
      "setup.py": "from setuptools import setup\nsetup(\n    name='from-setup'\n)\nname = 'pkg'\n",
    });
    r.commit("feat: x", { "x.py": "x" });
    expect(JSON.parse((await same(r)) ?? "null").entries[0].artifactName).toBe("from-setup");
    const c = python({}, { component: "comp" });
    c.commit("fix: y", { "y.py": "y" });
    expect(JSON.parse((await same(c)) ?? "null").entries[0].artifactName).toBe("comp");
  });

  test("no artifact name, skip-changelog, or no changelog.json: the file is left alone", async () => {
    for (const [files, config] of [
      [{}, {}],
      [{ "pyproject.toml": '[project]\nname = "p"\nversion = "1.2.3"\n' }, { "skip-changelog": true }],
    ] as const) {
      const r = python(files, config);
      r.commit("feat: x", { "x.py": "x" });
      expect(await same(r)).toBeUndefined();
    }
  });

  test("two packages in one PR: both entries, in release-please's order", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("chore: init", {
      "release-please-config.json": JSON.stringify({
        "release-type": "python",
        packages: { "packages/a": { component: "a" }, "packages/b": { component: "b" } },
      }),
      ".release-please-manifest.json": '{"packages/a": "1.0.0", "packages/b": "2.0.0"}\n',
      "changelog.json": EXISTING,
      "packages/a/pyproject.toml": '[project]\nname = "pkg-a"\nversion = "1.0.0"\n',
      "packages/b/pyproject.toml": '[project]\nname = "pkg-b"\nversion = "2.0.0"\n',
    });
    r.tag("a-v1.0.0").tag("b-v2.0.0");
    r.commit("feat: in a", { "packages/a/m.py": "a" });
    r.commit("fix: in b (#4)", { "packages/b/m.py": "b" });
    const out = JSON.parse((await same(r)) ?? "null");
    expect(out.entries.map((e: { artifactName: string }) => e.artifactName)).toEqual([
      "pkg-b",
      "pkg-a",
      "my-pkg",
    ]);
  });
});

test("a changelog.json release-please could not read stops the PR with the file named and what to do", async () => {
  for (const bad of ["{oops", '{"entries": {}}']) {
    const r = python({
      "pyproject.toml": '[project]\nname = "p"\nversion = "1.2.3"\n',
      "changelog.json": bad,
    });
    r.commit("feat: x", { "x.py": "x" });
    const e = await ourFiles(r.dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ShiplineError);
    expect((e as ShiplineError).message).toStartWith("changelog.json: ");
    expect((e as ShiplineError).hint).toContain('a JSON object with an "entries" array');
    // release-please fails the whole run on it too
    expect(
      await oracleFiles(r.dir).then(
        () => "ok",
        () => "threw",
      ),
    ).toBe("threw");
  }
});

describe("changelog.json updater", () => {
  const change = { type: "fix", sha: "a".repeat(40), message: "m", issues: [] };
  test("nothing listed: the text is kept byte for byte (after release-please's parse)", () => {
    const text = '{"entries": [],   "x": 1}';
    expect(changelogJson({ artifactName: "p", version: "1.0.0", changes: [] })(text)).toBe(text);
    expect(() => changelogJson({ artifactName: "p", version: "1.0.0", changes: [] })("{oops")).toThrow(
      SyntaxError,
    );
  });
  test("no entries array: a clear error, not a TypeError", () => {
    expect(() => changelogJson({ artifactName: "p", version: "1.0.0", changes: [change] })("{}")).toThrow(
      'no "entries" array',
    );
  });
  test("fixed id and time give release-please's exact layout", () => {
    const out = changelogJson({
      artifactName: "p",
      version: "1.0.0",
      changes: [change],
      id: "ID",
      now: new Date("2026-02-03T04:05:06.007Z"),
    })('{"entries":[]}');
    expect(out).toBe(
      `{\n  "entries": [\n    {\n      "changes": [\n        {\n          "type": "fix",\n          "sha": "${"a".repeat(40)}",\n          "message": "m",\n          "issues": []\n        }\n      ],\n      "version": "1.0.0",\n      "language": "PYTHON",\n      "artifactName": "p",\n      "id": "ID",\n      "createTime": "2026-02-03T04:05:06.007Z"\n    }\n  ],\n  "updateTime": "2026-02-03T04:05:06.007Z"\n}`,
    );
  });
});

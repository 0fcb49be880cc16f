/**
 * Differential tests: each shipline updater against release-please 17.11.2's own updater class
 * (`updateContent`) on the same inputs — byte-identical output, or both throwing.
 */
import { describe, expect, test } from "bun:test";
import yaml from "js-yaml";
import { changelog } from "../../src/plan/updaters/changelog.ts";
import { generic } from "../../src/plan/updaters/generic.ts";
import { genericJson } from "../../src/plan/updaters/generic-json.ts";
import { genericToml } from "../../src/plan/updaters/generic-toml.ts";
import { genericXml, pomXml } from "../../src/plan/updaters/generic-xml.ts";
import { genericYaml } from "../../src/plan/updaters/generic-yaml.ts";
import { keepLineEndings } from "../../src/plan/updaters/line-endings.ts";
import { releasePleaseManifest } from "../../src/plan/updaters/manifest.ts";
import { pyprojectToml } from "../../src/plan/updaters/pyproject-toml.ts";
import { pythonFileWithVersion, setupCfg, setupPy } from "../../src/plan/updaters/python-files.ts";
import type { Updater } from "../../src/plan/updaters/types.ts";
import { versionText } from "../../src/plan/updaters/types.ts";
import { oracle, run } from "./oracle.ts";

const VERSIONS = ["1.3.0", "0.1.0", "2.0.0-rc.1", "1.2.4-beta.10+build.5", "10.20.30"];
const noWarn = () => {};

function ours(u: Updater, content: string | undefined): string | Error {
  try {
    return u(content);
  } catch (e) {
    return e as Error;
  }
}

/** Same output, or both threw. */
function same(a: string | Error, b: string | Error) {
  if (a instanceof Error || b instanceof Error) {
    expect(a instanceof Error ? "threw" : a).toBe(b instanceof Error ? "threw" : b);
  } else expect(a).toBe(b);
}

const crlf = (s: string) => s.replaceAll("\n", "\r\n");

const SETUP_PY = [
  'from setuptools import setup\n\nsetup(\n    name="demo",\n    version="1.2.3",\n    python_requires=">=3.9",\n)\n',
  "setup(name='demo', version='1.2.3-beta', packages=[])\n",
  'setup(name="demo", version = "1.2.3")\nother(version="4.5.6")\n',
  'setup(name="demo", version="1.2.3-beta.1")\n',
  'setup(name="demo", version=VERSION)\n',
  "",
];
const SETUP_CFG = [
  "[metadata]\nname = demo\nversion = 1.2.3\n\n[options]\npackages = find:\n",
  "[tool:pytest]\npython_version = 3.8.1\n[metadata]\nversion = 1.2.3\n",
  "[metadata]\nversion = attr: demo.__version__\n",
  "[metadata]\nversion=1.2.3-beta.1\n",
  "[metadata]\nversion = 1.2.3-beta\n",
];
const INIT_PY = [
  '"""Demo."""\n\n__version__ = "1.2.3"\n__all__ = ["x"]\n',
  "__version__='1.2.3'  # x-release-please-version\n",
  '__version__: str = "1.2.3"\n',
  "__version__ = VERSION\n",
  '__version__ = "1.2.3rc1"\n',
  '__version__ = "1.2.3-alpha"\nOTHER = "__version__ = \'9.9.9\'"\n',
];
const PYPROJECT = [
  '# build config\n[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "demo"  # the name\nversion = "1.2.3"  # keep me\ndescription = "x"\n\n[tool.ruff]\nline-length = 100\n',
  "[project]\nname = 'demo'\nversion = '1.2.3'   # single quotes\n",
  '[tool.poetry]\nname = "demo"\nversion = "1.2.3"\n\n[tool.poetry.dependencies]\npython = "^3.9"\n',
  '[project]\nname = "demo"\nversion = "1.2.3"\n\n[tool.poetry]\nname = "demo"\nversion = "1.2.3"\n',
  '[project]\nname = "demo"\ndynamic = ["version"]\n',
  '[project]\nname = "demo"\n',
  'project.name = "demo"\nproject.version = "1.2.3"\n',
  '[project]\nname = "demo"\nversion = """1.2.3"""\n',
  "not = [valid toml\n",
];
const GENERIC = [
  [
    "VERSION = '1.2.3' # x-release-please-version",
    "MAJOR = 1 # x-release-please-major",
    "url = /api/v1/x 5 # x-release-please-major",
    "MINOR = 2 # x-release-please-minor",
    "PATCH = 3 # x-release-please-patch",
    "released 2020-01-02 # x-release-please-date",
    "v1.2.3 on 2020-01-02 # x-release-please-version-date",
    "untouched 1.2.3",
    "# x-release-please-start-version",
    'a = "1.2.3+build.5" and 9.9.9',
    "b = v0.0.1-rc.1",
    "# x-release-please-end 7.7.7",
    "after 1.2.3",
    "# x-release-please-start-major",
    "M = 5 # x-release-please-minor",
    "N = 6",
    "# x-release-please-end",
    "",
  ].join("\n"),
  "no markers here 1.2.3\n",
  "",
  "x-release-please-start-patch\n1.2.3 4\nnever closed 7\n",
];
const JSON_FILES = [
  '{\n  "name": "demo",\n  "version": "1.2.3"\n}\n',
  '{\n    "version": "v1.2.3-rc.1",\n    "nested": {"version": "0.0.1"}\n}',
  '{\n\t"version": "1.2.3"\n}\n',
  '{"version":"1.2.3","n":1}\n',
  '// header\n{ "version": "1.2.3" } trailer\n',
  '{\n  "version": 3\n}\n',
  '{\n  "version": "not a version"\n}\n',
  "not json",
];
const YAML_FILES = [
  "# chart\nname: demo\nversion: 1.2.3\nappVersion: '1.2.3'\n",
  "---\nversion: 1.2.3\n---\nversion: 4.5.6\nother: [1, 2]\n",
  "version: 7\n",
  "name: only\n",
  "key: [unclosed\n",
];
const TOML_FILES = [
  '[package]\nname = "demo"\nversion = "1.2.3" # comment\n\n[deps]\nx = { version = "0.1.0" }\n',
  'version = "1.2.3"\n[a]\nversion = "9.9.9"\n',
  "[package]\nname = 'demo'\n",
  "invalid = [\n",
];
const XML_FILES = [
  '<?xml version="1.0" encoding="UTF-8"?>\n<project>\n  <version>1.2.3</version>\n  <name>demo</name>\n</project>\n',
  "<project><parent><version>1.0.0</version></parent></project>",
  '<root attr="1"><version>1.3.0</version><!-- keep --></root>\n',
];
const CHANGELOGS: (string | undefined)[] = [
  undefined,
  "",
  "\n",
  "# Changelog\n",
  "# Changelog\n\n## [1.2.3](https://github.com/o/r/compare/v1.2.2...v1.2.3) (2024-01-01)\n\n\n### Bug Fixes\n\n* x\n",
  "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n- wip\n\n## 1.0.0\n",
  "# Changelog\n\n## Unreleased\n\n# Old title\n",
  "### 1.0.0 (2020-01-01)\n* first\n",
  "# Changelog\n\n### v0.9.0\n\n* old\n",
  "Intro without headings.\n#not a heading\n# Heading\n",
];
const ENTRY =
  "## [1.3.0](https://github.com/o/r/compare/v1.2.3...v1.3.0) (2024-05-06)\n\n\n### Features\n\n* new thing ([abc1234](https://github.com/o/r/commit/abc1234))";
const MANIFESTS = [
  "{}\n",
  '{\n  ".": "1.2.3"\n}\n',
  '{\n    "packages/a": "1.0.0",\n    ".": "0.1.0"\n}',
  '{\n\t".": "1.2.3"\n}\n',
  '{".": "1.2.3"}',
  "",
];

describe("python updaters = release-please", () => {
  for (const v of VERSIONS) {
    test(`setup.py / setup.cfg / __version__ / pyproject with ${v}`, () => {
      for (const c of SETUP_PY) same(ours(setupPy(v), c), run(oracle.setupPy(v), c));
      for (const c of SETUP_CFG) same(ours(setupCfg(v), c), run(oracle.setupCfg(v), c));
      for (const c of INIT_PY) same(ours(pythonFileWithVersion(v), c), run(oracle.pythonFile(v), c));
      for (const c of PYPROJECT) same(ours(pyprojectToml(v, noWarn), c), run(oracle.pyproject(v), c));
    });
  }
  test("pyproject keeps comments and re-quotes the value (spec §6.2)", () => {
    expect(pyprojectToml("1.2.4", noWarn)("[project]\nversion = '1.2.3'  # keep\n")).toBe(
      '[project]\nversion = "1.2.4"  # keep\n',
    );
    expect(() => pyprojectToml("1.2.4", noWarn)('[project]\nname = "x"\n')).toThrow("invalid file");
  });
});

describe("generic markers = release-please", () => {
  const date = new Date(2026, 1, 6, 12);
  for (const v of VERSIONS)
    for (const fmt of ["%Y-%m-%d", "%d/%m/%Y", "%Y.%m"])
      test(`${v} with date format ${fmt}`, () => {
        for (const c of GENERIC)
          same(
            ours(generic({ version: versionText(v), date, dateFormat: fmt }), c),
            run(oracle.generic(v, date, fmt), c),
          );
      });
  test("CRLF lines keep their endings (release-please would turn them into LF)", () => {
    const u = generic({ version: versionText("2.0.0") });
    expect(u("a = 1.0.0 # x-release-please-version\r\nb\nc = 1.0.0 # x-release-please-version\r\n")).toBe(
      "a = 2.0.0 # x-release-please-version\r\nb\nc = 2.0.0 # x-release-please-version\r\n",
    );
  });
});

/** JSON text between the first "{" and the last "}" (release-please keeps what is around it). */
const jsonBody = (s: string | Error) =>
  s instanceof Error
    ? "threw"
    : s.includes("{")
      ? JSON.parse(s.slice(s.indexOf("{"), s.lastIndexOf("}") + 1))
      : s;
const yamlDocs = (s: string | Error) => {
  if (s instanceof Error) return "threw";
  try {
    return yaml.loadAll(s, null, { json: true });
  } catch {
    return s; // invalid YAML is returned unchanged by both
  }
};

describe("typed extra-files = release-please", () => {
  for (const v of VERSIONS) {
    test(`json / yaml: same values as release-please; byte-identical on files in its layout (${v})`, () => {
      for (const path of ["$.version", "$..version", "$.nested.version"])
        for (const c of JSON_FILES) {
          const theirs = run(oracle.json(path, v), c);
          expect(jsonBody(ours(genericJson(path, v, noWarn), c))).toEqual(jsonBody(theirs));
          // release-please's own output is its layout: from there both agree byte for byte
          if (!(theirs instanceof Error))
            same(ours(genericJson(path, "9.8.7", noWarn), theirs), run(oracle.json(path, "9.8.7"), theirs));
        }
      for (const path of ["$.version", "$.appVersion", "$..version"])
        for (const c of YAML_FILES) {
          const theirs = run(oracle.yaml(path, v), c);
          expect(yamlDocs(ours(genericYaml(path, v, noWarn), c))).toEqual(yamlDocs(theirs));
          if (!(theirs instanceof Error))
            same(ours(genericYaml(path, "9.8.7", noWarn), theirs), run(oracle.yaml(path, "9.8.7"), theirs));
        }
    });
    test(`toml / xml with ${v}`, () => {
      for (const path of ["$.package.version", "$.version", "$..version", "$.deps.x.version"])
        for (const c of TOML_FILES) same(ours(genericToml(path, v, noWarn), c), run(oracle.toml(path, v), c));
      for (const path of ["/*/version", "//version", "/project/parent/version"])
        for (const c of XML_FILES) same(ours(genericXml(path, v), c), run(oracle.xml(path, v), c));
      for (const c of XML_FILES) same(ours(pomXml(v), c), run(oracle.pom(v), c));
    });
  }
});

describe("CHANGELOG.md and manifest = release-please", () => {
  test("changelog insertion and creation (spec §4.8)", () => {
    for (const c of CHANGELOGS) same(ours(changelog(ENTRY), c), run(oracle.changelog(ENTRY), c));
    expect(changelog(ENTRY)("# Changelog\n")).toBe(`# Changelog\n\n${ENTRY}\n\n## Changelog\n`);
  });
  test("manifest JSON stringify format (spec §6.3)", () => {
    const maps: Record<string, string>[] = [
      { ".": "1.3.0" },
      { "packages/a": "1.1.0", "packages/new": "0.1.0" },
    ];
    for (const versions of maps)
      for (const c of MANIFESTS) {
        const u = releasePleaseManifest(new Map(Object.entries(versions)));
        same(ours(u, c), run(oracle.manifest(versions), c));
      }
    expect(releasePleaseManifest(new Map([[".", "0.1.0"]]))("{}\n")).toBe('{".":"0.1.0"}\n');
  });
});

describe("CRLF files stay CRLF: ours(crlf(x)) = crlf(release-please(x))", () => {
  const v = "1.3.0";
  const cases: [string, Updater, { updateContent(c: string): string }, string[]][] = [
    ["setup.py", setupPy(v), oracle.setupPy(v), SETUP_PY],
    ["setup.cfg", setupCfg(v), oracle.setupCfg(v), SETUP_CFG],
    ["__init__.py", pythonFileWithVersion(v), oracle.pythonFile(v), INIT_PY],
    ["pyproject.toml", pyprojectToml(v, noWarn), oracle.pyproject(v), PYPROJECT],
    ["generic", generic({ version: versionText(v) }), oracle.generic(v), GENERIC.slice(1)],
    ["CHANGELOG.md", changelog(ENTRY), oracle.changelog(ENTRY), CHANGELOGS.filter((c) => c) as string[]],
    [
      "manifest",
      releasePleaseManifest(new Map([[".", v]])),
      oracle.manifest({ ".": v }),
      MANIFESTS.slice(0, 5),
    ],
  ];
  for (const [name, u, o, corpus] of cases)
    test(name, () => {
      for (const c of corpus) {
        const want = run(o, c);
        const got = ours(keepLineEndings(u), crlf(c));
        same(got, want instanceof Error ? want : crlf(want));
        // and a UTF-8 BOM survives in front
        if (!(want instanceof Error) && c) same(ours(keepLineEndings(u), `\uFEFF${c}`), `\uFEFF${want}`);
      }
    });
});

describe("PEP 440 mode (opt-in: only for PEP 440 releases)", () => {
  test("__version__, setup.py, setup.cfg and markers holding 1.3.0rc1 are updated", () => {
    expect(pythonFileWithVersion("1.3.0rc2", true)('__version__ = "1.3.0rc1"\n')).toBe(
      '__version__ = "1.3.0rc2"\n',
    );
    expect(setupPy("1.3.0", true)('setup(version="1.3.0.dev4")\n')).toBe('setup(version="1.3.0")\n');
    expect(setupCfg("2.0.0a1", true)("[metadata]\nversion = 1.9.0.post1\n")).toBe(
      "[metadata]\nversion = 2.0.0a1\n",
    );
    expect(
      generic({ version: versionText("1!2.0.0b1"), pep440: true })(
        "v = 1!1.9.0rc3 # x-release-please-version\n",
      ),
    ).toBe("v = 1!2.0.0b1 # x-release-please-version\n");
    expect(genericJson("$.version", "1.3.0rc2", noWarn, true)('{"version": "1.3.0rc1"}')).toBe(
      '{"version": "1.3.0rc2"}',
    );
  });
  test("without it, release-please's patterns leave PEP 440 text alone", () => {
    expect(pythonFileWithVersion("1.3.0")('__version__ = "1.3.0rc1"\n')).toBe('__version__ = "1.3.0rc1"\n');
  });
});

describe("json and yaml extra-files keep comments and layout (release-please re-serialises them)", () => {
  test("yaml: comments, quoting and order stay; only the version scalars change", () => {
    const chart =
      "# Helm chart\nname: demo # the name\nversion: 1.2.3   # bumped by release\nappVersion: '1.2.3'\nlist: [a, b]\n";
    expect(genericYaml("$.version", "1.3.0", noWarn)(chart)).toBe(
      chart.replace("version: 1.2.3", "version: 1.3.0"),
    );
    expect(genericYaml("$.appVersion", "1.3.0", noWarn)(chart)).toBe(chart.replace("'1.2.3'", "'1.3.0'"));
    const multi = '---\n# first\nversion: "1.2.3"\n---\nversion: 4.5.6 # second\n';
    expect(genericYaml("$.version", "2.0.0", noWarn)(multi)).toBe(
      '---\n# first\nversion: "2.0.0"\n---\nversion: 2.0.0 # second\n',
    );
    // a block scalar cannot be edited in place: release-please's re-dump
    const block = "version: |\n  1.2.3\n# gone\n";
    same(
      ours(genericYaml("$.version", "1.3.0", noWarn), block),
      run(oracle.yaml("$.version", "1.3.0"), block),
    );
  });
  test("json: spacing and one-line arrays stay; unchanged files are not rewritten", () => {
    const pkg =
      '{\n  "name": "demo",\n  "version": "1.2.3",\n  "files": ["a", "b"],\n  "x": {"version":"v1.2.3"}\n}\n';
    expect(genericJson("$..version", "1.3.0", noWarn)(pkg)).toBe(
      pkg.replace('"1.2.3"', '"1.3.0"').replace('"v1.2.3"', '"v1.3.0"'),
    );
    const noHit = '{ "name": "demo" }';
    expect(genericJson("$.version", "1.3.0", noWarn)(noHit)).toBe(noHit);
  });
  test("CRLF json/yaml stay CRLF", () => {
    for (const [u, c] of [
      [genericJson("$.version", "1.3.0", noWarn), JSON_FILES[0]!],
      [genericYaml("$.version", "1.3.0", noWarn), YAML_FILES[0]!],
    ] as const)
      expect(ours(keepLineEndings(u), crlf(c))).toBe(crlf(u(c)));
  });
});

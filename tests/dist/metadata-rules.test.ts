/**
 * Field rules PyPI (warehouse `_validate_metadata`) and twine ≥ 6.1 (packaging 26 `Metadata`)
 * refuse uploads for: each refused case with its exact message, and the metadata real projects
 * publish — which must keep passing (a false FAILED blocks a valid release). Where a Python with
 * packaging ≥ 26 is installed, the PEP 508 / specifier / license-expression parsers are also
 * compared with packaging itself on the same strings.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkDistribution } from "../../src/dist/check.ts";
import { parseMetadata, validateMetadata } from "../../src/dist/metadata.ts";
import { licenseExpressionSyntaxOk } from "../../src/dist/metadata-rules.ts";
import { formatRequirement, isValidSpecifierSet, parseRequirement } from "../../src/dist/pep508.ts";
import { unknownLicenseId } from "../../src/dist/spdx.ts";
import { tempDir } from "../helpers/repo.ts";
import { wheelItems, zip } from "./helpers/archives.ts";

function meta(extra: string, opts: { mv?: string; version?: string; summary?: string } = {}) {
  return (
    `Metadata-Version: ${opts.mv ?? "2.1"}\nName: demo-pkg\nVersion: ${opts.version ?? "1.0.0"}\n` +
    `Summary: ${opts.summary ?? "demo"}\nDescription-Content-Type: text/markdown\n${extra}\n# Demo\n`
  );
}
const errorsOf = (text: string) => validateMetadata(parseMetadata(text)).errors;

describe("refused metadata: exact messages", () => {
  const cases: [string, string, string[]][] = [
    ["bad requirement", meta("Requires-Dist: foo >=>= 1\n"), ["'foo >=>= 1' is invalid for 'requires-dist'"]],
    [
      "requirement: === swallows a comma, the rest is no specifier",
      meta("Requires-Dist: foo===a,=1\n"),
      ["'foo===a,=1' is invalid for 'requires-dist'"],
    ],
    ["bad requires-python", meta("Requires-Python: >=3.x\n"), ["'>=3.x' is invalid for 'requires-python'"]],
    ["dynamic name", meta("Dynamic: Name\n", { mv: "2.2" }), ["'name' is not allowed as a dynamic field"]],
    [
      "dynamic version",
      meta("Dynamic: Version\n", { mv: "2.2" }),
      ["'version' is not allowed as a dynamic field"],
    ],
    [
      "dynamic metadata-version",
      meta("Dynamic: metadata-version\n", { mv: "2.4" }),
      ["'metadata-version' is not allowed as a dynamic field"],
    ],
    [
      "dynamic unknown field",
      meta("Dynamic: colour\n", { mv: "2.2" }),
      ["'colour' is not a valid dynamic field"],
    ],
    [
      "charset latin-1",
      meta("").replace("text/markdown", "text/markdown; charset=latin-1"),
      ["'description-content-type' can only specify the UTF-8 charset, not 'latin-1'"],
    ],
    [
      "bare charset",
      meta("").replace("text/markdown", "text/markdown; charset"),
      ["'description-content-type' can only specify the UTF-8 charset, not ''"],
    ],
    [
      "markdown variant",
      meta("").replace("text/markdown", "text/markdown; variant=foo"),
      ["valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not 'foo'"],
    ],
    [
      "bad license expression",
      meta("License-Expression: MIT and or GPL\n", { mv: "2.4" }),
      ["'MIT and or GPL' is invalid for 'license-expression'"],
    ],
    [
      "empty parentheses",
      meta("License-Expression: MIT OR ()\n", { mv: "2.4" }),
      ["'MIT OR ()' is invalid for 'license-expression'"],
    ],
    [
      "WITH without exception",
      meta("License-Expression: MIT WITH\n", { mv: "2.4" }),
      ["'MIT WITH' is invalid for 'license-expression'"],
    ],
    ["folded summary", meta("", { summary: "line one\n line two" }), ["'summary' must be a single line"]],
    [
      "local version",
      meta("", { version: "1.0.0+local" }),
      ["The use of local versions in '1.0.0+local' is not allowed."],
    ],
    [
      "summary > 512",
      meta("", { summary: "x".repeat(513) }),
      ["'summary' field must be 512 characters or less."],
    ],
    [
      "direct URL dependency",
      meta("Requires-Dist: foo @ https://example.com/foo.whl\n"),
      ["Requires-Dist: Can't have direct dependency: foo @ https://example.com/foo.whl"],
    ],
    [
      "direct URL dependency, quoted as packaging prints it",
      meta("Requires-Dist: Foo[b,a]@ https://example.com/foo.whl ; extra=='Dev_Tools'\n"),
      [
        'Requires-Dist: Can\'t have direct dependency: Foo[a,b] @ https://example.com/foo.whl ; extra == "dev-tools"',
      ],
    ],
    [
      "project URL label > 32",
      meta(`Project-URL: ${"L".repeat(40)}, https://example.com\n`),
      [`Project-URL: '${"L".repeat(40)}' must be 32 characters or less.`],
    ],
    [
      "project URL without label",
      meta("Project-URL: , https://example.com\n"),
      ["Project-URL: Must have a label"],
    ],
    ["project URL without URL", meta("Project-URL: Source,\n"), ["Project-URL: Must have a URL"]],
    [
      "project URL not http(s)",
      meta("Project-URL: Chat, irc://libera.chat/x\n"),
      ["Project-URL: 'irc://libera.chat/x' is not a valid url"],
    ],
    [
      "author email without @",
      meta("Author-email: not-an-email\n"),
      ["Author-email: 'not-an-email' is not a valid email address: An email address must have an @-sign."],
    ],
    [
      "a bare name where the address belongs",
      meta("Maintainer-email: Jane Doe\n"),
      ["Maintainer-email: 'Jane' is not a valid email address: An email address must have an @-sign."],
    ],
    [
      "author email domain without a period",
      meta("Author-email: Jane <jane@localhost>\n"),
      [
        "Author-email: 'jane@localhost' is not a valid email address: The part after the @-sign is not valid. It should have a period.",
      ],
    ],
    [
      "home page javascript:",
      meta("Home-page: javascript:alert(1)\n"),
      ["Home-Page: 'javascript:alert(1)' is not a valid url."],
    ],
    [
      "home page without scheme",
      meta("Home-page: example.com\n"),
      ["Home-Page: 'example.com' is not a valid url."],
    ],
    [
      "download URL bad port",
      meta("Download-URL: https://example.com:99999/x\n"),
      ["Download-URL: 'https://example.com:99999/x' is not a valid url."],
    ],
    ["bad extra name", meta("Provides-Extra: -dev\n"), ["'-dev' is invalid for 'provides-extra'"]],
  ];
  for (const [label, text, expected] of cases) test(label, () => expect(errorsOf(text)).toEqual(expected));

  test("several problems are all reported", () => {
    expect(
      errorsOf(
        meta("Requires-Dist: a >=>= 1\nRequires-Dist: b @ https://x.org/b.whl\nRequires-Dist: c (>=1\n"),
      ),
    ).toEqual([
      "'a >=>= 1' is invalid for 'requires-dist'",
      "Requires-Dist: Can't have direct dependency: b @ https://x.org/b.whl",
      "'c (>=1' is invalid for 'requires-dist'",
    ]);
  });
});

describe("metadata real projects publish passes", () => {
  const requirements = [
    'requests[security,socks] (>=2.8.1,==2.*) ; python_version < "2.7"',
    "pywin32>=1.0; sys_platform == \"win32\" and platform_python_implementation != 'PyPy'",
    "foo; extra == 'test'",
    'numpy>=1.21; python_version>="3.10"',
    "numpy",
    "Django (>=3.2,<5)",
    "typing-extensions>=4.6.0,!=4.7.0",
    "zope.interface>=5",
    "backports.zoneinfo; python_version < '3.9'",
    'colorama; platform_system == "Windows"',
    'importlib-metadata>=4.6; python_full_version < "3.10.2"',
    'uvloop!=0.15.0,!=0.15.1,>=0.14.0; (sys_platform != "win32" and sys_platform != "cygwin") and platform_python_implementation != "PyPy" and extra == "standard"',
    "pytest (>=6) ; extra == 'testing'",
    'cffi>=1.12; platform_python_implementation != "PyPy"',
    "tomli>=1.1.0; python_version < '3.11'",
    'pyobjc-core; sys_platform == "darwin" and (platform_machine == "arm64" or platform_machine == "x86_64")',
    "torch~=2.1",
    "foo===1.0-weird",
    "foo==1.0.*",
    "foo!=1.0.*,>=0.9",
    "foo==1.0+local.7",
    "foo >= 1.0rc1 , < 2.0.dev0",
    "foo>=1!2.0",
    "foo>=v1.0",
    'foo; os.name == "nt"',
    "foo; 'linux' in sys_platform",
    "foo; 'win' not in sys_platform",
    'foo; implementation_name == "cpython" and implementation_version >= "3.8"',
    'foo; platform_release >= "5" or platform_version < "1" or platform_system == "Linux"',
    "foo[bar]",
    "foo[ bar , baz ]",
    "foo; extra == \"Dev_Tools\" or extra == 'docs'",
  ];
  for (const r of requirements)
    test(`Requires-Dist: ${r}`, () => {
      expect(parseRequirement(r)).not.toHaveProperty("error");
      expect(errorsOf(meta(`Requires-Dist: ${r}\n`))).toEqual([]);
    });

  test("Requires-Python forms", () => {
    for (const rp of [
      ">=3.8",
      ">=3.6,",
      ">= 3.7, < 4",
      "~=3.9",
      ">=2.7, !=3.0.*, !=3.1.*",
      "==3.*",
      "<4,>=3.8",
      "",
    ])
      expect([rp, isValidSpecifierSet(rp)]).toEqual([rp, true]);
    expect(errorsOf(meta("Requires-Python: >=3.8,<4\n"))).toEqual([]);
  });

  test("content types and charsets", () => {
    for (const ct of [
      "text/markdown",
      "text/markdown; charset=UTF-8",
      'text/markdown; charset="UTF-8"; variant=CommonMark',
      "text/markdown;variant=GFM",
      "text/markdown; Variant=GFM",
      "text/x-rst; charset=UTF-8",
      "TEXT/MARKDOWN",
      "text/plain; charset=",
      // packaging 26.2 refuses lowercase; packaging#1330 accepts it: we never refuse a valid UTF-8.
      "text/markdown; charset=utf-8",
      // variant is only checked for Markdown.
      "text/x-rst; variant=foo",
    ])
      expect([ct, errorsOf(meta("").replace("text/markdown", ct))]).toEqual([ct, []]);
  });

  test("license expressions, emails, URLs, dynamic fields", () => {
    const text = meta(
      [
        "License-Expression: mit and (apache-2.0 or BSD-2-Clause)",
        'Author-email: "Doe, Jane" <jane@example.com>, Bob <bob@example.org>',
        "Maintainer-email: UNKNOWN",
        "Home-page: UNKNOWN",
        "Download-URL: HTTPS://example.com/dl",
        "Project-URL: Source, https://github.com/o/r",
        "Project-URL: Documentation, https://o.readthedocs.io/en/latest/",
        `Project-URL: ${"L".repeat(32)}, https://example.com`,
        "Dynamic: license-file",
        "Dynamic: Requires-Dist",
        "Provides-Extra: dev_tools",
        "",
      ].join("\n"),
      { mv: "2.4" },
    );
    expect(errorsOf(text)).toEqual([]);
    for (const le of [
      "MIT",
      "(MIT)",
      "GPL-2.0-or-later WITH Classpath-exception-2.0",
      "LicenseRef-Proprietary",
      "Apache-2.0+",
      "MIT  AND\tBSD-3-Clause",
    ])
      expect([le, licenseExpressionSyntaxOk(le)]).toEqual([le, true]);
  });

  test("SPDX ids: packaging's message for an unknown license or exception, with the near miss", () => {
    expect(unknownLicenseId("MIT")).toBeUndefined();
    expect(unknownLicenseId("mit AND (apache-2.0 OR BSD-2-Clause)")).toBeUndefined();
    expect(unknownLicenseId("GPL-2.0-or-later WITH Classpath-exception-2.0")).toBeUndefined();
    expect(unknownLicenseId("Apache-2.0+ OR LicenseRef-Mine")).toBeUndefined();
    expect(unknownLicenseId("Apache-2")).toMatch(
      /^Unknown license: 'apache-2' \(SPDX 3\.\d+\.\d+, from packaging [\d.]+; did you mean 'Apache-2.0'\?\)$/,
    );
    expect(unknownLicenseId("MIT OR Use-it-after-midnight")).toMatch(
      /^Unknown license: 'use-it-after-midnight' \(SPDX [^;]*\)$/,
    );
    expect(unknownLicenseId("GPL-2.0-only WITH Classpath-exception")).toContain(
      "Unknown license exception: 'classpath-exception' (SPDX",
    );
  });

  test("fields newer than the declared Metadata-Version are left to the version check", () => {
    // packaging refuses these as "introduced in metadata version …" without parsing them;
    // metadata.ts decides what to say about that (a warning today).
    expect(errorsOf(meta("Dynamic: Name\n", { mv: "2.1" }))).toEqual([]);
    expect(errorsOf(meta("License-Expression: MIT and or GPL\n", { mv: "2.3" }))).toEqual([]);
  });

  test("packaging's normal form of a URL requirement", () => {
    const r = parseRequirement(
      "pkg[b,a] @ git+https://github.com/o/r.git@v1 ; python_version<'3.9' and (os_name=='nt' or extra=='X_y')",
    );
    expect("error" in r ? r.error : formatRequirement(r)).toBe(
      'pkg[a,b] @ git+https://github.com/o/r.git@v1 ; python_version < "3.9" and (os_name == "nt" or extra == "X_y")',
    );
  });
});

describe("through checkDistribution", () => {
  test("an SPDX id missing from packaging's list: a warning with the near miss, not a failure", async () => {
    const dir = tempDir("shipline-spdx-");
    const path = join(dir, "demo_pkg-1.0.0-py3-none-any.whl");
    writeFileSync(
      path,
      zip(wheelItems("demo_pkg", "1.0.0", meta("License-Expression: Apache-2\n", { mv: "2.4" }))),
    );
    const r = await checkDistribution(path);
    expect(r.verdict).toBe("PASSED with warnings");
    expect(r.warnings.join("\n")).toMatch(
      /License-Expression: Unknown license: 'apache-2' \(SPDX [\d.]+, from packaging [\d.]+; did you mean 'Apache-2.0'\?\); PyPI refuses it \('Apache-2' is invalid for 'license-expression'\) unless the id is newer than that list/,
    );
  });

  test("a wheel with a refused field: FAILED, message under Invalid distribution metadata", async () => {
    const dir = tempDir("shipline-metarules-");
    const path = join(dir, "demo_pkg-1.0.0-py3-none-any.whl");
    writeFileSync(
      path,
      zip(wheelItems("demo_pkg", "1.0.0", meta("Requires-Dist: foo >=>= 1\nRequires-Python: >=3.x\n"))),
    );
    const r = await checkDistribution(path);
    expect(r.verdict).toBe("FAILED");
    expect(r.errors).toEqual([
      "Invalid distribution metadata: 'foo >=>= 1' is invalid for 'requires-dist'; '>=3.x' is invalid for 'requires-python'",
    ]);
  });
});

// ------------------------------------------------------------ differential, against packaging

const PY = existsSync("/root/.pyenv/versions")
  ? readdirSync("/root/.pyenv/versions")
      .filter((v) => v.startsWith("3."))
      .map((v) => `/root/.pyenv/versions/${v}/bin/python`)
      .find(
        (p) =>
          existsSync(p) &&
          Bun.spawnSync(
            [p, "-c", "import packaging, sys; sys.exit(int(packaging.__version__.split('.')[0]) < 26)"],
            {
              stderr: "ignore",
            },
          ).exitCode === 0,
      )
  : undefined;

describe.skipIf(!PY)("same verdicts as packaging ≥ 26", () => {
  test("requirements, specifier sets, license expressions (with mutations)", () => {
    const seeds = [
      'requests[security,socks] (>=2.8.1,==2.*) ; python_version < "2.7"',
      "pywin32>=1.0; sys_platform == \"win32\" and platform_python_implementation != 'PyPy'",
      "foo @ https://example.com/foo.whl ; extra == 'x'",
      "foo===a,=1",
      "name; (os_name=='a' or os_name=='b') and os_name=='c'",
      "foo (==1.0.*+local) ; 'x' not in platform.machine",
      "foo~=1.0.post1.dev2, !=1.0.1",
    ];
    const script = `
import json, sys, random
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.licenses import canonicalize_license_expression
random.seed(1)
seeds = json.load(sys.stdin)
alphabet = list(" ;,()[]@<>=!~.*'\\"+-_a0") + ["and", "or", "in", "not", "extra", "python_version", "===", ".*", " @ "]
reqs = list(seeds)
for s in seeds:
    for _ in range(300):
        c = list(s)
        for _ in range(random.randint(1, 3)):
            p = random.randrange(len(c) + 1)
            if random.random() < .5: c.insert(p, random.choice(alphabet))
            elif c: del c[min(p, len(c) - 1)]
        reqs.append("".join(c))
def ok(f, v):
    try: f(v); return True
    except Exception as e: return False if type(e).__name__ in ("InvalidRequirement", "InvalidSpecifier") else None
def lic(v):
    try: canonicalize_license_expression(v); return True
    except Exception as e: return False if "Invalid license expression" in str(e) else True
specs = [">=3.8", ">=3.x", ">= 3.7, < 4", ">=3.6,", "~=3", "==3.*", ">=3.6.*", "3.6", "!=3.0.*,!=3.1.*", ">3.6+local", "==3.6+local", "===3.6", ">=3.8 <4"]
lics = ["MIT WITH (Apache-2.0)", "(MIT) WITH Classpath-exception-2.0", "MIT WITH Classpath-exception-2.0 WITH Autoconf-exception-2.0", "MIT and or GPL", "MIT", "(MIT)", "()", "MIT (Apache-2.0)", "MIT WITH", "WITH MIT", "MIT AND", "((MIT))", "MIT)(", "MIT OR (Apache-2.0", "mit and (apache-2.0 or bsd-2-clause)"]
ids = ["MIT", "Apache-2", "mit OR gpl-3.0-or-later", "GPL-2.0-only WITH Classpath-exception", "Apache-2.0+ AND LicenseRef-X", "BSD-3-Clause OR Use-it-after-midnight", "LGPL-2.1-only WITH GCC-exception-3.1"]
def unknown(v):
    try: canonicalize_license_expression(v); return None
    except Exception as e: return str(e)
print(json.dumps({"req": [[r, ok(Requirement, r), str(Requirement(r)) if ok(Requirement, r) else None] for r in reqs],
                  "spec": [[s, ok(SpecifierSet, s)] for s in specs], "lic": [[l, lic(l)] for l in lics],
                  "ids": [[l, unknown(l)] for l in ids]}))`;
    const p = Bun.spawnSync([PY!, "-c", script], {
      stdin: Buffer.from(JSON.stringify(seeds)),
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(p.stderr.toString()).toBe("");
    const o = JSON.parse(p.stdout.toString()) as {
      req: [string, boolean | null, string | null][];
      spec: [string, boolean][];
      lic: [string, boolean][];
      ids: [string, string | null][];
    };
    const wrong: string[] = [];
    for (const [r, ok, s] of o.req) {
      if (ok === null) continue; // packaging crashed (not a verdict)
      const mine = parseRequirement(r);
      if ("error" in mine === ok) wrong.push(`${JSON.stringify(r)}: packaging ${ok}`);
      else if (!("error" in mine) && formatRequirement(mine) !== s)
        wrong.push(`${JSON.stringify(r)}: str ${s}`);
    }
    for (const [s, ok] of o.spec)
      if (isValidSpecifierSet(s) !== ok) wrong.push(`spec ${JSON.stringify(s)}: ${ok}`);
    for (const [l, ok] of o.lic)
      if (licenseExpressionSyntaxOk(l) !== ok) wrong.push(`license ${JSON.stringify(l)}: ${ok}`);
    // the SPDX ids: packaging's "Unknown license…" message, before our list's note
    for (const [l, msg] of o.ids)
      if ((unknownLicenseId(l)?.replace(/ \(SPDX .*$/, "") ?? null) !== msg)
        wrong.push(`ids ${JSON.stringify(l)}: packaging ${msg}, shipline ${unknownLicenseId(l)}`);
    expect(wrong).toEqual([]);
    expect(o.req.length).toBeGreaterThan(2000);
  }, 60_000);
});

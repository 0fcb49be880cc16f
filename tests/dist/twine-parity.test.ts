/**
 * `check` gives the same verdict as the real `twine check` (Debian's 4.0.2) on real
 * distributions: the wheels Debian ships, sdists and wheels built here with python -m build
 * from projects with rst / broken rst / markdown / plain / missing READMEs, and crafted files.
 * The few deliberate differences are listed with the reason.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkDistribution } from "../../src/dist/check.ts";
import { tempDir } from "../helpers/repo.ts";
import { metadata, wheelItems, zip } from "./helpers/archives.ts";
import { buildProject, canBuild, type Project, writeProject } from "./helpers/projects.ts";

const TWINE = "/usr/bin/twine";
const enabled = existsSync(TWINE) && canBuild();

const projects: Project[] = [
  {
    name: "rstok",
    readme: [
      "README.rst",
      "Rst OK\n======\n\nSome *emphasis*, a `link <https://example.com>`_.\n\n- item\n- item\n",
    ],
  },
  { name: "rstbroken", readme: ["README.rst", "Broken\n======\n\nCall it with *args and **kwargs.\n"] },
  {
    name: "rstunknown",
    readme: ["README.rst", "Intro\n=====\n\nSee :func:`main`.\n\n.. toctree::\n\n   api\n"],
  },
  { name: "lonetitle", readme: ["README.rst", "Only A Title\n============\n"] },
  {
    name: "mdpkg",
    readme: ["README.md", "# Markdown\n\nCall it with *args and `code`.\n\n```python\nx = 1\n```\n"],
  },
  { name: "plainpkg", readme: ["README.txt", "Plain *text* with `stray markup\n"] },
  { name: "nodesc" },
  // setuptools 66 names this sdist demo-hyphen-1.0.0.tar.gz, which PyPI refuses (PEP 625).
  { name: "demo-hyphen", readme: ["README.md", "# ok\n"] },
];

/** Where shipline deliberately differs from twine 4.0.2, and why. */
const DIFFERENT: Record<string, { shipline: string; twine: string; why: string }> = {
  "nodesc-1.0.0-py3-none-any.whl": {
    shipline: "PASSED with warnings",
    twine: "FAILED",
    why: "twine 4.0.2 renders a wheel's empty body as RST and fails; twine ≥6 and PyPI treat it as a missing description (warning)",
  },
  "demo-hyphen-1.0.0.tar.gz": {
    shipline: "FAILED",
    twine: "PASSED",
    why: "PyPI refuses sdists not named per PEP 625 (demo_hyphen-1.0.0.tar.gz); twine does not check names",
  },
};

let dir = "";
let files: string[] = [];

function twineVerdicts(paths: string[]): Map<string, string> {
  const p = Bun.spawnSync([TWINE, "--no-color", "check", ...paths], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, COLUMNS: "300" },
  });
  const out = new Map<string, string>();
  for (const line of p.stdout.toString().split("\n")) {
    const m = /^Checking (.+?): (PASSED with warnings|PASSED|FAILED)\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

beforeAll(async () => {
  if (!enabled) return;
  dir = tempDir("shipline-parity-");
  const out = join(dir, "dist");
  // Made before the builds: python-build creates a missing outdir with a check-then-makedirs,
  // and two builds doing that at once made one fail with FileExistsError (a CI flake).
  mkdirSync(out, { recursive: true });
  // Two builds at a time: the machine has two cores.
  const queue = projects.map((p) => writeProject(dir, p));
  await Promise.all(
    [0, 1].map(async () => {
      for (let root = queue.shift(); root; root = queue.shift()) await buildProject(root, out);
    }),
  );
  // Crafted wheels for the description rules, checked by twine too.
  const crafted: [string, string][] = [
    ["notype", metadata("notype", "1.0", { description: "Fine *rst* without a content type.\n" })],
    [
      "notypebroken",
      metadata("notypebroken", "1.0", { description: "Broken *rst without a content type.\n" }),
    ],
    ["unknowndesc", metadata("unknowndesc", "1.0", { contentType: "text/x-rst", description: "UNKNOWN\n" })],
    ["mdbroken", metadata("mdbroken", "1.0", { contentType: "text/markdown", description: "*args `x\n" })],
    [
      "rstparams",
      metadata("rstparams", "1.0", {
        contentType: "text/x-rst; charset=UTF-8",
        description: "Title\n=====\n\nOk.\n",
      }),
    ],
  ];
  for (const [name, meta] of crafted)
    writeFileSync(join(out, `${name}-1.0-py3-none-any.whl`), zip(wheelItems(name, "1.0", meta)));
  files = [
    ...readdirSync(out).map((f) => join(out, f)),
    ...(existsSync("/usr/share/python-wheels")
      ? readdirSync("/usr/share/python-wheels")
          .filter((f) => f.endsWith(".whl"))
          .map((f) => join("/usr/share/python-wheels", f))
      : []),
  ].sort();
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!enabled)("same verdict as twine check", () => {
  test("the corpus is big enough to mean something", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  test("every file", async () => {
    const twine = twineVerdicts(files);
    const rows: string[] = [];
    for (const f of files) {
      const ours = (await checkDistribution(f)).verdict;
      const theirs = twine.get(f);
      const base = f.split("/").pop()!;
      const known = DIFFERENT[base];
      if (known) {
        expect({ base, ours, theirs }).toEqual({
          base,
          ours: known.shipline as never,
          theirs: known.twine as never,
        });
        continue;
      }
      if (ours !== theirs) rows.push(`${base}: shipline ${ours}, twine ${theirs}`);
    }
    expect(rows).toEqual([]);
  });

  test("the corpus has each verdict", async () => {
    const verdicts = new Set<string>();
    for (const f of files) verdicts.add((await checkDistribution(f)).verdict);
    expect([...verdicts].sort()).toEqual(["FAILED", "PASSED", "PASSED with warnings"]);
  });

  test("a failing README says what twine says", async () => {
    const f = files.find((x) => x.endsWith("rstbroken-1.0.0-py3-none-any.whl"))!;
    const r = await checkDistribution(f);
    expect(r.errors).toEqual([
      "`long_description` has syntax errors in markup and would not be rendered on PyPI.\nline 4: Warning: Inline emphasis start-string without end-string.",
    ]);
  });
});

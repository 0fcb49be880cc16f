/**
 * The PyPI stand-in is only worth something if real clients treat it like PyPI: Debian's
 * twine uploads to it and gets PyPI's duplicate-file error, and pip installs from its simple
 * index (verifying the sha256 fragment).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/repo.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { makeSdist, makeWheel } from "./fixtures.ts";

setDefaultTimeout(60_000);

const hasTwine = Bun.which("twine") !== null;
const pyenvPython = (() => {
  const root = "/root/.pyenv/versions";
  if (!existsSync(root)) return undefined;
  const v = readdirSync(root).find((d) => d.startsWith("3.12"));
  return v ? join(root, v, "bin", "python") : undefined;
})();
const python = pyenvPython ?? Bun.which("python3") ?? undefined;

async function run(cmd: string[], env: Record<string, string> = {}) {
  const p = Bun.spawn(cmd, {
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  // rich wraps twine's log at 80 columns whatever COLUMNS says: compare with whitespace collapsed.
  return { code, out: (out + err).replace(/\x1b\[[0-9;]*m/g, "").replace(/\s+/g, " ") };
}

let pypi: PypiServer;
let dir: string;
beforeAll(async () => {
  pypi = await startPypi();
  dir = tempDir("pypi-honesty-");
});
afterAll(() => pypi.stop());

const twine = (files: string[], extra: string[] = []) =>
  run(
    [
      "twine",
      "upload",
      "--non-interactive",
      "--disable-progress-bar",
      "--repository-url",
      pypi.uploadUrl,
      ...extra,
      ...files,
    ],
    { TWINE_USERNAME: "__token__", TWINE_PASSWORD: pypi.token },
  );

describe.skipIf(!hasTwine)("real twine against the stand-in", () => {
  test("twine uploads a wheel and an sdist; the index lists both with PyPI's digests", async () => {
    const wheel = makeWheel(dir, { name: "honest-pkg" });
    const sdist = makeSdist(dir, { name: "honest-pkg" });
    const r = await twine([wheel, sdist]);
    expect(r.code, r.out).toBe(0);
    const files = pypi.files("honest-pkg");
    expect(files.map((f) => f.filename).sort()).toEqual([
      "honest_pkg-1.0.0-py3-none-any.whl",
      "honest_pkg-1.0.0.tar.gz",
    ]);
    const sha = new Bun.CryptoHasher("sha256").update(readFileSync(wheel)).digest("hex");
    const json = (await (await fetch(`${pypi.url}/pypi/honest-pkg/1.0.0/json`)).json()) as {
      urls: { filename: string; digests: { sha256: string } }[];
    };
    expect(json.urls.find((u) => u.filename.endsWith(".whl"))?.digests.sha256).toBe(sha);
    // Metadata came from twine's form fields, as on PyPI.
    expect(pypi.uploads.filter((u) => u.status === 200)).toHaveLength(2);
  });

  test("identical re-upload: 200 like PyPI; different bytes, same name: PyPI's 400 text via the reason phrase", async () => {
    const d = tempDir("pypi-dup-");
    const wheel = makeWheel(d, { name: "dup-pkg" });
    expect((await twine([wheel])).code).toBe(0);
    expect((await twine([wheel])).code).toBe(0);
    const d2 = tempDir("pypi-dup2-");
    const other = makeWheel(d2, { name: "dup-pkg", variant: "changed" });
    const blake = new Bun.CryptoHasher("blake2b256").update(readFileSync(other)).digest("hex");
    const r = await twine([other]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`HTTPError: 400 Bad Request from ${pypi.uploadUrl}`);
    expect(r.out).toContain(
      `File already exists ('dup_pkg-1.0.0-py3-none-any.whl', with blake2_256 hash '${blake}'). See https://pypi.org/help/#file-name-reuse for more information.`,
    );
    const skip = await twine([other], ["--skip-existing"]);
    expect(skip.code).toBe(0);
    expect(skip.out).toContain("Skipping dup_pkg-1.0.0-py3-none-any.whl because it appears to already exist");
  });

  test("classifiers: twine gets PyPI's 400 for an unknown or deprecated one; shipline check fails the same files first", async () => {
    const { checkDistribution } = await import("../../src/dist/check.ts");
    const cases: [string, string, string][] = [
      ["private-pkg", "Private :: Do Not Upload", "'Private :: Do Not Upload' is not a valid classifier."],
      [
        "deprecated-pkg",
        "Framework :: Django CMS :: 4.2",
        "The classifier 'Framework :: Django CMS :: 4.2' has been deprecated, use one of ['Framework :: Django CMS :: 5.0'] instead.",
      ],
    ];
    for (const [name, classifier, message] of cases) {
      const wheel = makeWheel(tempDir(), {
        name,
        classifiers: ["Programming Language :: Python :: 3", classifier],
      });
      const r = await twine([wheel]);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`${message} See https://packaging.python.org/specifications/core-metadata`);
      const checked = await checkDistribution(wheel);
      expect(checked.verdict).toBe("FAILED");
      expect(checked.errors.join("\n")).toContain(`Classifier: ${message}`);
    }
    // not in shipline's copy of the list: PyPI (with the same list) refuses it; check only warns,
    // since a classifier newer than the copy is valid
    const typo = makeWheel(tempDir(), {
      name: "typo-pkg",
      classifiers: ["Programming Language :: Python :: 3.1O"],
    });
    expect((await twine([typo])).out).toContain(
      "'Programming Language :: Python :: 3.1O' is not a valid classifier.",
    );
    const checked = await checkDistribution(typo);
    expect(checked.verdict).toBe("PASSED with warnings");
    expect(checked.warnings.join("\n")).toContain(
      "Classifier: 'Programming Language :: Python :: 3.1O' is not in trove-classifiers 2026.",
    );
    expect(checked.warnings.join("\n")).toContain("did you mean 'Programming Language :: Python :: 3.10'?");
    // the defaults are known: no classifier message at all
    const fine = await checkDistribution(makeWheel(tempDir(), { name: "fine-pkg" }));
    expect([...fine.errors, ...fine.warnings].join("\n")).not.toContain("lassifier");
  });

  test("a bad token gets PyPI's 403 text", async () => {
    const wheel = makeWheel(tempDir(), { name: "auth-pkg" });
    const r = await run(
      [
        "twine",
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        "--repository-url",
        pypi.uploadUrl,
        wheel,
      ],
      { TWINE_USERNAME: "__token__", TWINE_PASSWORD: "pypi-wrong" },
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain("403");
    expect(r.out).toContain("Invalid or non-existent authentication information.");
  });
});

describe.skipIf(!python || !hasTwine)("real pip against the stand-in", () => {
  test("pip installs the uploaded wheel from the simple index, checking its sha256", async () => {
    const d = tempDir("pypi-pip-");
    expect((await twine([makeWheel(d, { name: "pip-pkg", version: "2.0.0" })])).code).toBe(0);
    const target = join(d, "site");
    const r = await run([
      python!,
      "-m",
      "pip",
      "install",
      "--disable-pip-version-check",
      "--no-cache-dir",
      "--no-deps",
      "--only-binary",
      ":all:",
      "--index-url",
      pypi.simpleUrl,
      "--target",
      target,
      "pip-pkg==2.0.0",
    ]);
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(join(target, "pip_pkg", "__init__.py"), "utf8")).toContain('__version__ = "2.0.0"');
  });
});

/**
 * Real wheels downloaded from PyPI, when this machine has a local mirror (/opt/pypi*): every one
 * was accepted by PyPI when uploaded, so `check` must never crash on them, must agree with
 * docutils on their READMEs, and may only fail them for rules PyPI added since (legacy wheel
 * names, Metadata-Version 2.0). Skipped where the mirror is absent.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkDistribution } from "../../src/dist/check.ts";
import { checkRst } from "../../src/dist/rst.ts";

const DIRS = ["/opt/pypi/files", "/opt/pypi-more/files"].filter(existsSync);
const LIMIT = Number(process.env.SHIPLINE_PYPI_CORPUS_LIMIT ?? 150);
const wheels = DIRS.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith(".whl"))
    .map((f) => join(d, f)),
)
  .map((f) => ({ f, size: statSync(f).size }))
  .sort((a, b) => a.size - b.size)
  .slice(0, LIMIT)
  .map((x) => x.f);
const PY = "/usr/bin/python3";
const hasRenderer =
  existsSync(PY) &&
  Bun.spawnSync([PY, "-c", "import readme_renderer.rst"], { stderr: "ignore" }).exitCode === 0;

/** Rules PyPI enforces today that older uploads predate. */
const NEWER_RULES = /should contain the normalized project name|'2\.0' is not a valid metadata version/;

describe.skipIf(wheels.length < 20)("wheels from PyPI", () => {
  test(`the ${wheels.length} smallest: no crash; failures only for rules newer than the upload`, async () => {
    const unexpected: string[] = [];
    for (const f of wheels) {
      const r = await checkDistribution(f);
      if (r.verdict === "FAILED" && !r.errors.every((e) => NEWER_RULES.test(e)))
        unexpected.push(`${f}: ${r.errors.join("; ")}`);
    }
    expect(unexpected).toEqual([]);
  }, 120_000);

  test.skipIf(!hasRenderer)(
    "their rst READMEs: same verdict as readme_renderer",
    () => {
      const script = `
import sys, json, io, zipfile, email.parser
import readme_renderer.rst as r
out = []
for f in json.load(sys.stdin):
    z = zipfile.ZipFile(f)
    names = [n for n in z.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1]
    if not names: continue
    m = email.parser.Parser().parsestr(z.read(names[0]).decode("utf-8", "replace"))
    ct = (m.get("Description-Content-Type") or "text/x-rst").split(";")[0].strip().lower()
    body = m.get_payload()
    if ct != "text/x-rst" or not body or not body.strip(): continue
    st = io.StringIO()
    out.append({"f": f, "text": body, "ok": r.render(body, stream=st) is not None})
print(json.dumps(out))`;
      const p = Bun.spawnSync([PY, "-c", script], {
        stdin: Buffer.from(JSON.stringify(wheels)),
        stdout: "pipe",
        stderr: "pipe",
      });
      expect(p.exitCode).toBe(0);
      const docs: { f: string; text: string; ok: boolean }[] = JSON.parse(p.stdout.toString());
      expect(docs.length).toBeGreaterThan(10);
      const wrong = docs.filter((d) => checkRst(d.text).ok !== d.ok).map((d) => d.f);
      expect(wrong).toEqual([]);
    },
    120_000,
  );
});

/**
 * Turning CheckedFiles into twine-compatible lines and the `check --json` shape, and expanding
 * FILES… the way twine does (globs; signatures and attestations skipped; wheels first).
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { ShiplineError } from "../errors.ts";
import type { Logger } from "../ui/log.ts";
import { assertRegularFile } from "./regular-file.ts";
import type { CheckedFile } from "./types.ts";

/** Files next to distributions that are not distributions: signatures, bundles, attestations. */
const SIDE_FILES = /(\.asc|\.sigstore\.json|\.sigstore|\.attestation)$/;

/** Expand FILES… relative to `cwd`: globs, then skip side files; wheels before sdists, like twine. */
export function expandDistFiles(patterns: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (existsSync(resolve(cwd, p))) {
      out.push(p);
      continue;
    }
    const matches = /[*?[]/.test(p)
      ? [...new Bun.Glob(p).scanSync({ cwd, onlyFiles: true, absolute: isAbsolute(p) })].sort()
      : [];
    if (!matches.length)
      throw new ShiplineError(
        `Cannot find file (or expand pattern): '${p}'`,
        "build first (`shipline build`) or fix the path",
      );
    out.push(...matches);
  }
  const dists = [...new Set(out)].filter((f) => !SIDE_FILES.test(f));
  for (const f of dists) assertRegularFile(resolve(cwd, f), f);
  return [...dists.filter((f) => f.endsWith(".whl")), ...dists.filter((f) => !f.endsWith(".whl"))];
}

/** The `--strict` rule: warnings fail too ("FAILED due to warnings"). */
export function applyStrict(f: CheckedFile, strict: boolean): CheckedFile {
  return strict && f.verdict === "PASSED with warnings" ? { ...f, verdict: "FAILED" } : f;
}

const pad = (label: string, msg: string) => `${label.padEnd(9)}${msg.split("\n").join(`\n${" ".repeat(9)}`)}`;

/** twine's lines: `Checking <path>: <verdict>`, then ERROR/WARNING lines (9-column labels). */
export function printCheck(log: Logger, f: CheckedFile, strictWarnings = false): void {
  const status = strictWarnings && f.errors.length === 0 ? "FAILED due to warnings" : f.verdict;
  log.info(`Checking ${f.path}: ${status}`);
  for (const e of f.errors) log.info(pad("ERROR", e));
  for (const w of f.warnings) log.info(pad("WARNING", w));
}

/** Exactly DESIGN.md's `check --json` entry. */
export function checkJson(f: CheckedFile) {
  return {
    path: f.path,
    verdict: f.verdict,
    warnings: f.warnings,
    errors: f.errors,
    size: f.size,
    digests: { md5: f.digests.md5, sha256: f.digests.sha256, blake2_256: f.digests.blake2_256 },
  };
}

/** A repo-relative path for stage results (absolute if outside the repo). */
export function relativeTo(root: string, abs: string): string {
  const r = relative(root, abs);
  return r.startsWith("..") || isAbsolute(r) ? abs : r;
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

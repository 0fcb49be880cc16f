/**
 * PEP 440 prerelease channels for python packages (issue #11), an opt-in beyond release-please:
 * `shipline plan|pr|run --prerelease a|b|rc|dev|final` for one run, or `[tool.shipline]
 * prerelease = "rc"` (or a table of branch → channel) in pyproject.toml for every run. A
 * package's own pyproject.toml (monorepo) wins over the root's; the flag wins over both.
 *
 * With neither set nothing here is used and planning stays release-please-exact. With one set,
 * a python package's versions are read, bumped and written in PEP 440 form (1.3.0rc1, not
 * 1.3.0-rc.1), `final` graduating a prerelease (1.3.0rc2 → 1.3.0).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readTextFile } from "../config/json-file.ts";
import type { PackageConfig } from "../config/release-please.ts";
import { readPyproject } from "../config/shipline.ts";
import { ShiplineError, UsageError } from "../errors.ts";
import {
  type Bump,
  type Channel,
  channelOf,
  comparePep440,
  formatPep440,
  isSemverForm,
  nextFinal,
  nextPrerelease,
  parsePep440,
  semverToPep440,
} from "./pep440.ts";
import { Version } from "./version.ts";

/** A prerelease channel, or `final`: PEP 440 mode that graduates instead of starting a channel. */
export type PrereleaseChoice = Channel | "final";

export const PRERELEASE_VALUES = "a, b, rc, dev or final (alpha, beta, c, pre, preview also accepted)";

function choiceOf(value: string): PrereleaseChoice | undefined {
  return value.toLowerCase() === "final" ? "final" : channelOf(value);
}

/** `--prerelease VALUE`: a UsageError (exit 2) naming the flag and the valid values otherwise. */
export function parsePrereleaseFlag(value: unknown): PrereleaseChoice | undefined {
  if (value === undefined) return undefined;
  const c = typeof value === "string" ? choiceOf(value) : undefined;
  if (!c) throw new UsageError(`--prerelease ${String(value)}: expected ${PRERELEASE_VALUES}`);
  return c;
}

/** Where a package's choice came from, for the plan's "why". */
export interface PrereleaseSetting {
  choice: PrereleaseChoice;
  source: string;
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `[tool.shipline] prerelease` of the pyproject.toml in `dir`: a choice for every branch
 * (`prerelease = "rc"`), or per branch (`prerelease = { next = "rc", main = "final" }`);
 * undefined when absent or when the table has no entry for `branch`. The file is parsed only
 * when it mentions the key, so plans of projects that do not use it read nothing more.
 */
export function configuredPrerelease(
  root: string,
  dir: string,
  branch: string,
): PrereleaseSetting | undefined {
  const base = dir === "." ? root : join(root, dir);
  const file = dir === "." ? "pyproject.toml" : `${dir}/pyproject.toml`;
  const path = join(base, "pyproject.toml");
  if (!existsSync(path) || !readTextFile(path, file).includes("prerelease")) return undefined;
  const data = readPyproject(base)?.data;
  const tool = isTable(data?.tool) ? (data.tool as Table).shipline : undefined;
  if (!isTable(tool) || tool.prerelease === undefined) return undefined;
  const raw = tool.prerelease;
  const bad = (key: string, found: unknown): never => {
    throw new ShiplineError(
      `${file}: [tool.shipline] ${key} must be ${PRERELEASE_VALUES}, found ${JSON.stringify(found)}`,
      'e.g. prerelease = "rc", or prerelease = { next = "rc", main = "final" } for per-branch channels',
    );
  };
  if (typeof raw === "string") {
    const choice = choiceOf(raw) ?? bad("prerelease", raw);
    return { choice, source: `[tool.shipline] prerelease in ${file}` };
  }
  if (!isTable(raw)) return bad("prerelease", raw);
  for (const [b, v] of Object.entries(raw))
    if (typeof v !== "string" || !choiceOf(v)) bad(`prerelease.${b}`, v);
  const v = raw[branch];
  if (typeof v !== "string") return undefined;
  return {
    choice: choiceOf(v) as PrereleaseChoice,
    source: `[tool.shipline] prerelease.${branch} in ${file}`,
  };
}

/** The flag, else the package's own pyproject.toml, else the root's (python packages only). */
export function prereleaseFor(
  root: string,
  p: PackageConfig,
  flag: PrereleaseChoice | undefined,
  branch: string,
): PrereleaseSetting | undefined {
  if (p.releaseType !== "python") return undefined;
  if (flag) return { choice: flag, source: `--prerelease ${flag}` };
  const dir = p.path.replace(/^\/|\/$/g, "") || ".";
  return (
    (dir !== "." ? configuredPrerelease(root, dir, branch) : undefined) ??
    configuredPrerelease(root, ".", branch)
  );
}

/**
 * A version text in PEP 440 mode: PEP 440 is taken as is (normalised), release-please's semver
 * prerelease form is converted (`1.3.0-rc.1` → `1.3.0rc1`). `where` names the source.
 */
export function toPep440(text: string, where: string): string {
  const trimmed = text.trim();
  if (isSemverForm(trimmed)) return semverToPep440(trimmed);
  const v = parsePep440(trimmed);
  if (!v)
    throw new ShiplineError(
      `${where}: "${text}" is not a PEP 440 version`,
      "use a version like 1.2.0, 1.3.0rc1, 1.3.0a2, 1.3.0.dev4 or 1.3.0.post1",
    );
  return formatPep440(v);
}

/** major.minor.patch of a PEP 440 version, for the default strategy's classification (isPreMajor). */
export function releaseCore(text: string): Version {
  const r = parsePep440(text)?.release ?? [0];
  return new Version(r[0] ?? 0, r[1] ?? 0, r[2] ?? 0);
}

/** A manifest value meaning "no release yet" (release-please's 0.0.0). */
export function isNoRelease(text: string): boolean {
  return comparePep440(text, "0.0.0") === 0;
}

/** Python's first release (release-please: always 0.1.0), on the channel when one is set. */
export function initialPep440(choice: PrereleaseChoice): string {
  if (choice === "final") return "0.1.0";
  // a1 / b1 / rc1 and dev0, as nextPrerelease starts a channel.
  if (choice === "dev") return formatPep440({ epoch: 0, release: [0, 1, 0], dev: 0 });
  return formatPep440({ epoch: 0, release: [0, 1, 0], pre: { label: choice, n: 1 } });
}

/** The next PEP 440 version from `previous` for a bump on the chosen channel (or graduating, for final). */
export function nextPep440(previous: string, choice: PrereleaseChoice, bump: Bump): string {
  return choice === "final" ? nextFinal(previous, bump) : nextPrerelease(previous, choice, bump);
}

/** Whether a manifest value is outside release-please's form but PEP 440 (e.g. 1.3.0rc1): it needs PEP 440 mode to be read right. */
export function needsPep440Mode(text: string): boolean {
  return !isSemverForm(text.trim()) && parsePep440(text) !== null;
}

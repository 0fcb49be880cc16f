/**
 * uv.lock: bump the released package's own `[[package]]` entry (the one whose source is the
 * local project, `{ editable = … }` or `{ virtual = … }`), leaving every other byte alone, so
 * `uv sync --locked` keeps passing after the release PR. release-please does not know uv.lock;
 * shipline adds it only when the file exists and holds such an entry.
 *
 * uv records versions PEP 440-normalised (a pyproject `2.0.0-rc.1` is locked as `2.0.0rc1`),
 * so the lock gets the normalised form of the release version.
 *
 * uv writes a fixed layout (each entry's `name`, `version`, `source` keys at column 0 right
 * under `[[package]]`, array items indented), so a line scan finds the entry in milliseconds
 * where a full TOML parse of a large workspace lock takes seconds; the result is checked with
 * smol-toml, and a lock in any other layout goes through the position-tracking TOML parser.
 */
import { parse as parseSmolToml } from "smol-toml";
import { normalizeName } from "../../dist/pep440.ts";
import { normalizePep440, parsePep440 } from "../pep440.ts";
import { parseTomlTagged, replaceTomlValue, type TomlData } from "./toml-edit.ts";
import type { Updater, Warn } from "./types.ts";

/** PEP 503 normalised distribution name (uv compares names this way). */

const isLocal = (source: unknown) =>
  !!source && typeof source === "object" && ("editable" in source || "virtual" in source);

/** Fast path for uv's own layout; undefined when the layout is not recognised. */
function lineScan(content: string, want: string, locked: string): string | undefined {
  const lines = content.split("\n");
  let inPackage = false;
  let name: string | undefined;
  let versionLine = -1;
  let local = false;
  let changed = false;
  const finish = () => {
    if (inPackage && name !== undefined && normalizeName(name) === want && local && versionLine >= 0) {
      lines[versionLine] = `version = ${JSON.stringify(locked)}`;
      changed = true;
    }
    name = undefined;
    versionLine = -1;
    local = false;
  };
  lines.forEach((line, i) => {
    if (line.startsWith("[")) {
      finish();
      inPackage = line.trimEnd() === "[[package]]";
      return;
    }
    if (!inPackage) return;
    const m = /^name = "([^"\\]*)"\s*$/.exec(line);
    if (m) name = m[1];
    else if (/^version = "[^"\\]*"\s*$/.test(line)) versionLine = i;
    else if (/^source = \{\s*(editable|virtual)\s*=/.test(line)) local = true;
  });
  finish();
  return changed ? lines.join("\n") : undefined;
}

function lockedEntries(data: TomlData, want: string): TomlData[] {
  const packages = Array.isArray(data.package) ? data.package : [];
  return packages.filter(
    (p: TomlData) => typeof p?.name === "string" && normalizeName(p.name) === want && isLocal(p.source),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: tagged TOML values
const plain = (v: any): unknown => (v && typeof v === "object" && "value" in v && "start" in v ? v.value : v);

/** Slow, layout-independent path: @iarna/toml with value positions. */
function viaParser(content: string, want: string, locked: string, warn: Warn): string {
  let data: TomlData;
  try {
    data = parseTomlTagged(content);
  } catch (e) {
    warn(`uv.lock is not valid TOML, left unchanged: ${e}`);
    return content;
  }
  const packages = Array.isArray(data.package) ? data.package : [];
  let out = content;
  packages.forEach((p: TomlData, i: number) => {
    const name = plain(p?.name);
    if (typeof name !== "string" || normalizeName(name) !== want || !isLocal(p?.source)) return;
    // A dynamic-version project has no version in the lock: nothing to bump.
    if (typeof plain(p.version) !== "string") return;
    out = replaceTomlValue(out, ["package", String(i), "version"], locked);
  });
  return out;
}

export function uvLock(packageName: string, version: string, warn: Warn): Updater {
  const want = normalizeName(packageName);
  const locked = parsePep440(version) ? normalizePep440(version) : version;
  return (content = "") => {
    const fast = lineScan(content, want, locked);
    if (fast !== undefined) {
      try {
        const entries = lockedEntries(parseSmolToml(fast) as TomlData, want);
        if (entries.length > 0 && entries.every((e) => e.version === locked || e.version === undefined))
          return fast;
      } catch {
        // fall through to the parser
      }
    } else {
      try {
        // Nothing found by the scan: fine when the lock has no versioned entry for the package
        // (not a member, or a dynamic version, which uv does not lock).
        if (lockedEntries(parseSmolToml(content) as TomlData, want).every((e) => e.version === undefined))
          return content;
      } catch {
        // fall through to the parser, which reports invalid TOML
      }
    }
    return viaParser(content, want, locked, warn);
  };
}

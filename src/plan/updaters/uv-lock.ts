/**
 * uv.lock: bump the released package's own `[[package]]` entry (the one whose source is the
 * local project, `{ editable = … }` or `{ virtual = … }`), leaving every other byte alone, so
 * `uv sync --locked` keeps passing after the release PR. release-please does not know uv.lock;
 * shipline adds it only when the file exists and holds such an entry.
 *
 * uv records versions PEP 440-normalised (a pyproject `2.0.0-rc.1` is locked as `2.0.0rc1`),
 * so the lock gets the normalised form of the release version.
 */
import { normalizePep440, parsePep440 } from "../pep440.ts";
import { parseTomlTagged, replaceTomlValue, type TomlData } from "./toml-edit.ts";
import type { Updater, Warn } from "./types.ts";

/** PEP 503 normalised distribution name (uv compares names this way). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

// biome-ignore lint/suspicious/noExplicitAny: tagged TOML values
const plain = (v: any): unknown => (v && typeof v === "object" && "value" in v && "start" in v ? v.value : v);

export function uvLock(packageName: string, version: string, warn: Warn): Updater {
  const want = normalizeName(packageName);
  const locked = parsePep440(version) ? normalizePep440(version) : version;
  return (content = "") => {
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
      const source = p?.source;
      const local = source && typeof source === "object" && ("editable" in source || "virtual" in source);
      if (typeof name !== "string" || normalizeName(name) !== want || !local) return;
      // A dynamic-version project has no version in the lock: nothing to bump.
      if (typeof plain(p.version) !== "string") return;
      out = replaceTomlValue(out, ["package", String(i), "version"], locked);
    });
    return out;
  };
}

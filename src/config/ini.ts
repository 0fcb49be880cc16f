/**
 * Python configparser INI, as ~/.pypirc and setup.cfg are written: `key = value` or
 * `key: value`, `#`/`;` comment lines, indented continuation lines (joined with "\n"), keys
 * lower-cased. The npm `ini` package reads only `=`, hence this small reader.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type IniSections = Record<string, Record<string, string>>;

/**
 * Sections of `text`. A line that is none of the above calls `onBadLine` (which may throw;
 * callers never echo the line: in ~/.pypirc it can hold a token) and is otherwise skipped.
 */
export function parseIni(text: string, onBadLine: () => void = () => {}): IniSections {
  const out: IniSections = {};
  let section: Record<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    if (/^\s/.test(raw) && section && lastKey) {
      section[lastKey] = `${section[lastKey]}\n${raw.trim()}`;
      continue;
    }
    const sec = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (sec) {
      out[sec[1]!.trim()] ??= {};
      section = out[sec[1]!.trim()];
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv || !section) {
      onBadLine();
      continue;
    }
    lastKey = kv[1]!.toLowerCase();
    section[lastKey] = kv[2]!.trim();
  }
  return out;
}

/** setup.cfg at `root` (lenient: a bad line is skipped), or undefined when there is none. */
export function readSetupCfg(root: string): IniSections | undefined {
  const path = join(root, "setup.cfg");
  return existsSync(path) ? parseIni(readFileSync(path, "utf8")) : undefined;
}

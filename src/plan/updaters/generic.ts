/**
 * The Generic updater: `x-release-please-<scope>` inline markers and
 * `x-release-please-start-<scope>` … `x-release-please-end` blocks (release-please
 * src/updaters/generic.ts, spec §6.5), ported line for line.
 *
 * One deliberate difference: release-please splits on `\r?\n` and re-joins with `\n`, turning
 * CRLF files into LF. Here each line keeps the ending it had, so only version tokens change.
 */
import type { Updater, VersionText, Warn } from "./types.ts";
import { genericVersionRegex } from "./version-patterns.ts";

const MAJOR_VERSION_REGEX = /\d+\b/;
const SINGLE_VERSION_REGEX = /\b\d+\b/;
const INLINE_UPDATE_REGEX = /x-release-please-(?<scope>major|minor|patch|version-date|version|date)/;
const BLOCK_START_REGEX = /x-release-please-start-(?<scope>major|minor|patch|version-date|version|date)/;
const BLOCK_END_REGEX = /x-release-please-end/;
const DATE_FORMAT_REGEX = /%[Ymd]/g;
export const DEFAULT_DATE_FORMAT = "%Y-%m-%d";

export interface GenericOptions {
  version: VersionText;
  /** For x-release-please-date: release-please uses the runner's local "now". */
  date?: Date;
  dateFormat?: string;
  pep440?: boolean;
  warn?: Warn;
}

function createDateRegex(format: string): RegExp {
  return new RegExp(
    format.replace(DATE_FORMAT_REGEX, (m) =>
      m === "%Y" ? "(\\d{4})" : m === "%m" || m === "%d" ? "(\\d{2})" : m,
    ),
  );
}

function formatDate(format: string, date: Date): string {
  return format.replace(DATE_FORMAT_REGEX, (m) => {
    if (m === "%Y") return date.getFullYear().toString();
    if (m === "%m") return `0${date.getMonth() + 1}`.slice(-2);
    if (m === "%d") return `0${date.getDate()}`.slice(-2);
    return m;
  });
}

/** release-please's check, quirk included (the part index is the marker's offset / 3). */
function isValidDate(dateString: string, format: string): boolean {
  const parts = dateString.match(/\d+/g);
  if (!parts) return false;
  const year = Number.parseInt(parts[format.indexOf("%Y") / 3]!, 10);
  const month = Number.parseInt(parts[format.indexOf("%m") / 3]!, 10);
  const day = Number.parseInt(parts[format.indexOf("%d") / 3]!, 10);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  return day <= new Date(year, month, 0).getDate();
}

export function generic(opts: GenericOptions): Updater {
  const { version } = opts;
  const date = opts.date ?? new Date();
  const dateFormat = opts.dateFormat ?? DEFAULT_DATE_FORMAT;
  const versionRegex = genericVersionRegex(opts.pep440 ?? false);
  const warn = opts.warn ?? (() => {});
  const lit = version.text.replaceAll("$", "$$$$");

  function replace(line: string, scope: string): string {
    const dateRegex = createDateRegex(dateFormat);
    const formatted = formatDate(dateFormat, date);
    switch (scope) {
      case "date":
        if (isValidDate(formatted, dateFormat)) return line.replace(dateRegex, formatted);
        warn(`Invalid date format: ${formatted}`);
        return line;
      case "version-date":
        if (isValidDate(formatted, dateFormat)) line = line.replace(dateRegex, formatted);
        else warn(`Invalid date format: ${formatted}`);
        return line.replace(versionRegex, lit);
      case "major":
        return line.replace(MAJOR_VERSION_REGEX, `${version.major}`);
      case "minor":
        return line.replace(SINGLE_VERSION_REGEX, `${version.minor}`);
      case "patch":
        return line.replace(SINGLE_VERSION_REGEX, `${version.patch}`);
      case "version":
        return line.replace(versionRegex, lit);
      default:
        warn(`unknown block scope: ${scope}`);
        return line;
    }
  }

  return (content) => {
    if (!content) return "";
    // [line, ending, line, ending, …, line]: odd entries are the original line endings.
    const parts = content.split(/(\r?\n)/);
    let blockScope: string | undefined;
    for (let i = 0; i < parts.length; i += 2) {
      const line = parts[i]!;
      const inline = line.match(INLINE_UPDATE_REGEX);
      if (inline) {
        parts[i] = replace(line, inline.groups?.scope || "version");
      } else if (blockScope) {
        parts[i] = replace(line, blockScope);
        if (BLOCK_END_REGEX.test(line)) blockScope = undefined;
      } else {
        const start = line.match(BLOCK_START_REGEX);
        if (start) blockScope = start.groups?.scope || "version";
      }
    }
    return parts.join("");
  };
}

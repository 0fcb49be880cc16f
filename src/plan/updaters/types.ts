/**
 * What every updater shares. An updater is a pure function from a file's old content to its
 * new content, exactly like release-please's `Updater.updateContent` (spec §6): the callers
 * chain updaters per path in release-please's order (src/plan/release-changes.ts).
 */

/** Old content → new content. `undefined` means the file does not exist (only the changelog is created). */
export type Updater = (content: string | undefined) => string;

/** Where an updater reports what release-please would log as a warning (file left alone, …). */
export type Warn = (message: string) => void;

export interface VersionText {
  /** Written as is, e.g. "1.3.0", "1.3.0-rc.1" or PEP 440 "1.3.0rc1". */
  text: string;
  major: number;
  minor: number;
  patch: number;
}

/**
 * The numbers the x-release-please-major/minor/patch markers write. Works for release-please's
 * `M.m.p[-pre][+build]` and for PEP 440 text (`1!2.0rc1` → 2, 0, 0).
 */
export function versionText(text: string): VersionText {
  const m = /^(?:v)?(?:\d+!)?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!m) throw new Error(`unable to parse version string: ${text}`);
  return { text, major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) };
}

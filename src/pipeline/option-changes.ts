/**
 * What a re-run asks for that the checkpoint it would continue did not. Re-running the same
 * command on the same commit continues (or finds done) the run in the checkpoint — with the
 * checkpoint's options. Silently keeping them when the flags now say otherwise would send a
 * `--repository-url https://test.pypi.org/legacy/` upload to the PyPI the first run named, so
 * any difference is refused instead.
 */
import type { RunOptions } from "./stage.ts";

/** How each option is set, for the message. Options not listed are compared under their own name. */
const SOURCES: Record<string, string> = {
  repositoryUrl:
    "the upload URL (--repository-url › TWINE_REPOSITORY_URL › --repository/TWINE_REPOSITORY › [tool.shipline] publish.repository-url)",
  files: "the FILES given",
  noSign: "--no-sign (or [tool.shipline] publish.attestations)",
  skipExisting: "--skip-existing (or [tool.shipline] publish.skip-existing)",
  fulcioUrl: "--fulcio-url",
  rekorUrl: "--rekor-url",
  python: "--python (or [tool.shipline] python)",
  only: "--only",
  date: "--date",
  repo: "--repo",
  allowMajor: "--allow-major",
  prerelease: "--prerelease",
  order: "[tool.shipline] order",
  publish: "--no-publish (or [tool.shipline] publish.enabled)",
  requireRelease: "--require-release",
  tags: "--tags",
  publishElsewhere: "--no-publish",
  githubAssets: "[tool.shipline] publish.github-assets",
};

/** Not the run's intent: who started it and how it is shown. */
const IGNORED = new Set(["command", "event", "dryRun"]);

/** Absent, null and false all mean "not asked for" (older checkpoints omit unset options). */
function norm(v: unknown): string {
  return v === undefined || v === null || v === false ? "unset" : JSON.stringify(v);
}

function shown(v: unknown): string {
  if (v === undefined || v === null || v === false) return "unset";
  if (v === true) return "set";
  return Array.isArray(v) ? v.join(" ") : String(v);
}

/** One phrase per option whose value differs, e.g. `--repository-url: A in the checkpoint, B now`. */
export function optionChanges(recorded: RunOptions, now: RunOptions): string[] {
  const keys = new Set([...Object.keys(recorded), ...Object.keys(now)]);
  const out: string[] = [];
  for (const k of keys) {
    if (IGNORED.has(k) || norm(recorded[k]) === norm(now[k])) continue;
    out.push(`${SOURCES[k] ?? k}: ${shown(recorded[k])} in the checkpoint, ${shown(now[k])} now`);
  }
  return out;
}

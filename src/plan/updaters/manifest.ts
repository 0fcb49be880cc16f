/**
 * .release-please-manifest.json (release-please src/updaters/release-please-manifest.ts,
 * spec §6.3): set `path → version` keeping key order, re-serialise with the detected indent.
 */
import { jsonStringify } from "./json-stringify.ts";
import type { Updater } from "./types.ts";

export function releasePleaseManifest(versions: Map<string, string>): Updater {
  return (content) => {
    const parsed = content ? JSON.parse(content) : {};
    for (const [path, version] of versions) parsed[path] = version;
    return content ? jsonStringify(parsed, content) : JSON.stringify(parsed, null, 2);
  };
}

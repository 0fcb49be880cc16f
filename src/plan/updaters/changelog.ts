/**
 * CHANGELOG.md (release-please src/updaters/changelog.ts, spec §4.8): the entry goes right
 * above the previous version heading, or under a fresh `# Changelog` header.
 */
import type { Updater } from "./types.ts";

const VERSION_HEADER = /\n###? v?[0-9[]/s;

export function changelog(entry: string): Updater {
  return (content) => {
    content = content || "";
    const i = content.search(VERSION_HEADER);
    if (i === -1) {
      if (content) return `# Changelog\n\n${entry}\n\n${content.replace(/^#(\s)/gm, "##$1").trim()}\n`;
      return `# Changelog\n\n${entry}\n`;
    }
    return `${content.slice(0, i)}\n${entry}\n${content.slice(i)}`.trim() + "\n";
  };
}

/**
 * Keep a file's BOM and CRLF line endings around an updater that only knows LF text.
 *
 * release-please hands updaters the raw text: a BOM breaks its JSON/TOML parsing and the
 * changelog entry is inserted with LF into a CRLF file. Here a CRLF file (every `\n` preceded
 * by `\r`) is updated as LF and converted back, and a BOM is set aside and restored, so the
 * release PR changes only version tokens and the new entry. LF files are untouched by this.
 */
import type { Updater } from "./types.ts";

const BOM = "\uFEFF";

export function isCrlf(text: string): boolean {
  return text.includes("\r\n") && !/(^|[^\r])\n/.test(text);
}

export function keepLineEndings(update: Updater): Updater {
  return (content) => {
    if (content === undefined) return update(undefined);
    const bom = content.startsWith(BOM);
    const body = bom ? content.slice(1) : content;
    const crlf = isCrlf(body);
    let out = update(crlf ? body.replaceAll("\r\n", "\n") : body);
    if (crlf) out = out.replaceAll("\r\n", "\n").replaceAll("\n", "\r\n");
    return (bom ? BOM : "") + out;
  };
}

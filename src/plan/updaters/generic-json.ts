/**
 * Typed `json` extra-files and string entries ending in .json (release-please
 * src/updaters/generic-json.ts): each string hit of the JSONPath gets the semver inside it
 * replaced (spec §6.4) — same hits, same new values, same errors as release-please.
 *
 * Deliberate difference: release-please re-serialises the whole file (one-line arrays expand,
 * spacing changes); here only the changed string tokens are rewritten in place (offsets from
 * jsonc-parser), so a file already in JSON.stringify layout comes out byte-identical to
 * release-please's and any other file keeps its formatting. When a hit cannot be located in
 * the source (duplicate keys), release-please's re-serialisation is used.
 */
import { findNodeAtLocation, parseTree } from "jsonc-parser";
import { JSONPath } from "jsonpath-plus";
import { jsonStringify } from "./json-stringify.ts";
import { type Edit, pointerPath, splice } from "./splice.ts";
import type { Updater, Warn } from "./types.ts";
import { genericVersionRegex } from "./version-patterns.ts";

interface Hit {
  pointer: string;
  old: string;
  value: string;
}

function inPlace(content: string, original: unknown, hits: Map<string, Hit>): string | undefined {
  const root = parseTree(content);
  if (!root) return undefined;
  const edits: Edit[] = [];
  for (const h of hits.values()) {
    const node = findNodeAtLocation(root, pointerPath(h.pointer, original));
    if (node?.type !== "string" || node.value !== h.old) return undefined;
    if (h.value !== h.old)
      edits.push({ start: node.offset, end: node.offset + node.length, text: JSON.stringify(h.value) });
  }
  return splice(content, edits);
}

export function genericJson(jsonpath: string, version: string, warn: Warn, pep440 = false): Updater {
  const re = genericVersionRegex(pep440);
  const lit = version.replaceAll("$", "$$$$");
  return (content = "") => {
    const data = JSON.parse(content);
    const original = JSON.parse(content);
    const hits = new Map<string, Hit>();
    JSONPath({
      resultType: "all",
      path: jsonpath,
      json: data,
      // biome-ignore lint/suspicious/noExplicitAny: jsonpath-plus payload
      callback: (payload: any) => {
        if (typeof payload.value !== "string") {
          warn(`No string in ${jsonpath}. Skipping.`);
          return payload;
        }
        if (!payload.value.match(re)) {
          warn(`No version found in ${jsonpath}. Skipping.`);
          return payload;
        }
        const old: string = payload.parent[payload.parentProperty];
        const value: string = old.replace(re, lit);
        payload.parent[payload.parentProperty] = value;
        const seen = hits.get(payload.pointer);
        hits.set(payload.pointer, { pointer: payload.pointer, old: seen?.old ?? old, value });
        return payload;
      },
    });
    if (hits.size === 0) return content;
    return inPlace(content, original, hits) ?? jsonStringify(data, content);
  };
}

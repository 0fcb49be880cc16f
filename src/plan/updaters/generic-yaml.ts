/**
 * Typed `yaml` extra-files and string entries ending in .yaml/.yml (release-please
 * src/updaters/generic-yaml.ts): the JSONPath is evaluated on js-yaml's parse, exactly as
 * release-please does, and every string hit becomes the version.
 *
 * Deliberate difference: release-please re-dumps the whole document with js-yaml, losing
 * comments and layout. Here each hit's scalar is rewritten in place (source ranges from the
 * `yaml` package), keeping its quoting style, so comments and formatting stay; a file already
 * in js-yaml's dump layout comes out byte-identical to release-please's. Block scalars, aliases
 * or anything that cannot be located fall back to release-please's re-dump.
 */
import { dump, loadAll } from "js-yaml";
import { JSONPath } from "jsonpath-plus";
import { isScalar, parseAllDocuments, parse as parseYaml } from "yaml";
import { type Edit, pointerPath, splice } from "./splice.ts";
import type { Updater, Warn } from "./types.ts";

interface Hit {
  doc: number;
  pointer: string;
  old: string;
}

function scalarText(type: string | undefined, version: string): string | undefined {
  if (type === "QUOTE_DOUBLE") return JSON.stringify(version);
  if (type === "QUOTE_SINGLE") return `'${version.replaceAll("'", "''")}'`;
  if (type === "PLAIN") {
    try {
      return parseYaml(version) === version ? version : JSON.stringify(version);
    } catch {
      return JSON.stringify(version);
    }
  }
  return undefined; // block scalars: let release-please's re-dump handle them
}

function inPlace(content: string, originals: unknown[], hits: Hit[], version: string): string | undefined {
  const docs = parseAllDocuments(content);
  if (!Array.isArray(docs) || docs.length !== originals.length || docs.some((d) => d.errors.length))
    return undefined;
  const edits = new Map<string, Edit>();
  for (const h of hits) {
    const node = docs[h.doc]!.getIn(pointerPath(h.pointer, originals[h.doc]), true);
    if (!isScalar(node) || !node.range || node.value !== h.old) return undefined;
    const text = scalarText(node.type, version);
    if (text === undefined) return undefined;
    edits.set(`${h.doc}${h.pointer}`, { start: node.range[0], end: node.range[1], text });
  }
  return splice(content, [...edits.values()]);
}

export function genericYaml(jsonpath: string, version: string, warn: Warn): Updater {
  return (content = "") => {
    let docs: unknown[];
    let originals: unknown[];
    try {
      docs = loadAll(content, null, { json: true });
      originals = loadAll(content, null, { json: true });
    } catch (e) {
      warn(`Invalid yaml, cannot be parsed: ${e}`);
      return content;
    }
    const hits: Hit[] = [];
    docs.forEach((data, doc) => {
      JSONPath({
        resultType: "all",
        path: jsonpath,
        // biome-ignore lint/suspicious/noExplicitAny: parsed YAML
        json: data as any,
        // biome-ignore lint/suspicious/noExplicitAny: jsonpath-plus payload
        callback: (payload: any) => {
          if (typeof payload.value !== "string") {
            warn(`No string in ${jsonpath}. Skipping.`);
            return payload;
          }
          // The first visit sees the file's own text; a repeated visit sees the version already.
          if (!hits.some((h) => h.doc === doc && h.pointer === payload.pointer))
            hits.push({ doc, pointer: payload.pointer, old: payload.value });
          payload.parent[payload.parentProperty] = version;
          return payload;
        },
      });
    });
    if (hits.length === 0) {
      warn(`No entries modified in ${jsonpath}`);
      return content;
    }
    const kept = inPlace(content, originals, hits, version);
    if (kept !== undefined) return kept;
    if (docs.length === 1) return dump(docs[0]);
    return docs.map((d) => `---\n${dump(d)}`).join("");
  };
}

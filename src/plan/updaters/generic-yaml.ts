/**
 * Typed `yaml` extra-files and string entries ending in .yaml/.yml (release-please
 * src/updaters/generic-yaml.ts): string hits become the version; the document is re-dumped
 * with js-yaml (the oracle's own library, so the dump is byte-identical) only if it changed.
 */
import { dump, loadAll } from "js-yaml";
import { JSONPath } from "jsonpath-plus";
import type { Updater, Warn } from "./types.ts";

export function genericYaml(jsonpath: string, version: string, warn: Warn): Updater {
  return (content = "") => {
    let docs: unknown[];
    try {
      docs = loadAll(content, null, { json: true });
    } catch (e) {
      warn(`Invalid yaml, cannot be parsed: ${e}`);
      return content;
    }
    let modified = false;
    for (const data of docs) {
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
          modified = true;
          payload.parent[payload.parentProperty] = version;
          return payload;
        },
      });
    }
    if (!modified) {
      warn(`No entries modified in ${jsonpath}`);
      return content;
    }
    if (docs.length === 1) return dump(docs[0]);
    return docs.map((d) => `---\n${dump(d)}`).join("");
  };
}

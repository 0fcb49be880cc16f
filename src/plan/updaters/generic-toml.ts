/**
 * Typed `toml` extra-files and string entries ending in .toml (release-please
 * src/updaters/generic-toml.ts): every JSONPath hit is replaced in place (formatting kept);
 * invalid TOML is left unchanged.
 */
import { JSONPath } from "jsonpath-plus";
import { parseTomlTagged, replaceTomlValue } from "./toml-edit.ts";
import type { Updater, Warn } from "./types.ts";

export function genericToml(jsonpath: string, version: string, warn: Warn): Updater {
  return (content = "") => {
    let data: unknown;
    try {
      data = parseTomlTagged(content);
    } catch (e) {
      warn(`Invalid toml, cannot be parsed: ${e}`);
      return content;
    }
    // biome-ignore lint/suspicious/noExplicitAny: parsed TOML
    const pointers: string[] = JSONPath({ path: jsonpath, json: data as any, resultType: "pointer" });
    const paths = pointers.map((p) => p.split("/").filter(Boolean));
    if (paths.length === 0) {
      warn(`No entries modified in ${jsonpath}`);
      return content;
    }
    let processed = content;
    for (let path of paths) {
      if (path[0] === "$") path = path.slice(1);
      processed = replaceTomlValue(processed, path, version);
    }
    return processed;
  };
}

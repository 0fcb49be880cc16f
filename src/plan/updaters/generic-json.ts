/**
 * Typed `json` extra-files and string entries ending in .json (release-please
 * src/updaters/generic-json.ts): each string hit of the JSONPath gets the semver inside it
 * replaced, then the whole file is re-serialised (spec §6.4).
 */
import { JSONPath } from "jsonpath-plus";
import { jsonStringify } from "./json-stringify.ts";
import type { Updater, Warn } from "./types.ts";
import { genericVersionRegex } from "./version-patterns.ts";

export function genericJson(jsonpath: string, version: string, warn: Warn, pep440 = false): Updater {
  const re = genericVersionRegex(pep440);
  const lit = version.replaceAll("$", "$$$$");
  return (content = "") => {
    const data = JSON.parse(content);
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
        payload.parent[payload.parentProperty] = payload.parent[payload.parentProperty].replace(re, lit);
        return payload;
      },
    });
    return jsonStringify(data, content);
  };
}

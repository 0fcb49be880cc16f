/**
 * release-please's src/util/json-stringify.ts: keep the text before the first `{` and after
 * the last `}`, re-serialise with the indent detect-indent finds (compact when none).
 */
import detectIndent from "detect-indent";

export function jsonStringify(parsed: unknown, content: string): string {
  return `${content.slice(0, content.indexOf("{"))}${JSON.stringify(parsed, null, detectIndent(content.trim()).indent)}${content.slice(content.lastIndexOf("}") + 1)}`;
}

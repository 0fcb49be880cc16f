/**
 * Checks of flag values that several commands share, made before any stage runs. Light on
 * purpose (only errors.ts): `plan` imports it and start-up time counts.
 */
import { UsageError } from "../errors.ts";

/** `--date YYYY-MM-DD`, a day that exists (2026-02-30 would print into the changelog heading). */
export function checkDateFlag(date: string | undefined): string | undefined {
  if (date === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.toISOString().slice(0, 10) !== date || m[1] === "0000")
    throw new UsageError(`--date ${date}: expected a calendar date YYYY-MM-DD`, "e.g. --date 2026-02-06");
  return date;
}

/**
 * `publish --tags`: the tags a two-job workflow's release job made, as its `tags_released`
 * output gives them (a JSON array), or a comma- or space-separated list. Empty means none. Each
 * must look like a tag name (git's ref rules, loosely): it is matched against the releases the
 * config makes anyway, so this only keeps options and rev syntax out of git's arguments.
 */
export function parseTagsFlag(value: string | undefined): string[] | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let tags: unknown;
  if (text.startsWith("[")) {
    try {
      tags = JSON.parse(text);
    } catch {
      tags = undefined;
    }
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string"))
      throw new UsageError(
        `--tags ${text}: not a JSON array of tag names`,
        'e.g. --tags \'["pkg-a-v1.2.0","pkg-b-v0.4.1"]\' or --tags pkg-a-v1.2.0,pkg-b-v0.4.1',
      );
  } else tags = text.split(/[\s,]+/);
  const list = [...new Set((tags as string[]).map((t) => t.trim()).filter(Boolean))];
  const bad = list.find(
    (t) => !/^[^\s~^:?*[\\-][^\s~^:?*[\\]*$/.test(t) || t.includes("..") || t.includes("@{"),
  );
  if (bad !== undefined)
    throw new UsageError(
      `--tags: ${JSON.stringify(bad)} is not a tag name`,
      "give the tags the release job made, e.g. v1.2.0",
    );
  return list.length ? list : undefined;
}

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

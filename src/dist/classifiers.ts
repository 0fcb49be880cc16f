/**
 * Trove classifiers as PyPI checks them at upload (warehouse forklift/metadata.py against the
 * trove-classifiers package): a deprecated one or a `Private ::` one is always refused, so
 * `check` fails the file; one missing from the list shipline carries is refused by PyPI too,
 * unless it is newer than that list — a stale copy must never block a valid release, so that
 * is a warning naming the list's version. Regenerate the list with `npm run gen:classifiers`.
 */

import { pyRepr } from "./py-repr.ts";
import trove from "./trove-classifiers.json" with { type: "json" };

const KNOWN = new Set(trove.classifiers);
const DEPRECATED = trove.deprecated as Record<string, string[]>;

export const TROVE_VERSION = trove.version;

/** Edit distance, stopping early past `max` (only near misses are worth naming). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** The known classifier a typo most likely meant (at most 2 edits away), if any. */
function nearest(c: string): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of KNOWN) {
    const d = distance(c.toLowerCase(), k.toLowerCase(), bestD);
    // on a tie, a same-length one (a mistyped character, `3.1O` → `3.10`, not `3.1`)
    if (d < bestD || (d === bestD && best && k.length === c.length && best.length !== c.length))
      [best, bestD] = [k, d];
  }
  return best;
}

export function classifierProblems(classifiers: string[]): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const c of classifiers) {
    if (KNOWN.has(c)) continue;
    const instead = DEPRECATED[c];
    if (instead)
      errors.push(
        `Classifier: The classifier ${pyRepr(c)} has been deprecated${instead.length ? `, use one of [${instead.map(pyRepr).join(", ")}] instead` : ""}.`,
      );
    // the documented way to keep a package off PyPI: never a valid classifier
    else if (/^Private\s*::/i.test(c)) errors.push(`Classifier: ${pyRepr(c)} is not a valid classifier.`);
    else {
      const near = nearest(c);
      warnings.push(
        `Classifier: ${pyRepr(c)} is not in trove-classifiers ${TROVE_VERSION}; PyPI refuses a classifier it does not know (${pyRepr(c)} is not a valid classifier.) unless it is newer than that list${near ? `; did you mean ${pyRepr(near)}?` : ""}`,
      );
    }
  }
  return { errors, warnings };
}

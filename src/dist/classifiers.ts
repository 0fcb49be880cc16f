/**
 * Trove classifiers as PyPI checks them at upload (warehouse forklift/metadata.py against the
 * trove-classifiers package): a deprecated one or a `Private ::` one is always refused, so
 * `check` fails the file; one missing from the list shipline carries is refused by PyPI too,
 * unless it is newer than that list — a stale copy must never block a valid release, so that
 * is a warning naming the list's version. Regenerate the list with `npm run gen:classifiers`.
 */

import { nearest } from "./near-miss.ts";
import { pyRepr } from "./py-repr.ts";
import trove from "./trove-classifiers.json" with { type: "json" };

const KNOWN = new Set(trove.classifiers);
const DEPRECATED = trove.deprecated as Record<string, string[]>;

const TROVE_VERSION = trove.version;

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
      const near = nearest(c, KNOWN);
      warnings.push(
        `Classifier: ${pyRepr(c)} is not in trove-classifiers ${TROVE_VERSION}; PyPI refuses a classifier it does not know (${pyRepr(c)} is not a valid classifier.) unless it is newer than that list${near ? `; did you mean ${pyRepr(near)}?` : ""}`,
      );
    }
  }
  return { errors, warnings };
}

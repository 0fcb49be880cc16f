/** "Did you mean …?" for a value missing from a known list (classifiers, SPDX ids). */

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

/** The known value a typo most likely meant (at most `maxEdits` away, case ignored), if any. */
export function nearest(word: string, known: Iterable<string>, maxEdits = 2): string | undefined {
  let best: string | undefined;
  let bestD = maxEdits + 1;
  const w = word.toLowerCase();
  for (const k of known) {
    const d = distance(w, k.toLowerCase(), bestD);
    // on a tie, a same-length one (a mistyped character, `3.1O` → `3.10`, not `3.1`)
    if (d < bestD || (d === bestD && best && k.length === word.length && best.length !== word.length))
      [best, bestD] = [k, d];
  }
  return best;
}

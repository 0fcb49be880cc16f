/**
 * License-Expression ids against packaging's bundled SPDX list (what twine ≥ 6.1 and PyPI judge
 * with, through `canonicalize_license_expression`). The syntax is checked in metadata-rules.ts
 * and fails the file; an id missing from the list shipline carries is a warning naming the list's
 * version, since SPDX adds ids and a newer one is valid. Regenerate with `npm run gen:spdx`.
 */

import { licenseTokens } from "./metadata-rules.ts";
import { nearest } from "./near-miss.ts";
import { pyRepr } from "./py-repr.ts";
import spdx from "./spdx-licenses.json" with { type: "json" };

const LICENSES = new Map(spdx.licenses.map((id) => [id.toLowerCase(), id]));
const EXCEPTIONS = new Map(spdx.exceptions.map((id) => [id.toLowerCase(), id]));
const OPERATORS = new Set(["or", "and", "with", "(", ")"]);

/** packaging's message for the first unknown id of a syntactically valid expression, with a guess. */
export function unknownLicenseId(expr: string): string | undefined {
  const tokens = licenseTokens(expr);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const lower = token.toLowerCase();
    if (OPERATORS.has(lower)) continue;
    if (tokens[i - 1]?.toLowerCase() === "with") {
      if (!EXCEPTIONS.has(lower))
        return withGuess(`Unknown license exception: ${pyRepr(lower)}`, token, EXCEPTIONS);
      continue;
    }
    const id = lower.endsWith("+") ? lower.slice(0, -1) : lower;
    if (id.startsWith("licenseref-") || LICENSES.has(id)) continue;
    return withGuess(`Unknown license: ${pyRepr(id)}`, token.replace(/\+$/, ""), LICENSES);
  }
  return undefined;
}

function withGuess(message: string, token: string, known: Map<string, string>): string {
  const near = nearest(token, known.values());
  return `${message} (SPDX ${spdx.version}, from packaging ${spdx.packaging}${near ? `; did you mean ${pyRepr(near)}?` : ""})`;
}

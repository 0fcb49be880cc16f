/** Python's repr(), for messages that must read exactly like the Python tools' own. */

/** Python's repr() of a str (None for null), as docutils and packaging print an offending value. */
export function pyRepr(s: string | null): string {
  if (s === null) return "None";
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/[\\\n\r\t\x00-\x1f\x7f]/g, (c) =>
    c === "\\"
      ? "\\\\"
      : c === "\n"
        ? "\\n"
        : c === "\r"
          ? "\\r"
          : c === "\t"
            ? "\\t"
            : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped) + q;
}

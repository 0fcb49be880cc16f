/** Replace source spans (non-overlapping) in one pass; the rest of the text is kept byte for byte. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export function splice(content: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error("overlapping edits");
    out += content.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + content.slice(at);
}

/** A JSON pointer ("/a/0/b~1c") as path segments; array indexes as numbers where `data` has arrays. */
export function pointerPath(pointer: string, data: unknown): (string | number)[] {
  const segs = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  const path: (string | number)[] = [];
  let cur: unknown = data;
  for (const s of segs) {
    const isArr = Array.isArray(cur);
    path.push(isArr ? Number(s) : s);
    cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[s] : undefined;
  }
  return path;
}

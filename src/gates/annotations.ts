/**
 * File/line annotations from the output formats of ruff, mypy and pytest, for GitHub's
 * `::error file=…,line=…::` workflow command. Unknown output yields no annotations (the
 * gate's own ::error line still reports the failure).
 *
 *   ruff check (concise / pre-0.5 default)  src/a.py:3:8: F401 [*] `os` imported but unused
 *   ruff check (full, ≥ 0.5)                 F401 [*] `os` imported but unused
 *                                              --> src/a.py:3:8
 *   ruff format --check                      Would reformat: src/a.py
 *   mypy                                     src/a.py:4: error: Incompatible return value …  [return-value]
 *                                            (also with :col when --show-column-numbers)
 *   pytest                                   FAILED tests/test_a.py::test_x - assert 1 == 2
 *                                            tests/test_a.py:5: AssertionError   (traceback location)
 *                                            ERROR tests/test_a.py  (a collection error: its section's
 *                                            `E     File "src/m.py", line 3` + `E   SyntaxError: …`)
 */
export interface FileAnnotation {
  file?: string;
  line?: number;
  col?: number;
  message: string;
}

const MAX = 50; // GitHub shows at most 10 error annotations per step anyway; keep the log readable.

function cleanPath(p: string): string {
  return p.replace(/^\.\//, "").replace(/\\/g, "/");
}

export function parseRuff(text: string): FileAnnotation[] {
  const out: FileAnnotation[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    let m = /^(.+?\.pyi?):(\d+):(\d+): ([A-Z]+\d+\b.*)$/.exec(l);
    if (m) {
      out.push({ file: cleanPath(m[1]!), line: +m[2]!, col: +m[3]!, message: m[4]! });
      continue;
    }
    m = /^\s*-->\s+(.+?):(\d+):(\d+)\s*$/.exec(l);
    if (m) {
      // The rule and message are on the line above the arrow (full output format).
      const head = (lines[i - 1] ?? "").trim();
      out.push({ file: cleanPath(m[1]!), line: +m[2]!, col: +m[3]!, message: head || "ruff" });
      continue;
    }
    m = /^Would reformat:\s+(.+)$/.exec(l);
    if (m) out.push({ file: cleanPath(m[1]!.trim()), message: "File would be reformatted (ruff format)" });
  }
  return out.slice(0, MAX);
}

export function parseMypy(text: string): FileAnnotation[] {
  const out: FileAnnotation[] = [];
  for (const l of text.split(/\r?\n/)) {
    const m = /^(.+?\.pyi?):(\d+)(?::(\d+))?: error: (.*)$/.exec(l);
    if (m)
      out.push({
        file: cleanPath(m[1]!),
        line: +m[2]!,
        col: m[3] ? +m[3] : undefined,
        message: m[4]!.trim(),
      });
  }
  return out.slice(0, MAX);
}

/**
 * "ERROR collecting <test file>" sections: where the error really is and what it says. A syntax
 * error in an imported module is reported by Python as `File "<module path>", line N`, which
 * is the line to annotate, not the test file that imported it.
 */
function collectionErrors(lines: string[]): Map<string, { file?: string; line?: number; message?: string }> {
  const out = new Map<string, { file?: string; line?: number; message?: string }>();
  let current: { file?: string; line?: number; message?: string } | undefined;
  for (const l of lines) {
    const head = /^_{3,} ERROR collecting (\S+) _{3,}$/.exec(l);
    if (head) {
      current = {};
      out.set(cleanPath(head[1]!), current);
      continue;
    }
    if (!current) continue;
    if (/^(_{3,}|={3,})( |$)/.test(l)) {
      current = undefined;
      continue;
    }
    const at = /^E\s+File "(.+?)", line (\d+)/.exec(l);
    if (at) {
      current.file = cleanPath(at[1]!);
      current.line = +at[2]!;
    }
    const err = /^E\s+(\w*(?:Error|Exception|Exit)\b:?.*)$/.exec(l);
    if (err) current.message = err[1]!.trim();
  }
  return out;
}

export function parsePytest(text: string): FileAnnotation[] {
  const lines = text.split(/\r?\n/);
  const collecting = collectionErrors(lines);
  // Traceback locations: "path.py:LINE: ExcType" (the line pytest points at for a failure).
  const where: { file: string; line: number }[] = [];
  for (const l of lines) {
    const m = /^([^\s:]+\.py):(\d+): (?:in \S+|\w*(?:Error|Exception|Failed|Exit)\w*)\s*$/.exec(l);
    if (m) where.push({ file: cleanPath(m[1]!), line: +m[2]! });
  }
  const out: FileAnnotation[] = [];
  for (const l of lines) {
    const m = /^(?:FAILED|ERROR) ([^\s:]+\.py)(?:::(\S+))?(?: - (.*))?$/.exec(l);
    if (!m) continue;
    const file = cleanPath(m[1]!);
    const test = m[2];
    // The last traceback entry in that file is the failing line (pytest prints innermost last).
    const loc = where.filter((w) => w.file === file).pop();
    const c = test ? undefined : collecting.get(file);
    if (c?.message || c?.file) {
      out.push({
        file: c.file ?? file,
        line: c.file ? c.line : loc?.line,
        message: `${c.message ?? "error"} (while collecting ${file})`,
      });
      continue;
    }
    out.push({
      file,
      line: loc?.line,
      message: `${test ?? file} failed${m[3] ? `: ${m[3]}` : ""}`,
    });
  }
  return out.slice(0, MAX);
}

/** Which parser fits a gate: by the tool in its command, falling back to trying all. */
export function annotationsFor(command: string[] | string, output: string): FileAnnotation[] {
  const text = Array.isArray(command) ? command.join(" ") : command;
  if (/\bruff\b/.test(text)) return parseRuff(output);
  if (/\bmypy\b/.test(text)) return parseMypy(output);
  if (/\bpytest\b/.test(text)) return parsePytest(output);
  const all = [...parseRuff(output), ...parseMypy(output), ...parsePytest(output)];
  return all.slice(0, MAX);
}

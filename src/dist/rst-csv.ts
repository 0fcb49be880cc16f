/**
 * Python's csv.reader (3.11, Modules/_csv.c) in strict mode, as docutils' csv-table directive runs
 * it: QUOTE_MINIMAL, each content line fed with a "\n". Only what decides whether docutils
 * reports "Error with CSV data": the errors, and each row's number of cells.
 */

export interface CsvDialect {
  delimiter: string;
  quotechar: string;
  escapechar: string | null;
  doublequote: boolean;
  skipinitialspace: boolean;
}

/** Cells per row, or the csv.Error message. */
export function readCsv(lines: string[], d: CsvDialect): number[] | { error: string } {
  type State =
    | "startRecord"
    | "startField"
    | "escaped"
    | "afterEscapedNewline"
    | "inField"
    | "inQuoted"
    | "escapeInQuoted"
    | "quoteInQuoted"
    | "eatCrnl";
  const rows: number[] = [];
  let state = "startRecord" as State;
  let cells = 0;
  let fieldLen = 0;
  const save = () => {
    cells++;
    fieldLen = 0;
  };
  const EOL = null; // end of one input line, after its "\n"
  const endRecord = (c: string | null) => {
    save();
    state = c === EOL ? "startRecord" : "eatCrnl";
  };
  const step = (c: string | null): string | undefined => {
    switch (state) {
      case "startRecord":
        if (c === EOL) return; // an empty line: an empty row
        state = c === "\n" ? "eatCrnl" : "startField";
        return c === "\n" ? undefined : step(c);
      case "startField":
        if (c === "\n" || c === EOL) endRecord(c);
        else if (c === d.quotechar) state = "inQuoted";
        else if (c === d.escapechar) state = "escaped";
        else if (c === d.delimiter) save();
        else if (c !== " " || !d.skipinitialspace) {
          fieldLen++;
          state = "inField";
        }
        return;
      case "escaped":
        fieldLen++;
        state = c === "\n" ? "afterEscapedNewline" : "inField";
        return;
      case "afterEscapedNewline": // an escaped line end: the record goes on in the next line
        state = "inField";
        return c === EOL ? undefined : step(c);
      case "inField":
        if (c === "\n" || c === EOL) endRecord(c);
        else if (c === d.escapechar) state = "escaped";
        else if (c === d.delimiter) {
          save();
          state = "startField";
        } else fieldLen++;
        return;
      case "inQuoted":
        if (c === d.escapechar) state = "escapeInQuoted";
        else if (c === d.quotechar) state = d.doublequote ? "quoteInQuoted" : "inField";
        else if (c !== EOL) fieldLen++;
        return;
      case "escapeInQuoted":
        fieldLen++;
        state = "inQuoted";
        return;
      case "quoteInQuoted":
        if (c === d.quotechar) {
          fieldLen++;
          state = "inQuoted";
        } else if (c === d.delimiter) {
          save();
          state = "startField";
        } else if (c === "\n" || c === EOL) endRecord(c);
        else return `'${d.delimiter}' expected after '${d.quotechar}'`;
        return;
      case "eatCrnl":
        if (c === EOL) state = "startRecord";
        else if (c !== "\n")
          return "new-line character seen in unquoted field - do you need to open the file with newline=''?";
        return;
    }
  };
  for (const line of lines) {
    for (const c of `${line}\n`) {
      const error = step(c);
      if (error) return { error };
    }
    const error = step(EOL);
    if (error) return { error };
    if (state === "startRecord") {
      rows.push(cells);
      cells = 0;
    }
  }
  // Input ended inside a record (an open quote): strict mode refuses it.
  if (fieldLen !== 0 || state === "inQuoted") return { error: "unexpected end of data" };
  return rows;
}

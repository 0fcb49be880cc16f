/**
 * Directive checks against docutils 0.19 through readme_renderer (what twine check runs): option
 * values, csv-table and list-table data, content-less `class`, documents whose only content is
 * page decoration. Each case records docutils' verdict and first message as twine prints it
 * ("" when it renders); when readme_renderer is installed the verdicts are also compared live.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { checkRst } from "../../src/dist/rst.ts";
import { readCsv } from "../../src/dist/rst-csv.ts";

const CASES: Record<string, [text: string, message: string][]> = {
  "content-less class applies to the next element": [
    [".. class:: special\n\nx\n", ""],
    [".. class:: c\n\nT\n=\n\nbody\n", ""],
    ["- a\n\n  .. class:: c\n\n- b\n", ""],
    [".. note::\n\n   .. class:: c\n\nx\n", ""],
    ["x\n\n.. class:: c\n\n.. class:: d\n\ny\n", ""],
    ["x\n\n.. class:: c\n\n.. comment\n\ny\n", ""],
    ["x\n\n.. class:: c\n\n.. contents::\n", ""],
    ["x\n\n.. class:: c\n\n__ http://x\n", 'line 4: Error: No suitable element following "class" directive'],
    [".. class:: c\n", 'line 1: Error: No suitable element following "class" directive'],
    [
      "x\n\n.. class:: c\n\n.. _t: http://x\n",
      'line 4: Error: No suitable element following "class" directive',
    ],
    [
      "x\n\n.. class:: c\n\n.. |s| replace:: s\n",
      'line 4: Error: No suitable element following "class" directive',
    ],
    [
      "x\n\n.. class:: c\n\n.. header:: h\n",
      'line 4: Error: No suitable element following "class" directive',
    ],
    ["x\n\n.. class:: c\n\n.. sectnum::\n", 'line 4: Error: No suitable element following "class" directive'],
    ["T\n=\n\nx\n\n.. class:: c\n", 'line 6: Error: No suitable element following "class" directive'],
    [".. class:: 123\n\nx\n", 'line 1: Error: Invalid class attribute value for "class" directive: "123".'],
  ],
  "option values": [
    [
      "Para.\n\n.. image:: http://x/a.png\n   :width: abc\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "width"; value: \'abc\')\nnot a positive measure of one of the following units:\n"em" "ex" "px" "in" "cm" "mm" "pt" "pc" "%".',
    ],
    ["Para.\n\n.. image:: http://x/a.png\n   :width: 3em\n", ""],
    ["Para.\n\n.. image:: http://x/a.png\n   :width: 3 em\n", ""],
    ["Para.\n\n.. image:: http://x/a.png\n   :width: 50%\n", ""],
    ["Para.\n\n.. image:: http://x/a.png\n   :width: 200\n", ""],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :width: 1.5.2\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "width"; value: \'1.5.2\')\nnot a positive measure of one of the following units:\n"em" "ex" "px" "in" "cm" "mm" "pt" "pc" "%".',
    ],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :width: 3EM\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "width"; value: \'3EM\')\nnot a positive measure of one of the following units:\n"em" "ex" "px" "in" "cm" "mm" "pt" "pc" "%".',
    ],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :width:\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "width"; value: None)\nexpected string or bytes-like object, got \'NoneType\'.',
    ],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :height: 50%\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "height"; value: \'50%\')\nnot a positive measure of one of the following units:\n"em" "ex" "px" "in" "cm" "mm" "pt" "pc" "".',
    ],
    ["Para.\n\n.. image:: http://x/a.png\n   :height: 40px\n", ""],
    ["Para.\n\n.. image:: http://x/a.png\n   :scale: 50 %\n", ""],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :scale: -1\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "scale"; value: \'-1\')\nnegative value; must be positive or zero.',
    ],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :scale: x\n",
      "line 3: Error: Error in \"image\" directive:\ninvalid option value: (option: \"scale\"; value: 'x')\ninvalid literal for int() with base 10: 'x'.",
    ],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :align: nowhere\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "align"; value: \'nowhere\')\n"nowhere" unknown; choose from "top", "middle", "bottom", "left", "center", or "right".',
    ],
    ["Para.\n\n.. image:: http://x/a.png\n   :align: Center\n", ""],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :align: top\n",
      'line 3: Error: Error in "image" directive: "top" is not a valid value for the "align" option.  Valid values for "align" are: "left", "center", "right".',
    ],
    ["Para.\n\n.. image:: http://x/a.png\n   :alt: two\n     lines\n", ""],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :target:\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "target"; value: None)\nargument required but none supplied.',
    ],
    ["Para.\n\n.. image:: http://x/a.png\n   :class: a b\n", ""],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :class: 1\n",
      'line 3: Error: Error in "image" directive:\ninvalid option value: (option: "class"; value: \'1\')\ncannot make "1" into a class name.',
    ],
    [
      "Para.\n\n.. image:: http://x/a.png\n   :width: 3em\n   :width: 4em\n",
      'line 3: Error: Error in "image" directive:\ninvalid option data: duplicate option "width".',
    ],
    ["Para.\n\n.. image:: http://x/a.png\n   :Width: 3em\n", ""],
    ["Para.\n\nA |x| b.\n\n.. |x| image:: http://x/a.png\n   :align: middle\n", ""],
    [
      "Para.\n\nA |x| b.\n\n.. |x| image:: http://x/a.png\n   :align: left\n",
      'line 5: Error: Error in "image" directive: "left" is not a valid value for the "align" option within a substitution definition.  Valid values for "align" are: "top", "middle", "bottom".',
    ],
    [
      "Para.\n\n.. figure:: http://x/a.png\n   :align: top\n",
      'line 3: Error: Error in "figure" directive:\ninvalid option value: (option: "align"; value: \'top\')\n"top" unknown; choose from "left", "center", or "right".',
    ],
    ["Para.\n\n.. figure:: http://x/a.png\n   :figwidth: image\n   :width: 80%\n\n   Caption.\n", ""],
    [
      "Para.\n\n.. code:: python\n   :number-lines: abc\n\n   x\n",
      "line 3: Error: :number-lines: with non-integer start value",
    ],
    ["Para.\n\n.. code:: python\n   :number-lines:\n\n   x\n", ""],
    ["Para.\n\n.. code-block:: python\n   :number-lines: 10\n\n   x\n", ""],
    [
      "Para.\n\n.. contents::\n   :depth: x\n\nT\n=\n\nbody\n",
      "line 3: Error: Error in \"contents\" directive:\ninvalid option value: (option: \"depth\"; value: 'x')\ninvalid literal for int() with base 10: 'x'.",
    ],
    ["Para.\n\n.. contents::\n   :backlinks: none\n   :local:\n\nT\n=\n\nbody\n", ""],
    [
      "Para.\n\n.. contents::\n   :local: yes\n\nT\n=\n\nbody\n",
      'line 3: Error: Error in "contents" directive:\ninvalid option value: (option: "local"; value: \'yes\')\nno argument is allowed; "yes" supplied.',
    ],
    ["Para.\n\n.. sectnum::\n   :depth: -1\n\nT\n=\n\nbody\n", ""],
  ],
  "csv-table": [
    ["Para.\n\n.. csv-table:: T\n\n   a, b\n   c, d\n", ""],
    [
      'Para.\n\n.. csv-table:: T\n\n   "a, b\n',
      'line 3: Error: Error with CSV data in "csv-table" directive:\nunexpected end of data',
    ],
    [
      'Para.\n\n.. csv-table:: T\n\n   "a" b, c\n',
      "line 3: Error: Error with CSV data in \"csv-table\" directive:\n',' expected after '\"'",
    ],
    ['Para.\n\n.. csv-table:: T\n\n   "a, b"", c", d\n', ""],
    ['Para.\n\n.. csv-table:: T\n\n   "multi\n   line", x\n', ""],
    [
      "Para.\n\n.. csv-table:: T\n   :file: /etc/passwd\n",
      'line 3: Warning: File and URL access deactivated; ignoring "csv-table" directive.',
    ],
    [
      "Para.\n\n.. csv-table:: T\n   :url: http://example.com/a.csv\n",
      'line 3: Warning: File and URL access deactivated; ignoring "csv-table" directive.',
    ],
    [
      "Para.\n\n.. csv-table:: T\n   :file: x.csv\n\n   a\n",
      'line 3: Warning: File and URL access deactivated; ignoring "csv-table" directive.',
    ],
    [
      "Para.\n\n.. csv-table:: T\n",
      'line 3: Warning: The "csv-table" directive requires content; none supplied.',
    ],
    [
      "Para.\n\n.. csv-table:: T\n   :widths: 1 2 3\n\n   a, b\n",
      'line 3: Error: "csv-table" widths do not match the number of columns in table (2).',
    ],
    ["Para.\n\n.. csv-table:: T\n   :widths: 1, 2\n\n   a, b\n", ""],
    ["Para.\n\n.. csv-table:: T\n   :widths: auto\n\n   a, b\n", ""],
    [
      "Para.\n\n.. csv-table:: T\n   :widths: 0 1\n\n   a, b\n",
      'line 3: Error: Error in "csv-table" directive:\ninvalid option value: (option: "widths"; value: \'0 1\')\nnegative or zero value; must be positive.',
    ],
    ["Para.\n\n.. csv-table:: T\n   :header: x, y, z\n   :widths: 1 2 3\n\n   a, b\n", ""],
    [
      'Para.\n\n.. csv-table:: T\n   :header: "x\n\n   a, b\n',
      'line 3: Error: Error with CSV data in "csv-table" directive:\nunexpected end of data',
    ],
    [
      "Para.\n\n.. csv-table:: T\n   :header-rows: 1\n\n   a, b\n",
      'line 3: Error: Insufficient data supplied (1 row(s)); no data remaining for table body, required by "csv-table" directive.',
    ],
    [
      "Para.\n\n.. csv-table:: T\n   :header-rows: 2\n\n   a, b\n",
      'line 3: Error: 2 header row(s) specified but only 1 row(s) of data supplied ("csv-table" directive).',
    ],
    [
      "Para.\n\n.. csv-table:: T\n   :stub-columns: 2\n\n   a, b\n",
      'line 3: Error: Insufficient data supplied (2 columns(s)); no data remaining for table body, required by "csv-table" directive.',
    ],
    ["Para.\n\n.. csv-table:: T\n   :stub-columns: 2\n\n   a, b, c\n   \n", ""],
    ["Para.\n\n.. csv-table:: T\n   :delim: ;\n\n   a; b\n", ""],
    [
      "Para.\n\n.. csv-table:: T\n   :delim: ;;\n\n   a; b\n",
      "line 3: Error: Error in \"csv-table\" directive:\ninvalid option value: (option: \"delim\"; value: ';;')\n';;' invalid; must be a single character or a Unicode code.",
    ],
    ["Para.\n\n.. csv-table:: T\n   :quote: '\n\n   'a, b', c\n", ""],
    ['Para.\n\n.. csv-table:: T\n   :escape: \\\n\n   "a\\"b", c\n', ""],
    ['Para.\n\n.. csv-table:: T\n   :keepspace:\n\n   a, "b"\n', ""],
    [
      "Para.\n\n.. csv-table:: T\n   :align: top\n\n   a, b\n",
      'line 3: Error: Error in "csv-table" directive:\ninvalid option value: (option: "align"; value: \'top\')\n"top" unknown; choose from "left", "center", or "right".',
    ],
    [
      "Para.\n\n.. csv-table:: T\n   :foo: 1\n\n   a, b\n",
      'line 3: Error: Error in "csv-table" directive:\nunknown option: "foo".',
    ],
    [
      "Para.\n\n.. csv-table:: *T\n\n   a, b\n",
      "line 3: Warning: Inline emphasis start-string without end-string.",
    ],
  ],
  "list-table": [
    ["Para.\n\n.. list-table:: T\n\n   * - a\n     - b\n   * - c\n     - d\n", ""],
    [
      "Para.\n\n.. list-table:: T\n   :widths: 1 2 3\n\n   * - a\n     - b\n   * - c\n     - d\n",
      'line 3: Error: "list-table" widths do not match the number of columns in table (2).',
    ],
    ["Para.\n\n.. list-table:: T\n   :widths: 1 2\n\n   * - a\n     - b\n   * - c\n     - d\n", ""],
    [
      "Para.\n\n.. list-table:: T\n   :header-rows: 2\n\n   * - a\n     - b\n   * - c\n     - d\n",
      'line 3: Error: Insufficient data supplied (2 row(s)); no data remaining for table body, required by "list-table" directive.',
    ],
    [
      "Para.\n\n.. list-table:: T\n   :header-rows: 3\n\n   * - a\n     - b\n   * - c\n     - d\n",
      'line 3: Error: 3 header row(s) specified but only 2 row(s) of data supplied ("list-table" directive).',
    ],
    [
      "Para.\n\n.. list-table:: T\n   :stub-columns: 2\n\n   * - a\n     - b\n   * - c\n     - d\n",
      'line 3: Error: Insufficient data supplied (2 columns(s)); no data remaining for table body, required by "list-table" directive.',
    ],
    [
      "Para.\n\n.. list-table:: T\n\n   * - a\n   * - b\n     - c\n",
      'line 3: Error: Error parsing content block for the "list-table" directive: uniform two-level bullet list expected, but row 2 does not contain the same number of items as row 1 (2 vs 1).',
    ],
    ["Para.\n\n.. list-table:: T\n\n   *\n     - a\n     - b\n   *\n     - c\n     - d\n", ""],
    ["Para.\n\n.. list-table:: T\n\n   * -\n       a\n     - b\n", ""],
    [
      "Para.\n\n.. list-table:: T\n\n   * a\n",
      'line 3: Error: Error parsing content block for the "list-table" directive: two-level bullet list expected, but row 1 does not contain a second-level bullet list.',
    ],
    [
      "Para.\n\n.. list-table:: T\n\n   * - a\n     - b\n   \n     para\n",
      'line 3: Error: Error parsing content block for the "list-table" directive: two-level bullet list expected, but row 1 does not contain a second-level bullet list.',
    ],
    ["Para.\n\n.. list-table:: T\n\n   * - a\n       - nested\n     - b\n   * - c\n     - d\n", ""],
  ],
  "nothing rendered": [
    [".. header:: h\n", "No content rendered from RST source."],
    [".. footer:: f\n", "No content rendered from RST source."],
    [".. sectnum::\n\nT\n=\n", "No content rendered from RST source."],
    [".. header:: h\n\nx\n", ""],
    ["T\n=\n\nS\n-\n\n.. sectnum::\n", "No content rendered from RST source."],
    [".. target-notes::\n", "No content rendered from RST source."],
    [".. header::\n", 'line 1: Error: Content block expected for the "header" directive; none found.'],
    [".. header:: *h\n\nx\n", "line 1: Warning: Inline emphasis start-string without end-string."],
    ["-\n  a bullet item whose text starts on the next line\n", ""],
  ],
};

const PY = "/usr/bin/python3";
const hasRenderer =
  existsSync(PY) &&
  Bun.spawnSync([PY, "-c", "import readme_renderer.rst"], { stderr: "ignore" }).exitCode === 0;

describe("directives: the same verdict and message as docutils", () => {
  for (const [group, cases] of Object.entries(CASES))
    test(group, () => {
      const got = cases.map(([text]) => [text, checkRst(text).messages[0] ?? ""]);
      expect(got).toEqual(cases);
    });

  test.skipIf(!hasRenderer)("live: readme_renderer agrees with the recorded verdicts", () => {
    const all = Object.values(CASES).flat();
    const script = `
import sys, json, io
import readme_renderer.rst as r
print(json.dumps([r.render(t, stream=io.StringIO()) is not None for t in json.load(sys.stdin)]))`;
    const p = Bun.spawnSync([PY, "-c", script], {
      stdin: Buffer.from(JSON.stringify(all.map(([t]) => t))),
      stdout: "pipe",
    });
    const live: boolean[] = JSON.parse(p.stdout.toString());
    expect(all.filter(([, m], k) => (m === "") !== live[k]).map(([t]) => t)).toEqual([]);
  });
});

describe("readCsv (Python's csv.reader, strict)", () => {
  const dialect = {
    delimiter: ",",
    quotechar: '"',
    escapechar: null,
    doublequote: true,
    skipinitialspace: true,
  };
  test("cells per row; blank lines are empty rows; quoted fields span lines", () => {
    expect(readCsv(["a, b", "", '"c', 'd", e, f'], dialect)).toEqual([2, 0, 3]);
    expect(readCsv(['"a ""quoted"" b", c'], dialect)).toEqual([2]);
  });
  test("errors", () => {
    expect(readCsv(['"a, b'], dialect)).toEqual({ error: "unexpected end of data" });
    expect(readCsv(['"a" b'], dialect)).toEqual({ error: "',' expected after '\"'" });
  });
  test("an escaped line end continues the record", () => {
    expect(readCsv(["a\\", "b, c"], { ...dialect, escapechar: "\\", doublequote: false })).toEqual([2]);
  });
});

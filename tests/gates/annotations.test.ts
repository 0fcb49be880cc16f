/** Annotation parsing against the output formats ruff, mypy and pytest really print. */
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { annotationsFor, parseMypy, parsePytest, parseRuff } from "../../src/gates/annotations.ts";
import { command } from "../../src/ui/actions.ts";
import { tempDir } from "../helpers/repo.ts";
import { SYSTEM_PYTHON } from "./sample.ts";

describe("annotations", () => {
  test("ruff concise and full formats, and format --check", () => {
    expect(parseRuff("src/a.py:3:8: F401 [*] `os` imported but unused\nFound 1 error.")).toEqual([
      { file: "src/a.py", line: 3, col: 8, message: "F401 [*] `os` imported but unused" },
    ]);
    const full = [
      "F401 [*] `os` imported but unused",
      " --> src/a.py:1:8",
      "  |",
      "1 | import os",
      "  |        ^^",
    ].join("\n");
    expect(parseRuff(full)).toEqual([
      { file: "src/a.py", line: 1, col: 8, message: "F401 [*] `os` imported but unused" },
    ]);
    expect(parseRuff("Would reformat: src/b.py\n1 file would be reformatted")).toEqual([
      { file: "src/b.py", message: "File would be reformatted (ruff format)" },
    ]);
  });

  test("mypy with and without columns", () => {
    expect(
      parseMypy(
        'src/a.py:6: error: Incompatible return value type (got "str", expected "int")  [return-value]\nsrc/a.py:9:5: error: Name "x" is not defined  [name-defined]\nsrc/a.py:2: note: hi\nFound 2 errors',
      ),
    ).toEqual([
      {
        file: "src/a.py",
        line: 6,
        col: undefined,
        message: 'Incompatible return value type (got "str", expected "int")  [return-value]',
      },
      { file: "src/a.py", line: 9, col: 5, message: 'Name "x" is not defined  [name-defined]' },
    ]);
  });

  test("real pytest output: FAILED line joined with its traceback location", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "tests"));
    writeFileSync(
      join(dir, "tests", "test_x.py"),
      "def helper():\n    return 1\n\n\ndef test_one():\n    assert helper() == 2\n\n\ndef test_ok():\n    pass\n",
    );
    const p = Bun.spawnSync([SYSTEM_PYTHON, "-m", "pytest", "-p", "no:cacheprovider"], { cwd: dir });
    const out = p.stdout.toString();
    expect(p.exitCode).toBe(1);
    const found = parsePytest(out);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: "tests/test_x.py", line: 6 });
    expect(found[0]!.message).toStartWith("test_one failed");
    expect(annotationsFor(["pytest", "-q"], out)).toEqual(found);
  });

  test("real pytest collection errors: a syntax error points at its own file and line", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "tests"));
    mkdirSync(join(dir, "pkg"));
    writeFileSync(join(dir, "pkg", "__init__.py"), "");
    writeFileSync(join(dir, "pkg", "mod.py"), "X = 1\n\ndef f(:\n    pass\n");
    writeFileSync(
      join(dir, "tests", "test_a.py"),
      "from pkg.mod import f\n\n\ndef test_a():\n    assert f\n",
    );
    writeFileSync(join(dir, "tests", "test_b.py"), "import missing_mod_xyz\n");
    const p = Bun.spawnSync([SYSTEM_PYTHON, "-m", "pytest", "-p", "no:cacheprovider"], { cwd: dir });
    const out = p.stdout.toString();
    expect(p.exitCode).toBe(2);
    const found = parsePytest(out);
    expect(found).toHaveLength(2);
    // the imported module's line, not the test file that imported it
    expect(found[0]?.file).toEndWith("pkg/mod.py");
    expect(found[0]?.line).toBe(3);
    expect(found[0]?.message).toStartWith("SyntaxError: ");
    expect(found[0]?.message).toEndWith("(while collecting tests/test_a.py)");
    expect(found[1]).toEqual({
      file: "tests/test_b.py",
      line: 1,
      message: "ModuleNotFoundError: No module named 'missing_mod_xyz' (while collecting tests/test_b.py)",
    });
  });

  test("workflow command escaping keeps file/line properties intact", () => {
    expect(command("error", "a: b, 100%\nnext", { file: "src/a,b.py", line: 3, title: "tests (3.11)" })).toBe(
      "::error file=src/a%2Cb.py,line=3,title=tests (3.11)::a: b, 100%25%0Anext",
    );
  });
});

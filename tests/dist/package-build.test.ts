/** A monorepo package's own `[tool.shipline.build] command` (packageBuildCommand), on real folders. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageBuildCommand } from "../../src/config/shipline.ts";
import { ShiplineError } from "../../src/errors.ts";

const root = mkdtempSync(join(tmpdir(), "shipline-pkg-build-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(dir: string, pyproject: string): string {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, "pyproject.toml"), pyproject);
  return dir;
}

describe("a package's own build command", () => {
  test("read from the package's pyproject.toml; its other [tool.shipline] keys are named as ignored", () => {
    const dir = pkg(
      "libs/a",
      '[project]\nname = "a"\n\n[tool.shipline]\norder = "publish-first"\n\n[tool.shipline.build]\ncommand = ["uv", "build", "--package", "a"]\nout-dir = "out"\n',
    );
    const got = packageBuildCommand(root, dir);
    expect(got.command).toEqual(["uv", "build", "--package", "a"]);
    expect(got.warnings).toEqual([
      "libs/a/pyproject.toml: [tool.shipline] order, build.out-dir ignored: a package sets only its build.command; the rest is read from the root's pyproject.toml",
    ]);
  });

  test("none: no pyproject.toml, no [tool.shipline], or the root itself", () => {
    expect(packageBuildCommand(root, "libs/none")).toEqual({ warnings: [] });
    expect(packageBuildCommand(root, pkg("libs/plain", '[project]\nname = "p"\n'))).toEqual({ warnings: [] });
    pkg(".", '[tool.shipline.build]\ncommand = ["make"]\n');
    expect(packageBuildCommand(root, ".")).toEqual({ warnings: [] });
  });

  test("an invalid command is an error naming the package's file and the key", () => {
    const dir = pkg("libs/bad", '[tool.shipline.build]\ncommand = "python -m build"\n');
    expect(() => packageBuildCommand(root, dir)).toThrow(ShiplineError);
    expect(() => packageBuildCommand(root, dir)).toThrow(/libs\/bad\/pyproject\.toml.*build\.command/);
  });
});

import { describe, expect, test } from "bun:test";
import { COMMANDS } from "../../src/cli/commands.ts";
import { shipline } from "../helpers/cli.ts";

describe("compiled binary: CLI contract", () => {
  test("--version prints the package version", async () => {
    const r = await shipline(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test("--help lists every DESIGN.md command", async () => {
    const r = await shipline(["--help"]);
    expect(r.code).toBe(0);
    for (const c of [
      "run",
      "resume",
      "status",
      "gates",
      "plan",
      "pr",
      "release",
      "build",
      "check",
      "sign",
      "upload",
      "publish",
      "verify",
      "doctor",
      "init",
    ])
      expect(r.stdout).toContain(`  ${c} `);
  });

  for (const name of Object.keys(COMMANDS))
    test(`${name} --help works and shows the common flags`, async () => {
      const r = await shipline([name, "--help"]);
      expect(r.code).toBe(0);
      for (const flag of ["--json", "--cwd"]) expect(r.stdout).toContain(flag);
      expect(r.stdout).not.toContain("\x1b[");
    });

  test("an unknown flag is a usage error (exit 2) naming the flag", async () => {
    const r = await shipline(["status", "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--frobnicate");
  });

  test("an unknown command is a usage error", async () => {
    const r = await shipline(["shipit"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "shipit"');
  });

  test("--cwd to a missing directory is a usage error", async () => {
    const r = await shipline(["status", "--cwd", "/nonexistent/dir"]);
    expect(r.code).toBe(2);
  });
});

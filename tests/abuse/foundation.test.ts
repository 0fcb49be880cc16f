// Hostile input against the foundation: checkpoint files, [tool.shipline], fault specs.
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadShiplineConfig } from "../../src/config/shipline.ts";
import { ShiplineError } from "../../src/errors.ts";
import { CheckpointError, CheckpointStore } from "../../src/pipeline/checkpoint.ts";
import { parseFaults } from "../../src/pipeline/fault.ts";
import { probeAutoload } from "../helpers/autoload.ts";
import { BIN, shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";

function checkpointWith(content: string | Uint8Array): unknown {
  const root = tempDir();
  mkdirSync(join(root, ".shipline"));
  writeFileSync(join(root, ".shipline", "state.json"), content);
  try {
    return new CheckpointStore(join(root, ".shipline", "state.json"), root).load();
  } catch (e) {
    return e;
  }
}

describe("hostile checkpoint files", () => {
  const cases: [string, string | Uint8Array][] = [
    ["empty", ""],
    ["truncated", '{"schema":1,"runId":"x"'],
    ["array", "[1,2,3]"],
    ["null", "null"],
    ["deeply nested", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ["schema as string", '{"schema":"1"}'],
    ["no integrity", '{"schema":1,"next":"done","stages":{},"inputs":{},"history":[]}'],
    ["prototype pollution", '{"schema":1,"__proto__":{"polluted":true},"integrity":"x"}'],
  ];
  for (const [name, content] of cases)
    test(`${name} → CheckpointError, never a crash`, () => {
      const r = checkpointWith(content);
      expect(r).toBeInstanceOf(CheckpointError);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

  test("the compiled binary reports a corrupt checkpoint in one line with the way out (exit 1)", async () => {
    const repo = TestRepo.python();
    repo.write(".shipline/state.json", "{ torn");
    const r = await shipline(["status"], { cwd: repo.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(".shipline/state.json is not valid JSON");
    expect(r.stderr).toContain("shipline status --reset");
    expect(r.stderr).not.toContain("    at ");
    const reset = await shipline(["status", "--reset"], { cwd: repo.dir });
    expect(reset.code).toBe(0);
  });
});

describe("hostile [tool.shipline]", () => {
  const load = (toml: string) => {
    const root = tempDir();
    writeFileSync(join(root, "pyproject.toml"), toml);
    try {
      return loadShiplineConfig(root);
    } catch (e) {
      return e;
    }
  };
  test("invalid TOML names the file", () => {
    const e = load("[tool.shipline\norder = ") as ShiplineError;
    expect(e).toBeInstanceOf(ShiplineError);
    expect(e.message).toStartWith("pyproject.toml is not valid TOML");
  });
  test("wrong types name the key, expected and found", () => {
    const e = load('[tool.shipline]\norder = "sideways"\n') as ShiplineError;
    expect(e.message).toBe(
      'pyproject.toml: [tool.shipline] order must be one of "release-first", "publish-first", found string "sideways"',
    );
    const g = load('[tool.shipline.gates.tests]\ncommand = "pytest -x"\n') as ShiplineError;
    expect(g.message).toContain("gates.tests.command must be a non-empty array of strings");
  });
  test("a gate timeout past what a timer can hold is refused, not a gate that times out at once", () => {
    for (const t of ["3000000", "1e300", "inf", "0", "-5"]) {
      const e = load(
        `[tool.shipline.gates.slow]\ncommand = ["sleep", "3"]\ntimeout = ${t}\n`,
      ) as ShiplineError;
      expect(e).toBeInstanceOf(ShiplineError);
      expect(e.message).toContain("gates.slow.timeout must be a positive number of seconds, at most 2000000");
    }
    const ok = load('[tool.shipline.gates.slow]\ncommand = ["sleep", "3"]\ntimeout = 2000000\n');
    expect(ok).not.toBeInstanceOf(Error);
  });
  test("publish.repository-url must be http(s) without credentials, for every command that reads it", () => {
    const ftp = load('[tool.shipline.publish]\nrepository-url = "ftp://x/"\n') as ShiplineError;
    expect(ftp.message).toBe(
      "pyproject.toml: [tool.shipline] publish.repository-url ftp://x/: expected an http(s) URL",
    );
    const cred = load(
      '[tool.shipline.publish]\nrepository-url = "https://u:secret@x/legacy/"\n',
    ) as ShiplineError;
    expect(cred.message).toContain("credentials in the URL");
    expect(cred.message).not.toContain("secret");
  });
  test("a misspelt built-in gate names the built-in ones", () => {
    for (const text of [
      "[tool.shipline.gates.types]\nenabled = false\n",
      "[tool.shipline.gates]\npythons = ['3.12']\n",
    ]) {
      const e = load(text) as ShiplineError;
      expect(e).toBeInstanceOf(ShiplineError);
      expect(e.message).not.toContain("undefined");
      expect(e.hint).toContain("is not a built-in gate (lint, format, typecheck, tests, build)");
    }
    expect(
      (load("[tool.shipline.gates.typecheck]\nenabled = false\n") as ShiplineError).message,
    ).toBeUndefined();
  });
  test("a shell string is only accepted with shell = true", () => {
    const cfg = load(
      '[tool.shipline.gates.tests]\nshell = true\ncommand = "pytest -x && echo ok"\n',
    ) as ReturnType<typeof loadShiplineConfig>;
    expect(cfg.gates.find((g) => g.name === "tests")?.command).toBe("pytest -x && echo ok");
  });
  test("deeply nested arrays do not crash the loader", () => {
    const r = load(`[tool.shipline]\npython = ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    expect(r).toBeInstanceOf(ShiplineError);
  });
  test("a 5 MB pyproject is refused before parsing", () => {
    const r = load(`# ${"x".repeat(5 * 1024 * 1024)}\n`) as ShiplineError;
    expect(r.message).toContain("refused");
  });
  test("unknown keys warn, not fail", () => {
    const cfg = load('[tool.shipline]\nordr = "publish-first"\n') as ReturnType<typeof loadShiplineConfig>;
    expect(cfg.warnings[0]).toContain("unknown key ordr");
  });
  test("gate names with path or shell characters are refused", () => {
    const r = load('[tool.shipline.gates."../x"]\ncommand = ["true"]\n') as ShiplineError;
    expect(r.message).toContain("gates.../x");
  });
});

describe("SHIPLINE_FAULT specs", () => {
  test("parses points, params and actions", () => {
    expect(parseFaults("upload:after-bytes=1048576:kill;checkpoint:before-rename:nth=3:exit")).toEqual([
      { point: "upload", nth: 1, afterBytes: 1048576, action: "kill", hits: 0 },
      { point: "checkpoint:before-rename", nth: 3, action: "exit", hits: 0 },
    ]);
  });
  test("an unknown action is refused", () => {
    expect(() => parseFaults("upload:explode")).toThrow(/unknown action/);
  });
  test("checkpoint:before-rename:kill leaves the previous checkpoint intact", async () => {
    const repo = TestRepo.python();
    const script = join(repo.dir, "w.ts");
    writeFileSync(
      script,
      `import { CheckpointStore } from ${JSON.stringify(join(import.meta.dir, "../../src/pipeline/checkpoint.ts"))};
       const s = new CheckpointStore(process.argv[2], process.argv[3]);
       const cp = { schema: 1, runId: "a", shiplineVersion: "0", command: "run", createdAt: "", updatedAt: "", options: {}, inputs: { head: "h", config: null, manifest: null, pyproject: null }, next: "plan", stages: {}, history: [] };
       s.save(cp); process.env.SHIPLINE_FAULT = "checkpoint:before-rename:kill"; cp.next = "upload"; s.save(cp);`,
    );
    const state = join(repo.dir, ".shipline", "state.json");
    const p = Bun.spawnSync([process.execPath, script, state, repo.dir]);
    expect(p.signalCode).toBe("SIGKILL");
    expect(new CheckpointStore(state, repo.dir).load()?.next).toBe("plan");
  });
});

describe("the binary and the repository it runs in", () => {
  test("a repository's .env and bunfig.toml are not loaded (no environment from it, no preload run)", () => {
    const r = probeAutoload(BIN);
    expect(r.code).toBe(0);
    expect(r.preloaded).toBe(false);
    expect(r.linksTo).toBe("OWNER/REPO"); // no GITHUB_REPOSITORY, no origin: the placeholder
  });
});

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../../src/cli/commands.ts";
import { shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { sampleProject } from "../helpers/sample-project.ts";

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
    const f = await shipline(["status", "--cwd", "/etc/passwd"]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain("--cwd /etc/passwd: not a directory");
  });

  test("an output or checkpoint folder that cannot be made names its flag, not an internal error", async () => {
    const p = sampleProject();
    for (const [args, text] of [
      [
        ["build", "--out-dir", "/proc/nope"],
        "--out-dir /proc/nope: cannot create the directory /proc/nope (ENOENT)",
      ],
      [["build", "--out-dir", "pyproject.toml"], "--out-dir pyproject.toml: "],
      [
        ["publish", "--state", "/proc/x/state.json", "--no-sign"],
        "the checkpoint /proc/x/state.json (--state): cannot create the directory /proc/x",
      ],
    ] as const) {
      const r = await shipline([...args], { cwd: p.dir });
      expect(r.stderr).not.toContain("internal error");
      expect(r.stderr).toContain(text);
      expect(r.code).toBeGreaterThan(0);
    }
  });
});

describe("compiled binary: flag values are checked before anything runs", () => {
  test.each([
    [["plan", "--cwd"], "--cwd needs a value"],
    [["plan", "--repo", "o/r", "--json", "--cwd"], "--cwd needs a value"],
    [
      ["verify", "x.whl", "--cert-identity", "i", "--cert-oidc-issuer", "o", "--bundle"],
      "--bundle needs a value",
    ],
    [["publish", "x.whl", "--repository-url", "--state", "F"], "--repository-url needs a value"],
    [["status", "--state", ""], "--state needs a value (got an empty one)"],
    [["run", "--state="], "--state needs a value (got an empty one)"],
    [["plan", "--json=yes"], '--json takes no value (got "yes")'],
    [["plan", "extra"], 'unexpected argument "extra" for `shipline plan`'],
    [["plan", "--date", "2026-02-30"], "--date 2026-02-30: expected a calendar date YYYY-MM-DD"],
    [["plan", "--date", "2026-13-01"], "--date 2026-13-01: expected a calendar date YYYY-MM-DD"],
    [["plan", "--repo", "../.."], 'repository "../.." (from --repo) is not OWNER/NAME'],
    [["run", "--repo", "a/b?x=1"], 'repository "a/b?x=1" (from --repo) is not OWNER/NAME'],
    [["run", "--repository-url", "notaurl"], "--repository-url notaurl: not a URL"],
    [["publish", "--repository-url", "ftp://x/"], "--repository-url ftp://x/: expected an http(s) URL"],
    [["run", "--fulcio-url", "also-bad"], "--fulcio-url also-bad: not a URL"],
    [["sign", "x.whl", "--rekor-url", "::"], "--rekor-url ::: not a URL"],
  ])("%j → exit 2: %s", async (args, message) => {
    const dir = sampleProject().dir;
    const r = await shipline(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`✖ ${message}`);
    // nothing ran: no checkpoint, no lock
    expect(existsSync(join(dir, ".shipline"))).toBe(false);
  });

  test("a token in --repository-url is refused before any stage, and never printed or saved", async () => {
    const dir = sampleProject().dir;
    const secret = "pypi-AgEIcHlwaS5vcmcsecretsecret";
    for (const cmd of [["run"], ["publish"], ["upload", "dist/x-1.0-py3-none-any.whl"]]) {
      const r = await shipline(
        [...cmd, "--repository-url", `https://__token__:${secret}@upload.example/legacy/`],
        {
          cwd: dir,
        },
      );
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).not.toContain(secret);
      expect(existsSync(join(dir, ".shipline"))).toBe(false);
    }
    const r = await shipline(
      ["run", "--repository-url", `https://__token__:${secret}@upload.example/legacy/`],
      {
        cwd: dir,
      },
    );
    expect(r.stderr).toContain("--repository-url https://***@upload.example/legacy/: credentials in the URL");
  });

  test("bare `shipline` is a usage error: help on stderr, exit 2", async () => {
    const r = await shipline([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("USAGE  shipline <command>");
  });
});

describe("compiled binary: run --dry-run", () => {
  test("plans for real and previews the release PR it would open, writing nothing", async () => {
    const repo = sampleProject();
    repo.commit("feat: something new", { "src/shipline_sample/new.py": "X = 1\n" });
    const r = await shipline(["run", "--dry-run", "--date", "2026-12-01"], {
      cwd: repo.dir,
      env: { GITHUB_REPOSITORY: "o/r", GITHUB_TOKEN: undefined },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("[dry-run] pr:");
    expect(r.stderr).toContain("title:  chore(main): release shipline-sample 1.1.0");
    expect(r.stderr).toContain('+version = "1.1.0"');
    // nothing is reported as done: the gates did not run and no PR was opened
    expect(r.stderr).toContain("[dry-run] walked gates → plan → pr; nothing was written or sent");
    expect(r.stderr).not.toContain("run complete");
    expect(existsSync(join(repo.dir, ".shipline"))).toBe(false);
    expect(repo.git("status", "--porcelain")).toBe("");
  });
});

test("in GitHub Actions an error's hint is inside its ::error annotation", async () => {
  const dir = sampleProject().dir;
  const r = await shipline(["run", "--repository-url", "ftp://x/"], {
    cwd: dir,
    env: { GITHUB_ACTIONS: "true" },
  });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(
    "::error::--repository-url ftp://x/: expected an http(s) URL%0Ahint: e.g. https://upload.pypi.org/legacy/",
  );
});

describe("compiled binary: run without GITHUB_TOKEN", () => {
  test("says so before the gates; a pull_request run (gates only) does not", async () => {
    const repo = TestRepo.python("1.0.0");
    const gatesOff =
      "[tool.shipline.gates]\nlint = false\nformat = false\ntypecheck = false\ntests = false\nbuild = false\n";
    repo.commit("feat: something", {
      "pyproject.toml": `[project]\nname = "sample"\nversion = "1.0.0"\n\n${gatesOff}`,
    });
    const env = { GITHUB_REPOSITORY: "o/r", GITHUB_TOKEN: undefined, GH_TOKEN: undefined };
    const state = () => ["--state", join(tempDir(), "state.json")];
    const r = await shipline(["run", "--date", "2026-12-01", ...state()], { cwd: repo.dir, env });
    expect(r.code).toBe(1);
    const warned = r.stderr.indexOf(
      "GITHUB_TOKEN is not set: the gates run, then the pr stage stops the run",
    );
    expect(warned).toBeGreaterThanOrEqual(0);
    expect(r.stderr.indexOf("✖ GITHUB_TOKEN is not set")).toBeGreaterThan(warned); // the pr stage's error
    const pr = await shipline(["run", ...state()], {
      cwd: repo.dir,
      env: { ...env, GITHUB_EVENT_NAME: "pull_request" },
    });
    expect(pr.code).toBe(0);
    expect(pr.stderr).not.toContain("GITHUB_TOKEN");
    repo.remove();
  });
});

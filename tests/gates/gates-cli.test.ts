/**
 * `shipline gates` end to end: the compiled binary on a real sample project with the real
 * pytest and mypy of the system Python, a stand-in ruff script on PATH, real process groups.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { BIN, shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { alive, PY, sampleProject, standInRuff, testEnv } from "./sample.ts";

const repos: TestRepo[] = [];
const make = (o: Parameters<typeof sampleProject>[0] = {}) => {
  const r = sampleProject(o);
  repos.push(r);
  return r;
};
afterAll(() => {
  for (const r of repos) r.remove();
});

interface Row {
  gate: string;
  python: string | null;
  status: string;
  message: string | null;
  cached: boolean;
}
const rows = (stdout: string): Row[] => JSON.parse(stdout).results;
const row = (stdout: string, gate: string) => rows(stdout).find((r) => r.gate === gate)!;

describe("shipline gates (compiled binary)", () => {
  test("all pass with ruff stand-in; a mypy error is non-blocking (exit 0, reported)", async () => {
    const repo = make({ mypyError: true });
    const ruff = standInRuff();
    const r = await shipline(["gates", "--json"], {
      cwd: repo.dir,
      env: testEnv(ruff.dir),
      timeoutMs: 120_000,
    });
    expect(r.stderr).not.toContain("internal error");
    expect(r.code).toBe(0);
    const out = rows(r.stdout);
    expect(out.map((x) => `${x.gate}:${x.python}:${x.status}`)).toEqual([
      "lint:null:pass",
      "format:null:pass",
      `typecheck:${PY}:non-blocking-fail`,
      `tests:${PY}:pass`,
      "build:null:skipped",
    ]);
    expect(ruff.calls()).toEqual(["ruff check .", "ruff format --check ."]);
    // mypy really ran on this Python and found the error; its output is in the gate's log.
    const mypyLog = readFileSync(join(repo.dir, `.shipline/logs/typecheck-${PY}.log`), "utf8");
    expect(mypyLog).toContain('Incompatible return value type (got "str", expected "int")');
    // pytest ran inside the venv of that Python, against the installed project.
    const testsLog = readFileSync(join(repo.dir, `.shipline/logs/tests-${PY}.log`), "utf8");
    expect(testsLog).toContain(`.shipline/venvs/${PY}/bin/python -m pytest`);
    expect(testsLog).toMatch(/2 passed/);
    expect(r.stderr).toMatch(/typecheck\s+\d+\.\d+\s+⚠ fail \(non-blocking\)/);
  }, 180_000);

  test("a failing test is a blocking failure: exit 1, the venv is reused", async () => {
    const repo = make({ failTest: true });
    const ruff = standInRuff();
    const env = testEnv(ruff.dir);
    const r = await shipline(["gates", "--only", "tests", "--json"], {
      cwd: repo.dir,
      env,
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(1);
    expect(row(r.stdout, "tests").status).toBe("fail");
    expect(row(r.stdout, "tests").message).toBe("exit 1");
    expect(r.stderr).toContain(`1 blocking gate(s) failed: tests (${PY})`);
    expect(rows(r.stdout).map((x) => x.gate)).toEqual(["tests"]);
    const again = await shipline(["gates", "--only", "tests"], { cwd: repo.dir, env, timeoutMs: 120_000 });
    expect(again.code).toBe(1);
    // outside Actions the end of the failing gate's log is on screen, not only in .shipline/logs/
    expect(again.stderr).toMatch(
      /✖ tests \([\d.]+\): fail[^\n]*\n( {2}│ [^\n]*\n)* {2}│ [^\n]*(assert|Error)/,
    );
    expect(readFileSync(join(repo.dir, `.shipline/logs/venv-${PY}.log`), "utf8")).toContain("reusing");
  }, 180_000);

  test("a missing tool fails the gate with the install hint, never a stack trace", async () => {
    const repo = make();
    const r = await shipline(["gates", "--only", "lint,format", "--json"], {
      cwd: repo.dir,
      env: testEnv(),
    });
    expect(r.code).toBe(1);
    expect(row(r.stdout, "lint").message).toBe(
      "ruff not found on PATH; install it (pip install ruff / uv tool install ruff) or set [tool.shipline.gates.lint] command = [...] (or enabled = false) in pyproject.toml",
    );
    expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
  });

  test("a tool that exists only for another Python is refused for a per-Python gate", async () => {
    const ruff = standInRuff();
    writeFileSync(join(ruff.dir, "othertool"), "#!/usr/bin/python2.7\nprint('wrong interpreter')\n");
    chmodSync(join(ruff.dir, "othertool"), 0o755);
    const repo = make({ toml: '[tool.shipline.gates.other]\ncommand = ["othertool"]\nper-python = true\n' });
    const r = await shipline(["gates", "--only", "other", "--json"], {
      cwd: repo.dir,
      env: testEnv(ruff.dir),
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(1);
    expect(row(r.stdout, "other").message).toStartWith(
      `othertool is not installed for Python ${PY} (${join(ruff.dir, "othertool")} runs on another Python)`,
    );
  }, 180_000);

  test("a Poetry project (no [project] table) is installed into the venv, not skipped", async () => {
    const repo = make();
    const py = readFileSync(join(repo.dir, "pyproject.toml"), "utf8")
      .replace('requires = ["setuptools>=61"]', 'requires = ["poetry-core>=1.0.0"]')
      .replace('build-backend = "setuptools.build_meta"', 'build-backend = "poetry.core.masonry.api"')
      .replace(
        '[project]\nname = "sample"\nversion = "0.1.0"\n\n[project.optional-dependencies]\ntest = ["pytest"]\n',
        '[tool.poetry]\nname = "sample"\nversion = "0.1.0"\ndescription = ""\nauthors = []\npackages = [{ include = "sample", from = "src" }]\n',
      );
    expect(py).toContain("[tool.poetry]");
    repo.commit("build: poetry", { "pyproject.toml": py });
    const r = await shipline(["gates", "--only", "tests", "--json"], {
      cwd: repo.dir,
      env: testEnv(),
      timeoutMs: 120_000,
    });
    const log = readFileSync(join(repo.dir, `.shipline/logs/venv-${PY}.log`), "utf8");
    expect(log).not.toContain("no project to install");
    // installed by pip when poetry-core can be had, else put on sys.path: either way importable
    expect(row(r.stdout, "tests").status).toBe("pass");
  }, 180_000);

  test("a PEP 735 test dependency group is installed with the project (includes followed)", async () => {
    const repo = make({
      toml: '[dependency-groups]\nlint = ["pytest"]\ntest = [{ include-group = "lint" }, "helper @ HELPER"]\n',
    });
    // a local distribution only the group names: importable in the tests only if it was installed
    const helper = join(repo.dir, "vendor/helper");
    repo.write(
      "vendor/helper/pyproject.toml",
      '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "helper"\nversion = "1.0"\n\n[tool.setuptools]\npy-modules = ["helper"]\n',
    );
    repo.write("vendor/helper/helper.py", "VALUE = 42\n");
    repo.write(
      "tests/test_helper.py",
      "import helper\n\n\ndef test_helper() -> None:\n    assert helper.VALUE == 42\n",
    );
    const py = readFileSync(join(repo.dir, "pyproject.toml"), "utf8").replace("HELPER", `file://${helper}`);
    repo.commit("test: a dependency group", { "pyproject.toml": py });
    const r = await shipline(["gates", "--only", "tests", "--json"], {
      cwd: repo.dir,
      env: testEnv(),
      timeoutMs: 120_000,
    });
    const log = readFileSync(join(repo.dir, `.shipline/logs/venv-${PY}.log`), "utf8");
    expect(log).toContain(`-e .[test] pytest helper @ file://${helper}`);
    expect(log).not.toContain("via a .pth file");
    expect(row(r.stdout, "tests").status).toBe("pass");
    expect(r.code).toBe(0);
  }, 180_000);

  test("a project pip cannot install offline is still tested from source (.pth fallback)", async () => {
    const repo = make();
    // A build backend that is not installed: pip --no-index --no-build-isolation must fail.
    const py = readFileSync(join(repo.dir, "pyproject.toml"), "utf8")
      .replace('requires = ["setuptools>=61"]', 'requires = ["hatchling-not-installed"]')
      .replace('build-backend = "setuptools.build_meta"', 'build-backend = "hatchling_not_installed.build"');
    repo.commit("build: other backend", { "pyproject.toml": py });
    const r = await shipline(["gates", "--only", "tests", "--json"], {
      cwd: repo.dir,
      env: testEnv(),
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(0);
    expect(row(r.stdout, "tests").status).toBe("pass");
    expect(readFileSync(join(repo.dir, `.shipline/logs/venv-${PY}.log`), "utf8")).toContain(
      "via a .pth file",
    );
  }, 180_000);

  // actions/setup-python's and pyenv's 3.12+ have no setuptools: the offline install cannot
  // build the project, and the test extras must come from the index with build isolation
  const PYENV_312 = "/root/.pyenv/versions/3.12.1/bin/python3.12";
  // this machine kind's package index is a local mirror, configured for root's pip
  const PIP_CONF = "/root/.config/pip/pip.conf";
  test.skipIf(!existsSync(PYENV_312) || !existsSync(PIP_CONF))(
    "a Python without setuptools gets the project and its test extras from the index, not a .pth",
    async () => {
      const repo = make();
      const r = await shipline(["gates", "--only", "tests", "--python", "3.12", "--json"], {
        cwd: repo.dir,
        env: testEnv(undefined, { PYENV_ROOT: "/root/.pyenv", PIP_CONFIG_FILE: PIP_CONF }),
        timeoutMs: 240_000,
      });
      const log = readFileSync(join(repo.dir, ".shipline/logs/venv-3.12.log"), "utf8");
      expect(log).toContain("BackendUnavailable");
      expect(log).toContain("-m pip install -e .[test] --retries 1");
      expect(log).not.toContain("via a .pth file");
      expect(row(r.stdout, "tests").status).toBe("pass");
      expect(r.code).toBe(0);
    },
    300_000,
  );

  test("--jobs limits how many gates run at once", async () => {
    const dir = tempDir();
    // Each gate waits (up to ~1 s) to see the other one started: together only when both may run.
    const gate = (n: string) =>
      `[tool.shipline.gates.${n}]\ncommand = ["sh", "-c", "echo start >> ${dir}/events; i=0; while [ $(grep -c start ${dir}/events) -lt 2 ] && [ $i -lt 20 ]; do sleep 0.05; i=$((i+1)); done; echo end >> ${dir}/events"]\n`;
    const repo = make({ toml: gate("a") + gate("b") });
    const events = () => readFileSync(join(dir, "events"), "utf8").trim().split("\n");
    const one = await shipline(["gates", "--only", "a,b", "--jobs", "1"], { cwd: repo.dir, env: testEnv() });
    expect(one.code).toBe(0);
    expect(events()).toEqual(["start", "end", "start", "end"]);
    rmSync(join(dir, "events"));
    const two = await shipline(["gates", "--only", "a,b", "--jobs", "2"], { cwd: repo.dir, env: testEnv() });
    expect(two.code).toBe(0);
    expect(events()).toEqual(["start", "start", "end", "end"]);
  }, 30_000);

  /** cores + 2 gates that mostly sleep, each waiting (up to ~3 s) until `until` gates have started. */
  const sleepers = (until: number) => {
    const dir = tempDir();
    const n = availableParallelism() + 2;
    const names = Array.from({ length: n }, (_, i) => `g${i}`);
    const gate = (name: string) =>
      `[tool.shipline.gates.${name}]\ncommand = ["sh", "-c", "echo start >> ${dir}/events; i=0; while [ $(grep -c start ${dir}/events) -lt ${until} ] && [ $i -lt 60 ]; do sleep 0.05; i=$((i+1)); done; echo end >> ${dir}/events"]\n`;
    const repo = make({ toml: names.map(gate).join("") });
    const events = () => readFileSync(join(dir, "events"), "utf8").trim().split("\n");
    /** The most gates that ran at once. */
    const most = () => {
      let running = 0;
      let peak = 0;
      for (const e of events()) {
        running += e === "start" ? 1 : -1;
        peak = Math.max(peak, running);
      }
      return peak;
    };
    return { repo, n, only: names.join(","), events, most };
  };

  test("by default one gate per core runs at once, however idle the cores", async () => {
    const cores = availableParallelism();
    // Each waits ~3 s for all to start (they never do): time enough for a limit to grow.
    const s = sleepers(cores + 2);
    const r = await shipline(["gates", "--only", s.only], { cwd: s.repo.dir, env: testEnv() });
    expect(r.code).toBe(0);
    expect(s.events().length).toBe(2 * s.n);
    expect(s.most()).toBe(cores);
  }, 30_000);

  test("--jobs auto runs more gates than cores at once while the cores sit idle", async () => {
    const s = sleepers(availableParallelism() + 2);
    const r = await shipline(["gates", "--only", s.only, "--jobs", "auto"], {
      cwd: s.repo.dir,
      env: testEnv(),
    });
    expect(r.code).toBe(0);
    // all started before any ended: the limit grew past the cores
    expect(s.events()).toEqual([...Array(s.n).fill("start"), ...Array(s.n).fill("end")]);
  }, 30_000);

  test("the build gate runs the current shipline binary (or says clearly it is not there yet)", async () => {
    const repo = make({ build: true });
    const r = await shipline(["gates", "--only", "build", "--json"], { cwd: repo.dir, env: testEnv() });
    const log = readFileSync(join(repo.dir, ".shipline/logs/build.log"), "utf8");
    expect(log.split("\n")[0]).toStartWith(`$ ${BIN} build --check`);
    const b = row(r.stdout, "build");
    if (b.status !== "pass")
      expect(b.message).toMatch(
        /^exit \d+$|is not available in this build of shipline yet; set \[tool\.shipline\.gates\.build\] enabled = false/,
      );
    expect(r.stderr).not.toContain("internal error");
  }, 60_000);

  test("--only with an unknown gate, a bad --python or --jobs are usage errors (exit 2)", async () => {
    const repo = make();
    const a = await shipline(["gates", "--only", "nope"], { cwd: repo.dir, env: testEnv() });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("--only nope: no such gate");
    const b = await shipline(["gates", "--python", "three"], { cwd: repo.dir, env: testEnv() });
    expect(b.code).toBe(2);
    for (const bad of ["0", "many"]) {
      const c = await shipline(["gates", "--jobs", bad], { cwd: repo.dir, env: testEnv() });
      expect(c.code).toBe(2);
      expect(c.stderr).toContain(`--jobs ${bad}: expected a whole number ≥ 1, or auto`);
    }
  });

  test("a Python that is not installed: clear error listing what was found", async () => {
    const repo = make();
    const r = await shipline(["gates", "--python", "3.2"], { cwd: repo.dir, env: testEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Python 3.2 not found");
    expect(r.stderr).toContain(`found: `);
    expect(r.stderr).toContain(`${PY} (/usr/bin/python${PY})`);
    expect(r.stderr).toContain("pyenv install 3.2");
  });

  test("a timeout kills the gate's whole process group (even children ignoring SIGTERM)", async () => {
    const pidFile = join(tempDir(), "slow.pid");
    const repo = make({
      toml: `[tool.shipline.gates.slow]\ncommand = ["sh", "-c", "trap '' TERM; sleep 300 & echo $! > ${pidFile}; wait"]\ntimeout = 1\n`,
    });
    const r = await shipline(["gates", "--only", "slow", "--json"], { cwd: repo.dir, env: testEnv() });
    expect(r.code).toBe(1);
    expect(row(r.stdout, "slow").message).toBe("timed out after 1s; its process group was killed");
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(pid).toBeGreaterThan(0);
    for (let i = 0; i < 40 && alive(pid); i++) await Bun.sleep(50);
    expect(alive(pid)).toBe(false);
  }, 30_000);

  test.each([
    [["gates", "--only", "a,b", "--jobs", "2"], "SIGINT"],
    [["gates", "--only", "a,b", "--jobs", "2"], "SIGHUP"],
    [["run"], "SIGINT"],
  ] as const)(
    "%j, %s: every running gate's process group is stopped, exit 130",
    async (args, signal) => {
      const dir = tempDir();
      const gate = (n: string) =>
        `[tool.shipline.gates.${n}]\ncommand = ["sh", "-c", "sleep 300 & echo $! > ${dir}/${n}.pid; wait"]\n`;
      const repo = make({ toml: gate("a") + gate("b") });
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: "1", ...testEnv() })) if (v) env[k] = v;
      delete env.GITHUB_ACTIONS;
      const proc = Bun.spawn([BIN, ...args], {
        cwd: repo.dir,
        // `run` on a pull request: the gates only
        env: { ...env, GITHUB_EVENT_NAME: "pull_request" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const pids = [join(dir, "a.pid"), join(dir, "b.pid")];
      for (let i = 0; i < 200 && !pids.every((p) => existsSync(p) && readFileSync(p, "utf8").trim()); i++)
        await Bun.sleep(50);
      const children = pids.map((p) => Number(readFileSync(p, "utf8")));
      expect(children.every(alive)).toBe(true);
      proc.kill(signal);
      const code = await proc.exited;
      const stderr = await new Response(proc.stderr).text();
      expect(code).toBe(130);
      expect(stderr).toContain("interrupted");
      // Killed processes are reaped by init, not by us: give the kernel a moment to finish them.
      for (let i = 0; i < 40 && children.some(alive); i++) await Bun.sleep(50);
      expect(children.some(alive)).toBe(false);
    },
    30_000,
  );

  test("a monorepo without a root project: each release-please package installed editable, in one resolve", async () => {
    const repo = TestRepo.create();
    repos.push(repo);
    const pkg = (name: string, extra: string) =>
      [
        "[build-system]",
        'requires = ["setuptools>=61"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        `name = "${name}"`,
        'version = "0.1.0"',
        extra,
        "",
      ].join("\n");
    repo.commit("feat: two packages", {
      ".gitignore": ".shipline/\n",
      "release-please-config.json": JSON.stringify({ packages: { "packages/a": {}, "packages/b": {} } }),
      ".release-please-manifest.json": JSON.stringify({ "packages/a": "0.1.0", "packages/b": "0.1.0" }),
      "packages/a/pyproject.toml": pkg("pkg-a", ""),
      "packages/a/src/pkg_a/__init__.py": "def one() -> int:\n    return 1\n",
      // pkg-b needs pkg-a, which no index has: only the local copy in the same command satisfies it
      "packages/b/pyproject.toml": pkg(
        "pkg-b",
        'dependencies = ["pkg-a"]\n\n[project.optional-dependencies]\ntest = ["pytest"]',
      ),
      "packages/b/src/pkg_b/__init__.py":
        "from pkg_a import one\n\n\ndef two() -> int:\n    return one() + 1\n",
      "tests/test_ab.py": "from pkg_b import two\n\n\ndef test_two() -> None:\n    assert two() == 2\n",
    });
    const r = await shipline(["gates", "--only", "tests", "--python", PY, "--json"], {
      cwd: repo.dir,
      env: testEnv(),
      timeoutMs: 120_000,
    });
    expect(row(r.stdout, "tests").status, r.stderr).toBe("pass");
    const log = readFileSync(join(repo.dir, `.shipline/logs/venv-${PY}.log`), "utf8");
    expect(log).toContain("install --no-index --no-build-isolation -e ./packages/a -e ./packages/b[test]");
    expect(log).not.toContain("no project to install");
    expect(log).not.toContain(".pth");
  }, 180_000);

  test("in GitHub Actions: ::group:: per gate, ::error annotations, step summary table", async () => {
    const repo = make({ failTest: true, mypyError: true });
    const ruff = standInRuff();
    const summary = join(tempDir(), "summary.md");
    writeFileSync(summary, "");
    const r = await shipline(["gates"], {
      cwd: repo.dir,
      timeoutMs: 120_000,
      env: testEnv(ruff.dir, {
        GITHUB_ACTIONS: "true",
        GITHUB_STEP_SUMMARY: summary,
        RUFF_EXIT: "1",
        RUFF_OUTPUT: "src/sample/__init__.py:1:8: F401 [*] `os` imported but unused",
      }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("::group::lint: fail");
    expect(r.stderr).toContain("::endgroup::");
    // The tool's own output is fenced with stop-commands: a "::" line in it cannot run as a command.
    expect(r.stderr).toMatch(/::stop-commands::(shipline-[0-9a-f-]{36})\n[\s\S]*?F401[\s\S]*?\n::\1::\n/);
    expect(r.stderr).toContain(
      "::error file=src/sample/__init__.py,line=1,col=8,title=lint::F401 [*] `os` imported but unused",
    );
    expect(r.stderr).toContain(
      `::warning file=src/sample/__init__.py,line=6,title=typecheck (${PY}) (non-blocking)::Incompatible return value type (got "str", expected "int")  [return-value]`,
    );
    expect(r.stderr).toMatch(
      new RegExp(
        `::error file=tests/test_add.py,line=7,title=tests \\(${PY.replace(".", "\\.")}\\)::test_add failed`,
      ),
    );
    const md = readFileSync(summary, "utf8");
    expect(md).toContain("### shipline gates: failed");
    expect(md).toContain("| gate | python | result | time | details |");
    expect(md).toMatch(new RegExp(`\\| tests \\| ${PY.replace(".", "\\.")} \\| ✖ fail \\|`));
  }, 180_000);
});

/**
 * The lock at the CLI level, with the compiled binary: two `shipline run` (or two `resume`)
 * started at once on one repo → exactly one runs the flow, the other exits 1 naming the
 * holder's pid; a lock left by a SIGKILLed run is detected as stale and taken over.
 * The flow is held open by a gate that waits for a file, so no timing is assumed.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, type CliResult, hasBinary } from "../helpers/cli.ts";
import { TestRepo } from "../helpers/repo.ts";

setDefaultTimeout(60_000);

const PYPROJECT = `[project]
name = "sample"
version = "0.1.0"

[tool.shipline.gates]
lint = false
format = false
typecheck = false
tests = false
build = false

[tool.shipline.gates.wait]
command = ["sh", "-c", "echo $PPID >> started; while [ ! -f go ]; do sleep 0.05; done"]
`;

function repo(): TestRepo {
  const r = TestRepo.python();
  r.commit("chore: a gate that waits", {
    "pyproject.toml": PYPROJECT,
    ".gitignore": "started\ngo\n.shipline/\n",
  });
  return r;
}

interface Running {
  pid: number;
  done: Promise<CliResult & { signal: NodeJS.Signals | number | null }>;
  kill(): void;
}

/** Start the binary (pull_request event: the flow is the gates only). */
function start(args: string[], cwd: string): Running {
  const p = Bun.spawn([BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", GITHUB_ACTIONS: "", GITHUB_EVENT_NAME: "pull_request" },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timer = setTimeout(() => p.kill("SIGKILL"), 50_000);
  const done = Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]).then(
    ([stdout, stderr, code]) => {
      clearTimeout(timer);
      return { stdout, stderr, code, signal: p.signalCode };
    },
  );
  return { pid: p.pid, done, kill: () => p.kill("SIGKILL") };
}

/** Wait (bounded) until the gate of one run has started: it wrote its shipline's pid. */
async function gateStarted(dir: string, n = 1): Promise<number[]> {
  for (let i = 0; i < 600; i++) {
    const f = join(dir, "started");
    if (existsSync(f)) {
      const pids = readFileSync(f, "utf8").split("\n").filter(Boolean).map(Number);
      if (pids.length >= n) return pids;
    }
    await Bun.sleep(25);
  }
  throw new Error("the gate never started");
}

const LOCKED = /^✖ another shipline \((?:run|resume), pid (\d+), started [^)]+\) holds .*\.shipline\/lock$/m;

describe.skipIf(!hasBinary())("lock, end to end", () => {
  test("two `run` at once: exactly one proceeds, the other exits 1 naming the holder pid", async () => {
    const r = repo();
    const a = start(["run"], r.dir);
    const b = start(["run"], r.dir);
    // The loser needs no go-ahead: it fails fast while the winner is held in its gate.
    const first = await Promise.race([
      a.done.then((x) => ({ x, who: a })),
      b.done.then((x) => ({ x, who: b })),
    ]);
    const [winner] = first.who === a ? [b] : [a];
    expect(first.x.code, first.x.stderr).toBe(1);
    const m = LOCKED.exec(first.x.stderr);
    expect(m?.[1]).toBe(String(winner.pid));
    expect(first.x.stderr).toContain("hint: wait for it to finish");
    expect(first.x.stderr).not.toContain("    at ");
    const lock = join(r.dir, ".shipline", "lock");
    expect(statSync(lock).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(lock, "utf8")).pid).toBe(winner.pid);
    expect(await gateStarted(r.dir)).toEqual([winner.pid]);
    writeFileSync(join(r.dir, "go"), "");
    const w = await winner.done;
    expect(w.code, w.stderr).toBe(0);
    expect(readFileSync(join(r.dir, "started"), "utf8").trim().split("\n")).toHaveLength(1); // the gate ran once
    expect(existsSync(lock)).toBe(false);
  });

  test("a lock left by a SIGKILLed run is stale: two `resume` at once → one takes it over, one is refused", async () => {
    const r = repo();
    const crashed = start(["run"], r.dir);
    await gateStarted(r.dir);
    crashed.kill();
    expect((await crashed.done).signal).toBe("SIGKILL");
    const lock = join(r.dir, ".shipline", "lock");
    expect(JSON.parse(readFileSync(lock, "utf8")).pid).toBe(crashed.pid); // left behind
    writeFileSync(join(r.dir, "started"), "");

    const a = start(["resume"], r.dir);
    const b = start(["resume"], r.dir);
    const first = await Promise.race([
      a.done.then((x) => ({ x, who: a })),
      b.done.then((x) => ({ x, who: b })),
    ]);
    const winner = first.who === a ? b : a;
    expect(first.x.code, first.x.stderr).toBe(1);
    expect(LOCKED.exec(first.x.stderr)?.[1]).toBe(String(winner.pid));
    expect(first.x.stderr).toContain("another shipline (resume, pid");
    expect(await gateStarted(r.dir)).toEqual([winner.pid]);
    expect(JSON.parse(readFileSync(lock, "utf8")).pid).toBe(winner.pid);
    writeFileSync(join(r.dir, "go"), "");
    const w = await winner.done;
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toContain("resuming run at stage gates");
    const state = JSON.parse(readFileSync(join(r.dir, ".shipline", "state.json"), "utf8"));
    expect(state.next).toBe("done");
    expect(state.stages.gates.attempts).toBe(2);
    expect(statSync(join(r.dir, ".shipline", "state.json")).mode & 0o777).toBe(0o600);
    expect(existsSync(lock)).toBe(false);
  });
});

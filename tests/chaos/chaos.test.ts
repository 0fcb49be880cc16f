/**
 * The chaos suite: the compiled binary releases a merged release PR (tag, GitHub release,
 * build, check, sign, upload, verify) against the GitHub, PyPI, OIDC and Sigstore stand-ins,
 * and is killed at seeded random moments — named fault points (SHIPLINE_FAULT) and SIGKILLs
 * after random delays — while the stand-ins answer 5xx/429, reset connections and stall.
 * Then `shipline resume` (or `run` again, as a re-run workflow would; one attempt in five after
 * the first on a "fresh runner": no checkpoint and no dist/) until it succeeds, and the
 * invariants in invariants.ts must hold: nothing twice, nothing lost.
 *
 *   CHAOS_RUNS=100 npm run chaos           the long run (CI runs a bounded count)
 *   CHAOS_SEED=7 CHAOS_ONLY=42 CHAOS_WINDOW_MS=3100 npm run chaos   replay one run of a seed
 *   (timed kills fall in a window measured from a clean run; the summary prints it)
 *
 * Half the runs use `order = "publish-first"` (publish before tag), half release-please's order;
 * every other pair has publish.github-assets on (the release a draft until its files are on it).
 * The summary line is written to .test-results/chaos.txt and printed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, hasBinary, ROOT, shipline } from "../helpers/cli.ts";
import { rng } from "../helpers/rng.ts";
import { broken, checkInvariants, type Verdict } from "./invariants.ts";
import {
  applyServerFaults,
  chooseKill,
  chooseServerFaults,
  describeKill,
  describeServerFault,
  type Kill,
} from "./plans.ts";
import {
  canBuild,
  git,
  makeTemplate,
  type Order,
  startWorld,
  type Template,
  tempWork,
  type World,
} from "./world.ts";

const RUNS = Number(process.env.CHAOS_RUNS ?? (process.env.CI ? 12 : 6));
const SEED = Number(process.env.CHAOS_SEED ?? 20261201);
const ONLY = process.env.CHAOS_ONLY === undefined ? undefined : Number(process.env.CHAOS_ONLY);
/** Attempts before a run counts as not converged: kills stop after the third, faults run out. */
const MAX_ATTEMPTS = 12;

interface Attempt {
  argv: string;
  kill: string;
  code: number;
  signal?: string;
  ms: number;
  stderr: string;
}

async function attempt(w: World, args: string[], kill: Kill): Promise<Attempt> {
  const env = { ...w.env };
  if (kill && "fault" in kill) env.SHIPLINE_FAULT = kill.fault;
  const t = performance.now();
  const p = Bun.spawn([BIN, ...args], {
    cwd: w.project,
    env,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timers = [setTimeout(() => p.kill("SIGKILL"), 120_000)];
  if (kill && "afterMs" in kill) timers.push(setTimeout(() => p.kill("SIGKILL"), kill.afterMs));
  const [stderr, code] = await Promise.all([
    new Response(p.stderr).text(),
    p.exited,
    new Response(p.stdout).text(),
  ]);
  for (const x of timers) clearTimeout(x);
  return {
    argv: args[0] ?? "",
    kill: describeKill(kill),
    code,
    signal: p.signalCode == null ? undefined : String(p.signalCode),
    ms: Math.round(performance.now() - t),
    stderr,
  };
}

interface RunReport {
  index: number;
  windowMs: number;
  order: Order;
  assets: boolean;
  behind: boolean;
  converged: boolean;
  attempts: Attempt[];
  faults: string[];
  verdict: Verdict;
  /** Distinct kill moments this run exercised (fault rules, or the stage a timed kill hit). */
  killPoints: string[];
}

async function statusOf(w: World): Promise<{ next?: string } | undefined> {
  const s = await shipline(["status", "--json"], { cwd: w.project, env: w.env });
  try {
    return JSON.parse(s.stdout).checkpoint ?? undefined;
  } catch {
    return undefined;
  }
}

async function chaosRun(tpl: Template, index: number, work: string, baselineMs: number, largest: number) {
  const r = rng(SEED * 1_000_003 + index);
  // a separate stream, so the kills and faults of a seed stay what they were before fresh runners
  const freshRng = rng(SEED * 7_000_003 + index);
  const w = await startWorld(tpl, join(work, `run-${index}`));
  const faults = chooseServerFaults(r);
  applyServerFaults(w, faults);
  const attempts: Attempt[] = [];
  const killPoints: string[] = [];
  let converged = false;
  try {
    for (let a = 0; a < MAX_ATTEMPTS && !converged; a++) {
      const kill =
        a === 0
          ? chooseKill(r, baselineMs, largest)
          : a <= 3 && r() < 0.5
            ? chooseKill(r, baselineMs, largest)
            : undefined;
      // A re-run on a fresh runner: no checkpoint, no dist/ (nor its signatures), a new build,
      // and the tags origin has (actions/checkout with fetch-depth 0): a tag an earlier attempt
      // made is there, so only GitHub's labels can say the release is not published yet.
      const fresh = a > 0 && freshRng() < 0.2;
      if (fresh) {
        for (const d of [".shipline", "dist"]) rmSync(join(w.project, d), { recursive: true, force: true });
        git(["fetch", "-q", "--tags", "origin"], w.project);
      }
      const hasState = existsSync(join(w.project, ".shipline", "state.json"));
      const args = !hasState || r() < 0.3 ? ["run", ...w.flags] : ["resume"];
      const res = await attempt(w, args, kill);
      if (process.env.CHAOS_DEBUG) console.error(`--- ${args.join(" ")}\n${res.stderr}`);
      if (fresh) res.argv = `(fresh runner) ${res.argv}`;
      attempts.push(res);
      // A timed kill is named by the stage the checkpoint says it interrupted and its moment.
      if (kill && res.code !== 0)
        killPoints.push(
          "fault" in kill
            ? kill.fault.replace(/:(kill|exit|throw)$/, "")
            : `sigkill:${(await statusOf(w))?.next ?? "before-checkpoint"}:${kill.afterMs}ms`,
        );
      converged = res.code === 0;
    }
    // the checkout is a fresh runner's from its first attempt on (its dist/ was removed): the
    // attempts after it may all have found everything published and built nothing
    const onFreshRunner = attempts.some((x) => x.argv.startsWith("(fresh runner)"));
    const verdict = checkInvariants(w, tpl, await statusOf(w), onFreshRunner);
    return {
      index,
      order: tpl.order,
      assets: tpl.assets,
      behind: tpl.behind,
      converged,
      attempts,
      faults: faults.map(describeServerFault),
      verdict,
      killPoints,
      windowMs: baselineMs,
    } satisfies RunReport;
  } finally {
    await w.stop();
  }
}

function explain(rep: RunReport): string {
  const lines = [
    `run ${rep.index} (${rep.order}${rep.assets ? ", github-assets" : ""}${rep.behind ? ", merged behind HEAD" : ""}, reproduce: CHAOS_SEED=${SEED} CHAOS_ONLY=${rep.index} CHAOS_WINDOW_MS=${rep.windowMs} npm run chaos): ${rep.converged ? "converged" : "DID NOT CONVERGE"}`,
    ...rep.faults.map((f) => `  server fault: ${f}`),
    ...rep.attempts.map(
      (a) =>
        `  ${a.argv} [${a.kill}] → ${a.signal ?? `exit ${a.code}`} in ${a.ms} ms${a.code && !a.signal ? `: ${a.stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`,
    ),
    ...[...rep.verdict.duplicates, ...rep.verdict.lost, ...rep.verdict.other].map((x) => `  ✖ ${x}`),
  ];
  return lines.join("\n");
}

describe.skipIf(!hasBinary() || !canBuild)("chaos: kill -9 and failing services, then resume", () => {
  let work: string;
  const templates: Template[] = [];
  /** The longest clean run: timed kills land anywhere in it. */
  let baselineMs = 0;
  let largest = 1;

  beforeAll(async () => {
    work = tempWork();
    templates.push(
      await makeTemplate(work, "release-first"),
      await makeTemplate(work, "publish-first"),
      await makeTemplate(work, "release-first", { assets: true }),
      await makeTemplate(work, "publish-first", { assets: true }),
      await makeTemplate(work, "release-first", { behind: true }),
    );
  }, 180_000);
  afterAll(() => {
    if (work && !process.env.CHAOS_KEEP) rmSync(work, { recursive: true, force: true });
  });

  for (const [order, assets, behind] of [
    ["release-first", false, false],
    ["publish-first", false, false],
    ["release-first", true, false],
    ["publish-first", true, false],
    ["release-first", false, true],
  ] as const)
    test(`a clean ${order} run${assets ? " with publish.github-assets" : ""}${behind ? " of a release PR merged behind HEAD" : ""} releases everything exactly once (and calibrates the kill window)`, async () => {
      const tpl = templates.find((t) => t.order === order && t.assets === assets && t.behind === behind)!;
      const w = await startWorld(
        tpl,
        join(work, `clean-${order}${assets ? "-assets" : ""}${behind ? "-behind" : ""}`),
      );
      try {
        const res = await attempt(w, ["run", ...w.flags], undefined);
        if (process.env.CHAOS_DEBUG) console.error(res.stderr);
        expect(res.stderr).not.toContain("Sigstore signature not verified");
        expect(res.code).toBe(0);
        baselineMs = Number(process.env.CHAOS_WINDOW_MS) || Math.max(baselineMs, res.ms);
        largest = Math.max(
          ...[...tpl.dists.keys()].map((f) => readFileSync(join(work, "prebuilt", f)).length),
        );
        const v = checkInvariants(w, tpl, await statusOf(w));
        expect(v).toEqual({ duplicates: [], lost: [], other: [], resent: 0 });
      } finally {
        await w.stop();
      }
    }, 120_000);

  test(
    `${ONLY === undefined ? RUNS : 1} seeded runs killed at random moments converge: nothing twice, nothing lost`,
    async () => {
      const indices = ONLY === undefined ? Array.from({ length: RUNS }, (_, i) => i) : [ONLY];
      const reports: RunReport[] = [];
      for (const i of indices) {
        // release-first, publish-first, both again with publish.github-assets, then a release
        // PR merged behind HEAD (released there, built in a worktree)
        const rep = await chaosRun(templates[i % templates.length]!, i, work, baselineMs, largest);
        reports.push(rep);
        if (!rep.converged || broken(rep.verdict)) console.error(explain(rep));
        rmSync(join(work, `run-${i}`), { recursive: true, force: true });
      }
      const converged = reports.filter((r) => r.converged && !r.verdict.other.length).length;
      const duplicates = reports.reduce((n, r) => n + r.verdict.duplicates.length, 0);
      const lost = reports.reduce((n, r) => n + r.verdict.lost.length, 0);
      const points = new Set(reports.flatMap((r) => r.killPoints));
      const stagesHit = new Set([...points].map((p) => p.split(":").slice(0, 2).join(":")));
      const kills = reports.reduce((n, r) => n + r.killPoints.length, 0);
      const summary = `chaos: ${converged}/${reports.length} converged, ${duplicates} duplicates, ${lost} lost`;
      const detail = `${kills} kills at ${points.size} distinct points (${stagesHit.size} distinct fault points or stages), ${reports.reduce((n, r) => n + r.faults.length, 0)} server faults, ${reports.reduce((n, r) => n + r.attempts.length, 0)} attempts (${reports.reduce((n, r) => n + r.attempts.filter((x) => x.argv.startsWith("(fresh runner)")).length, 0)} on a fresh runner), ${reports.reduce((n, r) => n + r.verdict.resent, 0)} identical re-sends of a killed run's in-flight upload (stored once) (seed ${SEED}, kill window ${baselineMs} ms: CHAOS_WINDOW_MS replays timed kills exactly)`;
      console.log(`${summary}\n${detail}`);
      mkdirSync(join(ROOT, ".test-results"), { recursive: true });
      writeFileSync(
        join(ROOT, ".test-results", "chaos.txt"),
        `${summary}\n${detail}\n${[...points].sort().join("\n")}\n`,
      );
      expect(reports.filter((r) => !r.converged || broken(r.verdict)).map(explain)).toEqual([]);
    },
    60 * 60_000,
  );
});

/**
 * `npm run demo`: a newcomer's first hour with shipline, offline, on local stand-ins.
 *
 * Builds nothing itself (npm run demo builds dist/shipline first; SHIPLINE_DEMO_BIN picks
 * another binary, e.g. dist/release/shipline-linux-x64). In a temp dir it creates a small
 * Python project with a conventional-commit history and a bare `origin`, starts the GitHub,
 * PyPI, OIDC and Sigstore stand-ins (tests/servers/), and drives everything with the compiled
 * binary: init → doctor → plan → run (gates on the Pythons present → plan → release PR) →
 * merge → run (tag + GitHub release → build → check → sign → upload → verify), killed
 * mid-upload with SHIPLINE_FAULT and resumed → pip install from the local index → offline
 * verify. A stage that has not landed in this build is reported as such and skipped, never
 * imitated. Exit 0 when every landed piece worked.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { GIT_ENV, tempDir } from "../helpers/repo.ts";
import { startGitHub } from "../servers/github.ts";
import { startOidc } from "../servers/oidc.ts";
import { startPypi } from "../servers/pypi.ts";
import { startSigstore } from "../servers/sigstore.ts";

const ROOT = resolve(import.meta.dir, "../..");
const SOURCE_BIN = resolve(process.env.SHIPLINE_DEMO_BIN ?? join(ROOT, "dist", "shipline"));
const OWNER = "octo";
const NAME = "demo";
// One word: Debian's setuptools (used for the offline build below) would write a legacy
// "a-b-1.0.tar.gz" sdist name for a hyphenated project, which PyPI now refuses.
const PROJECT = "shiplinedemo";
const started = performance.now();
const color = !process.env.NO_COLOR && process.stdout.isTTY;
const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

type Status = "ok" | "skipped" | "failed";
const results: { step: string; status: Status; note: string; secs: number }[] = [];
let failed = false;

function say(line = ""): void {
  console.log(line);
}

async function step(title: string, fn: () => Promise<string | { skipped: string }>): Promise<boolean> {
  say();
  say(paint(1, `▶ ${title}`));
  const t = performance.now();
  let status: Status = "ok";
  let note = "";
  try {
    const r = await fn();
    if (typeof r === "string") note = r;
    else {
      status = "skipped";
      note = r.skipped;
    }
  } catch (e) {
    status = "failed";
    note = (e as Error).message;
    failed = true;
  }
  const secs = (performance.now() - t) / 1000;
  results.push({ step: title, status, note, secs });
  const mark =
    status === "ok" ? paint(32, "✔") : status === "skipped" ? paint(33, "↷ skipped:") : paint(31, "✖");
  say(`  ${mark} ${note} ${paint(90, `(${secs.toFixed(1)}s)`)}`);
  return status === "ok";
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  signal?: string;
}

let env: Record<string, string> = {};

/** Run the compiled binary in the project; its human output is shown indented. */
async function shipline(args: string[], extra: Record<string, string> = {}, show = true): Promise<Run> {
  if (show || args[0] !== "build") say(paint(36, `  $ shipline ${args.join(" ")}`));
  const p = Bun.spawn([BIN, ...args], {
    cwd: project,
    env: { ...env, ...extra },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timer = setTimeout(() => p.kill("SIGKILL"), 150_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  clearTimeout(timer);
  if (show)
    for (const l of stderr.trimEnd().split("\n").filter(Boolean).slice(-40)) say(`    ${paint(90, l)}`);
  return { code, stdout, stderr, signal: p.signalCode == null ? undefined : String(p.signalCode) };
}

/** A capability that has not landed answers exit 2 with this text (NotAvailableError). */
const notLanded = (r: Run) =>
  r.code === 2 ? /(\S+(?: stage)?)\S* is not available in this build/.exec(r.stderr)?.[0] : undefined;

function git(args: string[], cwd = project): string {
  const p = Bun.spawnSync(["git", ...args], {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    stdout: "pipe",
    stderr: "pipe",
  });
  if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${p.stderr.toString().trim()}`);
  return p.stdout.toString().trim();
}

/**
 * Asynchronous on purpose: the stand-ins serve from this process's event loop, so a
 * synchronous child talking to them (pip) would wait on a server that cannot answer.
 */
async function exec(argv: string[], extraEnv?: Record<string, string>): Promise<Run> {
  const p = Bun.spawn(argv, {
    env: extraEnv ?? process.env,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
}

function releasedVersion(): string {
  return JSON.parse(readFileSync(join(project, ".release-please-manifest.json"), "utf8"))["."];
}

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const full = join(project, path);
    Bun.spawnSync(["mkdir", "-p", full.replace(/\/[^/]+$/, "")]);
    writeFileSync(full, text);
  }
}

function commit(message: string, files: Record<string, string> = {}): string {
  write(files);
  git(["add", "-A"]);
  git(["commit", "-q", "--allow-empty", "-m", message]);
  git(["push", "-q", "origin", "HEAD:refs/heads/main"]);
  return git(["rev-parse", "--short", "HEAD"]);
}

/** Pythons of the gate matrix present on this machine (PATH or pyenv), like shipline's discovery. */
function pythonsPresent(): string[] {
  const pyenv = join(process.env.PYENV_ROOT ?? join(process.env.HOME ?? "/root", ".pyenv"), "versions");
  const installed = existsSync(pyenv) ? readdirSync(pyenv) : [];
  return ["3.9", "3.10", "3.11", "3.12", "3.13"].filter(
    (v) => Bun.which(`python${v}`) || installed.some((d) => d === v || d.startsWith(`${v}.`)),
  );
}

// ───────────────────────────────────────────────────────────────────────────────────────────
const work = tempDir("shipline-demo-");
const project = join(work, PROJECT);
const bare = join(work, "origin.git");
const cleanups: (() => unknown)[] = [];
let pythons: string[] = [];
let prNumber = 0;
let published = false;
let publishMissing = "";

say(paint(1, `shipline demo — ${SOURCE_BIN}`));
say(`work dir: ${work}`);
if (!existsSync(SOURCE_BIN)) {
  say(`✖ ${SOURCE_BIN} does not exist: run \`npm run demo\` (it builds dist/shipline first)`);
  process.exit(1);
}
// A private copy on PATH: the build gate runs `shipline build`, and a rebuild of dist/ while
// the demo runs must not pull the binary out from under it.
Bun.spawnSync(["mkdir", "-p", join(work, "bin")]);
const BIN = join(work, "bin", "shipline");
copyFileSync(SOURCE_BIN, BIN);
chmodSync(BIN, 0o755);

const gh = await startGitHub({ owner: OWNER, repo: NAME, bare });
cleanups.push(() => gh.stop());
const oidc = await startOidc({
  repository: `${OWNER}/${NAME}`,
  workflow: "release.yml",
  ref: "refs/heads/main",
});
cleanups.push(() => oidc.stop());
const pypi = await startPypi({
  oidc: { publicKey: oidc.publicKey, issuer: oidc.issuer },
  publishers: [{ project: PROJECT, repository: `${OWNER}/${NAME}`, workflow: "release.yml" }],
});
cleanups.push(() => pypi.stop());
const sigstore = await startSigstore({ verifyToken: (t) => oidc.verify(t) });
cleanups.push(() => sigstore.stop());
const trustedRoot = join(work, "standin-trusted-root.json");
sigstore.writeTrustedRoot(trustedRoot);

env = {
  ...(process.env as Record<string, string>),
  ...GIT_ENV,
  ...gh.env,
  ...oidc.env,
  PATH: `${join(work, "bin")}:${process.env.PATH ?? ""}`,
  NO_COLOR: "1",
  // The verify stage checks the index's attestations against this root (a private Sigstore).
  SHIPLINE_TRUSTED_ROOT: trustedRoot,
  GITHUB_EVENT_NAME: "push",
  GITHUB_REF: "refs/heads/main",
  GITHUB_SHA: "",
};
delete env.GITHUB_ACTIONS;
delete env.SHIPLINE_FAULT;
delete env.SHIPLINE_PYPI_TOKEN;
delete env.TWINE_PASSWORD;
say(`stand-ins: GitHub ${gh.url} · PyPI ${pypi.url} · OIDC ${oidc.url} · Sigstore ${sigstore.url}`);

const flowFlags = [
  "--repository-url",
  pypi.uploadUrl,
  "--fulcio-url",
  sigstore.fulcioUrl,
  "--rekor-url",
  sigstore.rekorUrl,
];

try {
  await step("A Python project with a conventional-commit history", async () => {
    git(["init", "-q", "-b", "main", project], work);
    git(["init", "-q", "--bare", bare], work);
    git(["remote", "add", "origin", bare]);
    pythons = pythonsPresent();
    write({
      "pyproject.toml": `[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "${PROJECT}"
version = "0.1.0"
description = "Widgets, released by shipline"
readme = "README.md"
requires-python = ">=3.9"
classifiers = ["Programming Language :: Python :: 3"]

[tool.setuptools.packages.find]
where = ["src"]
`,
      "README.md": "# shiplinedemo\n\nWidgets. `from widgets import spin`.\n",
      "src/widgets/__init__.py": '"""Widgets."""\n\n\ndef count(items):\n    return len(items)\n',
      "tests/test_widgets.py":
        "import unittest\n\nimport widgets\n\n\nclass T(unittest.TestCase):\n    def test_count(self):\n        self.assertEqual(widgets.count([1, 2]), 2)\n",
    });
    commit("chore: initial import");
    git(["tag", "v0.1.0"]);
    git(["push", "-q", "origin", "v0.1.0"]);
    // 0.1.0 was published long ago: the project exists on the index, so Trusted Publishing
    // (which may not create projects) can upload the next version, as on PyPI.
    pypi.seed({
      project: PROJECT,
      version: "0.1.0",
      filename: "shiplinedemo-0.1.0.tar.gz",
      bytes: new TextEncoder().encode("placeholder for the 0.1.0 sdist published before the demo"),
    });
    return `${PROJECT} 0.1.0 (tag v0.1.0) in ${project}; Pythons present for the gates: ${pythons.join(", ") || "none"}`;
  });

  await step("shipline init: config, manifest, [tool.shipline], workflows", async () => {
    const dry = await shipline(["init", "--dry-run"], {}, false);
    if (notLanded(dry)) return { skipped: notLanded(dry)! };
    say(`    (dry run: a ${dry.stdout.split("\n").length}-line diff; nothing written)`);
    const r = await shipline(["init"]);
    if (r.code !== 0) throw new Error(`init exited ${r.code}`);
    // Has `shipline build` landed? A placeholder answers "not available" before touching anything.
    const probe = await shipline(["build", "--cwd", work], {}, false);
    const buildLanded = !notLanded(probe);
    // Offline, an isolated PEP 517 build spends ~30 s failing to reach an index before it falls
    // back; Debian's python3 has build + setuptools installed, so build against those directly.
    const debianPy = "/usr/bin/python3";
    const hasBuild =
      existsSync(debianPy) && (await exec([debianPy, "-c", "import build, setuptools"])).code === 0;
    const offlineBuild = hasBuild
      ? `[tool.shipline.build]\ncommand = ["${debianPy}", "-m", "build", "--no-isolation"]  # offline: the installed backend\n`
      : "";
    // The demo machine has no ruff (and mypy only for one Python): gates that run here.
    const py = readFileSync(join(project, "pyproject.toml"), "utf8").replace(
      /python = \[[^\]]*\]/,
      `python = [${pythons.map((p) => `"${p}"`).join(", ")}]`,
    );
    writeFileSync(
      join(project, "pyproject.toml"),
      `${py}
[tool.shipline.gates]
lint = false        # ruff is not installed on this machine
format = false
typecheck = false   # mypy exists for one Python only here
${buildLanded ? "" : "build = false       # `shipline build` has not landed in this build\n"}
${offlineBuild}
[tool.shipline.gates.tests]
command = ["python", "-m", "unittest", "discover", "-s", "tests", "-q"]
per-python = true
`,
    );
    const sha = commit("ci: adopt shipline (shipline init)");
    return `committed ${sha}: release-please-config.json, .release-please-manifest.json, ci.yml, release.yml${buildLanded ? "" : " (build gate off: `shipline build` not landed)"}`;
  });

  await step("Feature work lands on main", async () => {
    const shas = [
      commit("feat: add spin()", { "src/widgets/spin.py": "def spin(n):\n    return n * 360\n" }),
      commit("fix: count() of None is 0", {
        "src/widgets/__init__.py": '"""Widgets."""\n\n\ndef count(items):\n    return len(items or [])\n',
      }),
      commit("docs: usage in the README"),
      commit("chore: tidy imports"),
    ];
    return `4 commits (feat, fix, docs, chore): ${shas.join(" ")}`;
  });

  await step("shipline doctor", async () => {
    const r = await shipline(["doctor"]);
    if (notLanded(r)) return { skipped: notLanded(r)! };
    if (r.code !== 0) throw new Error(`doctor found errors (exit ${r.code})`);
    return r.stderr.trim().split("\n").at(-1) ?? "";
  });

  await step("shipline plan (offline, release-please-exact)", async () => {
    const r = await shipline(["plan", "--json"]);
    if (notLanded(r)) return { skipped: notLanded(r)! };
    if (r.code !== 0) throw new Error(`plan exited ${r.code}`);
    const plan = JSON.parse(r.stdout) as { releases: { version: string; changelog: string }[] };
    const rel = plan.releases[0];
    if (!rel) throw new Error("the plan has no release");
    for (const l of rel.changelog.split("\n")) say(`    │ ${l}`);
    return `next release ${rel.version}`;
  });

  await step("shipline run on push: gates on every Python present → plan → release PR", async () => {
    const r = await shipline(["run", ...flowFlags]);
    if (notLanded(r)) return { skipped: notLanded(r)! };
    if (r.code !== 0) throw new Error(`run exited ${r.code}`);
    const pr = gh.pulls.at(-1);
    if (!pr) throw new Error("no release PR was opened");
    prNumber = pr.number;
    return `release PR #${pr.number} "${pr.title}" (branch ${pr.head})`;
  });

  await step("The maintainer merges the release PR", async () => {
    if (!prNumber) return { skipped: "no release PR" };
    const pr = gh.pulls.find((p) => p.number === prNumber)!;
    git(["fetch", "-q", "origin", pr.head]);
    git(["merge", "-q", "--squash", "FETCH_HEAD"]);
    const sha = commit(`${pr.title} (#${pr.number})`);
    gh.merge(pr.number, git(["rev-parse", "HEAD"]));
    return `squash-merged as ${sha}`;
  });

  await step("shipline run after the merge, killed mid-upload (SHIPLINE_FAULT)", async () => {
    if (!prNumber) return { skipped: "no release PR" };
    const r = await shipline(["run", ...flowFlags], { SHIPLINE_FAULT: "upload:after-bytes=2000:kill" });
    const missing = notLanded(r);
    if (missing) {
      publishMissing = missing;
      const tag = gh.releases.at(-1)?.tag_name;
      return { skipped: `${missing}${tag ? `; the tag and GitHub release ${tag} were made` : ""}` };
    }
    if (r.signal !== "SIGKILL" && r.code !== 137)
      throw new Error(`expected the run to be killed mid-upload, it exited ${r.code}`);
    await shipline(["status"]);
    const stored = pypi.files(PROJECT).filter((f) => f.filename.includes(`-${releasedVersion()}`)).length;
    return `killed by SIGKILL mid-upload (${stored} of the ${releasedVersion()} files stored before the kill); \`shipline status\` shows where it stopped`;
  });

  await step("shipline resume: continues from the checkpoint, uploads each file exactly once", async () => {
    if (!prNumber) return { skipped: "no release PR" };
    if (publishMissing) return { skipped: publishMissing };
    // resume takes no flow flags: it continues with the options the run checkpointed.
    const r = await shipline(["resume"]);
    if (r.code !== 0) throw new Error(`resume exited ${r.code}`);
    published = true;
    const files = pypi.files(PROJECT).filter((f) => f.filename.includes(`-${releasedVersion()}`));
    const names = files.map((f) => f.filename);
    if (new Set(names).size !== names.length) throw new Error(`a file was stored twice: ${names.join(", ")}`);
    const release = gh.releases.at(-1);
    if (files.length !== 2)
      throw new Error(`expected a wheel and an sdist on the index, found ${names.join(", ")}`);
    if (/Sigstore signature not verified/.test(r.stderr))
      throw new Error("the verify stage did not check the attestations' Sigstore signatures");
    return `each file uploaded once (${names.join(", ")}), both with PEP 740 attestations: ${files.every((f) => f.attestations?.length)}; GitHub release ${release?.tag_name}`;
  });

  await step("pip install from the local index", async () => {
    if (!published) return { skipped: "nothing was published" };
    const venv = join(work, "venv");
    const py = Bun.which("python3", { PATH: "/usr/bin:/bin" }) ?? "python3";
    const mk = await exec([py, "-m", "venv", venv]);
    if (mk.code !== 0) throw new Error(`python3 -m venv failed: ${mk.stderr.trim()}`);
    const spec = `${PROJECT}==${releasedVersion()}`;
    say(paint(36, `  $ pip install --index-url ${pypi.simpleUrl} ${spec}`));
    const pip = await exec(
      [
        join(venv, "bin/python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--no-cache-dir",
        "--index-url",
        pypi.simpleUrl,
        spec,
      ],
      { PATH: process.env.PATH ?? "", HOME: work, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_RETRIES: "0" },
    );
    if (pip.code !== 0) throw new Error(`pip install failed: ${pip.stderr.trim().split("\n").at(-1)}`);
    const use = await exec([
      join(venv, "bin/python"),
      "-c",
      "import widgets, widgets.spin as s; print(f'count(None)={widgets.count(None)} spin(2)={s.spin(2)}')",
    ]);
    if (use.code !== 0) throw new Error(`the installed package does not import: ${use.stderr.trim()}`);
    return `pip installed ${spec}; python -c "import widgets" → ${use.stdout.trim()}`;
  });

  await step("shipline verify: offline, against the Sigstore stand-in's trusted root", async () => {
    if (!published) return { skipped: "nothing was published and signed" };
    const dist = join(project, "dist");
    const wheel = readdirSync(dist).find((f) => f.endsWith(`-${releasedVersion()}-py3-none-any.whl`));
    if (!wheel) throw new Error("no wheel in dist/");
    const r = await shipline([
      "verify",
      join("dist", wheel),
      "--bundle",
      join("dist", `${wheel}.sigstore.json`),
      "--cert-identity",
      `https://github.com/${OWNER}/${NAME}/.github/workflows/release.yml@refs/heads/main`,
      "--cert-oidc-issuer",
      oidc.issuer,
      "--trusted-root",
      trustedRoot,
    ]);
    if (r.code !== 0) throw new Error(`verify exited ${r.code}`);
    return `${wheel}: valid`;
  });
} finally {
  for (const c of cleanups.reverse()) await c();
}

// ───────────────────────────────────────────────────────────────────────────────────────────
const total = (performance.now() - started) / 1000;
say();
say(paint(1, "Summary"));
for (const r of results) {
  const mark = r.status === "ok" ? paint(32, "✔") : r.status === "skipped" ? paint(33, "↷") : paint(31, "✖");
  say(`  ${mark} ${r.step.padEnd(78)} ${r.secs.toFixed(1).padStart(5)}s`);
  if (r.status !== "ok") say(`      ${r.note}`);
}
const n = (s: Status) => results.filter((r) => r.status === s).length;
if (published && !failed)
  say(
    `released ${PROJECT} ${releasedVersion()}: release PR #${prNumber} → tag ${gh.releases.at(-1)?.tag_name} + GitHub release → built, checked, signed → uploaded once each (after a kill -9 and a resume) → pip-installable → verified offline`,
  );
say(
  `demo: ${n("ok")} ok, ${n("skipped")} skipped (not landed), ${n("failed")} failed in ${total.toFixed(1)}s`,
);
if (!failed && !process.env.SHIPLINE_DEMO_KEEP) rmSync(work, { recursive: true, force: true });
else say(`work dir kept: ${work}`);
process.exit(failed ? 1 : 0);

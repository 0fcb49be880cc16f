/**
 * Upload a 500 MiB wheel to the loopback PyPI stand-in (tests/servers/pypi.ts in `bench` mode,
 * its own process, restarted untimed before every sample so each upload is a first upload):
 * `shipline upload` (check + digests + streamed multipart + index confirmation) against Debian's
 * `twine upload` (digests + requests-toolbelt multipart) and curl posting the same multipart
 * form with the digest given (the floor: no hashing, no checking).
 */
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Subprocess } from "bun";
import { type Contender, fmtMs, type Measured, type Row, race, row, SHIPLINE } from "./lib.ts";

const ROOT = join(import.meta.dir, "..");
const WORK = join(ROOT, "bench", "work", "upload");
const SIZE = 500 * 1024 * 1024;
const TOKEN = "pypi-bench-token";

/** A git repository whose dist/ holds (a hard link to) the wheel, for `shipline publish`. */
function publishRepo(file: string): string {
  const dir = join(ROOT, "bench", "work", "publish");
  // A checkpoint left by an interrupted bench would make every publish a no-op ("done").
  rmSync(join(dir, ".shipline"), { recursive: true, force: true });
  if (existsSync(join(dir, ".git"))) return dir;
  mkdirSync(join(dir, "dist"), { recursive: true });
  linkSync(file, join(dir, "dist", basename(file)));
  writeFileSync(join(dir, "pyproject.toml"), '[project]\nname = "benchpkg"\nversion = "1.0.0"\n');
  writeFileSync(join(dir, ".gitignore"), "dist/\n.shipline/\n");
  for (const argv of [
    ["git", "init", "-q"],
    ["git", "add", "pyproject.toml", ".gitignore"],
    ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "init"],
  ])
    if (Bun.spawnSync(argv, { cwd: dir }).exitCode !== 0)
      throw new Error(`${argv.join(" ")} failed in ${dir}`);
  return dir;
}

function wheel(): string {
  const path = join(WORK, "benchpkg-1.0.0-py3-none-any.whl");
  if (existsSync(path)) return path;
  Bun.spawnSync(["mkdir", "-p", WORK]);
  const p = Bun.spawnSync(["python3", join(import.meta.dir, "gen-wheel.py"), WORK, String(SIZE)]);
  if (p.exitCode !== 0) throw new Error(`gen-wheel.py failed: ${p.stderr}`);
  return path;
}

let server: Subprocess<"ignore", "pipe", "inherit"> | undefined;
let serverBase = "";
let lastRunner = "";

/**
 * The bench-mode stand-in trusts the form's digests, so a client that sent a short body would
 * still get a 200: check that the index holds a file of the full size after every sample.
 */
async function verifyStored(expected: number) {
  if (!serverBase || !lastRunner) return;
  const r = await fetch(`${serverBase}/pypi/benchpkg/json`);
  const files = r.ok ? ((await r.json()) as { urls: { size: number }[] }).urls : [];
  if (files[0]?.size !== expected)
    throw new Error(`${lastRunner}: the index holds ${files[0]?.size ?? "no file"}, not ${expected} bytes`);
}

async function stopServer() {
  if (!server) return;
  server.kill("SIGTERM");
  await server.exited;
  server = undefined;
}

/** A fresh stand-in (empty index): returns its base URL. */
async function restartServer(): Promise<string> {
  await stopServer();
  server = Bun.spawn([process.execPath, join(import.meta.dir, "pypi-server.ts"), TOKEN], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = server.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the PyPI stand-in exited before printing its URL");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  serverBase = text.trim();
  return serverBase;
}

export async function bench(runs = 5): Promise<Row[]> {
  const file = wheel();
  const checked = Bun.spawnSync([SHIPLINE, "check", "--json", file]);
  if (checked.exitCode !== 0) throw new Error(`the bench wheel fails shipline check: ${checked.stderr}`);
  const { sha256 } = JSON.parse(checked.stdout.toString()).files[0].digests as { sha256: string };
  const env = { TWINE_REPOSITORY_URL: "" };
  const curlCmd = [
    "curl",
    "-sS",
    "--fail",
    "-o",
    "/dev/null",
    "-u",
    `__token__:${TOKEN}`,
    ...["file_upload", "1", "benchpkg", "1.0.0", "bdist_wheel", "py3", "2.1", sha256].flatMap((v, i) => [
      "-F",
      `${[":action", "protocol_version", "name", "version", "filetype", "pyversion", "metadata_version", "sha256_digest"][i]}=${v}`,
    ]),
    "-F",
    `content=@${file}`,
    "URL",
  ];
  const size = Bun.file(file).size;
  // `shipline publish FILE --no-sign` in a small git repo: check → upload → verify stages, the
  // upload stage sending with the digests the check stage recorded (what the target is about:
  // digests computed once). Its duration comes from the checkpoint's stage timestamps.
  const repo = publishRepo(file);
  const stageMs: number[] = [];
  const collectStage = () => {
    const state = join(repo, ".shipline", "state.json");
    if (existsSync(state)) {
      const up = JSON.parse(readFileSync(state, "utf8")).stages?.upload;
      if (up?.status !== "done") throw new Error("shipline publish: the upload stage did not finish");
      stageMs.push(Date.parse(up.finishedAt) - Date.parse(up.startedAt));
    }
    rmSync(join(repo, ".shipline"), { recursive: true, force: true });
  };
  const publishCmd = [
    SHIPLINE,
    "publish",
    "--no-sign",
    "--repository-url",
    "URL",
    join("dist", basename(file)),
  ];
  const before = (name: string) => async () => {
    await verifyStored(size);
    if (lastRunner === "shipline publish") collectStage();
    lastRunner = name;
    const base = await restartServer();
    env.TWINE_REPOSITORY_URL = `${base}/legacy/`;
    curlCmd[curlCmd.length - 1] = `${base}/legacy/`;
    publishCmd[4] = `${base}/legacy/`;
  };
  const contenders: Contender[] = [
    {
      name: "shipline upload",
      cmd: [SHIPLINE, "upload", file],
      env: Object.assign(env, {
        SHIPLINE_PYPI_TOKEN: TOKEN,
        TWINE_USERNAME: "__token__",
        TWINE_PASSWORD: TOKEN,
      }),
      before: before("shipline upload"),
    },
    {
      name: "twine upload",
      cmd: ["twine", "upload", "--disable-progress-bar", "--non-interactive", file],
      env,
      before: before("twine upload"),
    },
    { name: "curl multipart", cmd: curlCmd, before: before("curl multipart") },
    {
      name: "shipline publish",
      cmd: publishCmd,
      cwd: repo,
      env,
      before: before("shipline publish"),
    },
  ];
  let res: Measured[];
  try {
    res = await race(contenders, runs, 1);
    await verifyStored(size);
    collectStage();
  } finally {
    await stopServer();
  }
  const [o, t, c, p] = res as [Measured, Measured, Measured, Measured];
  const times = stageMs.slice(-runs).sort((a, b) => a - b); // the first was the warm-up
  const stage: Measured = {
    name: "upload stage of `shipline publish`",
    medianMs: times[times.length >> 1]!,
    minMs: times[0]!,
    medianRssMiB: p.medianRssMiB,
    medianCpuMs: Number.NaN,
    runs: times.length,
  };
  return [
    {
      ...row("upload 500 MiB wheel (`shipline upload`, incl. check + digests)", o, t, 0.25),
      target: "≤ 0.25× twine, RSS < 100 MB",
      met: o.medianMs / t.medianMs <= 0.25 && o.medianRssMiB * 1.048576 < 100,
    },
    {
      ...row(
        "upload 500 MiB: upload stage of `shipline publish` (digests from its check stage)",
        stage,
        t,
        0.25,
      ),
      shipline: `${fmtMs(stage.medianMs)} (whole publish: ${fmtMs(p.medianMs)}, ${p.medianRssMiB.toFixed(0)} MiB, cpu ${fmtMs(p.medianCpuMs)})`,
      target: "≤ 0.25× twine, RSS < 100 MB",
      met: stage.medianMs / t.medianMs <= 0.25 && p.medianRssMiB * 1.048576 < 100,
    },
    {
      ...row("upload 500 MiB vs curl multipart", o, c, Number.POSITIVE_INFINITY),
      target: "reference (floor: no hashing)",
      met: true,
      note: "floor",
    },
  ];
}

if (import.meta.main) {
  const { table } = await import("./lib.ts");
  console.log(table(await bench(Number(process.argv[2]) || 5)));
}

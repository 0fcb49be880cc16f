/** Running the compiled binary (dist/shipline, built by `npm test`) as a real process. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = resolve(import.meta.dir, "../..");
export const BIN = join(ROOT, "dist", "shipline");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function hasBinary(): boolean {
  return existsSync(BIN);
}

/** Run the compiled binary; env is merged over a clean, colourless environment. */
export async function shipline(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<CliResult> {
  if (!hasBinary()) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    ...process.env,
    NO_COLOR: "1",
    // whatever CI runs these tests, a test's shipline sees only the CI identity it is given
    GITHUB_ACTIONS: undefined,
    GITLAB_CI: undefined,
    BUILDKITE: undefined,
    CIRCLECI: undefined,
    GCE_METADATA_HOST: undefined,
    ...opts.env,
  }))
    if (v !== undefined) env[k] = v;
  const proc = Bun.spawn([BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
    // its own process group, so a timeout also kills what it spawned (git, a gate's Python):
    // a grandchild left holding stdout open would keep the reads below waiting for ever
    detached: true,
  });
  const timer = setTimeout(() => killGroup(proc), opts.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function killGroup(proc: Subprocess): void {
  try {
    process.kill(-proc.pid, "SIGKILL");
  } catch {
    proc.kill("SIGKILL"); // the group is gone already; the child may not be
  }
}

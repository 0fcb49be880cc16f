/**
 * A Bun executable loads `.env` and `bunfig.toml` from the directory it runs in unless compiled
 * with --no-compile-autoload-dotenv / --no-compile-autoload-bunfig: a repository's .env would
 * change shipline's environment (GITHUB_REPOSITORY, tokens) and its bunfig.toml `preload` would
 * run the repository's code inside shipline. This runs a binary in such a repository.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestRepo } from "./repo.ts";

export interface AutoloadProbe {
  /** the plan's changelog links name this repository */
  linksTo: string;
  /** the bunfig.toml preload ran */
  preloaded: boolean;
  code: number;
  stderr: string;
}

export function probeAutoload(bin: string): AutoloadProbe {
  const r = TestRepo.create();
  try {
    r.commit("chore: release 1.0.0", {
      "release-please-config.json": `${JSON.stringify({ packages: { ".": { "release-type": "python" } } })}\n`,
      ".release-please-manifest.json": `${JSON.stringify({ ".": "1.0.0" })}\n`,
    });
    r.tag("v1.0.0");
    r.commit("fix: a bug");
    const marker = join(r.dir, "preload-ran");
    writeFileSync(join(r.dir, ".env"), "GITHUB_REPOSITORY=evil/repo\nSHIPLINE_REPOSITORY=evil/repo\n");
    writeFileSync(
      join(r.dir, "preload.ts"),
      `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`,
    );
    writeFileSync(join(r.dir, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !k.startsWith("GITHUB_")) env[k] = v;
    const p = Bun.spawnSync([bin, "plan", "--json", "--date", "2026-01-01"], { cwd: r.dir, env });
    const stdout = p.stdout.toString();
    const link = /https:\/\/github\.com\/([^/]+\/[^/]+)\/compare\//.exec(stdout);
    return {
      linksTo: link?.[1] ?? "",
      preloaded: existsSync(marker),
      code: p.exitCode ?? -1,
      stderr: p.stderr.toString(),
    };
  } finally {
    r.remove();
  }
}

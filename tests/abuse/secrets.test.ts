/**
 * Secrets across a whole flow, with the compiled binary in GitHub Actions mode: `run` on a
 * merged release commit (tag, GitHub release, build, check, sign with an OIDC token, upload with
 * Trusted Publishing, verify) against every stand-in. Afterwards the GitHub token, the OIDC
 * request token, every JWT and every minted PyPI token are searched for in the checkpoint, the
 * gate logs, stdout (--json), stderr, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY: none may appear,
 * except each one exactly in its own `::add-mask::` line. Then servers that echo the
 * credentials back in error messages (a PyPI token in Basic auth, a GitHub token) must not
 * get them printed, in any encoding.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTemplate, startWorld, type Template, tempWork, type World } from "../chaos/world.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { makeWheel } from "../pypi/fixtures.ts";

setDefaultTimeout(120_000);

const canBuild = Bun.spawnSync(["/usr/bin/python3", "-c", "import build, setuptools, wheel"]).exitCode === 0;
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/g;

/** Every file under .shipline (checkpoint, gate logs) as text. */
function stateFiles(project: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out[p] = readFileSync(p, "utf8");
    }
  };
  walk(join(project, ".shipline"));
  return out;
}

describe.skipIf(!hasBinary() || !canBuild)("secrets over a whole release in Actions mode", () => {
  let tpl: Template;
  let w: World;
  beforeAll(async () => {
    const work = tempWork();
    tpl = await makeTemplate(work, "release-first");
    w = await startWorld(tpl, join(work, "secrets"));
  });
  afterAll(async () => {
    await w?.stop();
  });

  test("no token in checkpoint, logs, --json, stderr or Actions files; each one masked", async () => {
    const out = join(w.dir, "github_output");
    const summary = join(w.dir, "step_summary");
    writeFileSync(out, "");
    writeFileSync(summary, "");
    const r = await shipline(["run", ...w.flags, "--json"], {
      cwd: w.project,
      env: { ...w.env, GITHUB_ACTIONS: "true", GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary },
      timeoutMs: 110_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.done).toBe(true);
    expect(w.gh.releases).toHaveLength(1);
    expect(w.pypi.minted.length).toBeGreaterThan(0);

    const masked = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("::add-mask::"))
      .map((l) => l.slice("::add-mask::".length));
    const jwtsMasked = masked.filter((m) => /^eyJ/.test(m));
    expect(new Set(jwtsMasked).size).toBeGreaterThanOrEqual(2); // a sigstore and a pypi token at least
    const secrets = [
      w.env.GITHUB_TOKEN!,
      w.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!,
      ...w.pypi.minted,
      ...jwtsMasked,
    ];
    for (const s of secrets) expect(masked).toContain(s);

    const visible: Record<string, string> = {
      stdout: r.stdout,
      stderr: r.stderr
        .split("\n")
        .filter((l) => !l.startsWith("::add-mask::"))
        .join("\n"),
      github_output: readFileSync(out, "utf8"),
      step_summary: readFileSync(summary, "utf8"),
      ...stateFiles(w.project),
    };
    for (const [where, text] of Object.entries(visible)) {
      for (const s of secrets) expect(text.includes(s), `${where} contains a secret`).toBe(false);
      expect(text.match(JWT), `${where} contains a JWT`).toBeNull();
    }
    const state = join(w.project, ".shipline", "state.json");
    expect(statSync(state).mode & 0o777).toBe(0o600);
    expect(statSync(join(w.project, ".shipline")).mode & 0o777).toBe(0o700);
  });
});

describe.skipIf(!hasBinary())("servers that echo credentials back", () => {
  const PYPI_TOKEN = "pypi-AgEIcHlwaS5vcmcSECRETechoTEST0123456789abcdef";
  const GH_TOKEN = "ghp_SECRETechoTEST0123456789abcdefABCD";
  let server: ReturnType<typeof Bun.serve>;
  beforeAll(() => {
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        if (req.method === "POST") await req.arrayBuffer().catch(() => {});
        const auth = req.headers.get("authorization") ?? "";
        const decoded = auth.startsWith("Basic ")
          ? Buffer.from(auth.slice(6), "base64").toString()
          : auth.replace(/^(token|bearer) /i, "");
        const message = `Invalid credentials. You sent "${auth}" which decodes to "${decoded}" (url-encoded: ${encodeURIComponent(decoded)})`;
        if (new URL(req.url).pathname.startsWith("/simple/")) return new Response("nope", { status: 404 });
        return new Response(JSON.stringify({ message }), {
          status: 403,
          headers: { "content-type": "application/json" },
        });
      },
    });
  });
  afterAll(() => server?.stop(true));

  /** Neither the token nor its base64/URL forms may appear outside ::add-mask:: lines. */
  function leaks(text: string, token: string): string[] {
    const forms = [token, Buffer.from(`__token__:${token}`).toString("base64"), encodeURIComponent(token)];
    const visible = text
      .split("\n")
      .filter((l) => !l.startsWith("::add-mask::"))
      .join("\n");
    return forms.filter((f) => visible.includes(f));
  }

  test("upload: a 403 that quotes the Basic auth header prints no form of the PyPI token", async () => {
    const dir = tempDir();
    makeWheel(dir, { name: "echo-pkg" });
    for (const actions of [undefined, "true"]) {
      const r = await shipline(
        [
          "upload",
          "echo_pkg-1.0.0-py3-none-any.whl",
          "--repository-url",
          `http://127.0.0.1:${server.port}/legacy/`,
          "--json",
        ],
        {
          cwd: dir,
          env: { SHIPLINE_PYPI_TOKEN: PYPI_TOKEN, SHIPLINE_HTTP_BACKOFF_MS: "1", GITHUB_ACTIONS: actions },
        },
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("Invalid credentials");
      expect(leaks(r.stderr, PYPI_TOKEN)).toEqual([]);
      expect(leaks(r.stdout, PYPI_TOKEN)).toEqual([]);
      if (actions) expect(r.stderr).toContain(`::add-mask::${PYPI_TOKEN}`);
    }
  });

  test("pr: a 403 that quotes the GitHub token prints no form of it", async () => {
    const repo = TestRepo.python("1.0.0");
    repo.commit("feat: x");
    for (const actions of [undefined, "true"]) {
      const r = await shipline(
        ["pr", "--repo", "octo/sample", "--json", "--state", join(tempDir(), "s.json")],
        {
          cwd: repo.dir,
          env: {
            GITHUB_API_URL: `http://127.0.0.1:${server.port}`,
            GITHUB_TOKEN: GH_TOKEN,
            GITHUB_ACTIONS: actions,
          },
        },
      );
      expect(r.code).toBe(1);
      expect(leaks(r.stderr, GH_TOKEN)).toEqual([]);
      expect(leaks(r.stdout, GH_TOKEN)).toEqual([]);
      if (actions) expect(r.stderr).toContain(`::add-mask::${GH_TOKEN}`);
    }
  });
});

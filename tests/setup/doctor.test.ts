/** `shipline doctor` on repositories broken in each way the seed's Troubleshooting lists. */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkTrustedRoot } from "../../src/setup/doctor/check-environment.ts";
import { embeddedTrustedRoot } from "../../src/setup/doctor/embedded-root.ts";
import type { Finding } from "../../src/setup/doctor/finding.ts";
import { runDoctor } from "../../src/setup/doctor/run-doctor.ts";
import { hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";
import { startGitHub } from "../servers/github.ts";
import { startPypi } from "../servers/pypi.ts";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

/** A PATH holding stand-in executables for the default gates' tools (ruff, mypy, pytest) plus git. */
const toolDir = tempDir("shipline-tools-");
for (const t of ["ruff", "mypy", "pytest"]) {
  writeFileSync(join(toolDir, t), "#!/bin/sh\nexit 0\n");
  chmodSync(join(toolDir, t), 0o755);
}
const gitDir = Bun.which("git")!.replace(/\/git$/, "");
const PATH = `${toolDir}:${gitDir}`;
afterAll(() => rmSync(toolDir, { recursive: true, force: true }));

const GOOD_WORKFLOW = `name: Release
on:
  push:
    branches: [main]
permissions:
  contents: write
  pull-requests: write
  id-token: write
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: shipline/shipline@v0.1.0
        with:
          version: "0.1.0"
`;

function healthy(version = "1.0.0"): TestRepo {
  const r = TestRepo.python(version);
  repos.push(r);
  r.commit("ci: release workflow", { ".github/workflows/release.yml": GOOD_WORKFLOW });
  return r;
}

async function doctor(r: TestRepo, env: Record<string, string | undefined> = {}, online = false) {
  return runDoctor({ root: r.dir, env: { PATH, ...env }, online });
}

/** `run --no-publish` in a release job, then a publish job with `steps` (YAML lines). */
function twoJobWorkflow(steps: string, needs = "release"): string {
  return `name: Release
on:
  push:
    branches: [main]
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: write
    env:
      GITHUB_TOKEN: x
    steps:
      - run: ./shipline run --no-publish
  publish:
    needs: ${needs}
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
${steps}`;
}

function find(findings: Finding[], id: string): Finding {
  const f = findings.filter((x) => x.id === id);
  if (!f.length) throw new Error(`no finding ${id} in ${JSON.stringify(findings.map((x) => x.id))}`);
  return f.find((x) => x.status !== "ok") ?? f[0]!;
}

describe("shipline doctor (real git repos)", () => {
  test("a healthy repository has no warnings or errors except about its own commits", async () => {
    const r = healthy();
    r.commit("feat: a feature");
    const f = await doctor(r);
    const bad = f.filter((x) => x.status !== "ok" && x.id !== "trusted-root");
    expect(bad).toEqual([]);
    expect(find(f, "commits").title).toBe(
      "next release: 1.0.0 → 1.1.0 from 1 releasable commit(s) since v1.0.0",
    );
  });

  test("config that is not valid JSON → config-json error", async () => {
    const r = healthy();
    r.write("release-please-config.json", '{"packages": {".": {"release-type": "python",}}}');
    const f = find(await doctor(r), "config-json");
    expect(f.status).toBe("error");
    expect(f.fix).toContain("release-please-config.json");
  });

  test("config of the wrong shape → config-schema error naming the key; unknown key → warning", async () => {
    const r = healthy();
    r.write(
      "release-please-config.json",
      JSON.stringify({
        packages: {
          ".": { "release-type": "python", "bump-minor-pre-major": "yes", "changelog-section": [] },
        },
      }),
    );
    const f = await doctor(r);
    const schema = find(f, "config-schema");
    expect(schema.status).toBe("error");
    expect(schema.detail).toContain('packages["."].bump-minor-pre-major must be boolean');
    const unknown = find(f, "config-unknown-keys");
    expect(unknown.status).toBe("warn");
    expect(unknown.detail).toContain("changelog-section");
  });

  test("missing config → config-missing error whose fix is init", async () => {
    const r = TestRepo.create();
    repos.push(r);
    r.commit("feat: x", { "pyproject.toml": '[project]\nname = "x"\nversion = "0.1.0"\n' });
    const f = find(await doctor(r), "config-missing");
    expect(f.status).toBe("error");
    expect(f.fix).toContain("shipline init");
  });

  test("missing manifest → manifest error", async () => {
    const r = healthy();
    r.git("rm", "-q", ".release-please-manifest.json");
    const f = find(await doctor(r), "manifest");
    expect(f.status).toBe("error");
    expect(f.title).toContain(".release-please-manifest.json is missing");
  });

  test("pyproject version differs from the manifest → pyproject-version error", async () => {
    const r = healthy();
    r.write("pyproject.toml", '[project]\nname = "sample"\nversion = "1.1.0"\n');
    const f = find(await doctor(r), "pyproject-version");
    expect(f.status).toBe("error");
    expect(f.title).toBe("pyproject.toml says 1.1.0 but .release-please-manifest.json says 1.0.0");
  });

  test("a Poetry version, or a Hatch version file, is compared with the manifest too", async () => {
    const r = healthy();
    r.write("pyproject.toml", '[tool.poetry]\nname = "sample"\nversion = "2.3.1"\n');
    const f = find(await doctor(r), "pyproject-version");
    expect(f.status).toBe("error");
    expect(f.title).toBe("pyproject.toml says 2.3.1 but .release-please-manifest.json says 1.0.0");
    r.write(
      "pyproject.toml",
      '[project]\nname = "sample"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "src/sample/__about__.py"\n',
    );
    r.write("src/sample/__about__.py", '__version__ = "1.0.0"\n');
    const all = await doctor(r);
    expect(find(all, "pyproject-version").status).toBe("ok");
    const v = find(all, "version-file");
    expect(v.status).toBe("warn");
    expect(v.title).toContain("src/sample/__about__.py");
  });

  test("a shallow clone: the missing tags are not blamed, the fix is to fetch them", async () => {
    const origin = healthy();
    origin.commit("fix: later", { "x.py": "1\n" });
    const clone = TestRepo.create();
    repos.push(clone);
    rmSync(clone.dir, { recursive: true, force: true });
    Bun.spawnSync(["git", "clone", "-q", "--depth", "1", "--no-tags", `file://${origin.dir}`, clone.dir]);
    const all = await doctor(clone);
    const f = find(all, "shallow-clone");
    expect(f.status).toBe("warn");
    expect(f.fix).toContain("git fetch --unshallow --tags");
    expect(all.some((x) => x.id === "tags" && x.status === "error")).toBe(false);
  });

  test("a bare manifest change (e.g. by init) is not a pending release: its missing tag is an error", async () => {
    const r = healthy();
    r.commit("chore(main): release 1.1.0", {
      ".release-please-manifest.json": '{".": "1.1.0"}\n',
      "pyproject.toml": '[project]\nname = "sample"\nversion = "1.1.0"\n',
    });
    expect(find(await doctor(r), "tags").status).toBe("error");
  });

  test("the manifest's tag is missing → tags error with the git tag command", async () => {
    const r = healthy();
    r.git("tag", "-d", "v1.0.0");
    const released = r.git("rev-parse", "--short=12", "HEAD~1");
    r.commit("fix: something");
    r.tag("v0.9.0", "HEAD~2");
    const f = find(await doctor(r), "tags");
    expect(f.status).toBe("error");
    expect(f.fix).toContain(`git tag v1.0.0 ${released}`);
  });

  test("a merged release PR not yet tagged → tags warning pointing at `shipline release`", async () => {
    const r = healthy();
    r.commit("chore(main): release 1.1.0", {
      "CHANGELOG.md":
        "# Changelog\n\n## [1.1.0](https://github.com/o/n/compare/v1.0.0...v1.1.0) (2026-12-01)\n\n\n### Features\n\n* x\n",
      ".release-please-manifest.json": '{".": "1.1.0"}\n',
      "pyproject.toml": '[project]\nname = "sample"\nversion = "1.1.0"\n',
    });
    const f = find(await doctor(r), "tags");
    expect(f.status).toBe("warn");
    expect(f.fix).toContain("shipline release");
  });

  test("a tag newer than the manifest → tags error", async () => {
    const r = healthy();
    r.commit("feat: x");
    r.tag("v1.2.0");
    const f = find(await doctor(r), "tags");
    expect(f.status).toBe("error");
    expect(f.fix).toContain('"1.2.0"');
  });

  test("only hidden commit types since the release → commits warning (release PR not created)", async () => {
    const r = healthy();
    r.commit("chore: tidy");
    r.commit("ci: faster");
    r.commit("test: more");
    const f = find(await doctor(r), "commits");
    expect(f.status).toBe("warn");
    expect(f.title).toContain("all 4 commit(s) since v1.0.0 are hidden types"); // + the workflow commit (ci:)
  });

  test("a custom changelog-sections hides docs too (the seed lists only feat and fix)", async () => {
    const r = healthy();
    r.write(
      "release-please-config.json",
      JSON.stringify({
        packages: { ".": { "release-type": "python" } },
        "changelog-sections": [
          { type: "feat", section: "Features", hidden: false },
          { type: "fix", section: "Bug Fixes", hidden: false },
        ],
      }),
    );
    r.commit("docs: readme");
    expect(find(await doctor(r), "commits").status).toBe("warn");
  });

  test("non-conventional commits → commits warning; a breaking one is releasable", async () => {
    const r = healthy();
    r.commit("Update stuff");
    const f = find(await doctor(r), "commits");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("1 commit(s) are not conventional");
    r.commit("refactor!: drop py38");
    expect(find(await doctor(r), "commits").status).toBe("ok");
  });

  test("a blocking gate's tool missing from PATH → gate-tools error; disabling the gate clears it", async () => {
    const r = healthy();
    const f = await doctor(r, { PATH: "/nonexistent" });
    const ruff = f.find((x) => x.id === "gate-tools" && x.title.startsWith("ruff"));
    expect(ruff?.status).toBe("error");
    expect(ruff?.fix).toContain("enabled = false");
    const mypy = f.find((x) => x.id === "gate-tools" && x.title.startsWith("mypy"));
    expect(mypy?.status).toBe("warn"); // mypy is non-blocking by default
    r.write(
      "pyproject.toml",
      '[project]\nname = "sample"\nversion = "1.0.0"\n\n[tool.shipline.gates]\nlint = false\nformat = false\ntypecheck = false\ntests = false\n',
    );
    expect(find(await doctor(r, { PATH: "/nonexistent" }), "gate-tools").status).toBe("ok");
  });

  test("build-tool: uv, or a Python that can import `build`, is found; a configured build command needs neither", async () => {
    const r = healthy();
    // a python3 that answers `import build`: the one `shipline build` would run
    const py = tempDir("shipline-py-");
    writeFileSync(join(py, "python3"), '#!/bin/sh\n[ "$2" = "import build" ] && exit 0\nexit 1\n');
    chmodSync(join(py, "python3"), 0o755);
    const withPy = find(await doctor(r, { PATH: `${py}:${PATH}` }), "build-tool");
    expect(withPy.status).toBe("ok");
    expect(withPy.title).toBe(`${join(py, "python3")} has the \`build\` module for \`shipline build\``);
    writeFileSync(join(py, "uv"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(py, "uv"), 0o755);
    expect(find(await doctor(r, { PATH: `${py}:${PATH}` }), "build-tool").title).toBe(
      "uv is on PATH for `shipline build`",
    );
    r.write(
      "pyproject.toml",
      '[project]\nname = "sample"\nversion = "1.0.0"\n\n[tool.shipline.build]\ncommand = ["make", "dist"]\n',
    );
    expect((await doctor(r)).some((x) => x.id === "build-tool")).toBe(false);
    rmSync(py, { recursive: true, force: true });
  });

  test("build-tool: not asked in a monorepo whose every package has its own build command", async () => {
    const r = TestRepo.create();
    const own = (name: string) =>
      `[project]\nname = "${name}"\nversion = "1.0.0"\n\n[tool.shipline.build]\ncommand = ["make", "dist"]\n`;
    r.commit("chore: two packages", {
      "release-please-config.json": JSON.stringify({ packages: { "libs/a": {}, "libs/b": {} } }),
      ".release-please-manifest.json": JSON.stringify({ "libs/a": "1.0.0", "libs/b": "1.0.0" }),
      "libs/a/pyproject.toml": own("a"),
      "libs/b/pyproject.toml": '[project]\nname = "b"\nversion = "1.0.0"\n',
    });
    // libs/b is built the default way (uv or python -m build): asked
    expect((await doctor(r, { PATH: "/nonexistent" })).some((x) => x.id === "build-tool")).toBe(true);
    r.write("libs/b/pyproject.toml", own("b"));
    expect((await doctor(r, { PATH: "/nonexistent" })).some((x) => x.id === "build-tool")).toBe(false);
    r.remove();
  });

  test("a release workflow without id-token: write → workflow-permissions error", async () => {
    const r = healthy();
    r.write(".github/workflows/release.yml", GOOD_WORKFLOW.replace("  id-token: write\n", ""));
    const f = find(await doctor(r), "workflow-permissions");
    expect(f.status).toBe("error");
    expect(f.title).toContain("id-token: write");
    expect(f.fix).toContain("id-token: write");
  });

  test("release assets: a step of its own attaching files → release-assets warning; with github-assets, the publish job needs contents and a token", async () => {
    const r = healthy();
    const attach = GOOD_WORKFLOW.concat(
      '      - run: gh release upload "$TAG" dist/*\n        env:\n          GH_TOKEN: x\n',
    );
    r.write(".github/workflows/release.yml", attach);
    const f = find(await doctor(r), "release-assets");
    expect(f.status).toBe("warn");
    expect(f.title).toBe(
      ".github/workflows/release.yml attaches files to the GitHub release in a step of its own",
    );
    expect(f.fix).toContain("github-assets = true");
    const py = readFileSync(join(r.dir, "pyproject.toml"), "utf8");
    r.write("pyproject.toml", `${py}\n[tool.shipline.publish]\ngithub-assets = true\n`);
    expect((await doctor(r)).some((x) => x.id === "release-assets")).toBe(false);
    // a two-job workflow: the publish job attaches the files, so it needs contents: write and a token
    const twoJobs = twoJobWorkflow("      - run: ./shipline publish --require-release\n");
    r.write(".github/workflows/release.yml", twoJobs);
    const all = await doctor(r);
    const perms = all.filter((x) => x.id === "workflow-permissions" && x.status === "error");
    expect(perms.map((x) => x.title)).toEqual([
      '.github/workflows/release.yml job "publish" lacks contents: write',
    ]);
    expect(find(all, "workflow-token").title).toContain(
      'job "publish" runs `shipline publish` without GITHUB_TOKEN',
    );
    r.write("pyproject.toml", py);
    expect((await doctor(r)).filter((x) => x.status === "error").map((x) => x.id)).not.toContain(
      "workflow-token",
    );
  });

  test("a two-job publish job must check out the release job's release commit (workflow-publish-ref)", async () => {
    const r = healthy();
    const workflow = (ref: string) =>
      twoJobWorkflow(
        `      - uses: actions/checkout@v4${ref ? `\n        with:\n          ref: ${ref}` : ""}\n      - run: ./shipline publish --require-release\n`,
        "[release]",
      );
    r.write(".github/workflows/release.yml", workflow(""));
    const bare = find(await doctor(r), "workflow-publish-ref");
    expect(bare.status).toBe("warn");
    expect(bare.title).toBe(
      '.github/workflows/release.yml job "publish" checks out the pushed commit, not the release job\'s release commit',
    );
    expect(bare.fix).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression
      "ref: ${{ needs.release.outputs.tag_name || needs.release.outputs.releases_sha || github.sha }}",
    );
    // the root package's tag_name names the release commit…
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression
    r.write(".github/workflows/release.yml", workflow("${{ needs.release.outputs.tag_name || github.sha }}"));
    expect(find(await doctor(r), "workflow-publish-ref").status).toBe("ok");
    // …a monorepo (no "." package) has no root tag_name: only releases_sha does it there
    r.write(
      "release-please-config.json",
      `${JSON.stringify({ packages: { "packages/a": { "release-type": "python", "package-name": "a" } } })}\n`,
    );
    const mono = find(await doctor(r), "workflow-publish-ref");
    expect(mono.status).toBe("warn");
    expect(mono.detail).toContain("a monorepo's releases have no root tag_name");
    r.write(
      ".github/workflows/release.yml",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression
      workflow("${{ needs.release.outputs.tag_name || needs.release.outputs.releases_sha || github.sha }}"),
    );
    expect(find(await doctor(r), "workflow-publish-ref").status).toBe("ok");
    // …or the release job's tags handed to `publish --tags`, whatever the checkout
    r.write(
      ".github/workflows/release.yml",
      workflow("").replace(
        "publish --require-release",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression
        "publish --require-release --tags=${{ needs.release.outputs.tags_released }}",
      ),
    );
    const tagged = find(await doctor(r), "workflow-publish-ref");
    expect([tagged.status, tagged.title]).toEqual([
      "ok",
      '.github/workflows/release.yml job "publish" passes the release job\'s tags_released to `publish --tags`',
    ]);
    expect(mono.fix).toContain("--tags=");
    // a one-job workflow has no such job: nothing to say
    r.write(".github/workflows/release.yml", GOOD_WORKFLOW);
    expect((await doctor(r)).some((x) => x.id === "workflow-publish-ref")).toBe(false);
  });

  test("a `run: shipline run` step without GITHUB_TOKEN in any env → workflow-token error; the action needs none", async () => {
    const r = healthy();
    const bare = GOOD_WORKFLOW.replace(
      '      - uses: shipline/shipline@v0.1.0\n        with:\n          version: "0.1.0"\n',
      "      - run: ./shipline run --json\n",
    );
    r.write(".github/workflows/release.yml", bare);
    const f = find(await doctor(r), "workflow-token");
    expect(f.status).toBe("error");
    expect(f.title).toContain('job "release" runs `shipline run` without GITHUB_TOKEN');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression
    expect(f.fix).toContain("GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}");
    // the token in the step's, the job's or the workflow's env is enough
    for (const fixed of [
      bare.replace(
        "      - run: ./shipline run --json\n",
        "      - run: ./shipline run --json\n        env:\n          GITHUB_TOKEN: x\n",
      ),
      bare.replace(
        "    runs-on: ubuntu-latest\n",
        "    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: x\n",
      ),
      bare.replace("jobs:\n", "env:\n  GITHUB_TOKEN: x\njobs:\n"),
    ]) {
      r.write(".github/workflows/release.yml", fixed);
      expect((await doctor(r)).some((x) => x.id === "workflow-token")).toBe(false);
    }
    // the composite action (GOOD_WORKFLOW) takes the job's token by default
    r.write(".github/workflows/release.yml", GOOD_WORKFLOW);
    expect((await doctor(r)).some((x) => x.id === "workflow-token")).toBe(false);
  });

  test("no workflow runs shipline, old release-please workflow present → warning with init as fix", async () => {
    const r = healthy();
    r.git("rm", "-q", ".github/workflows/release.yml");
    r.write(
      ".github/workflows/rp.yml",
      "on: push\njobs:\n  rp:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: googleapis/release-please-action@v4\n",
    );
    const f = find(await doctor(r), "workflow-permissions");
    expect(f.status).toBe("warn");
    expect(f.fix).toContain("shipline init");
  });

  test("inside Actions without the OIDC request URL → trusted-publishing error; with it → ok", async () => {
    const r = healthy();
    const no = find(await doctor(r, { GITHUB_ACTIONS: "true" }), "trusted-publishing");
    expect(no.status).toBe("error");
    expect(no.fix).toContain("id-token: write");
    const yes = find(
      await doctor(r, {
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:1/token",
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
      }),
      "trusted-publishing",
    );
    expect(yes.status).toBe("ok");
  });

  test("monorepo packages without components share tag names: an error naming both and the package-names to add", async () => {
    const r = healthy();
    r.commit("build: two packages", {
      "release-please-config.json": JSON.stringify({
        "release-type": "python",
        packages: { "libs/a": {}, "libs/b": {}, "libs/c": { "package-name": "c" } },
      }),
      ".release-please-manifest.json": JSON.stringify({
        "libs/a": "1.0.0",
        "libs/b": "1.0.0",
        "libs/c": "1.0.0",
      }),
      "libs/a/pyproject.toml": '[project]\nname = "acme-a"\nversion = "1.0.0"\n',
    });
    const f = find(await doctor(r), "tag-collision");
    expect(f.status).toBe("error");
    expect(f.title).toBe("libs/a, libs/b both tag their releases `v<version>`");
    expect(f.fix).toContain(
      'packages["libs/a"]: {"package-name": "acme-a"}, packages["libs/b"]: {"package-name": "b"}',
    );
    const fine = await doctor(healthy());
    expect(fine.some((x) => x.id === "tag-collision")).toBe(false);
  });

  test("GitLab CI/CD: the id_tokens publishing needs (PYPI_ID_TOKEN unless an API token, SIGSTORE_ID_TOKEN); SHIPLINE_OIDC checked", async () => {
    const r = healthy();
    const none = find(await doctor(r, { GITLAB_CI: "true" }), "trusted-publishing");
    expect(none.status).toBe("error");
    expect(none.title).toBe("running in GitLab CI/CD without PYPI_ID_TOKEN and SIGSTORE_ID_TOKEN");
    expect(none.fix).toContain(
      "id_tokens: { PYPI_ID_TOKEN: { aud: pypi }, SIGSTORE_ID_TOKEN: { aud: sigstore } }",
    );
    const token = find(
      await doctor(r, { GITLAB_CI: "true", SHIPLINE_PYPI_TOKEN: "pypi-x", SIGSTORE_ID_TOKEN: "a.b.c" }),
      "trusted-publishing",
    );
    expect(token.status).toBe("ok");
    const both = find(
      await doctor(r, { GITLAB_CI: "true", PYPI_ID_TOKEN: "a.b.c", SIGSTORE_ID_TOKEN: "a.b.c" }),
      "trusted-publishing",
    );
    expect(both.status).toBe("ok");
    const bin = tempDir("bk-bin-");
    writeFileSync(join(bin, "buildkite-agent"), "#!/bin/sh\n");
    chmodSync(join(bin, "buildkite-agent"), 0o755);
    const bk = find(await doctor(r, { BUILDKITE: "true", PATH: `${bin}:${PATH}` }), "trusted-publishing");
    expect(bk.title).toContain("Buildkite OIDC identity is available");
    const noAgent = find(await doctor(r, { CIRCLECI: "true" }), "trusted-publishing");
    expect(noAgent.status).toBe("error");
    expect(noAgent.title).toBe("running in CircleCI without `circleci` on PATH");
    const bad = find(await doctor(r, { SHIPLINE_OIDC: "jenkins" }), "trusted-publishing");
    expect(bad.status).toBe("error");
    expect(bad.title).toContain("SHIPLINE_OIDC=jenkins");
  });

  test("the embedded trusted root: dated, ok now, warned about once old, error when every CA expired", () => {
    const info = embeddedTrustedRoot();
    expect(info.root).toBeDefined();
    expect(checkTrustedRoot(info, new Date("2026-01-01"))[0]!.status).toBe("ok");
    expect(checkTrustedRoot(info, new Date("2027-06-01"))[0]!.status).toBe("warn");
    const expired = {
      ...info,
      root: {
        certificateAuthorities: [
          { validFor: { start: "2021-01-01T00:00:00Z", end: "2022-01-01T00:00:00Z" } },
        ],
      },
    };
    expect(checkTrustedRoot(expired, new Date("2026-01-01"))[0]!.status).toBe("error");
  });

  test("--online with a token: a ruleset requiring signed commits → signed-commits error until the config says so", async () => {
    const pypi = await startPypi();
    const gh = await startGitHub();
    try {
      const r = healthy();
      const py = `[project]\nname = "sample"\nversion = "1.0.0"\n\n[tool.shipline.publish]\nrepository-url = "${pypi.uploadUrl}"\n`;
      r.write("pyproject.toml", py);
      const env = { ...gh.env, GITHUB_REF: "refs/heads/main" };
      expect(find(await doctor(r, env, true), "signed-commits").title).toBe(
        "main does not require signed commits",
      );
      gh.settings.requiredSignatures = true;
      const f = find(await doctor(r, env, true), "signed-commits");
      expect(f.status).toBe("error");
      expect(f.title).toBe("octo/sample: main requires signed commits (ruleset 42)");
      expect(f.fix).toContain("signed-commits = true");
      r.write(
        "pyproject.toml",
        py.replace(
          "[tool.shipline.publish]",
          "[tool.shipline]\nsigned-commits = true\n\n[tool.shipline.publish]",
        ),
      );
      expect(find(await doctor(r, env, true), "signed-commits").status).toBe("ok");
      gh.settings.immutableReleases = true;
      expect(find(await doctor(r, env, true), "immutable-releases").title).toContain(
        "immutable releases are on",
      );
      // without a token nothing is asked
      expect(
        find(await doctor(r, { GITHUB_REF: "refs/heads/main" }, true), "github-settings").title,
      ).toContain("GITHUB_TOKEN is not set");
    } finally {
      gh.stop();
      await pypi.stop();
    }
  });

  test("--online: a version already on the index but not tagged → pypi-version-conflict error", async () => {
    const pypi = await startPypi();
    pypi.seed({
      project: "sample",
      version: "1.0.0",
      filename: "sample-1.0.0.tar.gz",
      bytes: new TextEncoder().encode("an sdist"),
    });
    try {
      const r = healthy();
      const cfg = (name: string) =>
        `[project]\nname = "${name}"\nversion = "1.0.0"\n\n[tool.shipline.publish]\nrepository-url = "${pypi.uploadUrl}"\n`;
      r.write("pyproject.toml", cfg("Sample"));
      expect(find(await doctor(r, {}, true), "pypi-version-conflict").status).toBe("ok");
      r.git("tag", "-d", "v1.0.0"); // 1.0.0 is on the index but was never released here
      const f = find(await doctor(r, {}, true), "pypi-version-conflict");
      expect(f.status).toBe("error");
      expect(f.detail).toContain("never accepts a file name twice");
      r.write("pyproject.toml", cfg("other"));
      const missing = find(await doctor(r, {}, true), "pypi");
      expect(missing.status).toBe("warn");
      expect(missing.fix).toContain("pending publisher");
    } finally {
      await pypi.stop();
    }
  });
});

describe.skipIf(!hasBinary())("shipline doctor (compiled binary)", () => {
  test("--json prints {findings:[…]} with the contract's fields; exit 1 on an error finding, 0 otherwise", async () => {
    const r = healthy();
    const good = await shipline(["doctor", "--json"], { cwd: r.dir, env: { PATH } });
    expect(good.code).toBe(0);
    const out = JSON.parse(good.stdout) as { findings: Finding[] };
    for (const f of out.findings) {
      expect(Object.keys(f).sort()).toEqual(["detail", "fix", "id", "status", "title"]);
      expect(["ok", "warn", "error"]).toContain(f.status);
    }
    expect(good.stderr).toContain("✓");
    r.write(".release-please-manifest.json", "{");
    const bad = await shipline(["doctor", "--json"], { cwd: r.dir, env: { PATH } });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).findings.some((f: Finding) => f.status === "error")).toBe(true);
    expect(bad.stderr).toContain("✖");
    expect(bad.stderr).toContain("fix:");
  });
});

/**
 * `publish` and `run` choose the upload URL as `upload` does (README "Publishing to PyPI"):
 * --repository-url › TWINE_REPOSITORY_URL › --repository/TWINE_REPOSITORY (~/.pypirc, or the
 * pypi/testpypi names) › [tool.shipline] publish.repository-url — and record it. Before, they
 * ignored the environment and --repository and went to PyPI.
 */
import { afterAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildRunOptions } from "../../src/cli/flow-options.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";

const repo = TestRepo.python();
const home = tempDir();
writeFileSync(
  join(home, ".pypirc"),
  "[distutils]\nindex-servers = corp\n\n[corp]\nrepository = https://pypi.corp.example/legacy/\n",
);
afterAll(() => {
  repo.remove();
  rmSync(home, { recursive: true, force: true });
});

const url = (args: Record<string, unknown>, env: Record<string, string> = {}, command = "publish") =>
  buildRunOptions(command, repo.dir, args, { HOME: home, ...env }).repositoryUrl;

test.each([
  [{}, {}, "https://upload.pypi.org/legacy/"],
  [{}, { TWINE_REPOSITORY_URL: "https://test.pypi.org/legacy/" }, "https://test.pypi.org/legacy/"],
  [{}, { TWINE_REPOSITORY: "testpypi" }, "https://test.pypi.org/legacy/"],
  [{ repository: "corp" }, {}, "https://pypi.corp.example/legacy/"],
  [
    { repository: "corp" },
    { TWINE_REPOSITORY_URL: "https://test.pypi.org/legacy/" },
    "https://pypi.corp.example/legacy/",
  ],
  [
    { "repository-url": "http://127.0.0.1:1/legacy/" },
    { TWINE_REPOSITORY: "testpypi" },
    "http://127.0.0.1:1/legacy/",
  ],
] as const)("publish %p with %p uploads to %s", (args, env, expected) => {
  expect(url(args, env)).toBe(expected);
  expect(url(args, env, "run")).toBe(expected);
});

test("a bad URL or an unknown repository name stops before anything runs", () => {
  expect(() => url({}, { TWINE_REPOSITORY_URL: "ftp://x/" })).toThrow(
    "TWINE_REPOSITORY_URL ftp://x/: expected an http(s) URL",
  );
  expect(() => url({ repository: "nope" })).toThrow("--repository nope: no [nope] section");
});

test("a misspelt [tool.shipline] key is warned about by run/publish/pr/release, not only by doctor", () => {
  const r = TestRepo.create();
  r.commit("chore: init", {
    "pyproject.toml": '[project]\nname = "p"\nversion = "1.0.0"\n\n[tool.shipline]\nconfirm-majr = true\n',
  });
  const warned: string[] = [];
  const noToken: string[] = [];
  try {
    buildRunOptions("run", r.dir, {}, { HOME: home, GITHUB_TOKEN: "t" }, (m) => warned.push(m));
    // without a token, `run` also says so once every flag is checked (not in a --dry-run)
    buildRunOptions("run", r.dir, {}, { HOME: home }, (m) => noToken.push(m));
    buildRunOptions("run", r.dir, { "dry-run": true }, { HOME: home }, (m) => noToken.push(m));
  } finally {
    r.remove();
  }
  expect(warned).toEqual(["pyproject.toml: unknown key confirm-majr (ignored)"]);
  expect(noToken).toEqual([
    "pyproject.toml: unknown key confirm-majr (ignored)",
    "GITHUB_TOKEN is not set: the gates run, then the pr stage stops the run (export a token with contents and pull-requests write, or preview with --dry-run)",
    "pyproject.toml: unknown key confirm-majr (ignored)",
  ]);
});

/**
 * A small, real Python project with release-please config, buildable offline
 * (`python3 -m build --no-isolation` with Debian's setuptools), for end-to-end tests, the
 * chaos suite and the demo.
 */
import { TestRepo } from "./repo.ts";

export interface SampleOptions {
  name?: string;
  version?: string;
  /** [tool.shipline] body appended to pyproject.toml (e.g. gates turned off). */
  shipline?: string;
  /** Extra release-please package config. */
  config?: Record<string, unknown>;
}

export const GATES_OFF = [
  "[tool.shipline.gates]",
  "lint = false",
  "format = false",
  "typecheck = false",
  "tests = false",
  "build = false",
].join("\n");

export function pyproject(name: string, version: string, extra = ""): string {
  return `[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "${name}"
version = "${version}"
description = "A sample package released by shipline"
readme = "README.md"
requires-python = ">=3.9"
license = { text = "MIT" }

[tool.setuptools.packages.find]
where = ["src"]
${extra ? `\n${extra}\n` : ""}`;
}

/** A repo whose first commit is the tagged release `version`. */
export function sampleProject(opts: SampleOptions = {}): TestRepo {
  const name = opts.name ?? "shipline-sample";
  const version = opts.version ?? "1.0.0";
  const mod = name.replace(/-/g, "_");
  const repo = TestRepo.create();
  repo.commit(`chore: release ${version}`, {
    "release-please-config.json": `${JSON.stringify({ packages: { ".": { "release-type": "python", "package-name": name, ...opts.config } } }, null, 2)}\n`,
    ".release-please-manifest.json": `${JSON.stringify({ ".": version }, null, 2)}\n`,
    "pyproject.toml": pyproject(name, version, opts.shipline),
    "README.md": `# ${name}\n\nA sample package.\n`,
    [`src/${mod}/__init__.py`]: `__version__ = "${version}"\n`,
    "tests/test_sample.py": `import ${mod}\n\n\ndef test_version():\n    assert ${mod}.__version__\n`,
    ".gitignore": "dist/\n.shipline/\n*.egg-info/\n__pycache__/\nbuild/\n",
  });
  repo.tag(`v${version}`);
  return repo;
}

/**
 * A uv workspace in a real git repository: a virtual root with `[tool.uv.workspace]`, four
 * members (packages/a, packages/b, packages/c, tools/cli), an excluded member and a folder
 * without pyproject.toml, every member released and tagged, and a uv.lock written by hand in
 * uv's own layout (lock version 1, revision 2).
 *
 * Dependencies: acme-a needs acme-b>=1.2.0; acme-c needs acme-a==1.0.0; acme-cli needs
 * acme-c>=0.3.0 (so a release of b cascades a → c → cli); acme-b needs nothing in the workspace.
 */
import { TestRepo } from "../helpers/repo.ts";

export const ROOT_PYPROJECT = `[tool.uv.workspace]
members = ["packages/*", "tools/cli"]
exclude = ["packages/legacy"]

[tool.uv.sources]
acme-a = { workspace = true }
acme-b = { workspace = true }
acme-c = { workspace = true }

[tool.shipline]
uv-workspace = true
`;

export const A_PYPROJECT = `[project]
name = "acme-a"
version = "1.0.0"
description = "A"
requires-python = ">=3.9"
dependencies = [
    "acme-b>=1.2.0",   # the workspace sibling
    'requests>=2',
]

[tool.uv.sources]
acme-b = { workspace = true }
`;

export const B_PYPROJECT = `[project]
name = "acme-b"
version = "1.2.0"
requires-python = ">=3.9"
dependencies = []
`;

export const C_PYPROJECT = `[project]
name = "acme_c"
version = "0.3.0"
dependencies = ["acme-a==1.0.0"]
`;

export const CLI_PYPROJECT = `[project]
name = "acme-cli"
version = "2.0.0"
dependencies = [
  "acme-c >= 0.3.0, <1 ; python_version >= '3.9'",
  "click",
]
`;

export const UV_LOCK = `version = 1
revision = 2
requires-python = ">=3.9"

[manifest]
members = [
    "acme-a",
    "acme-b",
    "acme-c",
    "acme-cli",
]

[[package]]
name = "acme-a"
version = "1.0.0"
source = { editable = "packages/a" }
dependencies = [
    { name = "acme-b" },
    { name = "requests" },
]

[package.metadata]
requires-dist = [
    { name = "acme-b", editable = "packages/b" },
    { name = "requests", specifier = ">=2" },
]

[[package]]
name = "acme-b"
version = "1.2.0"
source = { editable = "packages/b" }

[[package]]
name = "acme-c"
version = "0.3.0"
source = { editable = "packages/c" }
dependencies = [
    { name = "acme-a" },
]

[package.metadata]
requires-dist = [{ name = "acme-a", editable = "packages/a" }]

[[package]]
name = "acme-cli"
version = "2.0.0"
source = { editable = "tools/cli" }
dependencies = [
    { name = "acme-c" },
    { name = "click" },
]

[package.metadata]
requires-dist = [
    { name = "acme-c", editable = "packages/c" },
    { name = "click" },
]

[[package]]
name = "certifi"
version = "2024.8.30"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/b0/ee/9b19140fe824b367c04c5e1b369942dd754c4c5462d5674002f75c4dedc1/certifi-2024.8.30.tar.gz", hash = "sha256:bec941d2aa8195e248a60b31ff9f0558284cf01a52591ceda73ea9afffd69fd9", size = 168507, upload-time = "2024-08-30T01:55:04.365Z" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/12/90/3c9ff0512038035f59d279fddeb79f5f1eccd8859f06d6163c58798b9487/certifi-2024.8.30-py3-none-any.whl", hash = "sha256:922820b53db7a7257ffbda3f597266d435245903d80737e34f8a45ff3e3230d8", size = 167321, upload-time = "2024-08-30T01:55:02.591Z" },
]

[[package]]
name = "click"
version = "1.2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "certifi" },
]
`;

export const MANIFEST = {
  "packages/a": "1.0.0",
  "packages/b": "1.2.0",
  "packages/c": "0.3.0",
  "tools/cli": "2.0.0",
};

/** The workspace, committed and tagged; `config` is release-please-config.json, `rootPyproject` the root's. */
export function workspaceRepo(
  opts: {
    config?: Record<string, unknown>;
    rootPyproject?: string;
    tags?: string[];
    manifest?: Record<string, string>;
  } = {},
): TestRepo {
  const repo = TestRepo.create();
  repo.commit("chore: release main", {
    "release-please-config.json": `${JSON.stringify(opts.config ?? { packages: {} }, null, 2)}\n`,
    ".release-please-manifest.json": `${JSON.stringify(opts.manifest ?? MANIFEST, null, 2)}\n`,
    "pyproject.toml": opts.rootPyproject ?? ROOT_PYPROJECT,
    "uv.lock": UV_LOCK,
    "packages/a/pyproject.toml": A_PYPROJECT,
    "packages/a/src/acme_a/__init__.py": "",
    "packages/b/pyproject.toml": B_PYPROJECT,
    "packages/b/src/acme_b/__init__.py": "",
    "packages/c/pyproject.toml": C_PYPROJECT,
    "tools/cli/pyproject.toml": CLI_PYPROJECT,
    "packages/legacy/pyproject.toml": '[project]\nname = "acme-legacy"\nversion = "0.1.0"\n',
    "packages/docs/README.md": "not a member: no pyproject.toml\n",
  });
  for (const t of opts.tags ?? ["acme-a-v1.0.0", "acme-b-v1.2.0", "acme_c-v0.3.0", "acme-cli-v2.0.0"])
    repo.tag(t);
  return repo;
}

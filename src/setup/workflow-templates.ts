/**
 * The GitHub Actions workflows `shipline init` writes. Plain text templates (not generated
 * through a YAML emitter) so the files keep their comments and read like hand-written ones;
 * tests parse every output with the `yaml` package and check it against the documented
 * workflow syntax.
 */
import { SHIPLINE_REPO, SHIPLINE_VERSION } from "./release-source.ts";

export interface WorkflowOptions {
  /** The branch releases are cut from (release-please's target-branch). */
  branch: string;
  /** Python versions the gates run on (setup-python installs each). */
  pythons: string[];
  /** Python tools the configured gates call (installed with pip before the gates run). */
  tools: string[];
  version?: string;
  /** A deployment environment for the release job (carried over from a pypi-publish job). */
  environment?: string;
  /** The secret holding the GitHub token (default GITHUB_TOKEN; a PAT makes release PRs trigger CI). */
  tokenSecret?: string;
  /** publish.github-assets: the publish job attaches the files and publishes the held release. */
  githubAssets?: boolean;
  /** The projects pip installs editable (default ["."]; a monorepo without a root project: each package). */
  projects?: string[];
}

const q = (s: string) => JSON.stringify(s);

function pythonSetup(o: WorkflowOptions): string {
  // setup-python takes a multi-line list; the last one listed becomes the default `python`.
  const list = [...o.pythons].map((p) => `            ${p}`).join("\n");
  return `      - uses: actions/setup-python@v5
        with:
          python-version: |
${list}`;
}

function toolInstall(o: WorkflowOptions): string {
  const pkgs = [...(o.projects ?? ["."]).flatMap((p) => ["-e", p]), ...o.tools].join(" ");
  // Into every Python, not only the default one (the last listed): each Python's gates run in a
  // venv that sees that Python's packages, so pytest/mypy must be there for each.
  return `      - name: Install the project and the gates' tools on every Python
        run: |
          for v in ${o.pythons.join(" ")}; do
            python$v -m pip install ${pkgs}
          done`;
}

/** The release's build stage runs `python -m build` (without uv): its frontend must be there. */
const withBuild = (tools: string[]) => (tools.includes("build") ? tools : [...tools, "build"]);

function shiplineStep(o: WorkflowOptions, args: string, env: string): string {
  const v = o.version ?? SHIPLINE_VERSION;
  // The action downloads shipline-<os>-<arch> for the runner from the v${v} release and
  // refuses to run it unless its SHA-256 matches that release's SHA256SUMS.
  // id: later steps read release-please-action's outputs as steps.shipline.outputs.<name>
  return `      - name: shipline ${args}
        id: shipline
        uses: ${SHIPLINE_REPO}@v${v}
        with:
          version: ${q(v)}
          args: ${args}${env}`;
}

export function ciWorkflow(o: WorkflowOptions, name = "CI"): string {
  return `# Written by \`shipline init\`: quality gates on every pull request and on pushes to ${o.branch}.
name: ${name}

on:
  pull_request:
  push:
    branches: [${q(o.branch)}]

permissions:
  contents: read

jobs:
  gates:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
${pythonSetup(o)}
${toolInstall(o)}
${shiplineStep(o, "gates", "")}
`;
}

export function releaseWorkflow(o: WorkflowOptions): string {
  return `# Written by \`shipline init\`: on every push to ${o.branch}, \`shipline run\` runs the gates, opens or
# updates the release PR, and when that PR is merged tags, creates the GitHub release, builds,
# signs (Sigstore) and publishes to PyPI with Trusted Publishing. Re-running a failed job resumes it.
name: Release

on:
  push:
    branches: [${q(o.branch)}]

permissions:
  contents: write       # tags, GitHub releases, the release PR's branch
  pull-requests: write  # open and update the release PR
  id-token: write       # PyPI Trusted Publishing and Sigstore signing (OIDC)

concurrency:
  group: shipline-release-\${{ github.ref }}
  cancel-in-progress: false

jobs:
  release:
    runs-on: ubuntu-latest${
      o.environment
        ? `
    outputs:
      releases_created: \${{ steps.shipline.outputs.releases_created }}
      tag_name: \${{ steps.shipline.outputs.tag_name }}
      releases_sha: \${{ steps.shipline.outputs.releases_sha }}
      tags_released: \${{ steps.shipline.outputs.tags_released }}`
        : ""
    }
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history and tags: the release plan is computed from them
${pythonSetup(o)}
${toolInstall(o.environment ? o : { ...o, tools: withBuild(o.tools) })}
${shiplineStep(
  o,
  o.environment ? "run --no-publish" : "run",
  `
        env:
          GITHUB_TOKEN: \${{ secrets.${o.tokenSecret ?? "GITHUB_TOKEN"} }}`,
)}
${o.environment ? publishJob(o, o.environment) : ""}`;
}

/** The publish job's command: the release job's tags, each built from its tag's commit. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, written as is
const PUBLISH_ARGS = "publish --require-release --tags=${{ needs.release.outputs.tags_released }}";

/**
 * With a deployment environment (carried over from a pypi-publish job), publishing is a job of
 * its own: only it waits for the environment's protection rules (a required reviewer would
 * otherwise hold every push's release PR update), and its OIDC token carries the environment
 * the Trusted Publisher on PyPI names. It runs on the same commit, which the release job tagged,
 * and is given the release job's tags: a monorepo's releases made at different commits (separate
 * release PRs merged behind the pushed commit) are each built from their tag's commit.
 */
function publishJob(o: WorkflowOptions, environment: string): string {
  return `
  publish:
    needs: release
    if: needs.release.outputs.releases_created == 'true'
    runs-on: ubuntu-latest
    environment: ${q(environment)}  # the Trusted Publisher on PyPI may require it
    permissions:
      contents: ${o.githubAssets ? "write  # attach the files to the GitHub release, then publish it" : "read"}
      id-token: write  # PyPI Trusted Publishing and Sigstore signing (OIDC)
    steps:
      - uses: actions/checkout@v4
        with:
          # the release's commit: HEAD itself, or a merged release PR the release job found
          # behind it (releases_sha: a monorepo's releases have no root tag_name)
          ref: \${{ needs.release.outputs.tag_name || needs.release.outputs.releases_sha || github.sha }}
          fetch-depth: 0  # the release's tag, which names the version the build must have
      - uses: actions/setup-python@v5
        with:
          python-version: ${q(o.pythons[o.pythons.length - 1] ?? "3.13")}
      - name: Install the build frontend
        run: python -m pip install build
${shiplineStep(o, PUBLISH_ARGS, "")}
`;
}

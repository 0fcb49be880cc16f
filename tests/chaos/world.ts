/**
 * A chaos "world": a Python project whose HEAD is a merged release PR, its bare `origin`, and
 * the GitHub, PyPI, OIDC and Sigstore stand-ins, fresh for every chaos run.
 *
 * The expensive part is made once (`makeTemplate`): the repo history, a real release PR opened
 * by the compiled binary and squash-merged, and a real `python3 -m build` of the release. Each
 * run copies the template (`cp -a`) and starts new stand-ins, so runs cannot see each other.
 * The project's build command copies the prebuilt distributions into $SHIPLINE_OUT_DIR: the
 * build stage runs for real (a process, its outputs found and recorded) in milliseconds, and
 * every run's files have known bytes to compare the index against.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shipline } from "../helpers/cli.ts";
import { GIT_ENV, tempDir } from "../helpers/repo.ts";
import { GATES_OFF, pyproject } from "../helpers/sample-project.ts";
import { type GitHubStandIn, type PullState, startGitHub } from "../servers/github.ts";
import { type OidcServer, startOidc } from "../servers/oidc.ts";
import { type PypiServer, startPypi } from "../servers/pypi.ts";
import { type SigstoreServer, startSigstore } from "../servers/sigstore.ts";

export const OWNER = "octo";
export const NAME = "chaos";
export const PROJECT = "chaospkg";
export const VERSION = "0.2.0";
/** release-please tags a package with a package-name as `<name>-v<version>` (include-component-in-tag). */
export const TAG = `${PROJECT}-v${VERSION}`;
export type Order = "release-first" | "publish-first";

export interface Template {
  root: string;
  order: Order;
  /** publish.github-assets: the release is a draft until the dists and bundles are on it. */
  assets: boolean;
  /** The merged release PR as the GitHub stand-in held it. */
  pull: PullState;
  /** The squash-merged release commit (the release's tag goes here). */
  mergeSha: string;
  /** HEAD of the template: the merge commit, or one commit past it when `behind`. */
  head: string;
  /** The release PR's merge is behind HEAD: `run` releases it there and builds it in a worktree. */
  behind: boolean;
  /** Prebuilt distributions: filename → sha256. */
  dists: Map<string, string>;
}

export function git(args: string[], cwd: string): string {
  const p = Bun.spawnSync(["git", ...args], { cwd, env: { ...process.env, ...GIT_ENV }, stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${p.stderr.toString().trim()}`);
  return p.stdout.toString().trim();
}

export const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function commit(dir: string, message: string, files: Record<string, string> = {}): string {
  write(dir, files);
  git(["add", "-A"], dir);
  git(["commit", "-q", "--allow-empty", "-m", message], dir);
  git(["push", "-q", "origin", "HEAD:refs/heads/main"], dir);
  return git(["rev-parse", "HEAD"], dir);
}

/** The release build, once: a real PEP 517 build of the merged release commit. */
export function buildOnce(work: string, project: string): string {
  const prebuilt = join(work, "prebuilt");
  if (existsSync(prebuilt) && readdirSync(prebuilt).length) return prebuilt;
  const src = join(work, "export");
  mkdirSync(src, { recursive: true });
  const tar = Bun.spawnSync(["sh", "-c", `git archive HEAD | tar -x -C '${src}'`], { cwd: project });
  if (tar.exitCode !== 0) throw new Error("git archive failed");
  const b = Bun.spawnSync(["/usr/bin/python3", "-m", "build", "--no-isolation", "--outdir", prebuilt, src], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (b.exitCode !== 0) throw new Error(`python3 -m build failed: ${b.stderr.toString().slice(-500)}`);
  return prebuilt;
}

/** True when Debian's python3 can build offline (python3-build + setuptools). */
export const canBuild =
  existsSync("/usr/bin/python3") &&
  Bun.spawnSync(["/usr/bin/python3", "-c", "import build, setuptools, wheel"]).exitCode === 0;

/** History → release PR (opened by shipline against a stand-in) → squash merge → prebuilt dists. */
export async function makeTemplate(
  work: string,
  order: Order,
  o: { assets?: boolean; realBuild?: boolean; behind?: boolean } = {},
): Promise<Template> {
  const assets = o.assets === true;
  const root = join(
    work,
    `${order}${assets ? "-assets" : ""}${o.realBuild ? "-built" : ""}${o.behind ? "-behind" : ""}`,
  );
  const project = join(root, "project");
  const bare = join(root, "origin.git");
  mkdirSync(root, { recursive: true });
  git(["init", "-q", "-b", "main", project], root);
  git(["init", "-q", "--bare", bare], root);
  git(["remote", "add", "origin", bare], project);
  const prebuilt = join(work, "prebuilt");
  const shiplineToml = [
    "[tool.shipline]",
    `order = "${order}"`,
    "",
    GATES_OFF,
    "",
    "[tool.shipline.build]",
    o.realBuild
      ? // a real PEP 517 build of whatever tree the build stage runs in
        `command = ["sh", "-c", "/usr/bin/python3 -m build --no-isolation --outdir \\"$SHIPLINE_OUT_DIR\\" ."]`
      : `command = ["sh", "-c", "cp ${prebuilt}/* \\"$SHIPLINE_OUT_DIR\\"/"]`,
    ...(assets ? ["", "[tool.shipline.publish]", "github-assets = true"] : []),
  ].join("\n");
  commit(project, "chore: release 0.1.0", {
    "release-please-config.json": `${JSON.stringify({ packages: { ".": { "release-type": "python", "package-name": PROJECT } } }, null, 2)}\n`,
    ".release-please-manifest.json": `${JSON.stringify({ ".": "0.1.0" }, null, 2)}\n`,
    "pyproject.toml": pyproject(PROJECT, "0.1.0", shiplineToml),
    "README.md": `# ${PROJECT}\n\nSpins widgets.\n`,
    [`src/${PROJECT}/__init__.py`]: `__version__ = "0.1.0"\n`,
    ".gitignore": "dist/\n.shipline/\n*.egg-info/\n__pycache__/\nbuild/\n",
  });
  git(["tag", "v0.1.0"], project);
  git(["push", "-q", "origin", "v0.1.0"], project);
  commit(project, "feat: spin widgets", { [`src/${PROJECT}/spin.py`]: "def spin(n):\n    return n * 360\n" });
  commit(project, "fix: spin(0) is 0");

  const gh = await startGitHub({ owner: OWNER, repo: NAME, bare });
  try {
    const r = await shipline(["pr", "--date", "2026-12-01"], {
      cwd: project,
      env: { ...GIT_ENV, ...gh.env, GITHUB_ACTIONS: undefined, SHIPLINE_FAULT: undefined },
    });
    if (r.code !== 0 || !gh.pulls[0]) throw new Error(`shipline pr failed (${r.code}): ${r.stderr}`);
    const pr = gh.pulls[0];
    git(["fetch", "-q", "origin", pr.head], project);
    git(["merge", "-q", "--squash", "FETCH_HEAD"], project);
    const mergeSha = commit(project, `${pr.title} (#${pr.number})`);
    gh.merge(pr.number, mergeSha);
    // behind: another commit lands before any run, so the release is made (and built) behind HEAD
    const head = o.behind ? commit(project, "chore: tidy the docs", { "docs/notes.md": "tidy\n" }) : mergeSha;
    // The `pr` run's checkpoint is done and belongs to another commit: a CI runner starts clean.
    rmSync(join(project, ".shipline"), { recursive: true, force: true });
    const dir = buildOnce(work, project);
    const dists = new Map(readdirSync(dir).map((f) => [f, sha256(readFileSync(join(dir, f)))]));
    return {
      root,
      order,
      assets,
      behind: o.behind === true,
      pull: structuredClone(pr),
      mergeSha,
      head,
      dists,
    };
  } finally {
    gh.stop();
  }
}

export interface World {
  dir: string;
  project: string;
  gh: GitHubStandIn;
  pypi: PypiServer;
  oidc: OidcServer;
  sigstore: SigstoreServer;
  env: Record<string, string>;
  /** Flags of the first `run` (resume takes none: it uses the checkpointed options). */
  flags: string[];
  stop(): Promise<void>;
}

export async function startWorld(tpl: Template, dir: string): Promise<World> {
  cpSync(tpl.root, dir, { recursive: true, verbatimSymlinks: true });
  const project = join(dir, "project");
  const bare = join(dir, "origin.git");
  git(["remote", "set-url", "origin", bare], project);
  const gh = await startGitHub({ owner: OWNER, repo: NAME, bare });
  gh.pulls.push(structuredClone(tpl.pull));
  const oidc = await startOidc({
    repository: `${OWNER}/${NAME}`,
    workflow: "release.yml",
    ref: "refs/heads/main",
  });
  const pypi = await startPypi({
    oidc: { publicKey: oidc.publicKey, issuer: oidc.issuer },
    publishers: [{ project: PROJECT, repository: `${OWNER}/${NAME}`, workflow: "release.yml" }],
  });
  // 0.1.0 is on the index already: Trusted Publishing may upload to an existing project only.
  pypi.seed({
    project: PROJECT,
    version: "0.1.0",
    filename: `${PROJECT}-0.1.0.tar.gz`,
    bytes: new TextEncoder().encode("the 0.1.0 sdist"),
  });
  const sigstore = await startSigstore({ verifyToken: (t) => oidc.verify(t) });
  const root = join(dir, "trusted-root.json");
  sigstore.writeTrustedRoot(root);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    ...process.env,
    ...GIT_ENV,
    ...gh.env,
    ...oidc.env,
    NO_COLOR: "1",
    SHIPLINE_TRUSTED_ROOT: root,
    GITHUB_EVENT_NAME: "push",
    GITHUB_REF: "refs/heads/main",
    GITHUB_SHA: tpl.head,
  }))
    if (
      v !== undefined &&
      !["GITHUB_ACTIONS", "SHIPLINE_FAULT", "SHIPLINE_PYPI_TOKEN", "TWINE_PASSWORD"].includes(k)
    )
      env[k] = v;
  return {
    dir,
    project,
    gh,
    pypi,
    oidc,
    sigstore,
    env,
    flags: [
      "--repository-url",
      pypi.uploadUrl,
      "--fulcio-url",
      sigstore.fulcioUrl,
      "--rekor-url",
      sigstore.rekorUrl,
    ],
    async stop() {
      gh.stop();
      oidc.stop();
      sigstore.stop();
      await pypi.stop();
    },
  };
}

export function tempWork(): string {
  return tempDir("shipline-chaos-");
}

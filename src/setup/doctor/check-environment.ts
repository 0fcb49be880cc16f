/**
 * Checks of what surrounds the repository: the gates' tools on PATH, the workflows'
 * permissions, Trusted Publishing prerequisites, and the age of the embedded Sigstore
 * trusted root (the seed's "PyPI Publishing Fails" and "Quality Gate Failures" sections).
 */
import { projectFolders } from "../../config/release-please.ts";
import { packageBuildCommand, type ShiplineConfig } from "../../config/shipline.ts";
import { errorMessage } from "../../errors.ts";
import { CI_NAMES, detectCi, gitlabTokenVariable } from "../../net/ambient-oidc.ts";
import { events, readWorkflows, steps, uploadsReleaseAssets } from "../existing-workflows.ts";
import type { EmbeddedRootInfo } from "./embedded-root.ts";
import { type DoctorContext, error, type Finding, ok, warn } from "./finding.ts";

export function checkGateTools(ctx: DoctorContext, cfg: ShiplineConfig): Finding[] {
  const missing: { tool: string; gates: string[]; blocking: boolean }[] = [];
  const seen = new Map<string, (typeof missing)[number]>();
  let checked = 0;
  for (const g of cfg.gates) {
    if (!g.enabled) continue;
    const tool = Array.isArray(g.command) ? g.command[0] : g.command.trim().split(/\s+/)[0];
    if (!tool || tool === "shipline") continue; // shipline runs its own build/check in-process
    checked++;
    if (Bun.which(tool, { PATH: ctx.env.PATH ?? "" })) continue;
    const m = seen.get(tool) ?? { tool, gates: [], blocking: false };
    m.gates.push(g.name);
    m.blocking ||= g.blocking;
    seen.set(tool, m);
  }
  missing.push(...seen.values());
  if (!missing.length) return [ok("gate-tools", `the tools of ${checked} configured gate(s) are on PATH`)];
  return missing.map((m) =>
    (m.blocking ? error : warn)(
      "gate-tools",
      `${m.tool} is not on PATH (gate${m.gates.length > 1 ? "s" : ""} ${m.gates.join(", ")}${m.blocking ? ", blocking" : ", non-blocking"})`,
      m.blocking
        ? `\`shipline gates\` and \`shipline run\` fail before anything is released while ${m.tool} is missing.`
        : `the gate is reported as failed but does not stop a release.`,
      `install it (e.g. \`python -m pip install ${m.tool}\`), or turn the gate off in pyproject.toml: [tool.shipline.gates.${m.gates[0]}] enabled = false`,
    ),
  );
}

/**
 * `shipline build` (the build gate, and a release's build stage) runs `uv build`, else
 * `python -m build`: without either, the gates fail, or with the gate off a release fails after
 * its tag. Not asked when a build command of the project's own is configured (at the root, or
 * in every monorepo package's pyproject.toml).
 */
export async function checkBuildTool(ctx: DoctorContext, cfg: ShiplineConfig): Promise<Finding[]> {
  const gate = cfg.gates.find((g) => g.name === "build" && g.enabled);
  if (cfg.build.command?.length || (!gate && !cfg.publish.enabled)) return [];
  if (everyPackageBuildsItself(ctx.root)) return [];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  if (Bun.which("uv", { PATH: env.PATH ?? "" }))
    return [ok("build-tool", "uv is on PATH for `shipline build`")];
  const { pythonWithBuild } = await import("../../dist/build.ts");
  const py = pythonWithBuild(env);
  if (py) return [ok("build-tool", `${py.join(" ")} has the \`build\` module for \`shipline build\``)];
  return [
    error(
      "build-tool",
      "neither uv nor a Python with the `build` module is on PATH",
      gate
        ? "the build gate fails, so `shipline gates` and `shipline run` stop before anything is released."
        : "a release's build stage fails after the tag and GitHub release are made.",
      "`python -m pip install build` (Debian: apt install python3-build), or install uv, or set [tool.shipline.build] command",
    ),
  ];
}

/** Every project folder is a monorepo package with its own build command (none is the root). */
function everyPackageBuildsItself(root: string): boolean {
  const dirs = projectFolders(root);
  try {
    return dirs.length > 0 && dirs.every((d) => d !== "." && packageBuildCommand(root, d).command?.length);
  } catch {
    return false; // an invalid package table: the build says so
  }
}

const NEEDED = ["contents", "pull-requests", "id-token"] as const;

type Perms = Record<string, unknown> | string | undefined;

function grants(perms: Perms, scope: string): boolean {
  if (perms === "write-all") return true;
  if (typeof perms === "object" && perms !== null) return perms[scope] === "write";
  return false;
}

/** The shipline command line a step runs (`run`, `publish --require-release`, …), if any. */
function shiplineCommand(step: Record<string, unknown>): string | undefined {
  const uses = typeof step.uses === "string" ? step.uses : "";
  const run = typeof step.run === "string" ? step.run : "";
  const args =
    typeof (step.with as Record<string, unknown> | undefined)?.args === "string"
      ? String((step.with as Record<string, unknown>).args)
      : "run";
  if (/(^|\/)shipline@/.test(uses) && /^(run|resume|publish|release|pr)\b/.test(args)) return args;
  return /\bshipline\s+((?:run|resume|publish|release|pr)\b[^\n;&|]*)/.exec(run)?.[1];
}

function runsShipline(step: Record<string, unknown>): boolean {
  return shiplineCommand(step) !== undefined;
}

/**
 * The write scopes a job's shipline commands use: the release PR, tag and GitHub release need
 * contents and pull-requests; publishing (Trusted Publishing, Sigstore) needs id-token. A
 * two-job workflow's `run --no-publish` job needs no id-token, its `publish` job only that.
 */
function scopesFor(commands: string[], githubAssets: boolean): (typeof NEEDED)[number][] {
  const need = new Set<(typeof NEEDED)[number]>();
  for (const c of commands) {
    const [name] = c.trim().split(/\s+/);
    const noPublish = /(^|\s)--no-publish\b/.test(c);
    // publish.github-assets: the publish job attaches the files and publishes the held draft
    if (name === "publish" && githubAssets) need.add("contents");
    if (name !== "publish") {
      need.add("contents");
      need.add("pull-requests");
    }
    if (name === "publish" || ((name === "run" || name === "resume") && !noPublish)) need.add("id-token");
  }
  return NEEDED.filter((s) => need.has(s));
}

/**
 * A two-job workflow's publish job (`publish --require-release`, `needs:` the release job) must
 * check out the commit the release job released at. When that job releases a merged release PR
 * behind the pushed commit (the merge's own run was cancelled or failed), the pushed commit is
 * not a release commit and the publish job refuses. The root package's `tag_name` names that
 * commit; a monorepo has none, and shipline's `releases_sha` output names it for every layout.
 * Or the job passes the release job's `tags_released` to `publish --tags`, which builds each
 * release from its tag's commit whatever is checked out (releases made at different commits).
 */
function publishCheckout(
  path: string,
  name: string,
  job: Record<string, unknown>,
  rootPackage: boolean,
  command: string,
) {
  const needs = Array.isArray(job.needs) ? job.needs[0] : job.needs;
  if (typeof needs !== "string") return undefined;
  const checkout = steps({ jobs: { j: job } }).find(
    (st) => typeof st.uses === "string" && st.uses.startsWith("actions/checkout@"),
  );
  const ref = (checkout?.with as Record<string, unknown> | undefined)?.ref;
  const text = typeof ref === "string" ? ref : "";
  const label = `${path} job "${name}"`;
  if (/\breleases_sha\b/.test(text) || (rootPackage && /\btag_name\b/.test(text)))
    return ok("workflow-publish-ref", `${label} checks out the release job's release commit`);
  // `publish --tags` builds each release from its tag's commit, wherever the checkout is
  if (/--tags(?:=|\s+)\$\{\{[^}]*\btags_released\b/.test(command))
    return ok(
      "workflow-publish-ref",
      `${label} passes the release job's tags_released to \`publish --tags\``,
    );
  return warn(
    "workflow-publish-ref",
    `${label} checks out ${text ? `\`${text}\`` : "the pushed commit"}, not the release job's release commit`,
    `when the release job releases a merged release PR behind the pushed commit (the merge's own run was cancelled or failed), the pushed commit is no release commit and \`publish --require-release\` refuses${rootPackage ? "" : "; a monorepo's releases have no root tag_name"}.`,
    `on its actions/checkout step: \`ref: \${{ needs.${needs}.outputs.tag_name || needs.${needs}.outputs.releases_sha || github.sha }}\`, with \`releases_sha: \${{ steps.shipline.outputs.releases_sha }}\` in the ${needs} job's outputs; or pass \`--tags=\${{ needs.${needs}.outputs.tags_released }}\` to publish, with \`tags_released: \${{ steps.shipline.outputs.tags_released }}\` in its outputs (each release is then built from its tag's commit)`,
  );
}

export function checkWorkflows(ctx: DoctorContext, githubAssets = false, rootPackage = true): Finding[] {
  let workflows: ReturnType<typeof readWorkflows>;
  try {
    workflows = readWorkflows(ctx.root);
  } catch (e) {
    return [
      warn(
        "workflows",
        "could not read .github/workflows",
        errorMessage(e),
        "check the directory's permissions",
      ),
    ];
  }
  const out: Finding[] = [];
  for (const w of workflows)
    if (!w.doc)
      out.push(
        error(
          "workflow-yaml",
          `${w.path} is not valid YAML`,
          "GitHub will not run it.",
          `fix the YAML syntax in ${w.path}`,
        ),
      );
  const old = workflows.filter((w) => w.usesReleasePlease || w.usesPypiPublish);
  const ours = workflows.filter((w) => steps(w.doc).some(runsShipline));
  if (old.length && ours.length)
    out.push(
      warn(
        "workflow-duplicate",
        `${old.map((w) => w.path).join(", ")} still run${old.length === 1 ? "s" : ""} release-please-action / gh-action-pypi-publish`,
        "next to shipline's release workflow both would open release PRs and publish.",
        `delete ${old.map((w) => w.path).join(" and ")} (\`shipline init --force\` does it)`,
      ),
    );
  if (!ours.length) {
    out.push(
      warn(
        "workflow-permissions",
        "no workflow runs `shipline run`",
        old.length
          ? `releases are still made by ${old.map((w) => w.path).join(", ")} (release-please-action).`
          : "nothing releases this project from CI.",
        "run `shipline init` (add --dry-run to see what it writes)",
      ),
    );
    return out;
  }
  for (const w of ours) {
    const top = w.doc?.permissions as Perms;
    for (const [name, job] of Object.entries(
      (w.doc?.jobs ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      const commands = steps({ jobs: { [name]: job } })
        .map(shiplineCommand)
        .filter((c): c is string => c !== undefined);
      if (!commands.length) continue;
      const perms = (job.permissions ?? top) as Perms;
      // No permissions key at all: the repository default applies (read-only for new repos).
      const needed = scopesFor(commands, githubAssets);
      const missing = needed.filter((s) => !grants(perms, s));
      if (missing.length)
        out.push(
          error(
            "workflow-permissions",
            `${w.path} job "${name}" lacks ${missing.map((m) => `${m}: write`).join(", ")}`,
            `${missing.includes("id-token") ? "without id-token: write there is no OIDC token: Trusted Publishing and Sigstore signing fail. " : ""}${missing.includes("contents") ? "without contents: write the tag and GitHub release cannot be created. " : ""}${missing.includes("pull-requests") ? "without pull-requests: write the release PR cannot be opened." : ""}`.trim(),
            `add to the job (or the workflow):\n  permissions:\n${needed.map((s) => `    ${s}: write`).join("\n")}`,
          ),
        );
      else
        out.push(
          ok(
            "workflow-permissions",
            `${w.path} job "${name}" has ${needed.join(", ").replace(/, ([^,]*)$/, " and $1")} write`,
          ),
        );
      const publishJob = commands.find((c) => /^publish\b.*--require-release\b/.test(c.trim()));
      if (publishJob !== undefined) {
        const f = publishCheckout(w.path, name, job, rootPackage, publishJob);
        if (f) out.push(f);
      }
      const tokenless = tokenlessShiplineStep(w.doc, job, githubAssets);
      if (tokenless)
        out.push(
          error(
            "workflow-token",
            `${w.path} job "${name}" runs \`${tokenless}\` without GITHUB_TOKEN in its env`,
            "shipline reads the token from the environment only: the release PR, tag and GitHub release cannot be made without it.",
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as is
            "add to that step (or the job):\n  env:\n    GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
          ),
        );
      const on = events(w.doc);
      if (!("push" in on) && !("workflow_dispatch" in on))
        out.push(
          warn(
            "workflow-trigger",
            `${w.path} does not run on push`,
            "the release flow runs when commits land on the release branch.",
            "add `on: push: branches: [main]`",
          ),
        );
    }
  }
  const attaching = workflows.filter((w) => steps(w.doc).some(uploadsReleaseAssets));
  if (attaching.length && !githubAssets)
    out.push(
      warn(
        "release-assets",
        `${attaching.map((w) => w.path).join(", ")} attach${attaching.length === 1 ? "es" : ""} files to the GitHub release in a step of ${attaching.length === 1 ? "its" : "their"} own`,
        "shipline publishes the release first; a repository with immutable releases refuses assets on a published release, so that step fails and the release stays without its files.",
        "set `github-assets = true` in [tool.shipline.publish] (the release waits as a draft until the dists and bundles are on it), and drop that step",
      ),
    );
  return out;
}

const hasToken = (env: unknown) =>
  typeof env === "object" && env !== null && ("GITHUB_TOKEN" in env || "GH_TOKEN" in env);

/**
 * The first `run:` step of the job that calls a shipline command needing GitHub (run, resume,
 * pr, release) with no GITHUB_TOKEN/GH_TOKEN in the step's, job's or workflow's env. The
 * composite action needs none: its `token` input defaults to the job's token.
 */
function tokenlessShiplineStep(
  doc: Record<string, unknown> | undefined,
  job: Record<string, unknown>,
  githubAssets: boolean,
) {
  if (hasToken(doc?.env) || hasToken(job.env)) return undefined;
  const needsGitHub = githubAssets
    ? /\bshipline\s+(run|resume|pr|release|publish)\b/
    : /\bshipline\s+(run|resume|pr|release)\b/;
  for (const step of steps({ jobs: { j: job } })) {
    const m = typeof step.run === "string" ? needsGitHub.exec(step.run) : null;
    if (m && !hasToken(step.env)) return `shipline ${m[1]}`;
  }
  return undefined;
}

export function checkTrustedPublishing(ctx: DoctorContext, cfg: ShiplineConfig): Finding[] {
  const env = ctx.env;
  if (!cfg.publish.enabled)
    return [ok("trusted-publishing", "publishing is turned off ([tool.shipline.publish] enabled = false)")];
  const token = env.SHIPLINE_PYPI_TOKEN || env.TWINE_PASSWORD;
  if (env.GITHUB_ACTIONS === "true") {
    if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
      return [
        ok("trusted-publishing", "GitHub Actions OIDC is available (Trusted Publishing, Sigstore signing)"),
      ];
    return [
      (token ? warn : error)(
        "trusted-publishing",
        "running in GitHub Actions without an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set)",
        token
          ? "publishing falls back to the API token from the environment; Sigstore signing still needs OIDC."
          : "neither Trusted Publishing nor an API token is available: the upload will be refused.",
        "give the job `permissions: id-token: write`; on PyPI, add this repository and workflow as a Trusted Publisher",
      ),
    ];
  }
  let ci: ReturnType<typeof detectCi>;
  try {
    ci = detectCi(env);
  } catch (e) {
    return [error("trusted-publishing", errorMessage(e), "", "fix or unset SHIPLINE_OIDC")];
  }
  if (ci === "gitlab") {
    // the API token (if any) is used before Trusted Publishing; signing always needs its token
    const needed = [...(token ? [] : ["pypi"]), ...(cfg.publish.attestations ? ["sigstore"] : [])];
    const missing = needed
      .map((aud) => ({ aud, name: gitlabTokenVariable(aud) }))
      .filter((t) => !env[t.name]);
    if (!missing.length)
      return [ok("trusted-publishing", "GitLab CI/CD: the ID tokens publishing needs are declared")];
    return [
      error(
        "trusted-publishing",
        `running in GitLab CI/CD without ${missing.map((t) => t.name).join(" and ")}`,
        "PYPI_ID_TOKEN is Trusted Publishing's (test.pypi.org: TESTPYPI_ID_TOKEN), SIGSTORE_ID_TOKEN signing's.",
        `declare them on the publishing job: \`id_tokens: { ${missing.map((t) => `${t.name}: { aud: ${t.aud} }`).join(", ")} }\`; on PyPI, add this project and pipeline file as a GitLab Trusted Publisher`,
      ),
    ];
  }
  const cli = ci === "buildkite" ? "buildkite-agent" : ci === "circleci" ? "circleci" : undefined;
  if (cli && !Bun.which(cli, { PATH: env.PATH ?? "" }))
    return [
      error(
        "trusted-publishing",
        `running in ${CI_NAMES[ci!]} without \`${cli}\` on PATH`,
        `its OIDC tokens (Trusted Publishing, Sigstore signing) come from \`${cli}\`.`,
        `run the step where \`${cli}\` is installed (the agent's own environment), or set SHIPLINE_PYPI_TOKEN and pass --no-sign`,
      ),
    ];
  if (ci)
    return [
      ok(
        "trusted-publishing",
        `${CI_NAMES[ci]} OIDC identity is available (Trusted Publishing, Sigstore signing)${token ? "; the API token from the environment is used first" : ""}`,
      ),
    ];
  if (token)
    return [
      ok(
        "trusted-publishing",
        "an API token is set in the environment (SHIPLINE_PYPI_TOKEN or TWINE_PASSWORD)",
      ),
    ];
  return [
    ok(
      "trusted-publishing",
      "not in CI: Trusted Publishing applies in the release workflow",
      "publishing from here needs SHIPLINE_PYPI_TOKEN; in CI it needs the CI's OIDC identity (GitHub Actions: `id-token: write`) and a Trusted Publisher on PyPI for this repository + workflow file.",
    ),
  ];
}

interface TrustedRootLike {
  tlogs?: { publicKey?: { validFor?: { start?: string; end?: string } } }[];
  certificateAuthorities?: { validFor?: { start?: string; end?: string } }[];
  timestampAuthorities?: { validFor?: { start?: string; end?: string } }[];
}

/** The newest validity start in the root: the root is at least that recent. */
export function trustedRootDate(root: TrustedRootLike): Date | undefined {
  const starts = [
    ...(root.tlogs ?? []).map((t) => t.publicKey?.validFor?.start),
    ...(root.certificateAuthorities ?? []).map((c) => c.validFor?.start),
    ...(root.timestampAuthorities ?? []).map((t) => t.validFor?.start),
  ]
    .filter((s): s is string => typeof s === "string")
    .map((s) => new Date(s).getTime())
    .filter((t) => !Number.isNaN(t));
  return starts.length ? new Date(Math.max(...starts)) : undefined;
}

export function checkTrustedRoot(info: EmbeddedRootInfo, now = new Date()): Finding[] {
  if (!info.root)
    return [
      error(
        "trusted-root",
        "the embedded Sigstore trusted root is unusable",
        info.problem ?? "offline `shipline verify` cannot use it.",
        "reinstall shipline from a verified release (install.sh checks SHA256SUMS), or pass --trusted-root FILE",
      ),
    ];
  const root = info.root as TrustedRootLike;
  const open = (root.certificateAuthorities ?? []).some(
    (c) => !c.validFor?.end || new Date(c.validFor.end) > now,
  );
  if (!open)
    return [
      error(
        "trusted-root",
        "every certificate authority in the embedded trusted root has expired",
        "new Sigstore signatures cannot be verified with it.",
        "upgrade shipline, or pass a current root with --trusted-root (sigstore's TUF target trusted_root.json)",
      ),
    ];
  const date = info.date ?? trustedRootDate(root);
  const days = Math.floor((now.getTime() - date.getTime()) / 86_400_000);
  const label = `current as of ${date.toISOString().slice(0, 10)}, ${days} days ago`;
  if (now > info.tufExpires || days > 730)
    return [
      warn(
        "trusted-root",
        `the embedded Sigstore trusted root is old (${label}${now > info.tufExpires ? `; its TUF root expired ${info.tufExpires.toISOString().slice(0, 10)}` : ""})`,
        "keys Sigstore rotated in since then are unknown to it: verifying recent signatures offline may fail.",
        "upgrade shipline, or pass a current root with --trusted-root (sigstore's TUF target trusted_root.json)",
      ),
    ];
  return [ok("trusted-root", `embedded Sigstore trusted root: ${label}`)];
}

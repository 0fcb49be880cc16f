/**
 * Reads the workflows a repo already has, to migrate a release-please-action +
 * gh-action-pypi-publish setup (the seed's stack): which files run those actions (they are
 * replaced by release.yml), the release branch, the config/manifest paths the action was
 * given, and the Python matrix the CI used.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface ExistingWorkflow {
  /** Repo-relative path. */
  path: string;
  text: string;
  /** Parsed document, or undefined when it is not valid YAML. */
  doc: Record<string, unknown> | undefined;
  usesReleasePlease: boolean;
  usesPypiPublish: boolean;
}

export interface MigrationHints {
  /** Workflows running release-please-action or gh-action-pypi-publish (replaced by release.yml). */
  replaced: ExistingWorkflow[];
  branch?: string;
  configFile?: string;
  manifestFile?: string;
  pythons?: string[];
  /** The publish job's deployment environment (a Trusted Publisher may be bound to it). */
  environment?: string;
  /** The secret release-please-action's `token` came from (a PAT, so release PRs trigger CI). */
  tokenSecret?: string;
  /** A replaced workflow put files on the GitHub release in a step of its own. */
  attachesAssets?: boolean;
}

/** A step that puts files on a GitHub release itself (an action, or the gh CLI). */
const UPLOADS_ASSETS =
  /(^|\/)(action-gh-release|upload-release-action|upload-release-asset|action-automatic-releases|release-action)@|\bgh\s+release\s+upload\b/;

export function uploadsReleaseAssets(step: Record<string, unknown>): boolean {
  const text = `${typeof step.uses === "string" ? step.uses : ""}\n${typeof step.run === "string" ? step.run : ""}`;
  return UPLOADS_ASSETS.test(text);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export const WORKFLOW_DIR = ".github/workflows";

export function readWorkflows(root: string): ExistingWorkflow[] {
  const dir = join(root, WORKFLOW_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const path = `${WORKFLOW_DIR}/${f}`;
      const text = readFileSync(join(root, path), "utf8");
      let doc: Obj | undefined;
      try {
        const d = parse(text);
        doc = isObj(d) ? d : undefined;
      } catch {
        doc = undefined;
      }
      const uses = stepUses(doc);
      return {
        path,
        text,
        doc,
        usesReleasePlease: uses.some((u) => /release-please-action@/.test(u)),
        usesPypiPublish: uses.some((u) => /^pypa\/gh-action-pypi-publish@/.test(u)),
      };
    });
}

export function jobs(doc: Obj | undefined): Obj[] {
  return isObj(doc?.jobs) ? Object.values(doc.jobs).filter(isObj) : [];
}

export function steps(doc: Obj | undefined): Obj[] {
  return jobs(doc).flatMap((j) => (Array.isArray(j.steps) ? j.steps.filter(isObj) : []));
}

function stepUses(doc: Obj | undefined): string[] {
  return steps(doc)
    .map((s) => s.uses)
    .filter((u): u is string => typeof u === "string");
}

/** `on:` normalised to an object of events (a string or list of events becomes keys). */
export function events(doc: Obj | undefined): Obj {
  // YAML 1.1 readers turn a bare `on` key into true; the `yaml` package (YAML 1.2) keeps "on".
  const on = doc?.on ?? doc?.true;
  if (typeof on === "string") return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((e) => [String(e), null]));
  return isObj(on) ? on : {};
}

export function migrationHints(workflows: ExistingWorkflow[]): MigrationHints {
  const replaced = workflows.filter((w) => w.usesReleasePlease || w.usesPypiPublish);
  const hints: MigrationHints = { replaced };
  for (const w of replaced) {
    for (const s of steps(w.doc)) {
      if (typeof s.uses !== "string" || !/release-please-action@/.test(s.uses) || !isObj(s.with)) continue;
      const w2 = s.with;
      if (typeof w2["target-branch"] === "string" && !w2["target-branch"].includes("${{"))
        hints.branch = w2["target-branch"];
      if (typeof w2["config-file"] === "string") hints.configFile = w2["config-file"];
      const secret =
        typeof w2.token === "string"
          ? /^\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(w2.token.trim())
          : null;
      if (secret && secret[1] !== "GITHUB_TOKEN") hints.tokenSecret = secret[1];
      if (typeof w2["manifest-file"] === "string") hints.manifestFile = w2["manifest-file"];
    }
    for (const j of jobs(w.doc)) {
      const publishes = (Array.isArray(j.steps) ? j.steps.filter(isObj) : []).some(
        (st) => typeof st.uses === "string" && /gh-action-pypi-publish@/.test(st.uses),
      );
      const env = isObj(j.environment) ? j.environment.name : j.environment;
      if (publishes && typeof env === "string" && !env.includes("${{")) hints.environment = env;
    }
    if (steps(w.doc).some(uploadsReleaseAssets)) hints.attachesAssets = true;
    const push = events(w.doc).push;
    if (!hints.branch && isObj(push) && Array.isArray(push.branches) && typeof push.branches[0] === "string")
      hints.branch = push.branches[0];
  }
  for (const w of workflows)
    for (const j of jobs(w.doc)) {
      const matrix = isObj(j.strategy) && isObj(j.strategy.matrix) ? j.strategy.matrix : undefined;
      const py = matrix?.["python-version"];
      if (Array.isArray(py) && py.length && !hints.pythons) hints.pythons = py.map(pythonVersion);
    }
  return hints;
}

/** An unquoted `3.10` in YAML is the number 3.1: read it the way the author meant it. */
function pythonVersion(v: unknown): string {
  if (typeof v === "number") return v === 3.1 ? "3.10" : v === 3.2 ? "3.20" : String(v);
  return String(v);
}

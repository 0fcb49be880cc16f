/**
 * A checker for the documented GitHub Actions syntax (docs.github.com "Workflow syntax for
 * GitHub Actions" and "Metadata syntax for GitHub Actions"): every key `init` writes must be
 * one GitHub documents, with values of the documented shape. Returns the problems found.
 */
const WORKFLOW_KEYS = ["name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"];
const JOB_KEYS = [
  "name",
  "permissions",
  "needs",
  "if",
  "runs-on",
  "environment",
  "concurrency",
  "outputs",
  "env",
  "defaults",
  "steps",
  "timeout-minutes",
  "strategy",
  "continue-on-error",
  "container",
  "services",
  "uses",
  "with",
  "secrets",
];
const STEP_KEYS = [
  "id",
  "if",
  "name",
  "uses",
  "run",
  "shell",
  "with",
  "env",
  "continue-on-error",
  "timeout-minutes",
  "working-directory",
];
const EVENTS = [
  "branch_protection_rule",
  "check_run",
  "check_suite",
  "create",
  "delete",
  "deployment",
  "deployment_status",
  "discussion",
  "discussion_comment",
  "fork",
  "gollum",
  "issue_comment",
  "issues",
  "label",
  "merge_group",
  "milestone",
  "page_build",
  "public",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "pull_request_target",
  "push",
  "registry_package",
  "release",
  "repository_dispatch",
  "schedule",
  "status",
  "watch",
  "workflow_call",
  "workflow_dispatch",
  "workflow_run",
];
const PUSH_KEYS = ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore", "types"];
const PERMISSION_SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
];
const CONTEXTS = [
  "github",
  "env",
  "vars",
  "job",
  "jobs",
  "steps",
  "runner",
  "secrets",
  "strategy",
  "matrix",
  "needs",
  "inputs",
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function keys(o: Obj, allowed: string[], where: string, out: string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) out.push(`${where}: unknown key "${k}"`);
}

function expressions(text: string, out: string[], contexts = CONTEXTS): void {
  // Comment lines are not evaluated by GitHub (usage examples live there).
  const code = text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n");
  for (const m of code.matchAll(/\$\{\{([^}]*)\}\}/g)) {
    const first = /^\s*([a-zA-Z_-]+)/.exec(m[1] ?? "")?.[1];
    if (!first || !contexts.includes(first)) out.push(`expression ${m[0]} uses unknown context "${first}"`);
  }
}

function checkSteps(steps: unknown, where: string, out: string[], composite: boolean): void {
  if (!Array.isArray(steps) || !steps.length) return void out.push(`${where}.steps must be a non-empty list`);
  for (const [i, s] of steps.entries()) {
    const w = `${where}.steps[${i}]`;
    if (!isObj(s)) {
      out.push(`${w} must be a mapping`);
      continue;
    }
    keys(s, STEP_KEYS, w, out);
    if ("uses" in s === "run" in s) out.push(`${w} needs exactly one of uses/run`);
    if ("uses" in s && !/^([\w.-]+\/[\w./-]+@[\w./-]+|\.\/.+|docker:\/\/.+)$/.test(String(s.uses)))
      out.push(`${w}.uses "${String(s.uses)}" is not owner/repo@ref`);
    if (composite && "run" in s && typeof s.shell !== "string")
      out.push(`${w}: composite run steps need shell`);
    for (const k of ["with", "env"]) if (k in s && !isObj(s[k])) out.push(`${w}.${k} must be a mapping`);
  }
}

function checkPermissions(p: unknown, where: string, out: string[]): void {
  if (p === "read-all" || p === "write-all") return;
  if (!isObj(p)) return void out.push(`${where}.permissions must be a mapping or read-all/write-all`);
  for (const [k, v] of Object.entries(p)) {
    if (!PERMISSION_SCOPES.includes(k)) out.push(`${where}.permissions: unknown scope "${k}"`);
    if (!["read", "write", "none"].includes(String(v)))
      out.push(`${where}.permissions.${k}: "${v}" is not read/write/none`);
  }
}

export function workflowProblems(doc: unknown, text: string): string[] {
  const out: string[] = [];
  if (!isObj(doc)) return ["the workflow is not a mapping"];
  keys(doc, WORKFLOW_KEYS, "workflow", out);
  const on = doc.on;
  if (on === undefined) out.push("workflow: `on` is missing");
  if (isObj(on))
    for (const [e, v] of Object.entries(on)) {
      if (!EVENTS.includes(e)) out.push(`on: unknown event "${e}"`);
      if (v !== null && !isObj(v)) out.push(`on.${e} must be empty or a mapping`);
      if ((e === "push" || e === "pull_request") && isObj(v)) keys(v, PUSH_KEYS, `on.${e}`, out);
    }
  if ("permissions" in doc) checkPermissions(doc.permissions, "workflow", out);
  if (!isObj(doc.jobs) || !Object.keys(doc.jobs).length)
    out.push("workflow: jobs must be a non-empty mapping");
  else
    for (const [id, job] of Object.entries(doc.jobs)) {
      const w = `jobs.${id}`;
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id)) out.push(`${w}: invalid job id`);
      if (!isObj(job)) {
        out.push(`${w} must be a mapping`);
        continue;
      }
      keys(job, JOB_KEYS, w, out);
      if (!("runs-on" in job) && !("uses" in job)) out.push(`${w}: runs-on is missing`);
      if ("permissions" in job) checkPermissions(job.permissions, w, out);
      checkSteps(job.steps, w, out, false);
    }
  expressions(text, out);
  return out;
}

export function actionProblems(doc: unknown, text: string): string[] {
  const out: string[] = [];
  if (!isObj(doc)) return ["action.yml is not a mapping"];
  keys(doc, ["name", "author", "description", "inputs", "outputs", "runs", "branding"], "action", out);
  for (const k of ["name", "description", "runs"]) if (!(k in doc)) out.push(`action: ${k} is required`);
  if (isObj(doc.inputs))
    for (const [id, i] of Object.entries(doc.inputs)) {
      if (!isObj(i)) out.push(`inputs.${id} must be a mapping`);
      else {
        keys(i, ["description", "required", "default", "deprecationMessage"], `inputs.${id}`, out);
        if (typeof i.description !== "string") out.push(`inputs.${id}.description is required`);
      }
    }
  if (isObj(doc.outputs))
    for (const [id, o] of Object.entries(doc.outputs)) {
      if (!isObj(o) || typeof o.value !== "string") out.push(`outputs.${id}: composite outputs need value`);
      else keys(o, ["description", "value"], `outputs.${id}`, out);
    }
  const runs = doc.runs;
  if (!isObj(runs) || runs.using !== "composite") out.push("runs.using must be composite");
  else {
    keys(runs, ["using", "steps"], "runs", out);
    checkSteps(runs.steps, "runs", out, true);
  }
  expressions(text, out, ["github", "env", "vars", "job", "steps", "runner", "strategy", "matrix", "inputs"]);
  return out;
}

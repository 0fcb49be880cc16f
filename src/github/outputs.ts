/**
 * GitHub Actions step outputs and job summary, named exactly as release-please-action v4
 * names them (spec §7.4), so workflows switching to shipline keep their `if:` conditions:
 * `releases_created`, `paths_released`, per release `release_created`, `tag_name`, `version`,
 * `major`, `minor`, `patch`, `sha`, `id`, `name`, `body`, `html_url`, `upload_url`, `draft`,
 * `path`, `prNumber` (prefixed `<path>--` outside the root package), and `prs_created`, `pr`,
 * `prs`. Values go to $GITHUB_OUTPUT in @actions/core's heredoc format.
 *
 * Two outputs of shipline's own: `releases_sha`, the commit every release of this run was made
 * at (empty when there is none, or when they were made at different commits), and
 * `tags_released`, the tags of this run's releases (a JSON array, like `paths_released`). A
 * monorepo's releases have no root `tag_name`, and a two-job workflow's publish job checks
 * `releases_sha` out (the merged release PR may be behind the commit the workflow ran for) and
 * passes `tags_released` to `publish --tags`, which builds each release from its tag's commit
 * when they differ.
 */
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import type { ReleaseRunResult } from "./github-release.ts";

/** What the pr stage records. */
export interface PrStageResult {
  dryRun?: boolean;
  /** Merged release PRs left untagged, released by this run before it opened PRs (`run` only). */
  released?: ReleaseRunResult["releases"];
  /** Those PRs, still labelled pending until this run has published them (the assets stage swaps). */
  labelsAfterPublish?: number[];
  prs: {
    headBranchName: string;
    baseBranchName: string;
    number?: number;
    url?: string;
    title: string;
    body: string;
    labels: string[];
    action: string;
    versions: Record<string, string>;
  }[];
}

export type ReleaseStageResult = ReleaseRunResult & { dryRun?: boolean };

export type OutputValue = string | number | boolean | object;

/** @actions/core toCommandValue: strings as they are, everything else JSON. */
function text(v: OutputValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** `name<<DELIM⏎value⏎DELIM⏎`, with a delimiter that cannot occur in the value. */
export function formatOutput(name: string, value: OutputValue): string {
  const v = text(value);
  let delim = `ghadelimiter_${randomUUID()}`;
  while (v.includes(delim) || name.includes(delim)) delim = `ghadelimiter_${randomUUID()}`;
  return `${name}<<${delim}\n${v}\n${delim}\n`;
}

export function actionOutputs(pr?: PrStageResult, release?: ReleaseStageResult): [string, OutputValue][] {
  const out: [string, OutputValue][] = [];
  const created = (release?.releases ?? []).filter((r) => r.status === "created");
  out.push(["releases_created", created.length > 0]);
  for (const r of created) {
    const set = (k: string, v: OutputValue) => out.push([r.path === "." ? k : `${r.path}--${k}`, v]);
    const [major, minor, patch] = r.version.split(/[.+-]/).map((n) => Number.parseInt(n, 10) || 0);
    set("release_created", true);
    set("id", r.id);
    set("name", r.name);
    set("tag_name", r.tag);
    set("sha", r.sha);
    set("body", r.body ?? "");
    set("html_url", r.url);
    set("draft", r.draft);
    set("upload_url", r.uploadUrl);
    set("path", r.path);
    set("version", r.version);
    set("major", major ?? 0);
    set("minor", minor ?? 0);
    set("patch", patch ?? 0);
    if (release?.pr) set("prNumber", release.pr.number);
  }
  out.push(["paths_released", JSON.stringify(created.map((r) => r.path))]);
  const shas = new Set(created.map((r) => r.sha));
  out.push(["releases_sha", shas.size === 1 ? [...shas][0]! : ""]);
  out.push(["tags_released", JSON.stringify(created.map((r) => r.tag))]);
  const prs = (pr?.prs ?? [])
    .filter(
      (p) =>
        p.number !== undefined &&
        (p.action === "created" || p.action === "updated" || p.action === "reopened"),
    )
    .map((p) => ({
      headBranchName: p.headBranchName,
      baseBranchName: p.baseBranchName,
      number: p.number,
      title: p.title,
      body: p.body,
      labels: p.labels,
      files: [],
    }));
  out.push(["prs_created", prs.length > 0]);
  if (prs.length) {
    out.push(["pr", prs[0]!]);
    out.push(["prs", JSON.stringify(prs)]);
  }
  return out;
}

export function summaryMarkdown(pr?: PrStageResult, release?: ReleaseStageResult): string {
  const lines = ["### shipline", ""];
  const rel = release?.releases ?? [];
  if (rel.length) {
    lines.push("| release | tag | commit | status |", "|---|---|---|---|");
    for (const r of rel)
      lines.push(`| [${r.name}](${r.url}) | \`${r.tag}\` | \`${r.sha.slice(0, 7)}\` | ${r.status} |`);
    lines.push("");
  }
  for (const p of pr?.prs ?? [])
    lines.push(
      `- release PR ${p.number ? `[#${p.number}](${p.url})` : ""} **${p.title}** (\`${p.headBranchName}\`): ${p.action}`,
    );
  if (!rel.length && !(pr?.prs ?? []).length) lines.push("Nothing to release.");
  return `${lines.join("\n")}\n`;
}

/** Write outputs and the summary when running in GitHub Actions (no-op elsewhere). */
export function writeActionsOutputs(
  pr: PrStageResult | undefined,
  release: ReleaseStageResult | undefined,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (pr?.dryRun || release?.dryRun) return;
  if (env.GITHUB_OUTPUT)
    appendFileSync(
      env.GITHUB_OUTPUT,
      actionOutputs(pr, release)
        .map(([k, v]) => formatOutput(k, v))
        .join(""),
    );
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, summaryMarkdown(pr, release));
}

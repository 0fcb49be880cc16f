/** release-please-action v4 outputs: names, path prefixes, values, and the heredoc file format. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ReleaseRecord } from "../../src/github/github-release.ts";
import {
  actionOutputs,
  formatOutput,
  type PrStageResult,
  writeActionsOutputs,
} from "../../src/github/outputs.ts";
import { tempDir } from "../helpers/repo.ts";

function record(path: string, version: string, tag: string): ReleaseRecord {
  return {
    path,
    component: path === "." ? "" : "pkg",
    version,
    tag,
    sha: "a".repeat(40),
    name: tag,
    body: "## notes\n\nmulti-line",
    status: "created",
    tagStatus: "created",
    id: 7,
    url: `https://github.com/o/r/releases/tag/${tag}`,
    uploadUrl: "https://uploads.github.com/x{?name,label}",
    draft: false,
    prerelease: false,
  };
}

describe("Actions outputs", () => {
  test("root package: keys as is; sub-packages: <path>--key", () => {
    const out = new Map(
      actionOutputs(undefined, {
        releases: [record(".", "1.2.3", "v1.2.3"), record("packages/b", "0.4.0-beta.1", "b-v0.4.0-beta.1")],
        pr: { number: 5, url: "u", labels: "swapped" },
      }),
    );
    expect(out.get("releases_created")).toBe(true);
    expect(out.get("release_created")).toBe(true);
    expect(out.get("tag_name")).toBe("v1.2.3");
    expect([out.get("major"), out.get("minor"), out.get("patch")]).toEqual([1, 2, 3]);
    expect(out.get("packages/b--release_created")).toBe(true);
    expect(out.get("packages/b--tag_name")).toBe("b-v0.4.0-beta.1");
    expect([
      out.get("packages/b--major"),
      out.get("packages/b--minor"),
      out.get("packages/b--patch"),
    ]).toEqual([0, 4, 0]);
    expect(out.get("packages/b--prNumber")).toBe(5);
    expect(out.get("paths_released")).toBe('[".","packages/b"]');
    // shipline's own: the one commit every release was made at, for a publish job to check out
    expect(out.get("releases_sha")).toBe("a".repeat(40));
    expect(out.get("tags_released")).toBe('["v1.2.3","b-v0.4.0-beta.1"]');
    expect(out.get("prs_created")).toBe(false);
    expect(out.has("pr")).toBe(false);
  });

  test("existing (not created) releases produce no release outputs", () => {
    const existing = { ...record(".", "1.2.3", "v1.2.3"), status: "existing" as const };
    const out = new Map(actionOutputs(undefined, { releases: [existing] }));
    expect(out.get("releases_created")).toBe(false);
    expect(out.has("tag_name")).toBe(false);
    expect(out.get("releases_sha")).toBe("");
    expect(out.get("tags_released")).toBe("[]");
  });

  test("releases_sha is empty when the releases were made at different commits", () => {
    const b = { ...record("packages/b", "0.4.0", "b-v0.4.0"), sha: "b".repeat(40) };
    const out = new Map(
      actionOutputs(undefined, { releases: [record("packages/a", "1.0.0", "a-v1.0.0"), b] }),
    );
    expect(out.get("releases_created")).toBe(true);
    expect(out.get("releases_sha")).toBe("");
    // …and the publish job gets each release's tag instead, to build it from its own commit
    expect(out.get("tags_released")).toBe('["a-v1.0.0","b-v0.4.0"]');
  });

  test("PR outputs: prs_created, pr (first PR object), prs", () => {
    const pr: PrStageResult = {
      prs: [
        {
          headBranchName: "release-please--branches--main",
          baseBranchName: "main",
          number: 3,
          url: "u",
          title: "chore(main): release 1.0.0",
          body: "b",
          labels: ["autorelease: pending"],
          action: "created",
          versions: { ".": "1.0.0" },
        },
      ],
    };
    const out = new Map(actionOutputs(pr, undefined));
    expect(out.get("prs_created")).toBe(true);
    expect(out.get("pr")).toEqual({
      headBranchName: "release-please--branches--main",
      baseBranchName: "main",
      number: 3,
      title: "chore(main): release 1.0.0",
      body: "b",
      labels: ["autorelease: pending"],
      files: [],
    });
    expect(JSON.parse(String(out.get("prs")))).toHaveLength(1);
    const unchanged = new Map(actionOutputs({ prs: [{ ...pr.prs[0]!, action: "unchanged" }] }, undefined));
    expect(unchanged.get("prs_created")).toBe(false);
  });

  test("heredoc format with a delimiter absent from the value; files appended", () => {
    const text = formatOutput("body", "line 1\nline 2");
    const m = /^body<<(ghadelimiter_[0-9a-f-]{36})\nline 1\nline 2\n\1\n$/.exec(text);
    expect(m).not.toBeNull();
    expect(formatOutput("flag", true)).toMatch(/^flag<<ghadelimiter_[^\n]+\ntrue\n/);
    const dir = tempDir();
    const env = { GITHUB_OUTPUT: join(dir, "out"), GITHUB_STEP_SUMMARY: join(dir, "sum") };
    writeActionsOutputs(undefined, { releases: [record(".", "1.2.3", "v1.2.3")] }, env);
    writeActionsOutputs(undefined, { releases: [] }, env);
    const file = readFileSync(env.GITHUB_OUTPUT, "utf8");
    expect(file.match(/^releases_created<</gm)).toHaveLength(2);
    expect(file).toContain("\n## notes\n\nmulti-line\n");
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, "utf8")).toContain(
      "| [v1.2.3](https://github.com/o/r/releases/tag/v1.2.3) | `v1.2.3`",
    );
  });
});

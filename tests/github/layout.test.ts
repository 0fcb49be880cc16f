// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title patterns
/** Release PR layout against the spec's vectors (§5, §9: V8, V15, V16, V17, V26, V29). */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadReleasePleaseConfig } from "../../src/config/release-please.ts";
import { branchName, groupPullRequests, releaseName, renderTitle } from "../../src/github/layout.ts";
import type { PlannedRelease } from "../../src/plan/types.ts";
import { tempDir } from "../helpers/repo.ts";

const FOOTER =
  "This PR was generated with [Release Please](https://github.com/googleapis/release-please). See [documentation](https://github.com/googleapis/release-please#release-please).";
const HEADER = ":robot: I have created a release *beep* *boop*";

function config(cfg: Record<string, unknown>, manifest: Record<string, string>) {
  const dir = tempDir();
  writeFileSync(join(dir, "release-please-config.json"), JSON.stringify(cfg));
  writeFileSync(join(dir, ".release-please-manifest.json"), JSON.stringify(manifest));
  return loadReleasePleaseConfig(dir);
}

function rel(path: string, version: string, changelog: string, component = ""): PlannedRelease {
  return {
    path,
    component,
    previousVersion: null,
    version,
    previousTag: null,
    tag: `v${version}`,
    title: "",
    changelog,
    prerelease: false,
    draft: false,
    commits: [],
    warnings: [],
  };
}

const ENTRY_010 = "## 0.1.0 (2024-05-06)\n\n\n### Features\n\n* first feature L(1)";

describe("titles and branches (§5.1, §5.2)", () => {
  test("examples", () => {
    const p = "chore${scope}: release${component} ${version}";
    expect(renderTitle(p, { target: "main", version: "1.2.4" })).toBe("chore(main): release 1.2.4");
    expect(renderTitle(p, { target: "main", component: "mypkg", version: "1.2.4" })).toBe(
      "chore(main): release mypkg 1.2.4",
    );
    expect(
      renderTitle("chore: release ${component} v${version}", { component: "mypkg", version: "1.2.4" }),
    ).toBe("chore: release  mypkg v1.2.4");
    expect(
      renderTitle("chore: release ${component} v${version}", { version: "1.2.4", componentNoSpace: true }),
    ).toBe("chore: release v1.2.4");
    expect(renderTitle("chore: release ${branch}", { target: "main" })).toBe("chore: release main");
    expect(branchName("main")).toBe("release-please--branches--main");
    expect(branchName("main", "mypkg")).toBe("release-please--branches--main--components--mypkg");
  });
});

describe("grouping and bodies (§5.3–5.5)", () => {
  test("V8: single package, full body", () => {
    const cfg = config({ packages: { ".": { "release-type": "python" } } }, {});
    const [pr, ...rest] = groupPullRequests(cfg, [rel(".", "0.1.0", ENTRY_010)], "main");
    expect(rest).toEqual([]);
    expect(pr?.title).toBe("chore(main): release 0.1.0");
    expect(pr?.branch).toBe("release-please--branches--main");
    expect(pr?.labels).toEqual(["autorelease: pending"]);
    expect(pr?.message).toBe("chore(main): release 0.1.0");
    expect(pr?.body).toBe(`${HEADER}\n---\n\n\n${ENTRY_010}\n\n---\n${FOOTER}`);
  });

  test("V15/V16: package-name puts the component in the branch even without it in the tag", () => {
    const v15 = config({ packages: { ".": { "release-type": "python", "package-name": "mypkg" } } }, {});
    const [a] = groupPullRequests(v15, [rel(".", "1.2.4", "e")], "main");
    expect(a?.title).toBe("chore(main): release mypkg 1.2.4");
    expect(a?.branch).toBe("release-please--branches--main--components--mypkg");
    expect(releaseName(v15.packages[0]!, "1.2.4")).toBe("mypkg: v1.2.4");
    const v16 = config(
      {
        packages: {
          ".": { "release-type": "python", "package-name": "mypkg", "include-component-in-tag": false },
        },
      },
      {},
    );
    const [b] = groupPullRequests(v16, [rel(".", "1.2.4", "e")], "main");
    expect(b?.title).toBe("chore(main): release 1.2.4");
    expect(b?.branch).toBe("release-please--branches--main--components--mypkg");
    expect(releaseName(v16.packages[0]!, "1.2.4")).toBe("v1.2.4");
  });

  test("V17: monorepo → one merged PR with <details> per component, config order", () => {
    const cfg = config(
      {
        "release-type": "python",
        packages: { "packages/a": { "package-name": "pkg-a" }, "packages/b": { component: "pkg-b" } },
      },
      { "packages/a": "1.0.0", "packages/b": "0.3.0" },
    );
    const a =
      "## [1.1.0](https://github.com/o/r/compare/pkg-a-v1.0.0...pkg-a-v1.1.0) (2024-05-06)\n\n\n### Features\n\n* a feature L(1)";
    const b =
      "## [0.3.1](https://github.com/o/r/compare/pkg-b-v0.3.0...pkg-b-v0.3.1) (2024-05-06)\n\n\n### Bug Fixes\n\n* b fix L(2)";
    const prs = groupPullRequests(
      cfg,
      [rel("packages/b", "0.3.1", b), rel("packages/a", "1.1.0", a)],
      "main",
    );
    expect(prs).toHaveLength(1);
    expect(prs[0]?.title).toBe("chore: release main");
    expect(prs[0]?.branch).toBe("release-please--branches--main");
    expect(prs[0]?.body).toBe(
      `${HEADER}\n---\n\n\n<details><summary>pkg-a: 1.1.0</summary>\n\n${a}\n</details>\n\n<details><summary>pkg-b: 0.3.1</summary>\n\n${b}\n</details>\n\n---\n${FOOTER}`,
    );
    // Even one changed package goes through the merge.
    const one = groupPullRequests(cfg, [rel("packages/b", "0.3.1", b)], "main");
    expect(one[0]?.title).toBe("chore: release main");
    expect(one[0]?.body).toContain("<details><summary>pkg-b: 0.3.1</summary>");
  });

  test("V26: custom title pattern, header and footer", () => {
    const cfg = config(
      {
        packages: {
          ".": {
            "release-type": "python",
            "pull-request-title-pattern": "chore: release v${version}",
            "pull-request-header": "Release notes",
            "pull-request-footer": "Merge to publish.",
          },
        },
      },
      {},
    );
    const [pr] = groupPullRequests(cfg, [rel(".", "1.2.4", "ENTRY")], "main");
    expect(pr?.title).toBe("chore: release v1.2.4");
    expect(pr?.body).toBe("Release notes\n---\n\n\nENTRY\n\n---\nMerge to publish.");
  });

  test("V29: explicit separate-pull-requests false sends a single package through the merge", () => {
    const cfg = config(
      { "separate-pull-requests": false, packages: { ".": { "release-type": "python" } } },
      {},
    );
    const [pr] = groupPullRequests(cfg, [rel(".", "1.2.4", "ENTRY")], "main");
    expect(pr?.title).toBe("chore: release main");
    expect(pr?.body).toContain("\n\n\n<details><summary>1.2.4</summary>\n\nENTRY\n</details>\n\n---\n");
  });

  test("separate-pull-requests true: one PR per package; extra-label, draft, signoff", () => {
    const cfg = config(
      {
        "release-type": "python",
        "separate-pull-requests": true,
        signoff: "Bot <bot@example.com>",
        packages: {
          a: { "package-name": "a", "extra-label": "x,y", "draft-pull-request": true },
          b: { "package-name": "b" },
        },
      },
      {},
    );
    const prs = groupPullRequests(cfg, [rel("a", "1.0.0", "A"), rel("b", "2.0.0", "B")], "main");
    expect(prs.map((p) => p.branch)).toEqual([
      "release-please--branches--main--components--a",
      "release-please--branches--main--components--b",
    ]);
    expect(prs[0]?.labels).toEqual(["autorelease: pending", "x", "y"]);
    expect(prs[0]?.draft).toBe(true);
    expect(prs[1]?.draft).toBe(false);
    expect(prs[0]?.message).toBe("chore(main): release a 1.0.0\n\nSigned-off-by: Bot <bot@example.com>");
  });
});

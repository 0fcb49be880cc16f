// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title patterns use literal ${…} placeholders
/** release-please config + manifest loading: defaults, merge, file names, warnings, errors. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { componentOf, loadReleasePleaseConfig, tagComponentOf } from "../../src/config/release-please.ts";
import { tempDir } from "../helpers/repo.ts";

const dirs: string[] = [];
afterAll(async () => {
  const { rmSync } = await import("node:fs");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dir(files: Record<string, unknown>): string {
  const d = tempDir();
  dirs.push(d);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(d, p, ".."), { recursive: true });
    writeFileSync(join(d, p), typeof c === "string" ? c : JSON.stringify(c));
  }
  return d;
}

describe("loadReleasePleaseConfig", () => {
  test("defaults, top-level values as package defaults, package wins", () => {
    const cfg = loadReleasePleaseConfig(
      dir({
        "release-please-config.json": {
          "release-type": "python",
          "bump-minor-pre-major": true,
          "pull-request-header": "",
          label: "a, b",
          packages: {
            ".": { "bump-minor-pre-major": false, "package-name": "pkg" },
            "libs/x": { component: "x" },
          },
        },
        ".release-please-manifest.json": { ".": "1.0.0" },
      }),
    );
    const [root, x] = cfg.packages;
    expect(root?.bumpMinorPreMajor).toBe(false);
    expect(x?.bumpMinorPreMajor).toBe(true);
    expect(root?.releaseType).toBe("python");
    expect(root?.includeVInTag).toBe(true);
    expect(root?.tagSeparator).toBe("-");
    expect(root?.changelogPath).toBe("CHANGELOG.md");
    expect(root?.pullRequestHeader).toBe(":robot: I have created a release *beep* *boop*");
    expect(componentOf(root!)).toBe("pkg");
    expect(tagComponentOf({ ...root!, includeComponentInTag: false })).toBe("");
    // comma-split without trimming, as release-please does
    expect(cfg.labels).toEqual(["a", " b"]);
    expect(cfg.releaseLabels).toEqual(["autorelease: tagged"]);
    expect(cfg.separatePullRequests).toBe(false);
    expect(cfg.commitSearchDepth).toBe(500);
    expect(cfg.manifest).toEqual({ ".": "1.0.0" });
    expect(cfg.warnings).toEqual([]);
  });

  test("the dot-named config is accepted; the plain name wins when both exist", () => {
    const only = dir({
      ".release-please-config.json": { packages: { ".": { "release-type": "python", component: "dot" } } },
      ".release-please-manifest.json": {},
    });
    expect(loadReleasePleaseConfig(only).packages[0]?.component).toBe("dot");
    const both = dir({
      ".release-please-config.json": { packages: { ".": { "release-type": "python", component: "dot" } } },
      "release-please-config.json": { packages: { ".": { "release-type": "python", component: "plain" } } },
      ".release-please-manifest.json": {},
    });
    const cfg = loadReleasePleaseConfig(both);
    expect(cfg.configFile).toBe("release-please-config.json");
    expect(cfg.packages[0]?.component).toBe("plain");
    expect(cfg.separatePullRequests).toBe(true);
  });

  test("unknown keys warn; omitted release-type warns (release-please defaults to node)", () => {
    const cfg = loadReleasePleaseConfig(
      dir({
        "release-please-config.json": {
          "bootstrap-shaa": "x",
          "last-release-sha": "abc1234",
          packages: { ".": { "changelog-secions": [] } },
        },
        ".release-please-manifest.json": {},
      }),
    );
    expect(cfg.warnings.join("\n")).toContain("unknown key bootstrap-shaa");
    expect(cfg.warnings.join("\n")).toContain('unknown key packages["."].changelog-secions');
    expect(cfg.warnings.join("\n")).toContain('release-type "node"');
    expect(cfg.warnings.join("\n")).toContain('last-release-sha "abc1234" is not a full 40-character sha');
  });

  test("a title pattern with both ${scope} and ${branch} is warned: release-please 17 fails on it", () => {
    const cfg = loadReleasePleaseConfig(
      dir({
        "release-please-config.json": {
          "group-pull-request-title-pattern": "chore${scope}: release ${branch}",
          packages: {
            a: {
              "release-type": "python",
              "pull-request-title-pattern": "chore${scope}: ${branch} ${version}",
            },
            b: {
              "release-type": "python",
              "pull-request-title-pattern": "chore${scope}: release ${version}",
            },
          },
        },
        ".release-please-manifest.json": {},
      }),
    );
    expect(cfg.warnings).toEqual([
      'release-please-config.json: group-pull-request-title-pattern uses both ${scope} and ${branch}; release-please 17 fails on such a pattern ("duplicate group specifier name") and opens no PR, shipline plans it',
      'release-please-config.json: packages["a"].pull-request-title-pattern uses both ${scope} and ${branch}; release-please 17 fails on such a pattern ("duplicate group specifier name") and opens no PR, shipline plans it',
    ]);
  });

  test("invalid values name file, key, expected and found", () => {
    const bad =
      (config: unknown, manifest: unknown = {}) =>
      () =>
        loadReleasePleaseConfig(
          dir({ "release-please-config.json": config, ".release-please-manifest.json": manifest }),
        );
    expect(bad({ packages: { ".": { versioning: "semver" } } })).toThrow(
      'release-please-config.json: packages["."].versioning must be one of default, always-bump-patch',
    );
    expect(bad({ packages: { ".": { "changelog-sections": [{ type: "feat" }] } } })).toThrow(
      'packages["."].changelog-sections[0] must be an object with string type and section',
    );
    expect(bad({ packages: { ".": { "extra-files": [{ type: "json", path: "a.json" }] } } })).toThrow(
      'packages["."].extra-files[0].jsonpath must be a JSONPath string, found nothing',
    );
    expect(bad({ "commit-search-depth": 0, packages: {} })).toThrow(
      "commit-search-depth must be a positive integer",
    );
    expect(bad({})).toThrow("packages is missing");
    expect(bad({ packages: { ".": {} } }, { ".": 1 })).toThrow(
      '.release-please-manifest.json: "." must be a version string',
    );
    expect(bad("{nope")).toThrow("release-please-config.json is not valid JSON");
    expect(() => loadReleasePleaseConfig(dir({ "release-please-config.json": { packages: {} } }))).toThrow(
      ".release-please-manifest.json is missing",
    );
  });
});

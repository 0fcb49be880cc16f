// biome-ignore-all lint/suspicious/noTemplateCurlyInString: release-please title placeholders are literal ${…} text
/**
 * release-please's own config files, read unchanged: `release-please-config.json` (or the
 * shipline extension `.release-please-config.json`; when both exist only the non-dot one is
 * read, spec §1.1) and `.release-please-manifest.json`.
 *
 * Semantics follow release-please 17.11 `extractReleaserConfig`/`mergeReleaserConfig`: every
 * per-package key may also be given at the top level, and the package value wins (`??`).
 * Unlike release-please (which ignores unknown keys silently), unknown keys produce a warning,
 * and a value of the wrong type is a ShiplineError naming file, key, expected and found.
 */
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ShiplineError } from "../errors.ts";
import { readJsonFile, typeName } from "./json-file.ts";
import { type UvMember, uvWorkspaceMembers } from "./uv-workspace.ts";

export const CONFIG_FILE = "release-please-config.json";
export const DOT_CONFIG_FILE = ".release-please-config.json";
export const MANIFEST_FILE = ".release-please-manifest.json";

export interface ChangelogSection {
  type: string;
  section: string;
  hidden?: boolean;
  /** Undocumented but honoured by the preset: the entry only matches commits with this exact scope. */
  scope?: string;
}

/** An `extra-files` entry: a plain path, or a typed updater (spec §6.4). */
export type ExtraFile =
  | string
  | {
      type: "generic" | "json" | "yaml" | "toml" | "xml" | "pom";
      path: string;
      jsonpath?: string;
      xpath?: string;
      glob?: boolean;
    };

export type VersioningName =
  | "default"
  | "always-bump-patch"
  | "always-bump-minor"
  | "always-bump-major"
  | "service-pack"
  | "prerelease";

/** One package's effective settings (top-level defaults merged in). */
export interface PackageConfig {
  /** Key of `packages`: "." is the repository root, else a folder without leading/trailing "/". */
  path: string;
  releaseType: string;
  packageName?: string;
  /** The `component` key as written (see componentOf for the derived component). */
  component?: string;
  includeComponentInTag: boolean;
  includeVInTag: boolean;
  includeVInReleaseName: boolean;
  tagSeparator: string;
  /** Undefined: the release type's default sections (python: spec §4.1). */
  changelogSections?: ChangelogSection[];
  changelogPath: string;
  changelogType: "default" | "github";
  changelogHost: string;
  includeCommitAuthors: boolean;
  bumpMinorPreMajor: boolean;
  bumpPatchForMinorPreMajor: boolean;
  versioning: VersioningName;
  prerelease: boolean;
  prereleaseType?: string;
  /** Non-empty only (an empty string turns an inherited value off). */
  releaseAs?: string;
  initialVersion?: string;
  draft: boolean;
  forceTagCreation: boolean;
  draftPullRequest: boolean;
  skipGithubRelease: boolean;
  skipChangelog: boolean;
  pullRequestTitlePattern: string;
  pullRequestHeader: string;
  pullRequestFooter: string;
  componentNoSpace: boolean;
  extraLabels: string[];
  extraFiles: ExtraFile[];
  /**
   * Undefined when no `exclude-paths` is set. Set — even to [] — release-please's CommitExclude
   * also drops the package's commits that touch none of its files (an empty commit, say).
   */
  excludePaths?: string[];
  /** Inherited from the top level when the package does not say. */
  separatePullRequests?: boolean;
  dateFormat: string;
  versionFile?: string;
  /** The package's own raw object (for diagnostics). */
  raw: Record<string, unknown>;
  /** Added from `[tool.uv.workspace]` (opt-in `[tool.shipline] uv-workspace = true`), not listed in the config. */
  fromUvWorkspace?: boolean;
}

export interface ReleasePleaseConfig {
  root: string;
  /** File name actually read (relative to root). */
  configFile: string;
  manifestFile: string;
  packages: PackageConfig[];
  /** Manifest versions as written, by package path. */
  manifest: Record<string, string>;
  bootstrapSha?: string;
  lastReleaseSha?: string;
  plugins: (string | Record<string, unknown>)[];
  /** true when exactly one package and unset. */
  separatePullRequests: boolean;
  /** Whether the top level set separate-pull-requests explicitly. */
  separatePullRequestsExplicit: boolean;
  groupPullRequestTitlePattern: string;
  labels: string[];
  releaseLabels: string[];
  alwaysUpdate: boolean;
  signoff?: string;
  releaseSearchDepth: number;
  commitSearchDepth: number;
  commitBatchSize: number;
  /** uv workspace members (configured or added) when `[tool.shipline] uv-workspace = true`. */
  uvWorkspace?: UvMember[];
  warnings: string[];
}

export const DEFAULT_TITLE_PATTERN = "chore${scope}: release${component} ${version}";
export const DEFAULT_GROUP_TITLE_PATTERN = "chore: release ${branch}";
export const DEFAULT_PR_HEADER = ":robot: I have created a release *beep* *boop*";
export const DEFAULT_PR_FOOTER =
  "This PR was generated with [Release Please](https://github.com/googleapis/release-please). See [documentation](https://github.com/googleapis/release-please#release-please).";

const VERSIONINGS: VersioningName[] = [
  "default",
  "always-bump-patch",
  "always-bump-minor",
  "always-bump-major",
  "service-pack",
  "prerelease",
];

type Kind = "string" | "boolean" | "sections" | "extra-files" | "strings" | "versioning" | "changelog-type";

/** Keys valid per package (and as top-level defaults). */
const PACKAGE_KEYS: Record<string, Kind> = {
  "release-type": "string",
  "package-name": "string",
  component: "string",
  "include-component-in-tag": "boolean",
  "include-v-in-tag": "boolean",
  "include-v-in-release-name": "boolean",
  "tag-separator": "string",
  "changelog-sections": "sections",
  "changelog-path": "string",
  "changelog-type": "changelog-type",
  "changelog-host": "string",
  "include-commit-authors": "boolean",
  "bump-minor-pre-major": "boolean",
  "bump-patch-for-minor-pre-major": "boolean",
  versioning: "versioning",
  prerelease: "boolean",
  "prerelease-type": "string",
  "release-as": "string",
  "initial-version": "string",
  draft: "boolean",
  "force-tag-creation": "boolean",
  "draft-pull-request": "boolean",
  "skip-github-release": "boolean",
  "skip-changelog": "boolean",
  "pull-request-title-pattern": "string",
  "pull-request-header": "string",
  "pull-request-footer": "string",
  "component-no-space": "boolean",
  "extra-label": "string",
  "extra-files": "extra-files",
  "exclude-paths": "strings",
  "separate-pull-requests": "boolean",
  "date-format": "string",
  "version-file": "string",
  // read by release-please for other release types; accepted silently
  "skip-snapshot": "boolean",
  label: "string",
  "release-label": "string",
  "always-update": "boolean",
  "snapshot-label": "string",
};

const TOP_KEYS: Record<string, "string" | "boolean" | "number" | "plugins" | "packages" | "any"> = {
  packages: "packages",
  "bootstrap-sha": "string",
  "last-release-sha": "string",
  plugins: "plugins",
  "group-pull-request-title-pattern": "string",
  "always-update": "boolean",
  "sequential-calls": "boolean",
  "release-search-depth": "number",
  "commit-search-depth": "number",
  "commit-batch-size": "number",
  signoff: "string",
  "always-link-local": "boolean",
  $schema: "any",
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function fail(file: string, key: string, expected: string, found: unknown): never {
  throw new ShiplineError(
    `${file}: ${key} must be ${expected}, found ${typeName(found)}`,
    `fix ${key} in ${file} (see release-please's config schema)`,
  );
}

function checkValue(file: string, key: string, kind: Kind, v: unknown): void {
  switch (kind) {
    case "string":
      if (typeof v !== "string") fail(file, key, "a string", v);
      return;
    case "boolean":
      if (typeof v !== "boolean") fail(file, key, "true or false", v);
      return;
    case "strings":
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
        fail(file, key, "an array of strings", v);
      return;
    case "versioning":
      if (typeof v !== "string" || !VERSIONINGS.includes(v as VersioningName))
        fail(file, key, `one of ${VERSIONINGS.join(", ")}`, v);
      return;
    case "changelog-type":
      if (v !== "default" && v !== "github") fail(file, key, '"default" or "github"', v);
      return;
    case "sections":
      if (!Array.isArray(v)) fail(file, key, "an array of {type, section, hidden?}", v);
      v.forEach((s, i) => {
        if (!isObj(s) || typeof s.type !== "string" || typeof s.section !== "string")
          fail(file, `${key}[${i}]`, "an object with string type and section", s);
        if (s.hidden !== undefined && typeof s.hidden !== "boolean")
          fail(file, `${key}[${i}].hidden`, "true or false", s.hidden);
        if (s.scope !== undefined && typeof s.scope !== "string")
          fail(file, `${key}[${i}].scope`, "a string", s.scope);
      });
      return;
    case "extra-files":
      if (!Array.isArray(v)) fail(file, key, "an array of paths or {type, path}", v);
      v.forEach((e, i) => {
        if (typeof e === "string") return;
        if (!isObj(e) || typeof e.path !== "string" || typeof e.type !== "string")
          fail(file, `${key}[${i}]`, "a path or an object with string type and path", e);
        if (!["generic", "json", "yaml", "toml", "xml", "pom"].includes(e.type as string))
          fail(file, `${key}[${i}].type`, "one of generic, json, yaml, toml, xml, pom", e.type);
        if ((e.type === "json" || e.type === "yaml" || e.type === "toml") && typeof e.jsonpath !== "string")
          fail(file, `${key}[${i}].jsonpath`, "a JSONPath string", e.jsonpath);
        if (e.type === "xml" && typeof e.xpath !== "string")
          fail(file, `${key}[${i}].xpath`, "an XPath string", e.xpath);
        if (e.glob !== undefined && typeof e.glob !== "boolean")
          fail(file, `${key}[${i}].glob`, "true or false", e.glob);
      });
      return;
  }
}

function checkObject(file: string, prefix: string, o: Obj, top: boolean, warnings: string[]): void {
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const pk = PACKAGE_KEYS[k];
    const tk = top ? TOP_KEYS[k] : undefined;
    if (tk) {
      if (tk === "string" && typeof v !== "string") fail(file, prefix + k, "a string", v);
      if (tk === "boolean" && typeof v !== "boolean") fail(file, prefix + k, "true or false", v);
      if (tk === "number" && (typeof v !== "number" || !Number.isInteger(v) || v < 1))
        fail(file, prefix + k, "a positive integer", v);
      if (tk === "plugins" && (!Array.isArray(v) || v.some((p) => typeof p !== "string" && !isObj(p))))
        fail(file, prefix + k, "an array of plugin names or {type, …} objects", v);
      continue;
    }
    if (pk) {
      checkValue(file, prefix + k, pk, v);
      continue;
    }
    warnings.push(`${file}: unknown key ${prefix}${k} (ignored, as release-please does)`);
  }
}

function splitLabels(v: unknown, dflt: string[]): string[] {
  // release-please splits on "," WITHOUT trimming (spec §1.2).
  return typeof v === "string" ? v.split(",") : dflt;
}

/** Which config file exists (non-dot wins), or undefined. */
export function findConfigFile(root: string): string | undefined {
  if (existsSync(join(root, CONFIG_FILE))) return CONFIG_FILE;
  if (existsSync(join(root, DOT_CONFIG_FILE))) return DOT_CONFIG_FILE;
  return undefined;
}

function mergePackage(path: string, top: Obj, pkg: Obj): PackageConfig {
  const get = <T>(k: string): T | undefined => (pkg[k] ?? top[k]) as T | undefined;
  const bool = (k: string, d: boolean) => get<boolean>(k) ?? d;
  const releaseAs = get<string>("release-as");
  const str = (k: string, d: string) => {
    const v = get<string>(k);
    // release-please falls back to the default for an empty header/footer/pattern.
    return v === undefined || v === "" ? d : v;
  };
  return {
    path,
    releaseType: get<string>("release-type") ?? "node",
    packageName: get<string>("package-name"),
    component: get<string>("component"),
    includeComponentInTag: bool("include-component-in-tag", true),
    includeVInTag: bool("include-v-in-tag", true),
    includeVInReleaseName: bool("include-v-in-release-name", true),
    tagSeparator: get<string>("tag-separator") ?? "-",
    changelogSections: get<ChangelogSection[]>("changelog-sections"),
    changelogPath: get<string>("changelog-path") ?? "CHANGELOG.md",
    changelogType: get<"default" | "github">("changelog-type") ?? "default",
    changelogHost: get<string>("changelog-host") ?? "https://github.com",
    includeCommitAuthors: bool("include-commit-authors", false),
    bumpMinorPreMajor: bool("bump-minor-pre-major", false),
    bumpPatchForMinorPreMajor: bool("bump-patch-for-minor-pre-major", false),
    versioning: get<VersioningName>("versioning") ?? "default",
    prerelease: bool("prerelease", false),
    prereleaseType: get<string>("prerelease-type"),
    releaseAs: releaseAs ? releaseAs : undefined,
    initialVersion: get<string>("initial-version"),
    draft: bool("draft", false),
    forceTagCreation: bool("force-tag-creation", false),
    draftPullRequest: bool("draft-pull-request", false),
    skipGithubRelease: bool("skip-github-release", false),
    skipChangelog: bool("skip-changelog", false),
    pullRequestTitlePattern: str("pull-request-title-pattern", DEFAULT_TITLE_PATTERN),
    pullRequestHeader: str("pull-request-header", DEFAULT_PR_HEADER),
    pullRequestFooter: str("pull-request-footer", DEFAULT_PR_FOOTER),
    componentNoSpace: bool("component-no-space", false),
    extraLabels: splitLabels(get("extra-label"), []),
    extraFiles: get<ExtraFile[]>("extra-files") ?? [],
    excludePaths: get<string[]>("exclude-paths"),
    separatePullRequests: get<boolean>("separate-pull-requests"),
    dateFormat: get<string>("date-format") ?? "%Y-%m-%d",
    versionFile: get<string>("version-file"),
    raw: pkg,
  };
}

/** Component as release-please derives it (spec §1.4): component ‖ package-name ‖ ''. */
export function componentOf(p: PackageConfig): string {
  return p.component || p.packageName || "";
}

/** Component used in tags, titles and release names: '' when include-component-in-tag is false. */
export function tagComponentOf(p: PackageConfig): string {
  return p.includeComponentInTag ? componentOf(p) : "";
}

/** Read the manifest: a map of package path → version string (validated by the planner). */
export function loadManifest(root: string, file = MANIFEST_FILE): Record<string, string> {
  const full = join(root, file);
  if (!existsSync(full))
    throw new ShiplineError(
      `${file} is missing`,
      `create it with the released versions, e.g. {".": "0.1.0"}, or {} before the first release`,
    );
  const m = readJsonFile(full, file);
  if (!isObj(m)) fail(file, "the manifest", 'an object like {".": "1.2.3"}', m);
  for (const [k, v] of Object.entries(m))
    if (typeof v !== "string") fail(file, `"${k}"`, "a version string", v);
  return m as Record<string, string>;
}

/**
 * Load and validate both files. Throws ShiplineError when the config or manifest is
 * missing or malformed (release-please's ConfigurationError cases, with a hint).
 */
export function loadReleasePleaseConfig(root: string): ReleasePleaseConfig {
  const configFile = findConfigFile(root);
  if (!configFile)
    throw new ShiplineError(
      `${CONFIG_FILE} is missing in ${root}`,
      'create it, e.g. {"packages": {".": {"release-type": "python"}}} (or run `shipline init`)',
    );
  const raw = readJsonFile(join(root, configFile), configFile);
  if (!isObj(raw)) fail(configFile, "the config", "an object", raw);
  const warnings: string[] = [];
  checkObject(configFile, "", raw, true, warnings);
  if (raw.packages === undefined)
    throw new ShiplineError(
      `${configFile}: packages is missing`,
      'add "packages": {".": {"release-type": "python"}} (release-please needs at least one package)',
    );
  if (!isObj(raw.packages)) fail(configFile, "packages", 'an object like {".": {…}}', raw.packages);
  const packages: PackageConfig[] = [];
  for (const [path, pkg] of Object.entries(raw.packages)) {
    if (!isObj(pkg)) fail(configFile, `packages["${path}"]`, "an object", pkg);
    if (path !== "." && (path.startsWith("/") || path.endsWith("/") || path === ""))
      fail(configFile, `packages["${path}"]`, "a folder path without leading or trailing /", path);
    checkObject(configFile, `packages["${path}"].`, pkg, false, warnings);
    const p = mergePackage(path, raw, pkg);
    if (p.releaseType !== "python")
      warnings.push(
        `${configFile}: packages["${path}"] has release-type "${p.releaseType}"${pkg["release-type"] === undefined && raw["release-type"] === undefined ? " (release-please's default when release-type is omitted)" : ""}; shipline is made for python packages (versions and CHANGELOG follow release-please's generic rules for it; files updated are python's)`,
      );
    packages.push(p);
  }
  // Opt-in beyond release-please: uv workspace members not listed become python packages.
  const uvWorkspace = uvWorkspaceMembers(root, warnings);
  for (const m of uvWorkspace ?? []) {
    if (m.root || packages.some((p) => p.path === m.path)) continue; // the explicit entry wins
    const pkg = { "release-type": "python", "package-name": m.name, component: m.name };
    packages.push({ ...mergePackage(m.path, raw, pkg), fromUvWorkspace: true });
  }
  for (const key of ["bootstrap-sha", "last-release-sha"]) {
    const v = raw[key];
    if (typeof v === "string" && !/^[0-9a-f]{40}$/.test(v))
      warnings.push(
        `${configFile}: ${key} "${v}" is not a full 40-character sha; release-please compares full shas, so it will never match`,
      );
  }
  // release-please reads PR titles back with a regex (pull-request-title.ts generateMatchPattern)
  // holding one named group per placeholder; ${scope} and ${branch} both become `branch`, and
  // JavaScript refuses the duplicate group: release-please 17 stops on such a pattern.
  const patterns: [string, unknown][] = [
    ["group-pull-request-title-pattern", raw["group-pull-request-title-pattern"]],
    ["pull-request-title-pattern", raw["pull-request-title-pattern"]],
    ...Object.entries(raw.packages).map(
      ([path, pkg]) =>
        [`packages["${path}"].pull-request-title-pattern`, (pkg as Obj)["pull-request-title-pattern"]] as [
          string,
          unknown,
        ],
    ),
  ];
  for (const [key, pattern] of patterns)
    if (typeof pattern === "string" && pattern.includes("${scope}") && pattern.includes("${branch}"))
      warnings.push(
        `${configFile}: ${key} uses both \${scope} and \${branch}; release-please 17 fails on such a pattern ("duplicate group specifier name") and opens no PR, shipline plans it`,
      );
  const manifest = loadManifest(root);
  const sep = raw["separate-pull-requests"] as boolean | undefined;
  return {
    root,
    configFile,
    manifestFile: MANIFEST_FILE,
    packages,
    manifest,
    bootstrapSha: raw["bootstrap-sha"] as string | undefined,
    lastReleaseSha: raw["last-release-sha"] as string | undefined,
    plugins: (raw.plugins as ReleasePleaseConfig["plugins"]) ?? [],
    separatePullRequests: sep ?? packages.length === 1,
    separatePullRequestsExplicit: sep !== undefined,
    groupPullRequestTitlePattern:
      (raw["group-pull-request-title-pattern"] as string | undefined) || DEFAULT_GROUP_TITLE_PATTERN,
    labels: splitLabels(raw.label, ["autorelease: pending"]),
    releaseLabels: splitLabels(raw["release-label"], ["autorelease: tagged"]),
    alwaysUpdate: (raw["always-update"] as boolean | undefined) ?? false,
    signoff: raw.signoff as string | undefined,
    releaseSearchDepth: (raw["release-search-depth"] as number | undefined) ?? 400,
    commitSearchDepth: (raw["commit-search-depth"] as number | undefined) ?? 500,
    commitBatchSize: (raw["commit-batch-size"] as number | undefined) ?? 10,
    uvWorkspace,
    warnings,
  };
}

/**
 * The folders of the repository's Python projects, for commands that act on every package
 * (gates' venv installs, `shipline build`): the root when it is a project, then each package
 * path (release-please `packages`, uv workspace members with `uv-workspace`) that is one, inside
 * the repository. A config that cannot be read leaves the root alone: `plan` reports it.
 */
export function projectFolders(root: string): string[] {
  const isProject = (dir: string) =>
    existsSync(join(root, dir, "pyproject.toml")) || existsSync(join(root, dir, "setup.py"));
  const dirs = isProject(".") ? ["."] : [];
  try {
    for (const p of loadReleasePleaseConfig(root).packages) {
      const rel = relative(root, resolve(root, p.path));
      if (rel && !rel.startsWith("..") && !dirs.includes(rel) && isProject(rel)) dirs.push(rel);
    }
  } catch {}
  return dirs;
}

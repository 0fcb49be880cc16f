/**
 * The files a release PR changes, with their full new contents: what release-please's python
 * strategy updates (spec §6.1, in its order), the extra-files (§6.4), CHANGELOG.md (§4.8) and
 * the manifest (§6.3). Updates to one path are chained in that order, as release-please's
 * `mergeUpdates` does. Nothing is written here: the release PR stage commits the result.
 *
 * Beyond release-please, each opt-in or harmless when unused:
 * - `version-file` (ignored by release-please's python strategy) is updated when set;
 * - uv.lock's entry for the released package is bumped when a uv.lock holds one;
 * - uv workspace members (opt-in): requirements on released members are bumped (workspace-deps.ts);
 * - PEP 440 versions (1.3.0rc1) in files are recognised when the release is PEP 440;
 * - CRLF files stay CRLF and a BOM stays (release-please turns generic files into LF);
 * - changelog.json gets release-please's entry, but for its random `id` and "now" timestamps;
 * - JSON and YAML extra-files are edited in place (release-please re-serialises them, dropping
 *   YAML comments): same values, and byte-identical when the file is in release-please's layout.
 */
import { existsSync } from "node:fs";
import { join, posix } from "node:path";
import {
  componentOf,
  type ExtraFile,
  loadReleasePleaseConfig,
  type PackageConfig,
  type ReleasePleaseConfig,
} from "../config/release-please.ts";
import { readPyproject } from "../config/shipline.ts";
import { errorMessage, ShiplineError } from "../errors.ts";
import { trackedFiles } from "../git/tracked-files.ts";
import { declaredVersion } from "../setup/current-version.ts";
import type { FileUpdate, Plan, PlannedRelease } from "./types.ts";
import { changelog } from "./updaters/changelog.ts";
import { changelogJson } from "./updaters/changelog-json.ts";
import { generic } from "./updaters/generic.ts";
import { genericJson } from "./updaters/generic-json.ts";
import { genericToml } from "./updaters/generic-toml.ts";
import { genericXml, pomXml } from "./updaters/generic-xml.ts";
import { genericYaml } from "./updaters/generic-yaml.ts";
import { isCrlf, keepLineEndings } from "./updaters/line-endings.ts";
import { releasePleaseManifest } from "./updaters/manifest.ts";
import {
  InvalidPyProjectError,
  parsePyProject,
  pyProjectTable,
  pyprojectToml,
} from "./updaters/pyproject-toml.ts";
import { pythonFileWithVersion, setupCfg, setupPy } from "./updaters/python-files.ts";
import { addPath, readRepoFile } from "./updaters/repo-path.ts";
import type { Updater, Warn } from "./updaters/types.ts";
import { versionText } from "./updaters/types.ts";
import { uvLock } from "./updaters/uv-lock.ts";
import { needsPep440 } from "./updaters/version-patterns.ts";
import { workspaceDependencies } from "./workspace-deps.ts";

export interface ReleaseChangesOptions {
  /** Already-loaded config (default: loadReleasePleaseConfig(root)). */
  config?: ReleasePleaseConfig;
  /** "Now" for x-release-please-date markers (release-please: the runner's local time). */
  date?: Date;
  /** Where release-please's warnings go (file missing, dynamic version, …). */
  warn?: Warn;
}

interface PendingUpdate {
  path: string;
  createIfMissing: boolean;
  updater: Updater;
  /** The config key or rule that asked for this file, for error messages. */
  origin: string;
  /** What to do when the updater cannot handle the file (default: from the error, see hintFor). */
  hint?: string;
}

/** release-please's local Scm glob (src/local-github.ts globToRegex): `*`/`?` stop at `/`, `**\/` spans folders. */
export function globToRegex(glob: string): RegExp {
  let reg = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        if (glob[i + 2] === "/") {
          reg += "(?:.*\\/)?";
          i += 2;
        } else {
          reg += ".*";
          i++;
        }
      } else reg += "[^/]*";
    } else if (c === "?") reg += "[^/]";
    else if ([".", "+", "^", "$", "{", "}", "(", ")", "|", "[", "]", "\\"].includes(c)) reg += `\\${c}`;
    else reg += c;
  }
  return new RegExp(`^${reg}$`);
}

function where(cfg: ReleasePleaseConfig, pkg: PackageConfig, key: string): string {
  return /^[a-z-]+(\[\d+\])?$/.test(key)
    ? `${cfg.configFile}: packages["${pkg.path}"].${key}`
    : `${cfg.configFile}: packages["${pkg.path}"] (${key})`;
}

/** Tracked paths (relative to the package folder, or to the root for "/…" globs) an extra-files entry names. */
function extraFilePaths(root: string, pkg: PackageConfig, entry: ExtraFile): string[] {
  if (typeof entry === "string") return [entry];
  if (!entry.glob) return [entry.path];
  const rootRelative = entry.path.startsWith("/");
  const prefix = rootRelative || pkg.path === "." ? "" : pkg.path;
  const re = globToRegex(rootRelative ? entry.path.slice(1) : entry.path);
  // release-please matches folders too; only files can be updated, so only files are listed.
  const rel = trackedFiles(root, prefix || ".").map((f) => (prefix ? f.slice(prefix.length + 1) : f));
  return rel.filter((p) => re.test(p)).map((p) => (rootRelative ? `/${p}` : p));
}

function packageUpdates(
  root: string,
  cfg: ReleasePleaseConfig,
  pkg: PackageConfig,
  release: PlannedRelease,
  opts: ReleaseChangesOptions,
  warn: Warn,
): PendingUpdate[] {
  const version = release.version;
  const pep440 = needsPep440(version, release.previousVersion);
  const out: PendingUpdate[] = [];
  const add = (file: string, key: string, updater: Updater, createIfMissing = false) =>
    out.push({
      path: addPath(pkg.path, file, where(cfg, pkg, key)),
      createIfMissing,
      updater,
      origin: where(cfg, pkg, key),
    });

  if (!pkg.skipChangelog) add(pkg.changelogPath, "changelog-path", changelog(release.changelog), true);
  add("setup.cfg", "python release type", setupCfg(version, pep440));
  add("setup.py", "python release type", setupPy(version, pep440));

  const pyprojectPath = addPath(pkg.path, "pyproject.toml", where(cfg, pkg, "python release type"));
  const pyprojectText = readRepoFile(root, pyprojectPath, where(cfg, pkg, "python release type"));
  // Parsed as the updater will see it (keepLineEndings): no BOM, LF if the file is CRLF.
  // release-please parses the raw text, and @iarna/toml rejects a BOM and a CR inside
  // comments, so it skips such files; a file with mixed endings is skipped here too.
  const bare = pyprojectText?.replace(/^\uFEFF/, "");
  const parsed =
    bare === undefined ? null : parsePyProject(isCrlf(bare) ? bare.replaceAll("\r\n", "\n") : bare);
  const table = pyProjectTable(parsed);
  // release-please: the component (or ''), replaced by the table's name when pyproject is valid.
  let projectName: unknown = componentOf(pkg);
  if (table) {
    add("pyproject.toml", "python release type", pyprojectToml(version, warn));
    if (release.dependencyUpdates?.length)
      add("pyproject.toml", "uv workspace dependencies", workspaceDependencies(release.dependencyUpdates));
    projectName = table.name;
  } else warn(parsed ? "invalid pyproject.toml" : `file ${pyprojectPath} did not exist`);

  if (typeof projectName === "string" && projectName) {
    for (const name of [projectName, projectName.replace(/-/g, "_")])
      for (const file of [`${name}/__init__.py`, `src/${name}/__init__.py`])
        add(
          file,
          "NAME/__init__.py, NAME from [project].name or package-name",
          pythonFileWithVersion(version, pep440),
        );
  } else warn("No project/component found.");

  const prefix = pkg.path === "." ? "" : pkg.path;
  for (const f of trackedFiles(root, prefix || "."))
    if (posix.basename(f) === "version.py")
      add(
        prefix ? f.slice(prefix.length + 1) : f,
        "tracked version.py files",
        pythonFileWithVersion(version, pep440),
      );

  // changelog.json (root, if the planner found one): artifactName is projectName, else setup.py's name.
  if (release.changelogJson && !pkg.skipChangelog) {
    const artifactName = projectName ?? setupPyName(root, pkg, where(cfg, pkg, "python release type"));
    const origin = "release-please's python strategy (a root changelog.json is kept up to date)";
    if (typeof artifactName === "string" && artifactName)
      out.push({
        path: addPath(".", "changelog.json", origin),
        createIfMissing: false,
        updater: changelogJson({ artifactName, version, changes: release.changelogJson }),
        origin,
        hint: 'make changelog.json a JSON object with an "entries" array (release-please\'s layout), or delete it if nothing reads it',
      });
  }

  const vt = versionText(version);
  const gen = () => generic({ version: vt, date: opts.date, dateFormat: pkg.dateFormat, pep440, warn });
  const chain =
    (...us: Updater[]): Updater =>
    (c) => {
      for (const u of us) c = u(c);
      return c || "";
    };
  pkg.extraFiles.forEach((entry, i) => {
    const key = `extra-files[${i}]`;
    if (typeof entry === "string") {
      const u = entry.endsWith(".json")
        ? chain(genericJson("$.version", version, warn, pep440), gen())
        : entry.endsWith(".yaml") || entry.endsWith(".yml")
          ? chain(genericYaml("$.version", version, warn), gen())
          : entry.endsWith(".toml")
            ? chain(genericToml("$.version", version, warn), gen())
            : entry.endsWith(".xml")
              ? chain(genericXml("/*/version", version), gen())
              : gen();
      add(entry, key, u);
      return;
    }
    for (const p of extraFilePaths(root, pkg, entry)) {
      const u =
        entry.type === "generic"
          ? gen()
          : entry.type === "json"
            ? genericJson(entry.jsonpath!, version, warn, pep440)
            : entry.type === "yaml"
              ? genericYaml(entry.jsonpath!, version, warn)
              : entry.type === "toml"
                ? genericToml(entry.jsonpath!, version, warn)
                : entry.type === "xml"
                  ? genericXml(entry.xpath!, version)
                  : pomXml(version);
      add(p, key, u);
    }
  });

  if (pkg.versionFile)
    add(
      pkg.versionFile,
      "version-file",
      pkg.versionFile.endsWith(".py") ? pythonFileWithVersion(version, pep440) : gen(),
    );

  // uv.lock: the package's own, else the nearest one above it (a uv workspace's root lock).
  const distName = typeof table?.name === "string" ? table.name : (release.packageName ?? pkg.packageName);
  if (distName) {
    const parts = prefix ? prefix.split("/") : [];
    for (let n = parts.length; n >= 0; n--) {
      const lock = [...parts.slice(0, n), "uv.lock"].join("/");
      if (existsSync(join(root, lock))) {
        out.push({
          path: addPath(".", lock, where(cfg, pkg, "uv.lock")),
          createIfMissing: false,
          updater: uvLock(distName, version, warn),
          origin: where(cfg, pkg, "uv.lock"),
        });
        break;
      }
    }
  }
  return out;
}

/** release-please's getNameFromSetupPy: its first-match regex over the package's setup.py. */
function setupPyName(root: string, pkg: PackageConfig, origin: string): string | undefined {
  const text = readRepoFile(root, addPath(pkg.path, "setup.py", origin), origin);
  return text?.match(/name *= *['"](?<name>.*)['"](\r|\n|$)/)?.groups?.name || undefined;
}

function hintFor(update: PendingUpdate, e: unknown): string {
  if (update.hint) return update.hint;
  if (e instanceof InvalidPyProjectError)
    return 'give the [project] (or [tool.poetry]) table a version = "…", or list "version" in dynamic';
  if (e instanceof SyntaxError) return `fix the file's syntax, or remove it from ${update.origin}`;
  return `fix the file, or remove it from ${update.origin}`;
}

/**
 * Full new contents of every file the release PR for `plan.releases` changes, in
 * release-please's order (first appearance of each path). Files left unchanged are omitted.
 * For separate pull requests per package, call it with a plan holding that package's release.
 * Throws ShiplineError for a path outside the repository, a file an updater cannot handle
 * (e.g. pyproject.toml without a version), or a package missing from the config.
 */
export function releaseChanges(root: string, plan: Plan, opts: ReleaseChangesOptions = {}): FileUpdate[] {
  const cfg = opts.config ?? loadReleasePleaseConfig(root);
  const warn = opts.warn ?? (() => {});
  const pending: PendingUpdate[] = [];
  for (const release of plan.releases) {
    const pkg = cfg.packages.find((p) => p.path === release.path);
    if (!pkg)
      throw new ShiplineError(
        `${cfg.configFile} has no package "${release.path}"`,
        "plan and config disagree: re-run `shipline plan`",
      );
    pending.push(...packageUpdates(root, cfg, pkg, release, opts, warn));
    pending.push({
      path: addPath(".", cfg.manifestFile, cfg.manifestFile),
      createIfMissing: false,
      updater: releasePleaseManifest(new Map([[release.path, release.version]])),
      origin: cfg.manifestFile,
    });
  }

  const byPath = new Map<string, PendingUpdate[]>();
  for (const u of pending) {
    const list = byPath.get(u.path);
    if (list) list.push(u);
    else byPath.set(u.path, [u]);
  }

  const result: FileUpdate[] = [];
  for (const [path, updates] of byPath) {
    const first = updates[0]!;
    const old = readRepoFile(root, path, first.origin);
    if (old === undefined && !first.createIfMissing) {
      warn(`file ${path} did not exist`);
      continue;
    }
    const run = keepLineEndings((content) => {
      let c = content;
      for (const u of updates) {
        try {
          c = u.updater(c);
        } catch (e) {
          const what =
            e instanceof InvalidPyProjectError
              ? 'invalid file: the version table has no version and "version" is not in dynamic'
              : errorMessage(e);
          throw new ShiplineError(`${path}: ${what} (updated for ${u.origin})`, hintFor(u, e));
        }
      }
      return c ?? "";
    });
    const content = run(old);
    if (content && content !== old) result.push({ path, content });
  }
  for (const release of plan.releases) {
    const left = versionFileLeftBehind(root, release.path, result);
    if (left)
      warn(
        `${left.path} holds the version the build reads (${left.version}), and this release PR leaves it as it is: the tag ${release.tag} would build ${left.version}. ` +
          `Add "extra-files": ["${left.file}"] to "${release.path}" in ${cfg.configFile} and end its version line with \`# x-release-please-version\``,
      );
  }
  return result;
}

/**
 * The file the build backend reads the version from (hatch's version path, setuptools' attr,
 * flit's module) when release-please's python updater does not rewrite it and no change here
 * touches it: merging the PR as it is would tag sources that build the old version.
 */
function versionFileLeftBehind(
  root: string,
  pkgPath: string,
  changes: FileUpdate[],
): { path: string; file: string; version: string } | undefined {
  let found: ReturnType<typeof declaredVersion>;
  try {
    const dir = join(root, pkgPath);
    found = declaredVersion(dir, readPyproject(dir)?.data ?? {});
  } catch {
    return undefined; // an invalid pyproject.toml is reported by its own updater
  }
  if (!found?.built || !found.unmanagedFile) return undefined;
  const path = posix.join(pkgPath, found.unmanagedFile);
  if (changes.some((c) => c.path === path)) return undefined;
  return { path, file: found.unmanagedFile, version: found.version };
}

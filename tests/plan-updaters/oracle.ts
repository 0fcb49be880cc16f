/**
 * release-please 17.11.2 itself (the devDependency), used as the oracle: its updater classes,
 * and its Python strategy run on a real git repo through its own local Scm (`--local`).
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const rp = (p: string) => require(`release-please/build/src/${p}`);

// biome-ignore lint/suspicious/noExplicitAny: release-please's untyped CJS build
type Any = any;

const { Version } = rp("version.js");
const silent = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
};
rp("util/logger.js").setLogger(silent);

export function rpVersion(v: string): Any {
  return Version.parse(v);
}

export const oracle = {
  setupPy: (v: string) => new (rp("updaters/python/setup-py.js").SetupPy)({ version: Version.parse(v) }),
  setupCfg: (v: string) => new (rp("updaters/python/setup-cfg.js").SetupCfg)({ version: Version.parse(v) }),
  pythonFile: (v: string) =>
    new (rp("updaters/python/python-file-with-version.js").PythonFileWithVersion)({
      version: Version.parse(v),
    }),
  pyproject: (v: string) =>
    new (rp("updaters/python/pyproject-toml.js").PyProjectToml)({ version: Version.parse(v) }),
  generic: (v: string, date?: Date, dateFormat?: string) =>
    new (rp("updaters/generic.js").Generic)({ version: Version.parse(v), date, dateFormat }),
  json: (path: string, v: string) => new (rp("updaters/generic-json.js").GenericJson)(path, Version.parse(v)),
  yaml: (path: string, v: string) => new (rp("updaters/generic-yaml.js").GenericYaml)(path, Version.parse(v)),
  toml: (path: string, v: string) => new (rp("updaters/generic-toml.js").GenericToml)(path, Version.parse(v)),
  xml: (path: string, v: string) => new (rp("updaters/generic-xml.js").GenericXml)(path, Version.parse(v)),
  pom: (v: string) => new (rp("updaters/java/pom-xml.js").PomXml)(Version.parse(v)),
  changelog: (entry: string) =>
    new (rp("updaters/changelog.js").Changelog)({ version: Version.parse("1.0.0"), changelogEntry: entry }),
  manifest: (versions: Record<string, string>) =>
    new (rp("updaters/release-please-manifest.js").ReleasePleaseManifest)({
      version: Version.parse("1.0.0"),
      versionsMap: new Map(Object.entries(versions).map(([k, v]) => [k, Version.parse(v)])),
    }),
};

/** Run an oracle updater the way release-please does (a throw is returned as an Error). */
export function run(u: Any, content: string | undefined): string | Error {
  try {
    return u.updateContent(content, silent);
  } catch (e) {
    return e as Error;
  }
}

export interface OracleRelease {
  path: string;
  version: string;
  changelog: string;
  packageName?: string;
  component?: string;
  changelogPath?: string;
  skipChangelog?: boolean;
  extraFiles?: unknown[];
  dateFormat?: string;
}

/**
 * The files release-please's python strategy + manifest would change for these releases, read
 * from `main` of the repo at `dir` with its LocalGitHub Scm: path → new content.
 */
export async function oracleChangeSet(
  dir: string,
  releases: OracleRelease[],
  date?: Date,
): Promise<Map<string, string>> {
  const { LocalGitHub } = rp("local-github.js");
  const { Python } = rp("strategies/python.js");
  const { mergeUpdates } = rp("updaters/composite.js");
  const { ReleasePleaseManifest } = rp("updaters/release-please-manifest.js");
  const Generic = rp("updaters/generic.js").Generic;
  const gh = new LocalGitHub({ owner: "o", repo: "r", defaultBranch: "main" }, undefined, dir, {
    logger: silent,
  });
  let all: Any[] = [];
  for (const r of releases) {
    const strategy = new Python({
      github: gh,
      targetBranch: "main",
      path: r.path,
      packageName: r.packageName,
      component: r.component,
      changelogPath: r.changelogPath,
      skipChangelog: r.skipChangelog,
      extraFiles: r.extraFiles,
      dateFormat: r.dateFormat,
      logger: silent,
    });
    const version = Version.parse(r.version);
    const updates = await strategy.buildUpdates({
      newVersion: version,
      versionsMap: new Map(),
      changelogEntry: r.changelog,
    });
    const extras: Any[] = await strategy.extraFileUpdates(version, new Map(), strategy.dateFormat);
    if (date)
      for (const u of [...updates, ...extras]) {
        // Pin "now" for x-release-please-date (Generic reads it at construction).
        if (u.updater instanceof Generic) u.updater.date = date;
        for (const inner of u.updater.updaters ?? []) if (inner instanceof Generic) inner.date = date;
      }
    all = all.concat(mergeUpdates(updates.concat(extras)));
    all.push({
      path: ".release-please-manifest.json",
      createIfMissing: false,
      updater: new ReleasePleaseManifest({ version, versionsMap: new Map([[r.path, version]]) }),
    });
  }
  // LocalGitHub.buildChangeSet reports missing files with console.warn.
  const warn = console.warn;
  console.warn = () => {};
  let changes: Map<string, { content: string }>;
  try {
    changes = await gh.buildChangeSet(all, "main");
  } finally {
    console.warn = warn;
  }
  return new Map([...changes].map(([p, c]) => [p, c.content]));
}

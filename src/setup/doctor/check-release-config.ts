/**
 * The seed's "If Release Please breaks" section, automated: config JSON valid against
 * release-please's schema, manifest valid, manifest vs pyproject version vs latest tag, and
 * the manifest version's tag present (spec/release-please.md §7.2).
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { parse as parseToml } from "smol-toml";
import { readTextFile } from "../../config/json-file.ts";
import {
  findConfigFile,
  loadReleasePleaseConfig,
  MANIFEST_FILE,
  type PackageConfig,
  type ReleasePleaseConfig,
  tagComponentOf,
} from "../../config/release-please.ts";
import { readPyproject } from "../../config/shipline.ts";
import { sameVersion } from "../../dist/pep440.ts";
import { errorMessage } from "../../errors.ts";
import { git } from "../../git/git.ts";
import { isShallow } from "../../git/shallow.ts";
import { findPendingReleases } from "../../plan/pending.ts";
import { comparePep440, isPep440 } from "../../plan/pep440.ts";
import { type CurrentVersion, declaredVersion } from "../current-version.ts";
import { type DoctorContext, error, type Finding, ok, warn } from "./finding.ts";
import { checkAgainstSchema } from "./release-please-schema.ts";

export function tagFor(p: PackageConfig, version: string): string {
  const comp = tagComponentOf(p);
  return `${comp ? `${comp}${p.tagSeparator}` : ""}${p.includeVInTag ? "v" : ""}${version}`;
}

/**
 * A python package's versions may be PEP 440 (1.3.0rc1, written by `plan --prerelease rc`), which
 * semver rejects; they are read and ordered as PEP 440 (packaging's order). Other release types
 * keep release-please's semver reading.
 */
function versionRules(p: PackageConfig): {
  valid: (v: string) => string | null;
  compare: (a: string, b: string) => number;
} {
  if (p.releaseType === "python")
    return { valid: (v) => (isPep440(v) ? v : null), compare: (a, b) => comparePep440(a, b) };
  return { valid: (v) => semver.valid(v), compare: (a, b) => semver.compare(a, b) };
}

/** All tags that name a release of this package, newest version first. */
export function releaseTags(root: string, p: PackageConfig): { tag: string; version: string }[] {
  const rules = versionRules(p);
  const comp = tagComponentOf(p);
  const prefix = comp ? `${comp}${p.tagSeparator}` : "";
  const out = git(["tag", "--list"], { cwd: root, allowFailure: true }).stdout.split("\n");
  const found: { tag: string; version: string }[] = [];
  for (const tag of out) {
    if (!tag.startsWith(prefix)) continue;
    const rest = tag.slice(prefix.length).replace(/^v/, "");
    const v = rules.valid(rest);
    if (v && (p.includeVInTag ? tag.slice(prefix.length).startsWith("v") : true))
      found.push({ tag, version: v });
  }
  return found.sort((a, b) => rules.compare(b.version, a.version));
}

function schemaFindings(root: string, file: string): Finding[] {
  let raw: unknown;
  let text: string;
  try {
    text = readTextFile(join(root, file), file); // size- and file-type-checked (no FIFO, no /dev/zero)
  } catch (e) {
    return [
      error("config-json", errorMessage(e), "release-please (and shipline) cannot read it.", `fix ${file}`),
    ];
  }
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return [
      error(
        "config-json",
        `${file} is not valid JSON`,
        `${errorMessage(e)}. release-please (and shipline) cannot read it: no release PR will be created.`,
        `fix the JSON syntax in ${file} (check with: python3 -m json.tool ${file})`,
      ),
    ];
  }
  const issues = checkAgainstSchema(raw);
  const invalid = issues.filter((i) => i.kind === "invalid");
  const unknown = issues.filter((i) => i.kind === "unknown");
  const out: Finding[] = [];
  if (invalid.length)
    out.push(
      error(
        "config-schema",
        `${file} does not match release-please's config schema`,
        invalid.map((i) => `${i.path} ${i.message}`).join("; "),
        `correct ${invalid.map((i) => i.path).join(", ")} in ${file} (schema: https://github.com/googleapis/release-please/blob/main/schemas/config.json)`,
      ),
    );
  if (unknown.length)
    out.push(
      warn(
        "config-unknown-keys",
        `${file} has keys release-please does not know`,
        `${unknown.map((i) => i.path).join(", ")}: release-please silently ignores them (often a typo).`,
        `rename or remove ${unknown.map((i) => i.path).join(", ")} in ${file}`,
      ),
    );
  if (!out.length) out.push(ok("config-schema", `${file} is valid against release-please's schema`));
  return out;
}

/**
 * The package's own version, as init reads it: [project] or [tool.poetry], setup.cfg/setup.py
 * (with or without a pyproject.toml), or a dynamic one from its file.
 */
function pyprojectVersion(root: string, path: string): CurrentVersion | undefined {
  const dir = join(root, path);
  const file = join(dir, "pyproject.toml");
  try {
    const data = existsSync(file) ? parseToml(readTextFile(file, "pyproject.toml")) : {};
    return declaredVersion(dir, data as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

function versionFindings(root: string, cfg: ReleasePleaseConfig): Finding[] {
  const out: Finding[] = [];
  for (const p of cfg.packages) {
    const label = p.path === "." ? "" : ` (${p.path})`;
    const manifestVersion = cfg.manifest[p.path];
    if (manifestVersion === undefined) {
      out.push(
        warn(
          "manifest-version",
          `${MANIFEST_FILE} has no version for "${p.path}"`,
          "release-please treats the package as never released: the first release will be 0.1.0 (or initial-version) and take the whole history.",
          `add "${p.path}": "<current version>" to ${MANIFEST_FILE}`,
        ),
      );
      continue;
    }
    const rules = versionRules(p);
    if (!rules.valid(manifestVersion)) {
      out.push(
        error(
          "manifest-version",
          `${MANIFEST_FILE}: "${p.path}" is "${manifestVersion}", not a version`,
          "release-please aborts on an unparsable manifest version.",
          `set "${p.path}" in ${MANIFEST_FILE} to the last released version, e.g. "1.2.3"${p.releaseType === "python" ? ' (or PEP 440 "1.3.0rc1")' : ""}`,
        ),
      );
      continue;
    }
    const found = pyprojectVersion(root, p.path);
    const pyVersion = found?.version;
    const file = p.path === "." ? "pyproject.toml" : `${p.path}/pyproject.toml`;
    const where = !found
      ? ""
      : found.source.startsWith("pyproject")
        ? file
        : p.path === "."
          ? found.source
          : `${p.path}/${found.source}`;
    if (pyVersion !== undefined && !sameVersion(pyVersion, manifestVersion))
      out.push(
        error(
          "pyproject-version",
          `${where} says ${pyVersion} but ${MANIFEST_FILE} says ${manifestVersion}${label}`,
          "the release PR bumps from the manifest version and rewrites the project's: the two drifted apart (a hand edit, a release PR merged partially, or a manifest written without reading the version).",
          `set the version in ${where} to "${manifestVersion}" (or the manifest to "${pyVersion}" if that is what was released)`,
        ),
      );
    else
      out.push(
        ok(
          "pyproject-version",
          pyVersion === undefined
            ? `manifest version ${manifestVersion}${label} (the project declares no version shipline can read)`
            : `${where} and ${MANIFEST_FILE} agree on ${manifestVersion}${label}`,
        ),
      );
    const extra = p.extraFiles.map((f) => (typeof f === "string" ? f : f.path).replace(/^\//, ""));
    if (found?.unmanagedFile && !extra.includes(found.unmanagedFile))
      out.push(
        warn(
          "version-file",
          `the version lives in ${found.unmanagedFile}${label}, which release-please's python updater does not rewrite`,
          "a release PR would bump the manifest and CHANGELOG but leave the version the package reports unchanged.",
          `add "extra-files": ["${found.unmanagedFile}"] to the package in the release-please config and end its version line with \`# x-release-please-version\``,
        ),
      );

    const tags = releaseTags(root, p);
    const expected = tagFor(p, manifestVersion);
    const latest = tags[0];
    const hasTag = tags.some((t) => t.tag === expected);
    if (latest && rules.compare(latest.version, manifestVersion) > 0)
      out.push(
        error(
          "tags",
          `tag ${latest.tag} is newer than the manifest's ${manifestVersion}${label}`,
          `release-please ignores ${latest.tag} and bumps from ${manifestVersion}: the next release can collide with an existing tag.`,
          `set "${p.path}" in ${MANIFEST_FILE} to "${latest.version}" (and pyproject's version with it)`,
        ),
      );
    else if (hasTag) out.push(ok("tags", `tag ${expected} marks the last release${label}`));
    else if (manifestVersion === "0.0.0" && !latest)
      out.push(ok("tags", `no release yet${label}: the first release will be cut from the whole history`));
    else {
      // Pending: HEAD is a merged release PR (the release stage's own rule: manifest changed to
      // this version at HEAD, with its CHANGELOG entry) that `shipline release` will tag.
      const pending = findPendingReleases(root, cfg).some(
        (r) => r.path === p.path && r.version === manifestVersion,
      );
      const last = git(["log", "-1", "--format=%H%x00%s", "--", MANIFEST_FILE], {
        cwd: root,
        allowFailure: true,
      })
        .stdout.trim()
        .split("\0");
      const [sha = "", subject = ""] = last;
      out.push(
        pending
          ? warn(
              "tags",
              `release ${manifestVersion}${label} is merged but not tagged (no tag ${expected})`,
              `HEAD ("${subject}") is a merged release PR for ${manifestVersion}, and ${expected} does not exist: the release step has not run yet (or failed).`,
              "run `shipline release` (or re-run the release workflow); it tags and creates the GitHub release",
            )
          : error(
              "tags",
              `the manifest says ${manifestVersion}${label} but tag ${expected} does not exist`,
              `release-please cannot find the last release: the next changelog takes the whole history (spec §7.2)${latest ? `; the newest release tag is ${latest.tag}` : ""}.`,
              `tag the commit that released ${manifestVersion}${sha ? ` (the last change to ${MANIFEST_FILE}: "${subject}")` : ""}: git tag ${expected} ${sha ? sha.slice(0, 12) : "<sha>"} && git push origin ${expected}`,
            ),
      );
    }
  }
  return out;
}

export function checkReleaseConfig(ctx: DoctorContext): {
  findings: Finding[];
  config?: ReleasePleaseConfig;
} {
  const file = findConfigFile(ctx.root);
  if (!file)
    return {
      findings: [
        error(
          "config-missing",
          "no release-please-config.json",
          "shipline plans releases from release-please's config and manifest; without them nothing is released.",
          "run `shipline init` (writes both, keeping anything that exists)",
        ),
      ],
    };
  const findings = schemaFindings(ctx.root, file);
  if (findings.some((f) => f.status === "error")) return { findings };
  let config: ReleasePleaseConfig;
  try {
    config = loadReleasePleaseConfig(ctx.root);
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    const manifest = /manifest/.test(errorMessage(e));
    findings.push(
      error(
        manifest ? "manifest" : "config",
        errorMessage(e),
        manifest
          ? `${MANIFEST_FILE} records the last released version of each package; release-please cannot plan without it.`
          : "release-please would reject this configuration.",
        hint ?? "fix the file named above",
      ),
    );
    return { findings };
  }
  for (const w of config.warnings)
    if (!/not a release-please option|unknown key/.test(w))
      findings.push(
        warn(
          "config-warning",
          w,
          "shipline reads the config, but this is probably not what you meant.",
          "see the message",
        ),
      );
  findings.push(ok("manifest", `${MANIFEST_FILE} is valid`));
  if (isShallow(ctx.root)) {
    // Tags and history are not here: every tag check below would be wrong, and its fix
    // (tag this commit) would move a release tag that exists on the remote.
    findings.push(
      warn(
        "shallow-clone",
        "this is a shallow clone: tags and history are missing locally, so the release checks are skipped",
        "a one-commit checkout (actions/checkout's default) has no tags; `shipline run` and `pr` fetch them, `doctor` does not.",
        "`git fetch --unshallow --tags`, then run doctor again (in a workflow: `fetch-depth: 0` on actions/checkout)",
      ),
    );
    return { findings, config };
  }
  findings.push(...tagCollisionFindings(ctx.root, config), ...versionFindings(ctx.root, config));
  return { findings, config };
}

/**
 * Packages whose releases get the same tag names (no component, or the same one): release-please
 * takes one package's tag for the other's last release, and the second `v1.0.0` cannot be made.
 * Each needs a `package-name` (or `component`); the fix suggests the pyproject's project name.
 */
function tagCollisionFindings(root: string, cfg: ReleasePleaseConfig): Finding[] {
  const byTag = new Map<string, PackageConfig[]>();
  for (const p of cfg.packages) {
    const shape = tagFor(p, "<version>");
    byTag.set(shape, [...(byTag.get(shape) ?? []), p]);
  }
  const out: Finding[] = [];
  for (const [shape, pkgs] of byTag) {
    if (pkgs.length < 2) continue;
    const suggest = pkgs.map((p) => {
      let name: unknown;
      try {
        name = (readPyproject(join(root, p.path))?.data.project as { name?: unknown } | undefined)?.name;
      } catch {}
      return `packages["${p.path}"]: {"package-name": "${typeof name === "string" ? name : (p.path.split("/").pop() ?? p.path)}"}`;
    });
    out.push(
      error(
        "tag-collision",
        `${pkgs.map((p) => p.path).join(", ")} ${pkgs.length === 2 ? "both" : "all"} tag their releases \`${shape}\``,
        "release-please takes one package's tag as the other's last release, and the second tag of a version cannot be created.",
        `give each its own component in ${cfg.configFile}: ${suggest.join(", ")} (existing tags keep their names: tag the last releases again under the new names)`,
      ),
    );
  }
  return out;
}

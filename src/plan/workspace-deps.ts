/**
 * Inter-package dependency bumps in a uv workspace (opt-in `[tool.shipline] uv-workspace =
 * true`), modelled on release-please's node-workspace plugin (src/plugins/workspace.ts,
 * node-workspace.ts): when member B is released, every member A whose `[project].dependencies`
 * names B with a lower bound (`b>=1.2.0`, `b==1.2.0`, `b~=1.2.0`) gets that bound moved to B's
 * new version, operator and layout kept, and is released too (a patch, as the plugin's
 * PatchVersionUpdate), transitively. The entry gets the plugin's section:
 *
 *   ### Dependencies
 *
 *   * The following workspace dependencies were updated
 *     * dependencies
 *       * b bumped from >=1.2.0 to >=1.3.0
 *
 * A dependency without a lower bound (`b`, `b<2`) needs no bump: uv resolves members from the
 * workspace, and the published wheel accepts any B.
 */
import type { UvMember } from "../config/uv-workspace.ts";
import { normalizeName } from "../dist/pep440.ts";
import { comparePep440, isPep440 } from "./pep440.ts";
import type { DependencyUpdate } from "./types.ts";
import { parseTomlTagged, replaceTomlValue, type TomlData } from "./updaters/toml-edit.ts";
import type { Updater } from "./updaters/types.ts";

// PEP 508: name, optional [extras], then the version specifiers (optionally in parentheses).
const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*/;
const CLAUSE = /(~=|===|==|!=|<=|>=|<|>)(\s*)([^\s,;)]+)/g;
/** Operators whose version is a lower bound that the new release moves. */
const LOWER = new Set(["==", "===", ">=", "~="]);

/** The distribution name a PEP 508 requirement names, or undefined. */
export function requirementName(spec: string): string | undefined {
  return NAME.exec(spec)?.[1];
}

/** The version-specifier part (what the changelog line shows): `b[x]>=1.2.0; m` → `>=1.2.0`. */
export function specifierOf(spec: string): string {
  const m = NAME.exec(spec);
  const rest = m ? spec.slice(m[0].length) : spec;
  return rest
    .split(";")[0]!
    .replace(/^\(|\)\s*$/g, "")
    .trim();
}

/**
 * The requirement with its lower bound moved to `version` (only the version text changes),
 * or undefined when it has no lower bound to move, the bound is already at or past it, or a
 * `~=` bound has fewer segments than the version (moving it would change its upper cap).
 */
export function bumpLowerBound(spec: string, version: string): string | undefined {
  const m = NAME.exec(spec);
  if (!m) return undefined;
  const head = m[0].length;
  const marker = spec.indexOf(";", head);
  const body = spec.slice(head, marker < 0 ? spec.length : marker);
  for (const c of body.matchAll(CLAUSE)) {
    const [, op, , old] = c as unknown as [string, string, string, string];
    if (!LOWER.has(op) || old.includes("*")) continue;
    if (!isPep440(old) || !isPep440(version)) return undefined;
    if (comparePep440(version, old) <= 0) return undefined;
    if (op === "~=" && old.split(".").length < version.split(".").length) return undefined;
    const at = head + c.index! + c[0].length - old.length;
    return spec.slice(0, at) + version + spec.slice(at + old.length);
  }
  return undefined;
}

/** What A's dependencies on released members become (empty: none to bump). */
export function dependencyUpdates(member: UvMember, released: Map<string, string>): DependencyUpdate[] {
  const self = normalizeName(member.name);
  const out: DependencyUpdate[] = [];
  for (const from of member.dependencies) {
    const name = requirementName(from);
    if (!name || normalizeName(name) === self) continue;
    const version = released.get(normalizeName(name));
    if (version === undefined) continue;
    const to = bumpLowerBound(from, version);
    if (to !== undefined && to !== from) out.push({ name, from, to });
  }
  return out;
}

/** The plugin's getChangelogDepsNotes, for `[project].dependencies`. */
export function dependencyNotes(updates: DependencyUpdate[]): string {
  if (updates.length === 0) return "";
  const lines = updates.map(
    (u) => `\n    * ${u.name} bumped from ${specifierOf(u.from)} to ${specifierOf(u.to)}`,
  );
  return `* The following workspace dependencies were updated\n  * dependencies${lines.join("")}`;
}

/**
 * The plugin's appendDependenciesSectionToChangelog: a new `### Dependencies` section at the
 * end, or the notes added to the entry's own Dependencies section (from `deps:` commits).
 * Where that section is followed by another one, release-please inserts the whole entry a
 * second time (a bug); the notes go after the section's last bullet here.
 */
export function appendDependenciesSection(changelog: string, notes: string): string {
  if (!notes) return changelog;
  if (!changelog) return `### Dependencies\n\n${notes}`;
  const lines = changelog.split("\n");
  const start = lines.findIndex((l) => /### Dependencies/.test(l));
  if (start < 0) return `${changelog}\n\n\n### Dependencies\n\n${notes}`;
  let last = start;
  for (let i = start + 1; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t.startsWith("### ")) break;
    if (t.startsWith("*")) last = i;
  }
  if (last === lines.length - 1) return `${changelog}\n${notes}`;
  return [...lines.slice(0, last + 1), notes, ...lines.slice(last + 1)].join("\n");
}

/** pyproject.toml updater: each `from` requirement in [project].dependencies becomes `to`, all other bytes kept. */
export function workspaceDependencies(updates: DependencyUpdate[]): Updater {
  return (content = "") => {
    let out = content;
    for (const u of updates) {
      const deps = (parseTomlTagged(out).project as TomlData | undefined)?.dependencies;
      if (!Array.isArray(deps)) continue;
      const i = deps.findIndex((d: TomlData) => d?.value === u.from);
      if (i < 0) continue;
      const { start, end } = deps[i] as { start: number; end: number };
      // A 'literal' string stays one (the requirement's own quoting), else a "basic" string.
      if (out[start] === "'" && !/['\r\n]/.test(u.to))
        out = `${out.slice(0, start)}'${u.to}'${out.slice(end)}`;
      else out = replaceTomlValue(out, ["project", "dependencies", String(i)], u.to);
    }
    return out;
  };
}

/**
 * pyproject.toml: `[project].version`, else `[tool.poetry].version`, never both
 * (release-please src/updaters/python/pyproject-toml.ts, spec §6.2).
 */
import { parseToml, replaceTomlValue, type TomlData } from "./toml-edit.ts";
import type { Updater, Warn } from "./types.ts";

/** Parsed pyproject, or null when it is not valid TOML (release-please then skips the file). */
export function parsePyProject(content: string): TomlData | null {
  try {
    return parseToml(content);
  } catch {
    return null;
  }
}

/** The table release-please versions: [project] when present, else [tool.poetry]. */
export function pyProjectTable(parsed: TomlData | null): TomlData | undefined {
  return parsed?.project || parsed?.tool?.poetry;
}

export class InvalidPyProjectError extends Error {}

export function pyprojectToml(version: string, warn: Warn): Updater {
  return (content = "") => {
    const parsed = parseToml(content);
    const project = pyProjectTable(parsed);
    if (!project?.version) {
      // release-please calls .includes on whatever `dynamic` is (an array, or even a string).
      if (typeof project?.dynamic?.includes === "function" && project.dynamic.includes("version")) {
        warn("dynamic version found in 'pyproject.toml'. Skipping update.");
        return content;
      }
      throw new InvalidPyProjectError("invalid file");
    }
    return replaceTomlValue(
      content,
      [...(parsed.project ? ["project"] : ["tool", "poetry"]), "version"],
      version,
    );
  };
}

/**
 * setup.py, setup.cfg and `__version__` files: release-please's first-match regex updaters
 * (src/updaters/python/{setup-py,setup-cfg,python-file-with-version}.ts, spec §6.2), quirks
 * included (setup.cfg's unanchored `version ?= ?` also matches `python_version = 3.8.1`).
 */
import type { Updater } from "./types.ts";
import { pythonOldVersion } from "./version-patterns.ts";

// `$` in a replacement string is special; the version never contains one, but be exact anyway.
const lit = (s: string) => s.replaceAll("$", "$$$$");

export function setupPy(version: string, pep440 = false): Updater {
  const re = new RegExp(`(version ?= ?["'])${pythonOldVersion(pep440)}(["'])`);
  return (content = "") => content.replace(re, `$1${lit(version)}$2`);
}

export function setupCfg(version: string, pep440 = false): Updater {
  const re = new RegExp(`(version ?= ?)${pythonOldVersion(pep440)}`);
  return (content = "") => content.replace(re, `$1${lit(version)}`);
}

/** `__init__.py`, `version.py`: the first `__version__ = "…"`. */
export function pythonFileWithVersion(version: string, pep440 = false): Updater {
  const re = new RegExp(`(__version__ ?= ?["'])${pythonOldVersion(pep440)}(["'])`);
  return (content = "") => content.replace(re, `$1${lit(version)}$2`);
}

/**
 * Is a tagged release already on the index? Asked before a catch-up run rebuilds a release an
 * earlier run tagged and then died with (src/github/stage-pr.ts). shipline uploads a release's
 * sdist last, so its sdist on the index means that run's upload completed and only its last
 * steps were left (verify, moving the PR's labels). Rebuilding it then could only fail: a
 * setuptools sdist is never byte for byte the same twice (it carries build-time mtimes), and
 * the index never takes a second file under a name it has.
 */
import { parse as parseToml } from "smol-toml";
import { parseIni } from "../config/ini.ts";
import { PYPI_UPLOAD_URL } from "../config/shipline.ts";
import { parseDistFilename } from "../dist/filename.ts";
import { sameVersion } from "../dist/pep440.ts";
import { fileAt } from "../git/git.ts";
import { indexReadAuthorization } from "./credentials.ts";
import { backoffFromEnv, indexBaseFor } from "./http.ts";
import { listProjectFiles } from "./index-probe.ts";

/** The distribution name of the package at `path` in commit `rev`: pyproject's, else setup.cfg's. */
export function projectNameAt(root: string, rev: string, path: string): string | undefined {
  const at = (f: string) => fileAt(root, rev, path === "." ? f : `${path}/${f}`);
  const py = at("pyproject.toml");
  if (py) {
    try {
      const t = parseToml(py) as { project?: { name?: unknown }; tool?: { poetry?: { name?: unknown } } };
      const name = t.project?.name ?? t.tool?.poetry?.name;
      if (typeof name === "string" && name) return name;
    } catch {
      return undefined;
    }
  }
  const cfg = at("setup.cfg");
  const name = cfg ? parseIni(cfg).metadata?.name : undefined;
  return name || undefined;
}

/**
 * The sdist of `version` of the package at `path` (as of commit `rev`) that the index holds, or
 * undefined: not there, or not known (no name found, a private index that will not be read even
 * with the upload's credentials).
 */
export async function sdistOnIndex(
  root: string,
  rev: string,
  pkg: { path: string; version: string },
  o: { repositoryUrl?: string; env: NodeJS.ProcessEnv },
): Promise<string | undefined> {
  const project = projectNameAt(root, rev, pkg.path);
  if (!project) return undefined;
  const upload = o.repositoryUrl ?? PYPI_UPLOAD_URL;
  const base = indexBaseFor(upload);
  const listing = await listProjectFiles(
    base,
    project,
    `whether ${project} ${pkg.version} is already published`,
    backoffFromEnv(o.env),
    indexReadAuthorization(upload, base, o.env),
  );
  if (listing.state !== "listed") return undefined;
  return listing.files.find((f) => {
    const p = parseDistFilename(f.filename);
    return p.ok && p.parsed.kind === "sdist" && sameVersion(p.parsed.version, pkg.version);
  })?.filename;
}

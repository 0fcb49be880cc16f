/** Small Python projects built with the real `python3 -m build --no-isolation` (Debian python3-build). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PY = "/usr/bin/python3";

export function canBuild(): boolean {
  return Bun.spawnSync([PY, "-c", "import build, setuptools"], { stderr: "ignore" }).exitCode === 0;
}

export interface Project {
  name: string;
  version?: string;
  /** README file name and content; omitted: no readme at all. */
  readme?: [string, string];
  /** Extra pyproject.toml text (e.g. [tool.shipline.build]). */
  extra?: string;
}

export function writeProject(dir: string, p: Project): string {
  const root = join(dir, p.name);
  const pkg = p.name.replace(/-/g, "_");
  mkdirSync(join(root, "src", pkg), { recursive: true });
  const readme = p.readme ? `readme = "${p.readme[0]}"\n` : "";
  writeFileSync(
    join(root, "pyproject.toml"),
    `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${p.name}"\nversion = "${p.version ?? "1.0.0"}"\ndescription = "test project"\n${readme}${p.extra ?? ""}`,
  );
  writeFileSync(join(root, "src", pkg, "__init__.py"), `__version__ = "${p.version ?? "1.0.0"}"\n`);
  if (p.readme) writeFileSync(join(root, p.readme[0]), p.readme[1]);
  return root;
}

/** Build sdist and wheel (both from the source tree) into `out`; returns the file paths. */
export async function buildProject(root: string, out: string): Promise<void> {
  const proc = Bun.spawn([PY, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", out, root], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [text, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`build of ${root} failed:\n${text}\n${err}`);
}

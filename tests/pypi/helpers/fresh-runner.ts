/** A Python project built for real, and what a fresh runner's checkout of it looks like. */
import { readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { PY } from "../../dist/helpers/projects.ts";
import { TestRepo } from "../../helpers/repo.ts";

/** One-word names: Debian's setuptools 66 still names a dashed project's sdist `a-b-1.0.tar.gz`. */
export function project(name: string): TestRepo {
  const r = TestRepo.create();
  r.commit("feat: a package", {
    "pyproject.toml": `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${name}"\nversion = "1.0.0"\ndescription = "x"\nreadme = "README.md"\n\n[tool.shipline.build]\ncommand = ["${PY}", "-m", "build", "--no-isolation", "--outdir", "dist"]\n`,
    "README.md": `# ${name}\n`,
    [`src/${name.replace(/-/g, "_")}/__init__.py`]: "VALUE = 1\n",
    ".gitignore": "dist/\nbuild/\n*.egg-info/\n.shipline/\nroot.json\n",
  });
  return r;
}

/** What a fresh runner has: the commit checked out again (every file newer), nothing else. */
export function freshRunner(r: TestRepo): void {
  for (const d of [".shipline", "dist", "build"]) rmSync(join(r.dir, d), { recursive: true, force: true });
  const later = new Date(Date.now() + 60_000);
  const touch = (dir: string) => {
    for (const n of readdirSync(dir)) {
      if (n === ".git") continue;
      const p = join(dir, n);
      if (n.endsWith(".egg-info")) rmSync(p, { recursive: true, force: true });
      else if (statSync(p).isDirectory()) touch(p);
      else utimesSync(p, later, later);
    }
  };
  touch(r.dir);
}

/**
 * A GitHub Actions release job under Trusted Publishing, signing with the stand-ins: its OIDC
 * environment, no API token, the trusted root written into the checkout, the workflow it runs.
 */
export function signedJobEnv(
  r: TestRepo,
  oidcEnv: Record<string, string>,
  writeRoot: (path: string) => void,
  repository: string,
): Record<string, string | undefined> {
  writeRoot(join(r.dir, "root.json"));
  return {
    ...oidcEnv,
    GITHUB_ACTIONS: "true",
    SHIPLINE_PYPI_TOKEN: undefined,
    TWINE_PASSWORD: undefined,
    SIGSTORE_ID_TOKEN: undefined,
    SHIPLINE_HTTP_BACKOFF_MS: "5",
    HOME: r.dir,
    SHIPLINE_TRUSTED_ROOT: join(r.dir, "root.json"),
    GITHUB_REPOSITORY: repository,
    GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/release.yml@refs/heads/main`,
  };
}

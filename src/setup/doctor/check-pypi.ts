/**
 * `doctor --online`: the seed's "Check PyPI status and version conflicts". Reads PyPI's JSON
 * API (GET /pypi/NAME/json, /pypi/NAME/VERSION/json) next to the configured upload URL.
 */
import type { ReleasePleaseConfig } from "../../config/release-please.ts";
import { readPyproject, type ShiplineConfig } from "../../config/shipline.ts";
import { errorMessage } from "../../errors.ts";
import { textLimited } from "../../net/bounded-body.ts";
import { releaseTags, tagFor } from "./check-release-config.ts";
import { type DoctorContext, error, type Finding, ok, warn } from "./finding.ts";

/** upload.pypi.org/legacy/ → https://pypi.org; test.pypi.org likewise; anything else: same origin. */
export function jsonApiBase(repositoryUrl: string): string {
  const u = new URL(repositoryUrl);
  if (u.hostname === "upload.pypi.org") return "https://pypi.org";
  if (u.hostname === "upload.test.pypi.org" || u.hostname === "test.pypi.org") return "https://test.pypi.org";
  return u.origin;
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

async function getJson(url: string): Promise<{ status: number; body?: Record<string, unknown> }> {
  const res = await fetch(url, {
    headers: { Accept: "application/json" },
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 200) return { status: res.status };
  const text = await textLimited(res, `the index's answer to GET ${new URL(url).pathname}`);
  return { status: 200, body: JSON.parse(text) as Record<string, unknown> };
}

export async function checkPypi(
  ctx: DoctorContext,
  cfg: ShiplineConfig,
  rp: ReleasePleaseConfig | undefined,
): Promise<Finding[]> {
  if (!cfg.publish.enabled) return [];
  const py = readPyproject(ctx.root);
  const project = py?.data.project as { name?: unknown } | undefined;
  if (typeof project?.name !== "string")
    return [
      warn(
        "pypi",
        "no [project].name in pyproject.toml",
        "cannot look the project up on PyPI.",
        "set [project].name",
      ),
    ];
  const name = normalize(project.name);
  const base = jsonApiBase(cfg.publish.repositoryUrl);
  let info: Awaited<ReturnType<typeof getJson>>;
  try {
    info = await getJson(`${base}/pypi/${name}/json`);
  } catch (e) {
    return [
      warn(
        "pypi",
        `could not reach ${base}`,
        errorMessage(e),
        "check the network, or run doctor without --online",
      ),
    ];
  }
  if (info.status === 404)
    return [
      warn(
        "pypi",
        `${name} does not exist on ${base} yet`,
        "the first upload creates it; with Trusted Publishing that needs a *pending* publisher.",
        `on ${base}/manage/account/publishing/ add a pending publisher: this repository, workflow release.yml`,
      ),
    ];
  if (info.status !== 200)
    return [
      warn(
        "pypi",
        `${base} answered ${info.status} for ${name}`,
        "PyPI may be having trouble.",
        "retry later",
      ),
    ];
  const releases = (info.body?.releases ?? {}) as Record<string, unknown[]>;
  const latest = (info.body?.info as { version?: string } | undefined)?.version;
  const out: Finding[] = [ok("pypi", `${name} is on ${base} (latest ${latest ?? "?"})`)];
  const manifestVersion = rp?.manifest["."];
  const pkg = rp?.packages.find((p) => p.path === ".");
  if (!manifestVersion || !pkg) return out;
  const tagged = releaseTags(ctx.root, pkg).some((t) => t.tag === tagFor(pkg, manifestVersion));
  const onIndex = (releases[manifestVersion]?.length ?? 0) > 0;
  if (!tagged && onIndex)
    out.push(
      error(
        "pypi-version-conflict",
        `${name} ${manifestVersion} is already on ${base} but not released here (no tag)`,
        "PyPI never accepts a file name twice: publishing this version will be refused.",
        `release a new version instead: commit with footer "Release-As: <next version>" (or use skip-existing if these are the same files)`,
      ),
    );
  else if (tagged && !onIndex && manifestVersion !== "0.0.0")
    out.push(
      warn(
        "pypi-version-missing",
        `${manifestVersion} is tagged but has no files on ${base}`,
        "the release was created but publishing did not finish.",
        "run `shipline resume` (or re-run the release workflow); it continues from the checkpoint",
      ),
    );
  else out.push(ok("pypi-version-conflict", `no version conflict for ${manifestVersion}`));
  return out;
}

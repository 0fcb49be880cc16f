/**
 * `doctor --online` with a GITHUB_TOKEN: the repository settings a release depends on.
 * - a ruleset that requires signed commits on the target branch: a release PR whose commit is
 *   pushed with git can never merge there, unless GitHub makes it (signed-commits = true);
 * - immutable releases: with files attached by a step of their own, a published release refuses
 *   them (publish.github-assets makes the release a draft until they are on it).
 */
import type { ShiplineConfig } from "../../config/shipline.ts";
import { errorMessage } from "../../errors.ts";
import { GitHub, isRequestError } from "../../github/client.ts";
import { githubContext } from "../../github/context.ts";
import { createLogger } from "../../ui/log.ts";
import { type DoctorContext, error, type Finding, ok, warn } from "./finding.ts";

interface Rule {
  type: string;
  ruleset_id?: number;
}

export async function checkGitHub(ctx: DoctorContext, cfg: ShiplineConfig): Promise<Finding[]> {
  const token = ctx.env.GITHUB_TOKEN || ctx.env.GH_TOKEN;
  if (!token)
    return [ok("github-settings", "GitHub's repository settings not checked: GITHUB_TOKEN is not set")];
  let gh: GitHub;
  let branch: string;
  try {
    const g = githubContext(ctx.root, undefined, ctx.env, false);
    branch = g.target || "main";
    gh = new GitHub({
      owner: g.owner,
      repo: g.repo,
      token,
      baseUrl: g.apiUrl,
      log: createLogger({ quiet: true }),
    });
  } catch (e) {
    return [
      warn(
        "github-settings",
        "GitHub's repository settings not checked",
        errorMessage(e),
        "set GITHUB_REPOSITORY or an origin remote",
      ),
    ];
  }
  const out: Finding[] = [];
  try {
    const { data } = await gh.kit.request("GET /repos/{owner}/{repo}/rules/branches/{branch}", {
      owner: gh.owner,
      repo: gh.repo,
      branch,
      per_page: 100,
    });
    const signed = (data as Rule[]).find((r) => r.type === "required_signatures");
    if (signed && !cfg.signedCommits)
      out.push(
        error(
          "signed-commits",
          `${gh.slug}: ${branch} requires signed commits${signed.ruleset_id ? ` (ruleset ${signed.ruleset_id})` : ""}`,
          "shipline pushes the release PR's commit with git, unsigned: GitHub will refuse to merge the release PR.",
          "set `signed-commits = true` in [tool.shipline]: GitHub then makes the release commit, and signs it",
        ),
      );
    else
      out.push(
        ok(
          "signed-commits",
          signed
            ? `${branch} requires signed commits, and GitHub makes (and signs) the release commit (signed-commits)`
            : `${branch} does not require signed commits`,
        ),
      );
  } catch (e) {
    out.push(
      warn(
        "github-settings",
        `could not read the rules of ${gh.slug}'s ${branch} branch`,
        isRequestError(e) ? `GitHub answered ${e.status}` : errorMessage(e),
        "check GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL",
      ),
    );
  }
  // needs admin read: a 403/404 only says the setting is not visible to this token
  try {
    await gh.kit.request("GET /repos/{owner}/{repo}/immutable-releases", { owner: gh.owner, repo: gh.repo });
    out.push(
      ok(
        "immutable-releases",
        cfg.publish.githubAssets
          ? "immutable releases are on; each release is a draft until its files are attached (publish.github-assets)"
          : "immutable releases are on; shipline's releases carry no files (publish.github-assets is off)",
      ),
    );
  } catch {
    // off, or not readable with this token: nothing to say
  }
  return out;
}

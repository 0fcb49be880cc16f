/**
 * `changelog-type: github` (spec §4.9): the CHANGELOG entry is GitHub's generated release notes
 * under release-please's heading — `## VERSION (DATE)`, a blank line, the API's body — where
 * DATE is the runner's local date (release-please: `toLocaleDateString('en-CA')`). Asked for by
 * `pr`/`run`, which have GitHub; offline `plan` shows the default changelog and says so.
 */
import type { ReleasePleaseConfig } from "../config/release-please.ts";
import type { Plan } from "../plan/types.ts";
import { type GitHub, PERM } from "./client.ts";

/** YYYY-MM-DD in the local time zone, as `toLocaleDateString('en-CA')` gives it. */
export function localDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Replace the entry of every release whose package uses changelog-type github. */
export async function applyGeneratedNotes(
  gh: GitHub,
  cfg: ReleasePleaseConfig,
  plan: Plan,
  target: string,
  date: string | undefined,
): Promise<number> {
  let n = 0;
  for (const r of plan.releases) {
    const pkg = cfg.packages.find((p) => (p.path || ".") === (r.path || "."));
    if (pkg?.changelogType !== "github") continue;
    const { data } = await gh.call(
      { what: `generate the release notes of ${r.tag}`, permission: PERM.contentsRead },
      () =>
        gh.kit.rest.repos.generateReleaseNotes({
          owner: gh.owner,
          repo: gh.repo,
          tag_name: r.tag,
          target_commitish: target,
          ...(r.previousTag ? { previous_tag_name: r.previousTag } : {}),
        }),
    );
    r.changelog = `## ${r.version} (${date ?? localDate()})\n\n${data.body}`;
    n++;
  }
  return n;
}

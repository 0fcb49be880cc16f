/**
 * What must hold once a chaos run has converged, whatever was killed or failed on the way:
 * each distribution on the index exactly once, with the bytes that were built, checked and
 * signed, and a PEP 740 attestation for those bytes; the tag and the GitHub release exactly
 * once at the merge commit; one release comment; the checkpoint done; no temp file or lock left.
 * With publish.github-assets: the release published, each dist and bundle on it exactly once.
 *
 * Violations are split into duplicates (something done twice) and lost (something missing).
 */

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { bundleSigns } from "../../src/sigstore/bundle-digest.ts";
import { IDENTICAL_DUPLICATE } from "../servers/pypi.ts";
import { git, PROJECT, sha256, TAG, type Template, VERSION, type World } from "./world.ts";

export interface Verdict {
  duplicates: string[];
  lost: string[];
  other: string[];
  /**
   * Identical re-sends PyPI answered 200 without storing: a request of a killed process still in
   * flight (e.g. stalled by the server) lands after the resumed run probed the index. Harmless
   * by PyPI's rules and impossible to rule out from the client; counted, not a violation.
   */
  resent: number;
}

/** Every file under dir, relative paths (small trees: the project and its state dir). */
function walk(dir: string, rel = ""): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === ".git") continue;
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, name)).isDirectory()) out.push(...walk(join(dir, name), r));
    else out.push(r);
  }
  return out;
}

export function checkInvariants(
  w: World,
  tpl: Template,
  status: { next?: string } | undefined,
  /** The checkout is a fresh runner's (dist/ removed): with everything done already it built nothing. */
  onFreshRunner = false,
): Verdict {
  const v: Verdict = { duplicates: [], lost: [], other: [], resent: 0 };

  // The index: each built file once, with the built bytes and an attestation of those bytes.
  const stored = w.pypi.files(PROJECT).filter((f) => f.filename.startsWith(`${PROJECT}-${VERSION}`));
  const ours = w.pypi.uploads.filter(
    (u) => u.status === 200 && u.filename.startsWith(`${PROJECT}-${VERSION}`),
  );
  const accepted = ours.filter((u) => u.message !== IDENTICAL_DUPLICATE);
  v.resent = ours.length - accepted.length;
  // Only a request the server held back (a stall) can still be in flight when the resumed run
  // probes the index; any other identical re-send means a run uploaded without probing first.
  const stalled = w.pypi.faults.log.some((l) => l.fault === "stall" && l.path.startsWith("/legacy"));
  if (v.resent && !stalled)
    v.duplicates.push(`${v.resent} identical re-upload(s) with no stalled request to explain them`);
  for (const [name, digest] of tpl.dists) {
    const here = stored.filter((f) => f.filename === name);
    const ok = accepted.filter((u) => u.filename === name).length;
    if (here.length === 0) v.lost.push(`${name} is not on the index`);
    if (here.length > 1 || ok > 1) v.duplicates.push(`${name} stored ${here.length}×, accepted ${ok}×`);
    const f = here[0];
    if (!f) continue;
    if (f.digests.sha256 !== digest) v.other.push(`${name} on the index differs from what was built`);
    const local = join(w.project, "dist", name);
    const builtNothing = onFreshRunner && !existsSync(join(w.project, "dist"));
    if (existsSync(local) ? sha256(readFileSync(local)) !== digest : !builtNothing)
      v.other.push(`dist/${name} differs from what was built`);
    const atts = (f.attestations ?? []) as { envelope?: { statement?: string } }[];
    if (atts.length !== 1) v.lost.push(`${name} has ${atts.length} attestations on the index`);
    for (const a of atts) {
      const st = JSON.parse(Buffer.from(a.envelope?.statement ?? "", "base64").toString() || "{}");
      const subject = st.subject?.[0];
      if (subject?.name !== name || subject?.digest?.sha256 !== digest)
        v.other.push(`${name}'s attestation does not cover the uploaded bytes`);
    }
  }
  const extra = stored.filter((f) => !tpl.dists.has(f.filename));
  if (extra.length) v.other.push(`unexpected files on the index: ${extra.map((f) => f.filename).join(", ")}`);

  // GitHub: the tag and the release once, at the merge commit; the PR announced once and relabelled.
  const releases = w.gh.releases.filter((r) => r.tag_name === TAG);
  if (releases.length === 0) v.lost.push(`no GitHub release ${TAG}`);
  if (releases.length > 1) v.duplicates.push(`${releases.length} GitHub releases ${TAG}`);
  const tagSha = w.gh.tagSha(TAG);
  if (!tagSha) v.lost.push(`no tag ${TAG}`);
  else if (tagSha !== tpl.mergeSha) v.other.push(`tag ${TAG} at ${tagSha}, not the merge commit`);
  if (tpl.assets && releases.length === 1) checkAssets(w, tpl, v);
  const comments = w.gh.comments.filter((c) => c.issue === tpl.pull.number);
  if (comments.length === 0) v.lost.push(`no release comment on PR #${tpl.pull.number}`);
  if (comments.length > 1) v.duplicates.push(`${comments.length} release comments on PR #${tpl.pull.number}`);
  const pr = w.gh.pulls.find((p) => p.number === tpl.pull.number);
  if (!pr?.labels.includes("autorelease: tagged") || pr.labels.includes("autorelease: pending"))
    v.lost.push(`PR #${tpl.pull.number} labels are ${JSON.stringify(pr?.labels)}`);

  // Local state: done, parseable, no leftovers of killed writers.
  if (status?.next !== "done") v.other.push(`status says next=${status?.next}`);
  const leftovers = walk(w.project).filter(
    (p) => /\.tmp-\d+/.test(p) || /(^|\/)lock(\.\d+\.tmp)?$/.test(p) || p.endsWith(".part"),
  );
  if (leftovers.length) v.other.push(`left behind: ${leftovers.join(", ")}`);
  // a release built behind HEAD uses a throwaway worktree: none may stay registered
  const trees = git(["worktree", "list", "--porcelain"], w.project)
    .split("\n")
    .filter((l) => l.startsWith("worktree "));
  if (trees.length !== 1) v.other.push(`worktrees left registered: ${trees.slice(1).join(", ")}`);
  return v;
}

/** publish.github-assets: the release published, with each dist and its bundle on it exactly once. */
function checkAssets(w: World, tpl: Template, v: Verdict): void {
  const r = w.gh.releases.find((x) => x.tag_name === TAG)!;
  if (r.draft) v.lost.push(`the release ${TAG} is still a draft`);
  for (const dist of tpl.dists.keys())
    for (const name of [dist, `${dist}.sigstore.json`]) {
      const here = r.assets.filter((a) => a.name === name);
      if (here.length === 0) v.lost.push(`${name} is not on the release`);
      if (here.length > 1) v.duplicates.push(`${name} is on the release ${here.length}×`);
      const a = here[0];
      if (!a) continue;
      if (a.state !== "uploaded") v.other.push(`${name} on the release is in state ${a.state}`);
      const distSha = tpl.dists.get(dist)!;
      // a dist: the built bytes; a bundle: a signature of them (on a fresh runner's re-run an
      // earlier attempt's bundle may stay: another valid signature of the same bytes)
      const ok =
        name === dist ? sha256(a.bytes) === distSha : bundleSigns(new TextDecoder().decode(a.bytes), distSha);
      if (!ok) v.other.push(`${name} on the release differs from what was built and signed`);
    }
  const extra = r.assets.filter((a) => !tpl.dists.has(a.name.replace(/\.sigstore\.json$/, "")));
  if (extra.length) v.other.push(`unexpected assets: ${extra.map((a) => a.name).join(", ")}`);
}

export const broken = (v: Verdict) => v.duplicates.length + v.lost.length + v.other.length > 0;

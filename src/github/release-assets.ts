/**
 * Files on a GitHub release, the immutable-release-safe way: the release waits as a draft, every
 * file is attached (each exactly once, checked by name, size and sha256 digest), and only then
 * is the draft published. With immutable releases on, a published release can no longer take
 * assets, so publishing first and attaching after — what release-please plus an upload action
 * does — leaves a release without its files for good.
 *
 * Re-runnable: an asset already there with the same bytes counts as done (no 422 already_exists
 * on a re-run); one an interrupted upload left behind (state "open"/"starter", GitHub's own
 * advice: "it can be safely deleted") is deleted and sent again; one with other bytes stops the
 * run — shipline never replaces a finished asset of a published release. A draft's are replaced:
 * nobody has seen them, and by now the index holds exactly these files (a fresh runner's re-run
 * signs the same wheel again, so its bundle differs from the earlier attempt's).
 */
import { statSync } from "node:fs";
import { basename } from "node:path";
import { ShiplineError } from "../errors.ts";
import { fault } from "../pipeline/fault.ts";
import { bundleSigns } from "../sigstore/bundle-digest.ts";
import type { Logger } from "../ui/log.ts";
import { apiErrorCodes, type GitHub, isRequestError, PERM, type Release } from "./client.ts";

/** A file to attach: its path on disk and the digest it must have on the release. */
export interface AssetFile {
  path: string;
  sha256: string;
  /** For a Sigstore bundle: the sha256 of the file it signs (another signature of it will do). */
  signs?: string;
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  /** "sha256:<hex>" (GitHub fills it for assets uploaded since mid-2025; older ones have null). */
  digest?: string | null;
}

export interface AttachOutcome {
  tag: string;
  id: number;
  url: string;
  draft: boolean;
  /** True when this call published the draft the release was held as. */
  published: boolean;
  assets: { name: string; status: "uploaded" | "present" }[];
  /** Files that could not be attached: the release is published and immutable. */
  missing?: string[];
}

const CONTENT_TYPES: [RegExp, string][] = [
  [/\.(whl|zip)$/, "application/zip"],
  [/\.tar\.gz$/, "application/gzip"],
  [/\.(json|attestation)$/, "application/json"],
];

export const contentType = (name: string): string =>
  CONTENT_TYPES.find(([re]) => re.test(name))?.[1] ?? "application/octet-stream";

type Match = "same" | "partial" | "different";

/**
 * GitHub "renames asset filenames that have special characters, non-alphanumeric characters,
 * and leading or trailing periods", and lists the stored name: a PEP 440 epoch's `!`
 * (`pkg-1!2.0.tar.gz`) comes back as a period. The exact rule is not documented, so a local
 * file and an asset are the same name when they agree once every such character is a period.
 */
const storedName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, ".");
export const isAssetFor = (asset: { name: string }, localName: string): boolean =>
  asset.name === localName || asset.name === storedName(localName);

function compare(a: ReleaseAsset, size: number, sha256: string): Match {
  // "open" in the API ("starter" in the upload docs): an upload that broke off
  if (a.state !== "uploaded") return "partial";
  if (a.size !== size) return "different";
  if (a.digest && a.digest !== `sha256:${sha256}`) return "different";
  return "same";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Failures after which the upload may or may not have happened: look, then retry. */
const uncertain = (e: unknown) => !isRequestError(e) || e.status >= 500 || e.status === 429;

export async function getRelease(gh: GitHub, id: number, tag: string): Promise<Release> {
  const { data } = await gh.call(
    { what: `read the GitHub release ${tag}`, permission: PERM.contentsRead },
    () => gh.kit.rest.repos.getRelease({ owner: gh.owner, repo: gh.repo, release_id: id }),
  );
  return data as unknown as Release;
}

export function listAssets(gh: GitHub, r: Release): Promise<ReleaseAsset[]> {
  return gh.call(
    { what: `list the assets of the release ${r.tag_name}`, permission: PERM.contentsRead },
    () =>
      gh.list<ReleaseAsset>(
        "GET /repos/{owner}/{repo}/releases/{release_id}/assets",
        { release_id: r.id },
        1000,
      ),
  );
}

async function deleteAsset(gh: GitHub, r: Release, a: ReleaseAsset, log: Logger): Promise<void> {
  log.warn(
    a.state === "uploaded"
      ? `${r.tag_name}: ${a.name} on the draft has other bytes, left by an earlier attempt: replacing it (the draft is not public)`
      : `${r.tag_name}: ${a.name} is an unfinished upload (state ${a.state}): deleting it to send it again`,
  );
  try {
    await gh.kit.rest.repos.deleteReleaseAsset({ owner: gh.owner, repo: gh.repo, asset_id: a.id });
  } catch (e) {
    if (isRequestError(e) && e.status === 404) return; // gone already
    throw gh.explain(
      { what: `delete the unfinished asset ${a.name} of ${r.tag_name}`, permission: PERM.contentsWrite },
      e,
    );
  }
}

/**
 * A bundle on the release that is not ours byte for byte, but signs the same file: an earlier
 * attempt's (a fresh runner signs the same wheel again, with a new key). Either is a valid
 * signature of those bytes, so it stays. Bundles are a few kB: anything over 1 MiB is not one.
 */
async function otherSignatureOfSame(gh: GitHub, a: ReleaseAsset, f: AssetFile): Promise<boolean> {
  if (!f.signs || a.state !== "uploaded" || a.size > 1 << 20) return false;
  try {
    const { data } = await gh.kit.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
      owner: gh.owner,
      repo: gh.repo,
      asset_id: a.id,
      headers: { accept: "application/octet-stream" },
    });
    const text = new TextDecoder().decode(data as unknown as ArrayBuffer);
    return bundleSigns(text, f.signs);
  } catch {
    return false; // unreadable: judged as different, as before
  }
}

function differs(r: Release, name: string, a: ReleaseAsset, sha256: string): ShiplineError {
  return new ShiplineError(
    `the release ${r.tag_name} already has an asset ${name} with other bytes (${a.digest ?? `${a.size} bytes`}, not sha256:${sha256})`,
    "shipline never replaces a release asset: check where it came from, delete it on GitHub if it is wrong, then `shipline resume`",
  );
}

/** Send one file; after an answer that may hide an effect, look at the release before sending again. */
async function upload(gh: GitHub, r: Release, f: AssetFile, size: number, log: Logger): Promise<void> {
  const name = basename(f.path);
  const op = { what: `attach ${name} to the release ${r.tag_name}`, permission: PERM.contentsWrite };
  const delays = [1000, 2000, 4000, 8000];
  for (let attempt = 0; ; attempt++) {
    try {
      await gh.kit.rest.repos.uploadReleaseAsset({
        owner: gh.owner,
        repo: gh.repo,
        release_id: r.id,
        url: r.upload_url,
        name,
        // streamed from disk by Bun's fetch; the type says string only
        data: Bun.file(f.path) as unknown as string,
        headers: { "content-type": contentType(name), "content-length": size },
        request: { retries: 0 },
      });
      break;
    } catch (e) {
      const exists = isRequestError(e) && e.status === 422 && apiErrorCodes(e).includes("already_exists");
      if (!exists && !uncertain(e)) throw gh.explain(op, e);
      const found = (await listAssets(gh, r)).find((a) => isAssetFor(a, name));
      const match = found && compare(found, size, f.sha256);
      if (match === "same") break;
      if (found && match === "different") throw differs(r, name, found, f.sha256);
      if (attempt >= delays.length) throw gh.explain(op, e);
      log.warn(
        `${op.what}: ${isRequestError(e) ? `GitHub answered ${e.status}` : `connection failed (${(e as Error).message})`}; retrying`,
      );
      if (found) await deleteAsset(gh, r, found, log);
      await sleep(delays[attempt]!);
    }
  }
  fault("assets:after-upload");
}

/**
 * Attach `files` to the release (by id, read afresh), then publish it when `publish` is set and
 * it is still a draft. A published immutable release that lacks some file is reported in
 * `missing`, with a warning: GitHub does not let anyone add to it any more.
 */
export async function attachAssets(
  gh: GitHub,
  release: { id: number; tag: string },
  files: AssetFile[],
  publish: boolean,
  log: Logger,
): Promise<AttachOutcome> {
  let r = await getRelease(gh, release.id, release.tag);
  const sizes = new Map(files.map((f) => [f.path, statSync(f.path).size]));
  const have = await listAssets(gh, r);
  const kept = new Set<string>(); // bundles of the same files, signed by an earlier attempt
  const status = (f: AssetFile) => {
    const a = have.find((x) => isAssetFor(x, basename(f.path)));
    const match = a && (kept.has(a.name) ? "same" : compare(a, sizes.get(f.path)!, f.sha256));
    return { a, match };
  };
  for (const f of files) {
    const { a, match } = status(f);
    if (a && match === "different" && (await otherSignatureOfSame(gh, a, f))) {
      kept.add(a.name);
      log.info(`${r.tag_name}: ${a.name} is an earlier signature of the same file: kept`);
    }
  }
  // Check everything before sending anything: a conflict found half-way would leave half the files.
  for (const f of files) {
    const { a, match } = status(f);
    if (a && match === "different" && !r.draft) throw differs(r, basename(f.path), a, f.sha256);
  }
  const outcome: AttachOutcome = {
    tag: r.tag_name,
    id: r.id,
    url: r.html_url,
    draft: r.draft,
    published: false,
    assets: [],
  };
  if (!r.draft && r.immutable) {
    const missing = files.filter((f) => status(f).match !== "same").map((f) => basename(f.path));
    for (const f of files)
      if (status(f).match === "same") outcome.assets.push({ name: basename(f.path), status: "present" });
    if (missing.length) {
      log.warn(
        `the release ${r.tag_name} was published as immutable before shipline could attach ${missing.join(", ")}: GitHub allows no new assets on it. The files are on the package index; later releases are made as drafts and published only with their files`,
      );
      outcome.missing = missing;
    }
    return outcome;
  }
  for (const f of files) {
    const name = basename(f.path);
    const { a, match } = status(f);
    if (match === "same") {
      outcome.assets.push({ name, status: "present" });
      log.info(`${r.tag_name}: ${name} is attached already`);
      continue;
    }
    if (a) await deleteAsset(gh, r, a, log);
    await upload(gh, r, f, sizes.get(f.path)!, log);
    outcome.assets.push({ name, status: "uploaded" });
    log.success(`${r.tag_name}: attached ${name}`);
  }
  // What GitHub holds now, not what the answers said: every file there, finished, same bytes.
  const now = await listAssets(gh, r);
  for (const f of files) {
    const a = now.find((x) => isAssetFor(x, basename(f.path)));
    if (!a || (!kept.has(a.name) && compare(a, sizes.get(f.path)!, f.sha256) !== "same"))
      throw new ShiplineError(
        `the release ${r.tag_name} does not hold ${basename(f.path)} as sent (${a ? `state ${a.state}, ${a.size} bytes` : "not listed"})`,
        "run `shipline resume` to send it again",
      );
  }
  if (publish && r.draft) {
    fault("assets:before-publish");
    const { data } = await gh.call(
      { what: `publish the draft release ${r.tag_name}`, permission: PERM.contentsWrite },
      () =>
        gh.kit.rest.repos.updateRelease({ owner: gh.owner, repo: gh.repo, release_id: r.id, draft: false }),
    );
    r = data as unknown as Release;
    Object.assign(outcome, { url: r.html_url, draft: r.draft, published: true });
    log.success(`published the release ${r.tag_name} with its ${files.length} files (${r.html_url})`);
  }
  return outcome;
}

/**
 * A rebuilt distribution that the index already holds in an earlier build's bytes. setuptools
 * writes build-time mtimes into an sdist (and Python's tarfile the time into its gzip header);
 * a wheel comes out with other bytes when its build backend ignores SOURCE_DATE_EPOCH, or when
 * the runner's zlib compresses differently (a new runner image, zlib-ng). So the same commit
 * built twice gives two files with one name and the same contents but different bytes, and the
 * index keeps the first forever. A re-run on a fresh runner after the file was stored would be
 * stopped by a conflict that is not one. When the index's file holds exactly the members of
 * this build (names, contents, execute bits; times, owners and compression aside), the build
 * takes the index's bytes: check, sign, upload (already there), verify and the GitHub release
 * then all handle the file the index has.
 *
 * A file with other contents is taken only when its PEP 740 provenance, verified offline, shows
 * it is this release's own: signed by the identity this job signs with, at the release's commit
 * (or a later one on HEAD's history, which builds a release behind HEAD from its own commit).
 * That is a re-run after a build tool changed between attempts (a new setuptools writing other
 * metadata): the index keeps the first build forever, so the release is finished with it. Any
 * other difference is left to the upload stage, which refuses it.
 */
import { renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { PYPI_UPLOAD_URL } from "../config/shipline.ts";
import { parseDistFilename } from "../dist/filename.ts";
import { scanTarGz, type TarMember } from "../dist/tar.ts";
import { ZipReader } from "../dist/zip.ts";
import { readBodyLimited } from "../net/bounded-body.ts";
import { ownSignaturePolicy } from "../sigstore/expected-signer.ts";
import type { Logger } from "../ui/log.ts";
import { indexReadAuthorization } from "./credentials.ts";
import { backoffFromEnv, indexBaseFor, USER_AGENT } from "./http.ts";
import { getReadable, type IndexFile, type Listing, listProjectFiles } from "./index-probe.ts";

/** Larger files are not downloaded to be compared (the upload stage then judges them). */
const MAX_COPY_BYTES = 256 << 20;

export interface AdoptOptions {
  repositoryUrl?: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** The Sigstore instance this job signs with (--fulcio-url): its trusted root judges provenance. */
  fulcioUrl?: string;
  /**
   * Would a job signing at commit `digest` have built `file` from this release's tree? (The
   * release commit itself, or a later commit on HEAD's history.)
   */
  builtAt: (file: string, digest: string) => boolean;
}

/** A provenance file is a few kB per attestation; anything near this is not one. */
const MAX_PROVENANCE_BYTES = 4 << 20;

/**
 * Is the index's file (other contents than this build's) this release's own, by its PEP 740
 * provenance? The commit and signer when it is, else why not (one phrase).
 */
async function provenOwn(
  there: IndexFile,
  file: string,
  o: AdoptOptions,
): Promise<{ commit: string; identity: string } | string> {
  if (!there.provenance || !there.sha256) return "it has no PEP 740 provenance to show where it was built";
  const own = ownSignaturePolicy(o.env, o.fulcioUrl);
  if (typeof own === "string") return `its provenance cannot be judged here: ${own}`;
  const upload = o.repositoryUrl ?? PYPI_UPLOAD_URL;
  const url = there.provenance;
  const res = await getReadable(
    (headers) => fetch(url, { headers, signal: AbortSignal.timeout(30_000) }),
    { "User-Agent": USER_AGENT, Accept: "application/vnd.pypi.integrity.v1+json" },
    indexReadAuthorization(upload, url, o.env),
  );
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    return `its provenance could not be read (the index answered ${res.status})`;
  }
  let prov: unknown;
  try {
    prov = JSON.parse(
      new TextDecoder().decode(await readBodyLimited(res, "its provenance", MAX_PROVENANCE_BYTES)),
    );
  } catch (e) {
    return `its provenance is unreadable (${(e as Error).message})`;
  }
  const bundles = (prov as { attestation_bundles?: unknown })?.attestation_bundles;
  const atts = (Array.isArray(bundles) ? bundles : []).flatMap((b: { attestations?: unknown }) =>
    Array.isArray(b?.attestations) ? (b.attestations as unknown[]) : [],
  );
  if (!atts.length) return "its provenance holds no attestation";
  const { verifyAttestationJson } = await import("../sigstore/verify.ts");
  let why = "";
  for (const att of atts) {
    const r = verifyAttestationJson(
      { name: basename(file), sha256: there.sha256 },
      att,
      own.policy,
      own.root,
    );
    if (!r.ok) why = `its attestation does not verify as this job's (${r.reason ?? "invalid"})`;
    else if (!r.sourceDigest) why = "its signing certificate names no commit";
    else if (!o.builtAt(file, r.sourceDigest))
      why = `it was signed at commit ${r.sourceDigest.slice(0, 12)}, which is neither this release's commit nor a later one on HEAD's history`;
    else return { commit: r.sourceDigest, identity: r.identity ?? "" };
  }
  return why;
}

type Kind = "sdist" | "wheel";

/** What the comparison reads of a member: everything a build decides. */
const shape = (m: TarMember) => `${m.type} ${m.size} ${m.executable ? "x" : "-"} ${m.sha256 ?? ""}`;

async function sdistMembers(path: string): Promise<Map<string, string>> {
  const scan = await scanTarGz(path, () => false, { hashFiles: true });
  return new Map(scan.members.map((m) => [m.name, shape(m)]));
}

/** A wheel's members: kind, size, execute bit and sha256 of the inflated bytes (CRC checked). */
async function wheelMembers(path: string): Promise<Map<string, string>> {
  const zip = ZipReader.open(path);
  try {
    const out = new Map<string, string>();
    for (const e of zip.entries) {
      const h = new Bun.CryptoHasher("sha256");
      await zip.stream(e, (chunk) => h.update(chunk));
      const exec = e.mode !== undefined && (e.mode & 0o111) !== 0 ? "x" : "-";
      out.set(e.name, `${e.isDir ? "dir" : "file"} ${e.usize} ${exec} ${h.digest("hex")}`);
    }
    return out;
  } finally {
    zip.close();
  }
}

/** The first member that differs between two distributions, or undefined when they hold the same. */
async function firstDifference(kind: Kind, a: string, b: string): Promise<string | undefined> {
  const membersOf = kind === "wheel" ? wheelMembers : sdistMembers;
  const x = await membersOf(a);
  const y = await membersOf(b);
  for (const [name, s] of x) if (y.get(name) !== s) return name;
  for (const name of y.keys()) if (!x.has(name)) return name;
  return undefined;
}

/**
 * For each built sdist or wheel (path → its sha256) the index has under its name with other
 * bytes but the same members, put the index's bytes in its place and its sha256 in `sha256`.
 * Never fails the build: an index that cannot be read or a copy that cannot be fetched leaves
 * the file as built.
 */
export async function adoptIndexCopies(sha256: Map<string, string>, o: AdoptOptions): Promise<void> {
  // one listing per project, whatever the number of its files
  const listings = new Map<string, Promise<Listing>>();
  for (const [file, local] of sha256) {
    const name = basename(file);
    const parsed = parseDistFilename(name);
    if (!parsed.ok) continue;
    const kind = parsed.parsed.kind;
    if (kind === "sdist" ? !name.endsWith(".tar.gz") : !name.endsWith(".whl")) continue;
    try {
      const adopted = await adoptOne(kind, file, local, parsed.parsed.name, { ...o, listings });
      if (adopted) sha256.set(file, adopted);
    } catch (e) {
      o.log.warn(
        `could not compare ${name} with the index's copy (${(e as Error).message}): uploading it as built`,
      );
    }
  }
}

/** The sha256 of the index's bytes now in `file`, or undefined when it was left as built. */
async function adoptOne(
  kind: Kind,
  file: string,
  local: string,
  project: string,
  o: AdoptOptions & { listings: Map<string, Promise<Listing>> },
): Promise<string | undefined> {
  const name = basename(file);
  const upload = o.repositoryUrl ?? PYPI_UPLOAD_URL;
  const base = indexBaseFor(upload);
  // one attempt: this is an extra question before the check stage, not the upload's own probe
  // (which retries); an index that does not answer leaves the file as built
  const once = { ...backoffFromEnv(o.env), attempts: 1 };
  const auth = indexReadAuthorization(upload, base, o.env);
  let listed = o.listings.get(project);
  if (!listed) {
    listed = listProjectFiles(base, project, `whether ${project}'s files are already there`, once, auth);
    o.listings.set(project, listed);
  }
  const listing = await listed;
  if (listing.state !== "listed") return undefined;
  const there = listing.files.find((f) => f.filename === name);
  if (!there?.sha256 || !there.url || there.sha256 === local) return undefined;
  const max = Math.min(MAX_COPY_BYTES, statSync(file).size * 2 + (1 << 20));
  // one plain GET (getWithRetry buffers only what fits its 64 MiB answer limit); a private
  // index's file gets the upload's credentials once it refuses an anonymous read, as the
  // listing did, and only on the upload URL's origin
  const res = await getReadable(
    (headers) => fetch(there.url, { headers, signal: AbortSignal.timeout(120_000) }),
    { "User-Agent": USER_AGENT },
    indexReadAuthorization(upload, there.url, o.env),
  );
  if (!res.ok) throw new Error(`the index answered ${res.status} for ${there.url}`);
  const bytes = await readBodyLimited(res, `the index's copy of ${name}`, max);
  const sha = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  if (sha !== there.sha256)
    throw new Error(`the download's sha256 ${sha} is not the index's ${there.sha256}`);
  const copy = join(dirname(file), `.${name}.index-copy`);
  try {
    writeFileSync(copy, bytes);
    const diff = await firstDifference(kind, file, copy);
    const proven = diff ? await provenOwn(there, file, o) : undefined;
    if (typeof proven === "string") {
      o.log.warn(
        `${name}: the index has a different file under this name (sha256 ${there.sha256.slice(0, 12)}…), not a rebuild of this one (${diff} differs; ${proven})`,
      );
      return undefined;
    }
    renameSync(copy, file);
    if (proven)
      o.log.warn(
        `${name}: the index's file has other contents than this build (${diff} differs: another build tool or version?), but its PEP 740 provenance shows ${proven.identity} built it at commit ${proven.commit.slice(0, 12)}, this release's; using the index's bytes, the release's published file (sha256 ${there.sha256.slice(0, 12)}…)`,
      );
    else
      o.log.info(
        `${name}: the index has it from an earlier build of the same tree (the same files, other timestamps${kind === "wheel" ? " or compression" : ""}: sha256 ${there.sha256.slice(0, 12)}…); using the index's bytes, so what is checked, signed and attached is what the index has`,
      );
  } finally {
    rmSync(copy, { force: true });
  }
  return there.sha256;
}

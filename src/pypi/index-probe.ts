/**
 * "Is this exact file already on the index?" — the question that makes uploads exactly-once.
 * Reads the simple API (PEP 691 JSON, falling back to PEP 503 HTML's `#sha256=` fragments),
 * bypassing caches, like uv's --check-url (spec §1.6). Answers by filename + sha256, never by
 * filename alone.
 */
import { ShiplineError } from "../errors.ts";
import { type Backoff, getWithRetry } from "./http.ts";

export type Presence =
  | { state: "absent" }
  | { state: "present"; sha256: string | undefined }
  /** The index would not let us read its simple API (401/403): a private index. */
  | { state: "unreadable"; status: number };

export const normalizeProjectName = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, "-");

const SIMPLE_JSON = "application/vnd.pypi.simple.v1+json";

/** Indexes known to serve `simple/` and nothing else. */
const PYPI_INDEXES = new Set(["https://pypi.org", "https://test.pypi.org"]);

/** A project's file on the index: its name, sha256 (when the index gives one) and URL. */
export interface IndexFile {
  filename: string;
  sha256: string | undefined;
  url: string;
  /** PEP 740: the URL of its provenance (JSON `provenance`, HTML `data-provenance`), if any. */
  provenance?: string;
}

export type Listing =
  | { state: "absent" }
  | { state: "listed"; files: IndexFile[] }
  | { state: "unreadable"; status: number };

/**
 * `send(headers)` once anonymously, and again with `authorization` (when given) if the index
 * refuses that (401/403): the credentials go only to an index that asks for them.
 */
export async function getReadable(
  send: (headers: Record<string, string>) => Promise<Response>,
  headers: Record<string, string>,
  authorization?: () => Promise<string>,
): Promise<Response> {
  const res = await send(headers);
  if ((res.status !== 401 && res.status !== 403) || !authorization) return res;
  await res.body?.cancel();
  return send({ ...headers, Authorization: await authorization() });
}

/** getReadable through getWithRetry (answers buffered up to its limit, retried on 5xx). */
export const getReadableWithRetry = (
  url: string,
  headers: Record<string, string>,
  backoff: Backoff,
  authorization?: () => Promise<string>,
): Promise<Response> =>
  getReadable((h) => getWithRetry(url, { headers: h }, backoff), headers, authorization);

/**
 * `authorization` is asked for only when the index refuses an anonymous read (401/403), and
 * only given by the caller for an index on the upload URL's own origin: private indexes
 * (GitLab, Artifactory, CodeArtifact) read with the upload credentials, as pip and twine do.
 * `what` names the question in errors ("whether x.whl is already there").
 */
export async function listProjectFiles(
  indexBase: string,
  project: string,
  what: string,
  backoff: Backoff,
  authorization?: () => Promise<string>,
): Promise<Listing> {
  let url = `${indexBase}/simple/${normalizeProjectName(project)}/`;
  let res: Response;
  const headers: Record<string, string> = {
    Accept: `${SIMPLE_JSON}, text/html;q=0.1`,
    "Cache-Control": "no-cache",
    Pragma: "no-cache",
  };
  try {
    res = await getReadableWithRetry(url, headers, backoff, authorization);
    // devpi takes uploads at its index URL and serves that index's simple pages under
    // `+simple/`: a project absent from `simple/` is looked for there before it counts as absent
    // (warehouse, GitLab, Artifactory, Nexus and CodeArtifact all serve `simple/`)
    if (res.status === 404 && !PYPI_INDEXES.has(indexBase)) {
      const devpi = `${indexBase}/+simple/${normalizeProjectName(project)}/`;
      const alt = await getReadableWithRetry(devpi, headers, backoff, authorization);
      if (alt.status !== 404) {
        await res.body?.cancel();
        [url, res] = [devpi, alt];
      } else await alt.body?.cancel();
    }
  } catch (e) {
    throw new ShiplineError(
      `cannot read the index at ${url} to check ${what}: ${(e as Error).message}`,
      "check the network and --repository-url; nothing was uploaded",
    );
  }
  const body = await res.text();
  if (res.status === 404) return { state: "absent" };
  if (res.status === 401 || res.status === 403) return { state: "unreadable", status: res.status };
  if (!res.ok)
    throw new ShiplineError(
      `the index answered ${res.status} for ${url} while checking ${what}`,
      "retry later (`shipline resume` continues where this stopped)",
    );
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    let files: { filename?: string; url?: string; hashes?: { sha256?: string }; provenance?: unknown }[] = [];
    try {
      files = (JSON.parse(body) as { files?: typeof files }).files ?? [];
    } catch {
      throw new ShiplineError(`the index at ${url} returned invalid JSON`);
    }
    return {
      state: "listed",
      files: files
        .filter((f) => typeof f.filename === "string")
        .map((f) => ({
          filename: f.filename!,
          sha256: f.hashes?.sha256?.toLowerCase(),
          url: resolveUrl(f.url ?? f.filename!, url),
          ...(typeof f.provenance === "string" && { provenance: resolveUrl(f.provenance, url) }),
        })),
    };
  }
  // PEP 503: <a href="…/file.whl#sha256=…">file.whl</a>
  const out: IndexFile[] = [];
  for (const m of body.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/gi)) {
    const href = m[1]!;
    const name = decodeURIComponent((href.split("#")[0] ?? "").split("/").pop() ?? "");
    const sha256 = /#sha256=([0-9a-f]{64})/i.exec(href)?.[1]?.toLowerCase();
    const fileUrl = resolveUrl(href.split("#")[0] ?? "", url);
    const prov = /\sdata-provenance="([^"]*)"/i.exec(m[0])?.[1];
    const extra = prov ? { provenance: resolveUrl(prov, url) } : {};
    out.push({ filename: name || m[2]!.trim(), sha256, url: fileUrl, ...extra });
    if (name && m[2]!.trim() && m[2]!.trim() !== name)
      out.push({ filename: m[2]!.trim(), sha256, url: fileUrl, ...extra });
  }
  return { state: "listed", files: out };
}

/** A file's URL as the page gives it (PEP 503/691 allow relative ones), made absolute. */
function resolveUrl(href: string, page: string): string {
  try {
    return new URL(href.replace(/&amp;/g, "&"), page).href;
  } catch {
    return "";
  }
}

export async function probeFile(
  indexBase: string,
  project: string,
  filename: string,
  backoff: Backoff,
  authorization?: () => Promise<string>,
): Promise<Presence> {
  const listing = await listProjectFiles(
    indexBase,
    project,
    `whether ${filename} is already there`,
    backoff,
    authorization,
  );
  if (listing.state !== "listed") return listing;
  const f = listing.files.find((x) => x.filename === filename);
  return f ? { state: "present", sha256: f.sha256 } : { state: "absent" };
}

/**
 * PyPI stand-in on 127.0.0.1: warehouse's legacy upload API (validation order, statuses and
 * exact texts from spec/pypi-publish.md §1.4, errors in the reason phrase AND the body), the
 * duplicate-file rule, the JSON API, the simple index (PEP 503 HTML + PEP 691 JSON), Trusted
 * Publishing (`/_/oidc/audience`, `/_/oidc/mint-token`, checking JWTs from tests/servers/oidc.ts)
 * and PEP 740 attestations + the provenance endpoint. Faults per request via `faults`.
 * Proven honest by real twine and pip in tests/pypi/honesty.test.ts.
 *
 *   const pypi = await startPypi();            // pypi.uploadUrl, pypi.simpleUrl, pypi.token
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// PyPI validates against the trove-classifiers package; this is the same list, as data
import TROVE_DATA from "../../src/dist/trove-classifiers.json" with { type: "json" };
import { Faults } from "./faults.ts";
import { REASON_HEADER, serveFetch } from "./http-adapter.ts";
import { MultipartError, type Part, parseMultipartStream } from "./multipart.ts";
import { canonicalName, canonicalVersion, normalizeVersion, parseVersion } from "./pep440.ts";

export interface TrustedPublisher {
  /** GitHub (default), GitLab or Buildkite — warehouse oidc/models/{github,gitlab,buildkite}.py. */
  kind?: "github" | "gitlab" | "buildkite";
  project: string;
  /** owner/name (GitLab: namespace/project; Buildkite: organization/pipeline), compared case-insensitively like PyPI. */
  repository: string;
  /** Workflow file name, e.g. "release.yml" (GitLab: the pipeline file path, ".gitlab-ci.yml"; Buildkite: unused). */
  workflow: string;
  environment?: string;
  repositoryOwnerId?: string;
  /**
   * A *pending* publisher (warehouse PendingOIDCPublisher): the first token it matches creates
   * the project (reify), after which it is an ordinary publisher. Refused, like PyPI, when the
   * project already exists.
   */
  pending?: boolean;
}

export interface PypiOptions {
  /** API tokens accepted as `__token__` passwords; `projects` scopes a token (absent: any). */
  tokens?: Record<string, { projects?: string[] }>;
  /** Per-file limit in bytes (PyPI default 100 MiB). */
  maxFileSize?: number;
  audience?: string;
  /** The OIDC issuer stand-in(s) whose ES256 keys sign the JWTs (each `iss` maps to a publisher kind). */
  oidc?: { publicKey: CryptoKey; issuer: string } | { publicKey: CryptoKey; issuer: string }[];
  publishers?: TrustedPublisher[];
  /** Lifetime of minted tokens in seconds (PyPI: 900). */
  tokenTtl?: number;
  /**
   * Client benchmarks only: serve with Bun.serve (node:http in Bun receives ~70 MB/s, Bun.serve
   * several GB/s) and take the digests from the form instead of hashing the bytes, so the
   * server costs nothing per byte and the clients' own cost is what gets measured. Loses the
   * custom reason phrase on errors (the JSON body still carries PyPI's text) — never use it in
   * honesty tests.
   */
  bench?: boolean;
  /** Expire every minted token after this many stored files (token expiry mid-publish). */
  expireTokensAfterUploads?: number;
  /** false: `/_/oidc/audience` answers 403 (Trusted Publishing disabled). */
  trustedPublishing?: boolean;
  /** PyPI's hourly limit on projects created by uploads (warehouse `project.create` ratelimits): 429 past it. */
  newProjectsPerHour?: number;
  /**
   * A private index (GitLab, Artifactory, devpi with ACLs): reads of /simple/ and /packages/
   * without an accepted API token answer 401 with a Basic challenge, as those do.
   */
  privateReads?: boolean;
}

export interface StoredFile {
  project: string;
  version: string;
  filename: string;
  packagetype: "sdist" | "bdist_wheel";
  pythonVersion: string;
  size: number;
  digests: { md5: string; sha256: string; blake2b_256: string };
  path: string;
  uploadTime: string;
  requiresPython: string;
  attestations?: unknown[];
  publisher?: TrustedPublisher;
}

interface Release {
  version: string;
  created: number;
  metadata: Record<string, string | string[]>;
}

interface Project {
  name: string;
  releases: Map<string, Release>;
  files: StoredFile[];
}

export interface PypiServer {
  url: string;
  uploadUrl: string;
  simpleUrl: string;
  /** A valid unscoped API token. */
  token: string;
  faults: Faults;
  /** Every upload POST that reached the handler, with the status it got. */
  uploads: { filename: string; status: number; message: string }[];
  /** Minted Trusted-Publishing tokens (for leak checks). */
  minted: string[];
  files(project?: string): StoredFile[];
  /** Pre-existing state: put a file on the index directly (e.g. a conflicting one). */
  seed(file: { project: string; version: string; filename: string; bytes: Uint8Array }): void;
  /** Expire every minted token now (token expiry mid-publish). */
  expireTokens(): void;
  stop(): Promise<void>;
}

const HELP = "https://pypi.org/help/";
const TROVE = TROVE_DATA as { classifiers: string[]; deprecated: Record<string, string[]> };
const TROVE_KNOWN = new Set(TROVE.classifiers);
/** `uploads[].message` of a 200 answered to an identical re-upload (nothing stored). */
export const IDENTICAL_DUPLICATE = "identical file already stored";
const META_HELP = "See https://packaging.python.org/specifications/core-metadata for more information.";
const SUPPORTED_METADATA = new Set(["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"]);
const SINGLE_FIELDS = new Set([
  ":action",
  "protocol_version",
  "filetype",
  "pyversion",
  "md5_digest",
  "sha256_digest",
  "blake2_256_digest",
  "metadata_version",
  "name",
  "version",
  "summary",
  "description",
  "description_content_type",
  "keywords",
  "home_page",
  "download_url",
  "author",
  "author_email",
  "maintainer",
  "maintainer_email",
  "license",
  "license_expression",
  "requires_python",
  "attestations",
  "comment",
]);
const MULTI_FIELDS = new Set([
  "classifiers",
  "platform",
  "supported_platform",
  "license_file",
  "requires_dist",
  "provides_dist",
  "obsoletes_dist",
  "requires_external",
  "provides_extra",
  "dynamic",
  "project_urls",
  "requires",
  "provides",
  "obsoletes",
  "import_name",
  "import_namespace",
]);
const NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const PHRASES: Record<number, [string, string]> = {
  400: [
    "Bad Request",
    "The server could not comply with the request since it is either malformed or otherwise incorrect.",
  ],
  403: ["Forbidden", "Access was denied to this resource."],
  410: ["Gone", "This resource is no longer available.  No forwarding address is given."],
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** warehouse `_exc_with_message`: the detail is the reason phrase and is in the body. */
/**
 * Warehouse's upload success: `return Response()` (pyramid/WebOb), which is an empty body
 * labelled `text/html; charset=UTF-8`; a client must not take that label for an error page.
 */
function uploadOk(): Response {
  return new Response("", { status: 200, headers: { "content-type": "text/html; charset=UTF-8" } });
}

function errorResponse(req: Request, status: number, detail: string): Response {
  const [title, generic] = PHRASES[status] ?? ["Error", ""];
  const json = (req.headers.get("accept") ?? "").includes("application/json");
  const headers = { [REASON_HEADER]: detail };
  if (json)
    return Response.json(
      { message: `${generic}\n\n${detail}`, code: `${status} ${detail}`, title },
      { status, headers },
    );
  const html = `<html>\n <head>\n  <title>${status} ${detail}</title>\n </head>\n <body>\n  <h1>${status} ${detail}</h1>\n  ${generic}<br/><br/>\n${detail}\n\n\n </body>\n</html>`;
  return new Response(html, { status, headers: { ...headers, "content-type": "text/html; charset=UTF-8" } });
}

const hex = (algo: "md5" | "sha256" | "blake2b256", data: Uint8Array) =>
  new Bun.CryptoHasher(algo).update(data).digest("hex");

function shorten(v: string): string {
  return v.length > 60 ? `${v.slice(0, 30)}...${v.slice(-30)}` : v;
}

function verifyEs256(publicKey: CryptoKey, token: string): Promise<boolean> {
  const [h, b, s] = token.split(".");
  if (!h || !b || !s) return Promise.resolve(false);
  return crypto.subtle
    .verify(
      { name: "ECDSA", hash: "SHA-256" },
      publicKey,
      Buffer.from(s, "base64url"),
      new TextEncoder().encode(`${h}.${b}`),
    )
    .catch(() => false);
}

function benchServer(handler: (req: Request) => Promise<Response> | Response) {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, maxRequestBodySize: 4 * 1024 ** 3, fetch: handler });
  return { port: s.port as number, stop: async () => void s.stop(true) };
}

export async function startPypi(opts: PypiOptions = {}): Promise<PypiServer> {
  const dir = mkdtempSync(join(tmpdir(), "pypi-standin-"));
  const token = `pypi-AgEIcHlwaS5vcmc${crypto.randomUUID().replace(/-/g, "")}`;
  const tokens = new Map<string, { projects?: string[] }>(Object.entries(opts.tokens ?? { [token]: {} }));
  const maxFileSize = opts.maxFileSize ?? 100 * 1024 * 1024;
  const audience = opts.audience ?? "pypi";
  const ttl = opts.tokenTtl ?? 900;
  const projects = new Map<string, Project>();
  const minted = new Map<string, { expires: number; publisher: TrustedPublisher }>();
  const usedJti = new Set<string>();
  const uploads: PypiServer["uploads"] = [];
  let projectsCreated = 0;
  const faults = new Faults();
  let base = "";
  let stored = 0;

  type Identity = { kind: "token"; projects?: string[] } | { kind: "tp"; publisher: TrustedPublisher };

  function authenticate(req: Request): Identity {
    const auth = req.headers.get("authorization") ?? "";
    const m = /^Basic\s+(.+)$/i.exec(auth);
    if (!m)
      throw new HttpError(
        403,
        `Invalid or non-existent authentication information. See ${HELP}#invalid-auth for more information.`,
      );
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    if (user !== "__token__")
      throw new HttpError(
        403,
        "Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead. See https://pypi.org/help/#apitoken and https://pypi.org/help/#trusted-publishers",
      );
    const t = tokens.get(password);
    if (t) return { kind: "token", projects: t.projects };
    const tp = minted.get(password);
    if (tp) {
      if (tp.expires <= Date.now() / 1000) throw new HttpError(403, "Invalid API Token: token is expired");
      return { kind: "tp", publisher: tp.publisher };
    }
    throw new HttpError(
      403,
      `Invalid or non-existent authentication information. See ${HELP}#invalid-auth for more information.`,
    );
  }

  async function upload(req: Request, seen: { filename: string; duplicate?: boolean }): Promise<Response> {
    let form: (Part & { size: number })[];
    const hashers = opts.bench
      ? undefined
      : ([
          new Bun.CryptoHasher("md5"),
          new Bun.CryptoHasher("sha256"),
          new Bun.CryptoHasher("blake2b256"),
        ] as const);
    const fileChunks: Buffer[] = [];
    let firstContent: Part | undefined;
    try {
      // A client that dies mid-body makes this throw: the adapter drops the connection, nothing stored.
      // Streamed: holding a 500 MiB body whole costs seconds (Request.arrayBuffer() alone took
      // 7.7 s in Bun 1.4 here), which would swamp the client a benchmark measures.
      form = await parseMultipartStream(
        req.body ?? new Response("").body!,
        req.headers.get("content-type") ?? "",
        (part, chunk) => {
          if (part.name !== "content") return;
          firstContent ??= part;
          if (part !== firstContent) return;
          if (hashers) for (const h of hashers) h.update(chunk);
          if (!opts.bench) fileChunks.push(Buffer.from(chunk));
        },
      );
    } catch (e) {
      if (!(e instanceof MultipartError)) throw e;
      // warehouse's catch-all renders the upload page for a body it cannot route (spec §1.1).
      return new Response("<!DOCTYPE html>\n<html><body>upload page</body></html>", {
        headers: { "content-type": "text/html" },
      });
    }
    const fields: Record<string, string> = {};
    const lists: Record<string, string[]> = {};
    let content: (Part & { size: number }) | undefined;
    // 1. sanitize
    for (const part of form) {
      const key = part.name;
      if (key === "content") {
        if (part.filename !== undefined) content ??= part;
        continue;
      }
      if (part.filename !== undefined) throw new HttpError(400, `${key}: Should not be a tuple.`);
      const v = part.data.toString("utf8").replace(/\0/g, "\\x00");
      if (MULTI_FIELDS.has(key)) {
        if (v.trim() && v.trim() !== "UNKNOWN") lists[key] = [...(lists[key] ?? []), v];
      } else if (SINGLE_FIELDS.has(key)) {
        if (key in fields) throw new HttpError(400, `'${key}' has invalid data`);
        if (v !== "" && v.trim() !== "UNKNOWN") fields[key] = v;
      }
    }
    const action = fields[":action"] ?? new URL(req.url).searchParams.get(":action");
    if (action === "submit" || action === "submit_pkg_info")
      throw new HttpError(
        410,
        "Project pre-registration is no longer required or supported, upload your files instead.",
      );
    if (action === "doc_upload")
      throw new HttpError(
        410,
        "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/.",
      );
    if (action !== "file_upload")
      return new Response("<!DOCTYPE html>\n<html><body>upload page</body></html>", {
        headers: { "content-type": "text/html" },
      });
    const identity = authenticate(req);
    // 2. protocol + form
    if ((fields.protocol_version ?? "1") !== "1") throw new HttpError(400, "Unknown protocol version.");
    if (!content) throw new HttpError(400, "Upload payload does not have a file.");
    seen.filename = content.filename ?? "";
    const filetype = fields.filetype;
    if (!filetype) throw new HttpError(400, "Invalid value for filetype. Error: This field is required.");
    if (filetype !== "sdist" && filetype !== "bdist_wheel")
      throw new HttpError(400, "Invalid value for filetype. Error: Use a known file type.");
    if (filetype === "bdist_wheel" && !fields.pyversion)
      throw new HttpError(
        400,
        "Invalid value for pyversion. Error: Python version is required for binary distribution uploads.",
      );
    if (filetype === "sdist" && fields.pyversion && fields.pyversion !== "source")
      throw new HttpError(
        400,
        "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist.",
      );
    for (const [k, what] of [
      ["sha256_digest", "SHA256"],
      ["blake2_256_digest", "BLAKE2"],
    ] as const)
      if (fields[k] !== undefined && !/^[A-F0-9]{64}$/i.test(fields[k]!))
        throw new HttpError(
          400,
          `Invalid value for ${k}. Error: Use a valid, hex-encoded, ${what} message digest.`,
        );
    if (!fields.md5_digest && !fields.sha256_digest && !fields.blake2_256_digest)
      throw new HttpError(400, "Error: Include at least one message digest.");
    // 3. metadata
    const mv = fields.metadata_version ?? "";
    if (!SUPPORTED_METADATA.has(mv))
      throw new HttpError(400, `'${mv}' is not a valid metadata version ${META_HELP}`);
    const name = fields.name ?? "";
    if (!NAME_RE.test(name))
      throw new HttpError(
        400,
        `'${shorten(name)}' is an invalid value for Name. Error: ${name ? "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'." : "This field is required."} ${META_HELP}`,
      );
    const rawVersion = fields.version ?? "";
    const pv = parseVersion(rawVersion);
    if (!pv)
      throw new HttpError(
        400,
        `'${shorten(rawVersion)}' is an invalid value for Version. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. ${META_HELP}`,
      );
    if (pv.local)
      throw new HttpError(
        400,
        `The use of local versions in '${rawVersion}' is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.`,
      );
    if (fields.summary && fields.summary.length > 512)
      throw new HttpError(400, `'summary' field must be 512 characters or less. ${META_HELP}`);
    if (fields.summary?.includes("\n"))
      throw new HttpError(400, `'summary' must be a single line. ${META_HELP}`);
    if (fields.license && fields.license_expression)
      throw new HttpError(
        400,
        `License is deprecated when License-Expression is present. Only License-Expression should be present. ${META_HELP}`,
      );
    // warehouse: every classifier from the trove-classifiers list, none deprecated
    for (const c of lists.classifiers ?? []) {
      const instead = TROVE.deprecated[c];
      if (instead)
        throw new HttpError(
          400,
          `The classifier '${c}' has been deprecated${instead.length ? `, use one of [${instead.map((x) => `'${x}'`).join(", ")}] instead` : ""}. ${META_HELP}`,
        );
      if (!TROVE_KNOWN.has(c)) throw new HttpError(400, `'${c}' is not a valid classifier. ${META_HELP}`);
    }
    const labels = new Set<string>();
    for (const pu of lists.project_urls ?? []) {
      const label = pu.split(",")[0]!.trim();
      if (labels.has(label)) throw new HttpError(400, "'project_urls' has invalid data");
      labels.add(label);
    }
    // 4-5. project and permission
    const key = canonicalName(name);
    let project = projects.get(key);
    if (!project && identity.kind === "tp")
      throw new HttpError(
        400,
        "Non-user identities cannot create new projects. This was probably caused by successfully using a pending publisher but specifying the project name incorrectly (either in the publisher or in your project's metadata). Please ensure that both match. See: https://docs.pypi.org/trusted-publishers/troubleshooting/",
      );
    if (!project && opts.newProjectsPerHour !== undefined && projectsCreated >= opts.newProjectsPerHour)
      throw new HttpError(429, "Too many new projects created");
    if (identity.kind === "token" && identity.projects && !identity.projects.map(canonicalName).includes(key))
      throw new HttpError(403, `Invalid API Token: project-scoped token is not valid for project: '${key}'`);
    if (identity.kind === "tp" && canonicalName(identity.publisher.project) !== key)
      throw new HttpError(
        403,
        `The given token isn't allowed to upload to project '${project!.name}'. See ${HELP}#project-name for more information.`,
      );
    // 7. filename
    const filename = content.filename ?? "";
    if (/[\x00-\x1f\x7f]/.test(filename))
      throw new HttpError(
        400,
        "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.",
      );
    if (/[/\\]/.test(filename))
      throw new HttpError(400, "Cannot upload a file with '/' or '\\' in the name.");
    const ext = filename.endsWith(".tar.gz")
      ? ".tar.gz"
      : filename.endsWith(".zip")
        ? ".zip"
        : filename.endsWith(".whl")
          ? ".whl"
          : "";
    if (!ext)
      throw new HttpError(
        400,
        "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information",
      );
    if ((filetype === "sdist") !== (ext !== ".whl"))
      throw new HttpError(
        400,
        `Invalid file extension: Extension ${ext} is invalid for filetype ${filetype}. See https://www.python.org/dev/peps/pep-0527 for more information.`,
      );
    if (!content.type || content.type.startsWith("image/"))
      throw new HttpError(400, "Invalid distribution file.");
    // 8. size
    if (content.size > maxFileSize)
      throw new HttpError(
        400,
        `File too large. Limit for project '${project?.name ?? name}' is ${Math.floor(maxFileSize / 1024 / 1024)} MB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for more information.`,
      );
    // 9. digests
    const bytes = Buffer.concat(fileChunks);
    const digests = !hashers
      ? {
          md5: fields.md5_digest ?? "",
          sha256: fields.sha256_digest?.toLowerCase() ?? "",
          blake2b_256: fields.blake2_256_digest?.toLowerCase() ?? "",
        }
      : {
          md5: hashers[0].digest("hex"),
          sha256: hashers[1].digest("hex"),
          blake2b_256: hashers[2].digest("hex"),
        };
    if (
      (fields.md5_digest && fields.md5_digest.toLowerCase() !== digests.md5) ||
      (fields.sha256_digest && fields.sha256_digest.toLowerCase() !== digests.sha256) ||
      (fields.blake2_256_digest && fields.blake2_256_digest.toLowerCase() !== digests.blake2b_256)
    )
      throw new HttpError(
        400,
        "The digest supplied does not match a digest calculated from the uploaded file.",
      );
    // 10. duplicates: same filename OR same blake2 anywhere on the index
    for (const p of projects.values())
      for (const f of p.files)
        if (f.filename === filename || f.digests.blake2b_256 === digests.blake2b_256) {
          if (
            f.filename === filename &&
            f.digests.sha256 === digests.sha256 &&
            f.digests.blake2b_256 === digests.blake2b_256
          ) {
            // Warehouse answers an identical re-upload with 200 and stores nothing.
            seen.duplicate = true;
            return uploadOk();
          }
          throw new HttpError(
            400,
            `File already exists ('${filename}', with blake2_256 hash '${digests.blake2b_256}'). See ${HELP}#file-name-reuse for more information.`,
          );
        }
    const normVersion = normalizeVersion(rawVersion)!;
    const releaseKey = canonicalVersion(rawVersion);
    const release = project?.releases.get(releaseKey);
    // 12-13
    if (release && Date.now() - release.created > 14 * 86400_000)
      throw new HttpError(400, "Uploading new files to releases older than 14 days is not allowed.");
    if (
      filetype === "sdist" &&
      project?.files.some((f) => f.version === releaseKey && f.packagetype === "sdist")
    )
      throw new HttpError(400, "Only one sdist may be uploaded per release.");
    // 15-16 filenames
    const normalizedFileName = key.replace(/-/g, "_");
    if (filetype === "sdist") {
      const expected = `${normalizedFileName}-${normVersion}.tar.gz`;
      if (
        !filename
          .toLowerCase()
          .replace(/[-_.]+/g, "_")
          .startsWith(`${normalizedFileName}_`)
      )
        throw new HttpError(400, `Start filename for '${name}' with '${normalizedFileName}'.`);
      if (filename !== expected)
        throw new HttpError(400, `Filename '${filename}' is invalid, should be '${expected}'.`);
    } else {
      const parts = filename.slice(0, -4).split("-");
      if (parts.length !== 5 && parts.length !== 6)
        throw new HttpError(
          400,
          `Invalid wheel filename (wrong number of parts): '${filename.slice(0, -4)}'`,
        );
      const plat = parts[parts.length - 1]!;
      for (const tag of plat.split("."))
        if (
          !/^(any|win.*|(many|musl)linux_.*|macosx_.*|ios_.*|android_.*|pyemscripten_.*|linux_armv[67]l)$/.test(
            tag,
          )
        )
          throw new HttpError(400, `Binary wheel '${filename}' has an unsupported platform tag '${tag}'.`);
      if (canonicalName(parts[0]!) !== key)
        throw new HttpError(400, `Start filename for '${name}' with '${normalizedFileName}'.`);
      if (parts[0] !== normalizedFileName)
        throw new HttpError(
          400,
          `Filename '${filename}' should contain the normalized project name '${normalizedFileName}', not '${parts[0]}'.`,
        );
      if (normalizeVersion(parts[1]!) !== normVersion)
        throw new HttpError(400, `Version in filename should be '${normVersion}' not '${parts[1]}'.`);
    }
    // 17. attestations
    let attestations: unknown[] | undefined;
    if (fields.attestations !== undefined) {
      const bad = (r: string) => new HttpError(400, `Invalid attestations supplied during upload: ${r}`);
      if (identity.kind !== "tp") throw bad("Attestations are only supported when using Trusted Publishing");
      if (identity.publisher.kind === "buildkite")
        throw bad("Attestations are not currently supported with Buildkite publishers");
      let parsed: unknown;
      try {
        parsed = JSON.parse(fields.attestations);
      } catch (e) {
        throw bad(`Malformed attestations: ${(e as Error).message}`);
      }
      if (!Array.isArray(parsed)) throw bad("Malformed attestations: Input should be a valid list");
      if (parsed.length === 0) throw bad("Malformed attestations: an empty attestation set is not permitted");
      if (parsed.length > 2) throw bad("A maximum of 2 attestations per file are supported");
      for (const a of parsed as { version?: number; envelope?: { statement?: string } }[]) {
        if (a?.version !== 1 || typeof a.envelope?.statement !== "string")
          throw bad("Malformed attestations: 1 validation error for Attestation");
        let st: { subject?: { name?: string; digest?: { sha256?: string } }[]; predicateType?: string };
        try {
          st = JSON.parse(Buffer.from(a.envelope.statement, "base64").toString("utf8"));
        } catch {
          throw bad(
            "Could not verify the uploaded artifact using the included attestation: Verification failed: invalid statement",
          );
        }
        if (st.subject?.length !== 1)
          throw bad(
            "Could not verify the uploaded artifact using the included attestation: Verification failed: too many subjects in statement (must be exactly one)",
          );
        if (st.subject[0]?.name !== filename)
          throw bad(
            `Could not verify the uploaded artifact using the included attestation: Verification failed: subject does not match distribution name: ${st.subject[0]?.name} != ${filename}`,
          );
        if (st.subject[0]?.digest?.sha256 !== digests.sha256)
          throw bad(
            "Could not verify the uploaded artifact using the included attestation: Verification failed: subject does not match distribution digest",
          );
        if (
          st.predicateType !== "https://docs.pypi.org/attestations/publish/v1" &&
          st.predicateType !== "https://slsa.dev/provenance/v1"
        )
          throw bad(`Attestation with unsupported predicate type: ${st.predicateType}`);
      }
      attestations = parsed;
    }
    // 18. store
    if (!project) {
      project = { name, releases: new Map(), files: [] };
      projects.set(key, project);
      projectsCreated++;
    }
    project.name = name;
    if (!release)
      project.releases.set(releaseKey, {
        version: normVersion,
        created: Date.now(),
        metadata: { ...fields, ...lists },
      });
    const path = join(dir, filename);
    if (!opts.bench) writeFileSync(path, bytes);
    project.files.push({
      project: key,
      version: releaseKey,
      filename,
      packagetype: filetype,
      pythonVersion: fields.pyversion ?? "source",
      size: content.size,
      digests,
      path,
      uploadTime: new Date().toISOString(),
      requiresPython: fields.requires_python ?? "",
      attestations,
      publisher: identity.kind === "tp" ? identity.publisher : undefined,
    });
    stored++;
    if (opts.expireTokensAfterUploads !== undefined && stored >= opts.expireTokensAfterUploads)
      for (const t of minted.values()) t.expires = 0;
    return uploadOk();
  }

  /** warehouse oidc/models/github.py: the publisher, or why none matches. */
  function githubPublisher(claims: Record<string, unknown>): TrustedPublisher | string {
    const repository = String(claims.repository ?? "");
    const jwr = typeof claims.job_workflow_ref === "string" ? claims.job_workflow_ref : "";
    const workflowFile = /\/\.github\/workflows\/([^@/]+)@/.exec(jwr)?.[1];
    if (!workflowFile) return "Could not job extract workflow filename from OIDC claims";
    const candidates = (opts.publishers ?? []).filter(
      (p) =>
        (p.kind ?? "github") === "github" &&
        p.repository.toLowerCase() === repository.toLowerCase() &&
        p.workflow === workflowFile,
    );
    const publisher = forEnvironment(candidates, claims.environment);
    if (!publisher)
      return candidates.length
        ? "Check failed for optional claim 'environment'"
        : "Publisher with matching claims was not found";
    if (publisher.repositoryOwnerId && publisher.repositoryOwnerId !== claims.repository_owner_id)
      return "Check failed for required claim 'repository_owner_id'";
    if (claims.event_name === "pull_request_target")
      return "Publishing from a workflow invoked via 'pull_request_target' is not supported.";
    if (!claims.ref && !claims.sha) return "The ref and sha claims are empty";
    const prefix = `${repository}/.github/workflows/${workflowFile}`;
    const allowed = [`${prefix}@${claims.ref}`, `${prefix}@${claims.sha}`];
    if (!allowed.includes(jwr))
      return `The job_workflow_ref claim does not match, expecting one of ${JSON.stringify(allowed)}, got '${jwr}'`;
    return publisher;
  }

  /** warehouse oidc/models/gitlab.py (gitlab.com only): project_path + the pipeline file in ci_config_ref_uri. */
  function gitlabPublisher(claims: Record<string, unknown>): TrustedPublisher | string {
    const path = String(claims.project_path ?? "");
    const uri = String(claims.ci_config_ref_uri ?? "");
    const file = /(?<=\/\/)(.+[^/]\.(yml|yaml))(?=@)/.exec(uri)?.[0];
    if (!file) return "Could not extract workflow filename from OIDC claims";
    const candidates = (opts.publishers ?? []).filter(
      (p) => p.kind === "gitlab" && p.repository.toLowerCase() === path.toLowerCase() && p.workflow === file,
    );
    const publisher = forEnvironment(candidates, claims.environment);
    if (!publisher) return "Publisher with matching claims was not found";
    if (!claims.ref_path || !claims.sha) return "The ref_path and sha claims are empty";
    const base = `gitlab.com/${publisher.repository}//${file}`;
    const expected = [`${base}@${claims.ref_path}`, `${base}@${claims.sha}`];
    if (!expected.includes(uri))
      return `The ci_config_ref_uri claim does not match, expecting one of ${JSON.stringify(expected.sort())}, got '${uri}'`;
    if (
      !String(claims.sub ?? "")
        .toLowerCase()
        .startsWith(`project_path:${path.toLowerCase()}`)
    )
      return "Check failed for required claim 'sub'";
    return publisher;
  }

  /** warehouse oidc/models/buildkite.py: organization_slug + pipeline_slug. */
  function buildkitePublisher(claims: Record<string, unknown>): TrustedPublisher | string {
    const slug = `${claims.organization_slug}/${claims.pipeline_slug}`;
    const publisher = (opts.publishers ?? []).find((p) => p.kind === "buildkite" && p.repository === slug);
    if (!publisher) return "Publisher with matching claims was not found";
    const prefix = `organization:${claims.organization_slug}:pipeline:${claims.pipeline_slug}:`;
    if (!String(claims.sub ?? "").startsWith(prefix)) return "Check failed for required claim 'sub'";
    return publisher;
  }

  /** The most specific publisher: one naming this environment, else one naming none. */
  function forEnvironment(
    candidates: TrustedPublisher[],
    environment: unknown,
  ): TrustedPublisher | undefined {
    const env = typeof environment === "string" ? environment.toLowerCase() : undefined;
    return (
      candidates.find((p) => p.environment && p.environment.toLowerCase() === env) ??
      candidates.find((p) => !p.environment)
    );
  }

  async function mintToken(req: Request): Promise<Response> {
    const fail = (code: string, description: string) =>
      Response.json({ message: "Token request failed", errors: [{ code, description }] }, { status: 422 });
    let body: { token?: unknown };
    try {
      body = JSON.parse(await req.text());
    } catch {
      return fail("invalid-payload", "1 validation error for TokenPayload\n  Invalid JSON");
    }
    if (typeof body?.token !== "string")
      return fail("invalid-payload", "1 validation error for TokenPayload\ntoken\n  Field required");
    const jwt = body.token;
    const parts = jwt.split(".");
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
    } catch {
      return fail("invalid-payload", "malformed JWT");
    }
    if (parts.length !== 3) return fail("invalid-payload", "malformed JWT");
    const issuer = [opts.oidc ?? []].flat().find((o) => o.issuer === claims.iss);
    if (!issuer) return fail("invalid-payload", "unknown trusted publishing issuer");
    const now = Date.now() / 1000;
    const leeway = 30;
    if (
      !(await verifyEs256(issuer.publicKey, jwt)) ||
      typeof claims.exp !== "number" ||
      claims.exp + leeway < now ||
      typeof claims.iat !== "number" ||
      (typeof claims.nbf === "number" && claims.nbf - leeway > now) ||
      claims.aud !== audience
    )
      return fail("invalid-token", "malformed or invalid token");
    const jti = String(claims.jti ?? "");
    if (usedJti.has(jti)) return fail("invalid-reuse-token", "invalid token: already used");
    const match =
      claims.iss === "https://gitlab.com"
        ? gitlabPublisher
        : claims.iss === "https://agent.buildkite.com"
          ? buildkitePublisher
          : githubPublisher;
    const publisher = match(claims);
    if (typeof publisher === "string")
      return fail("invalid-publisher", `valid token, but no corresponding publisher (${publisher})`);
    if (publisher.pending) {
      const key = canonicalName(publisher.project);
      if (projects.has(key))
        return fail("invalid-pending-publisher", "valid token, but project already exists");
      projects.set(key, { name: publisher.project, releases: new Map(), files: [] });
      publisher.pending = false;
    }
    usedJti.add(jti);
    const value = `pypi-${Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url")}`;
    const expires = Math.floor(now) + ttl;
    minted.set(value, { expires, publisher });
    return Response.json({ success: true, token: value, expires });
  }

  function fileUrl(f: StoredFile): string {
    return `${base}/packages/${f.project}/${f.filename}`;
  }

  function provenanceUrl(f: StoredFile): string | null {
    return f.attestations ? `${base}/integrity/${f.project}/${f.version}/${f.filename}/provenance` : null;
  }

  function jsonFile(f: StoredFile) {
    return {
      filename: f.filename,
      packagetype: f.packagetype,
      python_version: f.pythonVersion,
      size: f.size,
      digests: f.digests,
      md5_digest: f.digests.md5,
      url: fileUrl(f),
      upload_time_iso_8601: f.uploadTime,
      requires_python: f.requiresPython || null,
      yanked: false,
    };
  }

  function jsonApi(p: Project, version?: string): Response {
    const versions = [...p.releases.values()];
    const release = version ? p.releases.get(canonicalVersion(version)) : versions[versions.length - 1];
    if (!release) return Response.json({ message: "Not Found" }, { status: 404 });
    const m = release.metadata;
    const info = {
      name: p.name,
      version: release.version,
      summary: m.summary ?? null,
      requires_python: m.requires_python ?? null,
      classifiers: m.classifiers ?? [],
      requires_dist: m.requires_dist ?? null,
    };
    const urls = p.files.filter((f) => f.version === canonicalVersion(release.version)).map(jsonFile);
    const body: Record<string, unknown> = { info, urls, last_serial: p.files.length, vulnerabilities: [] };
    if (!version) {
      const releases: Record<string, unknown[]> = {};
      for (const r of versions)
        releases[r.version] = p.files.filter((f) => f.version === canonicalVersion(r.version)).map(jsonFile);
      body.releases = releases;
    }
    return Response.json(body, { headers: { "cache-control": "max-age=900, public" } });
  }

  function simple(req: Request, p: Project | undefined): Response {
    const accept = req.headers.get("accept") ?? "";
    const wantsJson = accept.includes("application/vnd.pypi.simple.v1+json");
    if (!p) return new Response("Not Found", { status: 404 });
    if (wantsJson)
      return new Response(
        JSON.stringify({
          meta: { "api-version": "1.4", "_last-serial": p.files.length },
          name: canonicalName(p.name),
          versions: [...p.releases.values()].map((r) => r.version),
          files: p.files.map((f) => ({
            filename: f.filename,
            url: fileUrl(f),
            hashes: { sha256: f.digests.sha256 },
            "requires-python": f.requiresPython || null,
            size: f.size,
            "upload-time": f.uploadTime,
            yanked: false,
            "data-dist-info-metadata": false,
            "core-metadata": false,
            provenance: provenanceUrl(f),
          })),
        }),
        {
          headers: {
            "content-type": "application/vnd.pypi.simple.v1+json",
            "cache-control": "max-age=600, public",
          },
        },
      );
    const links = p.files
      .map((f) => {
        const rp = f.requiresPython ? ` data-requires-python="${Bun.escapeHTML(f.requiresPython)}"` : "";
        return `    <a href="${fileUrl(f)}#sha256=${f.digests.sha256}"${rp}>${f.filename}</a><br />`;
      })
      .join("\n");
    return new Response(
      `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.4">\n    <title>Links for ${canonicalName(p.name)}</title>\n  </head>\n  <body>\n    <h1>Links for ${canonicalName(p.name)}</h1>\n${links}\n  </body>\n</html>\n`,
      { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "max-age=600, public" } },
    );
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === "/legacy" && req.method === "POST")
      return new Response("", {
        status: 308,
        headers: {
          location: "/legacy/",
          [REASON_HEADER]:
            "An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)",
        },
      });
    if (path === "/legacy/") {
      if (req.method !== "POST")
        return new Response("upload page", { headers: { "content-type": "text/html" } });
      const seen: { filename: string; duplicate?: boolean } = { filename: "" };
      try {
        const res = await upload(req, seen);
        uploads.push({
          filename: seen.filename,
          status: res.status,
          message: seen.duplicate ? IDENTICAL_DUPLICATE : "",
        });
        return res;
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        uploads.push({ filename: seen.filename, status: e.status, message: e.message });
        return errorResponse(req, e.status, e.message);
      }
    }
    if (path === "/_/oidc/audience") {
      if (opts.trustedPublishing === false)
        return Response.json({ message: "Trusted publishing functionality not enabled" }, { status: 403 });
      return Response.json({ audience });
    }
    if (path === "/_/oidc/mint-token" || path === "/_/oidc/github/mint-token") {
      if (req.method !== "POST") return new Response("Method Not Allowed", { status: 405 });
      if (opts.trustedPublishing === false)
        return Response.json(
          {
            message: "Token request failed",
            errors: [
              { code: "not-enabled", description: "GitHub trusted publishing functionality not enabled" },
            ],
          },
          { status: 422 },
        );
      return mintToken(req);
    }
    if (req.method === "POST") return new Response("Method Not Allowed", { status: 405 });
    if (opts.privateReads && /^\/(simple|packages)(\/|$)/.test(path)) {
      let who: Identity | undefined;
      try {
        who = authenticate(req);
      } catch {
        who = undefined;
      }
      if (who?.kind !== "token")
        return new Response("Unauthorized", {
          status: 401,
          headers: { "www-authenticate": 'Basic realm="private index"' },
        });
    }
    let m = /^\/pypi\/([^/]+)\/(?:([^/]+)\/)?json\/?$/.exec(path);
    if (m) {
      const p = projects.get(canonicalName(decodeURIComponent(m[1]!)));
      if (!p) return Response.json({ message: "Not Found" }, { status: 404 });
      return jsonApi(p, m[2] ? decodeURIComponent(m[2]) : undefined);
    }
    if (path === "/simple/" || path === "/simple") {
      const names = [...projects.values()].map((p) => canonicalName(p.name));
      return new Response(
        `<!DOCTYPE html>\n<html><body>\n${names.map((n) => `<a href="/simple/${n}/">${n}</a>`).join("\n")}\n</body></html>\n`,
        { headers: { "content-type": "text/html" } },
      );
    }
    m = /^\/simple\/([^/]+)\/?$/.exec(path);
    if (m) {
      const raw = decodeURIComponent(m[1]!);
      if (raw !== canonicalName(raw) || !path.endsWith("/"))
        return new Response("", { status: 301, headers: { location: `/simple/${canonicalName(raw)}/` } });
      return simple(req, projects.get(raw));
    }
    m = /^\/packages\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const f = projects.get(m[1]!)?.files.find((x) => x.filename === decodeURIComponent(m![2]!));
      if (!f) return new Response("Not Found", { status: 404 });
      return new Response(Bun.file(f.path), { headers: { "content-type": "application/octet-stream" } });
    }
    m = /^\/integrity\/([^/]+)\/([^/]+)\/([^/]+)\/provenance\/?$/.exec(path);
    if (m) {
      const f = projects
        .get(canonicalName(m[1]!))
        ?.files.find((x) => x.filename === decodeURIComponent(m![3]!));
      if (!f?.attestations || !f.publisher)
        return Response.json({ message: `No provenance available for ${m[3]}` }, { status: 404 });
      return Response.json(
        {
          version: 1,
          attestation_bundles: [
            {
              publisher:
                f.publisher.kind === "gitlab"
                  ? {
                      kind: "GitLab",
                      repository: f.publisher.repository,
                      workflow_filepath: f.publisher.workflow,
                      environment: f.publisher.environment ?? null,
                      claims: null,
                    }
                  : {
                      kind: "GitHub",
                      repository: f.publisher.repository,
                      workflow: f.publisher.workflow,
                      environment: f.publisher.environment ?? null,
                      claims: null,
                    },
              attestations: f.attestations,
            },
          ],
        },
        { headers: { "content-type": "application/vnd.pypi.integrity.v1+json" } },
      );
    }
    return new Response("Not Found", { status: 404 });
  }

  const server = opts.bench ? benchServer(faults.wrap(handle)) : await serveFetch(faults.wrap(handle));
  base = `http://127.0.0.1:${server.port}`;

  return {
    url: base,
    uploadUrl: `${base}/legacy/`,
    simpleUrl: `${base}/simple/`,
    token,
    faults,
    uploads,
    get minted() {
      return [...minted.keys()];
    },
    files: (project) =>
      [...projects.values()]
        .flatMap((p) => p.files)
        .filter((f) => !project || f.project === canonicalName(project)),
    seed({ project, version, filename, bytes }) {
      const key = canonicalName(project);
      let p = projects.get(key);
      if (!p) {
        p = { name: project, releases: new Map(), files: [] };
        projects.set(key, p);
      }
      const rk = canonicalVersion(version);
      if (!p.releases.has(rk))
        p.releases.set(rk, {
          version: normalizeVersion(version) ?? version,
          created: Date.now(),
          metadata: {},
        });
      const path = join(dir, filename);
      writeFileSync(path, bytes);
      p.files.push({
        project: key,
        version: rk,
        filename,
        packagetype: filename.endsWith(".whl") ? "bdist_wheel" : "sdist",
        pythonVersion: filename.endsWith(".whl") ? "py3" : "source",
        size: bytes.byteLength,
        digests: {
          md5: hex("md5", bytes),
          sha256: hex("sha256", bytes),
          blake2b_256: hex("blake2b256", bytes),
        },
        path,
        uploadTime: new Date().toISOString(),
        requiresPython: "",
      });
    },
    expireTokens() {
      for (const t of minted.values()) t.expires = 0;
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

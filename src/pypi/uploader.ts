/**
 * Upload one checked distribution file, exactly once (spec §8):
 *   probe the index → same name + same sha256: already there, done; other sha256: hard error
 *   → POST the streamed multipart form (Accept JSON, known length, no redirects)
 *   → 200: fault point `upload:after-send`, then confirm on the index
 *   → transient (connection error, 5xx, 408/409/429): back off, probe again (the lost attempt
 *     may have landed), resend; 403 expired Trusted-Publishing token: mint again once
 *   → "File already exists": settle it by digest, never by skipping blindly.
 */
import { existsSync, readFileSync } from "node:fs";
import type { CheckedFile } from "../dist/types.ts";
import { ShiplineError } from "../errors.ts";
import { CI_NAMES, type CiKind } from "../net/ambient-oidc.ts";
import { ResponseTooLarge, textLimited } from "../net/bounded-body.ts";
import { fault, InjectedFault } from "../pipeline/fault.ts";
import type { Logger } from "../ui/log.ts";
import { createProgress, formatBytes } from "../ui/progress.ts";
import { basicAuthorization, type Credentials } from "./credentials.ts";
import { uploadFields } from "./form.ts";
import {
  type Backoff,
  backoffFromEnv,
  delayFor,
  errorTextOf,
  indexBaseFor,
  TRANSIENT,
  USER_AGENT,
} from "./http.ts";
import { type Presence, probeFile } from "./index-probe.ts";
import { multipartBody } from "./multipart.ts";
import { TrustedPublisher } from "./trusted-publishing.ts";

export type FileOutcome = "uploaded" | "already-present";

export interface UploaderOptions {
  url: string;
  credentials: Credentials;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Draw a progress line (interactive stderr). */
  tty?: boolean;
  /** Attach `<file>.publish.attestation` when present (default true). */
  attestations?: boolean;
  /**
   * Hash each file while sending and abort before the request completes if it is not the
   * checked bytes (the upload stage: the file may have changed since the check stage).
   */
  verifyWhileSending?: boolean;
}

/**
 * Trusted Publishers whose uploads may carry PEP 740 attestations: warehouse refuses the upload
 * ("Attestations are not currently supported with … publishers") for one without an
 * `attestation_identity` (Buildkite, CircleCI, ActiveState).
 */
/** PyPI's answer past its hourly limit on new projects (warehouse packaging/services.py). */
const NEW_PROJECT_LIMIT = /Too many new projects/i;

const ATTESTING_PUBLISHERS = new Set<CiKind>(["github", "gitlab", "google"]);

export const attestationPathFor = (file: string) => `${file}.publish.attestation`;

const conflict = (filename: string, remote: string, local: string) =>
  new ShiplineError(
    `${filename} is already on the index with different contents (index sha256 ${remote}, local sha256 ${local}); PyPI never allows a file to be overwritten or a filename reused`,
    "publish these changes as a new version (bump the version, rebuild); to see what is there, download it from the index",
  );

export class Uploader {
  readonly indexBase: string;
  private readonly backoff: Backoff;
  private readonly tp?: TrustedPublisher;
  private warnedAttestations = false;
  private warnedUnreadable = false;

  constructor(private readonly o: UploaderOptions) {
    this.indexBase = indexBaseFor(o.url);
    this.backoff = backoffFromEnv(o.env);
    if (o.credentials.kind === "trusted-publishing")
      this.tp = new TrustedPublisher(o.url, o.log, o.env ?? process.env, this.backoff, o.credentials.ci);
  }

  probe(f: CheckedFile): Promise<Presence> {
    // the upload credentials go only to the upload URL's own origin, and never a Trusted
    // Publishing token (PyPI's reads are public): a private index may want them for reads
    const sameOrigin = new URL(this.indexBase).origin === new URL(this.o.url).origin;
    const auth =
      sameOrigin && this.o.credentials.kind === "password" ? () => this.authorization() : undefined;
    return probeFile(this.indexBase, f.name, f.filename, this.backoff, auth);
  }

  /** Is this exact file (name + sha256) on the index? Throws on a conflicting file. */
  async alreadyThere(f: CheckedFile): Promise<boolean> {
    return this.judge(f, await this.probe(f));
  }

  private judge(f: CheckedFile, p: Presence): boolean {
    if (p.state === "absent") return false;
    if (p.state === "unreadable") {
      if (!this.warnedUnreadable)
        this.o.log.warn(
          `the index answered ${p.status} to reading ${this.indexBase}/simple/: shipline cannot look for an earlier copy of a file before sending it, and relies on the index refusing a duplicate`,
        );
      this.warnedUnreadable = true;
      return false;
    }
    if (!p.sha256)
      throw new ShiplineError(
        `${f.filename} is on the index but the index gives no sha256 for it, so shipline cannot tell whether it is this file`,
        "compare the file on the index by hand; if it is identical, nothing needs uploading",
      );
    if (p.sha256 !== f.digests.sha256) throw conflict(f.filename, p.sha256, f.digests.sha256);
    return true;
  }

  private async authorization(): Promise<string> {
    const c = this.o.credentials;
    return c.kind === "password"
      ? basicAuthorization(c.username, c.password)
      : basicAuthorization("__token__", await this.tp!.token());
  }

  private attestationsFor(path: string, filename: string): string | undefined {
    if (this.o.attestations === false) return undefined;
    const att = attestationPathFor(path);
    if (!existsSync(att)) return undefined;
    const c = this.o.credentials;
    const refusal =
      c.kind !== "trusted-publishing"
        ? "PyPI accepts attestations only with Trusted Publishing, not with an API token"
        : !ATTESTING_PUBLISHERS.has(c.ci)
          ? `PyPI does not take attestations from ${CI_NAMES[c.ci]} publishers (only GitHub Actions, GitLab CI/CD and Google Cloud)`
          : undefined;
    if (refusal) {
      if (!this.warnedAttestations) this.o.log.warn(`not attaching ${filename}'s attestation: ${refusal}`);
      this.warnedAttestations = true;
      return undefined;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(readFileSync(att, "utf8"));
    } catch {
      throw new ShiplineError(`${att} is not valid JSON`, "delete it and sign again (`shipline sign`)");
    }
    return JSON.stringify(Array.isArray(obj) ? obj : [obj]);
  }

  /**
   * Upload `f` (read from `path`). `onSending` runs right before each POST (record "may have
   * landed"); the outcome is returned after the index confirmed it.
   */
  async upload(f: CheckedFile, path: string, hooks: { onSending?: () => void } = {}): Promise<FileOutcome> {
    const log = this.o.log;
    if (await this.alreadyThere(f)) {
      log.info(`${f.filename}: already on the index with the same sha256 — already uploaded, skipping`);
      return "already-present";
    }
    const attestations = this.attestationsFor(path, f.filename);
    const body = multipartBody(uploadFields(f, attestations), { path, filename: f.filename, size: f.size });
    let reauthed = false;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.backoff.attempts - 1;
      const auth = await this.authorization();
      hooks.onSending?.();
      log.info(`Uploading ${f.filename} (${formatBytes(f.size)})${attestations ? " with attestation" : ""}`);
      const progress = createProgress(f.filename, body.length, { tty: Boolean(this.o.tty) });
      let fatal: unknown;
      const started = performance.now();
      let res: Response;
      let text: string;
      try {
        res = await fetch(this.o.url, {
          method: "POST",
          body: body.stream(
            (sent) => {
              progress.update(sent);
              try {
                fault("upload", sent);
              } catch (e) {
                fatal = e;
                throw e;
              }
            },
            this.o.verifyWhileSending ? f.digests.sha256 : undefined,
          ),
          headers: {
            "Content-Type": body.contentType,
            "Content-Length": String(body.length),
            Authorization: auth,
            Accept: "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7",
            "User-Agent": USER_AGENT,
          },
          redirect: "manual",
          signal: AbortSignal.timeout(this.timeoutMs(f.size)),
          // @ts-expect-error streaming request bodies need duplex (fetch spec); not in every lib typing
          duplex: "half",
        });
        text = await textLimited(res, `the index's answer to the upload of ${f.filename}`);
      } catch (e) {
        progress.end();
        if (fatal || e instanceof InjectedFault || e instanceof ResponseTooLarge) throw fatal ?? e;
        if (body.changed)
          throw new ShiplineError(
            `${f.path} changed since the check stage (sha256 recorded ${f.digests.sha256}, now ${body.changed.actual}); refusing to upload bytes that were not checked (the request was cut off before it completed: nothing was stored)`,
            "restore the checked file, or start over with `shipline status --reset` and publish again",
          );
        if (last)
          throw new ShiplineError(
            `uploading ${f.filename} failed after ${attempt + 1} attempts: ${(e as Error).message}`,
            "check the network; `shipline resume` (or the same command again) continues and never uploads a file twice",
          );
        const wait = delayFor(this.backoff, attempt);
        log.warn(
          `${f.filename}: connection failed (${(e as Error).message}); retrying in ${(wait / 1000).toFixed(1)} s`,
        );
        await Bun.sleep(wait);
        if (await this.alreadyThere(f)) return this.landed(f, "the interrupted attempt reached the index");
        continue;
      }
      progress.end();
      if (res.status >= 200 && res.status < 300) {
        // PyPI's success is an empty 200 labelled text/html (pyramid's default Response), with
        // warnings as plain lines; other indexes answer 201/204. What is not success is the
        // catch-all upload *page* a POST without `:action` gets (spec §1.1): an HTML document.
        if (isHtmlDocument(text))
          throw new ShiplineError(
            `the server answered ${f.filename}'s upload with an HTML page, not an upload result`,
            `is ${this.o.url} the upload endpoint (e.g. https://upload.pypi.org/legacy/)?`,
          );
        for (const w of text.split("\n").filter((l) => l.trim()))
          log.warn(`${f.filename}: the index says: ${w.trim()}`);
        fault("upload:after-send");
        const secs = (performance.now() - started) / 1000;
        log.success(`Uploaded ${f.filename} (${formatBytes(f.size)} in ${secs.toFixed(1)} s)`);
        await this.confirm(f);
        return "uploaded";
      }
      const msg = errorTextOf(res, text);
      if (res.status >= 300 && res.status < 400)
        throw new ShiplineError(
          `the index redirected the upload of ${f.filename} (${res.status} to ${res.headers.get("location") ?? "?"}); uploads never follow redirects`,
          "use the exact upload URL; it usually ends with a slash: https://upload.pypi.org/legacy/",
        );
      if (res.status === 400 && /file already exists/i.test(msg)) {
        const p = await this.probe(f);
        if (p.state === "present" && p.sha256 === f.digests.sha256)
          return this.landed(f, "an earlier attempt had already stored it");
        if (p.state === "present" && p.sha256) throw conflict(f.filename, p.sha256, f.digests.sha256);
        throw new ShiplineError(
          `PyPI refused ${f.filename}: ${msg} — these exact bytes are already on the index under another file name, or the name was used before`,
          "build the release with its own version; PyPI never accepts the same file twice",
        );
      }
      if (
        res.status === 403 &&
        this.tp &&
        !reauthed &&
        /token is expired|Invalid or non-existent authentication/i.test(msg)
      ) {
        log.warn(`${f.filename}: the upload token expired; minting a new one`);
        this.tp.invalidate();
        reauthed = true;
        attempt--;
        continue;
      }
      // PyPI's hourly limit on new projects: retrying within minutes cannot help (spec §5.3)
      const projectLimit = res.status === 429 && NEW_PROJECT_LIMIT.test(msg);
      if (TRANSIENT.has(res.status) && !last && !projectLimit) {
        const wait = delayFor(this.backoff, attempt, res.headers.get("retry-after"));
        log.warn(
          `${f.filename}: ${msg}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 2} of ${this.backoff.attempts})`,
        );
        await Bun.sleep(wait);
        if (await this.alreadyThere(f))
          return this.landed(f, "the failed attempt reached the index after all");
        continue;
      }
      throw new ShiplineError(
        `PyPI refused ${f.filename}: ${msg}`,
        hintFor(res.status, msg, Boolean(this.tp)),
      );
    }
  }

  /**
   * Give up on one attempt after this long (then probe and retry): 15 minutes like uv's default,
   * plus a second per MiB so a slow link is not cut off; SHIPLINE_UPLOAD_TIMEOUT (seconds) overrides.
   */
  private timeoutMs(size: number): number {
    const env = Number(this.o.env?.SHIPLINE_UPLOAD_TIMEOUT ?? process.env.SHIPLINE_UPLOAD_TIMEOUT);
    if (Number.isFinite(env) && env > 0) return env * 1000;
    return 900_000 + Math.ceil(size / (1 << 20)) * 1000;
  }

  private async landed(f: CheckedFile, why: string): Promise<FileOutcome> {
    this.o.log.success(`Uploaded ${f.filename} (${why})`);
    return "uploaded";
  }

  /** After a 200: the file must be on the index with our sha256 (brief lag tolerated). */
  private async confirm(f: CheckedFile): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const p = await this.probe(f);
      if (p.state === "unreadable") return; // a private index: nothing to confirm against
      // listed without a hash (PEP 503's is a SHOULD): the name is there, the verify stage says so
      if (p.state === "present" && !p.sha256) return;
      if (this.judge(f, p)) return;
      await Bun.sleep(delayFor(this.backoff, i));
    }
    this.o.log.warn(
      `${f.filename}: uploaded, but not visible on the index yet (cache lag?); the verify stage checks again`,
    );
  }
}

/** An HTML document (a page), as opposed to an empty or plain-text body whatever its content type. */
export function isHtmlDocument(text: string): boolean {
  return /^\s*(<!doctype\s+html|<html[\s>])/i.test(text);
}

function hintFor(status: number, msg: string, trusted: boolean): string {
  if (status === 403 && trusted && !/Username\/Password/i.test(msg))
    return "the Trusted Publisher this job matched is registered for another project: add one for this project on PyPI";
  if (status === 400 && /Non-user identities/.test(msg))
    return "create the project with a first upload by an owner (API token), or fix the pending publisher's project name to match the package";
  if (status === 403 && /Username\/Password/i.test(msg))
    return "use an API token: username __token__, password pypi-…";
  if (status === 403)
    return "check the token (SHIPLINE_PYPI_TOKEN) and its scope, or the Trusted Publisher on PyPI";
  if (status === 405)
    return "that URL does not take uploads: use the upload URL (…/legacy/), not the simple index";
  if (status === 410) return "the index no longer supports this action";
  if (status === 429 && NEW_PROJECT_LIMIT.test(msg))
    return "PyPI limits how many projects an account (and an IP) may create per hour: run again (or `shipline resume`) in an hour; files already uploaded are not sent again";
  if (status === 429)
    return "the index is limiting requests: wait a few minutes, then run again (or `shipline resume`); files already uploaded are not sent again";
  if (/metadata|Invalid value|is not a valid|field/i.test(msg))
    return "fix the package metadata and build again (`shipline check` shows it)";
  return "fix what the index names and run again; files already uploaded are not sent again";
}

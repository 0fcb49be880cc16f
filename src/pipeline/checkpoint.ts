/**
 * The checkpoint: `.shipline/state.json`, the single source of truth for a resumable run.
 *
 * - `schema: 1`; anything else, invalid JSON, or a failed integrity hash is a CheckpointError
 *   naming the file and the way out — never a crash, never a guess.
 * - `integrity` is the sha256 of the canonical JSON of everything else, so a hand edit (or a
 *   torn write on a filesystem that lies about rename) is detected, not trusted.
 * - Saved atomically, mode 0600, and refused if it would contain a registered secret.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { dirname, relative } from "node:path";
import { ShiplineError } from "../errors.ts";
import { containsSecret } from "../ui/secrets.ts";
import { sweepStaleTempFiles, writeFileAtomic } from "./atomic-write.ts";
import type { StageName } from "./stage-names.ts";

export const SCHEMA = 1;

export type StageStatus = "running" | "done" | "failed";

export interface StageRecord {
  status: StageStatus;
  startedAt: string;
  finishedAt?: string;
  /** What the stage produced (recorded when done). JSON only; never secrets. */
  result?: unknown;
  /** Progress a stage saved while running (e.g. files uploaded so far), for resume. */
  progress?: Record<string, unknown>;
  error?: string;
  attempts: number;
}

/** What the run depended on when it started; resume refuses when any of it changed. */
export interface CheckpointInputs {
  head: string;
  /** sha256 of the release-please config / manifest / pyproject.toml bytes, null if absent. */
  config: string | null;
  manifest: string | null;
  pyproject: string | null;
}

export interface Checkpoint {
  schema: typeof SCHEMA;
  runId: string;
  shiplineVersion: string;
  command: string;
  createdAt: string;
  updatedAt: string;
  /** Non-secret options the run was started with (e.g. repositoryUrl, noSign); resume reuses them. */
  options: Record<string, unknown>;
  inputs: CheckpointInputs;
  /** The stage to run next, or "done". */
  next: StageName | "done";
  stages: Partial<Record<StageName, StageRecord>>;
  /** Stages in the order they ran. */
  history: StageName[];
}

export class CheckpointError extends ShiplineError {}

const RESET_HINT = "run `shipline status --reset` to discard it and start over (or delete the file)";

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

export function integrityOf(cp: Checkpoint): string {
  return createHash("sha256").update(canonicalJson(cp)).digest("hex");
}

export function sha256File(path: string): string | null {
  if (!existsSync(path)) return null;
  // A FIFO or a device (a symlink to /dev/zero) is never read here; the stage that reads the
  // file reports it clearly.
  if (!statSync(path).isFile()) return "not-a-regular-file";
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export class CheckpointStore {
  constructor(
    readonly path: string,
    readonly root: string,
  ) {}

  get display(): string {
    const rel = relative(this.root, this.path);
    return rel === "" || rel.startsWith("..") ? this.path : rel;
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  load(): Checkpoint | undefined {
    let text: string;
    try {
      // A FIFO would block the read and /dev/zero would never end: only a regular file is read.
      if (!statSync(this.path).isFile())
        throw new CheckpointError(`checkpoint ${this.display} is not a regular file`, RESET_HINT);
      text = readFileSync(this.path, "utf8");
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new CheckpointError(
        `cannot read checkpoint ${this.display}: ${(e as Error).message}`,
        RESET_HINT,
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new CheckpointError(`checkpoint ${this.display} is not valid JSON (corrupted)`, RESET_HINT);
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw))
      throw new CheckpointError(`checkpoint ${this.display} is not a JSON object`, RESET_HINT);
    const obj = raw as Record<string, unknown>;
    if (obj.schema !== SCHEMA)
      throw new CheckpointError(
        `checkpoint ${this.display} has schema ${JSON.stringify(obj.schema)}; this shipline understands schema ${SCHEMA}`,
        `finish it with the shipline version that wrote it, or ${RESET_HINT}`,
      );
    const { integrity, ...body } = obj;
    const cp = body as unknown as Checkpoint;
    if (typeof integrity !== "string" || integrity !== integrityOf(cp))
      throw new CheckpointError(
        `checkpoint ${this.display} failed its integrity check (it was edited or damaged)`,
        RESET_HINT,
      );
    if (
      typeof cp.next !== "string" ||
      typeof cp.stages !== "object" ||
      !cp.inputs ||
      !Array.isArray(cp.history)
    )
      throw new CheckpointError(`checkpoint ${this.display} is missing required fields`, RESET_HINT);
    return cp;
  }

  save(cp: Checkpoint): void {
    cp.updatedAt = new Date().toISOString();
    const text = `${JSON.stringify({ ...cp, integrity: integrityOf(cp) }, null, 2)}\n`;
    if (containsSecret(text))
      throw new ShiplineError(
        "refusing to write a secret into the checkpoint (this is a shipline bug; please report it)",
      );
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    writeFileAtomic(this.path, text, 0o600, "checkpoint");
    // writeFileAtomic creates with 0600 already; chmod guards against an odd umask/old file.
    chmodSync(this.path, 0o600);
  }

  remove(): boolean {
    try {
      unlinkSync(this.path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
  }

  /** Temp files of writers that were killed mid-write (their pid is gone): safe to delete under the lock. */
  sweepTempFiles(): void {
    sweepStaleTempFiles(dirname(this.path), /^lock\.(\d+)\.tmp$/);
  }
}

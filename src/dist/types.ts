/** Shapes shared by build, check, sign and upload. */

export interface Digests {
  md5: string;
  sha256: string;
  blake2_256: string;
}

export type Verdict = "PASSED" | "PASSED with warnings" | "FAILED";

/** One distribution file as `check` saw it. Paths are relative to the repo root in stage results. */
export interface CheckedFile {
  path: string;
  filename: string;
  kind: "sdist" | "wheel";
  /** Normalised project name and version from the filename/metadata. */
  name: string;
  version: string;
  size: number;
  digests: Digests;
  verdict: Verdict;
  warnings: string[];
  errors: string[];
  /** Core metadata fields (multi-use fields as arrays), for the upload form. */
  metadata: Record<string, string | string[]>;
}

/** Stage results recorded in the checkpoint. */
export interface BuildStageResult {
  /** Repo-relative paths of the built distributions. */
  files: string[];
  /** The release version they were checked against (absent when nothing was pending). */
  version?: string;
  /** Repo-relative path → sha256 right after the build (check refuses files changed since). */
  sha256?: Record<string, string>;
  /** Repo-relative path → the package path (manifest key) it was built from. */
  origins?: Record<string, string>;
}
export interface CheckStageResult {
  files: CheckedFile[];
}
export interface SignStageResult {
  files: { path: string; bundle: string; attestation: string }[];
}
export interface UploadStageResult {
  files: { path: string; status: "uploaded" | "already-present" }[];
}

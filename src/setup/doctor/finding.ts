/** A doctor finding: what was checked, how it stands, what it means, and the exact fix. */
export type FindingStatus = "ok" | "warn" | "error";

export interface Finding {
  /** Stable id of the check (tests and scripts match on it). */
  id: string;
  status: FindingStatus;
  title: string;
  /** What it means. */
  detail: string;
  /** The exact fix ("" when nothing is to be done). */
  fix: string;
}

export interface DoctorContext {
  root: string;
  env: NodeJS.ProcessEnv;
  online: boolean;
}

export const ok = (id: string, title: string, detail = ""): Finding => ({
  id,
  status: "ok",
  title,
  detail,
  fix: "",
});
export const warn = (id: string, title: string, detail: string, fix: string): Finding => ({
  id,
  status: "warn",
  title,
  detail,
  fix,
});
export const error = (id: string, title: string, detail: string, fix: string): Finding => ({
  id,
  status: "error",
  title,
  detail,
  fix,
});

/** The stages of the flow, in DESIGN.md's order. */
export const STAGE_NAMES = [
  "gates",
  "plan",
  "pr",
  "release",
  "build",
  "check",
  "sign",
  "upload",
  "verify",
  "assets",
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

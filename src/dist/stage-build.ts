import { notYet } from "../pipeline/flow.ts";

// Placeholder until this concern lands; replaced by the real stage.
export const buildStage = notYet("build");

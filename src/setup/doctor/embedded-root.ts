/** The Sigstore trusted root embedded in this build (src/sigstore/trusted-root.ts), for the doctor's age check. */
import { errorMessage } from "../../errors.ts";
import {
  EMBEDDED_ROOT_DATE,
  EMBEDDED_ROOT_TUF_EXPIRES,
  loadEmbeddedRoot,
} from "../../sigstore/trusted-root.ts";

export interface EmbeddedRootInfo {
  root?: Record<string, unknown>;
  date: Date;
  tufExpires: Date;
  /** Set when the embedded root fails its own integrity check. */
  problem?: string;
}

export function embeddedTrustedRoot(): EmbeddedRootInfo {
  const info: EmbeddedRootInfo = {
    date: new Date(EMBEDDED_ROOT_DATE),
    tufExpires: new Date(EMBEDDED_ROOT_TUF_EXPIRES),
  };
  try {
    info.root = loadEmbeddedRoot().json;
  } catch (e) {
    info.problem = errorMessage(e);
  }
  return info;
}

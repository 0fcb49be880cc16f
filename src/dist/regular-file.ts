/**
 * A distribution (or a file to sign or verify) must be a regular file: reading a named pipe
 * blocks forever and /dev/zero never ends, so `check dist/x.whl` would hang instead of failing.
 */
import { statSync } from "node:fs";
import { ShiplineError } from "../errors.ts";

export function assertRegularFile(path: string, shown = path): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path); // follows symlinks: a link to a regular file is fine
  } catch (e) {
    throw new ShiplineError(
      `cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (!st.isFile())
    throw new ShiplineError(
      `${shown} is not a regular file (a ${st.isDirectory() ? "directory" : st.isFIFO() ? "named pipe" : st.isSocket() ? "socket" : "device"})`,
      "pass the distribution files themselves, e.g. dist/*",
    );
}

import pkg from "../package.json" with { type: "json" };

/** shipline's own version (from package.json, inlined at build time). */
export const VERSION: string = pkg.version;

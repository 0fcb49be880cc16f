/**
 * Checks a release-please config against release-please's own published JSON schema
 * (schemas/config.json, embedded at build time from the release-please package).
 *
 * Why not a generic JSON-schema validator: that schema puts `additionalProperties: false` at
 * its root next to an `allOf` that holds every property, which under strict draft-07
 * semantics rejects every key of every config (release-please itself never validates
 * against it). This walker implements the keywords the schema uses (type, enum, properties,
 * additionalProperties, items, required, anyOf, allOf, $ref) with the intended meaning:
 * properties declared in allOf branches count as known.
 */
import schema from "release-please/schemas/config.json" with { type: "json" };

export interface SchemaIssue {
  /** JSON path like packages["."].changelog-sections[0].type */
  path: string;
  message: string;
  /** unknown: a key release-please ignores; invalid: a wrong type/value it misreads or rejects. */
  kind: "unknown" | "invalid";
}

type S = Record<string, unknown>;
const isObj = (v: unknown): v is S => typeof v === "object" && v !== null && !Array.isArray(v);

function resolve(s: S): S {
  const ref = s.$ref;
  if (typeof ref !== "string") return s;
  const name = ref.replace("#/definitions/", "");
  return ((schema as S).definitions as S)[name] as S;
}

function typeOk(v: unknown, t: string): boolean {
  switch (t) {
    case "object":
      return isObj(v);
    case "array":
      return Array.isArray(v);
    case "integer":
      return Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "null":
      return v === null;
    default:
      return typeof v === t;
  }
}

/** Every `properties` map reachable through allOf/$ref (what the schema's author meant as known keys). */
function propertiesOf(s: S): S {
  const r = resolve(s);
  let props: S = isObj(r.properties) ? { ...r.properties } : {};
  if (Array.isArray(r.allOf)) for (const b of r.allOf) props = { ...props, ...propertiesOf(b as S) };
  return props;
}

/**
 * Keys release-please reads for a package (src/manifest.ts, extractReleaserConfig) that its
 * published schema leaves out: warning about them would tell users to delete working config.
 */
const READ_BUT_NOT_IN_SCHEMA = new Set([
  "package-name",
  "component",
  "include-commit-authors",
  "label",
  "release-label",
]);

const key = (path: string, k: string) => (path ? `${path}.${k}` : k);

function walk(v: unknown, s0: S, path: string, out: SchemaIssue[]): void {
  const s = resolve(s0);
  const where = path || "the config";
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeOk(v, t))) {
      out.push({
        path: where,
        message: `must be ${types.join(" or ")}, found ${JSON.stringify(v)?.slice(0, 40)}`,
        kind: "invalid",
      });
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.includes(v))
    out.push({
      path: where,
      message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`,
      kind: "invalid",
    });
  if (Array.isArray(s.anyOf)) {
    const fits = s.anyOf.some((b) => {
      const sub: SchemaIssue[] = [];
      walk(v, b as S, path, sub);
      return !sub.some((i) => i.kind === "invalid");
    });
    if (!fits) out.push({ path: where, message: "matches none of the allowed forms", kind: "invalid" });
  }
  if (isObj(v)) {
    const props = propertiesOf(s);
    if (Array.isArray(s.allOf))
      for (const b of s.allOf) {
        const rb = resolve(b as S);
        if (Array.isArray(rb.required))
          for (const r of rb.required as string[])
            if (!(r in v)) out.push({ path: where, message: `needs "${r}"`, kind: "invalid" });
      }
    if (Array.isArray(s.required))
      for (const r of s.required as string[])
        if (!(r in v)) out.push({ path: where, message: `needs "${r}"`, kind: "invalid" });
    for (const [k, val] of Object.entries(v)) {
      if (k in props) walk(val, props[k] as S, key(path, k), out);
      else if (READ_BUT_NOT_IN_SCHEMA.has(k) && "release-type" in props) continue;
      else if (isObj(s.additionalProperties))
        walk(val, s.additionalProperties, `${path}[${JSON.stringify(k)}]`, out);
      else if (s.additionalProperties === false || Object.keys(props).length)
        out.push({
          path: key(path, k),
          message: "is not a release-please option (ignored)",
          kind: "unknown",
        });
    }
  }
  if (Array.isArray(v) && isObj(s.items)) {
    const items = s.items;
    v.forEach((item, i) => {
      walk(item, items, `${path}[${i}]`, out);
    });
  }
}

export function checkAgainstSchema(config: unknown): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  walk(config, schema as S, "", out);
  return out;
}

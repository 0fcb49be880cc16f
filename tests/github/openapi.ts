/**
 * Validating stand-in responses against GitHub's published OpenAPI description
 * (@octokit/openapi, api.github.com): the response schema for (path template, method, status).
 */
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { ROOT } from "../helpers/cli.ts";

interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: Record<string, unknown>;
}

let spec: OpenApi | undefined;
let ajv: Ajv | undefined;
const cache = new Map<string, ValidateFunction>();

async function load(): Promise<{ spec: OpenApi; ajv: Ajv }> {
  if (!spec || !ajv) {
    spec = (await Bun.file(
      join(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.json"),
    ).json()) as OpenApi;
    // OpenAPI 3.0: `nullable` is understood by Ajv; `example`, `x-github`… are ignored (strict off).
    ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ components: spec.components }, "gh");
  }
  return { spec, ajv };
}

/** Rewrite the spec's local refs (#/components/…) to point into the registered "gh" document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema && typeof schema === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema))
      out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `gh${v}` : rebase(v);
    return out;
  }
  return schema;
}

/** Errors ([] when valid) of `body` against the response schema of `method path` → `status`. */
export async function openapiErrors(
  path: string,
  method: string,
  status: number,
  body: unknown,
): Promise<string[]> {
  const { spec, ajv } = await load();
  const key = `${method} ${path} ${status}`;
  let validate = cache.get(key);
  if (!validate) {
    const op = spec.paths[path]?.[method.toLowerCase()];
    if (!op) return [`no operation ${method} ${path} in the OpenAPI description`];
    const res = op.responses[String(status)];
    if (!res) return [`${method} ${path} has no documented ${status} response`];
    const schema = res.content?.["application/json"]?.schema;
    if (!schema) return [`${method} ${path} ${status} has no JSON schema`];
    validate = ajv.compile(rebase(schema) as object);
    cache.set(key, validate);
  }
  return validate(body)
    ? []
    : (validate.errors ?? [])
        .slice(0, 10)
        .map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

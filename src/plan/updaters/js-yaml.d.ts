// js-yaml ships no types and @types/js-yaml is not a dependency: the two calls used here.
declare module "js-yaml" {
  export function loadAll(input: string, iterator?: null, options?: { json?: boolean }): unknown[];
  export function dump(value: unknown): string;
  export function load(input: string): unknown;
}

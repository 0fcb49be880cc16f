/**
 * The one registry of secret values (tokens) seen by this process. Everything that writes
 * text a human or a file can see — the logger, --json output, the checkpoint store — passes
 * it through `redact`, so a token can never leak through an error message that quotes a
 * server response or a URL.
 */
const secrets = new Set<string>();
let onRegister: ((value: string) => void) | undefined;

export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 6 || secrets.has(value)) return;
  secrets.add(value);
  onRegister?.(value);
}

/** Called once by the Actions logger so every new secret is masked with `::add-mask::`. */
export function onSecretRegistered(fn: (value: string) => void): void {
  onRegister = fn;
  for (const s of secrets) fn(s);
}

export function redact(text: string): string {
  // Called per piece of `plan --json` output (thousands of them): no iterator when there is nothing to mask.
  if (secrets.size === 0) return text;
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("***");
  return out;
}

export function containsSecret(text: string): boolean {
  for (const s of secrets) if (text.includes(s)) return true;
  return false;
}

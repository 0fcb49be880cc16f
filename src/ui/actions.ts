/** GitHub Actions workflow commands (https://docs.github.com/actions/reference/workflow-commands). */

export const inActions = (env: NodeJS.ProcessEnv = process.env): boolean => env.GITHUB_ACTIONS === "true";

/** Escaping from @actions/core's command.ts: data escapes %, CR, LF; properties also : and ,. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export interface Annotation {
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

export function command(name: string, message: string, props: Annotation = {}): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(",");
  return `::${name}${p ? ` ${p}` : ""}::${escapeData(message)}`;
}

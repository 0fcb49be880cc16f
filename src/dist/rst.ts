/** reStructuredText checks (placeholder: replaced by the real checker in the next commit). */
export interface RstResult {
  ok: boolean;
  /** docutils-style messages: `line <n>: <Level>: <message>`. */
  messages: string[];
}

export function checkRst(text: string): RstResult {
  if (text.trim() === "") return { ok: false, messages: ["No content rendered from RST source."] };
  return { ok: true, messages: [] };
}

/**
 * In-place TOML value replacement, ported from release-please's src/util/toml-edit.ts
 * (Apache-2.0) so pyproject.toml and typed toml extra-files come out byte-identical: the same
 * @iarna/toml parser, subclassed to remember where each scalar value starts and ends, then
 * only that span is replaced by `JSON.stringify(newValue)` (so strings become "double-quoted").
 * smol-toml (used elsewhere) has no source positions, hence this parser here.
 */
// @ts-expect-error: @iarna/toml ships no types for its internal parser class
import TOMLParser from "@iarna/toml/lib/toml-parser.js";

const TAGGED = Symbol("__TAGGED_VALUE");

interface Tagged {
  [TAGGED]: true;
  start: number;
  end: number;
  value: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: the parser's internal state is untyped
type ParserState = any;

class TaggedTOMLParser extends TOMLParser {
  declare pos: number;
  declare state: ParserState;
  declare parse: (input: string) => void;
  declare finish: () => TomlData;
  parseValue(): unknown {
    // By now `pos` is one past the value's first character (which is in `this.char`).
    this.state.__TAGGED_START = this.pos - 1;
    return super.parseValue();
  }
  next(fn: unknown): void {
    const prev = this.state;
    super.next(fn);
    this.state.__TAGGED_START = prev.__TAGGED_START;
  }
  return(value: unknown): void {
    const prev = this.state;
    super.return(value);
    // Objects are not tagged, so a path never meets two tagged values.
    if (prev.__TAGGED_START && typeof this.state.returned !== "object") {
      this.state.returned = {
        [TAGGED]: true,
        start: prev.__TAGGED_START,
        end: this.pos,
        value: this.state.returned,
      } satisfies Tagged;
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: parsed TOML
export type TomlData = Record<string, any>;

/** Parse with @iarna/toml (plain values), as release-please's parsePyProject does. Throws on invalid TOML. */
export function parseToml(input: string): TomlData {
  const p = new TOMLParser();
  p.parse(input);
  return p.finish();
}

/** Parse with every scalar replaced by {start, end, value}. */
export function parseTomlTagged(input: string): TomlData {
  const p = new TaggedTOMLParser();
  p.parse(input);
  return p.finish();
}

function isTagged(x: unknown): x is Tagged {
  return typeof x === "object" && x !== null && (x as Tagged)[TAGGED] === true;
}

/**
 * Replace the value at `path` (which must exist) keeping all other text. Throws, with
 * release-please's messages, when the path is missing or the result is not valid TOML.
 */
export function replaceTomlValue(input: string, path: string[], newValue: string): string {
  let current: unknown = parseTomlTagged(input);
  for (let i = 0; i < path.length; i++) {
    const next = (current as TomlData)[path[i]!];
    if (typeof next !== "object")
      throw new Error(`path not found in object: ${path.slice(0, i + 1).join(".")}`);
    current = next;
  }
  if (!isTagged(current)) throw new Error(`value at path ${path.join(".")} is not tagged`);
  const output = input.slice(0, current.start) + JSON.stringify(newValue) + input.slice(current.end);
  try {
    parseToml(output);
  } catch (e) {
    throw new Error(`After replacing value, result is not valid TOML: ${e}`);
  }
  return output;
}

// The grammar function alone (the package's index also pulls in unist helpers we do not use).
declare module "@conventional-commits/parser/lib/parser.js" {
  import type { Message } from "@conventional-commits/parser";

  const parser: (text: string) => Message;
  export default parser;
}

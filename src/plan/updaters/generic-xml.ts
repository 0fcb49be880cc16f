/**
 * Typed `xml`/`pom` extra-files and string entries ending in .xml (release-please
 * src/updaters/{base-xml,generic-xml,java/pom-xml}.ts): set the text of each XPath node; the
 * document is re-serialised with @xmldom/xmldom only if something changed.
 */
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import * as xpath from "xpath";
import type { Updater } from "./types.ts";

// biome-ignore lint/suspicious/noExplicitAny: xmldom and xpath disagree on DOM types
type Doc = any;

function baseXml(updateDocument: (doc: Doc) => boolean): Updater {
  return (content = "") => {
    const document = new DOMParser().parseFromString(content);
    if (!updateDocument(document)) return content;
    const out = new XMLSerializer().serializeToString(document);
    return content.endsWith("\n") && !out.endsWith("\n") ? `${out}\n` : out;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: xpath nodes
function setNodes(nodes: any[], version: string): boolean {
  let updated = false;
  for (const node of nodes) {
    if (node.textContent !== version) {
      node.textContent = version;
      updated = true;
    }
  }
  return updated;
}

export function genericXml(path: string, version: string): Updater {
  return baseXml((doc) => setNodes(xpath.select(path, doc) as unknown[], version));
}

const PROJECT_VERSION = '/*[local-name()="project"]/*[local-name()="version"]';
const PARENT_VERSION = '/*[local-name()="project"]/*[local-name()="parent"]/*[local-name()="version"]';

/** `{type: "pom"}`: project/version, else project/parent/version. */
export function pomXml(version: string): Updater {
  return baseXml((doc) => {
    const own = xpath.select(PROJECT_VERSION, doc) as unknown[];
    return setNodes(own.length ? own : (xpath.select(PARENT_VERSION, doc) as unknown[]), version);
  });
}

import type { JsonValue } from "../model/common.js";

// Characters XML 1.0 forbids (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). Replaced, never dropped
// silently, so a reader sees that something was there.
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML cannot carry
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for HTML element content and quoted attribute values. Resource names are attacker-controlled. */
export function escapeHtml(text: string): string {
  return text
    .replace(XML_INVALID, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Escapes text for XML element content and attribute values (XML 1.0). */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}

/** XML element text: like escapeXml but keeps line breaks readable. */
export function escapeXmlText(text: string): string {
  return text.replace(XML_INVALID, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Escapes text for one line of Markdown (headings, list items, table cells): backslash-escapes every character
 * CommonMark or GFM tables give meaning to, and folds line breaks so a value cannot start a new block.
 */
export function escapeMd(text: string): string {
  return text
    .replace(XML_INVALID, "\uFFFD")
    .replace(/\r\n|\r|\n/g, " ")
    .replace(/[\\`*_{}[\]<>()#+!|~&$]/g, (c) => `\\${c}`);
}

/** A JSON evidence value as one line of text. */
export function valueText(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Truncates to `max` code points with an ellipsis (for labels only; full values stay in tables and tooltips). */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

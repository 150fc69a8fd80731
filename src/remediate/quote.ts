import { createHash } from "node:crypto";

/**
 * The one shell-quoting function of the fix scripts, and the literal encoders for what the scripts pass to JMESPath
 * (`--query`) and print in comments. Every value that reaches a script goes through `shq`: resource names come from
 * the cloud and are attacker-controllable.
 */

/**
 * POSIX single-quoting: `'...'` with each `'` written as `'\''`. Safe for every byte sequence bash accepts in a
 * word (quotes, `$()`, backticks, newlines, unicode, leading dashes stay data; the CLI receives them unchanged).
 * NUL cannot be passed to a process at all and is rejected.
 */
export function shq(value: string): string {
  if (value.includes("\u0000")) throw new Error("a value with a NUL byte cannot be passed on a command line");
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A JMESPath JSON literal (`` `"..."` ``) for a string, for queries that compare against a resource name. JSON
 * escapes quotes, backslashes and control characters; a backtick is escaped as `` \` `` (JMESPath literal syntax).
 */
export function jmesString(value: string): string {
  return `\`${JSON.stringify(value).replace(/`/g, "\\`")}\``;
}

/** One line of comment text: control characters and the like are shown escaped, so a name cannot end a comment. */
export function commentText(value: string): string {
  return value.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
    /[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A Terraform JSON string value: `${` and `%{` start template sequences and are escaped as `$${` and `%%{`. */
export function tfString(value: string): string {
  // Replacement functions: in a replacement string `$$` would mean a single `$`.
  return value.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** A Terraform identifier (resource/variable name) derived from arbitrary text: `[a-z0-9_]`, starting with a letter. */
export function tfIdent(prefix: string, value: string): string {
  const base = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
  // The hash keeps two names that normalise alike (`a-b`, `a_b`) apart.
  const h = createHash("sha256").update(value).digest("hex").slice(0, 6);
  return `${prefix}_${base ? `${base}_` : ""}${h}`;
}

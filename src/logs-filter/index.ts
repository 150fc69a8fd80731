/**
 * A CloudWatch Logs filter-pattern engine (the syntax of FilterLogEvents, metric filters and subscription filters).
 * Pure: parse a pattern once, then test log event messages against it. Used by the simulator's FilterLogEvents and
 * reusable to judge metric filters semantically (does CIS pattern X match a sample event of class Y?).
 *
 * Supported syntax (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
 * - empty pattern or `""`: matches every event.
 * - term patterns (case-sensitive substring match): `ERROR` (term), `ERROR Exception` (all terms),
 *   `"Failed authentication"` (quoted phrase), `?ERROR ?WARN` (any term), `-term` (exclusion, with other terms).
 * - JSON patterns: `{ SELECTOR OP VALUE }` with selectors `$.a.b`, `$.a[0].b`; operators `=`, `!=` (strings and numbers,
 *   `*` wildcard in string values), `<`, `<=`, `>`, `>=` (numbers); `IS NULL`, `NOT EXISTS`, `EXISTS`, `IS TRUE`,
 *   `IS FALSE`; combined with `&&`, `||` and parentheses (`&&` binds tighter). Values may be quoted or bare.
 *   A comparison on a property that does not exist is false (for `!=` too); use `NOT EXISTS` to match absence.
 * Not supported (rejected with FilterPatternError): space-delimited `[a, b, ...]` patterns and `%regex%` values.
 */

export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FilterPatternError";
  }
}

type Selector = (string | number)[];
type Cmp = "=" | "!=" | "<" | "<=" | ">" | ">=";

export type JsonExpr =
  | { kind: "and" | "or"; left: JsonExpr; right: JsonExpr }
  | { kind: "cmp"; selector: Selector; op: Cmp; value: string | number; quoted: boolean }
  | { kind: "null" | "notExists" | "exists" | "true" | "false"; selector: Selector };

export type FilterPattern =
  | { kind: "all" }
  | { kind: "terms"; all: string[]; any: string[]; none: string[] }
  | { kind: "json"; expr: JsonExpr };

/** Parses a filter pattern; throws FilterPatternError when it is not valid. */
export function parseFilterPattern(pattern: string): FilterPattern {
  const p = pattern.trim();
  if (p === "" || p === '""') return { kind: "all" };
  if (p.startsWith("{")) {
    if (!p.endsWith("}")) throw new FilterPatternError("JSON filter pattern must end with }");
    const parser = new JsonParser(p.slice(1, -1));
    const expr = parser.parseOr();
    parser.expectEnd();
    return { kind: "json", expr };
  }
  if (p.startsWith("[")) throw new FilterPatternError("space-delimited filter patterns are not supported");
  return parseTerms(p);
}

function parseTerms(p: string): FilterPattern {
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  let i = 0;
  while (i < p.length) {
    while (p[i] === " " || p[i] === "\t") i++;
    if (i >= p.length) break;
    let prefix = "";
    if (p[i] === "?" || p[i] === "-") {
      prefix = p[i]!;
      i++;
    }
    let term = "";
    if (p[i] === '"') {
      const end = p.indexOf('"', i + 1);
      if (end < 0) throw new FilterPatternError("unterminated quoted term");
      term = p.slice(i + 1, end);
      i = end + 1;
    } else {
      const start = i;
      while (i < p.length && p[i] !== " " && p[i] !== "\t") i++;
      term = p.slice(start, i);
    }
    if (term === "") continue;
    if (prefix === "?") any.push(term);
    else if (prefix === "-") none.push(term);
    else all.push(term);
  }
  return { kind: "terms", all, any, none };
}

class JsonParser {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  private peek(str: string): boolean {
    this.ws();
    return this.s.startsWith(str, this.i);
  }
  private peekWord(word: string): boolean {
    this.ws();
    const rest = this.s.slice(this.i, this.i + word.length);
    const after = this.s[this.i + word.length];
    return rest.toUpperCase() === word && (after === undefined || !/[A-Za-z0-9_]/.test(after));
  }
  expectEnd(): void {
    this.ws();
    if (this.i < this.s.length) throw new FilterPatternError(`unexpected "${this.s.slice(this.i, this.i + 10)}"`);
  }

  parseOr(): JsonExpr {
    let left = this.parseAnd();
    while (this.peek("||")) {
      this.i += 2;
      left = { kind: "or", left, right: this.parseAnd() };
    }
    return left;
  }
  private parseAnd(): JsonExpr {
    let left = this.parsePrimary();
    while (this.peek("&&")) {
      this.i += 2;
      left = { kind: "and", left, right: this.parsePrimary() };
    }
    return left;
  }
  private parsePrimary(): JsonExpr {
    if (this.peek("(")) {
      this.i++;
      const e = this.parseOr();
      if (!this.peek(")")) throw new FilterPatternError("missing )");
      this.i++;
      return e;
    }
    const selector = this.parseSelector();
    this.ws();
    if (this.peekWord("IS")) {
      this.i += 2;
      for (const [w, kind] of [
        ["NULL", "null"],
        ["TRUE", "true"],
        ["FALSE", "false"],
      ] as const) {
        if (this.peekWord(w)) {
          this.i += w.length;
          return { kind, selector };
        }
      }
      throw new FilterPatternError("IS must be followed by NULL, TRUE or FALSE");
    }
    if (this.peekWord("NOT")) {
      this.i += 3;
      if (!this.peekWord("EXISTS")) throw new FilterPatternError("NOT must be followed by EXISTS");
      this.i += 6;
      return { kind: "notExists", selector };
    }
    if (this.peekWord("EXISTS")) {
      this.i += 6;
      return { kind: "exists", selector };
    }
    let op: Cmp | undefined;
    for (const o of ["!=", "<=", ">=", "=", "<", ">"] as const) {
      if (this.peek(o)) {
        op = o;
        this.i += o.length;
        break;
      }
    }
    if (!op) throw new FilterPatternError("expected a comparison operator after the selector");
    this.ws();
    const { value, quoted } = this.parseValue();
    if (!quoted && typeof value === "string" && op !== "=" && op !== "!=") {
      throw new FilterPatternError(`operator ${op} needs a numeric value`);
    }
    return { kind: "cmp", selector, op, value, quoted };
  }
  private parseSelector(): Selector {
    this.ws();
    if (this.s[this.i] !== "$") throw new FilterPatternError("expected a selector starting with $");
    this.i++;
    const path: Selector = [];
    for (;;) {
      const c = this.s[this.i];
      if (c === ".") {
        this.i++;
        const m = /^[A-Za-z0-9_\-@*:]+/.exec(this.s.slice(this.i));
        if (!m) throw new FilterPatternError("expected a property name after .");
        path.push(m[0]);
        this.i += m[0].length;
      } else if (c === "[") {
        const end = this.s.indexOf("]", this.i);
        if (end < 0) throw new FilterPatternError("missing ]");
        const idx = this.s.slice(this.i + 1, end).trim();
        if (/^\d+$/.test(idx)) path.push(Number(idx));
        else path.push(idx.replace(/^["']|["']$/g, ""));
        this.i = end + 1;
      } else break;
    }
    if (path.length === 0) throw new FilterPatternError("empty selector");
    return path;
  }
  private parseValue(): { value: string | number; quoted: boolean } {
    if (this.s[this.i] === '"') {
      let j = this.i + 1;
      let out = "";
      while (j < this.s.length && this.s[j] !== '"') {
        if (this.s[j] === "\\" && j + 1 < this.s.length) j++;
        out += this.s[j];
        j++;
      }
      if (j >= this.s.length) throw new FilterPatternError("unterminated string value");
      this.i = j + 1;
      return { value: out, quoted: true };
    }
    if (this.s[this.i] === "%") throw new FilterPatternError("regular expression values are not supported");
    const m = /^[^\s()&|]+/.exec(this.s.slice(this.i));
    if (!m) throw new FilterPatternError("expected a value");
    this.i += m[0].length;
    const raw = m[0];
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return { value: Number(raw), quoted: false };
    return { value: raw, quoted: false };
  }
}

const MISSING = Symbol("missing");

function resolve(obj: unknown, selector: Selector): unknown {
  let cur: unknown = obj;
  for (const key of selector) {
    if (cur === null || typeof cur !== "object") return MISSING;
    if (typeof key === "number") {
      if (!Array.isArray(cur) || key >= cur.length) return MISSING;
      cur = cur[key];
    } else {
      if (Array.isArray(cur) || !Object.hasOwn(cur, key)) return MISSING;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

function wildcardMatch(text: string, pattern: string): boolean {
  if (!pattern.includes("*")) return text === pattern;
  const re = new RegExp(`^${pattern.split("*").map(escapeRe).join(".*")}$`, "s");
  return re.test(text);
}
function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function evalJson(e: JsonExpr, doc: unknown): boolean {
  switch (e.kind) {
    case "and":
      return evalJson(e.left, doc) && evalJson(e.right, doc);
    case "or":
      return evalJson(e.left, doc) || evalJson(e.right, doc);
    case "null":
      return resolve(doc, e.selector) === null;
    case "notExists":
      return resolve(doc, e.selector) === MISSING;
    case "exists":
      return resolve(doc, e.selector) !== MISSING;
    case "true":
      return resolve(doc, e.selector) === true;
    case "false":
      return resolve(doc, e.selector) === false;
    case "cmp": {
      const v = resolve(doc, e.selector);
      if (v === MISSING || v === null || typeof v === "object") return false;
      if (typeof e.value === "number") {
        const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
        if (Number.isNaN(n)) return e.op === "!=" && typeof v !== "number";
        switch (e.op) {
          case "=":
            return n === e.value;
          case "!=":
            return n !== e.value;
          case "<":
            return n < e.value;
          case "<=":
            return n <= e.value;
          case ">":
            return n > e.value;
          case ">=":
            return n >= e.value;
        }
      }
      const text = String(v);
      const eq = wildcardMatch(text, e.value);
      return e.op === "=" ? eq : !eq;
    }
  }
}

/** True when `message` (one log event) matches the parsed pattern. */
export function matchesPattern(pattern: FilterPattern, message: string, parsedJson?: unknown): boolean {
  switch (pattern.kind) {
    case "all":
      return true;
    case "terms": {
      if (pattern.all.some((t) => !message.includes(t))) return false;
      if (pattern.any.length > 0 && !pattern.any.some((t) => message.includes(t))) return false;
      if (pattern.none.some((t) => message.includes(t))) return false;
      return pattern.all.length + pattern.any.length > 0 || pattern.none.length > 0;
    }
    case "json": {
      let doc = parsedJson;
      if (doc === undefined) {
        try {
          doc = JSON.parse(message);
        } catch {
          return false;
        }
      }
      if (doc === null || typeof doc !== "object") return false;
      return evalJson(pattern.expr, doc);
    }
  }
}

/** Convenience: parse then match. Throws FilterPatternError for an invalid pattern. */
export function matches(pattern: string, message: string): boolean {
  return matchesPattern(parseFilterPattern(pattern), message);
}

/** Compiles a pattern into a predicate over log messages (and optionally their parsed JSON). */
export function compileFilterPattern(pattern: string): (message: string, parsedJson?: unknown) => boolean {
  const parsed = parseFilterPattern(pattern);
  return (message, parsedJson) => matchesPattern(parsed, message, parsedJson);
}

/**
 * The CloudWatch Logs Insights subset the simulator understands (what blindspot sends):
 *   fields F1, F2, ...                      (also `display`)
 *   filter COND                             COND: F = V | F != V | F in [V, ...] | F not in [...] | F like /re/ | F like "x"
 *                                           | ispresent(F) | not ispresent(F) combined with and / or / parentheses
 *   sort F asc|desc
 *   limit N
 *   stats count(*) [as NAME] [by bin(N d|h|m|s) | by F]
 * Fields are record paths (eventID, userIdentity.type) or @timestamp, @message, @logStream, @log, @ingestionTime.
 * Anything else is a MalformedQueryException.
 */

export class MalformedQuery extends Error {}

type Cond =
  | { k: "and" | "or"; a: Cond; b: Cond }
  | { k: "not"; a: Cond }
  | { k: "cmp"; f: string; op: "=" | "!=" | "<" | ">" | "<=" | ">="; v: string | number }
  | { k: "in"; f: string; vs: Set<string>; neg: boolean }
  | { k: "like"; f: string; re: RegExp }
  | { k: "present"; f: string };

export interface InsightsQuery {
  fields?: string[];
  filters: Cond[];
  sort?: { f: string; desc: boolean };
  limit?: number;
  stats?: { alias: string; by?: { bin?: number; binLabel?: string; field?: string } };
}

export interface LogRow {
  timestamp: number;
  ingestionTime: number;
  message: string;
  record: Record<string, unknown>;
  logStream: string;
  logGroup: string;
  ptr: string;
  /**
   * Top-level record fields known without building the record (each must equal `record[name]`). A field query reads
   * them first, so `filter eventID in [...]` over a week of an organization's events renders none of them.
   */
  knownFields?: Readonly<Record<string, unknown>>;
}

function splitPipes(q: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | undefined;
  for (const ch of q) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === "`") {
      quote = ch;
      cur += ch;
    } else if (ch === "|") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

class CondParser {
  private i = 0;
  constructor(private readonly s: string) {}
  private ws() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  private kw(w: string): boolean {
    this.ws();
    const m = this.s.slice(this.i, this.i + w.length);
    const after = this.s[this.i + w.length];
    if (m.toLowerCase() === w && (after === undefined || /[\s([]/.test(after))) {
      this.i += w.length;
      return true;
    }
    return false;
  }
  end() {
    this.ws();
    if (this.i < this.s.length) throw new MalformedQuery(`unexpected "${this.s.slice(this.i)}"`);
  }
  or(): Cond {
    let a = this.and();
    while (this.kw("or")) a = { k: "or", a, b: this.and() };
    return a;
  }
  private and(): Cond {
    let a = this.unary();
    while (this.kw("and")) a = { k: "and", a, b: this.unary() };
    return a;
  }
  private unary(): Cond {
    if (this.kw("not")) return { k: "not", a: this.unary() };
    this.ws();
    if (this.s[this.i] === "(") {
      this.i++;
      const c = this.or();
      this.ws();
      if (this.s[this.i] !== ")") throw new MalformedQuery("missing )");
      this.i++;
      return c;
    }
    if (this.kw("ispresent")) {
      this.ws();
      const m = /^\(\s*([\w@.$-]+)\s*\)/.exec(this.s.slice(this.i));
      if (!m) throw new MalformedQuery("ispresent(field) expected");
      this.i += m[0].length;
      return { k: "present", f: m[1]! };
    }
    const f = this.field();
    this.ws();
    const rest = this.s.slice(this.i);
    const op = /^(!=|<=|>=|==|=|<|>)/.exec(rest)?.[1];
    if (op) {
      this.i += op.length;
      const v = this.value();
      return { k: "cmp", f, op: (op === "==" ? "=" : op) as "=", v };
    }
    if (this.kw("not")) {
      if (!this.kw("in")) throw new MalformedQuery("expected in after not");
      return { k: "in", f, vs: new Set(this.list().map(String)), neg: true };
    }
    if (this.kw("in")) return { k: "in", f, vs: new Set(this.list().map(String)), neg: false };
    if (this.kw("like")) {
      this.ws();
      if (this.s[this.i] === "/") {
        const end = this.s.indexOf("/", this.i + 1);
        if (end < 0) throw new MalformedQuery("unterminated regex");
        const re = new RegExp(this.s.slice(this.i + 1, end));
        this.i = end + 1;
        return { k: "like", f, re };
      }
      const v = String(this.value());
      return { k: "like", f, re: new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) };
    }
    throw new MalformedQuery(`expected a comparison after ${f}`);
  }
  private field(): string {
    this.ws();
    if (this.s[this.i] === "`") {
      const end = this.s.indexOf("`", this.i + 1);
      const f = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return f;
    }
    const m = /^[@A-Za-z_][\w@.$-]*/.exec(this.s.slice(this.i));
    if (!m) throw new MalformedQuery(`expected a field at "${this.s.slice(this.i, this.i + 20)}"`);
    this.i += m[0].length;
    return m[0];
  }
  private value(): string | number {
    this.ws();
    const c = this.s[this.i];
    if (c === '"' || c === "'") {
      const end = this.s.indexOf(c, this.i + 1);
      if (end < 0) throw new MalformedQuery("unterminated string");
      const v = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return v;
    }
    const m = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return Number(m[0]);
    }
    const w = /^(true|false)\b/.exec(this.s.slice(this.i));
    if (w) {
      this.i += w[0].length;
      return w[0];
    }
    throw new MalformedQuery("expected a quoted string or a number");
  }
  private list(): (string | number)[] {
    this.ws();
    if (this.s[this.i] !== "[") throw new MalformedQuery("expected [ after in");
    this.i++;
    const out: (string | number)[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] === "]") {
        this.i++;
        return out;
      }
      throw new MalformedQuery("expected , or ] in list");
    }
  }
}

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a query of the supported subset; throws MalformedQuery otherwise. */
export function parseInsightsQuery(query: string): InsightsQuery {
  const q: InsightsQuery = { filters: [] };
  const parts = splitPipes(query);
  if (parts.length === 0) throw new MalformedQuery("empty query");
  for (const part of parts) {
    const m = /^(\w+)\s*(.*)$/s.exec(part);
    if (!m) throw new MalformedQuery(`cannot parse "${part}"`);
    const cmd = m[1]!.toLowerCase();
    const rest = m[2]!.trim();
    switch (cmd) {
      case "fields":
      case "display": {
        const fs = rest.split(",").map((f) => f.trim().replace(/^`|`$/g, ""));
        if (fs.some((f) => !/^[@A-Za-z_][\w@.$-]*$/.test(f))) throw new MalformedQuery(`unsupported fields "${rest}"`);
        q.fields = fs;
        break;
      }
      case "filter": {
        const p = new CondParser(rest);
        const c = p.or();
        p.end();
        q.filters.push(c);
        break;
      }
      case "sort": {
        const sm = /^([@A-Za-z_][\w@.$-]*)(\s+(asc|desc))?$/i.exec(rest);
        if (!sm) throw new MalformedQuery(`unsupported sort "${rest}"`);
        q.sort = { f: sm[1]!, desc: (sm[3] ?? "desc").toLowerCase() === "desc" };
        break;
      }
      case "limit": {
        const n = Number(rest);
        if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new MalformedQuery("limit must be 1..10000");
        q.limit = n;
        break;
      }
      case "stats": {
        const sm = /^count\(\s*\*?\s*\)(\s+as\s+(\w+))?(\s+by\s+(.+))?$/i.exec(rest);
        if (!sm) throw new MalformedQuery(`unsupported stats "${rest}"`);
        const alias = sm[2] ?? "count(*)";
        const by = sm[4]?.trim();
        if (!by) q.stats = { alias };
        else {
          const bm = /^bin\(\s*(\d+)\s*([smhd])\s*\)$/.exec(by);
          if (bm) q.stats = { alias, by: { bin: Number(bm[1]) * UNIT[bm[2]!]!, binLabel: `bin(${bm[1]}${bm[2]})` } };
          else if (/^[@A-Za-z_][\w@.$-]*$/.test(by)) q.stats = { alias, by: { field: by } };
          else throw new MalformedQuery(`unsupported stats grouping "${by}"`);
        }
        break;
      }
      default:
        throw new MalformedQuery(`unsupported command "${cmd}"`);
    }
  }
  return q;
}

function fmtTs(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** Field name → record path (a query reads the same few fields of every row; bounded, it is only a memo). */
const fieldPaths = new Map<string, readonly string[]>();

function fieldPath(f: string): readonly string[] {
  let path = fieldPaths.get(f);
  if (!path) {
    if (fieldPaths.size >= 1000) fieldPaths.clear();
    path = f.split(".");
    fieldPaths.set(f, path);
  }
  return path;
}

function get(row: LogRow, f: string): unknown {
  switch (f) {
    case "@timestamp":
      return row.timestamp;
    case "@message":
      return row.message;
    case "@logStream":
      return row.logStream;
    case "@log":
      return row.logGroup;
    case "@ingestionTime":
      return row.ingestionTime;
    case "@ptr":
      return row.ptr;
  }
  const known = row.knownFields;
  if (known !== undefined && Object.hasOwn(known, f)) return known[f];
  let cur: unknown = row.record;
  for (const k of fieldPath(f)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function show(f: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (f === "@timestamp" || f === "@ingestionTime") return fmtTs(v as number);
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function evalCond(c: Cond, row: LogRow): boolean {
  switch (c.k) {
    case "and":
      return evalCond(c.a, row) && evalCond(c.b, row);
    case "or":
      return evalCond(c.a, row) || evalCond(c.b, row);
    case "not":
      return !evalCond(c.a, row);
    case "present":
      return get(row, c.f) !== undefined && get(row, c.f) !== null;
    case "like": {
      const v = get(row, c.f);
      return v !== undefined && v !== null && c.re.test(String(v));
    }
    case "in": {
      const v = get(row, c.f);
      const hit = v !== undefined && v !== null && c.vs.has(String(v));
      return c.neg ? !hit : hit;
    }
    case "cmp": {
      const v = get(row, c.f);
      if (v === undefined || v === null) return c.op === "!=";
      if (typeof c.v === "number" || (c.op !== "=" && c.op !== "!=")) {
        const n = Number(v);
        const t = Number(c.v);
        switch (c.op) {
          case "=":
            return n === t;
          case "!=":
            return n !== t;
          case "<":
            return n < t;
          case ">":
            return n > t;
          case "<=":
            return n <= t;
          case ">=":
            return n >= t;
        }
      }
      return c.op === "=" ? String(v) === c.v : String(v) !== c.v;
    }
  }
}

export interface QueryOutput {
  results: { field: string; value: string }[][];
  recordsScanned: number;
  recordsMatched: number;
}

/** Runs a parsed query over rows (already restricted to the time range). */
export function runInsightsQuery(q: InsightsQuery, rows: LogRow[], maxRows: number): QueryOutput {
  const matched = rows.filter((r) => q.filters.every((c) => evalCond(c, r)));
  const limit = Math.min(q.limit ?? maxRows, maxRows);
  if (q.stats) {
    const groups = new Map<string, number>();
    const label = q.stats.by?.binLabel ?? q.stats.by?.field;
    for (const r of matched) {
      let key = "";
      if (q.stats.by?.bin) key = fmtTs(Math.floor(r.timestamp / q.stats.by.bin) * q.stats.by.bin);
      else if (q.stats.by?.field) key = show(q.stats.by.field, get(r, q.stats.by.field)) ?? "";
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    let entries = [...groups.entries()];
    if (q.stats.by?.bin) entries.sort((a, b) => (a[0] < b[0] ? 1 : -1));
    if (q.sort) {
      const desc = q.sort.desc;
      const f = q.sort.f;
      entries.sort((a, b) => {
        const va = f === q.stats!.alias ? a[1] : a[0];
        const vb = f === q.stats!.alias ? b[1] : b[0];
        return (va < vb ? -1 : va > vb ? 1 : 0) * (desc ? -1 : 1);
      });
    }
    entries = entries.slice(0, limit);
    return {
      results: entries.map(([k, n]) => [
        ...(label ? [{ field: label, value: k }] : []),
        { field: q.stats!.alias, value: String(n) },
      ]),
      recordsScanned: rows.length,
      recordsMatched: matched.length,
    };
  }
  const sort = q.sort ?? { f: "@timestamp", desc: true };
  const sorted = [...matched].sort((a, b) => {
    const va = get(a, sort.f) as string | number;
    const vb = get(b, sort.f) as string | number;
    return (va < vb ? -1 : va > vb ? 1 : 0) * (sort.desc ? -1 : 1);
  });
  const fields = q.fields ?? ["@timestamp", "@message"];
  return {
    results: sorted.slice(0, limit).map((r) => {
      const out: { field: string; value: string }[] = [];
      for (const f of fields) {
        const v = show(f, get(r, f));
        if (v !== undefined) out.push({ field: f, value: v });
      }
      out.push({ field: "@ptr", value: r.ptr });
      return out;
    }),
    recordsScanned: rows.length,
    recordsMatched: matched.length,
  };
}

/**
 * A small, documented KQL subset for the Log Analytics query API (the queries blindspot sends).
 *
 * query    := source ( '|' operator )*
 * source   := Table | 'union' ['isfuzzy=true'] Table (',' Table)*
 * operator := where EXPR | summarize AGG (',' AGG)* ['by' KEY (',' KEY)*] | project COL (',' [name '='] COL)*
 *           | take N | limit N | order by COL [asc|desc] | sort by COL [asc|desc] | count | distinct COL (',' COL)*
 * AGG      := [name '='] ( count() | dcount(COL) | min(COL) | max(COL) )
 * KEY      := COL | [name '='] bin(COL, TIMESPAN)
 * EXPR     := CMP ( (and|or) CMP )*, with parentheses and `not(...)`
 * CMP      := COL (==|!=|=~|!~|>|>=|<|<=) LITERAL | COL [!]in[~] (LITERAL, ...) | COL between (LIT .. LIT)
 * LITERAL  := "string" | 'string' | number | TIMESPAN (1d, 12h, 30m) | datetime(ISO) | ago(TIMESPAN) | now()
 * Anything else is answered 400 BadArgumentError naming the unsupported part.
 */

export type Cell = string | number | boolean | null;
export type ColumnType = "string" | "datetime" | "long" | "int" | "bool" | "real";
export interface Column {
  name: string;
  type: ColumnType;
}
/** Rows: datetime cells are ms since epoch internally. */
export interface Frame {
  columns: Column[];
  rows: Cell[][];
}

export class KqlError extends Error {
  constructor(
    readonly kind: "syntax" | "semantic" | "unsupported",
    message: string,
    readonly token?: string,
    readonly pos?: number,
  ) {
    super(message);
  }
}

type Tok = { t: "id" | "str" | "num" | "span" | "op" | "end"; v: string; pos: number };

const SPAN_UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let v = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) {
          v += src[j + 1];
          j += 2;
        } else v += src[j++];
      }
      if (j >= src.length) throw new KqlError("syntax", "unterminated string literal", src.slice(i), i);
      out.push({ t: "str", v, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^(\d+(?:\.\d+)?)(ms|d|h|m|s)?\b/.exec(src.slice(i));
    if (num) {
      out.push({ t: num[2] ? "span" : "num", v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: "id", v: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|=~|!~|>=|<=|\.\.|!in~|!in|[|,()=<>!~;])/.exec(src.slice(i));
    if (op) {
      out.push({ t: "op", v: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    throw new KqlError("syntax", `unexpected character '${c}'`, c, i);
  }
  out.push({ t: "end", v: "<EOF>", pos: src.length });
  return out;
}

export type Expr =
  | { k: "col"; name: string }
  | { k: "lit"; v: Cell; type: ColumnType | "timespan" }
  | { k: "cmp"; op: string; left: Expr; right: Expr }
  | { k: "in"; left: Expr; list: Expr[]; negate: boolean; ci: boolean }
  | { k: "between"; left: Expr; lo: Expr; hi: Expr }
  | { k: "logic"; op: "and" | "or"; left: Expr; right: Expr }
  | { k: "not"; e: Expr };

export type Agg = { name: string; fn: "count" | "dcount" | "min" | "max"; col?: string };
export type Key = { name: string; col: string; bin?: number };

export type Operator =
  | { op: "where"; e: Expr }
  | { op: "summarize"; aggs: Agg[]; by: Key[] }
  | { op: "project"; cols: { name: string; col: string }[] }
  | { op: "take"; n: number }
  | { op: "order"; col: string; desc: boolean }
  | { op: "count" }
  | { op: "distinct"; cols: string[] };

export interface Query {
  tables: string[];
  fuzzy: boolean;
  ops: Operator[];
}

const SUPPORTED_OPERATORS = "where, summarize, project, take, limit, order by, sort by, count, distinct";

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly now: number,
  ) {}
  private peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)]!;
  }
  private next(): Tok {
    return this.toks[this.i++] ?? this.toks[this.toks.length - 1]!;
  }
  private fail(tok: Tok): never {
    throw new KqlError("syntax", `Query could not be parsed at '${tok.v}' on line [1,${tok.pos}]`, tok.v, tok.pos);
  }
  private expectOp(v: string): void {
    const t = this.next();
    if (t.t !== "op" || t.v !== v) this.fail(t);
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === "op" && t.v === v;
  }
  private isKw(v: string): boolean {
    const t = this.peek();
    return t.t === "id" && t.v === v;
  }
  private ident(): string {
    const t = this.next();
    if (t.t !== "id") this.fail(t);
    return t.v;
  }

  parse(): Query {
    const q: Query = { tables: [], fuzzy: false, ops: [] };
    if (this.isKw("union")) {
      this.next();
      while (this.peek().t === "id" && this.peek(1).t === "op" && this.peek(1).v === "=") {
        const name = this.ident();
        this.next();
        const val = this.next();
        if (name === "isfuzzy" && val.v === "true") q.fuzzy = true;
        else if (name !== "isfuzzy" || val.v !== "false") {
          throw new KqlError("unsupported", `union parameter '${name}=${val.v}' (only isfuzzy=true|false)`);
        }
      }
      q.tables.push(this.ident());
      while (this.isOp(",")) {
        this.next();
        q.tables.push(this.ident());
      }
    } else {
      const t = this.peek();
      if (t.t !== "id") this.fail(t);
      if (["let", "search", "find", "print", "datatable", "range", "materialize", "externaldata"].includes(t.v)) {
        throw new KqlError("unsupported", `the '${t.v}' statement`);
      }
      q.tables.push(this.ident());
    }
    while (this.peek().t !== "end") {
      this.expectOp("|");
      q.ops.push(this.operator());
    }
    return q;
  }

  private operator(): Operator {
    const t = this.next();
    if (t.t !== "id") this.fail(t);
    switch (t.v) {
      case "where":
      case "filter":
        return { op: "where", e: this.expr() };
      case "take":
      case "limit": {
        const n = this.next();
        if (n.t !== "num") this.fail(n);
        return { op: "take", n: Number(n.v) };
      }
      case "count":
        return { op: "count" };
      case "order":
      case "sort": {
        if (this.ident() !== "by") this.fail(this.toks[this.i - 1]!);
        const col = this.ident();
        let desc = true;
        if (this.isKw("asc") || this.isKw("desc")) desc = this.next().v === "desc";
        if (this.isOp(",")) throw new KqlError("unsupported", "ordering by more than one column");
        return { op: "order", col, desc };
      }
      case "project": {
        const cols: { name: string; col: string }[] = [];
        do {
          if (cols.length > 0) this.next();
          const name = this.ident();
          if (this.isOp("=")) {
            this.next();
            const col = this.ident();
            if (this.isOp("(")) throw new KqlError("unsupported", `function '${col}()' in project`);
            cols.push({ name, col });
          } else {
            if (this.isOp("(")) throw new KqlError("unsupported", `function '${name}()' in project`);
            cols.push({ name, col: name });
          }
        } while (this.isOp(","));
        return { op: "project", cols };
      }
      case "distinct": {
        const cols = [this.ident()];
        while (this.isOp(",")) {
          this.next();
          cols.push(this.ident());
        }
        return { op: "distinct", cols };
      }
      case "summarize": {
        const aggs: Agg[] = [];
        const by: Key[] = [];
        if (!this.isKw("by")) {
          do {
            if (aggs.length > 0) this.next();
            aggs.push(this.agg());
          } while (this.isOp(","));
        }
        if (this.isKw("by")) {
          this.next();
          do {
            if (by.length > 0) this.next();
            by.push(this.key());
          } while (this.isOp(","));
        }
        if (aggs.length === 0 && by.length === 0) this.fail(this.peek());
        return { op: "summarize", aggs, by };
      }
      default:
        throw new KqlError("unsupported", `the '${t.v}' operator (supported: ${SUPPORTED_OPERATORS})`);
    }
  }

  private agg(): Agg {
    let name: string | undefined;
    if (this.peek().t === "id" && this.peek(1).t === "op" && this.peek(1).v === "=") {
      name = this.ident();
      this.next();
    }
    const fn = this.ident();
    this.expectOp("(");
    if (fn === "count") {
      this.expectOp(")");
      return { name: name ?? "count_", fn: "count" };
    }
    if (fn === "dcount" || fn === "min" || fn === "max") {
      const col = this.ident();
      this.expectOp(")");
      return { name: name ?? `${fn}_${col}`, fn, col };
    }
    throw new KqlError("unsupported", `the aggregation '${fn}()' (supported: count, dcount, min, max)`);
  }

  private key(): Key {
    let name: string | undefined;
    if (this.peek().t === "id" && this.peek(1).t === "op" && this.peek(1).v === "=") {
      name = this.ident();
      this.next();
    }
    const id = this.ident();
    if (this.isOp("(")) {
      if (id !== "bin" && id !== "floor") throw new KqlError("unsupported", `the function '${id}()' in summarize by`);
      this.next();
      const col = this.ident();
      this.expectOp(",");
      const span = this.next();
      if (span.t !== "span") this.fail(span);
      this.expectOp(")");
      return { name: name ?? col, col, bin: spanMs(span.v) };
    }
    return { name: name ?? id, col: id };
  }

  expr(): Expr {
    let left = this.andExpr();
    while (this.isKw("or")) {
      this.next();
      left = { k: "logic", op: "or", left, right: this.andExpr() };
    }
    return left;
  }
  private andExpr(): Expr {
    let left = this.cmp();
    while (this.isKw("and")) {
      this.next();
      left = { k: "logic", op: "and", left, right: this.cmp() };
    }
    return left;
  }
  private cmp(): Expr {
    if (this.isOp("(")) {
      this.next();
      const e = this.expr();
      this.expectOp(")");
      return e;
    }
    if (this.isKw("not") && this.peek(1).v === "(") {
      this.next();
      this.next();
      const e = this.expr();
      this.expectOp(")");
      return { k: "not", e };
    }
    const left = this.operand();
    const t = this.peek();
    if (t.t === "op" && ["==", "!=", "=~", "!~", ">", ">=", "<", "<="].includes(t.v)) {
      this.next();
      return { k: "cmp", op: t.v, left, right: this.operand() };
    }
    if ((t.t === "id" && (t.v === "in" || t.v === "between")) || (t.t === "op" && (t.v === "!in" || t.v === "!in~"))) {
      this.next();
      if (t.v === "between") {
        this.expectOp("(");
        const lo = this.operand();
        this.expectOp("..");
        const hi = this.operand();
        this.expectOp(")");
        return { k: "between", left, lo, hi };
      }
      let ci = t.v.endsWith("~");
      if (t.v === "in" && this.isOp("~")) {
        this.next();
        ci = true;
      }
      this.expectOp("(");
      const list: Expr[] = [];
      if (!this.isOp(")")) {
        do {
          if (list.length > 0) this.next();
          list.push(this.operand());
        } while (this.isOp(","));
      }
      this.expectOp(")");
      return { k: "in", left, list, negate: t.v.startsWith("!"), ci };
    }
    if (t.t === "id" && ["has", "contains", "startswith", "endswith", "matches", "has_any"].includes(t.v)) {
      throw new KqlError("unsupported", `the string operator '${t.v}'`);
    }
    this.fail(t);
  }
  private operand(): Expr {
    const t = this.next();
    if (t.t === "str") return { k: "lit", v: t.v, type: "string" };
    if (t.t === "num") return { k: "lit", v: Number(t.v), type: t.v.includes(".") ? "real" : "long" };
    if (t.t === "span") return { k: "lit", v: spanMs(t.v), type: "timespan" };
    if (t.t === "id") {
      if (t.v === "true" || t.v === "false") return { k: "lit", v: t.v === "true", type: "bool" };
      if (this.isOp("(")) {
        this.next();
        if (t.v === "now") {
          this.expectOp(")");
          return { k: "lit", v: this.now, type: "datetime" };
        }
        if (t.v === "ago") {
          const s = this.next();
          if (s.t !== "span") this.fail(s);
          this.expectOp(")");
          return { k: "lit", v: this.now - spanMs(s.v), type: "datetime" };
        }
        if (t.v === "datetime") {
          let raw = "";
          while (!this.isOp(")") && this.peek().t !== "end") raw += this.source(this.next());
          this.expectOp(")");
          const ms = Date.parse(raw.trim());
          if (Number.isNaN(ms)) throw new KqlError("syntax", `invalid datetime literal '${raw}'`, raw, t.pos);
          return { k: "lit", v: ms, type: "datetime" };
        }
        throw new KqlError("unsupported", `the function '${t.v}()'`);
      }
      return { k: "col", name: t.v };
    }
    this.fail(t);
  }
  private source(t: Tok): string {
    return t.t === "str" ? t.v : t.v;
  }
}

/** The datetime(...) literal tokenizes into pieces; re-join them from the source text instead. */
function fixDatetimeLiterals(src: string): string {
  return src.replace(
    /datetime\(\s*([^)]*?)\s*\)/g,
    (_m, inner: string) => `datetime("${inner.replace(/^["']|["']$/g, "")}")`,
  );
}

function spanMs(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|d|h|m|s)$/.exec(v)!;
  return Number(m[1]) * SPAN_UNITS[m[2]!]!;
}

export function parseKql(src: string, now: number): Query {
  return new Parser(tokenize(fixDatetimeLiterals(src)), now).parse();
}

// ---------------------------------------------------------------- evaluation

function colIndex(frame: Frame, name: string, where: string): number {
  const i = frame.columns.findIndex((c) => c.name === name);
  if (i < 0) {
    throw new KqlError(
      "semantic",
      `'${where}' operator: Failed to resolve column or scalar expression named '${name}'`,
    );
  }
  return i;
}

type Evaluated = { v: Cell; type: ColumnType | "timespan" };
type Compiled = (row: Cell[]) => Evaluated;

const TRUE: Evaluated = { v: true, type: "bool" };
const FALSE: Evaluated = { v: false, type: "bool" };

/**
 * Compiles an expression over a frame's columns into a row evaluator (done once per operator, not per row). Same
 * semantics and errors, raised at the same point, as evaluating the tree row by row: a column is resolved when the
 * first row reaches it (so an unknown column still fails only when there is a row to evaluate), and a type mismatch
 * is still reported for the first row that has a non-null value.
 */
function compileExpr(e: Expr, frame: Frame, where: string): Compiled {
  switch (e.k) {
    case "col": {
      let i = -1;
      let type: ColumnType = "string";
      return (row) => {
        if (i < 0) {
          i = colIndex(frame, e.name, where);
          type = frame.columns[i]!.type;
        }
        return { v: row[i] ?? null, type };
      };
    }
    case "lit": {
      const lit: Evaluated = { v: e.v, type: e.type };
      return () => lit;
    }
    case "logic": {
      const left = compileExpr(e.left, frame, where);
      const right = compileExpr(e.right, frame, where);
      const and = e.op === "and";
      return (row) => {
        const l = truthy(left(row));
        if (and && !l) return FALSE;
        if (!and && l) return TRUE;
        return truthy(right(row)) ? TRUE : FALSE;
      };
    }
    case "not": {
      const inner = compileExpr(e.e, frame, where);
      return (row) => (truthy(inner(row)) ? FALSE : TRUE);
    }
    case "cmp": {
      const left = compileExpr(e.left, frame, where);
      const op = e.op;
      if ((op === "=~" || op === "!~") && e.right.k === "lit" && e.right.v !== null) {
        // `Col =~ "literal"` (blindspot's SubscriptionId filter): fold the literal's case once, not once per row.
        const lit: Evaluated = { v: e.right.v, type: e.right.type };
        const folded = String(lit.v).toLowerCase();
        return (row) => {
          const l = left(row);
          checkComparable(l, lit, op);
          if (l.v === null) return compare(op, l.v, lit.v) ? TRUE : FALSE;
          const same = String(l.v).toLowerCase() === folded;
          return (op === "=~" ? same : !same) ? TRUE : FALSE;
        };
      }
      const right = compileExpr(e.right, frame, where);
      return (row) => {
        const l = left(row);
        const r = right(row);
        checkComparable(l, r, op);
        return compare(op, l.v, r.v) ? TRUE : FALSE;
      };
    }
    case "in":
      return e.list.every((x) => x.k === "lit") ? compileLiteralIn(e, frame, where) : compileIn(e, frame, where);
    case "between": {
      const left = compileExpr(e.left, frame, where);
      const low = compileExpr(e.lo, frame, where);
      const high = compileExpr(e.hi, frame, where);
      return (row) => {
        const l = left(row);
        const lo = low(row);
        let hi = high(row);
        if (l.type === "datetime" && hi.type === "timespan" && typeof lo.v === "number" && typeof hi.v === "number") {
          hi = { v: lo.v + hi.v, type: "datetime" };
        }
        checkComparable(l, lo, "between");
        return l.v !== null && compare(">=", l.v, lo.v) && compare("<=", l.v, hi.v) ? TRUE : FALSE;
      };
    }
  }
}

/** `x in (...)` with computed list items: every item evaluated and type-checked per row. */
function compileIn(e: Extract<Expr, { k: "in" }>, frame: Frame, where: string): Compiled {
  const left = compileExpr(e.left, frame, where);
  const items = e.list.map((x) => compileExpr(x, frame, where));
  return (row) => {
    const l = left(row);
    const vals = items.map((x) => x(row));
    for (const v of vals) checkComparable(l, v, "in");
    const hit = vals.some((v) =>
      e.ci && typeof l.v === "string" && typeof v.v === "string"
        ? l.v.toLowerCase() === v.v.toLowerCase()
        : l.v === v.v,
    );
    return (e.negate ? !hit : hit) ? TRUE : FALSE;
  };
}

/**
 * `x in (lit, ...)` (the shape blindspot sends, with up to 100 ids): set look-ups instead of comparing every item.
 * Equivalent to `compileIn`: the first item whose type cannot be compared with the value's type raises the same
 * error (literals are never null), `===` on a list of literals is membership (literals are never NaN), and under `in~`
 * a string matches case-insensitively only against string items.
 */
function compileLiteralIn(e: Extract<Expr, { k: "in" }>, frame: Frame, where: string): Compiled {
  const left = compileExpr(e.left, frame, where);
  const lits = e.list as Extract<Expr, { k: "lit" }>[];
  const exact = new Set<Cell>(lits.map((x) => x.v));
  const folded = new Set<string>();
  for (const x of lits) if (typeof x.v === "string") folded.add(x.v.toLowerCase());
  /** value type → the first item it cannot be compared with (memo of `checkComparable` over the list). */
  const mismatch = new Map<string, Evaluated | undefined>();
  return (row) => {
    const l = left(row);
    if (l.v !== null) {
      let bad = mismatch.get(l.type);
      if (!mismatch.has(l.type)) {
        bad = undefined;
        for (const x of lits) {
          const v: Evaluated = { v: x.v, type: x.type };
          if (!comparable(l, v)) {
            bad = v;
            break;
          }
        }
        mismatch.set(l.type, bad);
      }
      if (bad) checkComparable(l, bad, "in");
    }
    const hit = e.ci && typeof l.v === "string" ? folded.has(l.v.toLowerCase()) : exact.has(l.v);
    return (e.negate ? !hit : hit) ? TRUE : FALSE;
  };
}

function truthy(e: Evaluated): boolean {
  return e.v === true;
}

function numericLike(t: string): boolean {
  return t === "long" || t === "int" || t === "real";
}

/** Whether two non-null values' types can be compared. */
function comparable(l: Evaluated, r: Evaluated): boolean {
  return (
    l.type === r.type ||
    (numericLike(l.type) && numericLike(r.type)) ||
    (l.type === "datetime" && r.type === "datetime")
  );
}

function checkComparable(l: Evaluated, r: Evaluated, op: string): void {
  if (l.v === null || r.v === null) return;
  if (!comparable(l, r)) {
    throw new KqlError(
      "semantic",
      `Cannot compare values of types ${l.type} and ${r.type} with '${op}'. Try adding explicit casts`,
    );
  }
}

function compare(op: string, a: Cell, b: Cell): boolean {
  if (a === null || b === null) return op === "!=" || op === "!~" ? a !== b : false;
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "=~":
      return String(a).toLowerCase() === String(b).toLowerCase();
    case "!~":
      return String(a).toLowerCase() !== String(b).toLowerCase();
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      return false;
  }
}

export function runOperators(input: Frame, ops: Operator[]): Frame {
  let f = input;
  for (const op of ops) {
    switch (op.op) {
      case "where": {
        const test = compileExpr(op.e, f, "where");
        const rows = f.rows.filter((r) => truthy(test(r)));
        f = { columns: f.columns, rows };
        break;
      }
      case "take":
        f = { columns: f.columns, rows: f.rows.slice(0, op.n) };
        break;
      case "count":
        f = { columns: [{ name: "Count", type: "long" }], rows: [[f.rows.length]] };
        break;
      case "order": {
        const i = colIndex(f, op.col, "order");
        const rows = [...f.rows].sort((a, b) => {
          const x = a[i] ?? null;
          const y = b[i] ?? null;
          if (x === y) return 0;
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * (op.desc ? -1 : 1);
        });
        f = { columns: f.columns, rows };
        break;
      }
      case "project": {
        const idx = op.cols.map((c) => colIndex(f, c.col, "project"));
        f = {
          columns: op.cols.map((c, j) => ({ name: c.name, type: f.columns[idx[j]!]!.type })),
          rows: f.rows.map((r) => idx.map((i) => r[i] ?? null)),
        };
        break;
      }
      case "distinct": {
        const idx = op.cols.map((c) => colIndex(f, c, "distinct"));
        const seen = new Set<string>();
        const rows: Cell[][] = [];
        for (const r of f.rows) {
          const row = idx.map((i) => r[i] ?? null);
          const k = JSON.stringify(row);
          if (!seen.has(k)) {
            seen.add(k);
            rows.push(row);
          }
        }
        f = { columns: idx.map((i) => f.columns[i]!), rows };
        break;
      }
      case "summarize":
        f = summarize(f, op.aggs, op.by);
        break;
    }
  }
  return f;
}

function summarize(f: Frame, aggs: Agg[], by: Key[]): Frame {
  const keyIdx = by.map((k) => colIndex(f, k.col, "summarize"));
  by.forEach((k, j) => {
    if (k.bin !== undefined && f.columns[keyIdx[j]!]!.type !== "datetime") {
      throw new KqlError("unsupported", `bin() over the non-datetime column '${k.col}'`);
    }
  });
  const aggIdx = aggs.map((a) => (a.col === undefined ? -1 : colIndex(f, a.col, "summarize")));
  const groups = new Map<string, { key: Cell[]; rows: Cell[][] }>();
  for (const r of f.rows) {
    const key = by.map((k, j) => {
      const v = r[keyIdx[j]!] ?? null;
      return k.bin !== undefined && typeof v === "number" ? Math.floor(v / k.bin) * k.bin : v;
    });
    const ks = JSON.stringify(key);
    const g = groups.get(ks) ?? { key, rows: [] };
    groups.set(ks, g);
    g.rows.push(r);
  }
  if (by.length === 0 && groups.size === 0) groups.set("[]", { key: [], rows: [] });
  const columns: Column[] = [
    ...by.map((k, j) => ({ name: k.name, type: f.columns[keyIdx[j]!]!.type })),
    ...aggs.map((a, j): Column => {
      if (a.fn === "count" || a.fn === "dcount") return { name: a.name, type: "long" };
      return { name: a.name, type: f.columns[aggIdx[j]!]!.type };
    }),
  ];
  const rows: Cell[][] = [];
  for (const g of groups.values()) {
    const vals = aggs.map((a, j): Cell => {
      const i = aggIdx[j]!;
      if (a.fn === "count") return g.rows.length;
      const cells = g.rows.map((r) => r[i] ?? null).filter((v) => v !== null && v !== "");
      if (a.fn === "dcount") return new Set(cells).size;
      if (cells.length === 0) return null;
      return cells.reduce((m, v) => ((a.fn === "min" ? v! < m! : v! > m!) ? v : m));
    });
    rows.push([...g.key, ...vals]);
  }
  return { columns, rows };
}

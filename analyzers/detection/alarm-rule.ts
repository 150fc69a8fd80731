/**
 * CloudWatch composite-alarm rules (`AlarmRule` of PutCompositeAlarm / DescribeAlarms): a small parser and a
 * three-valued judgement of "does this composite go to ALARM whenever metric alarm X is in ALARM?".
 *
 * Grammar (documented): functions `ALARM(ref)`, `OK(ref)`, `INSUFFICIENT_DATA(ref)` where `ref` is an alarm name or
 * ARN, optionally in double quotes; constants `TRUE`, `FALSE`; operators `AND`, `OR`, `NOT`; parentheses.
 * Keywords are read case-insensitively (harmless: the meaning is the same). CloudWatch does not document the
 * precedence of AND against OR, so a level that mixes them without parentheses is judged under both readings
 * (AND binding tighter, and left to right) and only counts when both agree. NOT applies to the operand after it.
 *
 * Judgement (Kleene logic, sound and fail-closed): with X in ALARM, every other alarm's state is unknown; a rule
 * that is TRUE under every possible state of the others propagates X. Nested composites are evaluated to a fixed
 * point (a composite whose rule is TRUE given X is itself in ALARM). A composite that would be in ALARM whatever X's
 * state (e.g. `TRUE OR ALARM(x)`) never transitions because of X, so it does not propagate X either.
 */

export type AlarmState = "ALARM" | "OK" | "INSUFFICIENT_DATA";

export type RuleNode =
  | { kind: "state"; state: AlarmState; ref: string }
  | { kind: "const"; value: boolean }
  | { kind: "not"; arg: RuleNode }
  /** A run of operands joined by AND/OR (ops[i] joins operands[i] and operands[i + 1]). */
  | { kind: "chain"; operands: RuleNode[]; ops: ("AND" | "OR")[] };

export class AlarmRuleError extends Error {}

const FUNCTIONS: Record<string, AlarmState> = { ALARM: "ALARM", OK: "OK", INSUFFICIENT_DATA: "INSUFFICIENT_DATA" };

/** Parses an AlarmRule; throws AlarmRuleError on anything outside the documented grammar. */
export function parseAlarmRule(rule: string): RuleNode {
  let i = 0;
  const n = rule.length;
  const ws = () => {
    while (i < n && /\s/.test(rule[i]!)) i++;
  };
  const word = (): string | undefined => {
    ws();
    const m = /^[A-Za-z_]+/.exec(rule.slice(i));
    return m?.[0];
  };
  const fail = (what: string): never => {
    throw new AlarmRuleError(`${what} at position ${i + 1}`);
  };

  function operand(depth: number): RuleNode {
    if (depth > 100) fail("nesting too deep");
    ws();
    if (rule[i] === "(") {
      i++;
      const inner = chain(depth + 1);
      ws();
      if (rule[i] !== ")") fail("expected )");
      i++;
      return inner;
    }
    const w = word();
    if (!w) return fail(i >= n ? "unexpected end of rule" : `unexpected ${JSON.stringify(rule[i])}`);
    const up = w.toUpperCase();
    if (up === "NOT") {
      i += w.length;
      return { kind: "not", arg: operand(depth + 1) };
    }
    if (up === "TRUE" || up === "FALSE") {
      i += w.length;
      return { kind: "const", value: up === "TRUE" };
    }
    const state = FUNCTIONS[up];
    if (!state) return fail(`unknown word ${w}`);
    i += w.length;
    ws();
    if (rule[i] !== "(") fail(`expected ( after ${w}`);
    i++;
    ws();
    let ref: string;
    if (rule[i] === '"') {
      const end = rule.indexOf('"', i + 1);
      if (end < 0) fail("unterminated quoted alarm name");
      ref = rule.slice(i + 1, end);
      i = end + 1;
      ws();
    } else {
      const end = rule.indexOf(")", i);
      if (end < 0) fail(`expected ) to close ${w}(`);
      ref = rule.slice(i, end).trim();
      i = end;
    }
    if (rule[i] !== ")") fail(`expected ) to close ${w}(`);
    i++;
    if (!ref) fail(`empty alarm reference in ${w}()`);
    return { kind: "state", state, ref };
  }

  function chain(depth: number): RuleNode {
    const operands = [operand(depth)];
    const ops: ("AND" | "OR")[] = [];
    for (;;) {
      const w = word()?.toUpperCase();
      if (w !== "AND" && w !== "OR") break;
      i += w.length;
      ops.push(w);
      operands.push(operand(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: "chain", operands, ops };
  }

  const root = chain(0);
  ws();
  if (i < n) fail(`unexpected ${JSON.stringify(rule[i])}`);
  return root;
}

/** Every alarm reference in the rule (names or ARNs, as written). */
export function ruleReferences(node: RuleNode): string[] {
  switch (node.kind) {
    case "state":
      return [node.ref];
    case "const":
      return [];
    case "not":
      return ruleReferences(node.arg);
    case "chain":
      return node.operands.flatMap(ruleReferences);
  }
}

/** Three-valued truth: T true for every state of the unknown alarms, F false for every one, U depends. */
export type Tri = "T" | "F" | "U";

const not = (v: Tri): Tri => (v === "T" ? "F" : v === "F" ? "T" : "U");
const and = (vs: Tri[]): Tri => (vs.includes("F") ? "F" : vs.every((v) => v === "T") ? "T" : "U");
const or = (vs: Tri[]): Tri => (vs.includes("T") ? "T" : vs.every((v) => v === "F") ? "F" : "U");

/** A chain under "AND binds tighter than OR": OR of AND-groups. */
function tight(vs: Tri[], ops: ("AND" | "OR")[]): Tri {
  const groups: Tri[][] = [[vs[0]!]];
  ops.forEach((op, k) => {
    if (op === "AND") groups[groups.length - 1]!.push(vs[k + 1]!);
    else groups.push([vs[k + 1]!]);
  });
  return or(groups.map(and));
}

/** A chain read left to right with equal precedence. */
function leftToRight(vs: Tri[], ops: ("AND" | "OR")[]): Tri {
  let acc = vs[0]!;
  ops.forEach((op, k) => {
    acc = op === "AND" ? and([acc, vs[k + 1]!]) : or([acc, vs[k + 1]!]);
  });
  return acc;
}

const mixed = (ops: readonly string[]) => ops.includes("AND") && ops.includes("OR");

/** Evaluates a rule; `state(ref, s)` is the truth of `s(ref)`. */
export function evaluateRule(node: RuleNode, state: (ref: string, s: AlarmState) => Tri): Tri {
  switch (node.kind) {
    case "state":
      return state(node.ref, node.state);
    case "const":
      return node.value ? "T" : "F";
    case "not":
      return not(evaluateRule(node.arg, state));
    case "chain": {
      const vs = node.operands.map((o) => evaluateRule(o, state));
      if (!mixed(node.ops)) return node.ops[0] === "AND" ? and(vs) : or(vs);
      const a = tight(vs, node.ops);
      const b = leftToRight(vs, node.ops);
      return a === b ? a : "U";
    }
  }
}

/** What the judge needs of a composite alarm (a subset of the snapshot fact). */
export interface CompositeLike {
  name: string;
  arn?: string | undefined;
  alarmRule: string;
}

/** Account and region of the alarms (composite rules reference alarms of their own account and region). */
export interface AlarmHome {
  accountId: string;
  region: string;
}

/** The alarm name an ARN or name reference denotes in `home`, or undefined for an alarm elsewhere / not an alarm ARN. */
export function refName(ref: string, home: AlarmHome): string | undefined {
  if (!ref.startsWith("arn:")) return ref;
  const m = /^arn:[^:]+:cloudwatch:([^:]*):(\d{12}):alarm:(.+)$/.exec(ref);
  if (!m || m[1] !== home.region || m[2] !== home.accountId) return undefined;
  return m[3];
}

export interface Propagation {
  composite: string;
  /** True when the composite goes to ALARM whenever the metric alarm is in ALARM (and only then can it notify). */
  fires: boolean;
  /** Why not (for a composite that references the alarm directly or through other composites). */
  why?: string;
}

const parsed = new Map<string, RuleNode | AlarmRuleError>();
function parseMemo(rule: string): RuleNode | AlarmRuleError {
  let p = parsed.get(rule);
  if (!p) {
    try {
      p = parseAlarmRule(rule);
    } catch (err) {
      if (!(err instanceof AlarmRuleError)) throw err;
      p = err;
    }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(rule, p);
  }
  return p;
}

/** Names of the composites whose rules reference `alarm`, directly or through other composites. */
function reaching(
  alarm: string,
  composites: readonly CompositeLike[],
  home: AlarmHome,
  rules: Map<string, RuleNode | AlarmRuleError>,
): Map<string, boolean> {
  const direct = new Map<string, string[]>();
  for (const c of composites) {
    const r = rules.get(c.name);
    direct.set(
      c.name,
      !r || r instanceof AlarmRuleError
        ? []
        : ruleReferences(r)
            .map((x) => refName(x, home))
            .filter((x): x is string => !!x),
    );
  }
  const reaches = new Map<string, boolean>();
  for (const c of composites) reaches.set(c.name, false);
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of composites) {
      if (reaches.get(c.name)) continue;
      if (direct.get(c.name)!.some((x) => x === alarm || reaches.get(x))) {
        reaches.set(c.name, true);
        changed = true;
      }
    }
  }
  return reaches;
}

/**
 * The composites whose rules reference metric alarm `alarm` (by name or ARN), directly or through other composites:
 * the only ones whose actions could ever fire because of it (the collector reads their topics). No judgement.
 */
export function propagationCandidates<C extends CompositeLike>(
  alarm: string,
  composites: readonly C[],
  home: AlarmHome,
): C[] {
  const rules = new Map(composites.map((c) => [c.name, parseMemo(c.alarmRule)]));
  const reaches = reaching(alarm, composites, home, rules);
  return composites.filter((c) => reaches.get(c.name));
}

/**
 * For metric alarm `alarm` (by name), every composite of the same account and region that references it (directly
 * or through other composites): does it go to ALARM whenever `alarm` is in ALARM, and if not, why not.
 */
export function propagation(alarm: string, composites: readonly CompositeLike[], home: AlarmHome): Propagation[] {
  const byName = new Map(composites.map((c) => [c.name, c]));
  const rules = new Map(composites.map((c) => [c.name, parseMemo(c.alarmRule)]));

  const reaches = reaching(alarm, composites, home, rules);
  // An unparsable rule that names the alarm in its text is reported too (it cannot be judged).
  const unparsable = composites.filter(
    (c) => rules.get(c.name) instanceof AlarmRuleError && c.alarmRule.includes(alarm),
  );

  /** Composite values (ALARM(c) truth) with the metric alarm in state `s`, to a fixed point. */
  const solve = (s: AlarmState): Map<string, Tri> => {
    const vals = new Map<string, Tri>();
    for (const c of composites) vals.set(c.name, "U");
    const state = (ref: string, fn: AlarmState): Tri => {
      const name = refName(ref, home);
      if (name === undefined) return "U";
      if (name === alarm) return fn === s ? "T" : "F";
      if (byName.has(name)) {
        const v = vals.get(name)!;
        if (fn === "ALARM") return v;
        return v === "T" ? "F" : "U";
      }
      return "U";
    };
    for (let k = 0; k <= composites.length; k++) {
      let changed = false;
      for (const c of composites) {
        if (!reaches.get(c.name)) continue;
        const r = rules.get(c.name);
        if (!r || r instanceof AlarmRuleError) continue;
        const v = evaluateRule(r, state);
        if (v !== vals.get(c.name)) {
          vals.set(c.name, v);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return vals;
  };
  const inAlarm = solve("ALARM");
  const inOk = solve("OK");
  const inNoData = solve("INSUFFICIENT_DATA");

  const out: Propagation[] = [];
  for (const c of composites) {
    if (!reaches.get(c.name)) continue;
    const r = rules.get(c.name) as RuleNode;
    const v = inAlarm.get(c.name)!;
    if (v === "T") {
      if (inOk.get(c.name) === "T" && inNoData.get(c.name) === "T") {
        out.push({
          composite: c.name,
          fires: false,
          why: `its rule is in ALARM whatever the state of ${alarm}, so ${alarm} never changes it`,
        });
      } else out.push({ composite: c.name, fires: true });
      continue;
    }
    const state = (ref: string, fn: AlarmState): Tri => {
      const name = refName(ref, home);
      if (name === undefined) return "U";
      if (name === alarm) return fn === "ALARM" ? "T" : "F";
      if (byName.has(name)) {
        const x = inAlarm.get(name)!;
        return fn === "ALARM" ? x : x === "T" ? "F" : "U";
      }
      return "U";
    };
    out.push({ composite: c.name, fires: false, why: explain(r, state, alarm, v) });
  }
  for (const c of unparsable) {
    const err = rules.get(c.name) as AlarmRuleError;
    out.push({ composite: c.name, fires: false, why: `its rule cannot be judged (${err.message})` });
  }
  return out;
}

/** One line: why a rule is not TRUE with the alarm in ALARM (v is F or U). */
function explain(node: RuleNode, state: (ref: string, s: AlarmState) => Tri, alarm: string, v: Tri): string {
  if (v === "F") return `its rule is not in ALARM when ${alarm} is (it negates or excludes ${alarm})`;
  const culprit = findCulprit(node, state);
  return culprit ?? `its rule depends on the state of other alarms, not on ${alarm} alone`;
}

function show(node: RuleNode): string {
  switch (node.kind) {
    case "state":
      return `${node.state}(${node.ref})`;
    case "const":
      return node.value ? "TRUE" : "FALSE";
    case "not":
      return `NOT ${show(node.arg)}`;
    case "chain":
      return `(${node.operands.map(show).reduce((acc, s, k) => `${acc} ${node.ops[k - 1]} ${s}`)})`;
  }
}

function findCulprit(node: RuleNode, state: (ref: string, s: AlarmState) => Tri): string | undefined {
  switch (node.kind) {
    case "state":
      return `it depends on the state of ${node.ref}`;
    case "const":
      return undefined;
    case "not":
      return findCulprit(node.arg, state);
    case "chain": {
      const vs = node.operands.map((o) => evaluateRule(o, state));
      if (mixed(node.ops) && tight(vs, node.ops) !== leftToRight(vs, node.ops)) {
        return `its rule mixes AND and OR without parentheses (${show(node)}); CloudWatch does not document which binds tighter, so it is not counted`;
      }
      if (node.ops.includes("AND")) {
        const others = node.operands.filter((_, k) => vs[k] === "U").map(show);
        if (others.length && !node.ops.includes("OR"))
          return `its AND also requires ${others.join(" and ")}: this alarm alone does not trigger it (fail closed)`;
      }
      const k = vs.indexOf("U");
      return k >= 0 ? findCulprit(node.operands[k]!, state) : undefined;
    }
  }
}

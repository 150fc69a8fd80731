/**
 * Semantic judgement of a CloudWatch Logs filter pattern against a CIS event class: the pattern is evaluated by the
 * same engine the simulator's FilterLogEvents uses (src/logs-filter) on the class's representative records and
 * near-misses. No string or regex comparison with the CIS text: equivalent rewrites pass, weakened ones fail
 * naming exactly what slips through.
 */
import { compileFilterPattern, FilterPatternError } from "../../src/logs-filter/index.js";
import type { CisAwsClass } from "./cis-aws.js";

export interface FilterJudgement {
  /** Representatives the pattern matches / misses (labels). */
  matched: string[];
  missed: string[];
  /** Near-misses the pattern matches (it would alarm on routine events). */
  overMatched: string[];
  /** The pattern matches a record of the class's family (representative or related): it is about this class. */
  related: boolean;
  /** The pattern does not parse (CloudWatch would have refused it; treat as matching nothing). */
  invalid?: string;
}

const memo = new Map<string, FilterJudgement>();

/** Judges a pattern against a class (memoized: an organization's accounts share the same filters). */
export function judgeFilter(pattern: string, cls: CisAwsClass): FilterJudgement {
  const key = `${cls.id}\u0000${pattern}`;
  let j = memo.get(key);
  if (!j) {
    j = judgeOnce(pattern, cls);
    if (memo.size > 10_000) memo.clear();
    memo.set(key, j);
  }
  return j;
}

function judgeOnce(pattern: string, cls: CisAwsClass): FilterJudgement {
  let f: (message: string, parsed?: unknown) => boolean;
  try {
    f = compileFilterPattern(pattern);
  } catch (err) {
    if (!(err instanceof FilterPatternError)) throw err;
    return {
      matched: [],
      missed: cls.representatives.map((r) => r.label),
      overMatched: [],
      related: false,
      invalid: err.message,
    };
  }
  const test = (r: Record<string, unknown>) => f(JSON.stringify(r), r);
  const matched: string[] = [];
  const missed: string[] = [];
  for (const r of cls.representatives) (test(r.record) ? matched : missed).push(r.label);
  const overMatched = cls.nearMisses.filter((r) => test(r.record)).map((r) => r.label);
  const related = matched.length > 0 || (cls.related ?? []).some((r) => test(r.record));
  return { matched, missed, overMatched, related };
}

/** True when the pattern detects the class: every representative, no near-miss. */
export function covers(j: FilterJudgement): boolean {
  return !j.invalid && j.missed.length === 0 && j.overMatched.length === 0;
}

/** One line: what is wrong with a filter that is about this class (undefined when it covers it). */
export function describeGap(j: FilterJudgement): string | undefined {
  if (j.invalid) return `the pattern is invalid (${j.invalid})`;
  const parts: string[] = [];
  if (j.missed.length) parts.push(`${j.missed.join(", ")} ${j.missed.length === 1 ? "is" : "are"} not matched`);
  if (j.overMatched.length)
    parts.push(`it also matches ${j.overMatched.join(", ")}, so the alarm fires on routine events`);
  return parts.length ? parts.join("; ") : undefined;
}

/**
 * Scenario times are relative to the simulator's start so scenarios never go stale.
 * Accepted: `now`, a signed duration such as `-3d`, `-2h30m`, `-90d12h`, `+1h`, `-45s`, `-1500ms`, or an ISO-8601
 * timestamp (absolute, for fixtures).
 */
const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const RELATIVE = /^([+-])((?:\d+(?:ms|d|h|m|s))+)$/;
const PART = /(\d+)(ms|d|h|m|s)/g;

/** True when `spec` is a valid relative or absolute time. */
export function isTimeSpec(spec: string): boolean {
  return spec === "now" || RELATIVE.test(spec) || !Number.isNaN(Date.parse(spec));
}

/** Resolves a scenario time against `now`. Throws on an invalid spec. */
export function resolveTime(spec: string, now: Date): Date {
  if (spec === "now") return new Date(now.getTime());
  const m = RELATIVE.exec(spec);
  if (m) {
    let ms = 0;
    for (const part of m[2]!.matchAll(PART)) ms += Number(part[1]) * UNIT_MS[part[2]!]!;
    return new Date(now.getTime() + (m[1] === "-" ? -ms : ms));
  }
  const t = Date.parse(spec);
  if (Number.isNaN(t)) throw new Error(`invalid scenario time "${spec}": use now, -3d, -2h30m or an ISO timestamp`);
  return new Date(t);
}

/** Shared pieces of the blind-spot analyzers: evidence of a sample, durations, gap days, retention proof. */
import type { ApiError } from "../../src/model/common.js";
import type { Evidence } from "../../src/model/finding.js";
import type { DayCount, Destination, OldestEvent, SampleResult, TamperEvent } from "../../src/model/samples.js";

export const DAY_MS = 86_400_000;

/** Evidence lines must stay readable: at most this many missing events are listed per finding. */
export const MAX_LISTED = 200;

export function destinationLabel(d: Destination | null): string {
  if (!d) return "no SIEM destination (no trail or export delivers this scope)";
  switch (d.kind) {
    case "cloudwatch-logs":
      return `CloudWatch Logs ${d.id}`;
    case "s3":
      return `S3 ${d.id}`;
    case "cloudtrail-lake":
      return `CloudTrail Lake ${d.id}`;
    case "log-analytics":
      return `Log Analytics workspace ${d.id}`;
    case "siem-export":
      return `SIEM export ${d.id}`;
  }
}

export function errorEvidence(e: ApiError): Evidence {
  return { label: "error", value: `${e.code}: ${e.message}`, source: `${e.service}:${e.operation}`, at: e.at };
}

/** The facts of one sample: class, window, source, destination, counts, ratio and the missing events. */
export function sampleEvidence(s: SampleResult): Evidence[] {
  const out: Evidence[] = [
    {
      label: `${s.eventClass} sample`,
      value: {
        window: `${s.window.start} .. ${s.window.end}`,
        destination: destinationLabel(s.destination),
        sampled: s.sampled,
        found: s.found,
        missing: s.missing.length,
        ratio: s.sampled > 0 ? Math.round((s.found / s.sampled) * 1000) / 1000 : null,
        capped: s.capped,
      },
      source: `${s.source.service}:${s.source.operation}`,
      at: s.window.end,
    },
  ];
  if (s.error) out.push(errorEvidence(s.error));
  if (s.missing.length > 0) {
    out.push({
      label: `missing ${s.eventClass} events`,
      value: s.missing.slice(0, MAX_LISTED).map((m) => ({
        eventId: m.eventId,
        time: m.time,
        name: m.name,
        actor: m.actor ?? null,
        sourceIp: m.sourceIp ?? null,
        region: m.region ?? null,
      })),
    });
  }
  return out;
}

/** `2d 4h`, `3h 10m`, `12m`. */
export function formatDuration(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${mm}m`;
  return `${mm}m`;
}

/** Per day, the scope's classes added up; `siem: null` on a day any class could not count. */
export function mergeDays(samples: SampleResult[]): DayCount[] {
  const by = new Map<string, DayCount>();
  for (const s of samples) {
    for (const d of s.perDay) {
      const cur = by.get(d.day) ?? { day: d.day, source: 0, siem: 0 };
      cur.source += d.source;
      cur.siem = cur.siem === null || d.siem === null ? null : cur.siem + d.siem;
      by.set(d.day, cur);
    }
  }
  return [...by.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

export type GapVerdict =
  | { status: "fail"; gapDays: DayCount[]; days: DayCount[] }
  | { status: "pass"; days: DayCount[] }
  | { status: "unknown"; days: DayCount[] }
  /** Nothing to judge: no source events, or nothing ever arrived (a blind spot, reported as such). */
  | { status: "none" };

/**
 * A day proves a delivery gap only with at least this many sampled source events and none in the SIEM: a lone
 * missing event is a blind spot (reported by its own check), not evidence that delivery stopped that day.
 */
export const MIN_GAP_DAY_EVENTS = 2;

/** Days with source events and none in the SIEM, judged only where delivery works on other days. */
export function judgeGaps(samples: SampleResult[]): GapVerdict {
  if (samples.some((s) => s.destination === null)) return { status: "none" };
  const days = mergeDays(samples).filter((d) => d.source > 0);
  if (days.length === 0) return { status: "none" };
  if (days.some((d) => d.siem === null)) return { status: "unknown", days };
  if (!days.some((d) => (d.siem ?? 0) > 0)) return { status: "none" };
  // The day the window ends in is still open: its last events may be in flight (CloudTrail delivers within about
  // 15 minutes, Azure within minutes), so it is never judged a gap.
  const openDay = (
    samples
      .map((s) => s.window.end)
      .sort()
      .at(-1) ?? ""
  ).slice(0, 10);
  const gapDays = days.filter((d) => d.siem === 0 && d.source >= MIN_GAP_DAY_EVENTS && d.day !== openDay);
  if (gapDays.length === 0) return { status: "pass", days };
  return { status: "fail", gapDays, days };
}

/** Changes after which nothing is logged / exported until someone undoes them. */
export function loggingOff(name: string): boolean {
  return /^(StopLogging|DeleteTrail|DeleteLogGroup)$/.test(name) || /\/delete$/i.test(name);
}

/** One line per tamper event: who, when, what, and for a stop how long logging was off. */
export function describeTamper(t: TamperEvent, now: Date): string {
  const who = t.actor ?? "unknown actor (from the trail status)";
  const what = `${t.name}${t.resource ? ` on ${t.resource}` : ""}`;
  if (loggingOff(t.name)) {
    const end = t.resumedAt ? new Date(t.resumedAt) : now;
    const off = formatDuration(end.getTime() - new Date(t.time).getTime());
    return `${what} by ${who} at ${t.time}: logging off for ${off}${t.resumedAt ? ` (resumed ${t.resumedAt})` : " (not resumed)"}`;
  }
  return `${what} by ${who} at ${t.time}`;
}

export function tamperEvidence(t: TamperEvent, now: Date): Evidence {
  const offMs = loggingOff(t.name)
    ? (t.resumedAt ? new Date(t.resumedAt).getTime() : now.getTime()) - new Date(t.time).getTime()
    : undefined;
  return {
    label: t.name,
    value: {
      eventId: t.eventId,
      time: t.time,
      actor: t.actor ?? null,
      sourceIp: t.sourceIp ?? null,
      region: t.region ?? null,
      resource: t.resource ?? null,
      resumedAt: t.resumedAt ?? null,
      ...(offMs !== undefined ? { loggingOffHours: Math.round((offMs / 3_600_000) * 10) / 10 } : {}),
    },
    source:
      t.origin === "trail-status"
        ? "cloudtrail:GetTrailStatus"
        : t.origin === "activity-log"
          ? "arm:activityLogs.list"
          : "cloudtrail:LookupEvents",
    at: t.time,
  };
}

export type RetentionVerdict =
  | { status: "pass" | "fail"; oldestAgeDays: number | null; expectedDays: number; ageDays: number | null }
  | { status: "unknown" };

/**
 * Retention is proven when the oldest stored event is at least min(threshold, destination age) days old (one day of
 * slack: events are not continuous).
 */
export function judgeRetention(
  oldest: OldestEvent,
  createdAt: string | undefined,
  thresholdDays: number,
  now: Date,
): RetentionVerdict {
  if (oldest.state !== "ok") return { status: "unknown" };
  const ageDays = createdAt ? (now.getTime() - new Date(createdAt).getTime()) / DAY_MS : null;
  const expectedDays = Math.min(thresholdDays, ageDays ?? thresholdDays);
  const oldestAgeDays = oldest.value.time ? (now.getTime() - new Date(oldest.value.time).getTime()) / DAY_MS : null;
  const proven = expectedDays <= 1 || (oldestAgeDays !== null && oldestAgeDays + 1 >= expectedDays);
  return {
    status: proven ? "pass" : "fail",
    oldestAgeDays: oldestAgeDays === null ? null : Math.round(oldestAgeDays * 10) / 10,
    expectedDays: Math.round(expectedDays * 10) / 10,
    ageDays: ageDays === null ? null : Math.round(ageDays),
  };
}

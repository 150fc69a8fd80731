/** Helpers shared by the AWS and Azure samplers: days, even sampling, per-day counts. */
import type { DayCount, MissingEvent } from "../../model/samples.js";

export const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (UTC) of a time. */
export function dayOf(t: Date | number | string): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** Every UTC day touched by [start, end], oldest first. */
export function daysIn(start: Date, end: Date): string[] {
  const out: string[] = [];
  const d = new Date(`${dayOf(start)}T00:00:00.000Z`).getTime();
  for (let t = d; t <= end.getTime(); t += DAY_MS) out.push(dayOf(t));
  return out;
}

/** A sampled source event, whatever the cloud. */
export interface SourceEvent {
  /** The id looked up in the destination (CloudTrail eventID, Azure correlationId). */
  id: string;
  /** Other ids the destination may know the event by (Azure eventDataIds). */
  altIds?: string[];
  time: Date;
  name: string;
  actor?: string;
  sourceIp?: string;
  region?: string;
}

/**
 * Picks at most `max` events spread evenly over time (so every day of the window is represented), newest kept
 * first when the set is small enough. Returns the pick and whether it was cut.
 */
export function spreadSample<T extends { time: Date }>(events: T[], max: number): { picked: T[]; capped: boolean } {
  const sorted = [...events].sort((a, b) => b.time.getTime() - a.time.getTime());
  if (sorted.length <= max) return { picked: sorted, capped: false };
  const picked: T[] = [];
  const step = sorted.length / max;
  for (let i = 0; i < max; i++) picked.push(sorted[Math.floor(i * step)]!);
  return { picked, capped: true };
}

/** Per day of the window: sampled events vs those found (`siem: null` when the destination is unknown). */
export function perDayCounts(
  days: string[],
  sampled: SourceEvent[],
  found: ((e: SourceEvent) => boolean) | undefined,
): DayCount[] {
  const src = new Map<string, number>();
  const hit = new Map<string, number>();
  for (const e of sampled) {
    const d = dayOf(e.time);
    src.set(d, (src.get(d) ?? 0) + 1);
    if (found?.(e)) hit.set(d, (hit.get(d) ?? 0) + 1);
  }
  return days.map((day) => ({ day, source: src.get(day) ?? 0, siem: found ? (hit.get(day) ?? 0) : null }));
}

export function toMissing(e: SourceEvent): MissingEvent {
  return {
    eventId: e.id,
    time: e.time.toISOString(),
    name: e.name,
    ...(e.actor ? { actor: e.actor } : {}),
    ...(e.sourceIp ? { sourceIp: e.sourceIp } : {}),
    ...(e.region ? { region: e.region } : {}),
  };
}

/** Splits a list into chunks of `n`. */
export function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Runs `fn` over items with at most `n` in flight. */
export async function eachLimit<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  });
  await Promise.all(workers);
}

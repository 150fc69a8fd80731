/**
 * How a region's CloudTrail event history is read at the least LookupEvents cost (2 calls/s per account-region).
 *
 * Sampling needs, per region, the events of ~35 names over the sample window (privileged actions, console sign-ins,
 * root activity) and of the tamper names over the tamper window (up to 90 days). Two ways to get them:
 * - one lookup per name (at least one call each, `EventName`/`Username` attribute), or
 * - the region's whole history, unfiltered, newest first (50 events a page), classified locally.
 *
 * The history is read unfiltered first, page by page; after each page the rate seen so far estimates what finishing
 * would cost, and the read gives way to the lookups by name as soon as they are cheaper. The lookups then cover only
 * what the unfiltered pages have not: everything from the oldest event read to the window's end is known. A busy
 * region (thousands of events an hour) therefore costs one page more than the lookups alone; a quiet or moderately
 * busy one costs its few pages instead of ~40 lookups.
 */

/** One lookup the unfiltered read may save: its window start (ms since the epoch). */
export type LookupStart = number;

/**
 * Whether to read another unfiltered page (true) or switch to lookups by name for what is not read yet (false).
 *
 * @param pages pages read so far (at least 1)
 * @param readFrom time (ms) of the oldest event read: the history from here to `end` is fully known
 * @param end the end of the read (ms)
 * @param starts the window start (ms) of every lookup by name the region needs
 * @param maxPages never read more pages than this unfiltered
 */
export function keepReadingUnfiltered(
  pages: number,
  readFrom: number,
  end: number,
  starts: readonly LookupStart[],
  maxPages: number,
): boolean {
  if (pages >= maxPages) return false;
  const pendingBefore = (t: number) => starts.filter((s) => s < t).length;
  const switchNow = pendingBefore(readFrom);
  if (switchNow === 0) return false; // every lookup's window is already read
  const span = end - readFrom;
  if (!(span > 0)) return false; // a page of events at one instant: no rate to go by
  const pagesPerMs = pages / span;
  // Reading on to a lookup's window start saves that lookup (and those starting later); the rest are still needed.
  let best = Number.POSITIVE_INFINITY;
  for (const t of new Set(starts)) {
    if (t >= readFrom) continue;
    best = Math.min(best, Math.ceil((readFrom - t) * pagesPerMs) + pendingBefore(t));
  }
  return best < switchNow;
}

/**
 * The part of a lookup's window the unfiltered read has not covered: `undefined` when it is all read, else the window
 * cut at `readFrom` (LookupEvents times are inclusive; an event at exactly `readFrom` may come twice and is
 * deduplicated by id).
 */
export function remainingWindow(
  window: { start: Date; end: Date },
  read: { from: Date; end: Date } | undefined,
): { start: Date; end: Date } | undefined {
  if (!read || window.end > read.end) return window;
  if (read.from <= window.start) return undefined;
  return { start: window.start, end: new Date(Math.min(read.from.getTime(), window.end.getTime())) };
}

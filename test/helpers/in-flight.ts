/**
 * How many requests the simulator was answering at once, from its call log (the log's time is when it answered).
 */
import type { CallLogEntry } from "../../src/sim/index.js";

/** The most requests the server was answering at the same moment. */
export function maxInFlight(calls: readonly CallLogEntry[]): number {
  const edges: [number, number][] = [];
  for (const c of calls) {
    const t = Date.parse(c.time);
    // The log's time is the wall clock's millisecond (floored) and latencyMs a rounded monotonic duration, so a start
    // inferred from them can fall up to 1.5 ms before the moment it happened: a request sent the instant the previous
    // answer arrived would look like an overlap. Starts are taken 2 ms late (a request escaping the limit would
    // overlap for its whole latency, 15 ms here).
    edges.push([Math.min(t, t - c.latencyMs + 2), 1], [t, -1]);
  }
  // Ends before starts at the same millisecond: a slot freed and retaken in the same ms is not an overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) {
    now += d;
    max = Math.max(max, now);
  }
  return max;
}

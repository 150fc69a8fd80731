/** The unfiltered-or-by-name planner for reading CloudTrail event history (history-plan.ts). */
import { describe, expect, it } from "vitest";
import { keepReadingUnfiltered, remainingWindow } from "../../src/collect/sampling/history-plan.js";

const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 28);
/** 35 lookups over the last 7 days, 8 tamper names over 90 days. */
const STARTS = [...Array(35).fill(END - 7 * DAY), ...Array(8).fill(END - 90 * DAY)];

describe("keepReadingUnfiltered", () => {
  it("a quiet region (one page covered 30 days): reads on, finishing costs 2 more pages instead of 43 lookups", () => {
    expect(keepReadingUnfiltered(1, END - 30 * DAY, END, STARTS, 43)).toBe(true);
  });

  it("a busy region (one page covered a minute): switches to the lookups at once", () => {
    expect(keepReadingUnfiltered(1, END - 60_000, END, STARTS, 43)).toBe(false);
  });

  it("reads on to cover the sample window when only the tamper lookups are left after it", () => {
    // 4 pages covered 6 days: one more page covers the 7 days (35 lookups saved); 90 days would take ~56 more pages.
    expect(keepReadingUnfiltered(4, END - 6 * DAY, END, STARTS, 43)).toBe(true);
    // Past the sample window: 8 tamper lookups are cheaper than the ~60 pages to day 90.
    expect(keepReadingUnfiltered(5, END - 7.5 * DAY, END, STARTS, 43)).toBe(false);
  });

  it("stops when every lookup's window is read, at the page cap, and when the page spans no time", () => {
    expect(keepReadingUnfiltered(2, END - 91 * DAY, END, STARTS, 43)).toBe(false);
    expect(keepReadingUnfiltered(43, END - 30 * DAY, END, STARTS, 43)).toBe(false);
    expect(keepReadingUnfiltered(1, END, END, STARTS, 43)).toBe(false);
  });
});

describe("remainingWindow", () => {
  const w = { start: new Date(END - 7 * DAY), end: new Date(END) };
  it("nothing read: the whole window", () => {
    expect(remainingWindow(w, undefined)).toEqual(w);
  });
  it("read past the window's start: nothing left", () => {
    expect(remainingWindow(w, { from: new Date(END - 8 * DAY), end: new Date(END) })).toBeUndefined();
    expect(remainingWindow(w, { from: w.start, end: new Date(END) })).toBeUndefined();
  });
  it("read part of it: the older part, up to and including the oldest event read", () => {
    expect(remainingWindow(w, { from: new Date(END - 2 * DAY), end: new Date(END) })).toEqual({
      start: w.start,
      end: new Date(END - 2 * DAY),
    });
  });
  it("a read that does not reach the window's end covers nothing of it", () => {
    expect(remainingWindow(w, { from: new Date(END - 9 * DAY), end: new Date(END - DAY) })).toEqual(w);
  });
});

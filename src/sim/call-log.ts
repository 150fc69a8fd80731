/** The simulator's call log: every request in memory, optionally appended to a JSONL file. */
import { appendFileSync, writeFileSync } from "node:fs";
import type { CallLogEntry } from "./types.js";

export class CallLog {
  private entries: CallLogEntry[] = [];
  private inFlight = 0;
  /** The most requests the server was answering at once since start (or `clear`). */
  peakInFlight = 0;
  constructor(private readonly file?: string) {
    if (file) writeFileSync(file, "");
  }
  add(entry: CallLogEntry): void {
    this.entries.push(entry);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }
  all(): CallLogEntry[] {
    return [...this.entries];
  }
  clear(): void {
    this.entries = [];
    this.peakInFlight = this.inFlight;
  }
  /**
   * A request's handler started (its headers arrived). Counted exactly, not inferred from the entries' times: the log
   * has the wall clock's millisecond and a rounded duration, too coarse to tell back-to-back requests from overlapping
   * ones, and the wall clock can be stepped while the monotonic one cannot.
   */
  enter(): void {
    this.inFlight++;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
  }
  /** A request's handler finished: its answer was handed to the socket (before the client can have read it). */
  leave(): void {
    this.inFlight--;
  }
}

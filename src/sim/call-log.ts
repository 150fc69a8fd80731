/** The simulator's call log: every request in memory, optionally appended to a JSONL file. */
import { appendFileSync, writeFileSync } from "node:fs";
import type { CallLogEntry } from "./types.js";

export class CallLog {
  private entries: CallLogEntry[] = [];
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
  }
}

/**
 * Recording stand-ins for the aws and az CLIs in fix-script tests: a bash script that appends its argv to the file
 * named by an environment variable, then answers with `body` (bash). Bash starts in a few milliseconds, a Python
 * stand-in in tens: the scripts under test call the stand-in hundreds of times.
 *
 * Log format: per call, the argument count and then each argument, every field ended by a NUL byte (an argv element
 * cannot contain NUL, so any value round-trips).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";

/** Writes an executable recorder to `path`: it logs its argv to `$logVar`, then runs `body`. */
export function writeRecorder(path: string, logVar: string, body: string): void {
  writeFileSync(path, `#!/bin/bash\nprintf '%s\\0' "$#" "$@" >> "\${${logVar}:?}"\n${body}\n`);
  chmodSync(path, 0o755);
}

/** The argv of every recorded call, in order (none when the log does not exist). */
export function readRecorded(path: string): string[][] {
  if (!existsSync(path)) return [];
  const fields = readFileSync(path, "utf8").split("\0");
  fields.pop(); // after the last NUL
  const calls: string[][] = [];
  for (let i = 0; i < fields.length; ) {
    const n = Number(fields[i]);
    if (!Number.isInteger(n) || n < 0 || i + 1 + n > fields.length) throw new Error(`recorder log ${path} is corrupt`);
    calls.push(fields.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return calls;
}

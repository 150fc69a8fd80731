import type { Writable } from "node:stream";

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdin and stdout are a terminal (the TUI needs both). */
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop cleanly. */
  signal: AbortSignal;
}

/** The real process IO. */
export function processIO(signal: AbortSignal): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    signal,
  };
}

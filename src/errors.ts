/**
 * A problem the user can fix: bad flag, bad config, bad input file. Shown as one line plus a hint, never a stack.
 * `exitCode` follows the documented table: 2 for usage/input problems, 1 for runtime errors the user can act on.
 */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: 1 | 2;
  constructor(message: string, options: { hint?: string; exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserError";
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Exit codes, documented in the README and in `--help`. */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  findings: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { runCli } from "../../src/cli/main.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, in `cwd` (a fresh temp folder by default). */
export async function cli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; isTTY?: boolean } = {},
): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? tempDir(),
    isTTY: options.isTTY ?? false,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A new empty folder under the OS temp dir. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "blindspot-test-"));
}

import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Writable } from "node:stream";

/**
 * Writes a file atomically: a temporary file in the same folder, then rename. An existing file is never left
 * half-written; on error the temporary file is removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await atomically(path, (tmp) => writeFile(tmp, data, mode === undefined ? undefined : { mode }));
}

/** Creates `path` by letting `write` fill a temporary file beside it, then renaming it; removes the file on error. */
async function atomically(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes chunks to a stream (or the same chunks to several), waiting for `drain` whenever one asks to: memory stays
 * at one chunk or so.
 */
export async function writeChunks(outs: Writable | readonly Writable[], chunks: Iterable<string>): Promise<void> {
  const list = Array.isArray(outs) ? outs : [outs as Writable];
  for (const chunk of chunks) {
    for (const out of list) if (!out.write(chunk)) await drained(out);
  }
}

function drained(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      out.off("drain", onDrain);
      out.off("error", done);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    out.once("drain", onDrain);
    out.once("error", done);
  });
}

/**
 * `writeFileAtomic` for content produced in chunks (a large report): never the whole content in memory. `tee`:
 * streams that get the same chunks as they are written (the report on stdout too, rendered once).
 */
export async function writeChunksAtomic(
  path: string,
  chunks: Iterable<string>,
  tee: readonly Writable[] = [],
): Promise<void> {
  await atomically(path, async (tmp) => {
    const out = createWriteStream(tmp);
    await new Promise<void>((resolve, reject) => {
      out.once("open", () => resolve());
      out.once("error", reject);
    });
    await writeChunks([out, ...tee], chunks);
    await new Promise<void>((resolve, reject) => {
      out.once("error", reject);
      out.end(() => resolve());
    });
  });
}

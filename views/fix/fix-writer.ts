import { join } from "node:path";
import type { FixFile } from "../../src/remediate/index.js";
import { writeFileAtomic } from "../../src/util/fs.js";
import { fileExists } from "../export/exporter.js";

/** How the fix preview writes scripts; the same atomic write and existence check as the export view. */
export interface FixWriter {
  exists(path: string): Promise<boolean>;
  /** Writes atomically (temporary file + rename) with a file mode. */
  write(path: string, body: string, mode: number): Promise<void>;
}

/** The real file system. */
export const FS_FIX_WRITER: FixWriter = {
  exists: fileExists,
  write: (path, body, mode) => writeFileAtomic(path, body, mode),
};

/** Where each file goes in `dir`, and its mode (scripts executable, as `blindspot fix --out` writes them). */
export function fixTargets(dir: string, files: readonly FixFile[]) {
  return files.map((f) => ({
    path: join(dir, f.path),
    content: f.content,
    mode: f.path.endsWith(".sh") ? 0o755 : 0o644,
  }));
}

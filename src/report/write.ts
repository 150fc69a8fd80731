import type { Writable } from "node:stream";
import type { Analysis } from "../../analyzers/index.js";
import { UserError } from "../errors.js";
import type { Snapshot } from "../model/snapshot.js";
import { writeChunks, writeChunksAtomic, writeFileAtomic } from "../util/fs.js";
import { writeEvidencePack } from "./evidence.js";
import type { ReportFormat } from "./formats.js";
import { jsonReportChunks } from "./json.js";
import { renderReport } from "./render.js";

/** Refuses a format/out combination that cannot work (evidence without --out), before any work is done. */
export function assertReportTarget(format: ReportFormat, out: string | undefined): void {
  if (format === "evidence" && !out) {
    throw new UserError("--format evidence writes a folder and needs --out DIR", {
      hint: "e.g. blindspot report --from snap.json --format evidence --out evidence-2026-q4",
    });
  }
}

/**
 * Writes a report the way every command does: `evidence` to the folder `out` (required), any other format to the
 * file `out` atomically or to `stdout`. File-system failures become a one-line UserError (exit 1); a missing `out`
 * for `evidence` or a folder that is not an evidence pack is a usage error (exit 2).
 */
export async function writeReport(options: {
  format: ReportFormat;
  snapshot: Snapshot;
  analysis: Analysis;
  out?: string;
  stdout: Writable;
  /** A json report written to `out` goes to stdout too (rendered once: `scan --out r.json --json`). */
  alsoStdout?: boolean;
}): Promise<void> {
  const { format, snapshot, analysis, out, stdout } = options;
  assertReportTarget(format, out);
  try {
    if (format === "evidence") {
      await writeEvidencePack(out!, snapshot, analysis);
      return;
    }
    if (format === "json") {
      // The largest report (the whole snapshot): streamed, never one string.
      if (out) await writeChunksAtomic(out, jsonReportChunks(snapshot, analysis), options.alsoStdout ? [stdout] : []);
      else await writeChunks(stdout, jsonReportChunks(snapshot, analysis));
      return;
    }
    const body = renderReport(format, snapshot, analysis);
    if (out) await writeFileAtomic(out, body);
    else stdout.write(body);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err; // a bug, not the file system: let it surface with its stack
    throw new UserError(`cannot write ${out} (${code})`, {
      hint: "check the --out path and permissions",
      exitCode: 1,
    });
  }
}

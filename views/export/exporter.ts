import { access } from "node:fs/promises";
import type { Analysis } from "../../analyzers/index.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { renderReport, SINGLE_FILE_FORMATS, type SingleFileReportFormat } from "../../src/report/index.js";
import { writeFileAtomic } from "../../src/util/fs.js";

/** How the export view renders and writes reports; tests pass their own. */
export interface Exporter {
  /** Formats that can be written now (json first). */
  readonly formats: readonly string[];
  /** Formats that exist but cannot be written from the TUI (shown as such). */
  readonly pending: readonly string[];
  render(format: string): Promise<string>;
  exists(path: string): Promise<boolean>;
  /** Writes atomically (temporary file + rename). */
  write(path: string, body: string): Promise<void>;
}

function isSingleFile(format: string): format is SingleFileReportFormat {
  return (SINGLE_FILE_FORMATS as readonly string[]).includes(format);
}

/** The exporter for an analysed snapshot: every single-file report format, through `renderReport`. */
export async function loadExporter(snapshot: Snapshot, analysis: Analysis): Promise<Exporter> {
  const formats = ["json", ...SINGLE_FILE_FORMATS.filter((f) => f !== "json")];
  return {
    formats,
    // The evidence pack is a directory: `blindspot report --format evidence` writes it.
    pending: ["evidence"],
    async render(format) {
      if (!isSingleFile(format)) throw new Error(`${format} is not a single-file report format`);
      return renderReport(format, snapshot, analysis);
    },
    exists: fileExists,
    write: (path, body) => writeFileAtomic(path, body),
  };
}

/** True when something exists at `path`. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

const EXTENSION: Record<string, string> = {
  json: "json",
  md: "md",
  csv: "csv",
  sarif: "sarif",
  html: "html",
  junit: "xml",
  ocsf: "ocsf.json",
};

/** Default file name for a format: `blindspot-report-2026-11-20.json`. */
export function defaultExportPath(format: string, finishedAt: string): string {
  return `blindspot-report-${finishedAt.slice(0, 10)}.${EXTENSION[format] ?? format}`;
}

import { access } from "node:fs/promises";
import type { Analysis } from "../../analyzers/index.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { renderJsonReport } from "../../src/report/json.js";
import { writeFileAtomic } from "../../src/util/fs.js";

/** How the export view renders and writes reports; tests pass their own. */
export interface Exporter {
  /** Formats that can be written now. */
  readonly formats: readonly string[];
  /** Formats that exist in the CLI but whose writers have not landed (shown as pending). */
  readonly pending: readonly string[];
  render(format: string): Promise<string>;
  exists(path: string): Promise<boolean>;
  /** Writes atomically (temporary file + rename). */
  write(path: string, body: string): Promise<void>;
}

type RenderReport = (format: string, snapshot: Snapshot, analysis: Analysis) => string | Promise<string>;

const ALL_FORMATS = ["json", "md", "csv", "sarif", "html", "junit"] as const;

/**
 * The exporter for a snapshot: uses `renderReport` from src/report/index.js when that module exists (the report
 * writers land separately), otherwise JSON only via `renderJsonReport`.
 */
export async function loadExporter(snapshot: Snapshot, analysis: Analysis): Promise<Exporter> {
  let renderReport: RenderReport | undefined;
  try {
    // A computed specifier: the module may not exist yet in this build, and that is fine.
    const spec = "../../src/report/index.js";
    const mod = (await import(spec)) as { renderReport?: RenderReport };
    if (typeof mod.renderReport === "function") renderReport = mod.renderReport;
  } catch {
    renderReport = undefined;
  }
  const formats: string[] = renderReport ? [...ALL_FORMATS] : ["json"];
  return {
    formats,
    pending: ALL_FORMATS.filter((f) => !formats.includes(f)),
    async render(format) {
      if (format === "json" && !renderReport) return renderJsonReport(snapshot, analysis);
      if (!renderReport) throw new Error(`the ${format} writer is not available in this build`);
      return await renderReport(format, snapshot, analysis);
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
};

/** Default file name for a format: `blindspot-report-2026-11-20.json`. */
export function defaultExportPath(format: string, finishedAt: string): string {
  return `blindspot-report-${finishedAt.slice(0, 10)}.${EXTENSION[format] ?? format}`;
}

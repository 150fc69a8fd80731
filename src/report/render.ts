import type { Analysis } from "../../analyzers/index.js";
import type { Snapshot } from "../model/snapshot.js";
import { renderCsv } from "./csv.js";
import type { SingleFileReportFormat } from "./formats.js";
import { renderHtml } from "./html.js";
import { renderJsonReport } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { buildReportModel } from "./model.js";
import { renderOcsf } from "./ocsf.js";
import { renderSarif } from "./sarif.js";

/**
 * Renders one single-file report. Pure and deterministic: the same snapshot and analysis give byte-identical output
 * (no wall clock, everything sorted).
 */
export function renderReport(format: SingleFileReportFormat, snapshot: Snapshot, analysis: Analysis): string {
  switch (format) {
    case "json":
      return renderJsonReport(snapshot, analysis);
    case "md":
      return renderMarkdown(buildReportModel(snapshot, analysis));
    case "csv":
      return renderCsv(buildReportModel(snapshot, analysis));
    case "sarif":
      return renderSarif(buildReportModel(snapshot, analysis));
    case "html":
      return renderHtml(buildReportModel(snapshot, analysis));
    case "junit":
      return renderJunit(buildReportModel(snapshot, analysis));
    case "ocsf":
      return renderOcsf(buildReportModel(snapshot, analysis));
    default:
      throw new Error(`renderReport: ${String(format satisfies never)} is not a single-file format`);
  }
}

// The report writers: one entry point for `report`, `scan --format` and the TUI's export.
export { CSV_COLUMNS } from "./csv.js";
export { type EvidenceManifest, renderEvidenceFiles, writeEvidencePack } from "./evidence.js";
export {
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  REPORT_MEDIA_TYPES,
  type ReportFormat,
  SINGLE_FILE_FORMATS,
  type SingleFileReportFormat,
} from "./formats.js";
export { jsonReportChunks, renderJsonReport, summarize } from "./json.js";
export { renderReport } from "./render.js";
export { assertReportTarget, writeReport } from "./write.js";

/** Every `--format` of `report` (and `scan --format`). `evidence` writes a directory, the others one file. */
export const REPORT_FORMATS = ["md", "json", "csv", "sarif", "html", "junit", "ocsf", "evidence"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type SingleFileReportFormat = Exclude<ReportFormat, "evidence">;
export const SINGLE_FILE_FORMATS = REPORT_FORMATS.filter(
  (f): f is SingleFileReportFormat => f !== "evidence",
) as readonly SingleFileReportFormat[];

/** The file name each format gets inside an evidence pack (and a sensible default for `--out`). */
export const REPORT_FILE_NAMES: Record<SingleFileReportFormat, string> = {
  md: "report.md",
  json: "report.json",
  csv: "findings.csv",
  sarif: "report.sarif",
  html: "report.html",
  junit: "junit.xml",
  ocsf: "findings.ocsf.json",
};

/** Media types, for the evidence manifest. */
export const REPORT_MEDIA_TYPES: Record<SingleFileReportFormat, string> = {
  md: "text/markdown; charset=utf-8",
  json: "application/json",
  csv: "text/csv; charset=utf-8; header=present",
  sarif: "application/sarif+json",
  html: "text/html; charset=utf-8",
  junit: "application/xml",
  ocsf: "application/json",
};

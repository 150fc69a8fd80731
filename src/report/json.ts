import type { Analysis } from "../../analyzers/index.js";
import { SEVERITIES, type Severity } from "../model/common.js";
import { type JsonReport, REPORT_FORMAT_VERSION, type ReportSummary } from "../model/report.js";
import type { Snapshot } from "../model/snapshot.js";

/** Counts for headlines: findings by status, failing by severity, coverage cells by status. */
export function summarize(analysis: Analysis): ReportSummary {
  const findings = { fail: 0, unknown: 0, muted: 0, pass: 0 };
  const failingBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of analysis.findings) {
    findings[f.status]++;
    if (f.status === "fail") failingBySeverity[f.severity]++;
  }
  const cells = { covered: 0, partial: 0, uncovered: 0, unknown: 0, "n/a": 0 };
  for (const c of analysis.coverage) cells[c.status]++;
  const applicable = analysis.coverage.length - cells["n/a"];
  return {
    findings,
    failingBySeverity,
    cells,
    coverageRatio: applicable === 0 ? null : Math.round((cells.covered / applicable) * 10_000) / 10_000,
  };
}

/**
 * The JSON report: the snapshot (the evidence) with the findings and coverage derived from it. Deterministic: the
 * same snapshot gives byte-identical output.
 */
export function renderJsonReport(snapshot: Snapshot, analysis: Analysis): string {
  const report: JsonReport = {
    format: "blindspot-report" as const,
    formatVersion: REPORT_FORMAT_VERSION,
    tool: snapshot.tool,
    scan: { startedAt: snapshot.startedAt, finishedAt: snapshot.finishedAt, complete: snapshot.complete },
    summary: summarize(analysis),
    findings: analysis.findings,
    coverage: analysis.coverage,
    snapshot,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

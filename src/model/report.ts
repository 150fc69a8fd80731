import { z } from "zod";
import { IsoTimeSchema, SEVERITIES } from "./common.js";
import { CoverageCellSchema } from "./coverage.js";
import { FindingSchema } from "./finding.js";
import { SnapshotSchema } from "./snapshot.js";

export const REPORT_FORMAT_VERSION = 1;

const count = z.number().int().nonnegative();

export const ReportSummarySchema = z.object({
  findings: z.object({ fail: count, unknown: count, muted: count, pass: count }),
  failingBySeverity: z.object(
    Object.fromEntries(SEVERITIES.map((s) => [s, count])) as Record<(typeof SEVERITIES)[number], typeof count>,
  ),
  cells: z.object({ covered: count, partial: count, uncovered: count, unknown: count, "n/a": count }),
  /** covered cells / applicable cells (n/a excluded), 0..1; null when no cell applies. */
  coverageRatio: z.number().min(0).max(1).nullable(),
});
export type ReportSummary = z.infer<typeof ReportSummarySchema>;

/** `report --format json` and `scan --json`: the snapshot (the evidence) with what was derived from it. */
export const JsonReportSchema = z.object({
  format: z.literal("blindspot-report"),
  formatVersion: z.literal(REPORT_FORMAT_VERSION),
  tool: z.object({ name: z.literal("blindspot"), version: z.string() }),
  scan: z.object({ startedAt: IsoTimeSchema, finishedAt: IsoTimeSchema, complete: z.boolean() }),
  summary: ReportSummarySchema,
  findings: z.array(FindingSchema),
  coverage: z.array(CoverageCellSchema),
  snapshot: SnapshotSchema,
});
export type JsonReport = z.infer<typeof JsonReportSchema>;

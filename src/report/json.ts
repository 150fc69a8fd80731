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
  return `${JSON.stringify(jsonReport(snapshot, analysis), null, 2)}\n`;
}

/**
 * The same bytes as `renderJsonReport`, in pieces of about `chunkSize` characters: a report of a 1,000-account
 * estate is ~100 MB of JSON, which as one string (and its UTF-8 copy on the way out) would double the scan's memory.
 */
export function* jsonReportChunks(snapshot: Snapshot, analysis: Analysis, chunkSize = 1 << 16): Generator<string> {
  let buf = "";
  for (const piece of jsonPieces(jsonReport(snapshot, analysis), 0)) {
    buf += piece;
    if (buf.length >= chunkSize) {
      yield buf;
      buf = "";
    }
  }
  yield `${buf}\n`;
}

const INDENT = "  ";
/** Objects are descended to this depth; deeper ones, and every element of an array, are stringified whole. */
const STREAM_DEPTH = 4;
/** Shorter arrays are stringified whole. */
const STREAM_MIN_ITEMS = 32;

/**
 * `JSON.stringify(value, null, 2)` as a sequence of pieces (identical output). It descends the report's top-level
 * objects and its long arrays (findings, coverage, accounts, subscriptions) and stringifies each element whole: one
 * piece per finding or account, so no piece is large and the pieces are few.
 */
export function* jsonPieces(value: unknown, depth: number, element = false): Generator<string> {
  const whole =
    element ||
    depth >= STREAM_DEPTH ||
    value === null ||
    typeof value !== "object" ||
    typeof (value as { toJSON?: unknown }).toJSON === "function" ||
    (Array.isArray(value) && value.length < STREAM_MIN_ITEMS);
  if (whole) {
    const s = JSON.stringify(value, null, 2) ?? "null";
    yield depth === 0 ? s : s.replaceAll("\n", `\n${INDENT.repeat(depth)}`);
    return;
  }
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  const skipped = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? "[\n" : ",\n"}${pad}`;
      const v: unknown = value[i];
      if (skipped(v)) yield "null";
      else yield* jsonPieces(v, depth + 1, true);
    }
    yield `\n${close}]`;
    return;
  }
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (skipped(v)) continue;
    yield `${first ? "{\n" : ",\n"}${pad}${JSON.stringify(k)}: `;
    first = false;
    yield* jsonPieces(v, depth + 1);
  }
  yield first ? "{}" : `\n${close}}`;
}

function jsonReport(snapshot: Snapshot, analysis: Analysis): JsonReport {
  return {
    format: "blindspot-report" as const,
    formatVersion: REPORT_FORMAT_VERSION,
    tool: snapshot.tool,
    scan: { startedAt: snapshot.startedAt, finishedAt: snapshot.finishedAt, complete: snapshot.complete },
    summary: summarize(analysis),
    findings: analysis.findings,
    coverage: analysis.coverage,
    snapshot,
  };
}

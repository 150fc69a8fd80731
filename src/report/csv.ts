import type { Finding } from "../model/finding.js";
import { scopeKey } from "../model/scope.js";
import { valueText } from "./escape.js";
import { checkOf, type ReportModel } from "./model.js";

/** The CSV columns, in order. Stable: new columns are only ever appended (documented in docs/reports.md). */
export const CSV_COLUMNS = [
  "finding_id",
  "status",
  "severity",
  "check_id",
  "check_title",
  "cloud",
  "account_id",
  "region",
  "subscription_id",
  "tenant_id",
  "scope",
  "resource",
  "title",
  "controls",
  "evidence",
  "remediation",
  "remediation_ids",
  "muted_reason",
  "muted_expires",
  "scan_finished_at",
] as const;

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled). A value that a spreadsheet
 * would run as a formula (starting with = + - @, tab or CR) gets a leading apostrophe first (OWASP CSV injection).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(model: ReportModel, f: Finding): string[] {
  const s = f.scope;
  return [
    f.id,
    f.status,
    f.severity,
    f.checkId,
    checkOf(f.checkId).title,
    f.cloud,
    s.cloud === "aws" ? s.accountId : "",
    s.cloud === "aws" ? (s.region ?? "") : "",
    s.cloud === "azure" ? (s.subscriptionId ?? "") : "",
    s.cloud === "azure" ? (s.tenantId ?? "") : "",
    scopeKey(s),
    f.resource,
    f.title,
    f.controls.join("; "),
    f.evidence.map((e) => `${e.label}=${valueText(e.value)}`).join("; "),
    checkOf(f.checkId).remediation,
    f.remediationIds.join("; "),
    f.mute?.reason ?? "",
    f.mute?.expires ?? "",
    model.snapshot.finishedAt,
  ];
}

/** One row per finding (every status), in the report order; CRLF line ends, UTF-8 without BOM. */
export function renderCsv(model: ReportModel): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const f of model.analysis.findings) lines.push(row(model, f).map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

import type { Severity } from "../model/common.js";
import type { Finding } from "../model/finding.js";
import { scopeKey } from "../model/scope.js";
import { valueText } from "./escape.js";
import { checkOf, type ReportModel } from "./model.js";

/** The OCSF schema version the events follow. */
export const OCSF_VERSION = "1.3.0";

const SEVERITY_ID: Record<Severity, { id: number; name: string }> = {
  critical: { id: 5, name: "Critical" },
  high: { id: 4, name: "High" },
  medium: { id: 3, name: "Medium" },
  low: { id: 2, name: "Low" },
  info: { id: 1, name: "Informational" },
};

/** Compliance status_id: 1 Pass, 2 Warning (could not be evaluated), 3 Fail. */
const COMPLIANCE_STATUS: Record<Finding["status"], { id: number; name: string }> = {
  pass: { id: 1, name: "Pass" },
  unknown: { id: 2, name: "Warning" },
  fail: { id: 3, name: "Fail" },
  muted: { id: 3, name: "Fail" },
};

/** Checks about events (what was sampled, what was tampered with) are detections; the rest are compliance checks. */
export function ocsfClassOf(checkId: string): 2003 | 2004 {
  return /\.(siem|tamper)\./.test(checkId) ? 2004 : 2003;
}

/** Standards named by a control label ("SOC 2 CC7.2" -> "SOC 2"). */
function standardOf(control: string): string {
  const m = /^(SOC 2|CIS AWS v[\d.]+|CIS Azure v[\d.]+|PCI DSS [\d.]+|NIST 800-53)\b/.exec(control);
  return m?.[1] ?? control;
}

function event(model: ReportModel, f: Finding) {
  const check = checkOf(f.checkId);
  const classUid = ocsfClassOf(f.checkId);
  const activityId = 1; // Create: every report states the findings as of the scan
  const time = Date.parse(model.snapshot.finishedAt);
  const sev = SEVERITY_ID[f.severity];
  const s = f.scope;
  const region = s.cloud === "aws" ? s.region : undefined;
  const standards = [...new Set(f.controls.map(standardOf))].sort();
  const base = {
    activity_id: activityId,
    activity_name: "Create",
    category_uid: 2,
    category_name: "Findings",
    class_uid: classUid,
    class_name: classUid === 2003 ? "Compliance Finding" : "Detection Finding",
    type_uid: classUid * 100 + activityId,
    type_name: `${classUid === 2003 ? "Compliance Finding" : "Detection Finding"}: Create`,
    severity_id: sev.id,
    severity: sev.name,
    time,
    time_dt: model.snapshot.finishedAt,
    // Finding lifecycle: muted findings are suppressed; everything else is new as of this report.
    status_id: f.status === "muted" ? 3 : 1,
    status: f.status === "muted" ? "Suppressed" : "New",
    status_code: f.status.toUpperCase(),
    status_detail: f.mute ? `muted until ${f.mute.expires}: ${f.mute.reason}` : f.title,
    message: f.title,
    metadata: {
      version: OCSF_VERSION,
      product: { name: "blindspot", vendor_name: "blindspot", version: model.snapshot.tool.version },
      event_code: f.checkId,
      uid: f.id,
      profiles: ["cloud", "datetime"],
    },
    cloud: {
      provider: s.cloud === "aws" ? "AWS" : "Azure",
      ...(s.cloud === "aws" ? { account: { uid: s.accountId, type: "AWS Account", type_id: 10 } } : {}),
      ...(s.cloud === "azure" && s.subscriptionId
        ? { account: { uid: s.subscriptionId, type: "Azure Subscription", type_id: 99 } }
        : {}),
      ...(s.cloud === "azure" && s.tenantId ? { org: { uid: s.tenantId } } : {}),
      ...(region ? { region } : {}),
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: check.description,
      types: [f.checkId],
      created_time: time,
      first_seen_time: time,
      last_seen_time: time,
      product_uid: "blindspot",
    },
    resources: [
      {
        uid: f.resource,
        name: f.resource,
        type: check.title,
        ...(region ? { region } : {}),
        group: { name: scopeKey(s) },
        cloud_partition: s.cloud === "aws" ? "aws" : undefined,
      },
    ],
    remediation: { desc: check.remediation || "See the fix script for this finding." },
    unmapped: {
      check_id: f.checkId,
      status: f.status,
      scope: scopeKey(s),
      controls: f.controls,
      remediation_ids: f.remediationIds,
      evidence: f.evidence.map((e) => ({
        label: e.label,
        value: valueText(e.value),
        ...(e.source ? { source: e.source } : {}),
        ...(e.at ? { at: e.at } : {}),
      })),
      ...(f.mute ? { mute: f.mute } : {}),
    },
  };
  if (classUid === 2003) {
    return {
      ...base,
      compliance: {
        control: f.checkId,
        requirements: f.controls,
        standards: standards.length > 0 ? standards : ["blindspot"],
        status_id: COMPLIANCE_STATUS[f.status].id,
        status: COMPLIANCE_STATUS[f.status].name,
        status_code: f.status.toUpperCase(),
        status_detail: f.title,
      },
    };
  }
  return {
    ...base,
    is_alert: f.status === "fail",
    confidence_id: f.status === "unknown" ? 1 : 3,
    confidence: f.status === "unknown" ? "Low" : "High",
    evidences: f.evidence.map((e) => ({
      data: { label: e.label, value: valueText(e.value), source: e.source ?? null },
    })),
  };
}

/**
 * OCSF 1.3.0 events, one per finding (every status), as a JSON array: Compliance Finding (2003) for configuration
 * checks, Detection Finding (2004) for blind-spot and tamper checks. Our own fields ride in `unmapped`.
 */
export function renderOcsf(model: ReportModel): string {
  return `${JSON.stringify(
    model.analysis.findings.map((f) => event(model, f)),
    null,
    2,
  )}\n`;
}

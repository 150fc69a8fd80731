/** Pure judgements of one destination, shared by the analyzers and the coverage verdicts. */
import type { Evidence } from "../../src/model/finding.js";
import type { StorageDestination, Workspace, WorkspaceTable } from "../../src/model/snapshot-azure.js";
import { errorEvidence, workspaceRetention } from "./facts.js";

export interface Judgement {
  status: "pass" | "fail" | "unknown";
  /** One line for a title or a coverage reason. */
  summary: string;
  evidence: Evidence[];
}

function workspaceEvidence(w: Workspace): Evidence[] {
  const src = "arm:workspaces.get";
  const at = w.readAt;
  const ev: Evidence[] = [{ label: "workspace", value: w.id, source: src, ...(at ? { at } : {}) }];
  ev.push({ label: "retentionInDays", value: w.retentionInDays ?? null, source: src, ...(at ? { at } : {}) });
  if (w.sku) ev.push({ label: "sku", value: w.sku, source: src, ...(at ? { at } : {}) });
  if (w.createdDate) ev.push({ label: "createdDate", value: w.createdDate, source: src, ...(at ? { at } : {}) });
  if (w.customerId) ev.push({ label: "customerId", value: w.customerId, source: src, ...(at ? { at } : {}) });
  return ev;
}

/** azure.workspace.retention-short for one workspace. `undefined` workspace: the scan did not read it. */
export function judgeWorkspace(w: Workspace | undefined, id: string, threshold: number): Judgement {
  if (!w) {
    return {
      status: "unknown",
      summary: `workspace ${id} was not read`,
      evidence: [{ label: "workspace", value: id }],
    };
  }
  if (w.error) {
    return {
      status: "unknown",
      summary: `workspace ${w.name ?? id} could not be read (${w.error.code})`,
      evidence: [{ label: "workspace", value: w.id }, errorEvidence("error", w.error)],
    };
  }
  const days = workspaceRetention(w);
  const ev = [...workspaceEvidence(w), { label: "threshold (days)", value: threshold }];
  if (days === undefined) {
    return { status: "unknown", summary: `workspace ${w.name ?? id} reports no retention`, evidence: ev };
  }
  if (days < threshold) {
    return {
      status: "fail",
      summary: `workspace ${w.name ?? id} keeps data ${days} days (< ${threshold})`,
      evidence: ev,
    };
  }
  return { status: "pass", summary: `workspace ${w.name ?? id} keeps data ${days} days`, evidence: ev };
}

/** The days a table keeps data: analytics (-1 = workspace default) or total retention, whichever is longer. */
export function tableDays(t: WorkspaceTable, wsDays: number | undefined): number | undefined {
  const analytics = t.retentionInDays === undefined || t.retentionInDays === -1 ? wsDays : t.retentionInDays;
  const total =
    t.totalRetentionInDays === undefined || t.totalRetentionInDays === -1 ? analytics : t.totalRetentionInDays;
  if (analytics === undefined) return total;
  if (total === undefined) return analytics;
  return Math.max(analytics, total);
}

/** Does the table carry its own retention instead of the workspace's? */
export function tableOverrides(t: WorkspaceTable, wsDays: number | undefined): boolean {
  if (t.retentionInDaysAsDefault === false || t.totalRetentionInDaysAsDefault === false) return true;
  if (t.retentionInDaysAsDefault === true) return false;
  return t.retentionInDays !== undefined && t.retentionInDays !== -1 && t.retentionInDays !== wsDays;
}

/**
 * azure.table.retention-short for one table of one workspace. Fails when the table keeps data for less than the
 * threshold and either overrides the workspace or sits in a workspace that is long enough (otherwise the short
 * workspace is the finding, not the table): `undefined` status means no finding.
 */
export function judgeTable(
  w: Workspace | undefined,
  id: string,
  table: string,
  threshold: number,
): Judgement | undefined {
  if (!w || w.error) {
    const ws = judgeWorkspace(w, id, threshold);
    return { ...ws, summary: `table ${table}: ${ws.summary}` };
  }
  if (w.tables?.state === "error") {
    return {
      status: "unknown",
      summary: `table ${table} of ${w.name ?? id} could not be read (${w.tables.error.code})`,
      evidence: [{ label: "workspace", value: w.id }, errorEvidence("error", w.tables.error)],
    };
  }
  const wsDays = workspaceRetention(w);
  const t =
    w.tables?.state === "ok" ? w.tables.value.find((x) => x.name.toLowerCase() === table.toLowerCase()) : undefined;
  const src = "arm:tables.get";
  const at = w.readAt;
  const base: Evidence[] = [
    { label: "workspace", value: w.id },
    { label: "workspace retentionInDays", value: wsDays ?? null, source: "arm:workspaces.get", ...(at ? { at } : {}) },
    { label: "threshold (days)", value: threshold },
  ];
  if (!t) {
    if (wsDays !== undefined && wsDays >= threshold) {
      return {
        status: "pass",
        summary: `table ${table} has no override and follows the workspace (${wsDays} days)`,
        evidence: [...base, { label: "table", value: `${table} not listed (no override)`, source: src }],
      };
    }
    return undefined;
  }
  const days = tableDays(t, wsDays);
  const ev: Evidence[] = [
    ...base,
    {
      label: `${t.name} retention`,
      value: {
        retentionInDays: t.retentionInDays ?? null,
        totalRetentionInDays: t.totalRetentionInDays ?? null,
        archiveRetentionInDays: t.archiveRetentionInDays ?? null,
        plan: t.plan ?? null,
        retentionInDaysAsDefault: t.retentionInDaysAsDefault ?? null,
        totalRetentionInDaysAsDefault: t.totalRetentionInDaysAsDefault ?? null,
      },
      source: src,
      ...(at ? { at } : {}),
    },
  ];
  if (days === undefined) {
    return { status: "unknown", summary: `table ${t.name} reports no retention`, evidence: ev };
  }
  if (days >= threshold) {
    return { status: "pass", summary: `table ${t.name} keeps data ${days} days`, evidence: ev };
  }
  if (tableOverrides(t, wsDays) || (wsDays !== undefined && wsDays >= threshold)) {
    return {
      status: "fail",
      summary: `table ${t.name} keeps data ${days} days (< ${threshold})${wsDays !== undefined ? `, workspace ${wsDays} days` : ""}`,
      evidence: ev,
    };
  }
  return undefined;
}

/** azure.storage.not-worm for the activity-log container of one storage account. */
export function judgeStorage(s: StorageDestination | undefined, id: string): Judgement {
  if (!s) {
    return {
      status: "unknown",
      summary: `storage account ${id} was not read`,
      evidence: [{ label: "storage", value: id }],
    };
  }
  const account = s.id.split("/").pop() ?? s.id;
  const at = s.readAt;
  const base: Evidence[] = [
    { label: "storage account", value: s.id },
    { label: "container", value: s.container },
  ];
  if (s.immutability.state === "error") {
    return {
      status: "unknown",
      summary: `storage account ${account} could not be read (${s.immutability.error.code})`,
      evidence: [...base, errorEvidence("error", s.immutability.error)],
    };
  }
  if (s.containerFound === false) {
    return {
      status: "fail",
      summary: `${account} has no ${s.container} container, so no immutability policy protects the Activity Log`,
      evidence: [
        ...base,
        { label: "container", value: "not found", source: "arm:blobContainers.get", ...(at ? { at } : {}) },
      ],
    };
  }
  const p = s.immutability.value;
  const ev: Evidence[] = [
    ...base,
    {
      label: "immutability policy",
      value: p ?? null,
      source: "arm:blobContainers.getImmutabilityPolicy",
      ...(at ? { at } : {}),
    },
    { label: "hasLegalHold", value: s.hasLegalHold ?? null, source: "arm:blobContainers.get", ...(at ? { at } : {}) },
  ];
  if (s.hasLegalHold) {
    return { status: "pass", summary: `${account}/${s.container} is under a legal hold`, evidence: ev };
  }
  if (!p) {
    return { status: "fail", summary: `${account}/${s.container} has no immutability policy`, evidence: ev };
  }
  if (p.state?.toLowerCase() !== "locked") {
    return {
      status: "fail",
      summary: `${account}/${s.container} immutability policy is ${p.state ?? "not locked"} (an administrator can remove it)`,
      evidence: ev,
    };
  }
  return {
    status: "pass",
    summary: `${account}/${s.container} has a locked immutability policy (${p.immutabilityPeriodSinceCreationInDays ?? "?"} days)`,
    evidence: ev,
  };
}

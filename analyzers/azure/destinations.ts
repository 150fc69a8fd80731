/**
 * azure.workspace.retention-short, azure.table.retention-short, azure.storage.not-worm: judged per exporting scope
 * and destination (a subscription's Activity Log export, or a tenant's Entra sign-in export), so each finding names
 * the subscription or tenant whose logs are at stake.
 */
import type { Finding } from "../../src/model/finding.js";
import type { Scope } from "../../src/model/scope.js";
import type { AzurePart, DiagnosticSetting } from "../../src/model/snapshot-azure.js";
import { type AnalyzerContext, makeFinding } from "../context.js";
import {
  ACTIVITY_TABLE,
  exportingSettings,
  exportsCategory,
  findStorage,
  findWorkspace,
  readableSubscriptions,
  SIGNIN_CATEGORIES,
  SIGNIN_TABLES,
  subScope,
} from "./facts.js";
import { judgeStorage, judgeTable, judgeWorkspace } from "./judge.js";

/** One exporting scope with the destinations its export uses and the tables its data lands in. */
export interface ExportTarget {
  scope: Scope;
  label: string;
  workspaceIds: string[];
  storageIds: string[];
  tables: string[];
}

function distinct(ids: (string | undefined)[]): string[] {
  const m = new Map<string, string>();
  for (const id of ids) if (id && !m.has(id.toLowerCase())) m.set(id.toLowerCase(), id);
  return [...m.values()];
}

/** Subscription Activity Log exports, then tenant Entra sign-in exports. */
export function exportTargets(azure: AzurePart | undefined): ExportTarget[] {
  const out: ExportTarget[] = [];
  for (const sub of readableSubscriptions(azure)) {
    const exporting = exportingSettings(sub);
    if (!exporting || exporting.length === 0) continue;
    out.push({
      scope: subScope(sub),
      label: `subscription ${sub.displayName ?? sub.subscriptionId}`,
      workspaceIds: distinct(exporting.map((s) => s.workspaceId)),
      storageIds: distinct(exporting.map((s) => s.storageAccountId)),
      tables: [ACTIVITY_TABLE],
    });
  }
  for (const t of azure?.tenants ?? []) {
    if (t.entraDiagnosticSettings?.state !== "ok") continue;
    const signIn: DiagnosticSetting[] = t.entraDiagnosticSettings.value.filter((s) =>
      SIGNIN_CATEGORIES.some((c) => exportsCategory(s, c)),
    );
    if (signIn.length === 0) continue;
    const tables = SIGNIN_CATEGORIES.filter((c) => signIn.some((s) => exportsCategory(s, c))).map(
      (c) => SIGNIN_TABLES[c],
    );
    out.push({
      scope: { cloud: "azure", tenantId: t.tenantId },
      label: `Entra sign-ins of tenant ${t.tenantId}`,
      workspaceIds: distinct(signIn.map((s) => s.workspaceId)),
      storageIds: distinct(signIn.map((s) => s.storageAccountId)),
      tables,
    });
  }
  return out;
}

export function analyzeDestinations({ snapshot, policy }: AnalyzerContext): Finding[] {
  const azure = snapshot.azure;
  if (!azure) return [];
  const threshold = policy.retentionDays;
  const out: Finding[] = [];
  for (const target of exportTargets(azure)) {
    for (const wsId of target.workspaceIds) {
      const w = findWorkspace(azure, wsId);
      const resource = w?.id ?? wsId;
      const ws = judgeWorkspace(w, wsId, threshold);
      out.push(
        makeFinding({
          checkId: "azure.workspace.retention-short",
          status: ws.status,
          scope: target.scope,
          resource,
          title: `${target.label}: ${ws.summary}`,
          evidence: ws.evidence,
        }),
      );
      for (const table of target.tables) {
        const t = judgeTable(w, wsId, table, threshold);
        if (!t) continue;
        out.push(
          makeFinding({
            checkId: "azure.table.retention-short",
            status: t.status,
            scope: target.scope,
            resource: `${resource}/tables/${table}`,
            title: `${target.label}: ${t.summary}`,
            evidence: t.evidence,
          }),
        );
      }
    }
    for (const saId of target.storageIds) {
      const s = findStorage(azure, saId);
      const j = judgeStorage(s, saId);
      out.push(
        makeFinding({
          checkId: "azure.storage.not-worm",
          status: j.status,
          scope: target.scope,
          resource: s?.id ?? saId,
          title: `${target.label}: ${j.summary}`,
          evidence: j.evidence,
        }),
      );
    }
  }
  return out;
}

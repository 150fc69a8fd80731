/**
 * The coverage verdict of each readable subscription: uncovered (no Activity Log export), partial (export lacks
 * categories or a destination keeps data too briefly), covered (complete export whose retention is proven by a
 * long-enough workspace or a locked immutability policy at least as long as the threshold). Anything else —
 * settings unreadable, retention unprovable (event hub / partner only, destination unreadable) — gets no verdict
 * and stays `unknown`.
 */
import { scopeKey } from "../../src/model/scope.js";
import type { AnalyzerContext } from "../context.js";
import type { CellVerdict } from "../coverage.js";
import { exportTargets } from "./destinations.js";
import {
  ACTIVITY_TABLE,
  exportingSettings,
  exportsCategory,
  findStorage,
  findWorkspace,
  REQUIRED_CATEGORIES,
  readableSubscriptions,
  subScope,
} from "./facts.js";
import { judgeStorage, judgeTable, judgeWorkspace } from "./judge.js";

export function azureCoverage({ snapshot, policy }: AnalyzerContext): CellVerdict[] {
  const azure = snapshot.azure;
  if (!azure) return [];
  const threshold = policy.retentionDays;
  const targets = new Map(exportTargets(azure).map((t) => [scopeKey(t.scope), t]));
  const out: CellVerdict[] = [];
  for (const sub of readableSubscriptions(azure)) {
    const key = scopeKey(subScope(sub));
    const exporting = exportingSettings(sub);
    if (!exporting) continue; // settings unreadable: unknown
    if (exporting.length === 0) {
      const legacy = sub.logProfiles?.state === "ok" && sub.logProfiles.value.length > 0;
      out.push({
        scopeKey: key,
        status: "uncovered",
        reasons: [legacy ? "only a retired legacy log profile exports the Activity Log" : "no Activity Log export"],
      });
      continue;
    }
    const reasons: string[] = [];
    const missing = REQUIRED_CATEGORIES.filter((c) => !exporting.some((s) => exportsCategory(s, c)));
    if (missing.length > 0) reasons.push(`export lacks ${missing.join(", ")}`);
    let proven = false;
    const target = targets.get(key);
    for (const wsId of target?.workspaceIds ?? []) {
      const w = findWorkspace(azure, wsId);
      const ws = judgeWorkspace(w, wsId, threshold);
      const table = judgeTable(w, wsId, ACTIVITY_TABLE, threshold);
      if (ws.status === "fail") reasons.push(ws.summary);
      if (table?.status === "fail") reasons.push(table.summary);
      if (ws.status === "pass" && (table === undefined || table.status === "pass")) proven = true;
    }
    for (const saId of target?.storageIds ?? []) {
      const s = findStorage(azure, saId);
      const j = judgeStorage(s, saId);
      const days =
        s?.immutability.state === "ok" ? s.immutability.value?.immutabilityPeriodSinceCreationInDays : undefined;
      if (j.status === "pass" && !s?.hasLegalHold && days !== undefined && days >= threshold) proven = true;
      if (j.status === "pass" && s?.hasLegalHold) proven = true;
    }
    if (reasons.length > 0) {
      out.push({ scopeKey: key, status: "partial", reasons });
      continue;
    }
    if (!proven) continue; // retention not provable: unknown
    out.push({
      scopeKey: key,
      status: "covered",
      reasons: [`exported by ${exporting.map((s) => s.name).join(", ")}`],
    });
  }
  return out;
}

/** Turns SDK and raw ARM shapes into the snapshot's facts (no judgement). */
import type { DiagnosticSetting, LogProfile, WorkspaceTable } from "../../model/snapshot-azure.js";

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);

function defined<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** A diagnostic setting, from the SDK (flattened) or a raw ARM body (`properties`). Nulls become absent. */
export function toDiagnosticSetting(raw: unknown): DiagnosticSetting {
  const r = (raw ?? {}) as Obj;
  const p = r.properties !== null && typeof r.properties === "object" ? (r.properties as Obj) : r;
  const logs = Array.isArray(p.logs) ? (p.logs as Obj[]) : [];
  return defined({
    id: str(r.id) ?? "",
    name: str(r.name) ?? "",
    workspaceId: str(p.workspaceId),
    storageAccountId: str(p.storageAccountId),
    eventHubAuthorizationRuleId: str(p.eventHubAuthorizationRuleId),
    eventHubName: str(p.eventHubName),
    marketplacePartnerId: str(p.marketplacePartnerId),
    serviceBusRuleId: str(p.serviceBusRuleId),
    logAnalyticsDestinationType: str(p.logAnalyticsDestinationType),
    logs: logs.map((l) =>
      defined({ category: str(l.category), categoryGroup: str(l.categoryGroup), enabled: l.enabled === true }),
    ),
  });
}

export function toLogProfile(raw: unknown): LogProfile {
  const r = (raw ?? {}) as Obj;
  const p = r.properties !== null && typeof r.properties === "object" ? (r.properties as Obj) : r;
  const rp = (p.retentionPolicy ?? undefined) as Obj | undefined;
  return defined({
    id: str(r.id) ?? "",
    name: str(r.name) ?? "",
    storageAccountId: str(p.storageAccountId),
    serviceBusRuleId: str(p.serviceBusRuleId),
    locations: Array.isArray(p.locations) ? (p.locations as unknown[]).filter((x) => typeof x === "string") : [],
    categories: Array.isArray(p.categories) ? (p.categories as unknown[]).filter((x) => typeof x === "string") : [],
    retentionPolicy:
      rp && typeof rp === "object" ? { enabled: rp.enabled === true, days: int(rp.days) ?? 0 } : undefined,
  }) as LogProfile;
}

export function toTable(raw: unknown): WorkspaceTable {
  const r = (raw ?? {}) as Obj;
  const p = r.properties !== null && typeof r.properties === "object" ? (r.properties as Obj) : r;
  return defined({
    name: str(r.name) ?? "",
    retentionInDays: int(p.retentionInDays),
    totalRetentionInDays: int(p.totalRetentionInDays),
    archiveRetentionInDays: int(p.archiveRetentionInDays),
    plan: str(p.plan),
    retentionInDaysAsDefault: bool(p.retentionInDaysAsDefault),
    totalRetentionInDaysAsDefault: bool(p.totalRetentionInDaysAsDefault),
  });
}

/** Parts of an ARM id: `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}` (any case). */
export function parseArmId(
  id: string,
  type: string,
): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const esc = type.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`^/?subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/${esc}/([^/]+)/?$`, "i").exec(id);
  if (!m) return undefined;
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! };
}

/** The immutability policy properties of a raw ARM body, or null when it describes no policy. */
export function toImmutability(raw: unknown): {
  immutabilityPeriodSinceCreationInDays?: number;
  state?: string;
  allowProtectedAppendWrites?: boolean;
  allowProtectedAppendWritesAll?: boolean;
} | null {
  const r = (raw ?? {}) as Obj;
  const p = r.properties !== null && typeof r.properties === "object" ? (r.properties as Obj) : r;
  const days = int(p.immutabilityPeriodSinceCreationInDays);
  const state = str(p.state);
  // ARM answers a container without a policy with an empty "default" policy (0 days, state Deleted or none).
  if (state?.toLowerCase() === "deleted" || days === 0 || (days === undefined && state === undefined)) return null;
  return defined({
    immutabilityPeriodSinceCreationInDays: days,
    state,
    allowProtectedAppendWrites: bool(p.allowProtectedAppendWrites),
    allowProtectedAppendWritesAll: bool(p.allowProtectedAppendWritesAll),
  });
}

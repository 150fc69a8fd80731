/** Shared readings of the Azure facts: which settings export, which categories, destination lookups. */
import type { ApiError } from "../../src/model/common.js";
import type { Evidence } from "../../src/model/finding.js";
import type { Scope } from "../../src/model/scope.js";
import type {
  AzurePart,
  AzureSubscription,
  DiagnosticSetting,
  StorageDestination,
  Workspace,
} from "../../src/model/snapshot-azure.js";

/** CIS Azure 5.1.x and prowler: the Activity Log categories an export must carry. */
export const REQUIRED_CATEGORIES = ["Administrative", "Security", "Policy", "Alert"] as const;
/** Entra ID sign-in categories: interactive and non-interactive (failed logins live in both). */
export const SIGNIN_CATEGORIES = ["SignInLogs", "NonInteractiveUserSignInLogs"] as const;
/** The workspace table each export lands in. */
export const ACTIVITY_TABLE = "AzureActivity";
export const SIGNIN_TABLES: Record<(typeof SIGNIN_CATEGORIES)[number], string> = {
  SignInLogs: "SigninLogs",
  NonInteractiveUserSignInLogs: "AADNonInteractiveUserSignInLogs",
};

/** The destinations a setting names (workspace, storage, event hub, partner). */
export function destinations(s: DiagnosticSetting): string[] {
  const out: string[] = [];
  if (s.workspaceId) out.push(`workspace ${s.workspaceId}`);
  if (s.storageAccountId) out.push(`storage ${s.storageAccountId}`);
  if (s.eventHubAuthorizationRuleId) {
    out.push(`event hub ${s.eventHubName ? `${s.eventHubName} via ` : ""}${s.eventHubAuthorizationRuleId}`);
  }
  if (s.marketplacePartnerId) out.push(`partner ${s.marketplacePartnerId}`);
  return out;
}

/** The categories an enabled log entry exports: `all` for the allLogs group, else the named category. */
function enabledCategories(s: DiagnosticSetting): Set<string> | "all" {
  const out = new Set<string>();
  for (const l of s.logs) {
    if (!l.enabled) continue;
    if (l.categoryGroup?.toLowerCase() === "alllogs") return "all";
    if (l.category) out.add(l.category.toLowerCase());
  }
  return out;
}

/** A setting exports something only if it has a destination and at least one enabled entry. */
export function isExporting(s: DiagnosticSetting): boolean {
  if (destinations(s).length === 0) return false;
  const c = enabledCategories(s);
  return c === "all" || c.size > 0;
}

/** Does the setting export this category (by name or through allLogs)? */
export function exportsCategory(s: DiagnosticSetting, category: string): boolean {
  if (destinations(s).length === 0) return false;
  const c = enabledCategories(s);
  return c === "all" || c.has(category.toLowerCase());
}

/** A readable summary of a setting for evidence. */
export function describeSetting(s: DiagnosticSetting): string {
  const logs = s.logs
    .filter((l) => l.enabled)
    .map((l) => l.category ?? `group:${l.categoryGroup}`)
    .join(", ");
  const dest = destinations(s).join("; ") || "no destination";
  return `${s.name}: [${logs || "nothing enabled"}] -> ${dest}`;
}

export function findWorkspace(azure: AzurePart, id: string): Workspace | undefined {
  const key = id.toLowerCase();
  return azure.workspaces.find((w) => w.id.toLowerCase() === key);
}

export function findStorage(azure: AzurePart, id: string): StorageDestination | undefined {
  const key = id.toLowerCase();
  return azure.storage.find((s) => s.id.toLowerCase() === key);
}

export function subScope(sub: AzureSubscription): Scope {
  return { cloud: "azure", subscriptionId: sub.subscriptionId, ...(sub.tenantId ? { tenantId: sub.tenantId } : {}) };
}

/** The evidence line of an API error. */
export function errorEvidence(label: string, e: ApiError): Evidence {
  return { label, value: `${e.code}: ${e.message}`, source: `${e.service}:${e.operation}`, at: e.at };
}

/** Exporting settings of a subscription whose diagnostic settings were read. */
export function exportingSettings(sub: AzureSubscription): DiagnosticSetting[] | undefined {
  if (sub.diagnosticSettings?.state !== "ok") return undefined;
  return sub.diagnosticSettings.value.filter(isExporting);
}

/** Audited subscriptions whose settings could be read (access ok). */
export function readableSubscriptions(azure: AzurePart | undefined): AzureSubscription[] {
  return (azure?.subscriptions ?? []).filter((s) => s.access.state === "ok");
}

/** Effective workspace retention: the Free tier is fixed at 7 days. */
export function workspaceRetention(w: Workspace): number | undefined {
  if (typeof w.retentionInDays === "number") return w.retentionInDays;
  if (w.sku?.toLowerCase() === "free") return 7;
  return undefined;
}

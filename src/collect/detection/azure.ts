/**
 * Detection-coverage facts for Azure (CIS 5.2): the subscription's activity log alerts with their scopes, conditions
 * (allOf / anyOf leaves), enabled flag and action groups. Read-only; judges nothing; a failure is an error probe.
 */
import type { ActivityLogAlertResource } from "@azure/arm-monitor";
import type { ActivityLogAlert } from "../../model/detection.js";
import type { Scope } from "../../model/scope.js";
import type { AzureSubscription } from "../../model/snapshot-azure.js";
import type { CollectContext } from "../../scan/context.js";
import { all, call } from "../azure/call.js";
import type { AzureClients } from "../azure/clients.js";

export function toActivityLogAlert(r: ActivityLogAlertResource): ActivityLogAlert {
  const leaf = (l: { field?: string; equals?: string; containsAny?: string[] }) => ({
    ...(l.field !== undefined ? { field: l.field } : {}),
    ...(l.equals !== undefined ? { equals: l.equals } : {}),
    ...(l.containsAny ? { containsAny: [...l.containsAny] } : {}),
  });
  return {
    id: r.id ?? "",
    name: r.name ?? "",
    // ARM default for `enabled` is true.
    enabled: r.enabled !== false,
    scopes: r.scopes ?? [],
    allOf: (r.condition?.allOf ?? []).map((c) => ({
      ...leaf(c),
      ...(c.anyOf ? { anyOf: c.anyOf.map(leaf) } : {}),
    })),
    actionGroupIds: (r.actions?.actionGroups ?? []).map((g) => g.actionGroupId).filter((x): x is string => !!x),
  };
}

/** Lists the subscription's activity log alerts into `sub.activityLogAlerts` (an error probe when it fails). */
export async function collectAzureAlerts(
  ctx: CollectContext,
  clients: AzureClients,
  sub: AzureSubscription,
): Promise<void> {
  const scope: Scope = {
    cloud: "azure",
    subscriptionId: sub.subscriptionId,
    ...(sub.tenantId ? { tenantId: sub.tenantId } : {}),
  };
  const monitor = clients.monitor(sub.subscriptionId, sub.tenantId);
  sub.activityLogAlerts = await call(ctx, "activityLogAlerts.listBySubscriptionId", scope, async (signal) =>
    (await all(monitor.activityLogAlerts.listBySubscriptionId({ abortSignal: signal }))).map(toActivityLogAlert),
  );
}

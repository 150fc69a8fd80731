/**
 * azure.alert.missing: per subscription and CIS 5.2 operation, is there an enabled activity log alert with an action
 * group, scoped to the subscription, whose condition fires for every Administrative event of that operation?
 * Conditions are evaluated, not compared as text: `allOf` items must all hold, an `anyOf` holds when one of its
 * leaves does; `operationName` equals (or containsAny) the operation, `category` Administrative, and
 * `resourceProvider`/`resourceType` consistent with the operation hold for every such event; a condition on any
 * other field (status, caller, level, resourceGroup, resourceId, properties.*) narrows the alert, so it does not
 * cover the operation everywhere in the subscription. A resource-group scope covers that group only.
 * Every alert the scan read, in any subscription, counts for each subscription its scopes name (alerts kept in a
 * central monitoring subscription); alerts of a subscription that could not be read are unknown, never coverage.
 */
import type { ActivityLogAlert } from "../../src/model/detection.js";
import type { Evidence } from "../../src/model/finding.js";
import type { Scope } from "../../src/model/scope.js";
import type { Analyzer } from "../context.js";
import { makeFinding } from "../context.js";
import { CIS_AZURE_ALERT_OPERATIONS } from "./cis-azure.js";

const SOURCE = "arm:activityLogAlerts.listBySubscriptionId";

type Leaf = { field?: string | undefined; equals?: string | undefined; containsAny?: string[] | undefined };

const eq = (a: string | undefined, b: string) => (a ?? "").toLowerCase() === b.toLowerCase();

/** Does a leaf condition hold for every Administrative event of `operation`? "other" = it depends on the event. */
function leafHolds(leaf: Leaf, operation: string): "yes" | "no" | "narrows" {
  const field = (leaf.field ?? "").toLowerCase();
  const values = [...(leaf.equals !== undefined ? [leaf.equals] : []), ...(leaf.containsAny ?? [])];
  const provider = operation.split("/")[0]!;
  const type = operation.split("/").slice(0, -1).join("/");
  const any = (v: string) => values.some((x) => eq(x, v));
  switch (field) {
    case "operationname":
      return any(operation) ? "yes" : "no";
    case "category":
      return any("Administrative") ? "yes" : "no";
    case "resourceprovider":
      return any(provider) ? "yes" : "no";
    case "resourcetype":
      return any(type) ? "yes" : "no";
    default:
      return "narrows";
  }
}

function conditionHolds(alert: ActivityLogAlert, operation: string): { holds: boolean; why?: string } {
  for (const item of alert.allOf) {
    if (item.anyOf && item.anyOf.length > 0) {
      const r = item.anyOf.map((l) => leafHolds(l, operation));
      if (r.includes("yes")) continue;
      if (r.includes("narrows"))
        return { holds: false, why: `its anyOf condition holds only for some events (${describe(item.anyOf)})` };
      return { holds: false, why: undefined };
    }
    if (item.field === undefined) continue;
    const r = leafHolds(item, operation);
    if (r === "no") return { holds: false, why: undefined };
    if (r === "narrows") return { holds: false, why: `it also requires ${describe([item])}` };
  }
  return { holds: true };
}

function describe(leaves: readonly Leaf[]): string {
  return leaves.map((l) => `${l.field}=${l.equals ?? (l.containsAny ?? []).join("|")}`).join(" or ");
}

/** Does the alert mention the operation at all (for naming near-hits)? */
function mentions(alert: ActivityLogAlert, operation: string): boolean {
  const leaves = alert.allOf.flatMap((i) => [i, ...(i.anyOf ?? [])]);
  return leaves.some((l) => eq(l.field, "operationName") && leafHolds(l, operation) === "yes");
}

function scopeCovers(scopes: readonly string[], subscriptionId: string): "yes" | "rg" | "no" {
  const sub = `/subscriptions/${subscriptionId}`.toLowerCase();
  let rg = false;
  for (const s of scopes) {
    const x = s.toLowerCase().replace(/\/+$/, "");
    if (x === sub) return "yes";
    if (x.startsWith(`${sub}/`)) rg = true;
  }
  return rg ? "rg" : "no";
}

/** An alert the scan read, with the subscription it is kept in. */
interface PooledAlert {
  home: string;
  alert: ActivityLogAlert;
}

/** Does any scope of the alert name this subscription or something inside it? */
function touches(scopes: readonly string[], subscriptionId: string): boolean {
  const sub = `/subscriptions/${subscriptionId}`.toLowerCase();
  return scopes.some((s) => {
    const x = s.toLowerCase().replace(/\/+$/, "");
    return x === sub || x.startsWith(`${sub}/`);
  });
}

export const analyzeAzureDetection: Analyzer = ({ snapshot }) => {
  const azure = snapshot.azure;
  if (!azure) return [];
  // Alerts are often kept in a central monitoring subscription with scopes naming other subscriptions: every alert
  // read anywhere in the scan is considered for every subscription its scopes cover.
  const pool: PooledAlert[] = [];
  const unreadable = new Map<string, string>(); // subscription -> why its alerts are unknown
  for (const s of azure.subscriptions) {
    if (s.access.state === "ok") {
      if (s.activityLogAlerts?.state === "ok")
        for (const alert of s.activityLogAlerts.value) pool.push({ home: s.subscriptionId, alert });
      else if (s.activityLogAlerts?.state === "error")
        unreadable.set(s.subscriptionId, `alerts unreadable (${s.activityLogAlerts.error.code})`);
    } else if (s.access.state === "denied" || s.access.state === "error") {
      unreadable.set(s.subscriptionId, `subscription not readable (${s.access.error.code})`);
    }
  }
  const out = [];
  for (const sub of azure.subscriptions) {
    if (sub.access.state !== "ok" || !sub.activityLogAlerts) continue;
    const scope: Scope = {
      cloud: "azure",
      subscriptionId: sub.subscriptionId,
      ...(sub.tenantId ? { tenantId: sub.tenantId } : {}),
    };
    const probe = sub.activityLogAlerts;
    const own = pool.filter((p) => p.home === sub.subscriptionId);
    const foreign = pool.filter((p) => p.home !== sub.subscriptionId && touches(p.alert.scopes, sub.subscriptionId));
    const elsewhere = [...unreadable].filter(([id]) => id !== sub.subscriptionId);
    for (const { id, operation } of CIS_AZURE_ALERT_OPERATIONS) {
      const resource = `/subscriptions/${sub.subscriptionId}/providers/Microsoft.Insights/activityLogAlerts#${operation}`;
      const label = `CIS ${id} ${operation}`;
      const reasons: string[] = [];
      let covering: PooledAlert | undefined;
      for (const p of [...own, ...foreign]) {
        const a = p.alert;
        const where = p.home === sub.subscriptionId ? "" : ` (kept in subscription ${p.home})`;
        const cond = conditionHolds(a, operation);
        if (!cond.holds) {
          if (cond.why && mentions(a, operation)) reasons.push(`alert ${a.name}${where}: ${cond.why}`);
          continue;
        }
        const sc = scopeCovers(a.scopes, sub.subscriptionId);
        if (sc !== "yes") {
          reasons.push(
            sc === "rg"
              ? `alert ${a.name}${where} is scoped to ${a.scopes.join(", ")} only, not the whole subscription`
              : `alert ${a.name} is scoped to ${a.scopes.join(", ") || "nothing"}, not this subscription`,
          );
          continue;
        }
        if (!a.enabled) {
          reasons.push(`alert ${a.name}${where} is disabled`);
          continue;
        }
        if (a.actionGroupIds.length === 0) {
          reasons.push(`alert ${a.name}${where} has no action group`);
          continue;
        }
        covering = p;
        break;
      }
      if (!covering && probe.state === "error") {
        // Its own alerts are unknown and no alert kept elsewhere covers it.
        out.push(
          makeFinding({
            checkId: "azure.alert.missing",
            status: "unknown",
            scope,
            resource,
            title: `${label}: activity log alerts unreadable (${probe.error.code})`,
            evidence: [
              {
                label: "error",
                value: `${probe.error.code}: ${probe.error.message}`,
                source: SOURCE,
                at: probe.error.at,
              },
              ...(reasons.length ? [{ label: "why not covered", value: reasons, source: SOURCE }] : []),
            ],
          }),
        );
        continue;
      }
      if (!covering)
        for (const [other, why] of elsewhere)
          reasons.push(
            `subscription ${other}: ${why}; an alert kept there for this subscription is unknown and not counted`,
          );
      const evidence: Evidence[] = [{ label: "operation", value: operation }];
      if (probe.state === "ok")
        evidence.push({
          label: "alerts in the subscription",
          value: probe.value.length,
          source: SOURCE,
          ...(sub.readAt ? { at: sub.readAt } : {}),
        });
      if (foreign.length)
        evidence.push({
          label: "alerts in other subscriptions scoped to it",
          value: foreign.map((p) => p.alert.id),
          source: SOURCE,
        });
      if (covering)
        evidence.push({
          label: "covered by",
          value: {
            alert: covering.alert.id,
            actionGroups: covering.alert.actionGroupIds,
            ...(covering.home !== sub.subscriptionId ? { keptInSubscription: covering.home } : {}),
          },
          source: SOURCE,
        });
      if (reasons.length) evidence.push({ label: "why not covered", value: reasons, source: SOURCE });
      out.push(
        makeFinding({
          checkId: "azure.alert.missing",
          status: covering ? "pass" : "fail",
          scope,
          resource,
          title: covering
            ? `${label} alerted by ${covering.alert.name}${covering.home !== sub.subscriptionId ? ` (kept in subscription ${covering.home})` : ""}`
            : `${label} has no alert${reasons.length ? `: ${reasons[0]}` : ""}`,
          evidence,
        }),
      );
    }
  }
  return out;
};

/**
 * What blind-spot sampling looks for: the CIS AWS Foundations 4.x event names (reference §3), the tamper events,
 * and the Azure privileged operations (reference §10).
 */

import { CIS_AWS_EVENT_NAMES } from "../../model/cis-aws.js";

export { CIS_AWS_EVENT_NAMES };

/** Sources whose events event history shows only in us-east-1 (reference §2: global service events). */
export const GLOBAL_EVENT_SOURCES = new Set(["iam.amazonaws.com", "organizations.amazonaws.com"]);

/** The home of global service events in event history. */
export const GLOBAL_REGION = "us-east-1";

/** Privileged event names to look up in `region`: regional names everywhere, IAM/Organizations in us-east-1. */
export function privilegedNamesFor(region: string): string[] {
  const out = new Set<string>();
  for (const { source, names } of Object.values(CIS_AWS_EVENT_NAMES)) {
    if (GLOBAL_EVENT_SOURCES.has(source) && region !== GLOBAL_REGION) continue;
    for (const n of names) out.add(n);
  }
  return [...out];
}

/** Every privileged name (any region), for classifying events. */
export const ALL_PRIVILEGED_NAMES: ReadonlySet<string> = new Set(
  Object.values(CIS_AWS_EVENT_NAMES).flatMap((c) => c.names),
);

/** Changes to logging itself (aws.tamper.logging-changed). */
export const AWS_TAMPER_NAMES = [
  "StopLogging",
  "StartLogging",
  "DeleteTrail",
  "UpdateTrail",
  "PutEventSelectors",
  "DeleteLogGroup",
  "PutRetentionPolicy",
  "DeleteRetentionPolicy",
] as const;

/**
 * Azure privileged operations (CIS 5.2 activity-log-alert operations and the extras of reference §10), compared
 * case-insensitively with `operationName.value`.
 */
export const AZURE_PRIVILEGED_OPERATIONS = [
  "Microsoft.Authorization/policyAssignments/write",
  "Microsoft.Authorization/policyAssignments/delete",
  "Microsoft.Network/networkSecurityGroups/write",
  "Microsoft.Network/networkSecurityGroups/delete",
  "Microsoft.Network/networkSecurityGroups/securityRules/write",
  "Microsoft.Network/networkSecurityGroups/securityRules/delete",
  "Microsoft.Security/securitySolutions/write",
  "Microsoft.Security/securitySolutions/delete",
  "Microsoft.Security/policies/write",
  "Microsoft.Sql/servers/firewallRules/write",
  "Microsoft.Sql/servers/firewallRules/delete",
  "Microsoft.Network/publicIPAddresses/write",
  "Microsoft.Network/publicIPAddresses/delete",
  "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.Authorization/roleAssignments/delete",
  "Microsoft.Authorization/roleDefinitions/write",
  "Microsoft.Authorization/roleDefinitions/delete",
  "Microsoft.Authorization/policyDefinitions/write",
  "Microsoft.Authorization/policyDefinitions/delete",
  "Microsoft.Authorization/locks/write",
  "Microsoft.Authorization/locks/delete",
  "Microsoft.Insights/diagnosticSettings/write",
  "Microsoft.Insights/diagnosticSettings/delete",
  "Microsoft.Insights/activityLogAlerts/delete",
  "Microsoft.KeyVault/vaults/accessPolicies/write",
  "Microsoft.Storage/storageAccounts/listKeys/action",
] as const;

const AZURE_PRIVILEGED_LOWER = new Set(AZURE_PRIVILEGED_OPERATIONS.map((o) => o.toLowerCase()));

export function isAzurePrivileged(operation: string): boolean {
  return AZURE_PRIVILEGED_LOWER.has(operation.toLowerCase());
}

/** Azure operations that change the Activity Log export (azure.tamper.logging-changed). */
export const AZURE_TAMPER_OPERATIONS = [
  "Microsoft.Insights/diagnosticSettings/write",
  "Microsoft.Insights/diagnosticSettings/delete",
  "Microsoft.Insights/logProfiles/write",
  "Microsoft.Insights/logProfiles/delete",
  "Microsoft.OperationalInsights/workspaces/write",
  "Microsoft.OperationalInsights/workspaces/delete",
  "Microsoft.OperationalInsights/workspaces/tables/write",
] as const;

const AZURE_TAMPER_LOWER = new Set(AZURE_TAMPER_OPERATIONS.map((o) => o.toLowerCase()));

export function isAzureTamper(operation: string): boolean {
  return AZURE_TAMPER_LOWER.has(operation.toLowerCase());
}

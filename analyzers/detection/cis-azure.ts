/** CIS Azure 5.2.x activity-log-alert operations (v1.3–v2.x numbering 5.2.1–5.2.10; reference §10). */
export const CIS_AZURE_ALERT_OPERATIONS = [
  { id: "5.2.1", operation: "Microsoft.Authorization/policyAssignments/write" },
  { id: "5.2.2", operation: "Microsoft.Authorization/policyAssignments/delete" },
  { id: "5.2.3", operation: "Microsoft.Network/networkSecurityGroups/write" },
  { id: "5.2.4", operation: "Microsoft.Network/networkSecurityGroups/delete" },
  { id: "5.2.5", operation: "Microsoft.Security/securitySolutions/write" },
  { id: "5.2.6", operation: "Microsoft.Security/securitySolutions/delete" },
  { id: "5.2.7", operation: "Microsoft.Sql/servers/firewallRules/write" },
  { id: "5.2.8", operation: "Microsoft.Sql/servers/firewallRules/delete" },
  { id: "5.2.9", operation: "Microsoft.Network/publicIPAddresses/write" },
  { id: "5.2.10", operation: "Microsoft.Network/publicIPAddresses/delete" },
] as const;

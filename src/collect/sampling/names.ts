/**
 * What blind-spot sampling looks for: the CIS AWS Foundations 4.x event names (reference §3), the tamper events,
 * and the Azure privileged operations (reference §10).
 */

/** CIS 4.x privileged event names by control, with the event source they belong to. */
export const CIS_AWS_EVENT_NAMES: Record<string, { source: string; names: readonly string[] }> = {
  "4.4 IAM policy changes": {
    source: "iam.amazonaws.com",
    names: [
      "DeleteGroupPolicy",
      "DeleteRolePolicy",
      "DeleteUserPolicy",
      "PutGroupPolicy",
      "PutRolePolicy",
      "PutUserPolicy",
      "CreatePolicy",
      "DeletePolicy",
      "CreatePolicyVersion",
      "DeletePolicyVersion",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "AttachUserPolicy",
      "DetachUserPolicy",
      "AttachGroupPolicy",
      "DetachGroupPolicy",
    ],
  },
  "4.5 CloudTrail configuration": {
    source: "cloudtrail.amazonaws.com",
    names: ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"],
  },
  "4.7 CMK disable/delete": { source: "kms.amazonaws.com", names: ["DisableKey", "ScheduleKeyDeletion"] },
  "4.8 S3 bucket policy": {
    source: "s3.amazonaws.com",
    names: [
      "PutBucketAcl",
      "PutBucketPolicy",
      "PutBucketCors",
      "PutBucketLifecycle",
      "PutBucketReplication",
      "DeleteBucketPolicy",
      "DeleteBucketCors",
      "DeleteBucketLifecycle",
      "DeleteBucketReplication",
    ],
  },
  "4.9 AWS Config": {
    source: "config.amazonaws.com",
    names: ["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"],
  },
  "4.10 security groups": {
    source: "ec2.amazonaws.com",
    names: [
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
      "CreateSecurityGroup",
      "DeleteSecurityGroup",
    ],
  },
  "4.11 NACLs": {
    source: "ec2.amazonaws.com",
    names: [
      "CreateNetworkAcl",
      "CreateNetworkAclEntry",
      "DeleteNetworkAcl",
      "DeleteNetworkAclEntry",
      "ReplaceNetworkAclEntry",
      "ReplaceNetworkAclAssociation",
    ],
  },
  "4.12 network gateways": {
    source: "ec2.amazonaws.com",
    names: [
      "CreateCustomerGateway",
      "DeleteCustomerGateway",
      "AttachInternetGateway",
      "CreateInternetGateway",
      "DeleteInternetGateway",
      "DetachInternetGateway",
    ],
  },
  "4.13 route tables": {
    source: "ec2.amazonaws.com",
    names: [
      "CreateRoute",
      "CreateRouteTable",
      "ReplaceRoute",
      "ReplaceRouteTableAssociation",
      "DeleteRouteTable",
      "DeleteRoute",
      "DisassociateRouteTable",
    ],
  },
  "4.14 VPC": {
    source: "ec2.amazonaws.com",
    names: [
      "CreateVpc",
      "DeleteVpc",
      "ModifyVpcAttribute",
      "AcceptVpcPeeringConnection",
      "CreateVpcPeeringConnection",
      "DeleteVpcPeeringConnection",
      "RejectVpcPeeringConnection",
      "AttachClassicLinkVpc",
      "DetachClassicLinkVpc",
      "DisableVpcClassicLink",
      "EnableVpcClassicLink",
    ],
  },
  "4.15 Organizations": {
    source: "organizations.amazonaws.com",
    names: [
      "AcceptHandshake",
      "AttachPolicy",
      "CreateAccount",
      "CreateOrganizationalUnit",
      "CreatePolicy",
      "DeclineHandshake",
      "DeleteOrganization",
      "DeleteOrganizationalUnit",
      "DeletePolicy",
      "DetachPolicy",
      "DisablePolicyType",
      "EnablePolicyType",
      "InviteAccountToOrganization",
      "LeaveOrganization",
      "MoveAccount",
      "RemoveAccountFromOrganization",
      "UpdatePolicy",
      "UpdateOrganizationalUnit",
    ],
  },
};

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

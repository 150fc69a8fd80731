/**
 * The Azure half of the demo scenario: one tenant ("Northwind Health") and 4 subscriptions —
 * one clean, one without an Activity Log export, one whose workspace keeps 30 days, one missing categories —
 * and no Entra sign-in export. `demoAzurePlanted` lists the planted gaps (check ids from DESIGN.md).
 */
import { type AzureScenario, type AzureScenarioInput, AzureScenarioSchema } from "../scenario/azure.js";

export const DEMO_TENANT = "5f2d8c1a-3e7b-4a9d-b6c0-1e2f3a4b5c6d";
export const DEMO_SUBS = {
  core: "6b1f3c2e-8a4d-4f7b-9e21-3c5d7a9b1e01",
  sandbox: "9d2e4f6a-1b3c-4d5e-8f70-2a4b6c8d0e02",
  payments: "c4a7e1b9-5d2f-4a63-b8e0-7f1a3c5e9d03",
  analytics: "e8b3d5f7-2c4a-4e6b-a1d9-0b2c4d6e8f04",
} as const;
export const DEMO_WORKSPACES = {
  security: { name: "law-nw-security", customerId: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" },
  payments: { name: "law-nw-payments", customerId: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e" },
} as const;

const DOMAIN = "northwind-health.example";
const PEOPLE = [`priya.raman@${DOMAIN}`, `marc.dubois@${DOMAIN}`, `lena.fischer@${DOMAIN}`, `omar.haddad@${DOMAIN}`];
/** A service principal caller shows as its object id. */
const TERRAFORM_SP = "0c6a2f4e-7d1b-4e3a-9f58-2b7c9d1e4a60";
const CONTRACTOR = `j.kowalski.ext@${DOMAIN}`;
const OFFICE_IPS = ["203.0.113.14", "203.0.113.15", "203.0.113.77"];
const VPN_IPS = ["198.51.100.23", "198.51.100.61"];

/** CIS Azure 5.2.x activity-log-alert operations. */
export const CIS_ALERT_OPERATIONS = [
  "Microsoft.Authorization/policyAssignments/write",
  "Microsoft.Authorization/policyAssignments/delete",
  "Microsoft.Network/networkSecurityGroups/write",
  "Microsoft.Network/networkSecurityGroups/delete",
  "Microsoft.Security/securitySolutions/write",
  "Microsoft.Security/securitySolutions/delete",
  "Microsoft.Sql/servers/firewallRules/write",
  "Microsoft.Sql/servers/firewallRules/delete",
  "Microsoft.Network/publicIPAddresses/write",
  "Microsoft.Network/publicIPAddresses/delete",
] as const;

const PRIVILEGED = [
  "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.Network/networkSecurityGroups/write",
  "Microsoft.Authorization/policyAssignments/write",
  "Microsoft.KeyVault/vaults/accessPolicies/write",
  "Microsoft.Sql/servers/firewallRules/write",
  "Microsoft.Authorization/roleAssignments/delete",
];

const input: AzureScenarioInput = {
  seed: 20261127,
  tenants: [
    {
      id: DEMO_TENANT,
      name: "Northwind Health",
      defaultDomain: DOMAIN,
      // Only audit logs are exported: interactive and non-interactive sign-ins go nowhere.
      entraSettings: [{ name: "entra-audit-to-sentinel", categories: ["AuditLogs"], workspace: "law-nw-security" }],
      signIns: [
        {
          kind: "interactive",
          result: "failure",
          perDay: 5,
          days: 14,
          users: [...PEOPLE, `admin@${DOMAIN}`],
          ips: ["198.51.100.200", "198.51.100.201", "203.0.113.250"],
          resultTypes: ["50126", "50126", "50053", "50074"],
        },
        {
          kind: "interactive",
          result: "success",
          perDay: 30,
          days: 14,
          users: PEOPLE,
          ips: [...OFFICE_IPS, ...VPN_IPS],
        },
        {
          kind: "nonInteractive",
          result: "failure",
          perDay: 2,
          days: 14,
          users: PEOPLE,
          ips: VPN_IPS,
          resultTypes: ["50140", "50126"],
        },
      ],
    },
  ],
  subscriptions: [
    {
      // 1. Clean: all categories to a 365-day workspace and a WORM storage account, alerts with an action group.
      id: DEMO_SUBS.core,
      name: "nw-prod-core",
      resourceGroups: ["rg-security", "rg-core-network", "rg-core-apps"],
      diagnosticSettings: [
        {
          name: "activity-to-sentinel",
          categories: [
            "Administrative",
            "Security",
            "ServiceHealth",
            "Alert",
            "Recommendation",
            "Policy",
            "Autoscale",
            "ResourceHealth",
          ],
          workspace: "law-nw-security",
          storageAccount: "stnwauditarchive",
        },
      ],
      workspaces: [
        {
          name: "law-nw-security",
          resourceGroup: "rg-security",
          location: "westeurope",
          customerId: DEMO_WORKSPACES.security.customerId,
          retentionInDays: 365,
          createdDate: "-540d",
          tables: [{ name: "SigninLogs", retentionInDays: 365, totalRetentionInDays: 730 }],
        },
      ],
      storageAccounts: [
        {
          name: "stnwauditarchive",
          resourceGroup: "rg-security",
          containers: [
            {
              name: "insights-activity-logs",
              immutability: { periodDays: 400, state: "Locked", allowProtectedAppendWrites: true },
            },
          ],
        },
      ],
      activityLogAlerts: CIS_ALERT_OPERATIONS.map((op, i) => ({
        name: `alert-cis-5-2-${i + 1}`,
        resourceGroup: "rg-security",
        operationName: op,
        actionGroups: [
          `/subscriptions/${DEMO_SUBS.core}/resourceGroups/rg-security/providers/microsoft.insights/actionGroups/ag-secops`,
        ],
      })),
      activity: {
        privileged: [
          {
            perDay: 4,
            days: 30,
            operations: PRIVILEGED,
            callers: [...PEOPLE, TERRAFORM_SP],
            ips: [...OFFICE_IPS, ...VPN_IPS],
          },
        ],
        noise: { perDay: 8, days: 100 },
      },
    },
    {
      // 2. No export at all (only a retired legacy log profile), and the export was deleted 9 days ago.
      id: DEMO_SUBS.sandbox,
      name: "nw-dev-sandbox",
      resourceGroups: ["rg-sandbox", "rg-dev-aks"],
      logProfiles: [
        {
          name: "default",
          storageAccountId: `/subscriptions/${DEMO_SUBS.sandbox}/resourceGroups/rg-sandbox/providers/Microsoft.Storage/storageAccounts/stnwsandboxlegacy`,
          locations: ["global", "westeurope", "northeurope"],
          categories: ["Write", "Delete", "Action"],
          retentionDays: 30,
        },
      ],
      activity: {
        privileged: [
          {
            perDay: 3,
            days: 14,
            operations: PRIVILEGED,
            callers: [...PEOPLE, CONTRACTOR],
            ips: [...OFFICE_IPS, "198.51.100.99"],
          },
        ],
        noise: { perDay: 5, days: 30 },
        // Until the export was deleted 9 days ago, the activity log reached law-nw-security.
        delivery: { workspace: "law-nw-security", droppedRanges: [{ from: "-9d4h", to: "+1d" }] },
        events: [
          {
            time: "-9d4h",
            operation: "Microsoft.Insights/diagnosticSettings/delete",
            caller: CONTRACTOR,
            ip: "198.51.100.99",
            resourceId: `/subscriptions/${DEMO_SUBS.sandbox}/providers/microsoft.insights/diagnosticSettings/activity-to-sentinel`,
            resourceGroup: "rg-sandbox",
          },
        ],
      },
    },
    {
      // 3. Workspace keeps 30 days (and AzureActivity overridden to 30), storage without WORM, 2 lost days.
      id: DEMO_SUBS.payments,
      name: "nw-prod-payments",
      resourceGroups: ["rg-payments", "rg-payments-logs"],
      diagnosticSettings: [
        {
          name: "activity-export",
          categoryGroup: "allLogs",
          workspace: "law-nw-payments",
          storageAccount: "stnwpaymentslogs",
        },
      ],
      workspaces: [
        {
          name: "law-nw-payments",
          resourceGroup: "rg-payments-logs",
          location: "northeurope",
          customerId: DEMO_WORKSPACES.payments.customerId,
          retentionInDays: 30,
          createdDate: "-200d",
          tables: [{ name: "AzureActivity", retentionInDays: 30 }],
        },
      ],
      storageAccounts: [
        {
          name: "stnwpaymentslogs",
          resourceGroup: "rg-payments-logs",
          containers: [{ name: "insights-activity-logs" }],
        },
      ],
      activity: {
        privileged: [
          {
            perDay: 3,
            days: 30,
            operations: PRIVILEGED,
            callers: [PEOPLE[1]!, PEOPLE[2]!, TERRAFORM_SP],
            ips: OFFICE_IPS,
          },
        ],
        noise: { perDay: 8, days: 100 },
        events: [
          {
            time: "-3d2h",
            operation: "Microsoft.Insights/diagnosticSettings/write",
            caller: PEOPLE[2]!,
            ip: "203.0.113.77",
            resourceId: `/subscriptions/${DEMO_SUBS.payments}/providers/microsoft.insights/diagnosticSettings/activity-export`,
            resourceGroup: "rg-payments",
          },
        ],
        delivery: { droppedDays: ["-6d", "-5d"] },
      },
    },
    {
      // 4. Export lacks Security and Alert; 40% of role assignment writes never reached the workspace.
      id: DEMO_SUBS.analytics,
      name: "nw-analytics",
      resourceGroups: ["rg-analytics", "rg-databricks"],
      diagnosticSettings: [
        { name: "activity-admin-policy", categories: ["Administrative", "Policy"], workspace: "law-nw-security" },
      ],
      activity: {
        privileged: [
          {
            perDay: 4,
            days: 14,
            operations: PRIVILEGED,
            callers: [PEOPLE[0]!, PEOPLE[3]!],
            ips: [...OFFICE_IPS, ...VPN_IPS],
          },
          {
            perDay: 1,
            days: 14,
            category: "Security",
            operations: ["Microsoft.Security/locations/alerts/activate/action"],
            callers: ["Microsoft Defender for Cloud"],
            ips: ["198.51.100.1"],
          },
        ],
        noise: { perDay: 6, days: 100 },
        delivery: {
          missingFraction: 0.4,
          missingOperations: [
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleAssignments/delete",
          ],
        },
      },
    },
  ],
};

export const demoAzure: AzureScenario = AzureScenarioSchema.parse(input);

export interface PlantedAzureGap {
  checkId: string;
  /** Subscription id, or `tenant:<id>` for Entra checks. */
  scope: string;
  resource?: string;
  note: string;
}

const ws = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/${name}`;

/** The Azure gaps planted in the demo; scans of the demo must find exactly these failing (and the rest passing). */
export const demoAzurePlanted: readonly PlantedAzureGap[] = [
  {
    checkId: "azure.activity.export-missing",
    scope: DEMO_SUBS.sandbox,
    note: "nw-dev-sandbox has no diagnostic setting",
  },
  {
    checkId: "azure.logprofile.legacy",
    scope: DEMO_SUBS.sandbox,
    resource: `/subscriptions/${DEMO_SUBS.sandbox}/providers/microsoft.insights/logprofiles/default`,
    note: "only a retired legacy log profile exports nw-dev-sandbox",
  },
  {
    checkId: "azure.tamper.logging-changed",
    scope: DEMO_SUBS.sandbox,
    note: `Microsoft.Insights/diagnosticSettings/delete by ${CONTRACTOR} from 198.51.100.99, 9 days ago`,
  },
  {
    checkId: "azure.tamper.logging-changed",
    scope: DEMO_SUBS.payments,
    note: `Microsoft.Insights/diagnosticSettings/write by ${PEOPLE[2]}, 3 days ago`,
  },
  {
    checkId: "azure.workspace.retention-short",
    scope: DEMO_SUBS.payments,
    resource: ws(DEMO_SUBS.payments, "rg-payments-logs", "law-nw-payments"),
    note: "law-nw-payments keeps 30 days",
  },
  {
    checkId: "azure.table.retention-short",
    scope: DEMO_SUBS.payments,
    resource: `${ws(DEMO_SUBS.payments, "rg-payments-logs", "law-nw-payments")}/tables/AzureActivity`,
    note: "AzureActivity overridden to 30 days",
  },
  {
    checkId: "azure.retention.unproven",
    scope: DEMO_SUBS.payments,
    resource: ws(DEMO_SUBS.payments, "rg-payments-logs", "law-nw-payments"),
    note: "workspace is 200 days old but AzureActivity holds only 30 days",
  },
  {
    checkId: "azure.storage.not-worm",
    scope: DEMO_SUBS.payments,
    resource: `/subscriptions/${DEMO_SUBS.payments}/resourceGroups/rg-payments-logs/providers/Microsoft.Storage/storageAccounts/stnwpaymentslogs`,
    note: "insights-activity-logs container has no immutability policy",
  },
  {
    checkId: "azure.siem.delivery-gap",
    scope: DEMO_SUBS.payments,
    note: "the days starting 6 and 5 days ago have activity events and none in law-nw-payments",
  },
  {
    checkId: "azure.siem.blind-spot",
    scope: DEMO_SUBS.payments,
    note: "privileged operations on the two lost days (6 and 5 days ago) are missing from law-nw-payments",
  },
  {
    checkId: "azure.siem.blind-spot",
    scope: DEMO_SUBS.sandbox,
    note: "no export since the delete 9 days ago: every privileged operation of the last 9 days reached no workspace",
  },
  {
    checkId: "azure.activity.categories-missing",
    scope: DEMO_SUBS.analytics,
    note: "activity-admin-policy exports Administrative and Policy only (Security, Alert missing)",
  },
  {
    checkId: "azure.siem.blind-spot",
    scope: DEMO_SUBS.analytics,
    note: "40% of roleAssignments write/delete operations never reached law-nw-security",
  },
  // One finding per CIS 5.2 operation and subscription: only nw-core has alerts (one per operation).
  ...[DEMO_SUBS.sandbox, DEMO_SUBS.payments, DEMO_SUBS.analytics].flatMap((sub) =>
    CIS_ALERT_OPERATIONS.map((op) => ({
      checkId: "azure.alert.missing",
      scope: sub,
      resource: `/subscriptions/${sub}/providers/Microsoft.Insights/activityLogAlerts#${op}`,
      note: `no activity log alert for ${op}`,
    })),
  ),
  {
    checkId: "azure.entra.signin-export-missing",
    scope: `tenant:${DEMO_TENANT}`,
    note: "the only Entra diagnostic setting exports AuditLogs; SignInLogs and NonInteractiveUserSignInLogs go nowhere",
  },
  {
    checkId: "azure.siem.failed-logins-missing",
    scope: `tenant:${DEMO_TENANT}`,
    note: "failed sign-ins (50126, 50053, 50074, 50140) are in no workspace",
  },
];

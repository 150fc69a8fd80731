/**
 * Scale generator for the Azure half of a scenario: M subscriptions with a realistic mix of good and bad
 * configurations, deterministic for a seed. Stays compact: events are generators (expanded lazily by the
 * simulator), workspaces are shared by groups of 50 subscriptions.
 */
import { guidFrom, rng } from "../azure/ids.js";
import { type AzureScenario, type AzureScenarioInput, AzureScenarioSchema } from "./azure.js";

export interface GenerateAzureOptions {
  subscriptions: number;
  seed: number;
}

const TEAMS = ["payments", "identity", "data", "web", "ml", "platform", "search", "billing", "crm", "mobile"];
const ENVS = ["prod", "staging", "dev", "sandbox"];
const LOCATIONS = ["westeurope", "northeurope", "eastus", "eastus2", "uksouth", "swedencentral"];
const PRIVILEGED = [
  "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.Network/networkSecurityGroups/write",
  "Microsoft.Authorization/policyAssignments/write",
  "Microsoft.KeyVault/vaults/accessPolicies/write",
  "Microsoft.Sql/servers/firewallRules/write",
];
const ALL_CATEGORIES = [
  "Administrative",
  "Security",
  "ServiceHealth",
  "Alert",
  "Recommendation",
  "Policy",
  "Autoscale",
  "ResourceHealth",
] as const;

export type GeneratedKind =
  | "good"
  | "no-export"
  | "missing-categories"
  | "short-retention"
  | "legacy-profile"
  | "denied"
  | "disabled"
  | "lossy";

/** The kind of subscription i for a seed (exposed so tests and benchmarks know what to expect). */
export function generatedKind(r: number): GeneratedKind {
  if (r < 0.6) return "good";
  if (r < 0.7) return "no-export";
  if (r < 0.78) return "missing-categories";
  if (r < 0.85) return "short-retention";
  if (r < 0.9) return "legacy-profile";
  if (r < 0.93) return "denied";
  if (r < 0.95) return "disabled";
  return "lossy";
}

/** Builds an Azure estate of `subscriptions` subscriptions, deterministic for a seed. */
export function generateAzure(opts: GenerateAzureOptions): AzureScenario {
  const n = Math.max(0, Math.floor(opts.subscriptions));
  const rand = rng(opts.seed);
  const tenantId = guidFrom(opts.seed, "tenant");
  const domain = "fabrikam.example";
  const subs: NonNullable<AzureScenarioInput["subscriptions"]> = [];
  const groupWorkspace = (g: number) => `law-estate-${String(g).padStart(3, "0")}`;
  for (let i = 0; i < n; i++) {
    const id = guidFrom(opts.seed, "sub", i);
    const team = TEAMS[i % TEAMS.length]!;
    const env = ENVS[Math.floor(i / TEAMS.length) % ENVS.length]!;
    const kind = i === 0 ? "good" : generatedKind(rand());
    const group = Math.floor(i / 50);
    const rg = `rg-${team}-${env}`;
    const sub: NonNullable<AzureScenarioInput["subscriptions"]>[number] = {
      id,
      name: `${team}-${env}-${String(i).padStart(3, "0")}`,
      tenant: tenantId,
      resourceGroups: [rg],
      state: kind === "disabled" ? "Disabled" : "Enabled",
      access: kind === "denied" ? "denied" : "allowed",
      activity: {
        privileged: [{ perDay: 2, days: 7, operations: PRIVILEGED, ips: ["203.0.113.40", "198.51.100.40"] }],
        noise: { perDay: 2, days: 14 },
        ...(kind === "lossy" ? { delivery: { missingFraction: 0.3, droppedDays: ["-2d"] } } : {}),
      },
    };
    if (i % 50 === 0) {
      sub.workspaces = [
        {
          name: groupWorkspace(group),
          resourceGroup: "rg-security-logs",
          location: LOCATIONS[group % LOCATIONS.length],
          customerId: guidFrom(opts.seed, "ws", group),
          retentionInDays: group % 4 === 3 ? 60 : 365,
          createdDate: "-700d",
        },
      ];
      (sub.resourceGroups as string[]).push("rg-security-logs");
    }
    const shared = groupWorkspace(group);
    switch (kind) {
      case "good":
      case "lossy":
      case "denied":
      case "disabled":
        sub.diagnosticSettings = [{ name: "activity-to-siem", categoryGroup: "allLogs", workspace: shared }];
        break;
      case "missing-categories":
        sub.diagnosticSettings = [
          { name: "activity-to-siem", categories: ["Administrative", "Policy", "ServiceHealth"], workspace: shared },
        ];
        break;
      case "short-retention": {
        const own = `law-${team}-${env}-${String(i).padStart(3, "0")}`;
        sub.workspaces = [
          ...(sub.workspaces ?? []),
          {
            name: own,
            resourceGroup: rg,
            location: LOCATIONS[i % LOCATIONS.length],
            customerId: guidFrom(opts.seed, "ws-own", i),
            retentionInDays: 30,
            createdDate: "-300d",
          },
        ];
        sub.diagnosticSettings = [{ name: "activity-export", categories: [...ALL_CATEGORIES], workspace: own }];
        break;
      }
      case "legacy-profile":
        sub.logProfiles = [
          {
            name: "default",
            storageAccountId: `/subscriptions/${id}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/st${i}legacy`,
          },
        ];
        break;
      case "no-export":
        break;
    }
    subs.push(sub);
  }
  return AzureScenarioSchema.parse({
    seed: opts.seed,
    tenants: [
      {
        id: tenantId,
        name: "Fabrikam",
        defaultDomain: domain,
        entraSettings:
          n > 0
            ? [
                {
                  name: "entra-to-siem",
                  categories: ["AuditLogs", "SignInLogs", "NonInteractiveUserSignInLogs"],
                  workspace: groupWorkspace(0),
                },
              ]
            : [],
        signIns: [
          { result: "failure", perDay: 10, days: 7, resultTypes: ["50126", "50053", "50074"] },
          { result: "success", perDay: 40, days: 7 },
        ],
      },
    ],
    subscriptions: subs,
  } satisfies AzureScenarioInput);
}

/**
 * The Azure part of a simulator scenario (documented in docs/scenarios-azure.md).
 *
 * Everything is plain data: subscriptions with their diagnostic settings, workspaces and tables, storage
 * accounts, compact activity-event generators and sign-in generators, plus *what reached the workspace*, so blind
 * spots, delivery gaps, short retention and tampering are reproducible. Times are scenario times (see time.ts):
 * `now`, `-3d`, `-2h30m` or ISO.
 */
import { z } from "zod";
import { isTimeSpec } from "./time.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = z.string().regex(GUID, "must be a GUID such as 00000000-0000-0000-0000-000000000000");
const time = z.string().refine(isTimeSpec, "must be a scenario time: now, -3d, -2h30m or an ISO timestamp");
/** A name of a scenario workspace/storage account, or a full ARM id (a destination outside the scenario). */
const resourceRef = z.string().min(1);

export const ACTIVITY_LOG_CATEGORIES = [
  "Administrative",
  "Security",
  "ServiceHealth",
  "Alert",
  "Recommendation",
  "Policy",
  "Autoscale",
  "ResourceHealth",
] as const;

export const ENTRA_LOG_CATEGORIES = [
  "AuditLogs",
  "SignInLogs",
  "NonInteractiveUserSignInLogs",
  "ServicePrincipalSignInLogs",
  "ManagedIdentitySignInLogs",
  "ProvisioningLogs",
  "ADFSSignInLogs",
  "RiskyUsers",
  "UserRiskEvents",
  "NetworkAccessTrafficLogs",
  "RiskyServicePrincipals",
  "ServicePrincipalRiskEvents",
  "EnrichedOffice365AuditLogs",
  "MicrosoftGraphActivityLogs",
  "RemoteNetworkHealthLogs",
] as const;

/** Where a diagnostic setting sends data. At least one destination is required (as in ARM). */
const destinations = {
  /** Scenario workspace name or a workspace ARM id. */
  workspace: resourceRef.optional(),
  /** Scenario storage account name or a storage account ARM id. */
  storageAccount: resourceRef.optional(),
  eventHubAuthorizationRuleId: z.string().optional(),
  eventHubName: z.string().optional(),
  marketplacePartnerId: z.string().optional(),
};

const hasDestination = (s: {
  workspace?: string | undefined;
  storageAccount?: string | undefined;
  eventHubAuthorizationRuleId?: string | undefined;
  marketplacePartnerId?: string | undefined;
}) =>
  s.workspace !== undefined ||
  s.storageAccount !== undefined ||
  s.eventHubAuthorizationRuleId !== undefined ||
  s.marketplacePartnerId !== undefined;

export const DiagnosticSettingSchema = z
  .strictObject({
    name: z.string().min(1),
    /** Enabled categories. Omit and set `categoryGroup: allLogs` for the group form. */
    categories: z.array(z.enum(ACTIVITY_LOG_CATEGORIES)).optional(),
    categoryGroup: z.literal("allLogs").optional(),
    ...destinations,
  })
  .refine((s) => s.categories !== undefined || s.categoryGroup !== undefined, {
    message: "set categories (e.g. [Administrative, Security, Policy, Alert]) or categoryGroup: allLogs",
  })
  .refine(hasDestination, { message: "a diagnostic setting needs a destination (workspace, storageAccount, ...)" });
export type DiagnosticSetting = z.infer<typeof DiagnosticSettingSchema>;

export const EntraSettingSchema = z
  .strictObject({
    name: z.string().min(1),
    categories: z.array(z.enum(ENTRA_LOG_CATEGORIES)).min(1),
    ...destinations,
  })
  .refine(hasDestination, { message: "an Entra diagnostic setting needs a destination" });
export type EntraSetting = z.infer<typeof EntraSettingSchema>;

export const LogProfileSchema = z.strictObject({
  name: z.string().default("default"),
  storageAccountId: z.string().optional(),
  serviceBusRuleId: z.string().optional(),
  locations: z.array(z.string()).default(["global"]),
  categories: z.array(z.enum(["Write", "Delete", "Action"])).default(["Write", "Delete", "Action"]),
  retentionDays: z.number().int().min(0).max(365).default(0),
});

export const TableSchema = z.strictObject({
  name: z.string().min(1),
  /** Analytics retention override, 4–730; -1 or absent = workspace default. */
  retentionInDays: z
    .number()
    .int()
    .refine((n) => n === -1 || (n >= 4 && n <= 730), "must be -1 (workspace default) or 4..730")
    .optional(),
  /** Total retention (analytics + long-term), up to 4383; -1 or absent = same as analytics. */
  totalRetentionInDays: z
    .number()
    .int()
    .refine((n) => n === -1 || (n >= 4 && n <= 4383), "must be -1 or 4..4383")
    .optional(),
  plan: z.enum(["Analytics", "Basic", "Auxiliary"]).default("Analytics"),
});

export const WorkspaceSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/, "workspace names are 4-63 letters, digits, -"),
  resourceGroup: z.string().min(1),
  location: z.string().default("westeurope"),
  customerId: guid,
  sku: z
    .enum(["PerGB2018", "Free", "Standalone", "PerNode", "Standard", "Premium", "CapacityReservation"])
    .default("PerGB2018"),
  /** Workspace retention (30 default; the Free sku is fixed at 7). */
  retentionInDays: z.number().int().min(4).max(730).default(30),
  createdDate: time.default("-400d"),
  tables: z.array(TableSchema).default([]),
});

export const ImmutabilitySchema = z.strictObject({
  periodDays: z.number().int().min(0).max(146000),
  state: z.enum(["Locked", "Unlocked"]).default("Unlocked"),
  allowProtectedAppendWrites: z.boolean().default(true),
  allowProtectedAppendWritesAll: z.boolean().default(false),
});

export const StorageAccountSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]{3,24}$/, "storage account names are 3-24 lowercase letters and digits"),
  resourceGroup: z.string().min(1),
  location: z.string().default("westeurope"),
  containers: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/, "invalid container name"),
        immutability: ImmutabilitySchema.optional(),
        legalHold: z.boolean().default(false),
      }),
    )
    .default([{ name: "insights-activity-logs", legalHold: false }]),
});

export const ActivityLogAlertSchema = z.strictObject({
  name: z.string().min(1),
  resourceGroup: z.string().min(1),
  /** The `operationName` the alert's condition matches (category Administrative). */
  operationName: z.string().min(1),
  enabled: z.boolean().default(true),
  /** Action group ARM ids; empty = an alert that notifies nobody. */
  actionGroups: z.array(z.string()).default([]),
  /**
   * properties.scopes: ARM ids the alert applies to (a subscription, a resource group, a resource), possibly of
   * other subscriptions (alerts kept in a central monitoring subscription). Default: the alert's own subscription.
   */
  scopes: z
    .array(
      z
        .string()
        .regex(/^\/subscriptions\/[^/]+(\/.*)?$/i, { message: "a scope is an ARM id /subscriptions/<id>[/...]" }),
    )
    .min(1)
    .optional(),
});

/** "N operations per day for D days" with these operation names (round robin, deterministic). */
export const ActivityGeneratorSchema = z.strictObject({
  perDay: z.number().int().min(0).max(10_000),
  days: z.number().int().min(1).max(120).default(14),
  operations: z.array(z.string().min(1)).min(1),
  category: z.enum(ACTIVITY_LOG_CATEGORIES).default("Administrative"),
  callers: z.array(z.string().min(1)).min(1).optional(),
  ips: z.array(z.string().min(1)).min(1).optional(),
  resourceGroups: z.array(z.string().min(1)).min(1).optional(),
  status: z.enum(["Succeeded", "Failed"]).default("Succeeded"),
});

/** One explicit activity-log operation (a tamper event, a specific privileged action). */
export const ActivityEventSchema = z.strictObject({
  time,
  operation: z.string().min(1),
  caller: z.string().default("admin@contoso.example"),
  ip: z.string().default("203.0.113.10"),
  status: z.enum(["Succeeded", "Failed"]).default("Succeeded"),
  category: z.enum(ACTIVITY_LOG_CATEGORIES).default("Administrative"),
  resourceGroup: z.string().optional(),
  /** Resource ARM id; defaults to a resource derived from the operation name. */
  resourceId: z.string().optional(),
  correlationId: guid.optional(),
  eventDataId: guid.optional(),
});

const droppedRange = z.strictObject({ from: time, to: time });

/** Which events reached a workspace. Default: all when an export to a workspace exists, else none. */
export const DeliverySchema = z.strictObject({
  /** Workspace the events arrive in (default: the workspace of the subscription's/tenant's export). */
  workspace: resourceRef.optional(),
  mode: z.enum(["all", "none"]).default("all"),
  /** Whole days lost, as day starts relative to now, e.g. ["-3d", "-4d"] (the 24 h from that instant). */
  droppedDays: z.array(time).default([]),
  droppedRanges: z.array(droppedRange).default([]),
  /** Fraction (0..1) of operations, chosen deterministically, that never arrive. */
  missingFraction: z.number().min(0).max(1).default(0),
  /** Correlation ids (activity) or sign-in ids that never arrive. */
  missingIds: z.array(z.string()).default([]),
  /** Only operations with these names are affected by missingFraction (default: all). */
  missingOperations: z.array(z.string()).optional(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

export const ActivitySchema = z.strictObject({
  privileged: z.array(ActivityGeneratorSchema).default([]),
  /** Generic read/write noise: N per day for D days (operations are picked from a built-in list). */
  noise: z
    .strictObject({ perDay: z.number().int().min(0).max(10_000), days: z.number().int().min(1).max(120).default(14) })
    .optional(),
  events: z.array(ActivityEventSchema).default([]),
  delivery: DeliverySchema.optional(),
});

export const SubscriptionSchema = z.strictObject({
  id: guid,
  name: z.string().min(1),
  state: z.enum(["Enabled", "Warned", "PastDue", "Disabled", "Deleted"]).default("Enabled"),
  /** Tenant id; defaults to the first tenant. */
  tenant: guid.optional(),
  /** The scanning identity has no role here: every call under the subscription answers 403 AuthorizationFailed. */
  access: z.enum(["allowed", "denied"]).default("allowed"),
  resourceGroups: z.array(z.string().min(1)).default([]),
  diagnosticSettings: z.array(DiagnosticSettingSchema).default([]),
  logProfiles: z.array(LogProfileSchema).default([]),
  workspaces: z.array(WorkspaceSchema).default([]),
  storageAccounts: z.array(StorageAccountSchema).default([]),
  activityLogAlerts: z.array(ActivityLogAlertSchema).default([]),
  activity: ActivitySchema.optional(),
});

export const SignInGeneratorSchema = z.strictObject({
  kind: z.enum(["interactive", "nonInteractive"]).default("interactive"),
  result: z.enum(["failure", "success"]),
  perDay: z.number().int().min(0).max(10_000),
  days: z.number().int().min(1).max(120).default(14),
  users: z.array(z.string().min(1)).min(1).optional(),
  ips: z.array(z.string().min(1)).min(1).optional(),
  /** ResultType codes for failures (strings, as in SigninLogs), e.g. 50126 (bad password), 50053 (locked). */
  resultTypes: z
    .array(z.string().regex(/^[1-9]\d*$/))
    .min(1)
    .optional(),
  apps: z.array(z.string().min(1)).min(1).optional(),
});

export const TenantSchema = z.strictObject({
  id: guid,
  name: z.string().default("Contoso"),
  defaultDomain: z.string().default("contoso.example"),
  /** Entra ID (microsoft.aadiam) diagnostic settings. */
  entraSettings: z.array(EntraSettingSchema).default([]),
  /** denied = the caller lacks Security Reader/Global Reader: the aadiam API answers 403. */
  entraSettingsAccess: z.enum(["allowed", "denied"]).default("allowed"),
  signIns: z.array(SignInGeneratorSchema).default([]),
  /** Which sign-ins reached the workspace (default: all, when an Entra export of the category exists). */
  signInDelivery: DeliverySchema.optional(),
});

export const AzureScenarioSchema = z
  .strictObject({
    /** Seed for every generated id, time and pick. */
    seed: z.number().int().default(1),
    tenants: z.array(TenantSchema).default([]),
    subscriptions: z.array(SubscriptionSchema).default([]),
  })
  .superRefine((sc, ctx) => {
    const tenantIds = new Set(sc.tenants.map((t) => t.id.toLowerCase()));
    if (sc.subscriptions.length > 0 && sc.tenants.length === 0) {
      ctx.addIssue({ code: "custom", path: ["tenants"], message: "subscriptions need at least one tenant" });
    }
    const subIds = new Set<string>();
    const wsNames = new Map<string, string>();
    const saNames = new Set<string>();
    const customerIds = new Set<string>();
    sc.subscriptions.forEach((s, i) => {
      const id = s.id.toLowerCase();
      if (subIds.has(id)) ctx.addIssue({ code: "custom", path: ["subscriptions", i, "id"], message: "duplicate id" });
      subIds.add(id);
      if (s.tenant !== undefined && !tenantIds.has(s.tenant.toLowerCase())) {
        ctx.addIssue({ code: "custom", path: ["subscriptions", i, "tenant"], message: `unknown tenant ${s.tenant}` });
      }
      s.workspaces.forEach((w, j) => {
        if (wsNames.has(w.name)) {
          ctx.addIssue({
            code: "custom",
            path: ["subscriptions", i, "workspaces", j, "name"],
            message: `workspace name "${w.name}" is used twice in the scenario`,
          });
        }
        wsNames.set(w.name, s.id);
        if (customerIds.has(w.customerId.toLowerCase())) {
          ctx.addIssue({
            code: "custom",
            path: ["subscriptions", i, "workspaces", j, "customerId"],
            message: "duplicate customerId",
          });
        }
        customerIds.add(w.customerId.toLowerCase());
      });
      s.storageAccounts.forEach((a, j) => {
        if (saNames.has(a.name)) {
          ctx.addIssue({
            code: "custom",
            path: ["subscriptions", i, "storageAccounts", j, "name"],
            message: `storage account name "${a.name}" is globally unique and used twice`,
          });
        }
        saNames.add(a.name);
      });
    });
    const checkRef = (ref: string | undefined, kind: "workspace" | "storageAccount", path: (string | number)[]) => {
      if (ref === undefined || ref.startsWith("/")) return;
      const known = kind === "workspace" ? wsNames.has(ref) : saNames.has(ref);
      if (!known) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `unknown ${kind} "${ref}": name one from the scenario or give a full ARM id`,
        });
      }
    };
    sc.subscriptions.forEach((s, i) => {
      s.diagnosticSettings.forEach((d, j) => {
        checkRef(d.workspace, "workspace", ["subscriptions", i, "diagnosticSettings", j, "workspace"]);
        checkRef(d.storageAccount, "storageAccount", ["subscriptions", i, "diagnosticSettings", j, "storageAccount"]);
      });
      checkRef(s.activity?.delivery?.workspace, "workspace", ["subscriptions", i, "activity", "delivery", "workspace"]);
    });
    sc.tenants.forEach((t, i) => {
      t.entraSettings.forEach((d, j) => {
        checkRef(d.workspace, "workspace", ["tenants", i, "entraSettings", j, "workspace"]);
        checkRef(d.storageAccount, "storageAccount", ["tenants", i, "entraSettings", j, "storageAccount"]);
      });
      checkRef(t.signInDelivery?.workspace, "workspace", ["tenants", i, "signInDelivery", "workspace"]);
    });
  });

/** The validated (defaults applied) Azure part of a scenario. */
export type AzureScenario = z.infer<typeof AzureScenarioSchema>;
/** What scenario authors write (defaults optional). */
export type AzureScenarioInput = z.input<typeof AzureScenarioSchema>;
export type AzureSubscription = AzureScenario["subscriptions"][number];
export type AzureTenant = AzureScenario["tenants"][number];
export type AzureWorkspace = AzureSubscription["workspaces"][number];

import { z } from "zod";
import { ApiErrorSchema, IsoTimeSchema, probeSchema } from "./common.js";
import { ActivityLogAlertSchema } from "./detection.js";
import { OldestEventSchema, SampleResultSchema, TamperEventSchema } from "./samples.js";

/** A diagnostic setting as the SDK returns it (properties flattened). Used for subscriptions and Entra ID. */
export const DiagnosticSettingSchema = z.object({
  id: z.string(),
  name: z.string(),
  workspaceId: z.string().optional(),
  storageAccountId: z.string().optional(),
  eventHubAuthorizationRuleId: z.string().optional(),
  eventHubName: z.string().optional(),
  marketplacePartnerId: z.string().optional(),
  serviceBusRuleId: z.string().optional(),
  logAnalyticsDestinationType: z.string().optional(),
  logs: z.array(
    z.object({ category: z.string().optional(), categoryGroup: z.string().optional(), enabled: z.boolean() }),
  ),
});
export type DiagnosticSetting = z.infer<typeof DiagnosticSettingSchema>;

export const LogProfileSchema = z.object({
  id: z.string(),
  name: z.string(),
  storageAccountId: z.string().optional(),
  serviceBusRuleId: z.string().optional(),
  locations: z.array(z.string()).default([]),
  categories: z.array(z.string()).default([]),
  retentionPolicy: z.object({ enabled: z.boolean(), days: z.number().int() }).optional(),
});

export const WorkspaceTableSchema = z.object({
  name: z.string(),
  /** -1 = the workspace default. */
  retentionInDays: z.number().int().optional(),
  totalRetentionInDays: z.number().int().optional(),
  archiveRetentionInDays: z.number().int().optional(),
  plan: z.string().optional(),
  retentionInDaysAsDefault: z.boolean().optional(),
  totalRetentionInDaysAsDefault: z.boolean().optional(),
});

export const WorkspaceSchema = z.object({
  /** ARM resource id (what diagnostic settings point at). */
  id: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string().optional(),
  name: z.string().optional(),
  /** The GUID the query API takes. */
  customerId: z.string().optional(),
  sku: z.string().optional(),
  retentionInDays: z.number().int().optional(),
  createdDate: IsoTimeSchema.optional(),
  tables: probeSchema(z.array(WorkspaceTableSchema)).optional(),
  /** Retention proof (blind-spot sampling): the oldest AzureActivity row actually stored. */
  oldestEvent: OldestEventSchema.optional(),
  /** The workspace could not be read (other subscription, denied, deleted). */
  error: ApiErrorSchema.optional(),
  /** When the workspace was read. */
  readAt: IsoTimeSchema.optional(),
});
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const StorageDestinationSchema = z.object({
  /** Storage account ARM id. */
  id: z.string(),
  container: z.string(),
  /** false when the container does not exist (nothing delivered yet, so nothing is protected). */
  containerFound: z.boolean().optional(),
  /** The container has a legal hold (also WORM: nothing can be deleted while it holds). */
  hasLegalHold: z.boolean().optional(),
  /** When the container and its policy were read. */
  readAt: IsoTimeSchema.optional(),
  immutability: probeSchema(
    z
      .object({
        immutabilityPeriodSinceCreationInDays: z.number().int().optional(),
        state: z.string().optional(),
        allowProtectedAppendWrites: z.boolean().optional(),
        allowProtectedAppendWritesAll: z.boolean().optional(),
      })
      .nullable(),
  ),
});

export const AzureSubscriptionSchema = z.object({
  subscriptionId: z.string(),
  displayName: z.string().optional(),
  tenantId: z.string().optional(),
  /** Enabled | Warned | PastDue | Disabled | Deleted. Disabled/Deleted are skipped, not clean. */
  state: z.string(),
  access: z.discriminatedUnion("state", [
    z.object({ state: z.literal("ok") }),
    z.object({ state: z.literal("denied"), error: ApiErrorSchema }),
    z.object({ state: z.literal("error"), error: ApiErrorSchema }),
    z.object({ state: z.literal("skipped"), reason: z.string() }),
  ]),
  diagnosticSettings: probeSchema(z.array(DiagnosticSettingSchema)).optional(),
  logProfiles: probeSchema(z.array(LogProfileSchema)).optional(),
  /** Activity log alerts of the subscription (detection coverage, CIS 5.2). */
  activityLogAlerts: probeSchema(z.array(ActivityLogAlertSchema)).optional(),
  samples: z.array(SampleResultSchema).default([]),
  tamper: z.array(TamperEventSchema).default([]),
  errors: z.array(ApiErrorSchema).default([]),
  /** When the subscription's settings were read. */
  readAt: IsoTimeSchema.optional(),
});
export type AzureSubscription = z.infer<typeof AzureSubscriptionSchema>;

export const AzureTenantSchema = z.object({
  tenantId: z.string(),
  /** Entra ID diagnostic settings (microsoft.aadiam). A 403 is an `error` probe: unknown, not missing. */
  entraDiagnosticSettings: probeSchema(z.array(DiagnosticSettingSchema)).optional(),
  /** When the Entra settings were read. */
  readAt: IsoTimeSchema.optional(),
  samples: z.array(SampleResultSchema).default([]),
});

export const AzurePartSchema = z.object({
  tenants: z.array(AzureTenantSchema),
  subscriptions: z.array(AzureSubscriptionSchema),
  /** Destinations, deduplicated across subscriptions (a workspace may serve many). */
  workspaces: z.array(WorkspaceSchema).default([]),
  storage: z.array(StorageDestinationSchema).default([]),
});
export type AzurePart = z.infer<typeof AzurePartSchema>;
export type AzureTenant = z.infer<typeof AzureTenantSchema>;
export type StorageDestination = z.infer<typeof StorageDestinationSchema>;
export type WorkspaceTable = z.infer<typeof WorkspaceTableSchema>;
export type LogProfile = z.infer<typeof LogProfileSchema>;

import { z } from "zod";
import { ApiErrorSchema, AwsAccountIdSchema, IsoTimeSchema, probeSchema } from "./common.js";
import { AwsDetectionSchema } from "./detection.js";
import { OldestEventSchema, SampleResultSchema, TamperEventSchema } from "./samples.js";

/** EC2 DescribeRegions `OptInStatus`. `not-opted-in` regions are n/a, never uncovered. */
export const OptInStatusSchema = z.enum(["opt-in-not-required", "opted-in", "not-opted-in"]);

export const AwsRegionSchema = z.object({
  name: z.string(),
  optInStatus: OptInStatusSchema,
  /** false when the region was excluded by `--regions` or is not enabled. */
  scanned: z.boolean(),
  /** Set when the region's APIs failed: every cell fact of this region is unknown. */
  error: ApiErrorSchema.optional(),
  /** TrailARNs DescribeTrails listed in this region (shadow trails included). */
  trailArns: z.array(z.string()).default([]),
});
export type AwsRegion = z.infer<typeof AwsRegionSchema>;

/** Basic selector as returned by GetEventSelectors. */
export const EventSelectorSchema = z.object({
  ReadWriteType: z.enum(["All", "ReadOnly", "WriteOnly"]).optional(),
  IncludeManagementEvents: z.boolean().optional(),
  ExcludeManagementEventSources: z.array(z.string()).optional(),
  DataResources: z.array(z.object({ Type: z.string().optional(), Values: z.array(z.string()).optional() })).optional(),
});

export const AdvancedFieldSelectorSchema = z.object({
  Field: z.string(),
  Equals: z.array(z.string()).optional(),
  StartsWith: z.array(z.string()).optional(),
  EndsWith: z.array(z.string()).optional(),
  NotEquals: z.array(z.string()).optional(),
  NotStartsWith: z.array(z.string()).optional(),
  NotEndsWith: z.array(z.string()).optional(),
});
export const AdvancedEventSelectorSchema = z.object({
  Name: z.string().optional(),
  FieldSelectors: z.array(AdvancedFieldSelectorSchema),
});

/**
 * What GetEventSelectors told us. `managed-centrally`: an organization trail seen from a member account, where the
 * API refuses; the management account's view decides.
 */
export const TrailSelectorsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("basic"), eventSelectors: z.array(EventSelectorSchema) }),
  z.object({ kind: z.literal("advanced"), advancedEventSelectors: z.array(AdvancedEventSelectorSchema) }),
  z.object({ kind: z.literal("managed-centrally"), error: ApiErrorSchema.optional() }),
  z.object({ kind: z.literal("unknown"), error: ApiErrorSchema }),
]);

/** GetTrailStatus, times as ISO strings. */
export const TrailStatusSchema = z.object({
  isLogging: z.boolean(),
  latestDeliveryTime: IsoTimeSchema.optional(),
  latestDeliveryError: z.string().optional(),
  startLoggingTime: IsoTimeSchema.optional(),
  stopLoggingTime: IsoTimeSchema.optional(),
  latestCloudWatchLogsDeliveryTime: IsoTimeSchema.optional(),
  latestCloudWatchLogsDeliveryError: z.string().optional(),
  latestDigestDeliveryTime: IsoTimeSchema.optional(),
  latestDigestDeliveryError: z.string().optional(),
  latestNotificationError: z.string().optional(),
});

export const TrailSchema = z.object({
  arn: z.string(),
  name: z.string(),
  homeRegion: z.string(),
  /** Account in the ARN: for an organization trail, the management account. */
  ownerAccountId: AwsAccountIdSchema,
  isMultiRegion: z.boolean(),
  isOrganization: z.boolean(),
  includeGlobalServiceEvents: z.boolean(),
  logFileValidationEnabled: z.boolean(),
  kmsKeyId: z.string().optional(),
  cloudWatchLogsLogGroupArn: z.string().optional(),
  cloudWatchLogsRoleArn: z.string().optional(),
  s3BucketName: z.string().optional(),
  s3KeyPrefix: z.string().optional(),
  snsTopicArn: z.string().optional(),
  hasCustomEventSelectors: z.boolean().optional(),
  hasInsightSelectors: z.boolean().optional(),
  status: probeSchema(TrailStatusSchema),
  selectors: TrailSelectorsSchema,
  /** Regions whose DescribeTrails listed this trail. */
  seenInRegions: z.array(z.string()).default([]),
});
export type Trail = z.infer<typeof TrailSchema>;

export const EventDataStoreSchema = z.object({
  arn: z.string(),
  name: z.string(),
  status: z.string().optional(),
  multiRegionEnabled: z.boolean().optional(),
  organizationEnabled: z.boolean().optional(),
  retentionPeriodDays: z.number().int().optional(),
  advancedEventSelectors: z.array(AdvancedEventSelectorSchema).optional(),
  kmsKeyId: z.string().optional(),
  homeRegion: z.string(),
  error: ApiErrorSchema.optional(),
});

export const LogGroupSchema = z.object({
  arn: z.string(),
  name: z.string(),
  accountId: AwsAccountIdSchema,
  region: z.string(),
  creationTime: IsoTimeSchema.optional(),
  /** Absent = never expires. When `retentionPolicyName` is set, this is the account-level policy's value. */
  retentionInDays: z.number().int().optional(),
  retentionPolicyName: z.string().optional(),
  storedBytes: z.number().optional(),
  metricFilterCount: z.number().int().optional(),
  kmsKeyId: z.string().optional(),
  logGroupClass: z.string().optional(),
  /** Retention proof (blind-spot sampling): the oldest event actually stored in the group. */
  oldestEvent: OldestEventSchema.optional(),
  /** The group could not be described (other account, denied, deleted). */
  error: ApiErrorSchema.optional(),
});

export const LifecycleRuleSchema = z.object({
  id: z.string().optional(),
  status: z.string(),
  prefix: z.string().optional(),
  expirationDays: z.number().int().optional(),
  noncurrentExpirationDays: z.number().int().optional(),
  transitions: z.array(z.object({ days: z.number().int().optional(), storageClass: z.string().optional() })).optional(),
  /** Expiration at a fixed date (everything the rule matches is deleted from then on). */
  expirationDate: IsoTimeSchema.optional(),
  /** The rule filters on object tags: CloudTrail log files carry none, so it does not apply to them. */
  tagFilter: z.boolean().optional(),
});

export const BucketSchema = z.object({
  name: z.string(),
  /** The account the bucket was read from (may differ from the trail's). */
  readFromAccountId: AwsAccountIdSchema,
  region: z.string().optional(),
  objectLock: probeSchema(
    z.object({
      enabled: z.boolean(),
      mode: z.enum(["GOVERNANCE", "COMPLIANCE"]).optional(),
      days: z.number().int().optional(),
      years: z.number().int().optional(),
    }),
  ),
  versioning: probeSchema(z.object({ status: z.string().optional(), mfaDelete: z.string().optional() })),
  encryption: probeSchema(z.object({ algorithm: z.string().optional(), kmsKeyId: z.string().optional() })),
  publicAccessBlock: probeSchema(
    z
      .object({
        blockPublicAcls: z.boolean(),
        ignorePublicAcls: z.boolean(),
        blockPublicPolicy: z.boolean(),
        restrictPublicBuckets: z.boolean(),
      })
      .nullable(),
  ),
  policyIsPublic: probeSchema(z.boolean().nullable()),
  lifecycle: probeSchema(z.array(LifecycleRuleSchema)),
  logging: probeSchema(
    z.object({ targetBucket: z.string().optional(), targetPrefix: z.string().optional() }).nullable(),
  ),
});

export const KmsKeySchema = z.object({
  arn: z.string(),
  region: z.string(),
  keyManager: z.string().optional(),
  keySpec: z.string().optional(),
  keyState: z.string().optional(),
  rotation: probeSchema(
    z.object({
      enabled: z.boolean(),
      rotationPeriodInDays: z.number().int().optional(),
      nextRotationDate: IsoTimeSchema.optional(),
    }),
  ),
  error: ApiErrorSchema.optional(),
});

export const AwsAccountSchema = z.object({
  accountId: AwsAccountIdSchema,
  name: z.string().optional(),
  email: z.string().optional(),
  /** Organizations account status (ACTIVE, SUSPENDED, PENDING_CLOSURE). */
  status: z.string().optional(),
  isManagement: z.boolean().default(false),
  /** How we got in: the ambient credentials, an assumed role, or not at all. */
  access: z.discriminatedUnion("state", [
    z.object({ state: z.literal("ok"), via: z.enum(["ambient", "assume-role"]), roleArn: z.string().optional() }),
    z.object({ state: z.literal("denied"), error: ApiErrorSchema }),
    z.object({ state: z.literal("error"), error: ApiErrorSchema }),
    z.object({ state: z.literal("skipped"), reason: z.string() }),
  ]),
  regions: z.array(AwsRegionSchema).default([]),
  trails: z.array(TrailSchema).default([]),
  eventDataStores: z.array(EventDataStoreSchema).default([]),
  logGroups: z.array(LogGroupSchema).default([]),
  buckets: z.array(BucketSchema).default([]),
  keys: z.array(KmsKeySchema).default([]),
  samples: z.array(SampleResultSchema).default([]),
  tamper: z.array(TamperEventSchema).default([]),
  /** Detection coverage (metric filters of the trail log groups this account owns, their alarms, SNS topics). */
  detection: AwsDetectionSchema.optional(),
  /** Other errors that do not belong to one region or resource. */
  errors: z.array(ApiErrorSchema).default([]),
});
export type AwsAccount = z.infer<typeof AwsAccountSchema>;

export const AwsPartSchema = z.object({
  /** The identity the scan started from (GetCallerIdentity). Never credentials. */
  caller: z.object({ accountId: AwsAccountIdSchema, arn: z.string() }).optional(),
  organization: z
    .object({
      id: z.string(),
      managementAccountId: AwsAccountIdSchema,
      /** ListAccounts failed: the member list is unknown. */
      error: ApiErrorSchema.optional(),
    })
    .optional(),
  accounts: z.array(AwsAccountSchema),
});
export type AwsPart = z.infer<typeof AwsPartSchema>;

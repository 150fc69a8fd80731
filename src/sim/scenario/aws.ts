/**
 * The AWS half of a simulator scenario: organization, accounts, regions, trails, event data stores, log groups,
 * buckets, KMS keys, event streams (what happened and where it was delivered) and tamper events.
 * All times are scenario time specs (see ./time.ts): `now`, `-3d`, `-2h30m`, or ISO.
 */

import { z } from "zod";
import { DEFAULT_ENABLED_REGIONS } from "../../model/aws-regions.js";
import { isTimeSpec } from "./time.js";

export const TimeSpec = z
  .string()
  .refine(isTimeSpec, { message: "not a time: use now, -3d, -2h30m or an ISO timestamp" })
  .describe("now, a signed relative duration (-3d, -2h30m) or an ISO-8601 timestamp");
const AccountId = z.string().regex(/^\d{12}$/, { message: "an AWS account id is 12 digits" });
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "not an AWS region name (e.g. eu-west-1)" });

export const DEFAULT_REGIONS = DEFAULT_ENABLED_REGIONS;

/** Opt-in regions (disabled unless an account opts in). */
export const OPT_IN_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ca-west-1",
  "eu-central-2",
  "eu-south-1",
  "eu-south-2",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
] as const;

const RoleSchema = z.object({
  name: z.string().min(1),
  /** Accounts allowed to assume the role; default: the organization's management account. */
  trustedAccounts: z.array(AccountId).optional(),
});

export const AccountSchema = z.object({
  id: AccountId,
  name: z.string().min(1),
  email: z.string().optional(),
  status: z.enum(["ACTIVE", "SUSPENDED", "PENDING_CLOSURE"]).default("ACTIVE"),
  joinedAt: TimeSpec.default("-400d"),
  /** Opt-in regions this account enabled (`opted-in`) or explicitly lists as `not-opted-in`; others are disabled. */
  optInRegions: z.record(z.string(), z.enum(["opted-in", "not-opted-in"])).default({}),
  /** IAM roles other accounts may assume into this account (AssumeRole); default OrganizationAccountAccessRole. */
  roles: z.array(RoleSchema).default([{ name: "OrganizationAccountAccessRole" }]),
  /** Extra access key ids that act as this account (the first account's default key is printed by `blindspot sim`). */
  accessKeys: z.array(z.string()).default([]),
});

const BasicSelector = z.object({
  readWriteType: z.enum(["All", "ReadOnly", "WriteOnly"]).default("All"),
  includeManagementEvents: z.boolean().default(true),
  excludeManagementEventSources: z.array(z.string()).default([]),
  dataResources: z.array(z.object({ type: z.string(), values: z.array(z.string()) })).default([]),
});
const FieldSelector = z.object({
  field: z.string(),
  equals: z.array(z.string()).optional(),
  startsWith: z.array(z.string()).optional(),
  endsWith: z.array(z.string()).optional(),
  notEquals: z.array(z.string()).optional(),
  notStartsWith: z.array(z.string()).optional(),
  notEndsWith: z.array(z.string()).optional(),
});
export const AdvancedSelectorSchema = z.object({
  name: z.string().optional(),
  fieldSelectors: z.array(FieldSelector).min(1),
});

export const TrailSchema = z.object({
  name: z.string().min(3),
  account: AccountId,
  homeRegion: Region,
  multiRegion: z.boolean().default(false),
  organization: z.boolean().default(false),
  includeGlobalServiceEvents: z.boolean().default(true),
  logFileValidation: z.boolean().default(false),
  /** KMS key: a key id from `kmsKeys` or a full key ARN. */
  kmsKeyId: z.string().optional(),
  /** CloudWatch Logs delivery (the SIEM feed): log group name in the trail's account and home region. */
  cloudWatchLogs: z
    .object({ logGroup: z.string(), roleName: z.string().default("CloudTrail_CloudWatchLogs_Role") })
    .optional(),
  s3Bucket: z.string(),
  s3KeyPrefix: z.string().optional(),
  snsTopicName: z.string().optional(),
  createdAt: TimeSpec.default("-400d"),
  /** Basic selectors; when neither kind is given the trail logs all management events (All). */
  eventSelectors: z.array(BasicSelector).optional(),
  advancedEventSelectors: z.array(AdvancedSelectorSchema).optional(),
  hasInsightSelectors: z.boolean().default(false),
  status: z
    .object({
      logging: z.boolean().default(true),
      startLoggingTime: TimeSpec.optional(),
      stopLoggingTime: TimeSpec.optional(),
      latestDeliveryTime: TimeSpec.optional(),
      latestDeliveryError: z.string().optional(),
      latestCloudWatchLogsDeliveryTime: TimeSpec.optional(),
      latestCloudWatchLogsDeliveryError: z.string().optional(),
      latestDigestDeliveryTime: TimeSpec.optional(),
      latestNotificationTime: TimeSpec.optional(),
    })
    .default({ logging: true }),
});

export const EventDataStoreSchema = z.object({
  name: z.string(),
  account: AccountId,
  region: Region,
  status: z
    .enum(["CREATED", "ENABLED", "PENDING_DELETION", "STARTING_INGESTION", "STOPPING_INGESTION", "STOPPED_INGESTION"])
    .default("ENABLED"),
  multiRegion: z.boolean().default(true),
  organization: z.boolean().default(false),
  retentionDays: z.number().int().min(7).max(3653).default(2557),
  billingMode: z
    .enum(["EXTENDABLE_RETENTION_PRICING", "FIXED_RETENTION_PRICING"])
    .default("EXTENDABLE_RETENTION_PRICING"),
  terminationProtection: z.boolean().default(true),
  kmsKeyId: z.string().optional(),
  advancedEventSelectors: z.array(AdvancedSelectorSchema).optional(),
  createdAt: TimeSpec.default("-200d"),
});

export const LogGroupSchema = z.object({
  name: z.string().min(1),
  account: AccountId,
  region: Region,
  /** Absent = never expire. */
  retentionInDays: z.number().int().positive().optional(),
  /** An account-level retention policy applies (retentionInDays then shows the policy's value). */
  retentionPolicyName: z.string().optional(),
  createdAt: TimeSpec.default("-400d"),
  kmsKeyId: z.string().optional(),
  logGroupClass: z.enum(["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"]).default("STANDARD"),
  metricFilters: z
    .array(
      z.object({
        name: z.string(),
        pattern: z.string(),
        metricName: z.string(),
        metricNamespace: z.string().default("CISBenchmark"),
        metricValue: z.string().default("1"),
      }),
    )
    .default([]),
  subscriptionFilters: z
    .array(z.object({ name: z.string(), pattern: z.string().default(""), destinationArn: z.string() }))
    .default([]),
});

export const BucketSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "not a valid S3 bucket name" }),
  account: AccountId,
  region: Region,
  createdAt: TimeSpec.default("-400d"),
  objectLock: z
    .object({
      mode: z.enum(["GOVERNANCE", "COMPLIANCE"]).optional(),
      days: z.number().int().positive().optional(),
      years: z.number().int().positive().optional(),
    })
    .optional(),
  versioning: z.enum(["Enabled", "Suspended"]).optional(),
  mfaDelete: z.enum(["Enabled", "Disabled"]).optional(),
  /** Default SSE-S3 (AES256), like every bucket since 2023. */
  encryption: z
    .object({ algorithm: z.enum(["AES256", "aws:kms", "aws:kms:dsse"]), kmsKeyId: z.string().optional() })
    .default({ algorithm: "AES256" }),
  publicAccessBlock: z
    .object({
      blockPublicAcls: z.boolean(),
      ignorePublicAcls: z.boolean(),
      blockPublicPolicy: z.boolean(),
      restrictPublicBuckets: z.boolean(),
    })
    .optional(),
  policy: z.string().optional(),
  isPublic: z.boolean().default(false),
  lifecycleRules: z
    .array(
      z.object({
        id: z.string(),
        status: z.enum(["Enabled", "Disabled"]).default("Enabled"),
        prefix: z.string().default(""),
        expirationDays: z.number().int().positive().optional(),
        noncurrentExpirationDays: z.number().int().positive().optional(),
        transitions: z.array(z.object({ days: z.number().int().nonnegative(), storageClass: z.string() })).default([]),
      }),
    )
    .default([]),
  logging: z.object({ targetBucket: z.string(), targetPrefix: z.string().default("") }).optional(),
  /** Other accounts allowed to read the bucket's configuration and objects (default: owner only). */
  readers: z.array(AccountId).default([]),
});

export const KmsKeySchema = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$|^mrk-[0-9a-f]{32}$/, { message: "a KMS key id is a UUID" }),
  account: AccountId,
  region: Region,
  alias: z.string().optional(),
  description: z.string().default(""),
  keyManager: z.enum(["CUSTOMER", "AWS"]).default("CUSTOMER"),
  keySpec: z.string().default("SYMMETRIC_DEFAULT"),
  keyState: z.enum(["Enabled", "Disabled", "PendingDeletion"]).default("Enabled"),
  rotation: z.boolean().default(false),
  rotationPeriodInDays: z.number().int().min(90).max(2560).default(365),
  createdAt: TimeSpec.default("-400d"),
});

/** Where a set of events was delivered. Unset fields inherit from the stream, then from the covering trails. */
export const DeliverySchema = z.object({
  /** false: never reaches the trail's CloudWatch Logs group (the SIEM) even when a trail covers it. */
  cloudwatch: z.boolean().optional(),
  /** false: never reaches the trail's S3 bucket. */
  s3: z.boolean().optional(),
  /** Time ranges whose events were lost on the way to CloudWatch Logs (delivery gaps). */
  droppedDays: z.array(z.object({ from: TimeSpec, to: TimeSpec })).optional(),
  /** Fraction 0..1 of events lost on the way to CloudWatch Logs (deterministic per event). */
  missingFraction: z.number().min(0).max(1).optional(),
  /** Explicit event ids lost on the way to CloudWatch Logs. */
  droppedEventIds: z.array(z.string()).optional(),
});

const Actor = z
  .string()
  .regex(/^(root|user:[\w+=,.@-]+|role:[\w+=,.@-]+\/[\w+=,.@-]+|service:[a-z0-9.-]+)$/, {
    message: "actor is root, user:NAME, role:ROLE/SESSION or service:svc.amazonaws.com",
  })
  .describe("root | user:NAME | role:ROLE/SESSION | service:svc.amazonaws.com");

const Generator = z.object({
  /** Events per day (fractions allowed: 0.5 = one every other day). */
  perDay: z.number().min(0).max(10_000),
  delivery: DeliverySchema.optional(),
});

export const StreamSchema = z.object({
  account: AccountId,
  region: Region,
  from: TimeSpec.default("-90d"),
  to: TimeSpec.default("now"),
  actors: z.array(Actor).min(1).optional(),
  sourceIPs: z.array(z.string()).min(1).optional(),
  /** Privileged write events (CIS 4.x classes). Global services (IAM, Organizations) are recorded in us-east-1. */
  privileged: Generator.extend({ names: z.array(z.string()).min(1).optional() }).optional(),
  /** Failed console sign-ins (recorded in this stream's region; use us-east-1 for the global endpoint). */
  failedLogins: Generator.extend({ userNames: z.array(z.string()).min(1).optional() }).optional(),
  /** Successful console sign-ins; mfa false = MFAUsed "No". */
  consoleLogins: Generator.extend({ mfa: z.boolean().default(true) }).optional(),
  /** Root user API activity. */
  rootUse: Generator.optional(),
  /** Read-only API noise (Describe*, List*, Get*). */
  reads: Generator.optional(),
  /** Explicit events with fixed ids (tests). */
  events: z
    .array(
      z.object({
        id: z.string().optional(),
        at: TimeSpec,
        name: z.string(),
        source: z.string().optional(),
        actor: Actor.optional(),
        readOnly: z.boolean().optional(),
        errorCode: z.string().optional(),
        errorMessage: z.string().optional(),
        sourceIP: z.string().optional(),
        requestParameters: z.record(z.string(), z.unknown()).optional(),
        delivery: DeliverySchema.optional(),
      }),
    )
    .default([]),
  delivery: DeliverySchema.optional(),
});

export const TamperSchema = z.object({
  account: AccountId,
  region: Region,
  at: TimeSpec,
  action: z.enum([
    "StopLogging",
    "StartLogging",
    "DeleteTrail",
    "CreateTrail",
    "UpdateTrail",
    "PutEventSelectors",
    "PutRetentionPolicy",
    "DeleteRetentionPolicy",
    "DeleteLogGroup",
  ]),
  /** The trail (name) or log group the action targets. StopLogging/StartLogging change the trail's logging history. */
  target: z.string(),
  actor: Actor.default("user:admin"),
  sourceIP: z.string().default("198.51.100.23"),
  /** PutRetentionPolicy: the retention the actor set. */
  retentionInDays: z.number().int().positive().optional(),
  id: z.string().optional(),
});

/** A CloudWatch metric alarm (detection coverage): the metric it watches and the SNS topics it notifies. */
export const AlarmSchema = z.object({
  name: z.string().min(1),
  account: AccountId,
  region: Region,
  metricName: z.string(),
  namespace: z.string().default("CISBenchmark"),
  /** SNS topics to notify: topic names in the alarm's account and region, or full topic ARNs. */
  actions: z.array(z.string()).default([]),
  actionsEnabled: z.boolean().default(true),
  state: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]).default("OK"),
});

/**
 * A CloudWatch composite alarm: its AlarmRule (ALARM(name) OR ALARM(arn) ..., references in the same account and
 * region), the SNS topics it notifies, and an optional ActionsSuppressor alarm.
 */
export const CompositeAlarmSchema = z.object({
  name: z.string().min(1),
  account: AccountId,
  region: Region,
  rule: z.string().min(1).max(10_240),
  /** SNS topics to notify: topic names in the alarm's account and region, or full topic ARNs. */
  actions: z.array(z.string()).default([]),
  actionsEnabled: z.boolean().default(true),
  state: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]).default("OK"),
  actionsSuppressor: z.string().optional(),
});

/** An SNS topic and its subscriptions (confirmed: false = PendingConfirmation). */
export const SnsTopicSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, { message: "an SNS topic name is letters, digits, - and _" }),
  account: AccountId,
  region: Region,
  subscriptions: z
    .array(
      z.object({
        protocol: z.enum(["email", "email-json", "sms", "https", "http", "sqs", "lambda", "firehose"]).default("email"),
        endpoint: z.string(),
        confirmed: z.boolean().default(true),
      }),
    )
    .default([]),
});

export const AwsScenarioSchema = z.object({
  organization: z
    .object({
      id: z.string().regex(/^o-[a-z0-9]{10,32}$/, { message: "an organization id looks like o-exampleorgid" }),
      managementAccountId: AccountId,
      featureSet: z.enum(["ALL", "CONSOLIDATED_BILLING"]).default("ALL"),
    })
    .optional(),
  accounts: z.array(AccountSchema).min(1),
  /** Overrides the default (opt-in-not-required) region list. */
  defaultRegions: z.array(Region).optional(),
  trails: z.array(TrailSchema).default([]),
  eventDataStores: z.array(EventDataStoreSchema).default([]),
  logGroups: z.array(LogGroupSchema).default([]),
  buckets: z.array(BucketSchema).default([]),
  kmsKeys: z.array(KmsKeySchema).default([]),
  streams: z.array(StreamSchema).default([]),
  tamper: z.array(TamperSchema).default([]),
  /** CloudWatch metric alarms (on the metric filters' metrics) and the SNS topics they notify. */
  alarms: z.array(AlarmSchema).optional(),
  /** CloudWatch composite alarms (DescribeAlarms with AlarmTypes CompositeAlarm). */
  compositeAlarms: z.array(CompositeAlarmSchema).optional(),
  snsTopics: z.array(SnsTopicSchema).optional(),
  /** Seed for event ids, times and actors. */
  seed: z.number().int().default(1),
});

export type AwsScenario = z.infer<typeof AwsScenarioSchema>;
export type AwsScenarioInput = z.input<typeof AwsScenarioSchema>;
export type TrailSpec = z.infer<typeof TrailSchema>;
export type StreamSpec = z.infer<typeof StreamSchema>;
export type DeliverySpec = z.infer<typeof DeliverySchema>;
export type TamperSpec = z.infer<typeof TamperSchema>;
export type AccountSpec = z.infer<typeof AccountSchema>;
export type BucketSpec = z.infer<typeof BucketSchema>;
export type LogGroupSpec = z.infer<typeof LogGroupSchema>;
export type KmsKeySpec = z.infer<typeof KmsKeySchema>;
export type EventDataStoreSpec = z.infer<typeof EventDataStoreSchema>;
export type AlarmSpec = z.infer<typeof AlarmSchema>;
export type CompositeAlarmSpec = z.infer<typeof CompositeAlarmSchema>;
export type SnsTopicSpec = z.infer<typeof SnsTopicSchema>;

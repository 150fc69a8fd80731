/**
 * Detection-coverage facts (CIS AWS 4.1–4.15 metric filters + alarms, CIS Azure 5.2 activity log alerts), as the
 * collectors read them. Judged by analyzers/detection.
 */
import { z } from "zod";
import { AwsAccountIdSchema, IsoTimeSchema, probeSchema } from "./common.js";

/** DescribeMetricFilters: one filter and the metrics it emits. */
export const MetricFilterSchema = z.object({
  filterName: z.string(),
  filterPattern: z.string(),
  metrics: z.array(z.object({ namespace: z.string(), name: z.string() })),
});
export type MetricFilter = z.infer<typeof MetricFilterSchema>;

/** The metric filters of one trail log group, read from the account that owns the group. */
export const DetectionLogGroupSchema = z.object({
  /** Log group ARN without the `:*` suffix (the key trails use). */
  arn: z.string(),
  name: z.string(),
  accountId: AwsAccountIdSchema,
  region: z.string(),
  metricFilters: probeSchema(z.array(MetricFilterSchema)),
});

/** DescribeAlarms (AlarmTypes MetricAlarm): a metric alarm and its actions. */
export const MetricAlarmSchema = z.object({
  name: z.string(),
  arn: z.string().optional(),
  actionsEnabled: z.boolean(),
  alarmActions: z.array(z.string()),
  stateValue: z.string().optional(),
});
export type MetricAlarm = z.infer<typeof MetricAlarmSchema>;

/** The alarms on one metric (account and region of the metric filter's log group). */
export const MetricAlarmsSchema = z.object({
  accountId: AwsAccountIdSchema,
  region: z.string(),
  namespace: z.string(),
  metricName: z.string(),
  alarms: probeSchema(z.array(MetricAlarmSchema)),
});

/** DescribeAlarms (AlarmTypes CompositeAlarm): a composite alarm, its rule and actions. */
export const CompositeAlarmSchema = z.object({
  name: z.string(),
  arn: z.string().optional(),
  /** The AlarmRule expression, as written (ALARM(name) OR ALARM(arn) ...). */
  alarmRule: z.string(),
  actionsEnabled: z.boolean(),
  alarmActions: z.array(z.string()),
  stateValue: z.string().optional(),
  /** ActionsSuppressor: while that alarm is in ALARM, this composite's actions do not fire. */
  actionsSuppressor: z.string().optional(),
});
export type CompositeAlarm = z.infer<typeof CompositeAlarmSchema>;

/** Every composite alarm of one account and region (read in the same DescribeAlarms call as the metric alarms). */
export const CompositeAlarmsSchema = z.object({
  accountId: AwsAccountIdSchema,
  region: z.string(),
  alarms: probeSchema(z.array(CompositeAlarmSchema)),
});

/** ListSubscriptionsByTopic: how many subscriptions are confirmed (a pending one has SubscriptionArn PendingConfirmation). */
export const TopicSubscriptionsSchema = z.object({
  arn: z.string(),
  subscriptions: probeSchema(
    z.object({
      confirmed: z.number().int(),
      pending: z.number().int(),
      protocols: z.array(z.string()).default([]),
    }),
  ),
});

/** Detection facts stored on the AWS account they were read from. */
export const AwsDetectionSchema = z.object({
  logGroups: z.array(DetectionLogGroupSchema).default([]),
  alarms: z.array(MetricAlarmsSchema).default([]),
  /** Composite alarms per account and region; absent in snapshots taken before they were read. */
  compositeAlarms: z.array(CompositeAlarmsSchema).default([]),
  topics: z.array(TopicSubscriptionsSchema).default([]),
  readAt: IsoTimeSchema.optional(),
});
export type AwsDetection = z.infer<typeof AwsDetectionSchema>;

const LeafConditionSchema = z.object({
  field: z.string().optional(),
  equals: z.string().optional(),
  containsAny: z.array(z.string()).optional(),
});

/** An activity log alert (Microsoft.Insights/activityLogAlerts) as listed for a subscription. */
export const ActivityLogAlertSchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  scopes: z.array(z.string()),
  /** condition.allOf: each item is a leaf condition or an anyOf of leaf conditions. */
  allOf: z.array(LeafConditionSchema.extend({ anyOf: z.array(LeafConditionSchema).optional() })),
  actionGroupIds: z.array(z.string()),
});
export type ActivityLogAlert = z.infer<typeof ActivityLogAlertSchema>;

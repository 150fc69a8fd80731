import { z } from "zod";
import { ApiErrorSchema, IsoTimeSchema, probeSchema } from "./common.js";

/** The event classes blind-spot sampling proves delivery for. */
export const EventClassSchema = z.enum(["privileged", "failed-login", "root"]);
export type EventClass = z.infer<typeof EventClassSchema>;

/** A SIEM destination an event was looked up in. */
export const DestinationSchema = z.object({
  kind: z.enum(["cloudwatch-logs", "s3", "cloudtrail-lake", "log-analytics", "siem-export"]),
  /** ARN, bucket/prefix, workspace resource id or export file name. */
  id: z.string(),
});
export type Destination = z.infer<typeof DestinationSchema>;

/** One sampled source event that was not found in the destination. */
export const MissingEventSchema = z.object({
  eventId: z.string(),
  time: IsoTimeSchema,
  name: z.string(),
  actor: z.string().optional(),
  sourceIp: z.string().optional(),
  region: z.string().optional(),
});

/** Per day of the window: events seen at the source vs in the SIEM. */
export const DayCountSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  source: z.number().int().nonnegative(),
  siem: z.number().int().nonnegative().nullable(),
});

/**
 * What sampling proved for one scope (account-region or subscription) and event class. `state: unknown` when the
 * source or the destination could not be queried.
 */
export const SampleResultSchema = z.object({
  region: z.string().optional(),
  eventClass: EventClassSchema,
  window: z.object({ start: IsoTimeSchema, end: IsoTimeSchema }),
  source: z.object({ service: z.string(), operation: z.string() }),
  destination: DestinationSchema.nullable(),
  state: z.enum(["ok", "unknown"]),
  error: ApiErrorSchema.optional(),
  sampled: z.number().int().nonnegative(),
  found: z.number().int().nonnegative(),
  missing: z.array(MissingEventSchema),
  perDay: z.array(DayCountSchema).default([]),
  /** True when `--sample-max` cut the sample. */
  capped: z.boolean().default(false),
});
export type SampleResult = z.infer<typeof SampleResultSchema>;

/** A change to logging inside the window (StopLogging, DeleteTrail, diagnostic setting delete, ...). */
export const TamperEventSchema = z.object({
  eventId: z.string(),
  time: IsoTimeSchema,
  name: z.string(),
  actor: z.string().optional(),
  sourceIp: z.string().optional(),
  region: z.string().optional(),
  resource: z.string().optional(),
  /** For StopLogging and deletes: when logging resumed, if it did. */
  resumedAt: IsoTimeSchema.optional(),
  /** Where the fact came from: event history / the activity log, or GetTrailStatus StopLoggingTime. */
  origin: z.enum(["event-history", "trail-status", "activity-log"]).optional(),
});
export type TamperEvent = z.infer<typeof TamperEventSchema>;

/**
 * The oldest event actually stored in a destination (retention proof): `time: null` when the destination holds
 * nothing. `method` names the query (`logs:StartQuery sort @timestamp asc`, `logs:FilterLogEvents startFromHead`,
 * `AzureActivity | summarize min(TimeGenerated)`); `searchedFrom` is the start of the range searched.
 */
export const OldestEventSchema = probeSchema(
  z.object({
    time: IsoTimeSchema.nullable(),
    method: z.string(),
    readAt: IsoTimeSchema,
    searchedFrom: IsoTimeSchema.optional(),
  }),
);
export type OldestEvent = z.infer<typeof OldestEventSchema>;
export type MissingEvent = z.infer<typeof MissingEventSchema>;
export type DayCount = z.infer<typeof DayCountSchema>;

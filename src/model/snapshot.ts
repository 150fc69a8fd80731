import { z } from "zod";
import { CloudSchema, IsoTimeSchema } from "./common.js";
import { AwsPartSchema } from "./snapshot-aws.js";
import { AzurePartSchema } from "./snapshot-azure.js";

/** Bumped on any incompatible change; `report --from` refuses other versions with a clear message. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** The scan options as recorded in the snapshot: no credentials, no tokens, no secrets. */
export const SanitizedOptionsSchema = z.object({
  clouds: z.array(CloudSchema),
  retentionDays: z.number().int().positive(),
  sampleDays: z.number().int().positive(),
  sample: z.boolean(),
  sampleMax: z.number().int().positive().optional(),
  org: z.boolean().optional(),
  roleName: z.string().optional(),
  profile: z.string().optional(),
  accounts: z.array(z.string()).optional(),
  excludeAccounts: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
  subscriptions: z.array(z.string()).optional(),
  excludeSubscriptions: z.array(z.string()).optional(),
  tenant: z.string().optional(),
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).optional(),
  /** Endpoint overrides in effect (simulator or emulator), so an auditor can tell a demo from a real scan. */
  endpoints: z.record(z.string(), z.string()).optional(),
});
export type SanitizedOptions = z.infer<typeof SanitizedOptionsSchema>;

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal("blindspot"), version: z.string() }),
  startedAt: IsoTimeSchema,
  finishedAt: IsoTimeSchema,
  /** false when the scan was cancelled or cut short: missing scopes are unknown. */
  complete: z.boolean(),
  options: SanitizedOptionsSchema,
  aws: AwsPartSchema.optional(),
  azure: AzurePartSchema.optional(),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;
/** The snapshot as written to disk (before zod fills defaults). */
export type SnapshotInput = z.input<typeof SnapshotSchema>;

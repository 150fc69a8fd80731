import { z } from "zod";
import { SEVERITIES } from "../model/common.js";

const list = z.array(z.string().min(1));

/** A muted check: the finding stays in every output as `muted` with the reason, until it expires. */
export const SuppressionSchema = z.strictObject({
  /** Check id, e.g. `aws.bucket.not-worm`. */
  check: z.string().min(1),
  /** Glob on the scope key (`aws/123456789012/*`, `azure/sub/<id>`); default all scopes. */
  scope: z.string().optional(),
  /** Glob on the resource ARN / id; default all resources. */
  resource: z.string().optional(),
  /** A finding id; narrows to exactly that finding. */
  finding: z.string().optional(),
  reason: z.string().min(1, "a suppression needs a reason"),
  /** Date (YYYY-MM-DD) after which the suppression no longer applies. */
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expires must be a date like 2027-03-31"),
});
export type Suppression = z.infer<typeof SuppressionSchema>;

/**
 * `blindspot.config.yaml|json`. Keys are the long flag names (kebab-case); flags given on the command line win.
 * Only `suppressions` has no flag.
 */
export const ConfigSchema = z.strictObject({
  aws: z.boolean().optional(),
  azure: z.boolean().optional(),
  org: z.boolean().optional(),
  profile: z.string().min(1).optional(),
  "endpoint-url": z.url().optional(),
  "role-name": z.string().min(1).optional(),
  "external-id": z.string().min(1).optional(),
  accounts: list.optional(),
  "exclude-accounts": list.optional(),
  regions: list.optional(),
  subscriptions: list.optional(),
  "exclude-subscriptions": list.optional(),
  tenant: z.string().min(1).optional(),
  "retention-days": z.number().int().min(1).max(3653).optional(),
  "sample-days": z.number().int().min(1).max(90).optional(),
  sample: z.boolean().optional(),
  "sample-max": z.number().int().min(1).optional(),
  "siem-export": z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  format: z.string().min(1).optional(),
  "fail-on": z.enum(SEVERITIES).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  suppressions: z.array(SuppressionSchema).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigKey = keyof Config;
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as ConfigKey[];

import { createHash } from "node:crypto";
import { z } from "zod";
import { CloudSchema, FindingStatusSchema, IsoTimeSchema, JsonValueSchema, SeveritySchema } from "./common.js";
import { type Scope, ScopeSchema, scopeKey } from "./scope.js";

/** One fact a finding was decided from: the API value, where it came from and when. */
export const EvidenceSchema = z.object({
  label: z.string(),
  value: JsonValueSchema,
  /** `cloudtrail:GetTrailStatus`, `arm:diagnosticSettings.list`, ... */
  source: z.string().optional(),
  at: IsoTimeSchema.optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const FindingSchema = z.object({
  /** Stable: hash of checkId + scope + resource. Reports, suppressions and diffs key on it. */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  checkId: z.string(),
  severity: SeveritySchema,
  status: FindingStatusSchema,
  cloud: CloudSchema,
  scope: ScopeSchema,
  /** ARN or ARM id of the resource, or the scope key for scope-wide findings. */
  resource: z.string(),
  title: z.string(),
  evidence: z.array(EvidenceSchema),
  controls: z.array(z.string()),
  remediationIds: z.array(z.string()),
  /** Present when status is muted: why and until when (from the config's suppressions). */
  mute: z.object({ reason: z.string(), expires: z.string() }).optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** The stable finding id: first 16 hex digits of sha256(checkId \0 scopeKey \0 resource). */
export function findingId(checkId: string, scope: Scope, resource: string): string {
  return createHash("sha256")
    .update(`${checkId}\u0000${scopeKey(scope)}\u0000${resource}`)
    .digest("hex")
    .slice(0, 16);
}

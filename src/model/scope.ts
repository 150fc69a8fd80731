import { z } from "zod";
import { AwsAccountIdSchema } from "./common.js";

/**
 * Where a finding or cell lives. AWS: an account, optionally one region (absent = account-wide, e.g. org access).
 * Azure: a subscription, or the tenant for tenant-wide settings (Entra ID).
 */
export const ScopeSchema = z.discriminatedUnion("cloud", [
  z.object({
    cloud: z.literal("aws"),
    accountId: AwsAccountIdSchema,
    region: z.string().optional(),
  }),
  z.object({
    cloud: z.literal("azure"),
    tenantId: z.string().optional(),
    subscriptionId: z.string().optional(),
  }),
]);
export type Scope = z.infer<typeof ScopeSchema>;

/** A canonical, stable string for a scope: `aws/123456789012/eu-west-1`, `azure/sub/<id>`, `azure/tenant/<id>`. */
export function scopeKey(scope: Scope): string {
  if (scope.cloud === "aws") return `aws/${scope.accountId}/${scope.region ?? "*"}`;
  if (scope.subscriptionId) return `azure/sub/${scope.subscriptionId.toLowerCase()}`;
  return `azure/tenant/${(scope.tenantId ?? "*").toLowerCase()}`;
}

/** Human label for a scope: `123456789012 eu-west-1`, `sub 0000…`, `tenant …`. */
export function scopeLabel(scope: Scope): string {
  if (scope.cloud === "aws") return scope.region ? `${scope.accountId} ${scope.region}` : scope.accountId;
  if (scope.subscriptionId) return `subscription ${scope.subscriptionId}`;
  return `tenant ${scope.tenantId ?? "?"}`;
}

/**
 * Blind-spot sampling: the entry points the AWS and Azure collectors call per scope, and the helpers that fold the
 * results into the snapshot. See docs/blind-spots.md.
 */
import type { AwsAccount } from "../../model/snapshot-aws.js";
import type { AzurePart, AzureSubscription, AzureTenant } from "../../model/snapshot-azure.js";
import type { AwsSamplingResult } from "./aws.js";
import type { AzureSubscriptionSamplingResult, AzureTenantSamplingResult } from "./azure.js";

export {
  type AwsSamplingClients,
  type AwsSamplingResult,
  type SampleAwsAccountInput,
  sampleAwsAccount,
} from "./aws.js";
export {
  type AzureSubscriptionSamplingResult,
  type AzureTenantSamplingResult,
  type SampleAzureSubscriptionInput,
  type SampleAzureTenantInput,
  sampleAzureSubscription,
  sampleAzureTenant,
} from "./azure.js";
export { loadSiemExport, parseSiemExport, type SiemExport } from "./siem-export.js";

/** Window of `sampleDays` days ending at `now` (LookupEvents and the activity log keep 90 days). */
export function sampleWindow(now: Date, sampleDays: number): { start: Date; end: Date } {
  const days = Math.min(90, Math.max(1, sampleDays));
  return { start: new Date(now.getTime() - days * 86_400_000), end: now };
}

/**
 * Folds an account's sampling result into its snapshot part: samples and tamper events are appended, the oldest
 * stored event goes onto the matching log group (added when the collector did not list it).
 */
export function applyAwsSampling(account: AwsAccount, r: AwsSamplingResult): AwsAccount {
  account.samples.push(...r.samples);
  account.tamper.push(...r.tamper);
  for (const o of r.oldestEvents) {
    const g = account.logGroups.find((x) => x.name === o.name && x.region === o.region && x.accountId === o.accountId);
    if (g) g.oldestEvent = o.oldestEvent;
    else
      account.logGroups.push({
        arn: o.logGroupArn,
        name: o.name,
        accountId: o.accountId,
        region: o.region,
        oldestEvent: o.oldestEvent,
      });
  }
  return account;
}

/** Folds a subscription's sampling result into the snapshot (oldest events onto the part's workspaces). */
export function applyAzureSubscriptionSampling(
  part: Pick<AzurePart, "workspaces">,
  sub: AzureSubscription,
  r: AzureSubscriptionSamplingResult,
): void {
  sub.samples.push(...r.samples);
  sub.tamper.push(...r.tamper);
  for (const o of r.oldestEvents) {
    const w = part.workspaces.find((x) => x.id.toLowerCase() === o.workspaceId.toLowerCase());
    if (w) w.oldestEvent = o.oldestEvent;
  }
}

/** Folds a tenant's sign-in sampling into the snapshot. */
export function applyAzureTenantSampling(tenant: AzureTenant, r: AzureTenantSamplingResult): void {
  tenant.samples.push(...r.samples);
}

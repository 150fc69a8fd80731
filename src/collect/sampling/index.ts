/**
 * Blind-spot sampling: the entry points the AWS and Azure collectors call per scope, and the helpers that fold the
 * results into the snapshot. See docs/blind-spots.md.
 */
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { S3Client } from "@aws-sdk/client-s3";
import type { MonitorClient } from "@azure/arm-monitor";
import type { LogsQueryClient } from "@azure/monitor-query-logs";
import type { AwsAccount } from "../../model/snapshot-aws.js";
import type { AzurePart, AzureSubscription, AzureTenant } from "../../model/snapshot-azure.js";
import type { CollectContext } from "../../scan/context.js";
import { Limiter, mapLimit } from "../../scan/limit.js";
import { LOOKUP_EVENTS_LIMIT, TokenBuckets } from "../../scan/token-bucket.js";
import { type AwsSamplingResult, parseLogGroupArn, sampleAwsAccount } from "./aws.js";
import {
  type AzureSubscriptionSamplingResult,
  type AzureTenantSamplingResult,
  logAnalyticsGate,
  sampleAzureSubscription,
  sampleAzureTenant,
} from "./azure.js";
import { loadSiemExport, type SiemExport } from "./siem-export.js";

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
  account.errors.push(...r.errors);
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
  sub.errors.push(...r.errors);
  for (const o of r.oldestEvents) {
    const w = part.workspaces.find((x) => x.id.toLowerCase() === o.workspaceId.toLowerCase());
    if (w) w.oldestEvent = o.oldestEvent;
  }
}

/** Folds a tenant's sign-in sampling into the snapshot. */
export function applyAzureTenantSampling(tenant: AzureTenant, r: AzureTenantSamplingResult): void {
  tenant.samples.push(...r.samples);
}

/** The clients of one entered AWS account (the AWS collector's `AwsClients` fits). */
export interface AwsAccountClients {
  cloudtrail(region: string): CloudTrailClient;
  logs(region: string): CloudWatchLogsClient;
  s3(region: string): S3Client;
  /** Drops the account's cached SDK clients once it is sampled (bounded memory); they are rebuilt if needed. */
  destroy?(): void;
  /** Drops the account's CloudTrail clients once its event history is read (about one per region). */
  dropCloudTrail?(): void;
}

export interface SampleAwsEstateOptions {
  /** The organization id (`AwsPart.organization.id`): org trails write under `AWSLogs/<org id>/`. */
  organizationId?: string;
  /** Bucket → owning account (and region) when known (a log-archive account's bucket). */
  bucketOwners?: ReadonlyMap<string, { accountId: string; region?: string }>;
  /** Already loaded `--siem-export` (else it is read from `ctx.options.siemExport`). */
  siemExport?: SiemExport;
}

/** Entered accounts as the AWS collector keeps them. */
export type EnteredAccounts = ReadonlyMap<string, { account: AwsAccount; clients: AwsAccountClients }>;

/**
 * AWS sampling as part of the scan's one stream of work: an account's event history is read (LookupEvents, paced per
 * account-region) as soon as the account's regions are known, while the rest of the estate is still being scanned. A
 * region whose trails deliver to log groups is probed as soon as the groups' accounts are entered (an organization
 * trail's group lives in the management account); bucket probes, tamper events and the retention proof wait for
 * `finish`, once every account is entered and the destinations are read (a bucket's owner is known only then).
 */
export interface AwsSamplingPipeline {
  /**
   * The account is entered (probes waiting for its log groups may start); starts sampling it (no-op when it is not
   * readable or the scan is cancelled).
   */
  add(accountId: string): void;
  /**
   * Every account is entered and the destinations are read: the remaining probes run once every added account's
   * history is read. Resolves when every added account is sampled and its results are folded into the account. Call
   * it once, also when the scan was cancelled.
   */
  finish(opts?: Pick<SampleAwsEstateOptions, "bucketOwners">): Promise<void>;
}

/**
 * Starts AWS sampling for the accounts `add`ed later (see AwsSamplingPipeline). Resolves to undefined when
 * `ctx.options.sample` is false. A bad `--siem-export` file throws a UserError before any call.
 */
export async function startAwsSampling(
  ctx: CollectContext,
  entered: EnteredAccounts,
  opts: Omit<SampleAwsEstateOptions, "bucketOwners"> = {},
): Promise<AwsSamplingPipeline | undefined> {
  if (!ctx.options.sample) return undefined;
  const siemExport =
    opts.siemExport ?? (ctx.options.siemExport ? await loadSiemExport(ctx.options.siemExport) : undefined);
  const buckets = new TokenBuckets(LOOKUP_EVENTS_LIMIT);
  const window = sampleWindow(ctx.now(), ctx.options.sampleDays);
  let bucketOwners: SampleAwsEstateOptions["bucketOwners"];
  // `ready`: every account is entered, the destinations are read (`finish`) and every added account's event history
  // is read. The last condition lets the last partial Insights queries carry every remaining id at once rather than
  // a query for each region whose history is read after the others.
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let finished = false;
  let historiesPending = 0;
  // Accounts entered so far: a region whose trails deliver to a log group is probed once the group's account is.
  const enteredWaiters = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const accountReady = (accountId: string): Promise<void> => {
    if (finished || entered.has(accountId)) return Promise.resolve();
    let w = enteredWaiters.get(accountId);
    if (!w) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      w = { promise, resolve };
      enteredWaiters.set(accountId, w);
    }
    return w.promise;
  };
  const becomeReady = () => {
    if (finished && historiesPending === 0) markReady();
  };
  const destinationOwners = new Set<string>();
  const bucketRegion = (bucket: string): string => {
    const known = bucketOwners?.get(bucket)?.region;
    if (known) return known;
    for (const e of entered.values()) {
      const b = e.account.buckets.find((x) => x.name === bucket);
      if (b?.region) return b.region;
    }
    return "us-east-1";
  };
  const sampledRegions = (a: AwsAccount) =>
    a.regions.filter((r) => r.scanned && !r.error && r.optInStatus !== "not-opted-in").map((x) => x.name);
  let total = 0;
  let done = 0;
  const progress = () => ctx.emit({ type: "progress", cloud: "aws", unit: "samples", done, total });
  // Every account-region has its own LookupEvents quota (2/s): sample many accounts at once. The HTTP layer bounds
  // the requests in flight (--concurrency) and waiting for a token holds no slot, so a wide window costs only
  // memory; it is bounded so a 1,000-account estate does not hold every account's events at once. An account
  // holds its place while its event history is read, not while its probes wait for their destinations or it waits
  // for `finish` (tamper events, retention proof): the next accounts' history is read meanwhile.
  const accountsAtOnce = new Limiter(Math.max(1, ctx.options.concurrency) * 8);
  const tasks: Promise<void>[] = [];
  const sampleOne = async (accountId: string, onHistoryRead: () => void): Promise<void> => {
    const e = entered.get(accountId);
    if (!e || ctx.signal.aborted) return;
    const { account, clients } = e;
    const r = await sampleAwsAccount({
      accountId: account.accountId,
      regions: sampledRegions(account),
      onRegionDone: () => {
        done++;
        progress();
      },
      onHistoryRead: () => {
        // Bounded memory: the account now waits for its probes (and the scan's end) holding only its picked events,
        // not one CloudTrail client per region; 1,000 sampled accounts kept 17,000 clients (~340 MB) otherwise.
        clients.dropCloudTrail?.();
        onHistoryRead();
      },
      trails: account.trails,
      logGroups: account.logGroups,
      ...(opts.organizationId ? { organizationId: opts.organizationId } : {}),
      clients: {
        cloudtrail: (region) => clients.cloudtrail(region),
        logs: (id, region) => (id === account.accountId ? clients.logs(region) : entered.get(id)?.clients.logs(region)),
        s3: (bucket, owner) => {
          const ownerId = bucketOwners?.get(bucket)?.accountId ?? owner;
          const c = entered.get(ownerId)?.clients ?? (ownerId === account.accountId ? clients : undefined);
          return c?.s3(bucketRegion(bucket));
        },
      },
      window,
      sampleMax: ctx.options.sampleMax,
      buckets,
      ready,
      accountReady,
      ...(siemExport ? { siemExport } : {}),
      emit: ctx.emit,
      signal: ctx.signal,
      now: ctx.now,
    });
    applyAwsSampling(account, r);
    // Accounts holding other accounts' destinations (an organization trail's group or bucket) keep their clients:
    // probes of accounts still being sampled use them (and their merged Insights queries).
    if (!destinationOwners.has(account.accountId)) clients.destroy?.();
  };
  progress();
  return {
    add(accountId) {
      enteredWaiters.get(accountId)?.resolve();
      enteredWaiters.delete(accountId);
      const e = entered.get(accountId);
      if (e?.account.access.state !== "ok" || ctx.signal.aborted) return;
      total += sampledRegions(e.account).length;
      progress();
      historiesPending++;
      tasks.push(
        new Promise<void>((resolve, reject) => {
          void accountsAtOnce.run(
            () =>
              new Promise<void>((release) => {
                let read = false;
                const historyRead = () => {
                  if (read) return;
                  read = true;
                  release();
                  historiesPending--;
                  becomeReady();
                };
                sampleOne(accountId, historyRead).then(resolve, reject).finally(historyRead);
              }),
          );
        }),
      );
    },
    async finish(finishOpts = {}) {
      bucketOwners = finishOpts.bucketOwners;
      for (const { account } of entered.values()) {
        for (const t of account.trails) {
          const group = t.cloudWatchLogsLogGroupArn ? parseLogGroupArn(t.cloudWatchLogsLogGroupArn) : undefined;
          if (group) destinationOwners.add(group.accountId);
          const bucketOwner = t.s3BucketName ? bucketOwners?.get(t.s3BucketName)?.accountId : undefined;
          destinationOwners.add(bucketOwner ?? t.ownerAccountId);
        }
      }
      finished = true;
      // Every account that will be entered is: probes waiting for one that was not go on (it is unreachable).
      for (const w of enteredWaiters.values()) w.resolve();
      enteredWaiters.clear();
      becomeReady();
      await Promise.all(tasks);
    },
  };
}

/**
 * Samples every entered AWS account at once (all account-regions concurrently, each paced by its LookupEvents
 * bucket) and folds the results into the accounts: `startAwsSampling`, every account added, then `finish`.
 */
export async function sampleAwsAccounts(
  ctx: CollectContext,
  entered: EnteredAccounts,
  opts: SampleAwsEstateOptions = {},
): Promise<void> {
  const { bucketOwners, ...rest } = opts;
  const pipeline = await startAwsSampling(ctx, entered, rest);
  if (!pipeline) return;
  for (const id of entered.keys()) pipeline.add(id);
  await pipeline.finish(bucketOwners ? { bucketOwners } : {});
}

/** Clients for Azure sampling (the Azure collector's `AzureClients.monitor` fits; add a LogsQueryClient factory). */
export interface AzureSamplingClients {
  monitor(subscriptionId: string, tenantId: string | undefined): MonitorClient;
  /** A LogsQueryClient for the tenant (same credential and client options as the ARM clients). */
  logs(tenantId: string | undefined): LogsQueryClient;
}

/**
 * Samples every readable subscription (activity log vs its workspace) and every tenant (failed sign-in export), and
 * folds the results into the part. All Log Analytics queries share one 200-per-30 s gate. Does nothing when
 * `ctx.options.sample` is false.
 */
export async function sampleAzurePart(
  ctx: CollectContext,
  part: AzurePart,
  clients: AzureSamplingClients,
  opts: { siemExport?: SiemExport } = {},
): Promise<void> {
  if (!ctx.options.sample) return;
  const siemExport =
    opts.siemExport ?? (ctx.options.siemExport ? await loadSiemExport(ctx.options.siemExport) : undefined);
  const gate = logAnalyticsGate();
  const window = sampleWindow(ctx.now(), ctx.options.sampleDays);
  const provenWorkspaces = new Set<string>();
  const subs = part.subscriptions.filter((s) => s.access.state === "ok");
  await mapLimit(subs, Math.max(1, Math.min(ctx.options.concurrency, 16)), async (sub) => {
    if (ctx.signal.aborted) return;
    const r = await sampleAzureSubscription({
      subscriptionId: sub.subscriptionId,
      monitor: clients.monitor(sub.subscriptionId, sub.tenantId),
      logs: clients.logs(sub.tenantId),
      ...(sub.diagnosticSettings ? { diagnosticSettings: sub.diagnosticSettings } : {}),
      workspaces: part.workspaces,
      window,
      sampleMax: ctx.options.sampleMax,
      gate,
      ...(siemExport ? { siemExport } : {}),
      provenWorkspaces,
      emit: ctx.emit,
      signal: ctx.signal,
      now: ctx.now,
    });
    applyAzureSubscriptionSampling(part, sub, r);
  });
  for (const tenant of part.tenants) {
    if (ctx.signal.aborted) return;
    const r = await sampleAzureTenant({
      tenantId: tenant.tenantId,
      logs: clients.logs(tenant.tenantId),
      ...(tenant.entraDiagnosticSettings ? { entraDiagnosticSettings: tenant.entraDiagnosticSettings } : {}),
      workspaces: part.workspaces,
      window,
      gate,
      signal: ctx.signal,
      now: ctx.now,
    });
    applyAzureTenantSampling(tenant, r);
  }
}

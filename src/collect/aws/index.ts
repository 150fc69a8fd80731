/**
 * Collects the AWS part of the snapshot: every account (the caller's, or the organization's members through
 * AssumeRole), every enabled region, the trails and event data stores each region lists, their status and
 * selectors, and the trails' log groups, buckets and keys. Read-only calls only; judges nothing.
 */
import { UserError } from "../../errors.js";
import type { Scope } from "../../model/scope.js";
import type { AwsAccount, AwsPart } from "../../model/snapshot-aws.js";
import type { CollectContext } from "../../scan/context.js";
import { mapLimit } from "../../scan/limit.js";
import { inShard } from "../../scan/shard.js";
import { collectAwsDetection } from "../detection/aws.js";
import { type AwsSamplingPipeline, startAwsSampling } from "../sampling/index.js";
import { DEFAULT_ENABLED_REGIONS, describeRegions, type RegionInfo, scanAccount } from "./account.js";
import { AwsCaller, ScanCancelled } from "./call.js";
import { AwsClients, type AwsConnection, ambientCredentials, defaultRegion } from "./clients.js";
import { DestinationReader, type Entered } from "./destinations.js";
import { resolveSdkSettings, SharedHttpHandler } from "./http.js";
import { type AccountTarget, assumeInto, listTargets } from "./org.js";
import { loadEc2Sdk, stsSdk } from "./sdk.js";

const { GetCallerIdentityCommand } = stsSdk;

export { endpointFor } from "./clients.js";

const SERVICE_NAMES = {
  CLOUDTRAIL: "cloudtrail",
  CLOUDWATCH_LOGS: "logs",
  EC2: "ec2",
  KMS: "kms",
  STS: "sts",
  ORGANIZATIONS: "organizations",
  S3: "s3",
} as const;

const NO_CREDENTIALS_HINT =
  "set AWS_PROFILE or pass --profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";

/**
 * Collects the AWS part of the snapshot. Resolves to undefined when AWS was not asked for explicitly and no
 * credentials are available (a `warning` event says so).
 */
export async function collectAws(ctx: CollectContext): Promise<AwsPart | undefined> {
  const { options, env } = ctx;
  const conn: AwsConnection = {
    env,
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    defaultRegion: defaultRegion(env),
    ...(env.AWS_MAX_ATTEMPTS && Number(env.AWS_MAX_ATTEMPTS) > 0 ? { maxAttempts: Number(env.AWS_MAX_ATTEMPTS) } : {}),
    // Clients are per identity, not per account: these events carry no scope.
    onRetry: ({ service, operation, attempt, throttled }) => {
      const svc = SERVICE_NAMES[service];
      ctx.emit(
        throttled
          ? { type: "throttled", cloud: "aws", service: svc, operation, retryInMs: 0 }
          : { type: "retry", cloud: "aws", service: svc, operation, attempt },
      );
    },
  };
  const credentials = ambientCredentials(env, options.profile);
  const skip = (why: string): undefined => {
    ctx.emit({ type: "warning", message: `AWS skipped: ${why}` });
    return undefined;
  };
  try {
    await credentials();
  } catch {
    if (!options.cloudsExplicit) return skip("no AWS credentials found");
    throw new UserError("no AWS credentials found", { hint: NO_CREDENTIALS_HINT, exitCode: 1 });
  }
  // One HTTP layer for every client of the scan: shared sockets, a limiter slot per attempt (http.ts).
  const http = new SharedHttpHandler(ctx.limiter, Math.max(50, options.concurrency));
  conn.http = http;
  conn.sdk = await resolveSdkSettings(conn.defaultRegion, credentials, http, conn.maxAttempts);
  const base = new AwsClients(conn, credentials);
  const caller = new AwsCaller(ctx);
  const entered = new Map<string, Entered>();
  let sampling: AwsSamplingPipeline | undefined;
  try {
    let identity: { accountId: string; arn: string };
    try {
      const id = await caller.call("sts", "GetCallerIdentity", undefined, (abortSignal) =>
        base.sts(conn.defaultRegion).send(new GetCallerIdentityCommand({}), { abortSignal }),
      );
      if (!id.Account)
        throw Object.assign(new Error("GetCallerIdentity returned no account"), { name: "InvalidResponse" });
      identity = { accountId: id.Account, arn: id.Arn ?? "" };
    } catch (err) {
      const e = caller.error(err, "sts", "GetCallerIdentity");
      if (e.code === "ScanCancelled") return undefined;
      if (!options.cloudsExplicit) return skip(`the AWS credentials were not accepted (${e.code})`);
      throw new UserError(`AWS did not accept the credentials: ${e.code}: ${e.message}`, {
        hint: NO_CREDENTIALS_HINT,
        exitCode: 1,
      });
    }

    // The EC2 SDK (DescribeRegions, next) loads while the organization is listed.
    void loadEc2Sdk().catch(() => {});
    const listing = await listTargets(caller, base, identity.accountId, {
      org: options.org,
      ...(options.accounts ? { accounts: options.accounts } : {}),
      ...(options.excludeAccounts ? { excludeAccounts: options.excludeAccounts } : {}),
    });
    if (options.org && !listing.organization) {
      ctx.emit({
        type: "warning",
        message: "--org: the organization could not be described; scanning the caller's account only",
      });
    }
    if (listing.organization?.error) {
      ctx.emit({
        type: "warning",
        message: `--org: ListAccounts failed (${listing.organization.error.code}); member accounts are unknown`,
      });
    }
    const known = new Set<string>();
    if (options.regions) {
      const template = await describeRegions(caller, base, identity.accountId, conn.defaultRegion);
      for (const r of template.regions ?? []) known.add(r.name);
      const unknown = options.regions.filter((r) => known.size > 0 && !known.has(r));
      if (unknown.length)
        ctx.emit({ type: "warning", message: `--regions: not AWS regions of this partition: ${unknown.join(", ")}` });
    }
    const fallback: RegionInfo[] = DEFAULT_ENABLED_REGIONS.map((name) => ({
      name,
      optInStatus: "opt-in-not-required",
    }));

    // `--shard K/N`: this shard's accounts only (scan/shard.ts; `blindspot merge` puts the shards together).
    const targets = listing.targets.filter((t) => inShard(t.accountId, options.shard));
    // Blind-spot sampling runs alongside: an account's event history is read as soon as its regions are known and
    // probed in log groups as soon as their accounts are entered; bucket probes, tamper events and the retention
    // proof wait until every account is entered and the destinations are read (`finish` below).
    sampling = await startAwsSampling(ctx, entered, {
      ...(listing.organization ? { organizationId: listing.organization.id } : {}),
    });
    let accountsDone = 0;
    let regionsTotal = 0;
    let regionsDone = 0;
    const progressAccounts = () =>
      ctx.emit({ type: "progress", cloud: "aws", unit: "accounts", done: accountsDone, total: targets.length });
    const progressRegions = () =>
      ctx.emit({ type: "progress", cloud: "aws", unit: "regions", done: regionsDone, total: regionsTotal });
    progressAccounts();

    const bucketOwners = new Map<string, { accountId: string; region?: string }>();
    // Trail destinations are read as their owners are entered, the rest once every account is (destinations.ts).
    const destinations = new DestinationReader(
      caller,
      entered,
      bucketOwners,
      conn.defaultRegion,
      Math.max(1, options.concurrency),
    );
    const accounts = await mapLimit(targets, Math.max(1, Math.min(options.concurrency, 32)), async (t) => {
      const account = newAccount(t);
      if (t.accountId === identity.accountId) account.errors.push(...listing.callerErrors);
      const scope: Scope = { cloud: "aws", accountId: t.accountId };
      if (t.skipReason) {
        account.access = { state: "skipped", reason: t.skipReason };
        ctx.emit({ type: "scope-finished", scope, outcome: "skipped" });
      } else {
        ctx.emit({ type: "scope-started", scope });
        let clients: AwsClients | undefined;
        if (caller.aborted) {
          account.access = { state: "error", error: caller.error(new ScanCancelled(), "sts", "AssumeRole") };
        } else if (t.via === "ambient") {
          clients = base;
          account.access = { state: "ok", via: "ambient" };
        } else {
          try {
            const assumed = await assumeInto(caller, base, t.accountId, options.roleName, options.externalId);
            clients = assumed.clients;
            account.access = { state: "ok", via: "assume-role", roleArn: assumed.roleArn };
          } catch (err) {
            const error = caller.error(err, "sts", "AssumeRole");
            account.access = { state: error.kind === "denied" ? "denied" : "error", error };
            ctx.emit({ type: "scope-error", scope, error });
          }
        }
        if (clients) {
          const scan = await scanAccount(
            caller,
            clients,
            account,
            {
              defaultRegion: conn.defaultRegion,
              ...(options.regions ? { regions: options.regions } : {}),
              fallbackRegions: fallback,
              regionConcurrency: 8,
            },
            () => {
              regionsDone++;
              progressRegions();
            },
            (n) => {
              regionsTotal += n;
              progressRegions();
            },
          );
          for (const [name, region] of scan.ownedBuckets) {
            bucketOwners.set(name, { accountId: t.accountId, ...(region ? { region } : {}) });
          }
          entered.set(t.accountId, { account, clients });
          destinations.add(t.accountId);
          // Bounded memory: the SDK clients of an account whose regions are read are dropped (about 20 per account,
          // ~20 KB each); the few later steps that need one (destinations, detection, sampling) rebuild it.
          if (clients !== base) clients.destroy();
          sampling?.add(t.accountId);
          const failed = account.regions.filter((r) => r.error).length;
          ctx.emit({ type: "scope-finished", scope, outcome: failed || account.errors.length ? "partial" : "ok" });
        } else {
          // Not entered: its default regions are listed so the matrix shows them as unknown, never as absent.
          account.regions = fallback
            .filter((r) => !options.regions || options.regions.includes(r.name))
            .map((r) => ({ ...r, scanned: false, trailArns: [] }));
          ctx.emit({ type: "scope-finished", scope, outcome: "failed" });
        }
      }
      accountsDone++;
      progressAccounts();
      return account;
    });

    // Detection coverage (CIS 4.x metric filters, alarms, SNS subscriptions): error probes, never a broken scan. It
    // runs beside the destinations and the SIEM probes (it needs the trails, not what those read).
    const detection = async () => {
      if (entered.size === 0 || caller.aborted) return;
      try {
        await collectAwsDetection(caller, entered, { concurrency: Math.max(1, options.concurrency) });
      } catch (err) {
        if (err instanceof ScanCancelled) throw err;
        const e = caller.error(err, "logs", "DescribeMetricFilters");
        ctx.emit({ type: "warning", message: `detection coverage not collected: ${e.code}: ${e.message}` });
      }
    };
    const pipeline = sampling;
    sampling = undefined;
    await Promise.all([
      detection(),
      (async () => {
        try {
          await destinations.finish();
        } finally {
          await pipeline?.finish({ bucketOwners });
        }
      })(),
    ]);
    return {
      caller: identity,
      ...(listing.organization ? { organization: listing.organization } : {}),
      accounts,
    };
  } finally {
    // A scan that ended early still releases the sampling tasks waiting for the destinations (they stop: cancelled).
    if (sampling) void sampling.finish().catch(() => {});
    base.destroy();
    for (const e of entered.values()) if (e.clients !== base) e.clients.destroy();
    http.close();
  }
}

function newAccount(t: AccountTarget): AwsAccount {
  return {
    accountId: t.accountId,
    ...(t.name ? { name: t.name } : {}),
    ...(t.email ? { email: t.email } : {}),
    ...(t.status ? { status: t.status } : {}),
    isManagement: t.isManagement,
    access: { state: "skipped", reason: "not scanned yet" },
    regions: [],
    trails: [],
    eventDataStores: [],
    logGroups: [],
    buckets: [],
    keys: [],
    samples: [],
    tamper: [],
    errors: [],
  };
}

/**
 * One entered account: its regions (DescribeRegions AllRegions), the trails every enabled region lists
 * (DescribeTrails with shadow trails, deduped by TrailARN), their status and selectors (by ARN), and CloudTrail Lake
 * event data stores. Facts only.
 */

import type { AdvancedEventSelector, EventSelector, Trail as SdkTrail } from "@aws-sdk/client-cloudtrail";
import { DEFAULT_ENABLED_REGIONS } from "../../model/aws-regions.js";
import type { ApiError, Probe } from "../../model/common.js";
import type { Scope } from "../../model/scope.js";
import type { AwsAccount, AwsRegion, Trail } from "../../model/snapshot-aws.js";
import { mapLimit } from "../../scan/limit.js";
import { type AwsCaller, ScanCancelled } from "./call.js";
import type { AwsClients } from "./clients.js";
import { cloudtrailSdk, loadEc2Sdk, s3Sdk } from "./sdk.js";

const {
  DescribeTrailsCommand,
  GetEventDataStoreCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListEventDataStoresCommand,
} = cloudtrailSdk;
const { ListBucketsCommand } = s3Sdk;

type OptIn = AwsRegion["optInStatus"];
type EventDataStore = AwsAccount["eventDataStores"][number];
type TrailStatus = Extract<Trail["status"], { state: "ok" }>["value"];

/** A region as DescribeRegions reported it. */
export interface RegionInfo {
  name: string;
  optInStatus: OptIn;
}

export { DEFAULT_ENABLED_REGIONS };

/** What the account scan found besides the snapshot record: bucket names it owns (ListBuckets). */
export interface AccountScan {
  account: AwsAccount;
  ownedBuckets: Map<string, string | undefined>;
}

export interface AccountScanOptions {
  defaultRegion: string;
  /** `--regions`: scan only these. */
  regions?: string[];
  /** Regions to try when DescribeRegions fails. */
  fallbackRegions: RegionInfo[];
  /** Regions scanned in parallel per account. */
  regionConcurrency: number;
}

function optIn(s: string | undefined): OptIn {
  return s === "opted-in" || s === "not-opted-in" ? s : "opt-in-not-required";
}

function iso(d: Date | string | number | undefined | null): string | undefined {
  if (d === undefined || d === null) return undefined;
  const t = d instanceof Date ? d : new Date(d);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

function nonEmpty(s: string | undefined | null): string | undefined {
  return s ? s : undefined;
}

/** `arn:aws:cloudtrail:<region>:<account>:trail/<name>` → parts. */
export function parseArn(
  arn: string,
): { service: string; region: string; account: string; resource: string } | undefined {
  const m = /^arn:[^:]+:([^:]+):([^:]*):(\d{12})?:(.+)$/.exec(arn);
  if (!m) return undefined;
  return { service: m[1]!, region: m[2]!, account: m[3] ?? "", resource: m[4]! };
}

/** DescribeRegions with AllRegions, tried from the default region then one other. */
export async function describeRegions(
  caller: AwsCaller,
  clients: AwsClients,
  accountId: string,
  defaultRegion: string,
): Promise<{ regions?: RegionInfo[]; error?: ApiError }> {
  let error: ApiError | undefined;
  const tryFrom = [defaultRegion, defaultRegion === "us-west-2" ? "us-east-1" : "us-west-2"];
  for (const region of tryFrom) {
    try {
      const { DescribeRegionsCommand } = await loadEc2Sdk();
      const client = await clients.ec2(region);
      const out = await caller.call("ec2", "DescribeRegions", { cloud: "aws", accountId, region }, (abortSignal) =>
        client.send(new DescribeRegionsCommand({ AllRegions: true }), { abortSignal }),
      );
      const regions = (out.Regions ?? [])
        .filter((r) => r.RegionName)
        .map((r) => ({ name: r.RegionName!, optInStatus: optIn(r.OptInStatus) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      if (regions.length > 0) return { regions };
    } catch (err) {
      error = caller.error(err, "ec2", "DescribeRegions");
      if (caller.aborted) break;
    }
  }
  return { error };
}

function mapTrail(t: SdkTrail, region: string): Omit<Trail, "status" | "selectors"> | undefined {
  if (!t.TrailARN) return undefined;
  const arn = parseArn(t.TrailARN);
  return {
    arn: t.TrailARN,
    name: t.Name ?? t.TrailARN.split("/").pop() ?? t.TrailARN,
    homeRegion: t.HomeRegion ?? arn?.region ?? region,
    ownerAccountId: arn?.account || "000000000000",
    isMultiRegion: Boolean(t.IsMultiRegionTrail),
    isOrganization: Boolean(t.IsOrganizationTrail),
    includeGlobalServiceEvents: Boolean(t.IncludeGlobalServiceEvents),
    logFileValidationEnabled: Boolean(t.LogFileValidationEnabled),
    ...(nonEmpty(t.KmsKeyId) ? { kmsKeyId: t.KmsKeyId } : {}),
    ...(nonEmpty(t.CloudWatchLogsLogGroupArn) ? { cloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn } : {}),
    ...(nonEmpty(t.CloudWatchLogsRoleArn) ? { cloudWatchLogsRoleArn: t.CloudWatchLogsRoleArn } : {}),
    ...(nonEmpty(t.S3BucketName) ? { s3BucketName: t.S3BucketName } : {}),
    ...(nonEmpty(t.S3KeyPrefix) ? { s3KeyPrefix: t.S3KeyPrefix } : {}),
    ...(nonEmpty(t.SnsTopicARN) ? { snsTopicArn: t.SnsTopicARN } : {}),
    ...(typeof t.HasCustomEventSelectors === "boolean" ? { hasCustomEventSelectors: t.HasCustomEventSelectors } : {}),
    ...(typeof t.HasInsightSelectors === "boolean" ? { hasInsightSelectors: t.HasInsightSelectors } : {}),
    seenInRegions: [],
  };
}

/** Selectors as the snapshot stores them (only the fields the API defines, no undefined keys). */
export function mapBasicSelector(
  s: EventSelector,
): Extract<Trail["selectors"], { kind: "basic" }>["eventSelectors"][number] {
  return {
    ...(s.ReadWriteType ? { ReadWriteType: s.ReadWriteType } : {}),
    ...(typeof s.IncludeManagementEvents === "boolean" ? { IncludeManagementEvents: s.IncludeManagementEvents } : {}),
    ...(s.ExcludeManagementEventSources ? { ExcludeManagementEventSources: s.ExcludeManagementEventSources } : {}),
    ...(s.DataResources
      ? {
          DataResources: s.DataResources.map((d) => ({
            ...(d.Type ? { Type: d.Type } : {}),
            ...(d.Values ? { Values: d.Values } : {}),
          })),
        }
      : {}),
  };
}

export function mapAdvancedSelector(s: AdvancedEventSelector) {
  return {
    ...(s.Name ? { Name: s.Name } : {}),
    FieldSelectors: (s.FieldSelectors ?? []).map((f) => ({
      Field: f.Field ?? "",
      ...(f.Equals ? { Equals: f.Equals } : {}),
      ...(f.StartsWith ? { StartsWith: f.StartsWith } : {}),
      ...(f.EndsWith ? { EndsWith: f.EndsWith } : {}),
      ...(f.NotEquals ? { NotEquals: f.NotEquals } : {}),
      ...(f.NotStartsWith ? { NotStartsWith: f.NotStartsWith } : {}),
      ...(f.NotEndsWith ? { NotEndsWith: f.NotEndsWith } : {}),
    })),
  };
}

interface RegionResult {
  region: AwsRegion;
  trails: Omit<Trail, "status" | "selectors">[];
  stores: EventDataStore[];
  errors: ApiError[];
}

async function scanRegion(
  caller: AwsCaller,
  clients: AwsClients,
  accountId: string,
  info: RegionInfo,
): Promise<RegionResult> {
  const scope: Scope = { cloud: "aws", accountId, region: info.name };
  const emit = caller.ctx.emit;
  emit({ type: "scope-started", scope });
  const region: AwsRegion = { name: info.name, optInStatus: info.optInStatus, scanned: true, trailArns: [] };
  const trails: RegionResult["trails"] = [];
  const stores: EventDataStore[] = [];
  const errors: ApiError[] = [];
  const ct = clients.cloudtrail(info.name);
  try {
    const out = await caller.call("cloudtrail", "DescribeTrails", scope, (abortSignal) =>
      ct.send(new DescribeTrailsCommand({ includeShadowTrails: true }), { abortSignal }),
    );
    for (const t of out.trailList ?? []) {
      const m = mapTrail(t, info.name);
      if (!m) continue;
      trails.push(m);
      if (!region.trailArns.includes(m.arn)) region.trailArns.push(m.arn);
    }
  } catch (err) {
    region.error = caller.error(err, "cloudtrail", "DescribeTrails");
    emit({ type: "scope-error", scope, error: region.error });
    emit({ type: "scope-finished", scope, outcome: "failed" });
    return { region, trails, stores, errors };
  }
  // CloudTrail Lake: an alternative destination. ListEventDataStores no longer returns the details.
  try {
    const arns: string[] = [];
    let token: string | undefined;
    do {
      const page = await caller.call("cloudtrail", "ListEventDataStores", scope, (abortSignal) =>
        ct.send(new ListEventDataStoresCommand({ NextToken: token }), { abortSignal }),
      );
      for (const s of page.EventDataStores ?? []) if (s.EventDataStoreArn) arns.push(s.EventDataStoreArn);
      token = page.NextToken;
    } while (token && !caller.aborted);
    for (const arn of arns) {
      try {
        const d = await caller.call("cloudtrail", "GetEventDataStore", scope, (abortSignal) =>
          ct.send(new GetEventDataStoreCommand({ EventDataStore: arn }), { abortSignal }),
        );
        stores.push({
          arn: d.EventDataStoreArn ?? arn,
          name: d.Name ?? arn.split("/").pop() ?? arn,
          homeRegion: info.name,
          ...(d.Status ? { status: d.Status } : {}),
          ...(typeof d.MultiRegionEnabled === "boolean" ? { multiRegionEnabled: d.MultiRegionEnabled } : {}),
          ...(typeof d.OrganizationEnabled === "boolean" ? { organizationEnabled: d.OrganizationEnabled } : {}),
          ...(typeof d.RetentionPeriod === "number" ? { retentionPeriodDays: d.RetentionPeriod } : {}),
          ...(d.AdvancedEventSelectors
            ? { advancedEventSelectors: d.AdvancedEventSelectors.map(mapAdvancedSelector) }
            : {}),
          ...(nonEmpty(d.KmsKeyId) ? { kmsKeyId: d.KmsKeyId } : {}),
        });
      } catch (err) {
        stores.push({
          arn,
          name: arn.split("/").pop() ?? arn,
          homeRegion: info.name,
          error: caller.error(err, "cloudtrail", "GetEventDataStore"),
        });
      }
    }
  } catch (err) {
    const e = caller.error(err, "cloudtrail", "ListEventDataStores");
    errors.push({ ...e, message: `${info.name}: ${e.message}` });
  }
  emit({ type: "scope-finished", scope, outcome: errors.length ? "partial" : "ok" });
  return { region, trails, stores, errors };
}

/** The region to ask about a trail: its home region when this account listed it there, else the first that did. */
function callRegionFor(trail: Omit<Trail, "status" | "selectors">): string {
  return trail.seenInRegions.includes(trail.homeRegion)
    ? trail.homeRegion
    : (trail.seenInRegions[0] ?? trail.homeRegion);
}

async function trailStatus(
  caller: AwsCaller,
  clients: AwsClients,
  accountId: string,
  trail: Omit<Trail, "status" | "selectors">,
): Promise<Probe<TrailStatus>> {
  const region = callRegionFor(trail);
  return caller.probe(
    "cloudtrail",
    "GetTrailStatus",
    { cloud: "aws", accountId, region },
    (abortSignal) => clients.cloudtrail(region).send(new GetTrailStatusCommand({ Name: trail.arn }), { abortSignal }),
    (s) => ({
      isLogging: s.IsLogging === true,
      ...opt("latestDeliveryTime", iso(s.LatestDeliveryTime)),
      ...opt("latestDeliveryError", nonEmpty(s.LatestDeliveryError)),
      ...opt("startLoggingTime", iso(s.StartLoggingTime)),
      ...opt("stopLoggingTime", iso(s.StopLoggingTime)),
      ...opt("latestCloudWatchLogsDeliveryTime", iso(s.LatestCloudWatchLogsDeliveryTime)),
      ...opt("latestCloudWatchLogsDeliveryError", nonEmpty(s.LatestCloudWatchLogsDeliveryError)),
      ...opt("latestDigestDeliveryTime", iso(s.LatestDigestDeliveryTime)),
      ...opt("latestDigestDeliveryError", nonEmpty(s.LatestDigestDeliveryError)),
      ...opt("latestNotificationError", nonEmpty(s.LatestNotificationError)),
    }),
  );
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

async function trailSelectors(
  caller: AwsCaller,
  clients: AwsClients,
  accountId: string,
  trail: Omit<Trail, "status" | "selectors">,
): Promise<Trail["selectors"]> {
  const region = callRegionFor(trail);
  try {
    const out = await caller.call(
      "cloudtrail",
      "GetEventSelectors",
      { cloud: "aws", accountId, region },
      (abortSignal) =>
        clients.cloudtrail(region).send(new GetEventSelectorsCommand({ TrailName: trail.arn }), { abortSignal }),
    );
    if (out.AdvancedEventSelectors && out.AdvancedEventSelectors.length > 0) {
      return { kind: "advanced", advancedEventSelectors: out.AdvancedEventSelectors.map(mapAdvancedSelector) };
    }
    return { kind: "basic", eventSelectors: (out.EventSelectors ?? []).map(mapBasicSelector) };
  } catch (err) {
    const error = caller.error(err, "cloudtrail", "GetEventSelectors");
    // An organization trail's selectors cannot be read from a member account: decided from the management account.
    if (trail.isOrganization && trail.ownerAccountId !== accountId && error.code !== "ScanCancelled") {
      return { kind: "managed-centrally", error };
    }
    return { kind: "unknown", error };
  }
}

/** Scans one entered account. Regions excluded by `--regions` or not opted in are recorded, not scanned. */
export async function scanAccount(
  caller: AwsCaller,
  clients: AwsClients,
  account: AwsAccount,
  opts: AccountScanOptions,
  onRegionDone: () => void,
  onRegionsKnown: (n: number) => void,
): Promise<AccountScan> {
  const accountId = account.accountId;
  const ownedBuckets = new Map<string, string | undefined>();
  const regionsOut = await describeRegions(caller, clients, accountId, opts.defaultRegion);
  let infos = regionsOut.regions;
  if (!infos) {
    if (regionsOut.error) account.errors.push(regionsOut.error);
    infos = opts.fallbackRegions.length
      ? opts.fallbackRegions
      : DEFAULT_ENABLED_REGIONS.map((name) => ({ name, optInStatus: "opt-in-not-required" as const }));
  }
  const toScan = infos.filter(
    (r) => r.optInStatus !== "not-opted-in" && (!opts.regions || opts.regions.includes(r.name)),
  );
  onRegionsKnown(toScan.length);
  const results = await mapLimit(toScan, opts.regionConcurrency, async (info) => {
    if (caller.aborted) {
      const region: AwsRegion = {
        ...info,
        scanned: true,
        trailArns: [],
        error: caller.error(new ScanCancelled(), "cloudtrail", "DescribeTrails"),
      };
      return { region, trails: [], stores: [], errors: [] } satisfies RegionResult;
    }
    const r = await scanRegion(caller, clients, accountId, info);
    onRegionDone();
    return r;
  });
  const byName = new Map(results.map((r) => [r.region.name, r]));
  account.regions = infos.map(
    (info) =>
      byName.get(info.name)?.region ?? {
        name: info.name,
        optInStatus: info.optInStatus,
        scanned: false,
        trailArns: [],
      },
  );
  // Dedupe trails by ARN, remembering where each was listed.
  const unique = new Map<string, Omit<Trail, "status" | "selectors">>();
  for (const r of results) {
    for (const t of r.trails) {
      const seen = unique.get(t.arn) ?? t;
      if (!seen.seenInRegions.includes(r.region.name)) seen.seenInRegions.push(r.region.name);
      unique.set(t.arn, seen);
    }
    account.eventDataStores.push(...r.stores);
    account.errors.push(...r.errors);
  }
  const trails = [...unique.values()].sort((a, b) => a.arn.localeCompare(b.arn));
  account.trails = await Promise.all(
    trails.map(async (t) => {
      const [status, selectors] = await Promise.all([
        trailStatus(caller, clients, accountId, t),
        trailSelectors(caller, clients, accountId, t),
      ]);
      return { ...t, status, selectors };
    }),
  );
  // Which trail buckets this account owns: lets a bucket in a log-archive account be read from that account.
  if (!caller.aborted) {
    try {
      let token: string | undefined;
      do {
        const page = await caller.call("s3", "ListBuckets", { cloud: "aws", accountId }, (abortSignal) =>
          clients.s3(opts.defaultRegion).send(new ListBucketsCommand({ ContinuationToken: token }), { abortSignal }),
        );
        for (const b of page.Buckets ?? []) if (b.Name) ownedBuckets.set(b.Name, nonEmpty(b.BucketRegion));
        token = page.ContinuationToken;
      } while (token && !caller.aborted);
    } catch {
      // Optional: without it, trail buckets are read from the trail's account.
    }
  }
  return { account, ownedBuckets };
}

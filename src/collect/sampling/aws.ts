/**
 * AWS blind-spot sampling: CloudTrail event history (LookupEvents) is the source of truth; each sampled event id is
 * looked up in the SIEM destination of the trail that covers its region (CloudWatch Logs via Logs Insights or
 * FilterLogEvents, or the trail's S3 log files), or in a `--siem-export` file. Also: tamper events, and the oldest
 * event stored in the account's trail log groups (retention proof).
 *
 * Every LookupEvents request (SDK retries included) takes a token from the account-region's bucket, so the
 * 2 requests/s quota is never exceeded; a throttled page is retried, never skipped. Read-only calls only.
 */
import { gunzipSync } from "node:zlib";
import type { CloudTrailClient, LookupEventsCommandOutput } from "@aws-sdk/client-cloudtrail";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { S3Client } from "@aws-sdk/client-s3";
import type { z } from "zod";
import type { ApiError } from "../../model/common.js";
import type { ScanEventSink } from "../../model/events.js";
import type { Destination, OldestEvent, SampleResult, TamperEvent } from "../../model/samples.js";
import type { Scope } from "../../model/scope.js";
import type { LogGroupSchema, Trail } from "../../model/snapshot-aws.js";

type LogGroup = z.infer<typeof LogGroupSchema>;

import { Limiter } from "../../scan/limit.js";
import {
  isThrottle,
  lookupBucketKey,
  retryThrottled,
  sleep,
  type TokenBucket,
  type TokenBuckets,
} from "../../scan/token-bucket.js";
import { cloudtrailSdk, logsSdk, s3Sdk } from "../aws/sdk.js";
import { toApiError } from "../errors.js";
import {
  chunks,
  DAY_MS,
  dayOf,
  daysIn,
  eachLimit,
  perDayCounts,
  type SourceEvent,
  spreadSample,
  toMissing,
} from "./common.js";
import { keepReadingUnfiltered, remainingWindow } from "./history-plan.js";
import { ALL_PRIVILEGED_NAMES, AWS_TAMPER_NAMES, privilegedNamesFor } from "./names.js";
import type { SiemExport } from "./siem-export.js";

const { LookupEventsCommand } = cloudtrailSdk;
const { FilterLogEventsCommand, GetQueryResultsCommand, StartQueryCommand } = logsSdk;
const { GetObjectCommand, ListObjectsV2Command } = s3Sdk;

/** Clients the collector already built. Return undefined when that account/bucket cannot be reached. */
export interface AwsSamplingClients {
  /** CloudTrail in this account and `region`. */
  cloudtrail(region: string): CloudTrailClient;
  /** CloudWatch Logs in (`accountId`, `region`): the destination group may live in another account (org trail). */
  logs(accountId: string, region: string): CloudWatchLogsClient | undefined;
  /** S3 able to read `bucket` (`ownerAccountId`: the trail's account, when known). */
  s3(bucket: string, ownerAccountId: string): S3Client | undefined;
}

export interface SampleAwsAccountInput {
  accountId: string;
  /** Enabled, scanned regions of the account. */
  regions: readonly string[];
  /** The account's trails from the snapshot (organization and shadow trails included). */
  trails: readonly Trail[];
  /** The account's log groups from the snapshot (creation times for the retention proof). */
  logGroups?: readonly LogGroup[];
  /** The organization id (`o-...`): organization trails write under `AWSLogs/<org id>/<account>/`. */
  organizationId?: string;
  clients: AwsSamplingClients;
  window: { start: Date; end: Date };
  /**
   * Where tamper events (StopLogging, DeleteTrail, ...) are looked up. Default: the whole event history (90 days
   * back from `window.end`), so a logging gap earlier in the audit period is found even with a short sample window.
   */
  tamperWindow?: { start: Date; end: Date };
  /** `--sample-max`: events per class per account-region. */
  sampleMax: number;
  /** Shared by every sampler of the scan: LookupEvents buckets per account-region. */
  buckets: TokenBuckets;
  /** `--siem-export`: when given, the export is the destination every event is looked up in. */
  siemExport?: SiemExport;
  emit?: ScanEventSink;
  signal?: AbortSignal;
  now?: () => Date;
  /** Query the oldest stored event of the account's trail log groups (default true). */
  retentionProof?: boolean;
  /** Told when a region's sampling is done (progress). */
  onRegionDone?: (region: string) => void;
  /**
   * Told once every region's event history is read (or could not be), before the probes wait for their destinations
   * and the account for `ready`: from then on the account holds only its picked events.
   */
  onHistoryRead?: () => void;
  /** Insights poll interval (ms), default 1000. */
  pollMs?: number;
  /**
   * Bucket probes, tamper events, the retention proof and partial Insights queries wait for this (the scan resolves
   * it once every account is entered, the destinations are read and every account's history is read); the event
   * history is read at once.
   */
  ready?: Promise<void>;
  /**
   * Resolves once `accountId` is entered (its clients can read its log groups), or once every account that will be
   * is. A region whose trails deliver to log groups is probed as soon as the groups' accounts are entered, while the
   * rest of the estate is still being scanned; a bucket's owner is only known once every account is scanned (`ready`).
   */
  accountReady?: (accountId: string) => Promise<void>;
  /**
   * At most this many events of a region's history are read unfiltered (newest first) and classified locally before
   * lookups by name take over for the older part (history-plan.ts). Default: as many pages as there are lookups by
   * name, and the read stops earlier as soon as the lookups are estimated to be cheaper; 0 always looks events up by
   * name.
   */
  unfilteredMax?: number;
}

/** The oldest event stored in one log group. */
export interface LogGroupOldest {
  logGroupArn: string;
  accountId: string;
  region: string;
  name: string;
  oldestEvent: OldestEvent;
}

export interface AwsSamplingResult {
  samples: SampleResult[];
  tamper: TamperEvent[];
  oldestEvents: LogGroupOldest[];
  /**
   * Lookups of tamper event names that failed (message prefixed with the region): tampering there is unverifiable.
   * `applyAwsSampling` appends them to the account's `errors`.
   */
  errors: ApiError[];
}

/** One event from event history, parsed. */
interface CtEvent extends SourceEvent {
  record: Record<string, unknown>;
  readOnly?: boolean;
}

const LOOKUP = { service: "cloudtrail", operation: "LookupEvents" };
/** Ids per Logs Insights query and per FilterLogEvents pattern (pattern length ≤ 1024). */
const INSIGHTS_BATCH = 100;
const FILTER_BATCH = 15;
const TAMPER_NAMES: ReadonlySet<string> = new Set(AWS_TAMPER_NAMES);
/** Events per LookupEvents page. */
const LOOKUP_PAGE = 50;

/**
 * Samples one AWS account: every region concurrently (each region's LookupEvents paced by its bucket), then the
 * SIEM probes, tamper events and retention proof. Never throws for API errors: they become `unknown` results.
 */
export async function sampleAwsAccount(input: SampleAwsAccountInput): Promise<AwsSamplingResult> {
  const now = input.now ?? (() => new Date());
  const samples: SampleResult[] = [];
  const tamperSource: CtEvent[] = [];
  const errors: ApiError[] = [];
  let unread = input.regions.length;
  const historyRead = () => {
    if (--unread === 0) input.onHistoryRead?.();
  };
  if (unread === 0) input.onHistoryRead?.();
  await Promise.all(
    input.regions.map(async (region) => {
      let told = false;
      try {
        const r = await sampleRegion(input, region, now, () => {
          told = true;
          historyRead();
        });
        samples.push(...r.samples);
        tamperSource.push(...r.tamper);
        errors.push(...r.errors);
        input.onRegionDone?.(region);
      } finally {
        if (!told) historyRead();
      }
    }),
  );
  samples.sort((a, b) => (a.region ?? "").localeCompare(b.region ?? "") || a.eventClass.localeCompare(b.eventClass));
  if (input.ready) await input.ready;
  const tamper = buildTamper(input, tamperSource);
  const oldestEvents = input.retentionProof === false ? [] : await oldestForAccount(input, now);
  return { samples, tamper, oldestEvents, errors };
}

// ---- event history ----------------------------------------------------------------------------------------------

interface LookupOutcome {
  events: CtEvent[];
  truncated: boolean;
  /** The oldest event time read (ms), when any event was read. */
  oldest?: number;
  error?: ApiError;
}

function gate<T extends { middlewareStack: { add: (...a: never[]) => void } }>(
  cmd: T,
  bucket: TokenBucket,
  signal?: AbortSignal,
): T {
  // Innermost step: every attempt the SDK makes (its own retries too) takes a token.
  (cmd.middlewareStack as unknown as { add: (mw: unknown, opts: unknown) => void }).add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const release = await bucket.take(signal);
      try {
        return await next(args);
      } finally {
        release();
      }
    },
    { step: "deserialize", priority: "low", name: "blindspotLookupEventsBucket" },
  );
  return cmd;
}

function scopeOf(input: SampleAwsAccountInput, region: string): Scope {
  return { cloud: "aws", accountId: input.accountId, region };
}

/** LookupEvents with one attribute (or none: every event) over the window, newest first, until `max` events or the end. */
async function lookup(
  input: SampleAwsAccountInput,
  region: string,
  attr: { AttributeKey: "EventName" | "Username"; AttributeValue: string } | undefined,
  max: number,
  now: () => Date,
  window: { start: Date; end: Date } = input.window,
  /** Asked after each page that has a next one: read it? `oldest`: the oldest event time read so far (ms). */
  more?: (pages: number, oldest: number | undefined) => boolean,
): Promise<LookupOutcome> {
  const client = input.clients.cloudtrail(region);
  const bucket = input.buckets.get(lookupBucketKey(input.accountId, region));
  const events: CtEvent[] = [];
  let token: string | undefined;
  let pages = 0;
  let oldest: number | undefined;
  try {
    do {
      const page: LookupEventsCommandOutput = await retryThrottled(
        () =>
          client.send(
            gate(
              new LookupEventsCommand({
                ...(attr ? { LookupAttributes: [attr] } : {}),
                StartTime: window.start,
                EndTime: window.end,
                MaxResults: LOOKUP_PAGE,
                ...(token ? { NextToken: token } : {}),
              }),
              bucket,
              input.signal,
            ),
            { abortSignal: input.signal },
          ),
        {
          signal: input.signal,
          onThrottle: (attempt, retryInMs) => {
            input.emit?.({ type: "throttled", cloud: "aws", ...LOOKUP, scope: scopeOf(input, region), retryInMs });
            input.emit?.({ type: "retry", cloud: "aws", ...LOOKUP, scope: scopeOf(input, region), attempt });
          },
        },
      );
      for (const e of page.Events ?? []) {
        const parsed = parseCtEvent(e, region);
        if (!parsed) continue;
        events.push(parsed);
        const t = parsed.time.getTime();
        if (oldest === undefined || t < oldest) oldest = t;
      }
      token = page.NextToken;
      pages++;
    } while (token && events.length < max && (!more || more(pages, oldest)));
    return { events, truncated: Boolean(token), ...(oldest === undefined ? {} : { oldest }) };
  } catch (err) {
    return { events, truncated: true, error: toApiError(err, "cloudtrail", "LookupEvents", now()) };
  }
}

function parseCtEvent(
  e: {
    EventId?: string;
    EventName?: string;
    EventTime?: Date;
    Username?: string;
    CloudTrailEvent?: string;
    ReadOnly?: string;
  },
  region: string,
): CtEvent | undefined {
  if (!e.EventId || !e.EventName) return undefined;
  let record: Record<string, unknown> = {};
  try {
    record = e.CloudTrailEvent ? (JSON.parse(e.CloudTrailEvent) as Record<string, unknown>) : {};
  } catch {
    record = {};
  }
  const ui = (record.userIdentity ?? {}) as Record<string, unknown>;
  const time = e.EventTime ?? (typeof record.eventTime === "string" ? new Date(record.eventTime) : undefined);
  if (!time) return undefined;
  const actor =
    (typeof ui.arn === "string" && ui.arn) ||
    (typeof ui.userName === "string" && ui.userName) ||
    e.Username ||
    (typeof ui.invokedBy === "string" ? ui.invokedBy : undefined);
  return {
    id: e.EventId,
    time,
    name: e.EventName,
    ...(actor ? { actor } : {}),
    ...(typeof record.sourceIPAddress === "string" ? { sourceIp: record.sourceIPAddress } : {}),
    region: typeof record.awsRegion === "string" ? record.awsRegion : region,
    record,
    ...(e.ReadOnly !== undefined ? { readOnly: e.ReadOnly === "true" } : {}),
  };
}

function isFailedLogin(e: CtEvent): boolean {
  if (e.name !== "ConsoleLogin") return false;
  const resp = e.record.responseElements as Record<string, unknown> | null | undefined;
  return resp?.ConsoleLogin === "Failure" || e.record.errorMessage === "Failed authentication";
}

/** CIS 4.3: root, not invoked by a service, not a service event. */
function isRootActivity(e: CtEvent): boolean {
  const ui = (e.record.userIdentity ?? {}) as Record<string, unknown>;
  return ui.type === "Root" && ui.invokedBy === undefined && e.record.eventType !== "AwsServiceEvent";
}

// ---- one region -------------------------------------------------------------------------------------------------

/** LookupEvents keeps 90 days: the tamper window is the sample window or the whole history, whichever is longer. */
export function tamperWindowOf(input: Pick<SampleAwsAccountInput, "window" | "tamperWindow">): {
  start: Date;
  end: Date;
} {
  if (input.tamperWindow) return input.tamperWindow;
  const start = new Date(input.window.end.getTime() - 90 * DAY_MS + 60_000);
  return { start: start < input.window.start ? start : input.window.start, end: input.window.end };
}

type ClassName = "privileged" | "failed-login" | "root";

async function sampleRegion(
  input: SampleAwsAccountInput,
  region: string,
  now: () => Date,
  historyRead: () => void,
): Promise<{ samples: SampleResult[]; tamper: CtEvent[]; errors: ApiError[] }> {
  const max = input.sampleMax;
  const privNames = privilegedNamesFor(region);
  const tamperOnly = AWS_TAMPER_NAMES.filter((n) => !privNames.includes(n));
  const byClass: Record<ClassName, { events: Map<string, CtEvent>; truncated: boolean; error?: ApiError }> = {
    privileged: { events: new Map(), truncated: false },
    "failed-login": { events: new Map(), truncated: false },
    root: { events: new Map(), truncated: false },
  };
  const tamper = new Map<string, CtEvent>();
  type Job = {
    attr: { AttributeKey: "EventName" | "Username"; AttributeValue: string };
    kind: "priv" | "login" | "root" | "tamper";
  };
  const jobs: Job[] = [
    ...privNames.map((n): Job => ({ attr: { AttributeKey: "EventName", AttributeValue: n }, kind: "priv" })),
    { attr: { AttributeKey: "EventName", AttributeValue: "ConsoleLogin" }, kind: "login" },
    { attr: { AttributeKey: "Username", AttributeValue: "root" }, kind: "root" },
    ...tamperOnly.map((n): Job => ({ attr: { AttributeKey: "EventName", AttributeValue: n }, kind: "tamper" })),
  ];
  let denied: ApiError | undefined;
  let tamperError: ApiError | undefined;
  const inWindow = (e: CtEvent) => e.time >= input.window.start && e.time <= input.window.end;
  // The history is read unfiltered first, newest first, and sorted here, for as long as that is estimated to cost
  // fewer LookupEvents calls than the lookups by name (history-plan.ts); those then cover only the older part.
  const tw = tamperWindowOf(input);
  const windowOf = (job: Job) => (TAMPER_NAMES.has(job.attr.AttributeValue) ? tw : input.window);
  const starts = jobs.map((j) => windowOf(j).start.getTime());
  const maxPages = input.unfilteredMax === undefined ? jobs.length : Math.ceil(input.unfilteredMax / LOOKUP_PAGE);
  const head =
    maxPages > 0
      ? await lookup(input, region, undefined, Number.POSITIVE_INFINITY, now, tw, (pages, oldest) =>
          keepReadingUnfiltered(pages, oldest ?? tw.end.getTime(), tw.end.getTime(), starts, maxPages),
        )
      : undefined;
  let read: { from: Date; end: Date } | undefined;
  if (head && !head.error) {
    const privileged = new Set(privNames);
    for (const e of head.events) {
      if (TAMPER_NAMES.has(e.name)) tamper.set(e.id, e);
      if (!inWindow(e)) continue;
      if (privileged.has(e.name) && ALL_PRIVILEGED_NAMES.has(e.name)) byClass.privileged.events.set(e.id, e);
      if (isFailedLogin(e)) byClass["failed-login"].events.set(e.id, e);
      if (isRootActivity(e)) byClass.root.events.set(e.id, e);
    }
    // Complete: the whole tamper window is known. Else everything from the oldest event read on.
    const from = head.truncated ? new Date(head.oldest ?? tw.end.getTime()) : tw.start;
    read = { from, end: tw.end };
  } else if (head?.error?.kind === "denied") {
    denied = head.error; // event history is denied here: no lookup by name either
  }
  const pending = jobs.flatMap((job) => {
    const w = remainingWindow(windowOf(job), read);
    return w ? [{ ...job, window: w }] : [];
  });
  // Two in flight per region: the bucket holds two tokens, so both are always busy.
  await eachLimit(pending, 2, async (job) => {
    const cls: ClassName = job.kind === "login" ? "failed-login" : job.kind === "root" ? "root" : "privileged";
    const tamperName = TAMPER_NAMES.has(job.attr.AttributeValue);
    if (denied) {
      // Access to event history is denied in this region: do not spend the quota on the remaining names.
      if (job.kind !== "tamper") byClass[cls].error ??= denied;
      if (tamperName) tamperError ??= denied;
      return;
    }
    // ConsoleLogin: failures are a minority, read further; tamper names: read all (rare, and each one matters).
    const limit = tamperName ? 1000 : job.kind === "login" ? Math.max(max * 5, 250) : max;
    const out = await lookup(input, region, job.attr, limit, now, job.window);
    if (out.error) {
      if (job.kind !== "tamper") byClass[cls].error ??= out.error;
      if (tamperName) tamperError ??= out.error;
      if (out.error.kind === "denied") denied = out.error;
    }
    if (out.truncated && !out.error && job.kind !== "tamper") byClass[cls].truncated = true;
    for (const e of out.events) {
      if (TAMPER_NAMES.has(e.name)) tamper.set(e.id, e);
      if (!inWindow(e)) continue;
      if (job.kind === "priv" && ALL_PRIVILEGED_NAMES.has(e.name)) byClass.privileged.events.set(e.id, e);
      if (job.kind === "login" && isFailedLogin(e)) byClass["failed-login"].events.set(e.id, e);
      if (job.kind === "root" && isRootActivity(e)) byClass.root.events.set(e.id, e);
    }
  });

  // The history is read: only the picked events are kept while the probe waits for its destination.
  const picks = (Object.keys(byClass) as ClassName[]).map((cls) => {
    const c = byClass[cls];
    const { picked, capped } = spreadSample([...c.events.values()], max);
    return { cls, picked, capped: capped || c.truncated, error: c.error };
  });
  historyRead();
  await probeReady(input, region);
  const probe = await probeRegion(
    input,
    region,
    picks.flatMap((p) => p.picked),
    now,
  );
  const days = daysIn(input.window.start, input.window.end);
  const window = { start: input.window.start.toISOString(), end: input.window.end.toISOString() };
  const samples: SampleResult[] = picks.map(({ cls, picked, capped, error }) => {
    const base = {
      region,
      eventClass: cls,
      window,
      source: { service: "cloudtrail", operation: "LookupEvents" },
      destination: probe.destination,
      capped,
    };
    if (error) {
      return { ...base, state: "unknown", error, sampled: picked.length, found: 0, missing: [], perDay: [] };
    }
    if (probe.error) {
      return {
        ...base,
        state: "unknown",
        error: probe.error,
        sampled: picked.length,
        found: 0,
        missing: [],
        perDay: perDayCounts(days, picked, undefined),
      };
    }
    const isFound = (e: SourceEvent) => probe.found.has(e.id);
    const missing = picked.filter((e) => !isFound(e)).sort((a, b) => a.time.getTime() - b.time.getTime());
    return {
      ...base,
      state: "ok",
      sampled: picked.length,
      found: picked.length - missing.length,
      missing: missing.map(toMissing),
      perDay: perDayCounts(days, picked, isFound),
    };
  });
  const errors = tamperError ? [{ ...tamperError, message: `${region}: ${tamperError.message}` }] : [];
  return { samples, tamper: [...tamper.values()], errors };
}

// ---- destinations -----------------------------------------------------------------------------------------------

interface ProbeOutcome {
  destination: Destination | null;
  found: Set<string>;
  error?: ApiError;
}

/** Trails whose events of `region` reach their destinations (as DescribeTrails saw them). */
export function coveringTrails(trails: readonly Trail[], region: string): Trail[] {
  return trails.filter((t) => {
    if (t.homeRegion === region) return true;
    if (!t.isMultiRegion) return false;
    return t.seenInRegions.length === 0 || t.seenInRegions.includes(region);
  });
}

const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(:\*)?$/;

export function parseLogGroupArn(arn: string): { region: string; accountId: string; name: string } | undefined {
  const m = LOG_GROUP_ARN.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : undefined;
}

/**
 * Waits until `region`'s destination can be probed: nothing to wait for with a `--siem-export`; the accounts of the
 * covering trails' log groups entered (`accountReady`); else (a bucket, or no destination) `ready`.
 */
async function probeReady(input: SampleAwsAccountInput, region: string): Promise<void> {
  if (!input.ready || input.siemExport) return;
  const owners = new Set<string>();
  for (const t of coveringTrails(input.trails, region)) {
    const g = t.cloudWatchLogsLogGroupArn ? parseLogGroupArn(t.cloudWatchLogsLogGroupArn) : undefined;
    if (g) owners.add(g.accountId);
  }
  if (owners.size === 0 || !input.accountReady) return input.ready;
  await Promise.all([...owners].map((id) => input.accountReady!(id)));
}

async function probeRegion(
  input: SampleAwsAccountInput,
  region: string,
  events: SourceEvent[],
  now: () => Date,
): Promise<ProbeOutcome> {
  const ids = [...new Set(events.map((e) => e.id))];
  if (input.siemExport) {
    const x = input.siemExport;
    return { destination: { kind: "siem-export", id: x.name }, found: new Set(ids.filter((id) => x.ids.has(id))) };
  }
  const covering = coveringTrails(input.trails, region);
  // Every covering trail's log group counts (an organization trail's central group first): an event is found when
  // it is in any of them.
  const groups = [
    ...new Set(
      [...covering]
        .filter((t) => t.cloudWatchLogsLogGroupArn)
        .sort(
          (a, b) =>
            Number(b.isOrganization) - Number(a.isOrganization) || Number(b.isMultiRegion) - Number(a.isMultiRegion),
        )
        .map((t) => t.cloudWatchLogsLogGroupArn!.replace(/:\*$/, "")),
    ),
  ];
  if (groups.length > 0) {
    const destination: Destination = { kind: "cloudwatch-logs", id: groups[0]! };
    const found = new Set<string>();
    let error: ApiError | undefined;
    for (const arn of groups) {
      const remaining = ids.filter((id) => !found.has(id));
      if (remaining.length === 0) break;
      const g = parseLogGroupArn(arn);
      if (!g) {
        error ??= invalid("logs", "StartQuery", `not a log group ARN: ${arn}`, now());
        continue;
      }
      const client = input.clients.logs(g.accountId, g.region);
      if (!client) {
        error ??= unreachable("logs", "StartQuery", g.accountId, now());
        continue;
      }
      try {
        for (const id of await probeLogGroup(input, client, g, region, remaining, now)) found.add(id);
      } catch (err) {
        error ??= toApiError(err, "logs", "FilterLogEvents", now());
      }
    }
    // A group that could not be read might hold the ids not found elsewhere: unknown, not missing.
    if (error && found.size < ids.length) return { destination, found, error };
    return { destination, found };
  }
  const s3 = covering.find((t) => t.s3BucketName);
  if (s3?.s3BucketName) {
    const bucket = s3.s3BucketName;
    const prefix = s3.s3KeyPrefix ? `${s3.s3KeyPrefix.replace(/\/$/, "")}/` : "";
    const destination: Destination = { kind: "s3", id: `s3://${bucket}/${prefix}` };
    const client = input.clients.s3(bucket, s3.ownerAccountId);
    if (!client)
      return { destination, found: new Set(), error: unreachable("s3", "GetObject", s3.ownerAccountId, now()) };
    if (ids.length === 0) return { destination, found: new Set() };
    try {
      return { destination, found: await probeS3(input, client, s3, bucket, prefix, region, events) };
    } catch (err) {
      return { destination, found: new Set(), error: toApiError(err, "s3", "GetObject", now()) };
    }
  }
  // No trail delivers this region anywhere: every sampled event is missing.
  return { destination: null, found: new Set() };
}

function invalid(service: string, operation: string, message: string, at: Date): ApiError {
  return { kind: "invalid", service, operation, code: "InvalidDestination", message, at: at.toISOString() };
}

function unreachable(service: string, operation: string, accountId: string, at: Date): ApiError {
  return {
    kind: "denied",
    service,
    operation,
    code: "DestinationUnreachable",
    message: `the destination is in account ${accountId}, which this scan cannot read`,
    at: at.toISOString(),
  };
}

/** Logs Insights `filter eventID in [...]` in batches; FilterLogEvents patterns when Insights is unavailable. */
async function probeLogGroup(
  input: SampleAwsAccountInput,
  client: CloudWatchLogsClient,
  g: { region: string; accountId: string; name: string },
  region: string,
  ids: string[],
  now: () => Date,
): Promise<Set<string>> {
  const found = new Set<string>();
  const start = input.window.start.getTime() - 3_600_000;
  const end = now().getTime();
  let insights = true;
  for (const batch of chunks(ids, INSIGHTS_BATCH)) {
    if (insights) {
      const res = await insightsBatcher(client, g.name)
        .lookup(input, batch, start, end)
        .catch((err: unknown) => {
          if (isThrottle(err)) throw err;
          return undefined;
        });
      if (res) {
        for (const id of res) found.add(id);
        continue;
      }
      insights = false; // Insights refused or failed: fall back for this and the remaining batches
    }
    for (const small of chunks(batch, FILTER_BATCH)) {
      const pattern = `{ ${small.map((id) => `($.eventID = ${JSON.stringify(id)})`).join(" || ")} }`;
      await filterEvents(input, client, g.name, start, end, pattern, `${input.accountId}_CloudTrail_${region}`, (m) => {
        const id = eventIdOf(m);
        if (id) found.add(id);
        return false;
      });
    }
  }
  return found;
}

function eventIdOf(message: string | undefined): string | undefined {
  if (!message) return undefined;
  try {
    const r = JSON.parse(message) as { eventID?: unknown };
    return typeof r.eventID === "string" ? r.eventID : undefined;
  } catch {
    return /"eventID"\s*:\s*"([^"]+)"/.exec(message)?.[1];
  }
}

/**
 * Logs Insights allows 30 concurrent queries per account and region (a quota shared with other users and
 * dashboards): at most a third of it runs at once through one client, however many sampled regions point at the
 * same central group. A LimitExceededException is waited out like a throttle.
 */
const INSIGHTS_CONCURRENCY = 10;
/** Event ids per `filter eventID in [...]` query: 200 ids of 36 characters stay well under the 10,000-character query limit. */
const INSIGHTS_IDS_PER_QUERY = 200;

interface IdLookup {
  input: SampleAwsAccountInput;
  ids: string[];
  startMs: number;
  endMs: number;
  resolve: (found: Set<string> | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Looks event ids up in one log group with as few Insights queries as possible. An organization trail sends every
 * account-region's events to one central group; probing each sampled account-region with its own query would queue
 * thousands of queries behind the group's few query slots. Lookups that arrive while every slot is busy are merged:
 * each query asks for up to INSIGHTS_IDS_PER_QUERY ids from several lookups over the union of their time ranges, and
 * each lookup gets back the found ids that are its own. A query that fails answers `undefined` to each of its
 * lookups (they fall back to FilterLogEvents); a throttle or error rejects them.
 */
export class InsightsIdBatcher {
  private readonly pending: IdLookup[] = [];
  private pendingIds = 0;
  private running = 0;
  private scheduled = false;
  /**
   * Partial queries may start: the scan's `ready` has resolved (or a lookup came without one). Before that, lookups
   * arrive a few at a time while the estate is still being scanned, and only full queries start: each query scans the
   * whole group over the window (Insights bills by data scanned), so the count of queries is what it would be if
   * every lookup arrived at once.
   */
  private released = false;
  private watching: Promise<void> | undefined;

  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly group: string,
  ) {}

  lookup(
    input: SampleAwsAccountInput,
    ids: string[],
    startMs: number,
    endMs: number,
  ): Promise<Set<string> | undefined> {
    if (!input.ready) this.released = true;
    else if (!this.released && this.watching !== input.ready) {
      this.watching = input.ready;
      void input.ready.then(() => {
        this.released = true;
        this.schedule();
      });
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ input, ids, startMs, endMs, resolve, reject });
      this.pendingIds += ids.length;
      this.schedule();
    });
  }

  /**
   * Queries start on the next turn of the event loop, not at the first lookup: the lookups of every account-region
   * released at once (when the destinations are known) then fill whole queries instead of the first ten getting a
   * query each.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.pending.length > 0 && this.running < INSIGHTS_CONCURRENCY) {
      if (!this.released && this.pendingIds < INSIGHTS_IDS_PER_QUERY) return;
      const batch: IdLookup[] = [this.pending.shift()!];
      let n = batch[0]!.ids.length;
      while (this.pending.length > 0 && n + this.pending[0]!.ids.length <= INSIGHTS_IDS_PER_QUERY) {
        const next = this.pending.shift()!;
        batch.push(next);
        n += next.ids.length;
      }
      this.pendingIds -= n;
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(batch: IdLookup[]): Promise<void> {
    const ids = [...new Set(batch.flatMap((l) => l.ids))];
    const startMs = Math.min(...batch.map((l) => l.startMs));
    const endMs = Math.max(...batch.map((l) => l.endMs));
    const q = `fields eventID | filter eventID in [${ids.map((id) => JSON.stringify(id)).join(", ")}] | limit 10000`;
    try {
      const rows = await insightsQuery(batch[0]!.input, this.client, this.group, startMs, endMs, q);
      if (!rows) {
        for (const l of batch) l.resolve(undefined);
        return;
      }
      const found = new Set<string>();
      for (const row of rows) for (const f of row) if (f.field === "eventID" && f.value) found.add(f.value);
      for (const l of batch) l.resolve(new Set(l.ids.filter((id) => found.has(id))));
    } catch (err) {
      for (const l of batch) l.reject(err);
    }
  }
}

const batchers = new WeakMap<CloudWatchLogsClient, Map<string, InsightsIdBatcher>>();

/** The batcher of one log group as one client reads it (one per scan: clients are per scan). */
export function insightsBatcher(client: CloudWatchLogsClient, group: string): InsightsIdBatcher {
  let byGroup = batchers.get(client);
  if (!byGroup) {
    byGroup = new Map();
    batchers.set(client, byGroup);
  }
  let b = byGroup.get(group);
  if (!b) {
    b = new InsightsIdBatcher(client, group);
    byGroup.set(group, b);
  }
  return b;
}

const insightsSlots = new WeakMap<CloudWatchLogsClient, Limiter>();

/** Runs one Logs Insights query to completion; undefined when it ended Failed/Cancelled/Timeout. */
function insightsQuery(
  input: SampleAwsAccountInput,
  client: CloudWatchLogsClient,
  group: string,
  startMs: number,
  endMs: number,
  queryString: string,
): Promise<{ field?: string; value?: string }[][] | undefined> {
  let slots = insightsSlots.get(client);
  if (!slots) {
    slots = new Limiter(INSIGHTS_CONCURRENCY);
    insightsSlots.set(client, slots);
  }
  return slots.run(() => runInsightsQuery(input, client, group, startMs, endMs, queryString));
}

async function runInsightsQuery(
  input: SampleAwsAccountInput,
  client: CloudWatchLogsClient,
  group: string,
  startMs: number,
  endMs: number,
  queryString: string,
): Promise<{ field?: string; value?: string }[][] | undefined> {
  const started = await retryThrottled(
    () =>
      client.send(
        new StartQueryCommand({
          logGroupName: group,
          startTime: Math.floor(startMs / 1000),
          endTime: Math.ceil(endMs / 1000),
          queryString,
          limit: 10_000,
        }),
        { abortSignal: input.signal },
      ),
    {
      signal: input.signal,
      // Too many concurrent queries in the account-region: wait for one to finish, like a throttle.
      retryIf: (err) => isThrottle(err) || /LimitExceeded/.test((err as { name?: string }).name ?? ""),
    },
  );
  const queryId = started.queryId;
  if (!queryId) return undefined;
  const pollMs = input.pollMs ?? 1000;
  const deadline = Date.now() + 15 * 60_000;
  // Poll after 250 ms, then twice as long each time up to `pollMs`: short queries finish in well under a second,
  // long ones are not polled more than once per `pollMs`.
  let wait = Math.min(250, pollMs);
  while (Date.now() < deadline) {
    await sleep(wait, input.signal);
    wait = Math.min(wait * 2, pollMs);
    const r = await retryThrottled(
      () => client.send(new GetQueryResultsCommand({ queryId }), { abortSignal: input.signal }),
      { signal: input.signal },
    );
    if (r.status === "Complete") return r.results ?? [];
    if (r.status === "Failed" || r.status === "Cancelled" || r.status === "Timeout") return undefined;
  }
  return undefined;
}

/**
 * FilterLogEvents from the head, following nextToken (pages may be empty while it continues). `onEvent` returns
 * true to stop early.
 */
async function filterEvents(
  input: SampleAwsAccountInput,
  client: CloudWatchLogsClient,
  group: string,
  startMs: number,
  endMs: number,
  filterPattern: string | undefined,
  streamPrefix: string | undefined,
  onEvent: (message: string | undefined, timestamp: number | undefined) => boolean,
  limit?: number,
): Promise<void> {
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await retryThrottled(
      () =>
        client.send(
          new FilterLogEventsCommand({
            logGroupName: group,
            startTime: startMs,
            endTime: endMs,
            ...(filterPattern ? { filterPattern } : {}),
            ...(streamPrefix ? { logStreamNamePrefix: streamPrefix } : {}),
            ...(limit ? { limit } : {}),
            ...(token ? { nextToken: token } : {}),
          }),
          { abortSignal: input.signal },
        ),
      { signal: input.signal },
    );
    for (const e of page.events ?? []) if (onEvent(e.message, e.timestamp)) return;
    token = page.nextToken;
  } while (token && ++pages < 10_000);
}

/** Reads the day's gzipped CloudTrail files of (account, region) until every sampled id of that day is found. */
async function probeS3(
  input: SampleAwsAccountInput,
  client: S3Client,
  trail: Trail,
  bucket: string,
  prefix: string,
  region: string,
  events: SourceEvent[],
): Promise<Set<string>> {
  let orgPart = "";
  if (trail.isOrganization) {
    const orgId = input.organizationId ?? (await discoverOrgId(input, client, bucket, prefix));
    if (orgId) orgPart = `${orgId}/`;
  }
  // Only the days holding sampled events (and the next day: a file written after midnight UTC carries the
  // events of the previous day's last minutes), newest first.
  const wanted = new Set(events.map((e) => e.id));
  const found = new Set<string>();
  const days = new Set<string>();
  for (const e of events) {
    days.add(dayOf(e.time));
    days.add(dayOf(e.time.getTime() + 3_600_000));
  }
  const today = dayOf(input.window.end);
  for (const day of [...days]
    .filter((d) => d <= today)
    .sort()
    .reverse()) {
    if (found.size === wanted.size) break;
    const [y, m, dd] = day.split("-");
    const dayPrefix = `${prefix}AWSLogs/${orgPart}${input.accountId}/CloudTrail/${region}/${y}/${m}/${dd}/`;
    let token: string | undefined;
    do {
      const list = await retryThrottled(
        () =>
          client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: dayPrefix,
              ...(token ? { ContinuationToken: token } : {}),
            }),
            { abortSignal: input.signal },
          ),
        { signal: input.signal },
      );
      for (const obj of list.Contents ?? []) {
        if (!obj.Key) continue;
        const got = await retryThrottled(
          () => client.send(new GetObjectCommand({ Bucket: bucket, Key: obj.Key }), { abortSignal: input.signal }),
          { signal: input.signal },
        );
        const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? new Uint8Array());
        for (const id of recordIds(bytes)) if (wanted.has(id)) found.add(id);
        if (found.size === wanted.size) break;
      }
      token = list.IsTruncated && found.size < wanted.size ? list.NextContinuationToken : undefined;
    } while (token);
  }
  return found;
}

/** eventIDs of a CloudTrail log file (gzipped or not). */
export function recordIds(bytes: Buffer): string[] {
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
    const doc = JSON.parse(text) as { Records?: { eventID?: unknown }[] };
    return (doc.Records ?? []).map((r) => r.eventID).filter((x): x is string => typeof x === "string");
  } catch {
    return [];
  }
}

async function discoverOrgId(
  input: SampleAwsAccountInput,
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<string | undefined> {
  const list = await retryThrottled(
    () =>
      client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}AWSLogs/`, Delimiter: "/" }), {
        abortSignal: input.signal,
      }),
    { signal: input.signal },
  );
  for (const p of list.CommonPrefixes ?? []) {
    const m = /AWSLogs\/(o-[a-z0-9]+)\/$/.exec(p.Prefix ?? "");
    if (m) return m[1];
  }
  return undefined;
}

// ---- tampering --------------------------------------------------------------------------------------------------

function resourceOf(e: CtEvent): string | undefined {
  const p = (e.record.requestParameters ?? {}) as Record<string, unknown>;
  for (const k of ["name", "trailName", "logGroupName", "logGroupIdentifier"]) {
    if (typeof p[k] === "string") return p[k] as string;
  }
  return undefined;
}

/** `trail/name` or a bare name → the name (StopLogging may name the trail by ARN, StartLogging by name). */
function trailKey(resource: string | undefined): string {
  if (!resource) return "";
  return resource.replace(/^arn:aws[a-z-]*:cloudtrail:[^:]*:\d{12}:trail\//, "");
}

function buildTamper(input: SampleAwsAccountInput, events: CtEvent[]): TamperEvent[] {
  const sorted = [...new Map(events.map((e) => [e.id, e])).values()].sort(
    (a, b) => a.time.getTime() - b.time.getTime(),
  );
  const out: TamperEvent[] = [];
  for (const e of sorted) {
    const resource = resourceOf(e);
    const t: TamperEvent = {
      eventId: e.id,
      time: e.time.toISOString(),
      name: e.name,
      ...(e.actor ? { actor: e.actor } : {}),
      ...(e.sourceIp ? { sourceIp: e.sourceIp } : {}),
      ...(e.region ? { region: e.region } : {}),
      ...(resource ? { resource } : {}),
      origin: "event-history",
    };
    if (e.name === "StopLogging") {
      const resumed = sorted.find(
        (s) =>
          s.name === "StartLogging" &&
          s.time.getTime() > e.time.getTime() &&
          s.region === e.region &&
          trailKey(resourceOf(s)) === trailKey(resource),
      );
      if (resumed) t.resumedAt = resumed.time.toISOString();
    }
    out.push(t);
  }
  // GetTrailStatus StopLoggingTime: a stop inside the window that event history did not show (own trails only).
  for (const trail of input.trails) {
    if (trail.ownerAccountId !== input.accountId || trail.status.state !== "ok") continue;
    const st = trail.status.value;
    if (!st.stopLoggingTime) continue;
    const stop = new Date(st.stopLoggingTime).getTime();
    const tw = tamperWindowOf(input);
    if (stop < tw.start.getTime() || stop > tw.end.getTime()) continue;
    const seen = out.some(
      (t) =>
        t.name === "StopLogging" &&
        trailKey(t.resource) === trail.name &&
        Math.abs(new Date(t.time).getTime() - stop) < 15 * 60_000,
    );
    if (seen) continue;
    const start = st.startLoggingTime ? new Date(st.startLoggingTime).getTime() : undefined;
    out.push({
      eventId: `GetTrailStatus:${trail.arn}:${st.stopLoggingTime}`,
      time: new Date(stop).toISOString(),
      name: "StopLogging",
      region: trail.homeRegion,
      resource: trail.arn,
      origin: "trail-status",
      ...(st.isLogging && start !== undefined && start > stop ? { resumedAt: new Date(start).toISOString() } : {}),
    });
  }
  return out;
}

// ---- retention proof --------------------------------------------------------------------------------------------

async function oldestForAccount(input: SampleAwsAccountInput, now: () => Date): Promise<LogGroupOldest[]> {
  const arns = new Set<string>();
  for (const t of input.trails) {
    if (!t.cloudWatchLogsLogGroupArn) continue;
    const g = parseLogGroupArn(t.cloudWatchLogsLogGroupArn);
    if (g && g.accountId === input.accountId) arns.add(`arn:aws:logs:${g.region}:${g.accountId}:log-group:${g.name}`);
  }
  const out: LogGroupOldest[] = [];
  for (const arn of arns) {
    const g = parseLogGroupArn(arn)!;
    const client = input.clients.logs(g.accountId, g.region);
    const readAt = now();
    if (!client) continue;
    const known = input.logGroups?.find((x) => x.name === g.name && x.region === g.region);
    const from = known?.creationTime ? new Date(known.creationTime).getTime() : readAt.getTime() - 3653 * DAY_MS;
    out.push({
      logGroupArn: arn,
      accountId: g.accountId,
      region: g.region,
      name: g.name,
      oldestEvent: await oldestInGroup(input, client, g.name, from, readAt, now),
    });
  }
  return out;
}

/** Insights `sort @timestamp asc | limit 1` over [from, now]; FilterLogEvents from the head as the fallback. */
async function oldestInGroup(
  input: SampleAwsAccountInput,
  client: CloudWatchLogsClient,
  group: string,
  fromMs: number,
  readAt: Date,
  now: () => Date,
): Promise<OldestEvent> {
  const searchedFrom = new Date(fromMs).toISOString();
  try {
    const rows = await insightsQuery(
      input,
      client,
      group,
      fromMs,
      readAt.getTime(),
      "fields @timestamp | sort @timestamp asc | limit 1",
    );
    if (rows) {
      const v = rows[0]?.find((f) => f.field === "@timestamp")?.value;
      const time = v ? parseInsightsTime(v) : null;
      return {
        state: "ok",
        value: {
          time: time ? time.toISOString() : null,
          method: "logs:StartQuery fields @timestamp | sort @timestamp asc | limit 1",
          readAt: readAt.toISOString(),
          searchedFrom,
        },
      };
    }
  } catch (err) {
    if (isThrottle(err)) return { state: "error", error: toApiError(err, "logs", "StartQuery", now()) };
  }
  try {
    let first: number | undefined;
    await filterEvents(
      input,
      client,
      group,
      fromMs,
      readAt.getTime(),
      undefined,
      undefined,
      (_m, ts) => {
        first = ts;
        return true;
      },
      1,
    );
    return {
      state: "ok",
      value: {
        time: first !== undefined ? new Date(first).toISOString() : null,
        method: "logs:FilterLogEvents startFromHead limit 1",
        readAt: readAt.toISOString(),
        searchedFrom,
      },
    };
  } catch (err) {
    return { state: "error", error: toApiError(err, "logs", "FilterLogEvents", now()) };
  }
}

/** Insights prints `2026-11-27 10:00:00.000` (UTC). */
export function parseInsightsTime(v: string): Date | null {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(v) ? `${v.replace(" ", "T")}Z` : v;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** For the collector: the day folder of a time (exported for tests). */
export function s3DayFolder(
  prefix: string,
  orgId: string | undefined,
  accountId: string,
  region: string,
  t: Date,
): string {
  const [y, m, d] = dayOf(t).split("-");
  return `${prefix}AWSLogs/${orgId ? `${orgId}/` : ""}${accountId}/CloudTrail/${region}/${y}/${m}/${d}/`;
}

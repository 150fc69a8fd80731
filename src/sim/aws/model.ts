/**
 * The AWS simulator's state: accounts, regions, trails, log groups, buckets, keys, event data stores, and the
 * events (lazily expanded per account) with where each was delivered. Handlers read and mutate it.
 */
import {
  type AwsScenario,
  type BucketSpec,
  DEFAULT_REGIONS,
  type DeliverySpec,
  type EventDataStoreSpec,
  type KmsKeySpec,
  type LogGroupSpec,
  OPT_IN_REGIONS,
  type TrailSpec,
} from "../scenario/aws.js";
import { resolveTime } from "../scenario/time.js";
import { expandStream, isGlobalServiceEvent, renderRecord, type SimEvent, tamperEvent } from "./events.js";
import { DAY_MS, hash32, idBody } from "./util.js";

export type RegionStatus = "opt-in-not-required" | "opted-in" | "not-opted-in";

export interface BasicSelector {
  ReadWriteType: "All" | "ReadOnly" | "WriteOnly";
  IncludeManagementEvents: boolean;
  ExcludeManagementEventSources: string[];
  DataResources: { Type: string; Values: string[] }[];
}
export interface AdvancedSelector {
  Name?: string;
  FieldSelectors: {
    Field: string;
    Equals?: string[];
    StartsWith?: string[];
    EndsWith?: string[];
    NotEquals?: string[];
    NotStartsWith?: string[];
    NotEndsWith?: string[];
  }[];
}

export interface Trail {
  name: string;
  account: string;
  homeRegion: string;
  arn: string;
  multiRegion: boolean;
  organization: boolean;
  includeGlobalServiceEvents: boolean;
  logFileValidation: boolean;
  kmsKeyId?: string;
  logGroupArn?: string;
  logGroupName?: string;
  cwRoleArn?: string;
  s3Bucket: string;
  s3KeyPrefix?: string;
  snsTopicArn?: string;
  createdAt: number;
  eventSelectors?: BasicSelector[];
  advancedEventSelectors?: AdvancedSelector[];
  hasInsightSelectors: boolean;
  isLogging: boolean;
  startLoggingTime?: number;
  stopLoggingTime?: number;
  latestDeliveryTime?: number;
  latestDeliveryError?: string;
  latestCloudWatchLogsDeliveryTime?: number;
  latestCloudWatchLogsDeliveryError?: string;
  latestDigestDeliveryTime?: number;
  latestNotificationTime?: number;
  /** (from, to) intervals during which the trail delivered nothing. */
  stopped: [number, number][];
}

export interface LogGroup {
  name: string;
  account: string;
  region: string;
  arn: string;
  retentionInDays?: number;
  retentionPolicyName?: string;
  createdAt: number;
  kmsKeyId?: string;
  logGroupClass: string;
  metricFilters: LogGroupSpec["metricFilters"];
  subscriptionFilters: LogGroupSpec["subscriptionFilters"];
}

export type Bucket = Omit<BucketSpec, "createdAt"> & { createdAt: number; extraObjects: Map<string, Buffer> };
export type KmsKey = Omit<KmsKeySpec, "createdAt"> & { createdAt: number; arn: string };
export type EventDataStore = Omit<EventDataStoreSpec, "createdAt"> & { createdAt: number; arn: string };

export interface Account {
  id: string;
  name: string;
  email: string;
  status: string;
  joinedAt: number;
  regions: Map<string, RegionStatus>;
  roles: { name: string; trustedAccounts?: string[] }[];
}

export function defaultAccessKey(account: string): string {
  return `AKIASIM${account}X`;
}
export function sessionAccessKey(account: string, n: number): string {
  return `ASIASIM${account}${"ABCDEFGHJKLMNPQRSTUVWXYZ"[n % 24]}`;
}
export const DEFAULT_SECRET = "blindspotSimulatorSecretKey0000000000000";

function basicFromSpec(s: NonNullable<TrailSpec["eventSelectors"]>[number]): BasicSelector {
  return {
    ReadWriteType: s.readWriteType,
    IncludeManagementEvents: s.includeManagementEvents,
    ExcludeManagementEventSources: s.excludeManagementEventSources,
    DataResources: s.dataResources.map((d) => ({ Type: d.type, Values: d.values })),
  };
}
export function advancedFromSpec(s: NonNullable<TrailSpec["advancedEventSelectors"]>[number]): AdvancedSelector {
  return {
    ...(s.name ? { Name: s.name } : {}),
    FieldSelectors: s.fieldSelectors.map((f) => {
      const out: AdvancedSelector["FieldSelectors"][number] = { Field: f.field };
      if (f.equals) out.Equals = f.equals;
      if (f.startsWith) out.StartsWith = f.startsWith;
      if (f.endsWith) out.EndsWith = f.endsWith;
      if (f.notEquals) out.NotEquals = f.notEquals;
      if (f.notStartsWith) out.NotStartsWith = f.notStartsWith;
      if (f.notEndsWith) out.NotEndsWith = f.notEndsWith;
      return out;
    }),
  };
}

/** True when the trail's selectors capture a management event with this readOnly flag and source. */
export function selectorsCapture(
  t: Pick<Trail, "eventSelectors" | "advancedEventSelectors">,
  readOnly: boolean,
  source: string,
): boolean {
  if (t.advancedEventSelectors && t.advancedEventSelectors.length > 0) {
    return t.advancedEventSelectors.some((sel) =>
      sel.FieldSelectors.every((f) =>
        fieldMatches(f, { eventCategory: "Management", readOnly: String(readOnly), eventSource: source }),
      ),
    );
  }
  const sels = t.eventSelectors ?? [
    { ReadWriteType: "All", IncludeManagementEvents: true, ExcludeManagementEventSources: [], DataResources: [] },
  ];
  return sels.some(
    (s) =>
      s.IncludeManagementEvents &&
      (s.ReadWriteType === "All" || (s.ReadWriteType === "ReadOnly") === readOnly) &&
      !s.ExcludeManagementEventSources.includes(source),
  );
}

function fieldMatches(f: AdvancedSelector["FieldSelectors"][number], values: Record<string, string>): boolean {
  const v = values[f.Field];
  if (v === undefined) return false;
  if (f.Equals && !f.Equals.includes(v)) return false;
  if (f.StartsWith && !f.StartsWith.some((p) => v.startsWith(p))) return false;
  if (f.EndsWith && !f.EndsWith.some((p) => v.endsWith(p))) return false;
  if (f.NotEquals?.includes(v)) return false;
  if (f.NotStartsWith?.some((p) => v.startsWith(p))) return false;
  if (f.NotEndsWith?.some((p) => v.endsWith(p))) return false;
  return true;
}

export class AwsModel {
  readonly now: Date;
  readonly seed: number;
  readonly accounts = new Map<string, Account>();
  readonly org: { id: string; managementAccountId: string; featureSet: string } | undefined;
  readonly defaultRegions: string[];
  trails: Trail[] = [];
  /** The trails as the scenario defined them: past events are delivered according to these. */
  readonly historyTrails: Trail[];
  readonly logGroups: LogGroup[] = [];
  readonly buckets = new Map<string, Bucket>();
  readonly kmsKeys: KmsKey[] = [];
  readonly eventDataStores: EventDataStore[] = [];
  /** Access key id -> account id. */
  readonly accessKeys = new Map<string, string>();
  /** Session keys from AssumeRole -> the assumed identity. */
  readonly identities = new Map<string, { account: string; arn: string; userId: string }>();
  private readonly lgCache = new Map<string, { v: number; rows: { e: SimEvent; trail: Trail }[] }>();
  private sessionCounter = 0;
  private readonly perAccount = new Map<string, Map<string, SimEvent[]>>();
  /** Events caused by API writes during this run (rendered into history, delivered by the live trails). */
  private readonly liveEvents: SimEvent[] = [];
  version = 0;
  /** LookupEvents token buckets per account|region. */
  readonly lookupTokens = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly scenario: AwsScenario,
    now: Date,
  ) {
    this.now = now;
    this.seed = scenario.seed;
    const t = (spec: string) => resolveTime(spec, now).getTime();
    this.org = scenario.organization ? { ...scenario.organization } : undefined;
    this.defaultRegions = scenario.defaultRegions ?? [...DEFAULT_REGIONS];
    for (const a of scenario.accounts) {
      const regions = new Map<string, RegionStatus>();
      for (const r of this.defaultRegions) regions.set(r, "opt-in-not-required");
      for (const r of OPT_IN_REGIONS) regions.set(r, "not-opted-in");
      for (const [r, s] of Object.entries(a.optInRegions)) regions.set(r, s);
      this.accounts.set(a.id, {
        id: a.id,
        name: a.name,
        email: a.email ?? `aws+${a.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}@example.com`,
        status: a.status,
        joinedAt: t(a.joinedAt),
        regions,
        roles: a.roles,
      });
      this.accessKeys.set(defaultAccessKey(a.id), a.id);
      for (const k of a.accessKeys) this.accessKeys.set(k, a.id);
    }
    for (const k of scenario.kmsKeys) {
      this.kmsKeys.push({ ...k, createdAt: t(k.createdAt), arn: `arn:aws:kms:${k.region}:${k.account}:key/${k.id}` });
    }
    for (const g of scenario.logGroups) {
      this.logGroups.push(this.makeLogGroup(g.account, g.region, g.name, t(g.createdAt), g));
    }
    for (const b of scenario.buckets) {
      this.buckets.set(b.name, { ...b, createdAt: t(b.createdAt), extraObjects: new Map() });
    }
    for (const e of scenario.eventDataStores) {
      this.eventDataStores.push({
        ...e,
        createdAt: t(e.createdAt),
        arn: `arn:aws:cloudtrail:${e.region}:${e.account}:eventdatastore/${hashUuid(`${e.account}${e.name}`)}`,
      });
    }
    const tamperByTrail = new Map<string, { time: number; action: string }[]>();
    for (const tp of scenario.tamper) {
      const key = `${tp.account}|${tp.target}`;
      const list = tamperByTrail.get(key) ?? [];
      list.push({ time: t(tp.at), action: tp.action });
      tamperByTrail.set(key, list);
    }
    for (const ts of scenario.trails) {
      const trail = this.trailFromSpec(ts, t, tamperByTrail.get(`${ts.account}|${ts.name}`) ?? []);
      this.trails.push(trail);
      if (trail.logGroupName && !this.findLogGroup(trail.account, trail.homeRegion, trail.logGroupName)) {
        this.logGroups.push(this.makeLogGroup(trail.account, trail.homeRegion, trail.logGroupName, trail.createdAt));
      }
    }
    this.historyTrails = this.trails.map((tr) => ({ ...tr, stopped: [...tr.stopped] }));
  }

  private makeLogGroup(account: string, region: string, name: string, createdAt: number, g?: LogGroupSpec): LogGroup {
    return {
      name,
      account,
      region,
      arn: `arn:aws:logs:${region}:${account}:log-group:${name}`,
      ...(g?.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
      ...(g?.retentionPolicyName ? { retentionPolicyName: g.retentionPolicyName } : {}),
      createdAt,
      ...(g?.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
      logGroupClass: g?.logGroupClass ?? "STANDARD",
      metricFilters: g?.metricFilters ?? [],
      subscriptionFilters: g?.subscriptionFilters ?? [],
    };
  }

  private trailFromSpec(ts: TrailSpec, t: (s: string) => number, tamper: { time: number; action: string }[]): Trail {
    const arn = `arn:aws:cloudtrail:${ts.homeRegion}:${ts.account}:trail/${ts.name}`;
    const stopped: [number, number][] = [];
    let stopAt: number | undefined;
    let lastStop: number | undefined;
    let lastStart: number | undefined;
    for (const ev of [...tamper].sort((a, b) => a.time - b.time)) {
      if (ev.action === "StopLogging" && stopAt === undefined) {
        stopAt = ev.time;
        lastStop = ev.time;
      } else if (ev.action === "StartLogging") {
        if (stopAt !== undefined) stopped.push([stopAt, ev.time]);
        stopAt = undefined;
        lastStart = ev.time;
      }
    }
    const createdAt = t(ts.createdAt);
    const st = ts.status;
    const stopLoggingTime = st.stopLoggingTime ? t(st.stopLoggingTime) : lastStop;
    if (!st.logging) {
      const from = stopAt ?? stopLoggingTime ?? createdAt;
      stopped.push([from, Number.POSITIVE_INFINITY]);
    }
    const kms = ts.kmsKeyId
      ? ts.kmsKeyId.startsWith("arn:")
        ? ts.kmsKeyId
        : (this.kmsKeys.find((k) => k.id === ts.kmsKeyId)?.arn ??
          `arn:aws:kms:${ts.homeRegion}:${ts.account}:key/${ts.kmsKeyId}`)
      : undefined;
    const nowMs = this.now.getTime();
    const lastDeliveryDefault = st.logging ? nowMs - 4 * 60_000 : (stopLoggingTime ?? createdAt);
    return {
      name: ts.name,
      account: ts.account,
      homeRegion: ts.homeRegion,
      arn,
      multiRegion: ts.multiRegion,
      organization: ts.organization,
      includeGlobalServiceEvents: ts.includeGlobalServiceEvents,
      logFileValidation: ts.logFileValidation,
      ...(kms ? { kmsKeyId: kms } : {}),
      ...(ts.cloudWatchLogs
        ? {
            logGroupName: ts.cloudWatchLogs.logGroup,
            logGroupArn: `arn:aws:logs:${ts.homeRegion}:${ts.account}:log-group:${ts.cloudWatchLogs.logGroup}:*`,
            cwRoleArn: `arn:aws:iam::${ts.account}:role/${ts.cloudWatchLogs.roleName}`,
          }
        : {}),
      s3Bucket: ts.s3Bucket,
      ...(ts.s3KeyPrefix ? { s3KeyPrefix: ts.s3KeyPrefix } : {}),
      ...(ts.snsTopicName ? { snsTopicArn: `arn:aws:sns:${ts.homeRegion}:${ts.account}:${ts.snsTopicName}` } : {}),
      createdAt,
      ...(ts.eventSelectors ? { eventSelectors: ts.eventSelectors.map(basicFromSpec) } : {}),
      ...(ts.advancedEventSelectors ? { advancedEventSelectors: ts.advancedEventSelectors.map(advancedFromSpec) } : {}),
      hasInsightSelectors: ts.hasInsightSelectors,
      isLogging: st.logging,
      startLoggingTime: st.startLoggingTime ? t(st.startLoggingTime) : (lastStart ?? createdAt),
      ...(stopLoggingTime !== undefined ? { stopLoggingTime } : {}),
      latestDeliveryTime: st.latestDeliveryTime ? t(st.latestDeliveryTime) : lastDeliveryDefault,
      ...(st.latestDeliveryError ? { latestDeliveryError: st.latestDeliveryError } : {}),
      ...(ts.cloudWatchLogs
        ? {
            latestCloudWatchLogsDeliveryTime: st.latestCloudWatchLogsDeliveryTime
              ? t(st.latestCloudWatchLogsDeliveryTime)
              : lastDeliveryDefault,
          }
        : {}),
      ...(st.latestCloudWatchLogsDeliveryError
        ? { latestCloudWatchLogsDeliveryError: st.latestCloudWatchLogsDeliveryError }
        : {}),
      ...(ts.logFileValidation
        ? {
            latestDigestDeliveryTime: st.latestDigestDeliveryTime
              ? t(st.latestDigestDeliveryTime)
              : lastDeliveryDefault,
          }
        : {}),
      ...(st.latestNotificationTime ? { latestNotificationTime: t(st.latestNotificationTime) } : {}),
      stopped,
    };
  }

  // ---- identity and regions -------------------------------------------------------------------------------------

  /** The account an access key acts as. Unknown keys act as the management (first) account. */
  accountForKey(accessKeyId: string | undefined): string {
    if (accessKeyId) {
      const known = this.accessKeys.get(accessKeyId);
      if (known) return known;
      const m = /^(?:AKIA|ASIA)SIM(\d{12})/.exec(accessKeyId);
      if (m && this.accounts.has(m[1]!)) return m[1]!;
    }
    return this.managementAccountId();
  }
  /** The caller identity behind an access key (GetCallerIdentity). */
  identityForKey(accessKeyId: string | undefined): { account: string; arn: string; userId: string } {
    const id = accessKeyId ? this.identities.get(accessKeyId) : undefined;
    if (id) return id;
    const account = this.accountForKey(accessKeyId);
    return { account, arn: `arn:aws:iam::${account}:user/blindspot-sim`, userId: `AIDA${idBody(`sim${account}`, 17)}` };
  }
  managementAccountId(): string {
    return this.org?.managementAccountId ?? this.scenario.accounts[0]!.id;
  }
  regionStatus(account: string, region: string): RegionStatus | undefined {
    return this.accounts.get(account)?.regions.get(region);
  }
  regionEnabled(account: string, region: string): boolean {
    const s = this.regionStatus(account, region);
    return s === "opt-in-not-required" || s === "opted-in";
  }
  newSessionKey(account: string): string {
    const key = sessionAccessKey(account, this.sessionCounter++);
    this.accessKeys.set(key, account);
    return key;
  }
  orgAccounts(): string[] {
    return this.org ? [...this.accounts.keys()] : [];
  }

  // ---- lookups ----------------------------------------------------------------------------------------------------

  findLogGroup(account: string, region: string, name: string): LogGroup | undefined {
    return this.logGroups.find((g) => g.account === account && g.region === region && g.name === name);
  }
  kmsKey(account: string, region: string, keyIdOrArnOrAlias: string): KmsKey | undefined {
    const id = keyIdOrArnOrAlias;
    return this.kmsKeys.find((k) => {
      if (id.startsWith("arn:aws:kms:"))
        return k.arn === id || (k.alias && id === `arn:aws:kms:${k.region}:${k.account}:${k.alias}`);
      if (k.account !== account || k.region !== region) return false;
      return (
        k.id === id ||
        (k.alias !== undefined && (k.alias === id || `alias/${k.alias}` === id || k.alias === `alias/${id}`))
      );
    });
  }

  // ---- events and delivery --------------------------------------------------------------------------------------

  /** Events recorded in (account, region), sorted oldest first (includes live events). */
  events(account: string, region: string): SimEvent[] {
    const byRegion = this.materialize(account);
    const base = byRegion.get(region) ?? [];
    const live = this.liveEvents.filter((e) => e.account === account && e.region === region);
    return live.length ? [...base, ...live] : base;
  }

  private materialize(account: string): Map<string, SimEvent[]> {
    const cached = this.perAccount.get(account);
    if (cached) return cached;
    const all: SimEvent[] = [];
    this.scenario.streams.forEach((s, i) => {
      if (s.account === account) all.push(...expandStream(s, i, this.seed, this.now));
    });
    this.scenario.tamper.forEach((tp, i) => {
      if (tp.account === account) all.push(tamperEvent(tp, i, this.seed, this.now));
    });
    const byRegion = new Map<string, SimEvent[]>();
    for (const e of all) {
      this.deliver(e, this.historyTrails);
      const list = byRegion.get(e.region) ?? [];
      list.push(e);
      byRegion.set(e.region, list);
    }
    for (const list of byRegion.values()) list.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
    if (this.perAccount.size > 400) this.perAccount.delete(this.perAccount.keys().next().value!);
    this.perAccount.set(account, byRegion);
    return byRegion;
  }

  /** Trails that capture an event (coverage, logging state at the event time, selectors, global events). */
  coveringTrails(e: SimEvent, trails: Trail[]): Trail[] {
    const global = isGlobalServiceEvent(e);
    return trails.filter((t) => {
      if (
        t.organization
          ? !(this.org && t.account === this.org.managementAccountId && this.accounts.has(e.account))
          : t.account !== e.account
      )
        return false;
      if (!this.trailInRegion(t, e.region)) return false;
      if (global && !t.includeGlobalServiceEvents) return false;
      if (e.time < t.createdAt) return false;
      if (t.stopped.some(([a, b]) => e.time > a && e.time < b)) return false;
      return selectorsCapture(t, e.readOnly, e.source);
    });
  }

  private deliver(e: SimEvent, trails: Trail[]): void {
    const covering = this.coveringTrails(e, trails);
    const d = e.delivery;
    const toS3 = d?.s3 === false ? [] : covering;
    const toCw = covering.filter((t) => t.logGroupName && cwDelivered(e, d, this.now));
    e.s3 = toS3.map((t) => t.arn);
    e.s3To = toS3.map((t) => ({
      arn: t.arn,
      s3Bucket: t.s3Bucket,
      ...(t.s3KeyPrefix ? { s3KeyPrefix: t.s3KeyPrefix } : {}),
      organization: t.organization,
    }));
    e.cw = toCw.map((t) => t.arn);
    e.cwTo = toCw.map((t) => `${t.account}|${t.homeRegion}|${t.logGroupName}`);
  }

  /** Records an API write as a live event (it then shows in event history and flows to the live trails). */
  recordLive(e: Omit<SimEvent, "kind">): void {
    const ev: SimEvent = { ...e, kind: "live" };
    this.deliver(ev, this.trails);
    this.liveEvents.push(ev);
    this.version++;
  }

  /**
   * True when a trail exists in a region: its home region, or any region enabled in the trail owner's account for a
   * multi-region trail (a multi-region trail is replicated only into regions its owner account has enabled, so an
   * organization trail does not reach a member's opt-in region that the management account has not enabled).
   */
  trailInRegion(t: Trail, region: string): boolean {
    return t.homeRegion === region || (t.multiRegion && this.regionEnabled(t.account, region));
  }

  /** Accounts and regions a trail can receive events from. */
  trailScope(t: Trail): { accounts: string[]; regions: string[] } {
    const accounts =
      t.organization && this.org && t.account === this.org.managementAccountId ? this.orgAccounts() : [t.account];
    const regions = [...new Set([...this.defaultRegions, ...OPT_IN_REGIONS])].filter((r) => this.trailInRegion(t, r));
    return { accounts, regions };
  }

  /** Events stored in a log group (delivered there and not yet expired), oldest first. */
  logGroupEvents(g: LogGroup): { e: SimEvent; trail: Trail }[] {
    const key = `${g.account}|${g.region}|${g.name}|${g.retentionInDays ?? ""}`;
    const hit = this.lgCache.get(key);
    if (hit && hit.v === this.version) return hit.rows;
    const rows = this.computeLogGroupEvents(g);
    if (this.lgCache.size > 200) this.lgCache.clear();
    this.lgCache.set(key, { v: this.version, rows });
    return rows;
  }

  private computeLogGroupEvents(g: LogGroup): { e: SimEvent; trail: Trail }[] {
    const key = `${g.account}|${g.region}|${g.name}`;
    const trails = [...this.historyTrails, ...this.trails].filter(
      (t) => t.account === g.account && t.homeRegion === g.region && t.logGroupName === g.name,
    );
    const nowMs = this.now.getTime();
    const minTime = Math.max(g.createdAt, g.retentionInDays !== undefined ? nowMs - g.retentionInDays * DAY_MS : 0);
    const out: { e: SimEvent; trail: Trail }[] = [];
    const seen = new Set<string>();
    const scanned = new Set<string>();
    for (const t of trails) {
      const { accounts, regions } = this.trailScope(t);
      for (const a of accounts) {
        if (!this.accounts.has(a)) continue;
        for (const r of regions) {
          if (scanned.has(`${a}|${r}`)) continue;
          scanned.add(`${a}|${r}`);
          for (const e of this.events(a, r)) {
            if (e.time < minTime || seen.has(e.id) || !e.cwTo?.includes(key)) continue;
            seen.add(e.id);
            out.push({ e, trail: t });
          }
        }
      }
    }
    out.sort((x, y) => x.e.time - y.e.time);
    return out;
  }

  /** Events a bucket received, with the trail configuration they were delivered under (key prefix, org path). */
  bucketEvents(bucket: string): { e: SimEvent; trail: NonNullable<SimEvent["s3To"]>[number] }[] {
    const trails = [...this.historyTrails, ...this.trails].filter((t) => t.s3Bucket === bucket);
    const out: { e: SimEvent; trail: NonNullable<SimEvent["s3To"]>[number] }[] = [];
    const scanned = new Set<string>();
    for (const t of trails) {
      const { accounts, regions } = this.trailScope(t);
      for (const a of accounts) {
        if (!this.accounts.has(a)) continue;
        for (const r of regions) {
          if (scanned.has(`${a}|${r}`)) continue;
          scanned.add(`${a}|${r}`);
          for (const e of this.events(a, r)) {
            for (const to of e.s3To ?? []) if (to.s3Bucket === bucket) out.push({ e, trail: to });
          }
        }
      }
    }
    return out;
  }

  /** Memo of rendered events; `message` is filled on first use (an Insights filter usually reads only the record). */
  private readonly rendered = new WeakMap<SimEvent, { record: Record<string, unknown>; message?: string }>();

  /** The event's CloudTrail record (memoised; treat as read-only). */
  render(e: SimEvent): Record<string, unknown> {
    return this.rendered_(e).record;
  }

  /** The event's CloudTrail record as the JSON text a log event or log file carries (memoised). */
  message(e: SimEvent): string {
    const r = this.rendered_(e);
    r.message ??= JSON.stringify(r.record);
    return r.message;
  }

  private rendered_(e: SimEvent): { record: Record<string, unknown>; message?: string } {
    let r = this.rendered.get(e);
    if (!r) {
      r = { record: renderRecord(e) };
      this.rendered.set(e, r);
    }
    return r;
  }
}

function cwDelivered(e: SimEvent, d: DeliverySpec | undefined, now: Date): boolean {
  if (!d) return true;
  if (d.cloudwatch === false) return false;
  if (d.droppedEventIds?.includes(e.id)) return false;
  if (d.droppedDays) {
    for (const r of d.droppedDays) {
      if (e.time >= resolveTime(r.from, now).getTime() && e.time < resolveTime(r.to, now).getTime()) return false;
    }
  }
  if (d.missingFraction !== undefined && (hash32(`${e.id}|missing`) % 10_000) / 10_000 < d.missingFraction)
    return false;
  return true;
}

function hashUuid(key: string): string {
  const h = (n: number) => hash32(`${key}${n}`).toString(16).padStart(8, "0");
  const hex = h(1) + h(2) + h(3) + h(4);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The AWS facts the checks share, derived once per snapshot: every trail merged across the accounts that saw it
 * (an organization trail's status and selectors come from the management account's view when there is one), the
 * coverage of each account × region, and lookups of the trails' log groups, buckets and keys. Pure.
 */
import type { Probe } from "../../src/model/common.js";
import type { Evidence } from "../../src/model/finding.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import type { AwsAccount, AwsRegion, Trail } from "../../src/model/snapshot-aws.js";
import { interpretAdvanced, interpretTrailSelectors, type MgmtCoverage } from "./selectors.js";

type TrailStatus = Extract<Trail["status"], { state: "ok" }>["value"];
type EventDataStore = AwsAccount["eventDataStores"][number];
export type LogGroupFact = AwsAccount["logGroups"][number];
export type BucketFact = AwsAccount["buckets"][number];
export type KeyFact = AwsAccount["keys"][number];

/** One trail, merged over every account view of it. */
export interface TrailView {
  arn: string;
  /** The record used for configuration fields: the owner's own view when scanned, else the first one. */
  trail: Trail;
  ownerAccountId: string;
  status: Probe<TrailStatus>;
  /** Which account's view the status came from. */
  statusFrom: string;
  selectors: Trail["selectors"];
  selectorsFrom: string;
  mgmt: MgmtCoverage;
  /** Accounts whose DescribeTrails listed the trail. */
  viewers: string[];
}

export type CandidateOutcome = "covered" | "partial" | "none" | "unknown";

/** A trail or event data store that applies to a cell, and what it contributes. */
export interface Candidate {
  kind: "trail" | "event-data-store";
  arn: string;
  name: string;
  outcome: CandidateOutcome;
  reason: string;
  isOrganization: boolean;
  includeGlobalServiceEvents: boolean;
}

export type CellOutcome = "covered" | "partial" | "uncovered" | "unknown";

export interface CellFacts {
  account: AwsAccount;
  region: AwsRegion;
  outcome: CellOutcome;
  candidates: Candidate[];
}

export interface AwsFacts {
  trails: Map<string, TrailView>;
  accounts: Map<string, AwsAccount>;
  /** Coverage of every entered account × scanned, reachable, enabled region. */
  cells: CellFacts[];
  logGroup(arn: string): LogGroupFact | undefined;
  bucket(name: string): BucketFact | undefined;
  key(arnOrId: string): KeyFact | undefined;
  /** Trails (and other candidates) that apply to an account × region. */
  candidatesFor(account: AwsAccount, region: string): Candidate[];
}

const cache = new WeakMap<Snapshot, AwsFacts>();

/** The derived AWS facts of a snapshot (memoized: every AWS analyzer shares them). */
export function awsFacts(snapshot: Snapshot, now: Date): AwsFacts {
  let f = cache.get(snapshot);
  if (!f) {
    f = derive(snapshot, now);
    cache.set(snapshot, f);
  }
  return f;
}

/** The account's view of a trail covers a region when its DescribeTrails listed it there. */
function listedIn(account: AwsAccount, arn: string, region: string): boolean {
  const r = account.regions.find((x) => x.name === region);
  if (r?.trailArns.includes(arn)) return true;
  return Boolean(account.trails.find((t) => t.arn === arn)?.seenInRegions.includes(region));
}

function regionEnabled(account: AwsAccount | undefined, region: string): boolean | undefined {
  if (account?.access.state !== "ok") return undefined;
  const r = account.regions.find((x) => x.name === region);
  if (!r) return account.regions.length ? false : undefined;
  return r.optInStatus !== "not-opted-in";
}

function mergeTrails(accounts: AwsAccount[]): Map<string, TrailView> {
  const views = new Map<string, { accountId: string; trail: Trail }[]>();
  for (const a of accounts) {
    for (const t of a.trails) views.set(t.arn, [...(views.get(t.arn) ?? []), { accountId: a.accountId, trail: t }]);
  }
  const out = new Map<string, TrailView>();
  for (const [arn, list] of views) {
    const owner = list[0]!.trail.ownerAccountId;
    // Owner's view first: it is the only one that can read an organization trail's selectors.
    const ordered = [...list].sort((a, b) => Number(b.accountId === owner) - Number(a.accountId === owner));
    const primary = ordered[0]!;
    const okStatus = ordered.find((v) => v.trail.status.state === "ok") ?? primary;
    const readSel =
      ordered.find((v) => v.trail.selectors.kind === "basic" || v.trail.selectors.kind === "advanced") ??
      ordered.find((v) => v.trail.selectors.kind === "managed-centrally") ??
      primary;
    const hasCustom = ordered.map((v) => v.trail.hasCustomEventSelectors).find((x) => x !== undefined);
    out.set(arn, {
      arn,
      trail: primary.trail,
      ownerAccountId: owner,
      status: okStatus.trail.status,
      statusFrom: okStatus.accountId,
      selectors: readSel.trail.selectors,
      selectorsFrom: readSel.accountId,
      mgmt: interpretTrailSelectors(readSel.trail.selectors, hasCustom),
      viewers: list.map((v) => v.accountId),
    });
  }
  return out;
}

/** What one trail contributes to a cell. */
export function trailOutcome(view: TrailView): { outcome: CandidateOutcome; reason: string } {
  const name = `trail ${view.trail.name}`;
  if (view.status.state === "error") {
    return { outcome: "unknown", reason: `${name}: status unreadable (${view.status.error.code})` };
  }
  if (!view.status.value.isLogging) {
    const since = view.status.value.stopLoggingTime;
    return { outcome: "none", reason: `${name}: not logging${since ? ` since ${since}` : ""}` };
  }
  switch (view.mgmt.level) {
    case "all":
      return { outcome: "covered", reason: `${name}: ${view.mgmt.reason}` };
    case "partial":
      return { outcome: "partial", reason: `${name}: ${view.mgmt.reason}` };
    case "none":
      return { outcome: "none", reason: `${name}: ${view.mgmt.reason}` };
    case "unknown":
      return { outcome: "unknown", reason: `${name}: ${view.mgmt.reason}` };
  }
}

/** Lake stores that ingest: ENABLED (current API) or STARTED (older consoles). */
const INGESTING = new Set(["ENABLED", "STARTED"]);

function storeOutcome(s: EventDataStore): { outcome: CandidateOutcome; reason: string } {
  const name = `event data store ${s.name}`;
  if (s.error) return { outcome: "unknown", reason: `${name}: unreadable (${s.error.code})` };
  if (!s.status || !INGESTING.has(s.status))
    return { outcome: "none", reason: `${name}: status ${s.status ?? "unknown"}` };
  const mgmt = s.advancedEventSelectors?.length
    ? interpretAdvanced(s.advancedEventSelectors)
    : { level: "all" as const, reason: "default selectors: all management events" };
  const outcome: CandidateOutcome = mgmt.level === "all" ? "covered" : mgmt.level;
  return { outcome, reason: `${name}: ${mgmt.reason}` };
}

function derive(snapshot: Snapshot, _now: Date): AwsFacts {
  const accountsList = snapshot.aws?.accounts ?? [];
  const accounts = new Map(accountsList.map((a) => [a.accountId, a]));
  const trails = mergeTrails(accountsList);
  const orgMgmt = snapshot.aws?.organization?.managementAccountId;

  // Only two kinds of trail can apply to an account: those its own DescribeTrails listed, and the management
  // account's organization trails. Indexing them keeps large estates linear.
  const orgTrails = [...trails.values()].filter((v) => v.trail.isOrganization && v.ownerAccountId === orgMgmt);
  const poolFor = (account: AwsAccount): TrailView[] => {
    const pool = new Map<string, TrailView>();
    for (const t of account.trails) {
      const v = trails.get(t.arn);
      if (v) pool.set(t.arn, v);
    }
    if (orgMgmt !== account.accountId) for (const v of orgTrails) pool.set(v.arn, v);
    return [...pool.values()].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  };
  const pools = new Map<string, TrailView[]>();

  const candidatesFor = (account: AwsAccount, region: string): Candidate[] => {
    const out: Candidate[] = [];
    let pool = pools.get(account.accountId);
    if (!pool) {
      pool = poolFor(account);
      pools.set(account.accountId, pool);
    }
    for (const view of pool) {
      const t = view.trail;
      const own = view.ownerAccountId === account.accountId;
      let applies = listedIn(account, view.arn, region);
      if (!applies && own) applies = t.homeRegion === region || t.isMultiRegion;
      if (!applies && t.isOrganization && orgMgmt === view.ownerAccountId && !own) {
        // From the management account's view: an organization trail reaches every member, in its home region and,
        // when multi-region, in the regions the management account has enabled.
        const owner = accounts.get(view.ownerAccountId);
        applies = t.homeRegion === region || (t.isMultiRegion && regionEnabled(owner, region) === true);
      }
      if (!applies && t.isMultiRegion && account.trails.some((x) => x.arn === view.arn)) {
        // A multi-region trail this account sees reaches every region enabled by default (its owner has them all);
        // opt-in regions count only where listed. Matters for regions --regions left out (global events, us-east-1).
        applies = account.regions.find((r) => r.name === region)?.optInStatus === "opt-in-not-required";
      }
      if (!applies) continue;
      const o = trailOutcome(view);
      out.push({
        kind: "trail",
        arn: view.arn,
        name: t.name,
        ...o,
        isOrganization: t.isOrganization,
        includeGlobalServiceEvents: t.includeGlobalServiceEvents,
      });
    }
    const stores: { store: EventDataStore; owner: AwsAccount }[] = [];
    for (const s of account.eventDataStores) stores.push({ store: s, owner: account });
    const mgmtAccount = orgMgmt && orgMgmt !== account.accountId ? accounts.get(orgMgmt) : undefined;
    for (const s of mgmtAccount?.eventDataStores ?? []) {
      if (s.organizationEnabled) stores.push({ store: s, owner: mgmtAccount! });
    }
    const seen = new Set<string>();
    for (const { store, owner } of stores) {
      if (seen.has(store.arn)) continue;
      seen.add(store.arn);
      const own = owner.accountId === account.accountId;
      const applies =
        store.homeRegion === region ||
        (store.multiRegionEnabled === true && (own || regionEnabled(owner, region) === true));
      if (!applies) continue;
      out.push({
        kind: "event-data-store",
        arn: store.arn,
        name: store.name,
        ...storeOutcome(store),
        isOrganization: store.organizationEnabled === true,
        // Lake stores with management events include global service events.
        includeGlobalServiceEvents: true,
      });
    }
    return out;
  };

  const cells: CellFacts[] = [];
  for (const account of accountsList) {
    if (account.access.state !== "ok") continue;
    for (const region of account.regions) {
      if (!region.scanned || region.error || region.optInStatus === "not-opted-in") continue;
      const candidates = candidatesFor(account, region.name);
      cells.push({ account, region, outcome: cellOutcome(candidates), candidates });
    }
  }

  const groups = new Map<string, LogGroupFact>();
  const buckets = new Map<string, BucketFact>();
  const keys = new Map<string, KeyFact>();
  for (const a of accountsList) {
    for (const g of a.logGroups)
      if (!groups.has(normalizeLogGroupArn(g.arn)) || !g.error) groups.set(normalizeLogGroupArn(g.arn), g);
    for (const b of a.buckets) if (!buckets.has(b.name)) buckets.set(b.name, b);
    for (const k of a.keys) if (!keys.has(k.arn) || !k.error) keys.set(k.arn, k);
  }
  return {
    trails,
    accounts,
    cells,
    candidatesFor,
    logGroup: (arn) => groups.get(normalizeLogGroupArn(arn)),
    bucket: (name) => buckets.get(name),
    key: (id) => keys.get(id) ?? [...keys.values()].find((k) => k.arn.endsWith(`/${id}`)),
  };
}

/** Best of the candidates: covered beats everything; an unknown one keeps the cell unknown rather than partial. */
export function cellOutcome(candidates: readonly Candidate[]): CellOutcome {
  if (candidates.some((c) => c.outcome === "covered")) return "covered";
  if (candidates.some((c) => c.outcome === "unknown")) return "unknown";
  if (candidates.some((c) => c.outcome === "partial")) return "partial";
  return "uncovered";
}

/** Log group ARNs appear with and without the `:*` suffix. */
export function normalizeLogGroupArn(arn: string): string {
  return arn.replace(/:\*$/, "");
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>` parts. */
export function logGroupArnParts(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:[^:]+:logs:([^:]*):(\d{12}):log-group:(.+?)(?::\*)?$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}

/** `arn:aws:kms:<region>:<account>:key/<id>` parts. */
export function kmsArnParts(arn: string): { region: string; account: string } | undefined {
  const m = /^arn:[^:]+:kms:([^:]+):(\d{12}):/.exec(arn);
  return m ? { region: m[1]!, account: m[2]! } : undefined;
}

/** An evidence line. */
export function ev(label: string, value: Evidence["value"], source?: string, at?: string): Evidence {
  return { label, value, ...(source ? { source } : {}), ...(at ? { at } : {}) };
}

import type { Analysis } from "../../analyzers/index.js";
import type { CellStatus, Cloud, FindingStatus, Severity } from "../../src/model/common.js";
import { SEVERITIES } from "../../src/model/common.js";
import type { CoverageCell } from "../../src/model/coverage.js";
import type { Finding } from "../../src/model/finding.js";
import type { ReportSummary } from "../../src/model/report.js";
import type { EventClass, SampleResult, TamperEvent } from "../../src/model/samples.js";
import { type Scope, scopeKey, scopeLabel } from "../../src/model/scope.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { summarize } from "../../src/report/json.js";

/** Delivery proof across every sample: found / sampled of the samples that could be checked. */
export interface DeliveryRatio {
  sampled: number;
  found: number;
  missing: number;
  /** Samples whose source or destination could not be queried: not counted as delivered. */
  unknownSamples: number;
  /** found / sampled; null when nothing was sampled. */
  ratio: number | null;
}

/** One sample result with where it belongs (account-region, subscription or tenant). */
export interface SampleRow {
  key: string;
  cloud: Cloud;
  scope: Scope;
  label: string;
  eventClass: EventClass;
  sample: SampleResult;
  /** Logging changes recorded for the same account / subscription inside the window. */
  tamper: readonly TamperEvent[];
}

/** The AWS heatmap: accounts × regions. */
export interface Heatmap {
  accounts: readonly { accountId: string; name?: string }[];
  regions: readonly string[];
  /** `${accountId} ${region}` → cell. Missing = the account does not list that region. */
  cells: ReadonlyMap<string, CoverageCell>;
}

/** An Azure subscription cell with its display name. */
export interface AzureCell {
  cell: CoverageCell;
  name: string;
}

/** Everything the views show that does not change while the user navigates. */
export interface Derived {
  summary: ReportSummary;
  delivery: DeliveryRatio;
  heatmap: Heatmap;
  azure: readonly AzureCell[];
  samples: readonly SampleRow[];
  /** Samples with missing events (most missing first), then samples that could not be checked. */
  topBlindSpots: readonly SampleRow[];
  /** Every sample: blind spots first, then unchecked, then fully delivered. */
  rankedSamples: readonly SampleRow[];
  findingsById: ReadonlyMap<string, Finding>;
  /** Lower-case text per finding for `/` filtering, computed once. */
  haystack: ReadonlyMap<string, string>;
}

/** Derives the view model from a snapshot and its analysis. */
export function derive(snapshot: Snapshot, analysis: Analysis): Derived {
  const samples = collectSamples(snapshot);
  const top = topBlindSpots(samples);
  const inTop = new Set(top.map((r) => r.key));
  const haystack = new Map<string, string>();
  const findingsById = new Map<string, Finding>();
  for (const f of analysis.findings) {
    findingsById.set(f.id, f);
    haystack.set(f.id, findingText(f));
  }
  return {
    summary: summarize(analysis),
    delivery: deliveryRatio(samples.map((s) => s.sample)),
    heatmap: buildHeatmap(snapshot, analysis.coverage),
    azure: azureCells(snapshot, analysis.coverage),
    samples,
    topBlindSpots: top,
    rankedSamples: [...top, ...samples.filter((r) => !inTop.has(r.key))],
    findingsById,
    haystack,
  };
}

function findingText(f: Finding): string {
  return [f.id, f.checkId, f.title, f.resource, f.severity, f.status, f.cloud, scopeLabel(f.scope), scopeKey(f.scope)]
    .join(" ")
    .toLowerCase();
}

/** Sums sampled/found over samples that could be checked; unknown samples are counted apart (fail closed). */
export function deliveryRatio(samples: readonly SampleResult[]): DeliveryRatio {
  let sampled = 0;
  let found = 0;
  let unknownSamples = 0;
  for (const s of samples) {
    if (s.state === "unknown") {
      unknownSamples++;
      continue;
    }
    sampled += s.sampled;
    found += s.found;
  }
  return { sampled, found, missing: sampled - found, unknownSamples, ratio: sampled === 0 ? null : found / sampled };
}

/** Every sample result of the snapshot, AWS first, with its scope and the tamper events of its account/subscription. */
export function collectSamples(snapshot: Snapshot): SampleRow[] {
  const rows: SampleRow[] = [];
  for (const account of snapshot.aws?.accounts ?? []) {
    for (const sample of account.samples) {
      const scope: Scope = { cloud: "aws", accountId: account.accountId, region: sample.region };
      const tamper = account.tamper.filter((t) => !sample.region || !t.region || t.region === sample.region);
      rows.push(row(scope, sample, tamper, account.name));
    }
  }
  for (const sub of snapshot.azure?.subscriptions ?? []) {
    for (const sample of sub.samples) {
      const scope: Scope = { cloud: "azure", subscriptionId: sub.subscriptionId, tenantId: sub.tenantId };
      rows.push(row(scope, sample, sub.tamper, sub.displayName));
    }
  }
  for (const tenant of snapshot.azure?.tenants ?? []) {
    for (const sample of tenant.samples) {
      rows.push(row({ cloud: "azure", tenantId: tenant.tenantId }, sample, [], undefined));
    }
  }
  return rows;
}

function row(scope: Scope, sample: SampleResult, tamper: readonly TamperEvent[], name: string | undefined): SampleRow {
  const base = scopeLabel(scope);
  return {
    key: `${scopeKey(scope)} ${sample.eventClass}`,
    cloud: scope.cloud,
    scope,
    label: name ? `${base} (${name})` : base,
    eventClass: sample.eventClass,
    sample,
    tamper,
  };
}

/** Samples with missing events (most first), then samples that could not be checked. */
export function topBlindSpots(samples: readonly SampleRow[]): SampleRow[] {
  const missing = samples
    .filter((s) => s.sample.state === "ok" && s.sample.sampled > s.sample.found)
    .sort((a, b) => b.sample.sampled - b.sample.found - (a.sample.sampled - a.sample.found) || cmp(a.key, b.key));
  const unknown = samples.filter((s) => s.sample.state === "unknown");
  return [...missing, ...unknown];
}

/** Accounts × regions from the AWS coverage cells; regions in name order with us-east-1 first (global events). */
export function buildHeatmap(snapshot: Snapshot, coverage: readonly CoverageCell[]): Heatmap {
  const names = new Map((snapshot.aws?.accounts ?? []).map((a) => [a.accountId, a.name]));
  const accounts: { accountId: string; name?: string }[] = [];
  const seenAccounts = new Set<string>();
  const regions = new Set<string>();
  const cells = new Map<string, CoverageCell>();
  for (const cell of coverage) {
    if (cell.scope.cloud !== "aws") continue;
    const { accountId, region } = cell.scope;
    if (!seenAccounts.has(accountId)) {
      seenAccounts.add(accountId);
      accounts.push({ accountId, name: names.get(accountId) });
    }
    if (!region) continue;
    regions.add(region);
    cells.set(`${accountId} ${region}`, cell);
  }
  const sorted = [...regions].sort((a, b) => (a === "us-east-1" ? -1 : b === "us-east-1" ? 1 : cmp(a, b)));
  return { accounts, regions: sorted, cells };
}

/** Azure subscription cells with display names. */
export function azureCells(snapshot: Snapshot, coverage: readonly CoverageCell[]): AzureCell[] {
  const names = new Map((snapshot.azure?.subscriptions ?? []).map((s) => [s.subscriptionId, s.displayName]));
  return coverage
    .filter((c) => c.scope.cloud === "azure")
    .map((cell) => {
      const id = cell.scope.cloud === "azure" ? (cell.scope.subscriptionId ?? cell.scope.tenantId ?? "?") : "?";
      return { cell, name: names.get(id) ?? id };
    });
}

const DIRECTION: Record<string, string> = {
  north: "n",
  south: "s",
  east: "e",
  west: "w",
  central: "c",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
};

/** Short region code for heatmap columns: `us-east-1` → `use1`, `ap-northeast-1` → `apne1`, `us-gov-west-1` → `usgw1`. */
export function regionCode(region: string): string {
  const parts = region.split("-");
  if (parts.length < 3) return region;
  const [geo, ...rest] = parts;
  const num = rest.pop() ?? "";
  return `${geo}${rest.map((p) => DIRECTION[p] ?? p.charAt(0)).join("")}${num}`;
}

/** Status filter choices, in cycle order. */
export const STATUS_FILTERS = ["all", "open", "fail", "unknown", "muted", "pass"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
/** Severity filter: "at least" this severity. */
export const SEVERITY_FILTERS = ["all", "critical", "high", "medium", "low"] as const;
export type SeverityFilter = (typeof SEVERITY_FILTERS)[number];
export const CLOUD_FILTERS = ["all", "aws", "azure"] as const;
export type CloudFilter = (typeof CLOUD_FILTERS)[number];
export const SORTS = ["default", "severity", "check", "scope", "resource"] as const;
export type SortKey = (typeof SORTS)[number];

/** A drill-down into one heatmap cell (or `:region`, `:account`, `:sub`). */
export interface ScopeFilter {
  label: string;
  /** Finding ids the cell names (its non-covered reasons). */
  ids?: ReadonlySet<string>;
  /** Scope keys whose findings belong (exact). */
  scopeKeys?: ReadonlySet<string>;
  region?: string;
  accountId?: string;
  subscriptionId?: string;
}

/** What narrows the findings list. */
export interface FindingQuery {
  text: string;
  severity: SeverityFilter;
  cloud: CloudFilter;
  status: StatusFilter;
  sort: SortKey;
  scope?: ScopeFilter;
}

/** Parses the `/` text: a leading `!` inverts the match. */
export function parseFilterText(text: string): { needle: string; inverted: boolean } {
  const inverted = text.startsWith("!");
  return { needle: (inverted ? text.slice(1) : text).trim().toLowerCase(), inverted };
}

function statusMatches(filter: StatusFilter, status: FindingStatus): boolean {
  if (filter === "all") return true;
  if (filter === "open") return status === "fail" || status === "unknown";
  return status === filter;
}

function severityMatches(filter: SeverityFilter, severity: Severity): boolean {
  return filter === "all" || SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(filter);
}

/** True when a finding is inside a drill-down scope. */
export function scopeMatches(scope: ScopeFilter, f: Finding): boolean {
  if (scope.ids?.has(f.id)) return true;
  if (scope.scopeKeys?.has(scopeKey(f.scope))) return true;
  if (scope.region !== undefined) return f.scope.cloud === "aws" && f.scope.region === scope.region;
  if (scope.accountId !== undefined) return f.scope.cloud === "aws" && f.scope.accountId === scope.accountId;
  if (scope.subscriptionId !== undefined) {
    return f.scope.cloud === "azure" && f.scope.subscriptionId?.toLowerCase() === scope.subscriptionId.toLowerCase();
  }
  return false;
}

/** Filters and sorts findings for the list. Pure; O(n) per call, no allocation per finding beyond the result. */
export function queryFindings(
  findings: readonly Finding[],
  haystack: ReadonlyMap<string, string>,
  q: FindingQuery,
): Finding[] {
  const { needle, inverted } = parseFilterText(q.text);
  const out: Finding[] = [];
  for (const f of findings) {
    if (!statusMatches(q.status, f.status)) continue;
    if (!severityMatches(q.severity, f.severity)) continue;
    if (q.cloud !== "all" && f.cloud !== q.cloud) continue;
    if (q.scope && !scopeMatches(q.scope, f)) continue;
    if (needle) {
      const hit = (haystack.get(f.id) ?? "").includes(needle);
      if (hit === inverted) continue;
    }
    out.push(f);
  }
  return sortFindings(out, q.sort);
}

/** Sorts in place and returns the array; `default` keeps the analysis order (status, severity, check, resource). */
export function sortFindings(list: Finding[], sort: SortKey): Finding[] {
  const sev = (f: Finding) => SEVERITIES.indexOf(f.severity);
  switch (sort) {
    case "default":
      return list;
    case "severity":
      return list.sort((a, b) => sev(a) - sev(b) || cmp(a.checkId, b.checkId) || cmp(a.id, b.id));
    case "check":
      return list.sort((a, b) => cmp(a.checkId, b.checkId) || sev(a) - sev(b) || cmp(a.id, b.id));
    case "scope":
      return list.sort((a, b) => cmp(scopeKey(a.scope), scopeKey(b.scope)) || sev(a) - sev(b) || cmp(a.id, b.id));
    case "resource":
      return list.sort((a, b) => cmp(a.resource, b.resource) || cmp(a.id, b.id));
  }
}

/** Which days of a window StopLogging-style tamper events kept logging off (inclusive), as `YYYY-MM-DD`. */
export function tamperDays(tamper: readonly TamperEvent[], windowEnd: string): Set<string> {
  const days = new Set<string>();
  for (const t of tamper) {
    const start = Date.parse(t.time);
    const end = Date.parse(t.resumedAt ?? windowEnd);
    if (Number.isNaN(start)) continue;
    const stop = Number.isNaN(end) ? start : Math.max(start, end);
    for (let d = Date.UTC(...ymd(start)); d <= stop; d += 86_400_000) {
      days.add(new Date(d).toISOString().slice(0, 10));
    }
  }
  return days;
}

function ymd(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}

/** Percent with one decimal: 0.8333 → "83.3%"; null → "n/a". */
export function percent(ratio: number | null): string {
  if (ratio === null) return "n/a";
  return `${(Math.floor(ratio * 1000) / 10).toFixed(1)}%`;
}

/** Code-unit order (locale-independent). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts cells by status (for legends). */
export function countCells(cells: Iterable<CoverageCell>): Record<CellStatus, number> {
  const out: Record<CellStatus, number> = { covered: 0, partial: 0, uncovered: 0, unknown: 0, "n/a": 0 };
  for (const c of cells) out[c.status]++;
  return out;
}

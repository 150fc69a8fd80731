import { type Analysis, compareFindings } from "../../analyzers/index.js";
import { CHECKS, type CheckDefinition, getCheck } from "../model/checks.js";
import type { ApiError, CellStatus, Cloud, FindingStatus, Severity } from "../model/common.js";
import type { CoverageCell } from "../model/coverage.js";
import type { Finding } from "../model/finding.js";
import type { ReportSummary } from "../model/report.js";
import type { EventClass, SampleResult, TamperEvent } from "../model/samples.js";
import { type Scope, scopeKey, scopeLabel } from "../model/scope.js";
import type { Snapshot } from "../model/snapshot.js";
import { summarize } from "./json.js";

/** One sampling result with where it was taken. */
export interface BlindSpotRow {
  scope: Scope;
  scopeKey: string;
  sample: SampleResult;
  /** missing / sampled for this row; null when nothing was sampled or the state is unknown. */
  ratio: number | null;
}

/** Blind-spot totals over every `ok` sample of the snapshot. */
export interface BlindSpotSummary {
  sampled: number;
  found: number;
  missing: number;
  /** (sampled - found) / sampled; null when nothing was sampled. */
  ratio: number | null;
  /** Samples whose source or destination could not be queried. */
  unknown: number;
  byClass: Record<EventClass, { sampled: number; found: number; missing: number }>;
  rows: BlindSpotRow[];
}

/** One entry of the tamper/gap timeline. */
export type TimelineEntry =
  | { kind: "tamper"; time: string; scope: Scope; scopeKey: string; event: TamperEvent }
  | { kind: "gap"; time: string; scope: Scope; scopeKey: string; day: string; source: number; eventClass: EventClass };

/** Result of one control over every finding of the checks mapped to it. */
export type ControlResult = "fail" | "unknown" | "muted" | "pass" | "not evaluated";

export interface ControlRow {
  control: string;
  result: ControlResult;
  checks: string[];
  counts: Record<FindingStatus, number>;
}

/** What could not be verified, in one line each. */
export interface UnknownItem {
  scopeKey: string;
  what: string;
  reason: string;
}

/** Everything the writers share, derived once from the snapshot and the analysis. Pure and deterministic. */
export interface ReportModel {
  snapshot: Snapshot;
  analysis: Analysis;
  summary: ReportSummary;
  /** The sampling window: from the samples, else [finishedAt - sampleDays, finishedAt]. */
  window: { start: string; end: string };
  blindSpots: BlindSpotSummary;
  timeline: TimelineEntry[];
  controls: ControlRow[];
  unknowns: UnknownItem[];
  /** Display names for accounts and subscriptions (as the cloud reported them: untrusted text). */
  names: Map<string, string>;
  scope: {
    awsAccounts: number;
    awsAccountsEntered: number;
    awsRegions: number;
    azureSubscriptions: number;
    azureSubscriptionsRead: number;
    azureTenants: number;
  };
}

const EVENT_CLASSES: readonly EventClass[] = ["privileged", "failed-login", "root"];
const STATUS_ORDER: readonly FindingStatus[] = ["fail", "unknown", "muted", "pass"];

/** Code-unit order: the same on every machine and locale. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds the shared model. Sorts its own copy, so callers (TUI export, scan) may pass findings in any order. */
export function buildReportModel(snapshot: Snapshot, input: Analysis): ReportModel {
  const analysis: Analysis = {
    findings: [...input.findings].sort(compareFindings),
    coverage: [...input.coverage].sort((a, b) => cmp(scopeKey(a.scope), scopeKey(b.scope))),
  };
  const rows: BlindSpotRow[] = [];
  const timeline: TimelineEntry[] = [];
  const names = new Map<string, string>();
  const unknowns: UnknownItem[] = [];

  const addSamples = (scope: Scope, samples: readonly SampleResult[]) => {
    for (const sample of samples) {
      const s: Scope = scope.cloud === "aws" && sample.region ? { ...scope, region: sample.region } : scope;
      const key = scopeKey(s);
      rows.push({
        scope: s,
        scopeKey: key,
        sample,
        ratio: sample.state === "ok" && sample.sampled > 0 ? (sample.sampled - sample.found) / sample.sampled : null,
      });
      for (const d of sample.perDay) {
        if (d.source > 0 && d.siem === 0) {
          timeline.push({
            kind: "gap",
            time: `${d.day}T00:00:00.000Z`,
            scope: s,
            scopeKey: key,
            day: d.day,
            source: d.source,
            eventClass: sample.eventClass,
          });
        }
      }
      if (sample.state === "unknown") {
        unknowns.push({
          scopeKey: key,
          what: `blind-spot sample (${sample.eventClass})`,
          reason: sample.error ? errorText(sample.error) : "source or destination could not be queried",
        });
      }
    }
  };
  const addTamper = (scope: Scope, events: readonly TamperEvent[]) => {
    for (const event of events) {
      const s: Scope = scope.cloud === "aws" && event.region ? { ...scope, region: event.region } : scope;
      timeline.push({ kind: "tamper", time: event.time, scope: s, scopeKey: scopeKey(s), event });
    }
  };

  let awsRegions = 0;
  let entered = 0;
  for (const account of snapshot.aws?.accounts ?? []) {
    const scope: Scope = { cloud: "aws", accountId: account.accountId };
    if (account.name) names.set(scopeKey(scope), account.name);
    if (account.access.state === "ok") entered++;
    awsRegions += account.regions.filter((r) => r.scanned).length;
    addSamples(scope, account.samples);
    addTamper(scope, account.tamper);
    for (const e of account.errors) {
      unknowns.push({ scopeKey: scopeKey(scope), what: `${e.service}:${e.operation}`, reason: errorText(e) });
    }
  }
  let read = 0;
  for (const sub of snapshot.azure?.subscriptions ?? []) {
    const scope: Scope = { cloud: "azure", subscriptionId: sub.subscriptionId, tenantId: sub.tenantId };
    if (sub.displayName) names.set(scopeKey(scope), sub.displayName);
    if (sub.access.state === "ok") read++;
    addSamples(scope, sub.samples);
    addTamper(scope, sub.tamper);
    for (const e of sub.errors) {
      unknowns.push({ scopeKey: scopeKey(scope), what: `${e.service}:${e.operation}`, reason: errorText(e) });
    }
  }
  for (const tenant of snapshot.azure?.tenants ?? []) {
    addSamples({ cloud: "azure", tenantId: tenant.tenantId }, tenant.samples);
  }

  rows.sort(
    (a, b) =>
      cmp(a.scopeKey, b.scopeKey) ||
      EVENT_CLASSES.indexOf(a.sample.eventClass) - EVENT_CLASSES.indexOf(b.sample.eventClass) ||
      cmp(a.sample.window.start, b.sample.window.start),
  );
  timeline.sort((a, b) => cmp(a.time, b.time) || cmp(a.scopeKey, b.scopeKey) || cmp(timelineId(a), timelineId(b)));

  const byClass = Object.fromEntries(EVENT_CLASSES.map((c) => [c, { sampled: 0, found: 0, missing: 0 }])) as Record<
    EventClass,
    { sampled: number; found: number; missing: number }
  >;
  let sampled = 0;
  let found = 0;
  let unknownSamples = 0;
  for (const r of rows) {
    if (r.sample.state !== "ok") {
      unknownSamples++;
      continue;
    }
    sampled += r.sample.sampled;
    found += r.sample.found;
    const c = byClass[r.sample.eventClass];
    c.sampled += r.sample.sampled;
    c.found += r.sample.found;
    c.missing += r.sample.sampled - r.sample.found;
  }

  for (const cell of analysis.coverage) {
    if (cell.status === "unknown") {
      unknowns.push({ scopeKey: scopeKey(cell.scope), what: "coverage cell", reason: cell.reasons.join("; ") });
    }
  }
  for (const f of analysis.findings) {
    if (f.status === "unknown") {
      unknowns.push({ scopeKey: scopeKey(f.scope), what: f.checkId, reason: f.title });
    }
  }
  unknowns.sort((a, b) => cmp(a.scopeKey, b.scopeKey) || cmp(a.what, b.what) || cmp(a.reason, b.reason));

  return {
    snapshot,
    analysis,
    summary: summarize(analysis),
    window: sampleWindow(snapshot, rows),
    blindSpots: {
      sampled,
      found,
      missing: sampled - found,
      ratio: sampled === 0 ? null : (sampled - found) / sampled,
      unknown: unknownSamples,
      byClass,
      rows,
    },
    timeline,
    controls: controlRows(analysis.findings),
    unknowns,
    names,
    scope: {
      awsAccounts: snapshot.aws?.accounts.length ?? 0,
      awsAccountsEntered: entered,
      awsRegions,
      azureSubscriptions: snapshot.azure?.subscriptions.length ?? 0,
      azureSubscriptionsRead: read,
      azureTenants: snapshot.azure?.tenants.length ?? 0,
    },
  };
}

function timelineId(e: TimelineEntry): string {
  return e.kind === "tamper" ? `t:${e.event.eventId}` : `g:${e.eventClass}`;
}

function sampleWindow(snapshot: Snapshot, rows: readonly BlindSpotRow[]): { start: string; end: string } {
  if (rows.length > 0) {
    let start = rows[0]!.sample.window.start;
    let end = rows[0]!.sample.window.end;
    for (const r of rows) {
      if (r.sample.window.start < start) start = r.sample.window.start;
      if (r.sample.window.end > end) end = r.sample.window.end;
    }
    return { start, end };
  }
  const end = snapshot.finishedAt;
  const start = new Date(Date.parse(end) - snapshot.options.sampleDays * 86_400_000).toISOString();
  return { start, end };
}

/** Per-control results: fail beats unknown beats muted beats pass; no finding at all is "not evaluated". */
export function controlRows(findings: readonly Finding[]): ControlRow[] {
  const byControl = new Map<string, ControlRow>();
  const row = (control: string): ControlRow => {
    let r = byControl.get(control);
    if (!r) {
      r = { control, result: "not evaluated", checks: [], counts: { fail: 0, unknown: 0, muted: 0, pass: 0 } };
      byControl.set(control, r);
    }
    return r;
  };
  for (const check of CHECKS) for (const c of check.controls) row(c).checks.push(check.id);
  for (const f of findings) for (const c of f.controls) row(c).counts[f.status]++;
  for (const r of byControl.values()) {
    r.checks.sort(cmp);
    const first = STATUS_ORDER.find((s) => r.counts[s] > 0);
    r.result = first ?? "not evaluated";
  }
  return [...byControl.values()].sort((a, b) => cmp(a.control, b.control));
}

/** `AccessDenied: message (sts:AssumeRole)` */
export function errorText(e: ApiError): string {
  return `${e.code}: ${e.message} (${e.service}:${e.operation})`;
}

/** `1 sample`, `2 samples`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Percentage with one decimal, or "n/a". */
export function percent(ratio: number | null): string {
  if (ratio === null) return "n/a";
  return `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`;
}

/** Scope label with the account/subscription display name when known. */
export function scopeName(model: ReportModel, scope: Scope): string {
  const base = scopeLabel(scope);
  const key =
    scope.cloud === "aws"
      ? scopeKey({ cloud: "aws", accountId: scope.accountId })
      : scopeKey({ cloud: "azure", subscriptionId: scope.subscriptionId, tenantId: scope.tenantId });
  const name = model.names.get(key);
  return name ? `${base} (${name})` : base;
}

/** The check definition for a finding, with a fallback for ids this version does not know. */
export function checkOf(checkId: string): CheckDefinition {
  return (
    getCheck(checkId) ?? {
      id: checkId,
      cloud: checkId.startsWith("azure.") ? "azure" : "aws",
      severity: "info",
      title: checkId,
      description: checkId,
      evidence: "",
      controls: [],
      remediation: "",
    }
  );
}

/** Matrix shape for the heatmap and the Markdown table: rows (accounts / subscriptions) x columns (regions). */
export interface Matrix {
  cloud: Cloud;
  columns: string[];
  rows: { key: string; label: string; cells: (CoverageCell | undefined)[] }[];
}

/** AWS: one row per account, one column per region seen; Azure: one row per subscription or tenant, one column. */
export function coverageMatrices(model: ReportModel): Matrix[] {
  const out: Matrix[] = [];
  const aws = model.analysis.coverage.filter((c) => c.scope.cloud === "aws");
  if (aws.length > 0) {
    const regions = [...new Set(aws.map((c) => (c.scope.cloud === "aws" ? (c.scope.region ?? "*") : "")))].sort(cmp);
    const accounts = new Map<string, CoverageCell[]>();
    for (const c of aws) {
      if (c.scope.cloud !== "aws") continue;
      const list = accounts.get(c.scope.accountId) ?? [];
      list.push(c);
      accounts.set(c.scope.accountId, list);
    }
    out.push({
      cloud: "aws",
      columns: regions,
      rows: [...accounts.keys()].sort(cmp).map((id) => {
        const cells = accounts.get(id) ?? [];
        const name = model.names.get(scopeKey({ cloud: "aws", accountId: id }));
        return {
          key: `aws/${id}`,
          label: name ? `${id} (${name})` : id,
          cells: regions.map((r) => cells.find((c) => c.scope.cloud === "aws" && (c.scope.region ?? "*") === r)),
        };
      }),
    });
  }
  const azure = model.analysis.coverage.filter((c) => c.scope.cloud === "azure");
  if (azure.length > 0) {
    out.push({
      cloud: "azure",
      columns: ["activity log"],
      rows: [...azure]
        .sort((a, b) => cmp(scopeKey(a.scope), scopeKey(b.scope)))
        .map((c) => ({ key: scopeKey(c.scope), label: scopeName(model, c.scope), cells: [c] })),
    });
  }
  return out;
}

/** Findings of one status, in the analyzers' order (severity, check, resource). */
export function findingsWith(model: ReportModel, status: FindingStatus): Finding[] {
  return model.analysis.findings.filter((f) => f.status === status);
}

/** Severity words in display order. */
export const SEVERITY_WORDS: readonly Severity[] = ["critical", "high", "medium", "low", "info"];
export const CELL_STATUSES: readonly CellStatus[] = ["covered", "partial", "uncovered", "unknown", "n/a"];

/**
 * How long logging was off after a stop or delete, in words ("still off" when it never resumed); "" for changes
 * that do not stop logging (UpdateTrail, PutEventSelectors, ...).
 */
export function offFor(event: TamperEvent, end: string): string {
  if (!/stop|delete/i.test(event.name)) return "";
  const from = Date.parse(event.time);
  const to = Date.parse(event.resumedAt ?? end);
  const minutes = Math.max(0, Math.round((to - from) / 60_000));
  const text =
    minutes < 120
      ? `${minutes} min`
      : minutes < 2880
        ? `${Math.round(minutes / 60)} h`
        : `${Math.round(minutes / 1440)} d`;
  return event.resumedAt ? text : `${text} (still off at scan end)`;
}

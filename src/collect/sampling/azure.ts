/**
 * Azure blind-spot sampling. The subscription's Activity Log (`activityLogs.list` over the window, filtered on the
 * privileged operations client-side because `$filter` cannot name operations) is the source of truth; each
 * operation's correlation id is looked up in the Log Analytics workspace its diagnostic setting exports to
 * (`AzureActivity | where CorrelationId in (...)`), or in a `--siem-export` file. Per-day counts come from the
 * activity log and `summarize count() by bin(TimeGenerated, 1d)`. Diagnostic setting writes/deletes are tamper
 * events. The oldest AzureActivity row of the workspace proves retention. Failed sign-ins (tenant): counted in the
 * workspaces the Entra ID settings export SignInLogs to.
 *
 * Every query takes a token of the shared Log Analytics bucket (200 queries / 30 s) and is retried when throttled.
 */
import type { MonitorClient } from "@azure/arm-monitor";
import type { LogsQueryClient, LogsTable } from "@azure/monitor-query-logs";
import type { ApiError, Probe } from "../../model/common.js";
import type { ScanEventSink } from "../../model/events.js";
import type { Destination, OldestEvent, SampleResult, TamperEvent } from "../../model/samples.js";
import type { DiagnosticSetting, Workspace } from "../../model/snapshot-azure.js";
import { LOG_ANALYTICS_LIMIT, retryThrottled, TokenBucket } from "../../scan/token-bucket.js";
import { toApiError } from "../errors.js";
import { chunks, DAY_MS, dayOf, daysIn, type SourceEvent, spreadSample, toMissing } from "./common.js";
import { isAzurePrivileged, isAzureTamper } from "./names.js";
import type { SiemExport } from "./siem-export.js";

/** The categories CIS requires an export to carry; an `allLogs` group carries all. */
const ACTIVITY_SELECT = [
  "eventTimestamp",
  "correlationId",
  "eventDataId",
  "operationName",
  "status",
  "caller",
  "httpRequest",
  "claims",
  "category",
  "resourceId",
  "subscriptionId",
].join(",");

export interface SampleAzureSubscriptionInput {
  subscriptionId: string;
  /** arm-monitor client of this subscription. */
  monitor: MonitorClient;
  /** Log Analytics query client (one per scan is enough). */
  logs: LogsQueryClient;
  /** The subscription's diagnostic settings as the collector read them. */
  diagnosticSettings?: Probe<DiagnosticSetting[]>;
  /** Workspaces the collector read (ARM id → customerId). */
  workspaces: readonly Workspace[];
  window: { start: Date; end: Date };
  /**
   * Where changes to the export are looked up (`resourceProvider eq` Microsoft.Insights / Microsoft.OperationalInsights,
   * cheap). Default: the whole Activity Log (90 days back from `window.end`).
   */
  tamperWindow?: { start: Date; end: Date };
  sampleMax: number;
  /** Log Analytics rate gate shared by the whole scan (200 queries / 30 s). */
  gate?: TokenBucket;
  siemExport?: SiemExport;
  /** Workspaces whose oldest event was already read in this scan (shared across subscriptions). */
  provenWorkspaces?: Set<string>;
  retentionProof?: boolean;
  emit?: ScanEventSink;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface WorkspaceOldest {
  workspaceId: string;
  oldestEvent: OldestEvent;
}

export interface AzureSubscriptionSamplingResult {
  samples: SampleResult[];
  tamper: TamperEvent[];
  oldestEvents: WorkspaceOldest[];
  /** Tamper listings that failed (tampering unverifiable); `applyAzureSubscriptionSampling` adds them to `errors`. */
  errors: ApiError[];
}

export interface SampleAzureTenantInput {
  tenantId: string;
  logs: LogsQueryClient;
  entraDiagnosticSettings?: Probe<DiagnosticSetting[]>;
  workspaces: readonly Workspace[];
  window: { start: Date; end: Date };
  gate?: TokenBucket;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface AzureTenantSamplingResult {
  samples: SampleResult[];
}

/** A new Log Analytics gate (share one per scan). */
export function logAnalyticsGate(): TokenBucket {
  return new TokenBucket(LOG_ANALYTICS_LIMIT);
}

interface ActivityRecord {
  correlationId: string;
  eventDataId?: string;
  operation: string;
  status?: string;
  category?: string;
  time: Date;
  caller?: string;
  ip?: string;
  resourceId?: string;
}

function toRecord(e: {
  correlationId?: string;
  eventDataId?: string;
  operationName?: { value?: string };
  status?: { value?: string };
  category?: { value?: string };
  eventTimestamp?: Date;
  caller?: string;
  httpRequest?: { clientIpAddress?: string };
  claims?: Record<string, string>;
  resourceId?: string;
}): ActivityRecord | undefined {
  const op = e.operationName?.value;
  if (!e.correlationId || !op || !e.eventTimestamp) return undefined;
  return {
    correlationId: e.correlationId,
    ...(e.eventDataId ? { eventDataId: e.eventDataId } : {}),
    operation: op,
    ...(e.status?.value ? { status: e.status.value } : {}),
    ...(e.category?.value ? { category: e.category.value } : {}),
    time: new Date(e.eventTimestamp),
    ...(e.caller ? { caller: e.caller } : {}),
    ...((e.httpRequest?.clientIpAddress ?? e.claims?.ipaddr)
      ? { ip: e.httpRequest?.clientIpAddress ?? e.claims?.ipaddr }
      : {}),
    ...(e.resourceId ? { resourceId: e.resourceId } : {}),
  };
}

/** The workspace a subscription's Activity Log export targets, and the categories it carries. */
function exportTarget(settings: DiagnosticSetting[]): {
  workspaceId?: string;
  categories: Set<string> | "all";
  otherDestination: boolean;
} {
  for (const s of settings) {
    if (!s.workspaceId) continue;
    const enabled = s.logs.filter((l) => l.enabled);
    const all = enabled.some((l) => (l.categoryGroup ?? "").toLowerCase() === "alllogs");
    return {
      workspaceId: s.workspaceId,
      categories: all ? "all" : new Set(enabled.map((l) => (l.category ?? "").toLowerCase())),
      otherDestination: false,
    };
  }
  const other = settings.some((s) => s.storageAccountId || s.eventHubAuthorizationRuleId || s.marketplacePartnerId);
  return { categories: new Set(), otherDestination: other };
}

async function query(
  logs: LogsQueryClient,
  customerId: string,
  kql: string,
  timespan: { startTime: Date; endTime: Date },
  gate: TokenBucket | undefined,
  signal: AbortSignal | undefined,
): Promise<LogsTable> {
  const res = await retryThrottled(
    async () => {
      const release = gate ? await gate.take(signal) : undefined;
      try {
        return await logs.queryWorkspace(customerId, kql, timespan, { abortSignal: signal });
      } finally {
        release?.();
      }
    },
    { signal },
  );
  if (res.status !== "Success") {
    const e = res.partialError;
    throw Object.assign(new Error(e?.message ?? "partial failure"), { code: e?.code ?? "PartialFailure" });
  }
  return res.tables[0] ?? { name: "PrimaryResult", columnDescriptors: [], rows: [] };
}

function column(t: LogsTable, name: string): number {
  return t.columnDescriptors.findIndex((c) => c.name === name);
}

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === "string" || typeof v === "number") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

const kqlString = (s: string) => JSON.stringify(s);

/**
 * Samples one subscription. Never throws for API errors: an unreadable activity log or workspace is `unknown`.
 */
export async function sampleAzureSubscription(
  input: SampleAzureSubscriptionInput,
): Promise<AzureSubscriptionSamplingResult> {
  const now = input.now ?? (() => new Date());
  const window = { start: input.window.start.toISOString(), end: input.window.end.toISOString() };
  const source = { service: "arm", operation: "activityLogs.list" };
  const days = daysIn(input.window.start, input.window.end);

  // 1. The source: every record of the window.
  const records: ActivityRecord[] = [];
  let sourceError: ApiError | undefined;
  try {
    // The API refuses a start older than 90 days: keep a few minutes of margin for the request's travel.
    const oldest = input.window.end.getTime() - 90 * DAY_MS + 5 * 60_000;
    const from = new Date(Math.max(input.window.start.getTime(), oldest)).toISOString();
    const filter = `eventTimestamp ge '${from}' and eventTimestamp le '${window.end}'`;
    for await (const e of input.monitor.activityLogs.list(filter, {
      select: ACTIVITY_SELECT,
      abortSignal: input.signal,
    })) {
      const r = toRecord(e);
      if (r) records.push(r);
    }
  } catch (err) {
    sourceError = toApiError(err, "arm", "activityLogs.list", now());
  }

  // 2. Privileged operations, one per correlation id (the final status record names the outcome).
  const ops = new Map<string, SourceEvent & { status?: string }>();
  for (const r of records.sort((a, b) => a.time.getTime() - b.time.getTime())) {
    if (!isAzurePrivileged(r.operation)) continue;
    const cur = ops.get(r.correlationId);
    if (!cur) {
      ops.set(r.correlationId, {
        id: r.correlationId,
        altIds: r.eventDataId ? [r.eventDataId] : [],
        time: r.time,
        name: r.operation,
        ...(r.caller ? { actor: r.caller } : {}),
        ...(r.ip ? { sourceIp: r.ip } : {}),
        ...(r.status ? { status: r.status } : {}),
      });
    } else if (r.eventDataId) cur.altIds?.push(r.eventDataId);
  }
  const { picked, capped } = spreadSample([...ops.values()], input.sampleMax);

  // 3. Tampering: changes to the export itself, over the whole retained Activity Log.
  const { tamper, errors } = await listTamper(input, records, now);

  const base = { eventClass: "privileged" as const, window, source, capped };
  if (sourceError) {
    return {
      samples: [
        {
          ...base,
          destination: null,
          state: "unknown",
          error: sourceError,
          sampled: 0,
          found: 0,
          missing: [],
          perDay: [],
        },
      ],
      tamper,
      oldestEvents: [],
      errors,
    };
  }

  // 4. The destination.
  let destination: Destination | null = null;
  let probeError: ApiError | undefined;
  let found = new Set<string>();
  let siemPerDay: Map<string, number> | undefined;
  let categories: Set<string> | "all" = "all";
  let customerId: string | undefined;
  let workspaceArmId: string | undefined;
  if (input.siemExport) {
    const x = input.siemExport;
    destination = { kind: "siem-export", id: x.name };
    found = new Set(picked.filter((e) => x.ids.has(e.id) || e.altIds?.some((a) => x.ids.has(a))).map((e) => e.id));
  } else if (input.diagnosticSettings?.state === "error") {
    probeError = input.diagnosticSettings.error;
  } else {
    const target = exportTarget(input.diagnosticSettings?.value ?? []);
    categories = target.categories;
    if (target.workspaceId) {
      workspaceArmId = target.workspaceId;
      destination = { kind: "log-analytics", id: target.workspaceId };
      const ws = input.workspaces.find((w) => w.id.toLowerCase() === target.workspaceId!.toLowerCase());
      customerId = ws?.customerId;
      if (!customerId) {
        probeError = {
          kind: ws?.error?.kind ?? "not-found",
          service: "loganalytics",
          operation: "query",
          code: ws?.error?.code ?? "WorkspaceUnreadable",
          message: `the workspace ${target.workspaceId} could not be read, so it cannot be queried`,
          at: now().toISOString(),
        };
      }
    } else if (target.otherDestination) {
      probeError = {
        kind: "invalid",
        service: "loganalytics",
        operation: "query",
        code: "DestinationNotQueryable",
        message: "the Activity Log is exported to storage / an event hub only: pass --siem-export to verify the SIEM",
        at: now().toISOString(),
      };
    }
  }
  const timespan = { startTime: new Date(input.window.start.getTime() - 3_600_000), endTime: now() };
  if (customerId && !probeError) {
    try {
      for (const batch of chunks(picked, 100)) {
        const kql = `AzureActivity | where CorrelationId in (${batch.map((e) => kqlString(e.id)).join(", ")}) | summarize n=count() by CorrelationId`;
        const t = await query(input.logs, customerId, kql, timespan, input.gate, input.signal);
        const c = column(t, "CorrelationId");
        for (const row of t.rows) if (typeof row[c] === "string") found.add(String(row[c]).toLowerCase());
      }
      found = new Set(picked.filter((e) => found.has(e.id.toLowerCase())).map((e) => e.id));
      const t = await query(
        input.logs,
        customerId,
        `AzureActivity | where SubscriptionId =~ ${kqlString(input.subscriptionId)} | summarize n=count() by bin(TimeGenerated, 1d)`,
        { startTime: input.window.start, endTime: input.window.end },
        input.gate,
        input.signal,
      );
      const tc = column(t, "TimeGenerated");
      const nc = column(t, "n");
      siemPerDay = new Map();
      for (const row of t.rows) {
        const d = asDate(row[tc]);
        if (d) siemPerDay.set(dayOf(d), Number(row[nc] ?? 0));
      }
    } catch (err) {
      probeError = toApiError(err, "loganalytics", "query", now());
    }
  }

  // 5. Per day: activity records (of the exported categories) vs AzureActivity rows.
  const srcPerDay = new Map<string, number>();
  for (const r of records) {
    if (categories !== "all" && !categories.has((r.category ?? "").toLowerCase())) continue;
    srcPerDay.set(dayOf(r.time), (srcPerDay.get(dayOf(r.time)) ?? 0) + 1);
  }
  const perDay = days.map((day) => ({
    day,
    source: srcPerDay.get(day) ?? 0,
    siem: destination === null ? 0 : siemPerDay ? (siemPerDay.get(day) ?? 0) : null,
  }));

  const samples: SampleResult[] = [];
  if (probeError) {
    samples.push({
      ...base,
      destination,
      state: "unknown",
      error: probeError,
      sampled: picked.length,
      found: 0,
      missing: [],
      perDay,
    });
  } else {
    const missing = picked.filter((e) => !found.has(e.id)).sort((a, b) => a.time.getTime() - b.time.getTime());
    samples.push({
      ...base,
      destination,
      state: "ok",
      sampled: picked.length,
      found: picked.length - missing.length,
      missing: missing.map(toMissing),
      perDay: input.siemExport ? [] : perDay,
    });
  }

  // 6. Retention proof of the destination workspace.
  const oldestEvents: WorkspaceOldest[] = [];
  if (
    input.retentionProof !== false &&
    customerId &&
    workspaceArmId &&
    !input.provenWorkspaces?.has(workspaceArmId.toLowerCase())
  ) {
    input.provenWorkspaces?.add(workspaceArmId.toLowerCase());
    const ws = input.workspaces.find((w) => w.id.toLowerCase() === workspaceArmId!.toLowerCase());
    oldestEvents.push({
      workspaceId: ws?.id ?? workspaceArmId,
      oldestEvent: await oldestActivity(input, customerId, ws?.createdDate, now),
    });
  }
  return { samples, tamper, oldestEvents, errors };
}

/** Tamper window: the sample window or the last 90 days, whichever is longer. */
export function azureTamperWindow(input: Pick<SampleAzureSubscriptionInput, "window" | "tamperWindow">): {
  start: Date;
  end: Date;
} {
  if (input.tamperWindow) return input.tamperWindow;
  // The whole retained Activity Log (90 days, minus a few minutes: the API refuses an older start).
  return { start: new Date(input.window.end.getTime() - 90 * DAY_MS + 5 * 60_000), end: input.window.end };
}

async function listTamper(
  input: SampleAzureSubscriptionInput,
  windowRecords: ActivityRecord[],
  now: () => Date,
): Promise<{ tamper: TamperEvent[]; errors: ApiError[] }> {
  const tw = azureTamperWindow(input);
  const records = new Map<string, ActivityRecord>();
  const key = (r: ActivityRecord) => `${r.correlationId}|${r.eventDataId ?? r.time.toISOString()}`;
  for (const r of windowRecords) if (isAzureTamper(r.operation)) records.set(key(r), r);
  const errors: ApiError[] = [];
  for (const provider of ["Microsoft.Insights", "Microsoft.OperationalInsights"]) {
    const filter = `eventTimestamp ge '${tw.start.toISOString()}' and eventTimestamp le '${tw.end.toISOString()}' and resourceProvider eq '${provider}'`;
    try {
      for await (const e of input.monitor.activityLogs.list(filter, {
        select: ACTIVITY_SELECT,
        abortSignal: input.signal,
      })) {
        const r = toRecord(e);
        if (r && isAzureTamper(r.operation)) records.set(key(r), r);
      }
    } catch (err) {
      errors.push(toApiError(err, "arm", "activityLogs.list", now()));
    }
  }
  return { tamper: buildTamper([...records.values()]), errors };
}

function buildTamper(records: ActivityRecord[]): TamperEvent[] {
  const byCorr = new Map<string, ActivityRecord>();
  for (const r of records) {
    if (!isAzureTamper(r.operation)) continue;
    if (r.status && !/^(Succeeded|Accepted)$/i.test(r.status)) continue; // Started/Failed changed nothing
    const cur = byCorr.get(r.correlationId);
    if (!cur || r.time < cur.time) byCorr.set(r.correlationId, r);
  }
  const sorted = [...byCorr.values()].sort((a, b) => a.time.getTime() - b.time.getTime());
  return sorted.map((r) => {
    const t: TamperEvent = {
      eventId: r.correlationId,
      time: r.time.toISOString(),
      name: r.operation,
      ...(r.caller ? { actor: r.caller } : {}),
      ...(r.ip ? { sourceIp: r.ip } : {}),
      ...(r.resourceId ? { resource: r.resourceId } : {}),
      origin: "activity-log",
    };
    if (/\/delete$/i.test(r.operation)) {
      const again = sorted.find(
        (s) =>
          s.time > r.time &&
          /\/write$/i.test(s.operation) &&
          s.operation.toLowerCase().replace(/\/write$/, "") === r.operation.toLowerCase().replace(/\/delete$/, "") &&
          (s.resourceId ?? "").toLowerCase() === (r.resourceId ?? "").toLowerCase(),
      );
      if (again) t.resumedAt = again.time.toISOString();
    }
    return t;
  });
}

async function oldestActivity(
  input: SampleAzureSubscriptionInput,
  customerId: string,
  createdDate: string | undefined,
  now: () => Date,
): Promise<OldestEvent> {
  const readAt = now();
  const from = createdDate ? new Date(createdDate) : new Date(readAt.getTime() - 4383 * DAY_MS);
  try {
    const t = await query(
      input.logs,
      customerId,
      "AzureActivity | summarize oldest=min(TimeGenerated)",
      { startTime: from, endTime: readAt },
      input.gate,
      input.signal,
    );
    const c = column(t, "oldest");
    const v = asDate(t.rows[0]?.[Math.max(c, 0)]);
    return {
      state: "ok",
      value: {
        time: v ? v.toISOString() : null,
        method: "AzureActivity | summarize min(TimeGenerated)",
        readAt: readAt.toISOString(),
        searchedFrom: from.toISOString(),
      },
    };
  } catch (err) {
    return { state: "error", error: toApiError(err, "loganalytics", "query", now()) };
  }
}

/**
 * Failed sign-ins of a tenant. Entra ID has no sign-in source in this stack (Microsoft Graph), so the result says
 * where failed sign-ins are exported and how many the workspace holds per day: destination null when the Entra
 * settings export no sign-in category (failed logins reach no SIEM), unknown when the settings or the workspace
 * cannot be read.
 */
export async function sampleAzureTenant(input: SampleAzureTenantInput): Promise<AzureTenantSamplingResult> {
  const now = input.now ?? (() => new Date());
  const window = { start: input.window.start.toISOString(), end: input.window.end.toISOString() };
  const base = {
    eventClass: "failed-login" as const,
    window,
    source: { service: "entra", operation: "SigninLogs, AADNonInteractiveUserSignInLogs (ResultType != 0)" },
    capped: false,
  };
  const probe = input.entraDiagnosticSettings;
  if (!probe) return { samples: [] };
  if (probe.state === "error") {
    return {
      samples: [
        {
          ...base,
          destination: null,
          state: "unknown",
          error: probe.error,
          sampled: 0,
          found: 0,
          missing: [],
          perDay: [],
        },
      ],
    };
  }
  const target = probe.value.find(
    (s) =>
      s.workspaceId &&
      s.logs.some(
        (l) =>
          l.enabled &&
          (/^(SignInLogs|NonInteractiveUserSignInLogs)$/i.test(l.category ?? "") ||
            /^allLogs$/i.test(l.categoryGroup ?? "")),
      ),
  );
  if (!target?.workspaceId) {
    return { samples: [{ ...base, destination: null, state: "ok", sampled: 0, found: 0, missing: [], perDay: [] }] };
  }
  const destination: Destination = { kind: "log-analytics", id: target.workspaceId };
  const ws = input.workspaces.find((w) => w.id.toLowerCase() === target.workspaceId!.toLowerCase());
  if (!ws?.customerId) {
    const error: ApiError = {
      kind: "not-found",
      service: "loganalytics",
      operation: "query",
      code: "WorkspaceUnreadable",
      message: `the workspace ${target.workspaceId} could not be read, so it cannot be queried`,
      at: now().toISOString(),
    };
    return {
      samples: [{ ...base, destination, state: "unknown", error, sampled: 0, found: 0, missing: [], perDay: [] }],
    };
  }
  try {
    const t = await query(
      input.logs,
      ws.customerId,
      'union isfuzzy=true SigninLogs, AADNonInteractiveUserSignInLogs | where ResultType != "0" | summarize n=count() by bin(TimeGenerated, 1d)',
      { startTime: input.window.start, endTime: input.window.end },
      input.gate,
      input.signal,
    );
    const tc = column(t, "TimeGenerated");
    const nc = column(t, "n");
    const per = new Map<string, number>();
    for (const row of t.rows) {
      const d = asDate(row[tc]);
      if (d) per.set(dayOf(d), Number(row[nc] ?? 0));
    }
    const total = [...per.values()].reduce((a, b) => a + b, 0);
    return { samples: [{ ...base, destination, state: "ok", sampled: total, found: total, missing: [], perDay: [] }] };
  } catch (err) {
    return {
      samples: [
        {
          ...base,
          destination,
          state: "unknown",
          error: toApiError(err, "loganalytics", "query", now()),
          sampled: 0,
          found: 0,
          missing: [],
          perDay: [],
        },
      ],
    };
  }
}

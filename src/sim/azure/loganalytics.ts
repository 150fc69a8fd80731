/**
 * Log Analytics query API: POST /v1/workspaces/{customerId}/query with body {query, timespan}.
 * Answers {tables:[{name:"PrimaryResult", columns:[{name,type}], rows}]} for the KQL subset in kql.ts, honours
 * `timespan` and the effective retention of each table (older rows are gone), 404 for an unknown workspace.
 */
import type { SimResponse } from "../types.js";
import { type Cell, type Column, type Frame, KqlError, parseKql, runOperators } from "./kql.js";
import {
  type ActEvent,
  type AzureState,
  DAY_MS,
  queryCutoff,
  RESULT_DESCRIPTIONS,
  type WorkspaceState,
} from "./state.js";

const ACTIVITY_COLUMNS: Column[] = [
  { name: "TenantId", type: "string" },
  { name: "SourceSystem", type: "string" },
  { name: "CallerIpAddress", type: "string" },
  { name: "CategoryValue", type: "string" },
  { name: "CorrelationId", type: "string" },
  { name: "Authorization", type: "string" },
  { name: "Level", type: "string" },
  { name: "OperationName", type: "string" },
  { name: "OperationNameValue", type: "string" },
  { name: "ActivityStatusValue", type: "string" },
  { name: "ActivitySubstatusValue", type: "string" },
  { name: "ResourceGroup", type: "string" },
  { name: "ResourceProviderValue", type: "string" },
  { name: "SubscriptionId", type: "string" },
  { name: "EventDataId", type: "string" },
  { name: "EventSubmissionTimestamp", type: "datetime" },
  { name: "Caller", type: "string" },
  { name: "TimeGenerated", type: "datetime" },
  { name: "_ResourceId", type: "string" },
  { name: "Type", type: "string" },
];

const SIGNIN_COLUMNS: Column[] = [
  { name: "TenantId", type: "string" },
  { name: "SourceSystem", type: "string" },
  { name: "TimeGenerated", type: "datetime" },
  { name: "OperationName", type: "string" },
  { name: "Category", type: "string" },
  { name: "ResultType", type: "string" },
  { name: "ResultDescription", type: "string" },
  { name: "Identity", type: "string" },
  { name: "AppDisplayName", type: "string" },
  { name: "ClientAppUsed", type: "string" },
  { name: "CorrelationId", type: "string" },
  { name: "Id", type: "string" },
  { name: "IPAddress", type: "string" },
  { name: "IsInteractive", type: "bool" },
  { name: "UserPrincipalName", type: "string" },
  { name: "UserDisplayName", type: "string" },
  { name: "Type", type: "string" },
];

const KNOWN_TABLES: Record<string, Column[]> = {
  AzureActivity: ACTIVITY_COLUMNS,
  SigninLogs: SIGNIN_COLUMNS,
  AADNonInteractiveUserSignInLogs: SIGNIN_COLUMNS,
};

/**
 * AzureActivity rows per workspace activity list, index for index. `workspaceActivity` memoises that list until the
 * activity changes, and every query over the table reads all of it, so a row is built once per event, not once per
 * query (sparse: rows outside every query's window are never built). A row is a pure function of its (never mutated)
 * event; rows are shared between queries, and the KQL operators never mutate a row (they filter, slice or build new
 * ones).
 */
const activityRows = new WeakMap<readonly ActEvent[], Cell[][]>();

function activityRow(e: ActEvent): Cell[] {
  const provider = e.operation.split("/")[0] ?? "";
  return [
    e.tenant,
    "Azure",
    e.ip,
    e.category,
    e.correlationId,
    JSON.stringify({ action: e.operation, scope: e.resourceId }),
    e.status === "Failed" ? "Error" : "Informational",
    e.operation,
    e.operation,
    e.status,
    e.status === "Started" ? "" : e.status === "Failed" ? "" : "OK",
    e.resourceGroup,
    provider,
    e.subscription,
    e.eventDataId,
    e.time + 5000,
    e.caller,
    e.time,
    e.resourceId.toLowerCase(),
    "AzureActivity",
  ];
}

function activityFrame(state: AzureState, ws: WorkspaceState, cutoff: number, from: number, to: number): Frame {
  const events = state.workspaceActivity(ws);
  let built = activityRows.get(events);
  if (!built) {
    built = [];
    activityRows.set(events, built);
  }
  const rows: Cell[][] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.time < cutoff || e.time < from || e.time > to) continue;
    let row = built[i];
    if (!row) {
      row = activityRow(e);
      built[i] = row;
    }
    rows.push(row);
  }
  return { columns: ACTIVITY_COLUMNS, rows };
}

function signInFrame(
  state: AzureState,
  ws: WorkspaceState,
  table: "SigninLogs" | "AADNonInteractiveUserSignInLogs",
  cutoff: number,
  from: number,
  to: number,
): Frame {
  const rows: Cell[][] = [];
  for (const s of state.workspaceSignIns(ws, table)) {
    if (s.time < cutoff || s.time < from || s.time > to) continue;
    const display = s.user.split("@")[0]!.replace(/\./g, " ");
    rows.push([
      s.tenant,
      "Azure AD",
      s.time,
      "Sign-in activity",
      table === "SigninLogs" ? "SignInLogs" : "NonInteractiveUserSignInLogs",
      s.resultType,
      RESULT_DESCRIPTIONS[s.resultType] ?? "Other",
      display,
      s.app,
      table === "SigninLogs" ? "Browser" : "Mobile Apps and Desktop clients",
      s.correlationId,
      s.id,
      s.ip,
      table === "SigninLogs",
      s.user,
      display,
      table,
    ]);
  }
  return { columns: SIGNIN_COLUMNS, rows };
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

function durationMs(s: string): number | undefined {
  const m = DURATION.exec(s);
  if (!m || s === "P" || s.endsWith("T")) return undefined;
  const [, w, d, h, mi, se] = m;
  return (
    Number(w ?? 0) * 7 * DAY_MS +
    Number(d ?? 0) * DAY_MS +
    Number(h ?? 0) * 3_600_000 +
    Number(mi ?? 0) * 60_000 +
    Number(se ?? 0) * 1000
  );
}

/** ISO 8601 interval: duration | start/end | start/duration | duration/end. */
export function parseTimespan(ts: string, now: number): { from: number; to: number } | undefined {
  const parts = ts.split("/");
  if (parts.length === 1) {
    const d = durationMs(parts[0]!);
    return d === undefined ? undefined : { from: now - d, to: now };
  }
  if (parts.length !== 2) return undefined;
  const [a, b] = parts as [string, string];
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return { from: ta, to: tb };
  if (!Number.isNaN(ta)) {
    const d = durationMs(b);
    return d === undefined ? undefined : { from: ta, to: ta + d };
  }
  if (!Number.isNaN(tb)) {
    const d = durationMs(a);
    return d === undefined ? undefined : { from: tb - d, to: tb };
  }
  return undefined;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(body),
  };
}

export function queryError(code: string, message: string, inner?: unknown): SimResponse {
  return json(code === "WorkspaceNotFoundError" ? 404 : 400, {
    error: { message, code, correlationId: crypto.randomUUID(), ...(inner ? { innererror: inner } : {}) },
  });
}

function kqlErrorResponse(e: KqlError): SimResponse {
  if (e.kind === "syntax") {
    return queryError("BadArgumentError", "The request had some invalid properties", {
      code: "SyntaxError",
      message: "A recognition error occurred in the query.",
      innererror: { code: "SYN0002", message: e.message, line: 1, pos: e.pos ?? 0, token: e.token ?? "" },
    });
  }
  if (e.kind === "semantic") {
    return queryError("BadArgumentError", "The request had some invalid properties", {
      code: "SemanticError",
      message: "A semantic error occurred.",
      innererror: { code: "SEM0100", message: e.message },
    });
  }
  const msg = `The blindspot simulator does not support ${e.message} (see docs/scenarios-azure.md for the KQL subset)`;
  return queryError("BadArgumentError", `The request had some invalid properties: ${msg}`, {
    code: "SimulatorUnsupportedQuery",
    message: msg,
  });
}

function render(cell: Cell, type: string): Cell {
  if (type === "datetime" && typeof cell === "number") return new Date(cell).toISOString();
  return cell;
}

export function handleQuery(state: AzureState, workspaceId: string, body: Buffer, now: Date): SimResponse {
  const ws = state.workspacesByCustomerId.get(workspaceId.toLowerCase());
  if (!ws) return queryError("WorkspaceNotFoundError", `The workspace ${workspaceId} could not be found`);
  let parsed: { query?: unknown; timespan?: unknown };
  try {
    parsed = JSON.parse(body.toString("utf8") || "{}") as typeof parsed;
  } catch {
    return queryError("BadArgumentError", "The request body is not valid JSON");
  }
  if (typeof parsed.query !== "string" || parsed.query.trim() === "") {
    return queryError("BadArgumentError", "The request had some invalid properties: 'query' is required");
  }
  const nowMs = now.getTime();
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.POSITIVE_INFINITY;
  if (parsed.timespan !== undefined && parsed.timespan !== null) {
    const ts = typeof parsed.timespan === "string" ? parseTimespan(parsed.timespan, nowMs) : undefined;
    if (!ts) return queryError("BadArgumentError", `Invalid timespan '${String(parsed.timespan)}'`);
    ({ from, to } = ts);
  }
  try {
    const q = parseKql(parsed.query, nowMs);
    const frames: Frame[] = [];
    for (const t of q.tables) {
      const cols = KNOWN_TABLES[t];
      const resolvable = cols !== undefined && state.tableResolvable(ws, t);
      if (!resolvable) {
        if (q.fuzzy) continue;
        if (cols === undefined && !ws.tables.has(t.toLowerCase())) {
          throw new KqlError("semantic", `'${t}': Failed to resolve table or column expression named '${t}'`);
        }
        if (cols === undefined)
          throw new KqlError("unsupported", `the table '${t}' (supported: ${Object.keys(KNOWN_TABLES).join(", ")})`);
        throw new KqlError("semantic", `'${t}': Failed to resolve table or column expression named '${t}'`);
      }
      const cutoff = queryCutoff(ws, t, now);
      frames.push(
        t === "AzureActivity"
          ? activityFrame(state, ws, cutoff, from, to)
          : signInFrame(state, ws, t as "SigninLogs" | "AADNonInteractiveUserSignInLogs", cutoff, from, to),
      );
    }
    if (frames.length === 0) {
      throw new KqlError("semantic", "union: none of the tables could be resolved");
    }
    const input = unionFrames(frames);
    const out = runOperators(input, q.ops);
    return json(200, {
      tables: [
        {
          name: "PrimaryResult",
          columns: out.columns,
          rows: out.rows.map((r) => r.map((c, i) => render(c, out.columns[i]!.type))),
        },
      ],
    });
  } catch (e) {
    if (e instanceof KqlError) return kqlErrorResponse(e);
    throw e;
  }
}

function unionFrames(frames: Frame[]): Frame {
  if (frames.length === 1) return frames[0]!;
  const columns: Column[] = [];
  for (const f of frames) for (const c of f.columns) if (!columns.some((x) => x.name === c.name)) columns.push(c);
  const rows: Cell[][] = [];
  for (const f of frames) {
    const map = columns.map((c) => f.columns.findIndex((x) => x.name === c.name));
    for (const r of f.rows) rows.push(map.map((i) => (i < 0 ? null : (r[i] ?? null))));
  }
  return { columns, rows };
}

/** POST /v1/$batch: {requests:[{id, workspace, body:{query, timespan}}]} → {responses:[{id, status, body}]}. */
export function handleBatch(state: AzureState, body: Buffer, now: Date): SimResponse {
  let parsed: { requests?: unknown };
  try {
    parsed = JSON.parse(body.toString("utf8") || "{}") as typeof parsed;
  } catch {
    return queryError("BadArgumentError", "The request body is not valid JSON");
  }
  if (!Array.isArray(parsed.requests)) return queryError("BadArgumentError", "'requests' is required");
  const responses = (parsed.requests as Record<string, unknown>[]).map((r) => {
    const res = handleQuery(state, String(r.workspace ?? ""), Buffer.from(JSON.stringify(r.body ?? {})), now);
    return { id: r.id, status: res.status, headers: {}, body: JSON.parse(String(res.body)) as unknown };
  });
  return json(200, { responses });
}

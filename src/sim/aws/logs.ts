/** CloudWatch Logs (JSON 1.1, X-Amz-Target Logs_20140328.*). Trail events are stored per trail log group. */
import {
  compileFilterPattern,
  FilterPatternError,
  type JsonExpr,
  parseFilterPattern,
} from "../../logs-filter/index.js";
import type { SimResponse } from "../types.js";
import { type AwsCallContext, type AwsOperation, recordWrite } from "./context.js";
import type { SimEvent } from "./events.js";
import { type LogRow, MalformedQuery, parseInsightsQuery, runInsightsQuery } from "./insights.js";
import type { AwsModel, LogGroup } from "./model.js";
import { decodeToken, encodeToken, jsonBody, jsonError, jsonOk } from "./protocol.js";
import { hash32, uuidFor } from "./util.js";

export const VALID_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
/** Events examined per FilterLogEvents page before returning (pages may be empty while nextToken continues). */
const FILTER_SCAN_BUDGET = 20_000;

function groupsHere(c: AwsCallContext): LogGroup[] {
  return c.model.logGroups
    .filter((g) => g.account === c.account && g.region === c.region)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function findGroup(c: AwsCallContext, b: Record<string, unknown>): LogGroup | SimResponse {
  let name = typeof b.logGroupName === "string" ? b.logGroupName : undefined;
  const ident = typeof b.logGroupIdentifier === "string" ? b.logGroupIdentifier : undefined;
  if (name && ident)
    return jsonError("InvalidParameterException", "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  let account = c.account;
  let region = c.region;
  if (ident) {
    const m = /^arn:aws:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)(:\*)?$/.exec(ident);
    if (m) {
      region = m[1]!;
      account = m[2]!;
      name = m[3]!;
      if (account !== c.account)
        return jsonError(
          "AccessDeniedException",
          `User: ${c.callerArn} is not authorized to perform: logs:${c.operation} on resource: ${ident}`,
        );
    } else name = ident;
  }
  if (!name)
    return jsonError("InvalidParameterException", "Either logGroupName or logGroupIdentifier must be specified.");
  const g = c.model.findLogGroup(account, region, name);
  return g ?? jsonError("ResourceNotFoundException", "The specified log group does not exist.");
}

function groupJson(c: AwsCallContext, g: LogGroup): Record<string, unknown> {
  const stored = c.model.logGroupEvents(g).length;
  return {
    logGroupName: g.name,
    creationTime: g.createdAt,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: g.metricFilters.length,
    arn: `${g.arn}:*`,
    storedBytes: stored * 1400,
    ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass,
    logGroupArn: g.arn,
    deletionProtectionEnabled: false,
    ...(g.retentionPolicyName ? { retentionPolicyName: g.retentionPolicyName } : {}),
  };
}

const describeLogGroups: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  if (b.logGroupNamePrefix !== undefined && b.logGroupNamePattern !== undefined) {
    return jsonError(
      "InvalidParameterException",
      "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
    );
  }
  const limit = b.limit === undefined ? 50 : Number(b.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
    return jsonError(
      "InvalidParameterException",
      "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
    );
  }
  let groups = groupsHere(c);
  if (typeof b.logGroupNamePrefix === "string")
    groups = groups.filter((g) => g.name.startsWith(b.logGroupNamePrefix as string));
  if (typeof b.logGroupNamePattern === "string") {
    const p = (b.logGroupNamePattern as string).toLowerCase();
    groups = groups.filter((g) => g.name.toLowerCase().includes(p));
  }
  if (typeof b.logGroupClass === "string") groups = groups.filter((g) => g.logGroupClass === b.logGroupClass);
  let start = 0;
  if (typeof b.nextToken === "string") {
    const t = decodeToken(b.nextToken);
    if (!t || typeof t.o !== "number")
      return jsonError("InvalidParameterException", "The specified nextToken is invalid.");
    start = t.o;
  }
  const page = groups.slice(start, start + limit);
  return jsonOk({
    logGroups: page.map((g) => groupJson(c, g)),
    ...(start + limit < groups.length ? { nextToken: encodeToken({ o: start + limit }) } : {}),
  });
};

/** When a pattern is only `$.eventID = "literal"` terms joined by ||, the set of ids (a fast path). */
function eventIdSet(pattern: string): Set<string> | undefined {
  let parsed: ReturnType<typeof parseFilterPattern>;
  try {
    parsed = parseFilterPattern(pattern);
  } catch {
    return undefined;
  }
  if (parsed.kind !== "json") return undefined;
  const ids = new Set<string>();
  const walk = (e: JsonExpr): boolean => {
    if (e.kind === "or") return walk(e.left) && walk(e.right);
    if (e.kind !== "cmp" || e.op !== "=" || typeof e.value !== "string" || e.value.includes("*")) return false;
    if (e.selector.length !== 1 || e.selector[0] !== "eventID") return false;
    ids.add(e.value);
    return true;
  };
  return walk(parsed.expr) ? ids : undefined;
}

function logEventId(id: string, time: number): string {
  return `${String(time).padStart(20, "0")}${String(hash32(id)).padStart(10, "0")}${String(hash32(`${id}x`)).padStart(26, "0")}`.slice(
    0,
    56,
  );
}

/**
 * Insights rows per stored-events list. `logGroupEvents` memoises that list per log group until the model changes, so
 * a row (and whatever of its message, record and pointer a query read) is built once per event and group, not on
 * every GetQueryResults poll. The rows array is sparse: only rows some query's time range reached exist.
 */
const logRowCache = new WeakMap<readonly { e: SimEvent }[], { group: LogGroup; rows: LogRow[] }>();

/** One event's row in a log group; message, record and pointer are built on first read. */
function logRow(model: AwsModel, g: LogGroup, e: SimEvent): LogRow {
  let message: string | undefined;
  let record: Record<string, unknown> | undefined;
  let ptr: string | undefined;
  return {
    timestamp: e.time,
    ingestionTime: e.time + 60_000 + (hash32(e.id) % 240_000),
    get message() {
      message ??= model.message(e);
      return message;
    },
    get record() {
      record ??= model.render(e);
      return record;
    },
    logStream: `${e.account}_CloudTrail_${e.region}`,
    logGroup: `${g.account}:${g.name}`,
    knownFields: { eventID: e.id }, // renderRecord's eventID
    get ptr() {
      ptr ??= Buffer.from(uuidFor(`ptr${e.id}`))
        .toString("base64")
        .slice(0, 48);
      return ptr;
    },
  };
}

/**
 * The rows of a log group an Insights query sees, within [fromMs, toMs]: the time range is applied before a row is
 * built, and each row's message, record and pointer are built only if the query reads them (a central organization
 * group holds every account's events; a query usually reads a week of it and a few fields). Rows are shared between
 * queries (see `logRowCache`); the query engine never mutates them.
 */
function rowsOf(c: AwsCallContext, g: LogGroup, fromMs: number, toMs: number): LogRow[] {
  const all = c.model.logGroupEvents(g); // sorted by time
  let cache = logRowCache.get(all);
  if (!cache || cache.group !== g) {
    cache = { group: g, rows: [] };
    logRowCache.set(all, cache);
  }
  const built = cache.rows;
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[mid]!.e.time < fromMs) lo = mid + 1;
    else hi = mid;
  }
  const rows: LogRow[] = [];
  for (let i = lo; i < all.length && all[i]!.e.time <= toMs; i++) {
    let row = built[i];
    if (!row) {
      row = logRow(c.model, g, all[i]!.e);
      built[i] = row;
    }
    rows.push(row);
  }
  return rows;
}

const filterLogEvents: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const g = findGroup(c, b);
  if ("status" in g) return g;
  const limit = b.limit === undefined ? 10_000 : Number(b.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    return jsonError(
      "InvalidParameterException",
      "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    );
  }
  let match: (m: string, j?: unknown) => boolean;
  try {
    match = compileFilterPattern(typeof b.filterPattern === "string" ? b.filterPattern : "");
  } catch (err) {
    if (err instanceof FilterPatternError)
      return jsonError("InvalidParameterException", `Invalid filter pattern: ${err.message}`);
    throw err;
  }
  const startTime = typeof b.startTime === "number" ? b.startTime : 0;
  const endTime = typeof b.endTime === "number" ? b.endTime : Number.MAX_SAFE_INTEGER;
  const streams = Array.isArray(b.logStreamNames) ? (b.logStreamNames as string[]) : undefined;
  const streamPrefix = typeof b.logStreamNamePrefix === "string" ? b.logStreamNamePrefix : undefined;
  let offset = 0;
  if (typeof b.nextToken === "string") {
    const t = decodeToken(b.nextToken);
    if (!t || typeof t.o !== "number")
      return jsonError("InvalidParameterException", "The specified nextToken is invalid.");
    offset = t.o;
  }
  const stored = c.model.logGroupEvents(g);
  const ids = typeof b.filterPattern === "string" ? eventIdSet(b.filterPattern) : undefined;
  const events: Record<string, unknown>[] = [];
  let i = offset;
  let scanned = 0;
  for (; i < stored.length && events.length < limit && scanned < FILTER_SCAN_BUDGET; i++, scanned++) {
    const { e } = stored[i]!;
    if (e.time < startTime || e.time > endTime) continue;
    const stream = `${e.account}_CloudTrail_${e.region}`;
    if (streams && !streams.includes(stream)) continue;
    if (streamPrefix && !stream.startsWith(streamPrefix)) continue;
    if (ids && !ids.has(e.id)) continue;
    const message = c.model.message(e);
    if (!ids && !match(message, c.model.render(e))) continue;
    events.push({
      logStreamName: stream,
      timestamp: e.time,
      message,
      ingestionTime: e.time + 60_000 + (hash32(e.id) % 240_000),
      eventId: logEventId(e.id, e.time),
    });
  }
  return jsonOk({
    events,
    searchedLogStreams: [],
    ...(i < stored.length ? { nextToken: encodeToken({ o: i }) } : {}),
  });
};

interface Query {
  rows: () => LogRow[];
  parsed: ReturnType<typeof parseInsightsQuery>;
  limit: number;
  polls: number;
  account: string;
}
const queries = new WeakMap<object, Map<string, Query>>();
function queryStore(c: AwsCallContext): Map<string, Query> {
  let m = queries.get(c.model);
  if (!m) {
    m = new Map();
    queries.set(c.model, m);
  }
  return m;
}

const startQuery: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const names: string[] = [];
  if (typeof b.logGroupName === "string") names.push(b.logGroupName);
  if (Array.isArray(b.logGroupNames)) names.push(...(b.logGroupNames as string[]));
  if (Array.isArray(b.logGroupIdentifiers)) names.push(...(b.logGroupIdentifiers as string[]));
  if (names.length === 0)
    return jsonError("InvalidParameterException", "Log group names or identifiers must be specified.");
  if (names.length > 50) return jsonError("InvalidParameterException", "A query can target at most 50 log groups.");
  if (typeof b.startTime !== "number" || typeof b.endTime !== "number") {
    return jsonError("InvalidParameterException", "startTime and endTime are required.");
  }
  if (b.endTime < b.startTime) return jsonError("InvalidParameterException", "End time must be after start time.");
  const groups: LogGroup[] = [];
  for (const n of names) {
    const g = findGroup(c, n.startsWith("arn:") ? { logGroupIdentifier: n } : { logGroupName: n });
    if ("status" in g) return g;
    groups.push(g);
  }
  let parsed: ReturnType<typeof parseInsightsQuery>;
  try {
    parsed = parseInsightsQuery(typeof b.queryString === "string" ? b.queryString : "");
  } catch (err) {
    if (err instanceof MalformedQuery || err instanceof SyntaxError) {
      return jsonError("MalformedQueryException", `unexpected symbol found in query: ${err.message}`);
    }
    throw err;
  }
  const startMs = (b.startTime as number) * 1000;
  const endMs = (b.endTime as number) * 1000 + 999;
  const limit = typeof b.limit === "number" ? Math.min(b.limit, 10_000) : 10_000;
  const queryId = uuidFor(`query|${Date.now()}|${Math.random()}`);
  queryStore(c).set(queryId, {
    rows: () => groups.flatMap((g) => rowsOf(c, g, startMs, endMs)),
    parsed,
    limit,
    polls: 0,
    account: c.account,
  });
  return jsonOk({ queryId });
};

const getQueryResults: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const q = typeof b.queryId === "string" ? queryStore(c).get(b.queryId) : undefined;
  if (!q || q.account !== c.account) return jsonError("ResourceNotFoundException", "Query does not exist.");
  q.polls++;
  if (q.polls === 1) {
    return jsonOk({
      results: [],
      statistics: { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 },
      status: "Running",
    });
  }
  const rows = q.rows();
  const out = runInsightsQuery(q.parsed, rows, q.limit);
  return jsonOk({
    queryLanguage: "CWLI",
    results: out.results,
    statistics: {
      recordsMatched: out.recordsMatched,
      recordsScanned: out.recordsScanned,
      estimatedRecordsSkipped: 0,
      bytesScanned: out.recordsScanned * 1400,
      estimatedBytesSkipped: 0,
      logGroupsScanned: 1,
    },
    status: "Complete",
  });
};

const describeSubscriptionFilters: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const g = findGroup(c, b);
  if ("status" in g) return g;
  const prefix = typeof b.filterNamePrefix === "string" ? b.filterNamePrefix : "";
  return jsonOk({
    subscriptionFilters: g.subscriptionFilters
      .filter((f) => f.name.startsWith(prefix))
      .map((f) => ({
        filterName: f.name,
        logGroupName: g.name,
        filterPattern: f.pattern,
        destinationArn: f.destinationArn,
        distribution: "ByLogStream",
        creationTime: g.createdAt,
      })),
  });
};

const describeMetricFilters: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  let groups = groupsHere(c);
  if (typeof b.logGroupName === "string") {
    const g = findGroup(c, b);
    if ("status" in g) return g;
    groups = [g];
  }
  const prefix = typeof b.filterNamePrefix === "string" ? b.filterNamePrefix : "";
  const all = groups.flatMap((g) =>
    g.metricFilters
      .filter((f) => f.name.startsWith(prefix))
      .filter((f) => b.metricName === undefined || f.metricName === b.metricName)
      .filter((f) => b.metricNamespace === undefined || f.metricNamespace === b.metricNamespace)
      .map((f) => ({
        filterName: f.name,
        filterPattern: f.pattern,
        metricTransformations: [
          { metricName: f.metricName, metricNamespace: f.metricNamespace, metricValue: f.metricValue },
        ],
        creationTime: g.createdAt,
        logGroupName: g.name,
      })),
  );
  const limit = typeof b.limit === "number" ? b.limit : 50;
  const start = typeof b.nextToken === "string" ? Number(decodeToken(b.nextToken)?.o ?? 0) : 0;
  return jsonOk({
    metricFilters: all.slice(start, start + limit),
    ...(start + limit < all.length ? { nextToken: encodeToken({ o: start + limit }) } : {}),
  });
};

const createLogGroup: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const name = typeof b.logGroupName === "string" ? b.logGroupName : "";
  if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) {
    return jsonError(
      "InvalidParameterException",
      "1 validation error detected: Value at 'logGroupName' failed to satisfy constraint",
    );
  }
  if (c.model.findLogGroup(c.account, c.region, name)) {
    return jsonError("ResourceAlreadyExistsException", "The specified log group already exists");
  }
  c.model.logGroups.push({
    name,
    account: c.account,
    region: c.region,
    arn: `arn:aws:logs:${c.region}:${c.account}:log-group:${name}`,
    createdAt: Date.now(),
    ...(typeof b.kmsKeyId === "string" ? { kmsKeyId: b.kmsKeyId } : {}),
    logGroupClass: typeof b.logGroupClass === "string" ? b.logGroupClass : "STANDARD",
    metricFilters: [],
    subscriptionFilters: [],
  });
  recordWrite(c, "logs.amazonaws.com", "CreateLogGroup", { logGroupName: name });
  return jsonOk({});
};

const putRetentionPolicy: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const g = findGroup(c, b);
  if ("status" in g) return g;
  const days = Number(b.retentionInDays);
  if (!VALID_RETENTION_DAYS.includes(days)) {
    return jsonError(
      "InvalidParameterException",
      `1 validation error detected: Value '${String(b.retentionInDays)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${VALID_RETENTION_DAYS.join(", ")}]`,
    );
  }
  g.retentionInDays = days;
  c.model.version++;
  recordWrite(c, "logs.amazonaws.com", "PutRetentionPolicy", { logGroupName: g.name, retentionInDays: days });
  return jsonOk({});
};

const deleteRetentionPolicy: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const g = findGroup(c, b);
  if ("status" in g) return g;
  delete g.retentionInDays;
  c.model.version++;
  recordWrite(c, "logs.amazonaws.com", "DeleteRetentionPolicy", { logGroupName: g.name });
  return jsonOk({});
};

export const logsOps: Record<string, AwsOperation> = {
  DescribeLogGroups: describeLogGroups,
  FilterLogEvents: filterLogEvents,
  StartQuery: startQuery,
  GetQueryResults: getQueryResults,
  DescribeSubscriptionFilters: describeSubscriptionFilters,
  DescribeMetricFilters: describeMetricFilters,
  CreateLogGroup: createLogGroup,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
};
export const logsWrites = new Set(["CreateLogGroup", "PutRetentionPolicy", "DeleteRetentionPolicy"]);

/**
 * CloudWatch (signing name `monitoring`) in both of its protocols: AWS JSON 1.0 (`X-Amz-Target:
 * GraniteServiceVersion20100801.<Op>`, awsQueryCompatible errors; current SDKs) and awsQuery (form-encoded
 * `Action=<Op>&Version=2010-08-01`, lists as `Name.member.N`, XML answers and `<ErrorResponse>` errors; older CLIs such
 * as the Debian aws CLI 2.9). Each operation is implemented once on the JSON-shaped request and answer; the wrapper
 * decodes and encodes the wire format. DescribeAlarms (metric and composite alarms), DescribeAlarmsForMetric (metric
 * alarms only, as the real API), and PutMetricAlarm / DeleteAlarms for fix scripts. Alarms live per account and region.
 */

import { parseAlarmRule, ruleReferences } from "../../../analyzers/detection/alarm-rule.js";
import { FilterPatternError, parseFilterPattern } from "../../logs-filter/index.js";
import type { SimRequest, SimResponse } from "../types.js";
import { alertingState, type SimAlarm, type SimCompositeAlarm } from "./alerting.js";
import { type AwsCallContext, type AwsOperation, recordWrite } from "./context.js";
import {
  decodeToken,
  encodeToken,
  formParams,
  jsonBody,
  jsonTimestamps,
  type QueryShape,
  queryErrorNs,
  queryInput,
  queryResponse,
  requestId,
} from "./protocol.js";

/** The awsQuery XML namespace of CloudWatch. */
export const CLOUDWATCH_NS = "http://monitoring.amazonaws.com/doc/2010-08-01/";

/** A `monitoring` request in the awsQuery protocol (form-encoded, no X-Amz-Target), rather than JSON 1.0. */
export function isCloudWatchQuery(req: SimRequest): boolean {
  return !req.headers["x-amz-target"];
}

function jsonOk(body: unknown): SimResponse {
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId() },
    body: JSON.stringify(body ?? {}),
  };
}

function jsonFail(code: string, message: string, status: number): SimResponse {
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": requestId(),
      "x-amzn-query-error": `${code};${status >= 500 ? "Receiver" : "Sender"}`,
    },
    body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${code}`, message }),
  };
}

/** A CloudWatch error in the request's protocol (query XML `<ErrorResponse>` or JSON 1.0 with `x-amzn-query-error`). */
export function cloudwatchError(query: boolean, code: string, message: string, status = 400): SimResponse {
  return query ? queryErrorNs(CLOUDWATCH_NS, code, message, status) : jsonFail(code, message, status);
}

class CwFail {
  constructor(
    readonly code: string,
    readonly message: string,
    readonly status = 400,
  ) {}
}
const fail = (code: string, message: string, status = 400) => new CwFail(code, message, status);

/** One operation, implemented on the JSON-shaped request; returns the JSON-shaped answer (Dates for timestamps). */
type Impl = (c: AwsCallContext, b: Record<string, unknown>) => Record<string, unknown> | CwFail;

/** Serves `impl` in both protocols. `input` types the members for decoding form parameters; `output` false = no Result element. */
function operation(name: string, input: Record<string, QueryShape>, output: boolean, impl: Impl): AwsOperation {
  return (c) => {
    const query = isCloudWatchQuery(c.req);
    const b = query ? queryInput(formParams(c.req), input) : jsonBody(c.req);
    const r = impl(c, b);
    if (r instanceof CwFail) return cloudwatchError(query, r.code, r.message, r.status);
    if (query) return queryResponse(CLOUDWATCH_NS, name, output ? r : undefined);
    return jsonOk(jsonTimestamps(r));
  };
}

interface Dimension {
  Name: string;
  Value: string;
}
/** Alarm settings the shared SimAlarm does not carry, kept on the same object. */
type CwAlarm = SimAlarm & { dimensions?: Dimension[]; unit?: string; datapointsToAlarm?: number };

const DIMENSION: QueryShape = { struct: { Name: "string", Value: "string" } };
const STRINGS: QueryShape = { list: "string" };

function shape(alarm: SimAlarm) {
  const a = alarm as CwAlarm;
  const at = new Date(a.updatedAt);
  return {
    AlarmName: a.name,
    AlarmArn: `arn:aws:cloudwatch:${a.region}:${a.account}:alarm:${a.name}`,
    ...(a.description ? { AlarmDescription: a.description } : {}),
    AlarmConfigurationUpdatedTimestamp: at,
    ActionsEnabled: a.actionsEnabled,
    OKActions: a.okActions,
    AlarmActions: a.actions,
    InsufficientDataActions: a.insufficientDataActions,
    StateValue: a.state,
    StateReason: a.state === "OK" ? "Threshold Crossed: no datapoints were received" : "Threshold Crossed",
    StateUpdatedTimestamp: at,
    MetricName: a.metricName,
    Namespace: a.namespace,
    Statistic: a.statistic,
    Dimensions: a.dimensions ?? [],
    Period: a.period,
    ...(a.unit ? { Unit: a.unit } : {}),
    EvaluationPeriods: a.evaluationPeriods,
    ...(a.datapointsToAlarm !== undefined ? { DatapointsToAlarm: a.datapointsToAlarm } : {}),
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    ...(a.treatMissingData ? { TreatMissingData: a.treatMissingData } : {}),
    StateTransitionedTimestamp: at,
  };
}

function compositeShape(a: SimCompositeAlarm) {
  const at = new Date(a.updatedAt);
  return {
    ActionsEnabled: a.actionsEnabled,
    AlarmActions: a.actions,
    AlarmArn: `arn:aws:cloudwatch:${a.region}:${a.account}:alarm:${a.name}`,
    AlarmConfigurationUpdatedTimestamp: at,
    ...(a.description ? { AlarmDescription: a.description } : {}),
    AlarmName: a.name,
    AlarmRule: a.rule,
    InsufficientDataActions: a.insufficientDataActions,
    OKActions: a.okActions,
    StateReason: `Alarm rule evaluated to ${a.state === "ALARM" ? "TRUE" : "FALSE"}`,
    StateUpdatedTimestamp: at,
    StateValue: a.state,
    StateTransitionedTimestamp: at,
    ...(a.actionsSuppressor
      ? {
          ActionsSuppressor: a.actionsSuppressor,
          ActionsSuppressorWaitPeriod: 60,
          ActionsSuppressorExtensionPeriod: 60,
        }
      : {}),
  };
}

/** The alarm names a composite's rule references (names or ARNs of this account and region). */
function childNames(a: SimCompositeAlarm): string[] {
  try {
    const prefix = `arn:aws:cloudwatch:${a.region}:${a.account}:alarm:`;
    return ruleReferences(parseAlarmRule(a.rule)).map((r) => (r.startsWith(prefix) ? r.slice(prefix.length) : r));
  } catch {
    return [];
  }
}

const compositesHere = (c: AwsCallContext) =>
  alertingState(c.model).composites.filter((a) => a.account === c.account && a.region === c.region);

const here = (c: AwsCallContext) =>
  alertingState(c.model).alarms.filter((a) => a.account === c.account && a.region === c.region);

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;

const validation = (member: string, constraint: string) =>
  fail(
    "ValidationError",
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`,
  );

/** The Dimensions member: undefined when absent, a CwFail when malformed. */
function dimensions(v: unknown): Dimension[] | undefined | CwFail {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return validation("dimensions", "Member must be a list");
  if (v.length > 30) return validation("dimensions", "Member must have length less than or equal to 30");
  const out: Dimension[] = [];
  for (const d of v as Record<string, unknown>[]) {
    if (!d || typeof d.Name !== "string" || typeof d.Value !== "string" || !d.Name || !d.Value) {
      return validation("dimensions", "Each dimension must have a Name and a Value");
    }
    out.push({ Name: d.Name, Value: d.Value });
  }
  return out;
}

const sameDimensions = (a: Dimension[], b: Dimension[]) =>
  a.length === b.length && a.every((x) => b.some((y) => y.Name === x.Name && y.Value === x.Value));

const describeAlarms = operation(
  "DescribeAlarms",
  {
    AlarmNames: STRINGS,
    AlarmNamePrefix: "string",
    AlarmTypes: STRINGS,
    ChildrenOfAlarmName: "string",
    ParentsOfAlarmName: "string",
    StateValue: "string",
    ActionPrefix: "string",
    MaxRecords: "number",
    NextToken: "string",
  },
  true,
  (c, b) => {
    const names = strings(b.AlarmNames);
    const prefix = typeof b.AlarmNamePrefix === "string" ? b.AlarmNamePrefix : undefined;
    if (names && prefix !== undefined) {
      return fail("InvalidParameterCombination", "AlarmNames and AlarmNamePrefix cannot be used together.");
    }
    // Without AlarmTypes only metric alarms are returned, even when composite alarms exist.
    const types = strings(b.AlarmTypes) ?? ["MetricAlarm"];
    if (types.some((t) => t !== "MetricAlarm" && t !== "CompositeAlarm")) {
      return validation("alarmTypes", "Member must satisfy enum value set: [CompositeAlarm, MetricAlarm]");
    }
    const children = typeof b.ChildrenOfAlarmName === "string" ? b.ChildrenOfAlarmName : undefined;
    const parents = typeof b.ParentsOfAlarmName === "string" ? b.ParentsOfAlarmName : undefined;
    if (
      (children !== undefined || parents !== undefined) &&
      (names || prefix !== undefined || b.StateValue !== undefined || b.ActionPrefix !== undefined)
    ) {
      return fail(
        "InvalidParameterCombination",
        "ChildrenOfAlarmName and ParentsOfAlarmName cannot be used with other parameters except MaxRecords and NextToken.",
      );
    }
    if (children !== undefined && parents !== undefined) {
      return fail("InvalidParameterCombination", "ChildrenOfAlarmName and ParentsOfAlarmName cannot be used together.");
    }
    let metric = here(c);
    let composite = compositesHere(c);
    if (names) {
      metric = metric.filter((a) => names.includes(a.name));
      composite = composite.filter((a) => names.includes(a.name));
    }
    if (prefix !== undefined) {
      metric = metric.filter((a) => a.name.startsWith(prefix));
      composite = composite.filter((a) => a.name.startsWith(prefix));
    }
    if (typeof b.StateValue === "string") {
      metric = metric.filter((a) => a.state === b.StateValue);
      composite = composite.filter((a) => a.state === b.StateValue);
    }
    if (typeof b.ActionPrefix === "string") {
      const p = b.ActionPrefix;
      metric = metric.filter((a) => a.actions.some((x) => x.startsWith(p)));
      composite = composite.filter((a) => a.actions.some((x) => x.startsWith(p)));
    }
    if (children !== undefined) {
      // The alarms the named composite's rule references (the composite itself is not returned).
      const parent = composite.find((a) => a.name === children);
      const kids = new Set(parent ? childNames(parent) : []);
      metric = metric.filter((a) => kids.has(a.name));
      composite = composite.filter((a) => kids.has(a.name));
    }
    if (parents !== undefined) {
      // The composites whose rules reference the named alarm.
      metric = [];
      composite = composite.filter((a) => childNames(a).includes(parents));
    }
    if (!types.includes("MetricAlarm")) metric = [];
    if (!types.includes("CompositeAlarm")) composite = [];
    metric.sort((x, y) => x.name.localeCompare(y.name));
    composite.sort((x, y) => x.name.localeCompare(y.name));
    const max = b.MaxRecords === undefined ? 50 : b.MaxRecords;
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 100) {
      return validation("maxRecords", "Member must have value between 1 and 100");
    }
    let start = 0;
    if (typeof b.NextToken === "string") {
      const t = decodeToken(b.NextToken);
      if (!t || typeof t.o !== "number") return fail("InvalidNextToken", "The service couldn't process the NextToken.");
      start = t.o;
    }
    // One page holds up to MaxRecords alarms: metric alarms first, then composite alarms.
    const all = metric.length + composite.length;
    const end = Math.min(all, start + max);
    return {
      MetricAlarms: metric.slice(Math.min(start, metric.length), Math.min(end, metric.length)).map(shape),
      CompositeAlarms: composite
        .slice(Math.max(0, start - metric.length), Math.max(0, end - metric.length))
        .map(compositeShape),
      ...(end < all ? { NextToken: encodeToken({ o: end }) } : {}),
    };
  },
);

const describeAlarmsForMetric = operation(
  "DescribeAlarmsForMetric",
  {
    MetricName: "string",
    Namespace: "string",
    Statistic: "string",
    ExtendedStatistic: "string",
    Dimensions: { list: DIMENSION },
    Period: "number",
    Unit: "string",
  },
  true,
  (c, b) => {
    if (typeof b.MetricName !== "string" || typeof b.Namespace !== "string") {
      return fail("ValidationError", "1 validation error detected: MetricName and Namespace are required");
    }
    const dims = dimensions(b.Dimensions);
    if (dims instanceof CwFail) return dims;
    if (b.Period !== undefined && (typeof b.Period !== "number" || !Number.isInteger(b.Period) || b.Period < 1)) {
      return validation("period", "Member must have value greater than or equal to 1");
    }
    // The metric's identity includes its dimensions (all of them, in any order); statistic, period and unit filter.
    const list = here(c).filter((alarm) => {
      const a = alarm as CwAlarm;
      return (
        a.metricName === b.MetricName &&
        a.namespace === b.Namespace &&
        sameDimensions(a.dimensions ?? [], dims ?? []) &&
        (b.Statistic === undefined || a.statistic === b.Statistic) &&
        b.ExtendedStatistic === undefined &&
        (b.Period === undefined || a.period === b.Period) &&
        (b.Unit === undefined || a.unit === b.Unit)
      );
    });
    return { MetricAlarms: list.map(shape) };
  },
);

const putMetricAlarm = operation(
  "PutMetricAlarm",
  {
    AlarmName: "string",
    AlarmDescription: "string",
    ActionsEnabled: "boolean",
    OKActions: STRINGS,
    AlarmActions: STRINGS,
    InsufficientDataActions: STRINGS,
    MetricName: "string",
    Namespace: "string",
    Statistic: "string",
    ExtendedStatistic: "string",
    Dimensions: { list: DIMENSION },
    Period: "number",
    Unit: "string",
    EvaluationPeriods: "number",
    DatapointsToAlarm: "number",
    Threshold: "number",
    ComparisonOperator: "string",
    TreatMissingData: "string",
    EvaluateLowSampleCountPercentile: "string",
    Metrics: { list: { struct: { Id: "string", Expression: "string", ReturnData: "boolean" } } },
    Tags: { list: { struct: { Key: "string", Value: "string" } } },
    ThresholdMetricId: "string",
  },
  false,
  (c, b) => {
    const name = typeof b.AlarmName === "string" ? b.AlarmName : "";
    if (!name || typeof b.EvaluationPeriods !== "number" || typeof b.ComparisonOperator !== "string") {
      return fail(
        "ValidationError",
        "1 validation error detected: AlarmName, EvaluationPeriods and ComparisonOperator are required",
      );
    }
    if (!Number.isInteger(b.EvaluationPeriods) || b.EvaluationPeriods < 1) {
      return validation("evaluationPeriods", "Member must have value greater than or equal to 1");
    }
    if (typeof b.MetricName !== "string" || typeof b.Namespace !== "string") {
      return fail("ValidationError", "The simulator supports metric alarms on one metric (MetricName and Namespace)");
    }
    for (const [member, key] of [
      ["alarmActions", "AlarmActions"],
      ["oKActions", "OKActions"],
      ["insufficientDataActions", "InsufficientDataActions"],
    ] as const) {
      if ((strings(b[key])?.length ?? 0) > 5) {
        return validation(member, "Member must have length less than or equal to 5");
      }
    }
    const dims = dimensions(b.Dimensions);
    if (dims instanceof CwFail) return dims;
    for (const [member, key] of [
      ["period", "Period"],
      ["datapointsToAlarm", "DatapointsToAlarm"],
    ] as const) {
      const v = b[key];
      if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 1)) {
        return validation(member, "Member must have value greater than or equal to 1");
      }
    }
    if (b.Threshold !== undefined && (typeof b.Threshold !== "number" || !Number.isFinite(b.Threshold))) {
      return validation("threshold", "Member must be a number");
    }
    const state = alertingState(c.model);
    const i = state.alarms.findIndex((a) => a.account === c.account && a.region === c.region && a.name === name);
    // PutMetricAlarm replaces the whole configuration; only the alarm's state carries over.
    const alarm: CwAlarm = {
      name,
      account: c.account,
      region: c.region,
      metricName: b.MetricName,
      namespace: b.Namespace,
      actions: strings(b.AlarmActions) ?? [],
      okActions: strings(b.OKActions) ?? [],
      insufficientDataActions: strings(b.InsufficientDataActions) ?? [],
      actionsEnabled: b.ActionsEnabled !== false,
      state: i >= 0 ? state.alarms[i]!.state : "INSUFFICIENT_DATA",
      ...(typeof b.AlarmDescription === "string" ? { description: b.AlarmDescription } : {}),
      statistic: typeof b.Statistic === "string" ? b.Statistic : "Sum",
      dimensions: dims ?? [],
      period: typeof b.Period === "number" ? b.Period : 300,
      ...(typeof b.Unit === "string" ? { unit: b.Unit } : {}),
      evaluationPeriods: b.EvaluationPeriods,
      ...(typeof b.DatapointsToAlarm === "number" ? { datapointsToAlarm: b.DatapointsToAlarm } : {}),
      threshold: typeof b.Threshold === "number" ? b.Threshold : 1,
      comparisonOperator: b.ComparisonOperator,
      ...(typeof b.TreatMissingData === "string" ? { treatMissingData: b.TreatMissingData } : {}),
      updatedAt: c.now.getTime(),
    };
    if (i >= 0) state.alarms[i] = alarm;
    else state.alarms.push(alarm);
    c.model.version++;
    recordWrite(c, "monitoring.amazonaws.com", "PutMetricAlarm", { alarmName: name, metricName: alarm.metricName });
    return {};
  },
);

const deleteAlarms = operation("DeleteAlarms", { AlarmNames: STRINGS }, false, (c, b) => {
  const names = strings(b.AlarmNames);
  if (!names) {
    return fail(
      "ValidationError",
      "1 validation error detected: Value null at 'alarmNames' failed to satisfy constraint: Member must not be null",
    );
  }
  if (names.length > 100) return validation("alarmNames", "Member must have length less than or equal to 100");
  const state = alertingState(c.model);
  const missing = names.filter(
    (n) => !here(c).some((a) => a.name === n) && !compositesHere(c).some((a) => a.name === n),
  );
  if (missing.length) return fail("ResourceNotFound", `Alarms not found: ${missing.join(", ")}`, 404);
  const gone = (a: { account: string; region: string; name: string }) =>
    a.account === c.account && a.region === c.region && names.includes(a.name);
  state.alarms = state.alarms.filter((a) => !gone(a));
  state.composites = state.composites.filter((a) => !gone(a));
  c.model.version++;
  recordWrite(c, "monitoring.amazonaws.com", "DeleteAlarms", { alarmNames: names });
  return {};
});

export const cloudwatchOps: Record<string, AwsOperation> = {
  DescribeAlarms: describeAlarms,
  DescribeAlarmsForMetric: describeAlarmsForMetric,
  PutMetricAlarm: putMetricAlarm,
  DeleteAlarms: deleteAlarms,
};
export const cloudwatchWrites = new Set(["PutMetricAlarm", "DeleteAlarms"]);

// ---- CloudWatch Logs PutMetricFilter / DeleteMetricFilter (fix scripts create the CIS filters) ---------------------

function logsFail(code: string, message: string): SimResponse {
  return {
    status: 400,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-requestid": requestId(),
      "x-amzn-errortype": code,
    },
    body: JSON.stringify({ __type: code, message }),
  };
}

const putMetricFilter: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const groupName = typeof b.logGroupName === "string" ? b.logGroupName : "";
  const g = c.model.findLogGroup(c.account, c.region, groupName);
  if (!g) return logsFail("ResourceNotFoundException", "The specified log group does not exist.");
  const name = typeof b.filterName === "string" ? b.filterName : "";
  const pattern = typeof b.filterPattern === "string" ? b.filterPattern : "";
  const t = Array.isArray(b.metricTransformations)
    ? (b.metricTransformations[0] as Record<string, unknown>)
    : undefined;
  if (!name || !t || typeof t.metricName !== "string" || typeof t.metricNamespace !== "string") {
    return logsFail(
      "InvalidParameterException",
      "1 validation error detected: filterName and metricTransformations are required",
    );
  }
  try {
    parseFilterPattern(pattern);
  } catch (err) {
    if (err instanceof FilterPatternError)
      return logsFail("InvalidParameterException", "Invalid metric filter pattern");
    throw err;
  }
  const filter = {
    name,
    pattern,
    metricName: t.metricName,
    metricNamespace: t.metricNamespace,
    metricValue: typeof t.metricValue === "string" ? t.metricValue : "1",
  };
  const i = g.metricFilters.findIndex((f) => f.name === name);
  if (i >= 0) g.metricFilters[i] = filter;
  else g.metricFilters.push(filter);
  c.model.version++;
  recordWrite(c, "logs.amazonaws.com", "PutMetricFilter", { logGroupName: groupName, filterName: name });
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId() },
    body: "{}",
  };
};

const deleteMetricFilter: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const g = c.model.findLogGroup(c.account, c.region, typeof b.logGroupName === "string" ? b.logGroupName : "");
  if (!g) return logsFail("ResourceNotFoundException", "The specified log group does not exist.");
  const i = g.metricFilters.findIndex((f) => f.name === b.filterName);
  if (i < 0) return logsFail("ResourceNotFoundException", "The specified metric filter does not exist.");
  g.metricFilters.splice(i, 1);
  c.model.version++;
  recordWrite(c, "logs.amazonaws.com", "DeleteMetricFilter", { logGroupName: g.name, filterName: b.filterName });
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId() },
    body: "{}",
  };
};

/** Extra CloudWatch Logs operations (merged into the logs service by the handler). */
export const metricFilterOps: Record<string, AwsOperation> = {
  PutMetricFilter: putMetricFilter,
  DeleteMetricFilter: deleteMetricFilter,
};
export const metricFilterWrites = new Set(["PutMetricFilter", "DeleteMetricFilter"]);

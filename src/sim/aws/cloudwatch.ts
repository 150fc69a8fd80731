/**
 * CloudWatch (signing name `monitoring`), AWS JSON 1.0 protocol (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`,
 * awsQueryCompatible errors): DescribeAlarms, DescribeAlarmsForMetric, and PutMetricAlarm / DeleteAlarms for fix
 * scripts. Alarms live per account and region.
 */
import { FilterPatternError, parseFilterPattern } from "../../logs-filter/index.js";
import type { SimResponse } from "../types.js";
import { alertingState, type SimAlarm } from "./alerting.js";
import { type AwsCallContext, type AwsOperation, recordWrite } from "./context.js";
import { decodeToken, encodeToken, jsonBody, requestId } from "./protocol.js";

function ok(body: unknown): SimResponse {
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": requestId() },
    body: JSON.stringify(body ?? {}),
  };
}

function fail(code: string, message: string, status = 400): SimResponse {
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": requestId(),
      "x-amzn-query-error": `${code};Sender`,
    },
    body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${code}`, message }),
  };
}

function shape(a: SimAlarm) {
  return {
    AlarmName: a.name,
    AlarmArn: `arn:aws:cloudwatch:${a.region}:${a.account}:alarm:${a.name}`,
    ...(a.description ? { AlarmDescription: a.description } : {}),
    AlarmConfigurationUpdatedTimestamp: a.updatedAt / 1000,
    ActionsEnabled: a.actionsEnabled,
    OKActions: a.okActions,
    AlarmActions: a.actions,
    InsufficientDataActions: a.insufficientDataActions,
    StateValue: a.state,
    StateReason: a.state === "OK" ? "Threshold Crossed: no datapoints were received" : "Threshold Crossed",
    StateUpdatedTimestamp: a.updatedAt / 1000,
    MetricName: a.metricName,
    Namespace: a.namespace,
    Statistic: a.statistic,
    Dimensions: [],
    Period: a.period,
    EvaluationPeriods: a.evaluationPeriods,
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    ...(a.treatMissingData ? { TreatMissingData: a.treatMissingData } : {}),
    StateTransitionedTimestamp: a.updatedAt / 1000,
  };
}

const here = (c: AwsCallContext) =>
  alertingState(c.model).alarms.filter((a) => a.account === c.account && a.region === c.region);

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;

const describeAlarms: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const names = strings(b.AlarmNames);
  const prefix = typeof b.AlarmNamePrefix === "string" ? b.AlarmNamePrefix : undefined;
  if (names && prefix !== undefined) {
    return fail("InvalidParameterCombination", "AlarmNames and AlarmNamePrefix cannot be used together.");
  }
  const types = strings(b.AlarmTypes) ?? ["MetricAlarm"];
  let list = here(c);
  if (names) list = list.filter((a) => names.includes(a.name));
  if (prefix !== undefined) list = list.filter((a) => a.name.startsWith(prefix));
  if (typeof b.StateValue === "string") list = list.filter((a) => a.state === b.StateValue);
  if (typeof b.ActionPrefix === "string") {
    const p = b.ActionPrefix;
    list = list.filter((a) => a.actions.some((x) => x.startsWith(p)));
  }
  if (!types.includes("MetricAlarm")) list = [];
  list.sort((x, y) => x.name.localeCompare(y.name));
  const max = typeof b.MaxRecords === "number" ? b.MaxRecords : 50;
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    return fail("ValidationError", "1 validation error detected: Value at 'maxRecords' failed to satisfy constraint");
  }
  let start = 0;
  if (typeof b.NextToken === "string") {
    const t = decodeToken(b.NextToken);
    if (!t || typeof t.o !== "number") return fail("InvalidNextToken", "The service couldn't process the NextToken.");
    start = t.o;
  }
  return ok({
    MetricAlarms: list.slice(start, start + max).map(shape),
    CompositeAlarms: [],
    ...(start + max < list.length ? { NextToken: encodeToken({ o: start + max }) } : {}),
  });
};

const describeAlarmsForMetric: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  if (typeof b.MetricName !== "string" || typeof b.Namespace !== "string") {
    return fail("ValidationError", "1 validation error detected: MetricName and Namespace are required");
  }
  const list = here(c).filter((a) => a.metricName === b.MetricName && a.namespace === b.Namespace);
  return ok({ MetricAlarms: list.map(shape) });
};

const putMetricAlarm: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const name = typeof b.AlarmName === "string" ? b.AlarmName : "";
  if (!name || typeof b.EvaluationPeriods !== "number" || typeof b.ComparisonOperator !== "string") {
    return fail(
      "ValidationError",
      "1 validation error detected: AlarmName, EvaluationPeriods and ComparisonOperator are required",
    );
  }
  if (typeof b.MetricName !== "string" || typeof b.Namespace !== "string") {
    return fail("ValidationError", "The simulator supports metric alarms on one metric (MetricName and Namespace)");
  }
  const state = alertingState(c.model);
  const existing = state.alarms.find((a) => a.account === c.account && a.region === c.region && a.name === name);
  const alarm: SimAlarm = {
    name,
    account: c.account,
    region: c.region,
    metricName: b.MetricName,
    namespace: b.Namespace,
    actions: strings(b.AlarmActions) ?? [],
    okActions: strings(b.OKActions) ?? [],
    insufficientDataActions: strings(b.InsufficientDataActions) ?? [],
    actionsEnabled: b.ActionsEnabled !== false,
    state: existing?.state ?? "INSUFFICIENT_DATA",
    ...(typeof b.AlarmDescription === "string" ? { description: b.AlarmDescription } : {}),
    statistic: typeof b.Statistic === "string" ? b.Statistic : "Sum",
    period: typeof b.Period === "number" ? b.Period : 300,
    evaluationPeriods: b.EvaluationPeriods,
    threshold: typeof b.Threshold === "number" ? b.Threshold : 1,
    comparisonOperator: b.ComparisonOperator,
    ...(typeof b.TreatMissingData === "string" ? { treatMissingData: b.TreatMissingData } : {}),
    updatedAt: c.now.getTime(),
  };
  if (existing) Object.assign(existing, alarm);
  else state.alarms.push(alarm);
  c.model.version++;
  recordWrite(c, "monitoring.amazonaws.com", "PutMetricAlarm", { alarmName: name, metricName: alarm.metricName });
  return ok({});
};

const deleteAlarms: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const names = strings(b.AlarmNames) ?? [];
  const state = alertingState(c.model);
  const missing = names.filter((n) => !here(c).some((a) => a.name === n));
  if (missing.length) return fail("ResourceNotFound", `Alarms not found: ${missing.join(", ")}`, 404);
  state.alarms = state.alarms.filter(
    (a) => !(a.account === c.account && a.region === c.region && names.includes(a.name)),
  );
  c.model.version++;
  recordWrite(c, "monitoring.amazonaws.com", "DeleteAlarms", { alarmNames: names });
  return ok({});
};

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

/**
 * CloudWatch (signing name `monitoring`), AWS JSON 1.0 protocol (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`,
 * awsQueryCompatible errors): DescribeAlarms (metric and composite alarms), DescribeAlarmsForMetric (metric alarms
 * only, as the real API), and PutMetricAlarm / DeleteAlarms for fix scripts. Alarms live per account and region.
 */

import { parseAlarmRule, ruleReferences } from "../../../analyzers/detection/alarm-rule.js";
import { FilterPatternError, parseFilterPattern } from "../../logs-filter/index.js";
import type { SimResponse } from "../types.js";
import { alertingState, type SimAlarm, type SimCompositeAlarm } from "./alerting.js";
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

function compositeShape(a: SimCompositeAlarm) {
  const at = a.updatedAt / 1000;
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

const describeAlarms: AwsOperation = (c) => {
  const b = jsonBody(c.req);
  const names = strings(b.AlarmNames);
  const prefix = typeof b.AlarmNamePrefix === "string" ? b.AlarmNamePrefix : undefined;
  if (names && prefix !== undefined) {
    return fail("InvalidParameterCombination", "AlarmNames and AlarmNamePrefix cannot be used together.");
  }
  // Without AlarmTypes only metric alarms are returned, even when composite alarms exist.
  const types = strings(b.AlarmTypes) ?? ["MetricAlarm"];
  if (types.some((t) => t !== "MetricAlarm" && t !== "CompositeAlarm")) {
    return fail(
      "ValidationError",
      "1 validation error detected: Value at 'alarmTypes' failed to satisfy constraint: Member must satisfy enum value set: [CompositeAlarm, MetricAlarm]",
    );
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
  // One page holds up to MaxRecords alarms: metric alarms first, then composite alarms.
  const all = metric.length + composite.length;
  const end = Math.min(all, start + max);
  return ok({
    MetricAlarms: metric.slice(Math.min(start, metric.length), Math.min(end, metric.length)).map(shape),
    CompositeAlarms: composite
      .slice(Math.max(0, start - metric.length), Math.max(0, end - metric.length))
      .map(compositeShape),
    ...(end < all ? { NextToken: encodeToken({ o: end }) } : {}),
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

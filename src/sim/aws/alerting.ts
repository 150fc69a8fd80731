/**
 * Simulator state for CloudWatch alarms and SNS topics (detection coverage), kept beside the AwsModel (keyed by it)
 * and initialised lazily from the scenario's `alarms`, `compositeAlarms` and `snsTopics`.
 */
import { createHash } from "node:crypto";
import type { AwsModel } from "./model.js";

export interface SimAlarm {
  name: string;
  account: string;
  region: string;
  metricName: string;
  namespace: string;
  actions: string[];
  okActions: string[];
  insufficientDataActions: string[];
  actionsEnabled: boolean;
  state: string;
  description?: string;
  statistic: string;
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: string;
  treatMissingData?: string;
  updatedAt: number;
}

export interface SimCompositeAlarm {
  name: string;
  account: string;
  region: string;
  rule: string;
  actions: string[];
  okActions: string[];
  insufficientDataActions: string[];
  actionsEnabled: boolean;
  state: string;
  description?: string;
  actionsSuppressor?: string;
  updatedAt: number;
}

export interface SimSubscription {
  id: string;
  protocol: string;
  endpoint: string;
  confirmed: boolean;
}

export interface SimTopic {
  name: string;
  account: string;
  region: string;
  arn: string;
  subscriptions: SimSubscription[];
}

export interface AlertingState {
  alarms: SimAlarm[];
  composites: SimCompositeAlarm[];
  topics: Map<string, SimTopic>;
}

const states = new WeakMap<AwsModel, AlertingState>();

export function topicArn(region: string, account: string, name: string): string {
  return `arn:aws:sns:${region}:${account}:${name}`;
}

export function subscriptionId(topic: string, protocol: string, endpoint: string): string {
  const h = createHash("sha256").update(`${topic}\u0000${protocol}\u0000${endpoint}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function alertingState(model: AwsModel): AlertingState {
  let s = states.get(model);
  if (s) return s;
  s = { alarms: [], composites: [], topics: new Map() };
  const now = model.now.getTime();
  for (const t of model.scenario.snsTopics ?? []) {
    const arn = topicArn(t.region, t.account, t.name);
    s.topics.set(arn, {
      name: t.name,
      account: t.account,
      region: t.region,
      arn,
      subscriptions: t.subscriptions.map((x) => ({
        id: subscriptionId(arn, x.protocol, x.endpoint),
        protocol: x.protocol,
        endpoint: x.endpoint,
        confirmed: x.confirmed,
      })),
    });
  }
  for (const a of model.scenario.alarms ?? []) {
    s.alarms.push({
      name: a.name,
      account: a.account,
      region: a.region,
      metricName: a.metricName,
      namespace: a.namespace,
      actions: a.actions.map((x) => (x.startsWith("arn:") ? x : topicArn(a.region, a.account, x))),
      okActions: [],
      insufficientDataActions: [],
      actionsEnabled: a.actionsEnabled,
      state: a.state,
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      updatedAt: now - 30 * 86_400_000,
    });
  }
  for (const a of model.scenario.compositeAlarms ?? []) {
    s.composites.push({
      name: a.name,
      account: a.account,
      region: a.region,
      rule: a.rule,
      actions: a.actions.map((x) => (x.startsWith("arn:") ? x : topicArn(a.region, a.account, x))),
      okActions: [],
      insufficientDataActions: [],
      actionsEnabled: a.actionsEnabled,
      state: a.state,
      ...(a.actionsSuppressor ? { actionsSuppressor: a.actionsSuppressor } : {}),
      updatedAt: now - 30 * 86_400_000,
    });
  }
  states.set(model, s);
  return s;
}

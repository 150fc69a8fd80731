/**
 * Detection-coverage facts for AWS (CIS 4.1–4.15): the metric filters of every trail log group (read from the
 * account that owns the group, so an organization trail's group is read in the management account), the metric
 * and composite alarms of the groups' regions (DescribeAlarms with AlarmTypes MetricAlarm and CompositeAlarm:
 * direct and metric-math alarms, every composite alarm), and the subscriptions of the SNS topics the alarms notify
 * (a composite's topics when its rule references one of those metric alarms, directly or through other
 * composites). Read-only; judges nothing. Every failure is an error probe (unknown), never an absence.
 */
import type {
  CloudWatchClient,
  MetricAlarm as SdkAlarm,
  CompositeAlarm as SdkComposite,
} from "@aws-sdk/client-cloudwatch";
import type { SNSClient } from "@aws-sdk/client-sns";
import { propagationCandidates } from "../../../analyzers/detection/alarm-rule.js";
import type { Probe } from "../../model/common.js";
import type { AwsDetection, CompositeAlarm, MetricAlarm, MetricFilter } from "../../model/detection.js";
import type { Scope } from "../../model/scope.js";
import type { AwsAccount } from "../../model/snapshot-aws.js";
import { mapLimit } from "../../scan/limit.js";
import { guardAwsClient } from "../../scan/read-only.js";
import { parseArn } from "../aws/account.js";
import type { AwsCaller } from "../aws/call.js";
import type { AwsClients } from "../aws/clients.js";
import { notScanned } from "../aws/destinations.js";
import { cloudwatchSdk, logsSdk, snsSdk } from "../aws/sdk.js";

const { DescribeAlarmsCommand } = cloudwatchSdk;
const { DescribeMetricFiltersCommand } = logsSdk;
const { ListSubscriptionsByTopicCommand } = snsSdk;

/** An account the scan entered, with its clients (same shape as the AWS collector's `Entered`). */
export interface DetectionTarget {
  account: AwsAccount;
  clients: AwsClients;
}

type Service = "CLOUDWATCH" | "SNS";

/** CloudWatch and SNS clients built from an identity's AwsClients (same credentials, endpoint rules, HTTP layer, guard). */
class ExtraClients {
  private readonly cache = new Map<string, CloudWatchClient | SNSClient>();
  /** The identity's client configuration: the scan's shared HTTP handler (limiter, sockets), retries, endpoints. */
  private config(clients: AwsClients, service: Service, region: string) {
    return clients.clientConfig(service, region);
  }
  private readonly ids = new WeakMap<AwsClients, number>();
  private counter = 0;
  /** One id per identity (AwsClients instance): clients are never shared across identities. */
  private id(clients: AwsClients): number {
    let n = this.ids.get(clients);
    if (n === undefined) {
      n = ++this.counter;
      this.ids.set(clients, n);
    }
    return n;
  }
  cloudwatch(clients: AwsClients, region: string): CloudWatchClient {
    const key = `cw/${this.id(clients)}/${region}`;
    let c = this.cache.get(key) as CloudWatchClient | undefined;
    if (!c) {
      c = guardAwsClient(new cloudwatchSdk.CloudWatchClient(this.config(clients, "CLOUDWATCH", region)));
      this.cache.set(key, c);
    }
    return c;
  }
  sns(clients: AwsClients, region: string): SNSClient {
    const key = `sns/${this.id(clients)}/${region}`;
    let c = this.cache.get(key) as SNSClient | undefined;
    if (!c) {
      c = guardAwsClient(new snsSdk.SNSClient(this.config(clients, "SNS", region)));
      this.cache.set(key, c);
    }
    return c;
  }
  destroy(): void {
    for (const c of this.cache.values()) c.destroy();
    this.cache.clear();
  }
}

function detectionOf(account: AwsAccount): AwsDetection {
  account.detection ??= { logGroups: [], alarms: [], compositeAlarms: [], topics: [] };
  return account.detection;
}

function mapComposite(a: SdkComposite): CompositeAlarm {
  return {
    name: a.AlarmName ?? "",
    ...(a.AlarmArn ? { arn: a.AlarmArn } : {}),
    alarmRule: a.AlarmRule ?? "",
    actionsEnabled: a.ActionsEnabled !== false,
    alarmActions: a.AlarmActions ?? [],
    ...(a.StateValue ? { stateValue: a.StateValue } : {}),
    ...(a.ActionsSuppressor ? { actionsSuppressor: a.ActionsSuppressor } : {}),
  };
}

function mapAlarm(a: SdkAlarm): MetricAlarm {
  return {
    name: a.AlarmName ?? "",
    ...(a.AlarmArn ? { arn: a.AlarmArn } : {}),
    actionsEnabled: a.ActionsEnabled !== false,
    alarmActions: a.AlarmActions ?? [],
    ...(a.StateValue ? { stateValue: a.StateValue } : {}),
  };
}

/** The metrics (namespace, name) an alarm watches: its own metric or the metrics of its metric-math queries. */
function alarmMetrics(a: SdkAlarm): { namespace: string; name: string }[] {
  const out: { namespace: string; name: string }[] = [];
  if (a.MetricName && a.Namespace) out.push({ namespace: a.Namespace, name: a.MetricName });
  for (const q of a.Metrics ?? []) {
    const m = q.MetricStat?.Metric;
    if (m?.MetricName && m.Namespace) out.push({ namespace: m.Namespace, name: m.MetricName });
  }
  return out;
}

/**
 * Reads the detection facts for every trail log group the entered accounts' trails name, and stores them on the
 * account that owns each group (`account.detection`). Never throws for an API failure.
 */
export async function collectAwsDetection(
  caller: AwsCaller,
  entered: ReadonlyMap<string, DetectionTarget>,
  opts: { concurrency?: number } = {},
): Promise<void> {
  const extra = new ExtraClients();
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const now = () => caller.ctx.now();
  try {
    // 1. Trail log groups, keyed by ARN without `:*`.
    const groups = new Map<string, { region: string; owner: string; name: string; viewer: string }>();
    for (const { account } of entered.values()) {
      for (const t of account.trails) {
        if (!t.cloudWatchLogsLogGroupArn) continue;
        const key = t.cloudWatchLogsLogGroupArn.replace(/:\*$/, "");
        if (groups.has(key)) continue;
        const p = parseArn(key);
        const name = /^log-group:(.+)$/.exec(p?.resource ?? "")?.[1];
        if (!p || !name) continue;
        groups.set(key, {
          region: p.region || t.homeRegion,
          owner: p.account || account.accountId,
          name,
          viewer: account.accountId,
        });
      }
    }
    for (const { account } of entered.values()) detectionOf(account);

    // 2. Metric filters of each group, from its owner account.
    await mapLimit([...groups], concurrency, async ([arn, g]) => {
      const reader = entered.get(g.owner);
      const target = reader ?? entered.get(g.viewer)!;
      let metricFilters: Probe<MetricFilter[]>;
      if (!reader) {
        metricFilters = {
          state: "error",
          error: notScanned("logs", "DescribeMetricFilters", `log group ${g.name}`, g.owner, now()),
        };
      } else {
        const scope: Scope = { cloud: "aws", accountId: g.owner, region: g.region };
        try {
          const out: MetricFilter[] = [];
          let token: string | undefined;
          do {
            const page = await caller.call("logs", "DescribeMetricFilters", scope, (abortSignal) =>
              reader.clients
                .logs(g.region)
                .send(new DescribeMetricFiltersCommand({ logGroupName: g.name, nextToken: token }), { abortSignal }),
            );
            for (const f of page.metricFilters ?? []) {
              out.push({
                filterName: f.filterName ?? "",
                filterPattern: f.filterPattern ?? "",
                metrics: (f.metricTransformations ?? [])
                  .filter((m) => m.metricName && m.metricNamespace)
                  .map((m) => ({ namespace: m.metricNamespace!, name: m.metricName! })),
              });
            }
            token = page.nextToken;
          } while (token && !caller.aborted);
          metricFilters = { state: "ok", value: out };
        } catch (err) {
          metricFilters = { state: "error", error: caller.error(err, "logs", "DescribeMetricFilters") };
        }
      }
      detectionOf(target.account).logGroups.push({
        arn,
        name: g.name,
        accountId: g.owner,
        region: g.region,
        metricFilters,
      });
    });

    // 3. Alarms of each (owner, region) that has metric filters, once per region; facts per metric.
    const wanted = new Map<
      string,
      { owner: string; region: string; metrics: Map<string, { namespace: string; name: string }> }
    >();
    for (const { account } of entered.values()) {
      for (const g of account.detection?.logGroups ?? []) {
        if (g.metricFilters.state !== "ok" || !entered.has(g.accountId)) continue;
        const k = `${g.accountId}|${g.region}`;
        const w = wanted.get(k) ?? { owner: g.accountId, region: g.region, metrics: new Map() };
        for (const f of g.metricFilters.value) for (const m of f.metrics) w.metrics.set(`${m.namespace}|${m.name}`, m);
        wanted.set(k, w);
      }
    }
    const topicWanted = new Map<string, string>(); // topic ARN -> account whose alarm names it
    await mapLimit([...wanted.values()], concurrency, async (w) => {
      const reader = entered.get(w.owner)!;
      const scope: Scope = { cloud: "aws", accountId: w.owner, region: w.region };
      let alarms: Probe<{ metric: SdkAlarm[]; composite: SdkComposite[] }>;
      try {
        const metric: SdkAlarm[] = [];
        const composite: SdkComposite[] = [];
        let token: string | undefined;
        do {
          const page = await caller.call("cloudwatch", "DescribeAlarms", scope, (abortSignal) =>
            extra.cloudwatch(reader.clients, w.region).send(
              // Without AlarmTypes, DescribeAlarms returns metric alarms only.
              new DescribeAlarmsCommand({ AlarmTypes: ["CompositeAlarm", "MetricAlarm"], NextToken: token }),
              { abortSignal },
            ),
          );
          metric.push(...(page.MetricAlarms ?? []));
          composite.push(...(page.CompositeAlarms ?? []));
          token = page.NextToken;
        } while (token && !caller.aborted);
        alarms = { state: "ok", value: { metric, composite } };
      } catch (err) {
        alarms = { state: "error", error: caller.error(err, "cloudwatch", "DescribeAlarms") };
      }
      const det = detectionOf(reader.account);
      const composites = alarms.state === "ok" ? alarms.value.composite.map(mapComposite) : [];
      det.compositeAlarms.push({
        accountId: w.owner,
        region: w.region,
        alarms: alarms.state === "ok" ? { state: "ok", value: composites } : alarms,
      });
      const home = { accountId: w.owner, region: w.region };
      for (const m of w.metrics.values()) {
        if (alarms.state === "error") {
          det.alarms.push({ accountId: w.owner, region: w.region, namespace: m.namespace, metricName: m.name, alarms });
          continue;
        }
        const on = alarms.value.metric.filter((a) =>
          alarmMetrics(a).some((x) => x.namespace === m.namespace && x.name === m.name),
        );
        for (const a of on) {
          for (const t of a.AlarmActions ?? []) if (parseArn(t)?.service === "sns") topicWanted.set(t, w.owner);
          // The topics of the composites whose rules reference this alarm (directly or through composites).
          for (const c of propagationCandidates(a.AlarmName ?? "", composites, home))
            for (const t of c.alarmActions) if (parseArn(t)?.service === "sns") topicWanted.set(t, w.owner);
        }
        det.alarms.push({
          accountId: w.owner,
          region: w.region,
          namespace: m.namespace,
          metricName: m.name,
          alarms: { state: "ok", value: on.map(mapAlarm) },
        });
      }
    });

    // 4. Subscriptions of the alarms' SNS topics, from the topic's account when entered.
    await mapLimit([...topicWanted], concurrency, async ([topicArn, alarmOwner]) => {
      const p = parseArn(topicArn)!;
      const reader = entered.get(p.account) ?? entered.get(alarmOwner)!;
      const scope: Scope = { cloud: "aws", accountId: reader.account.accountId, region: p.region };
      let confirmed = 0;
      let pending = 0;
      const protocols = new Set<string>();
      let subscriptions: TopicFact["subscriptions"];
      try {
        let token: string | undefined;
        do {
          const page = await caller.call("sns", "ListSubscriptionsByTopic", scope, (abortSignal) =>
            extra
              .sns(reader.clients, p.region)
              .send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }), { abortSignal }),
          );
          for (const s of page.Subscriptions ?? []) {
            const arn = s.SubscriptionArn ?? "";
            if (arn === "PendingConfirmation") pending++;
            else if (arn.startsWith("arn:")) {
              confirmed++;
              if (s.Protocol) protocols.add(s.Protocol);
            }
          }
          token = page.NextToken;
        } while (token && !caller.aborted);
        subscriptions = { state: "ok", value: { confirmed, pending, protocols: [...protocols].sort() } };
      } catch (err) {
        subscriptions = { state: "error", error: caller.error(err, "sns", "ListSubscriptionsByTopic") };
      }
      detectionOf(reader.account).topics.push({ arn: topicArn, subscriptions });
    });

    const at = now().toISOString();
    for (const { account } of entered.values()) {
      const d = account.detection;
      if (!d) continue;
      d.readAt = at;
      d.logGroups.sort((a, b) => a.arn.localeCompare(b.arn));
      d.alarms.sort((a, b) =>
        `${a.region}|${a.namespace}|${a.metricName}`.localeCompare(`${b.region}|${b.namespace}|${b.metricName}`),
      );
      d.compositeAlarms.sort((a, b) => `${a.accountId}|${a.region}`.localeCompare(`${b.accountId}|${b.region}`));
      d.topics.sort((a, b) => a.arn.localeCompare(b.arn));
    }
  } finally {
    extra.destroy();
  }
}

type TopicFact = AwsDetection["topics"][number];

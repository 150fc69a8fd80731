/**
 * The simulator's CloudWatch (JSON 1.0) and SNS (query/XML) for detection coverage, through the real SDK clients:
 * what the collector reads and what fix scripts write (PutMetricFilter, PutMetricAlarm, CreateTopic, Subscribe).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  PutMetricAlarmCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET, defaultAccessKey } from "../../src/sim/aws/model.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_ACCOUNTS } from "../../src/sim/scenarios/demo-aws.js";

const MGMT = DEMO_ACCOUNTS.management;
let sim: Simulator;
const creds = (account: string) => ({ accessKeyId: defaultAccessKey(account), secretAccessKey: DEFAULT_SECRET });
const cw = (region = "us-east-1", account: string = MGMT) =>
  new CloudWatchClient({ endpoint: sim.url, region, credentials: creds(account), maxAttempts: 1 });
const sns = (region = "us-east-1", account: string = MGMT) =>
  new SNSClient({ endpoint: sim.url, region, credentials: creds(account), maxAttempts: 1 });

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

describe("simulated CloudWatch alarms", () => {
  it("lists the demo's alarms with actions, pages, and filters by metric", async () => {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await cw().send(new DescribeAlarmsCommand({ MaxRecords: 4, NextToken: token }));
      names.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName!));
      token = page.NextToken;
    } while (token);
    // Metric alarms only: without AlarmTypes, the composite alarm of the demo is not listed.
    expect(names).toHaveLength(7);
    expect(names).not.toContain("SecurityGroupChangesOutsideDeploys");
    const root = await cw().send(
      new DescribeAlarmsForMetricCommand({ MetricName: "RootAccountUsage", Namespace: "CISBenchmark" }),
    );
    expect(root.MetricAlarms?.[0]).toMatchObject({
      AlarmName: "RootAccountUsage",
      ActionsEnabled: true,
      AlarmActions: [`arn:aws:sns:us-east-1:${MGMT}:acme-security-alerts`],
      Namespace: "CISBenchmark",
    });
    // Alarms are per account and region.
    expect((await cw("eu-west-1").send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
    expect((await cw("us-east-1", DEMO_ACCOUNTS.production).send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual(
      [],
    );
  });

  it("PutMetricFilter and PutMetricAlarm create what a later scan reads; bad patterns are refused", async () => {
    const logs = new CloudWatchLogsClient({
      endpoint: sim.url,
      region: "us-east-1",
      credentials: creds(MGMT),
      maxAttempts: 1,
    });
    await expect(
      logs.send(
        new PutMetricFilterCommand({
          logGroupName: "aws-cloudtrail-logs-acme-org",
          filterName: "bad",
          filterPattern: "{ $.eventName = ",
          metricTransformations: [{ metricName: "X", metricNamespace: "CISBenchmark", metricValue: "1" }],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
    await logs.send(
      new PutMetricFilterCommand({
        logGroupName: "aws-cloudtrail-logs-acme-org",
        filterName: "cis-4.1-unauthorized",
        filterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
        metricTransformations: [
          { metricName: "UnauthorizedAPICalls", metricNamespace: "CISBenchmark", metricValue: "1" },
        ],
      }),
    );
    const f = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: "aws-cloudtrail-logs-acme-org" }));
    expect(f.metricFilters?.map((x) => x.filterName)).toContain("cis-4.1-unauthorized");
    await cw().send(
      new PutMetricAlarmCommand({
        AlarmName: "UnauthorizedAPICalls",
        MetricName: "UnauthorizedAPICalls",
        Namespace: "CISBenchmark",
        Statistic: "Sum",
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        AlarmActions: [`arn:aws:sns:us-east-1:${MGMT}:acme-security-alerts`],
      }),
    );
    const a = await cw().send(
      new DescribeAlarmsForMetricCommand({ MetricName: "UnauthorizedAPICalls", Namespace: "CISBenchmark" }),
    );
    expect(a.MetricAlarms?.map((x) => x.AlarmName)).toEqual(["UnauthorizedAPICalls"]);
    const writes = sim
      .calls()
      .filter((c) => c.write)
      .map((c) => c.operation);
    expect(writes).toEqual(expect.arrayContaining(["PutMetricFilter", "PutMetricAlarm"]));
  });
});

describe("simulated SNS", () => {
  it("lists confirmed and pending subscriptions; an unknown topic is NotFound", async () => {
    const ok = await sns().send(
      new ListSubscriptionsByTopicCommand({ TopicArn: `arn:aws:sns:us-east-1:${MGMT}:acme-security-alerts` }),
    );
    expect(ok.Subscriptions?.map((s) => s.Protocol)).toEqual(["email", "https"]);
    expect(ok.Subscriptions?.every((s) => s.SubscriptionArn?.startsWith("arn:aws:sns:"))).toBe(true);
    const pending = await sns().send(
      new ListSubscriptionsByTopicCommand({ TopicArn: `arn:aws:sns:us-east-1:${MGMT}:acme-kms-alerts` }),
    );
    expect(pending.Subscriptions?.map((s) => s.SubscriptionArn)).toEqual(["PendingConfirmation"]);
    await expect(
      sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: `arn:aws:sns:us-east-1:${MGMT}:nope` })),
    ).rejects.toMatchObject({ name: "NotFoundException" });
  });

  it("CreateTopic, Subscribe (email pending until confirmed, sqs immediate), ConfirmSubscription", async () => {
    const t = await sns("eu-west-1").send(new CreateTopicCommand({ Name: "cis-alarms" }));
    expect(t.TopicArn).toBe(`arn:aws:sns:eu-west-1:${MGMT}:cis-alarms`);
    const e = await sns("eu-west-1").send(
      new SubscribeCommand({ TopicArn: t.TopicArn, Protocol: "email", Endpoint: "soc@example.com" }),
    );
    expect(e.SubscriptionArn).toBe("pending confirmation");
    const q = await sns("eu-west-1").send(
      new SubscribeCommand({
        TopicArn: t.TopicArn,
        Protocol: "sqs",
        Endpoint: `arn:aws:sqs:eu-west-1:${MGMT}:soc-queue`,
      }),
    );
    expect(q.SubscriptionArn).toMatch(/^arn:aws:sns:eu-west-1:/);
    await sns("eu-west-1").send(new ConfirmSubscriptionCommand({ TopicArn: t.TopicArn, Token: "token-from-mail" }));
    const l = await sns("eu-west-1").send(new ListSubscriptionsByTopicCommand({ TopicArn: t.TopicArn }));
    expect(l.Subscriptions?.filter((s) => s.SubscriptionArn === "PendingConfirmation")).toEqual([]);
    expect(l.Subscriptions).toHaveLength(2);
  });
});

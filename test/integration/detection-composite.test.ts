/**
 * Composite alarms end to end: the simulator's DescribeAlarms through the real @aws-sdk/client-cloudwatch (AlarmTypes
 * default and filters, paging across both kinds, Children/ParentsOfAlarmName, DescribeAlarmsForMetric never returning
 * composites), then a scan where CIS classes are covered only through composite alarms.
 */
import { CloudWatchClient, DescribeAlarmsCommand, DescribeAlarmsForMetricCommand } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import type { Finding } from "../../src/model/finding.js";
import { SnapshotSchema } from "../../src/model/snapshot.js";
import { runScan } from "../../src/scan/index.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { DEFAULT_SECRET, defaultAccessKey } from "../../src/sim/aws/model.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import type { AwsScenarioInput } from "../../src/sim/scenario/aws.js";
import { testScanOptions } from "../helpers/scan-options.js";

const A = "123456789012";
const R = "us-east-1";
const alarmArn = (name: string) => `arn:aws:cloudwatch:${R}:${A}:alarm:${name}`;
const topicArn = (name: string) => `arn:aws:sns:${R}:${A}:${name}`;

const ROOT =
  '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
const FAILED_LOGINS = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }';
const CMK =
  "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }";
const S3_POLICY =
  "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }";

/**
 * Four CIS classes whose metric alarms have no action of their own:
 * 4.3 root -> composite `security` (OR) -> confirmed topic: covered;
 * 4.6 failed logins -> composite `gated` (AND with a deployment window alarm): not covered;
 * 4.7 CMK -> `inner` (OR, no actions) -> `outer` (by ARN) -> confirmed topic: covered;
 * 4.8 S3 policy -> composite `muted` with actions disabled: not covered.
 */
const SCENARIO: AwsScenarioInput = {
  accounts: [{ id: A, name: "solo" }],
  trails: [
    {
      name: "main",
      account: A,
      homeRegion: R,
      multiRegion: true,
      s3Bucket: "solo-trail-123456789012",
      cloudWatchLogs: { logGroup: "trail-logs" },
    },
  ],
  buckets: [{ name: "solo-trail-123456789012", account: A, region: R }],
  logGroups: [
    {
      name: "trail-logs",
      account: A,
      region: R,
      metricFilters: [
        { name: "root", pattern: ROOT, metricName: "Root" },
        { name: "failed-logins", pattern: FAILED_LOGINS, metricName: "FailedLogins" },
        { name: "cmk", pattern: CMK, metricName: "Cmk" },
        { name: "s3-policy", pattern: S3_POLICY, metricName: "S3Policy" },
      ],
    },
  ],
  alarms: [
    { name: "root", account: A, region: R, metricName: "Root" },
    { name: "failed-logins", account: A, region: R, metricName: "FailedLogins" },
    { name: "cmk", account: A, region: R, metricName: "Cmk" },
    { name: "s3-policy", account: A, region: R, metricName: "S3Policy" },
    { name: "deploy-window", account: A, region: R, metricName: "Deploying", namespace: "Ops" },
  ],
  compositeAlarms: [
    { name: "security", account: A, region: R, rule: 'ALARM("root") OR ALARM(deploy-window)', actions: ["soc"] },
    {
      name: "gated",
      account: A,
      region: R,
      rule: "ALARM(failed-logins) AND ALARM(deploy-window)",
      actions: ["soc"],
    },
    { name: "inner", account: A, region: R, rule: `ALARM(${alarmArn("cmk")}) OR ALARM(other)`, state: "ALARM" },
    {
      name: "outer",
      account: A,
      region: R,
      rule: `ALARM(${alarmArn("inner")})`,
      actions: [topicArn("soc")],
      actionsSuppressor: "deploy-window",
    },
    { name: "muted", account: A, region: R, rule: "ALARM(s3-policy)", actions: ["soc"], actionsEnabled: false },
  ],
  snsTopics: [{ name: "soc", account: A, region: R, subscriptions: [{ endpoint: "soc@example.com" }] }],
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: { name: "detection-composite", aws: SCENARIO } });
});
afterAll(async () => {
  await sim.close();
});

const cw = () =>
  new CloudWatchClient({
    endpoint: sim.url,
    region: R,
    credentials: { accessKeyId: defaultAccessKey(A), secretAccessKey: DEFAULT_SECRET },
    maxAttempts: 1,
  });

describe("simulated DescribeAlarms with composite alarms", () => {
  it("returns metric alarms only without AlarmTypes, composites only or both when asked", async () => {
    const client = cw();
    const plain = await client.send(new DescribeAlarmsCommand({}));
    expect(plain.MetricAlarms).toHaveLength(5);
    expect(plain.CompositeAlarms ?? []).toEqual([]);
    const composites = await client.send(new DescribeAlarmsCommand({ AlarmTypes: ["CompositeAlarm"] }));
    expect(composites.MetricAlarms ?? []).toEqual([]);
    expect(composites.CompositeAlarms?.map((a) => a.AlarmName)).toEqual([
      "gated",
      "inner",
      "muted",
      "outer",
      "security",
    ]);
    const security = composites.CompositeAlarms?.find((a) => a.AlarmName === "security");
    expect(security).toMatchObject({
      AlarmArn: alarmArn("security"),
      AlarmRule: 'ALARM("root") OR ALARM(deploy-window)',
      ActionsEnabled: true,
      AlarmActions: [topicArn("soc")],
      StateValue: "OK",
    });
    expect(security?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    expect(composites.CompositeAlarms?.find((a) => a.AlarmName === "outer")?.ActionsSuppressor).toBe("deploy-window");
    expect(composites.CompositeAlarms?.find((a) => a.AlarmName === "muted")?.ActionsEnabled).toBe(false);
    client.destroy();
  });

  it("pages across both kinds and applies name, prefix, state and action filters to both", async () => {
    const client = cw();
    const metric: string[] = [];
    const composite: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new DescribeAlarmsCommand({ AlarmTypes: ["MetricAlarm", "CompositeAlarm"], MaxRecords: 3, NextToken: token }),
      );
      pages++;
      expect((page.MetricAlarms?.length ?? 0) + (page.CompositeAlarms?.length ?? 0)).toBeLessThanOrEqual(3);
      metric.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName!));
      composite.push(...(page.CompositeAlarms ?? []).map((a) => a.AlarmName!));
      token = page.NextToken;
    } while (token);
    expect(pages).toBe(4);
    expect(metric).toHaveLength(5);
    expect(composite).toHaveLength(5);
    const both = { AlarmTypes: ["MetricAlarm" as const, "CompositeAlarm" as const] };
    const named = await client.send(new DescribeAlarmsCommand({ ...both, AlarmNames: ["root", "security"] }));
    expect(named.MetricAlarms?.map((a) => a.AlarmName)).toEqual(["root"]);
    expect(named.CompositeAlarms?.map((a) => a.AlarmName)).toEqual(["security"]);
    const inAlarm = await client.send(new DescribeAlarmsCommand({ ...both, StateValue: "ALARM" }));
    expect(inAlarm.CompositeAlarms?.map((a) => a.AlarmName)).toEqual(["inner"]);
    const toSoc = await client.send(new DescribeAlarmsCommand({ ...both, ActionPrefix: topicArn("soc") }));
    expect(toSoc.MetricAlarms ?? []).toEqual([]);
    expect(toSoc.CompositeAlarms?.map((a) => a.AlarmName)).toEqual(["gated", "muted", "outer", "security"]);
    client.destroy();
  });

  it("ChildrenOfAlarmName and ParentsOfAlarmName follow the rules (names and ARNs); they take no other filter", async () => {
    const client = cw();
    const kids = await client.send(
      new DescribeAlarmsCommand({ AlarmTypes: ["MetricAlarm", "CompositeAlarm"], ChildrenOfAlarmName: "security" }),
    );
    expect(kids.MetricAlarms?.map((a) => a.AlarmName)).toEqual(["deploy-window", "root"]);
    expect(kids.CompositeAlarms ?? []).toEqual([]);
    const parents = await client.send(
      new DescribeAlarmsCommand({ AlarmTypes: ["MetricAlarm", "CompositeAlarm"], ParentsOfAlarmName: "inner" }),
    );
    expect(parents.CompositeAlarms?.map((a) => a.AlarmName)).toEqual(["outer"]);
    await expect(
      client.send(new DescribeAlarmsCommand({ ChildrenOfAlarmName: "security", StateValue: "OK" })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/^InvalidParameterCombination/) });
    client.destroy();
  });

  it("DescribeAlarmsForMetric never returns composite alarms", async () => {
    const client = cw();
    const out = await client.send(
      new DescribeAlarmsForMetricCommand({ MetricName: "Root", Namespace: "CISBenchmark" }),
    );
    expect(out.MetricAlarms?.map((a) => a.AlarmName)).toEqual(["root"]);
    expect(out).not.toHaveProperty("CompositeAlarms");
    client.destroy();
  });
});

const OPTIONS: ScanOptions = testScanOptions({ aws: true });

describe("aws.alert.missing covered through composite alarms (scan)", () => {
  let findings: Map<string, Finding>;
  beforeAll(async () => {
    const snapshot = await runScan(OPTIONS, { env: sim.env, signal: new AbortController().signal, emit: () => {} });
    expect(snapshot.aws?.accounts.some((a) => a.detection)).toBe(true);
    const reread = SnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)));
    findings = new Map(
      analyze(reread, { retentionDays: 90, suppressions: [] })
        .findings.filter((f) => f.checkId === "aws.alert.missing")
        .map((f) => [f.resource.replace(/^aws:\d+:cis-/, ""), f]),
    );
  }, 60_000);

  it("a class whose alarm has no action passes through an OR composite and through nested composites", () => {
    expect(findings.get("4.3")?.status).toBe("pass");
    expect(findings.get("4.3")?.title).toContain("alarm root -> composite alarm security");
    expect(findings.get("4.7")?.status).toBe("pass");
    expect(findings.get("4.7")?.title).toContain("alarm cmk -> composite alarm outer");
  });

  it("an AND composite and a composite with actions disabled are not coverage, and say why", () => {
    const gated = findings.get("4.6");
    expect(gated?.status).toBe("fail");
    expect(gated?.title).toContain("composite alarm gated");
    expect(gated?.title).toContain("AND also requires");
    const muted = findings.get("4.8");
    expect(muted?.status).toBe("fail");
    const why = muted?.evidence.find((e) => e.label === "why not covered")?.value as string[];
    expect(why).toContain("composite alarm muted, which alarm s3-policy triggers, has no enabled actions");
  });

  it("read the composites with one DescribeAlarms per region and asked for both alarm types", () => {
    const calls = sim.calls().filter((c) => c.service === "monitoring" && c.account === A);
    expect(calls.some((c) => c.operation === "DescribeAlarms")).toBe(true);
    expect(calls.every((c) => ["DescribeAlarms", "DescribeAlarmsForMetric"].includes(c.operation))).toBe(true);
  });
});

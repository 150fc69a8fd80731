/**
 * Detection coverage (aws.alert.missing) end to end: the real SDK clients (CloudWatch Logs, CloudWatch, SNS) against
 * the simulator, then the analyzers. Facts come from collectAws when it runs the detection collector, else from
 * collectAwsDetection run on the accounts collectAws entered (same clients, same simulator).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { AwsCaller } from "../../src/collect/aws/call.js";
import { AwsClients, ambientCredentials } from "../../src/collect/aws/clients.js";
import { collectAwsDetection, type DetectionTarget } from "../../src/collect/detection/aws.js";
import type { Finding } from "../../src/model/finding.js";
import { type Snapshot, SnapshotSchema } from "../../src/model/snapshot.js";
import type { CollectContext } from "../../src/scan/context.js";
import { runScan } from "../../src/scan/index.js";
import { Limiter } from "../../src/scan/limit.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { defaultAccessKey } from "../../src/sim/aws/model.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import type { AwsScenarioInput } from "../../src/sim/scenario/aws.js";
import { DEMO_ACCOUNTS, DEMO_ALERT_GAPS } from "../../src/sim/scenarios/demo-aws.js";
import { testScanOptions } from "../helpers/scan-options.js";

const BASE: ScanOptions = testScanOptions({ aws: true, concurrency: 16 });

async function scan(
  sim: Simulator,
  opts: Partial<ScanOptions> = {},
): Promise<{ snapshot: Snapshot; findings: Finding[] }> {
  const options = { ...BASE, ...opts };
  const signal = new AbortController().signal;
  const snapshot = await runScan(options, { env: sim.env, signal, emit: () => {} });
  const accounts = snapshot.aws?.accounts ?? [];
  if (!accounts.some((a) => a.detection)) {
    // collectAws does not run the detection collector (yet): run it on the accounts the scan entered.
    const ctx: CollectContext = {
      options,
      env: sim.env,
      signal,
      emit: () => {},
      now: () => new Date(),
      limiter: new Limiter(8),
    };
    const entered = new Map<string, DetectionTarget>();
    for (const account of accounts.filter((a) => a.access.state === "ok")) {
      const env = { ...sim.env, AWS_ACCESS_KEY_ID: defaultAccessKey(account.accountId) };
      const clients = new AwsClients({ env, defaultRegion: "us-east-1" }, ambientCredentials(env, undefined));
      entered.set(account.accountId, { account, clients });
    }
    try {
      await collectAwsDetection(new AwsCaller(ctx), entered);
    } finally {
      for (const e of entered.values()) e.clients.destroy();
    }
  }
  const reread = SnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)));
  return { snapshot: reread, findings: analyze(reread, { retentionDays: 90, suppressions: [] }).findings };
}

const alertFindings = (findings: Finding[], account: string) =>
  new Map(
    findings
      .filter((f) => f.checkId === "aws.alert.missing" && f.scope.cloud === "aws" && f.scope.accountId === account)
      .map((f) => [f.resource.replace(/^aws:\d+:cis-/, ""), f]),
  );

const A = "123456789012";
const MGMT = "111111111111";
const MEMBER = "222222222222";

/** One account, a multi-region trail into `trail-logs`, with the given filters, alarms and topics. */
function single(
  extra: Pick<AwsScenarioInput, "alarms" | "snsTopics"> & {
    filters: { name: string; pattern: string; metricName: string }[];
  },
): AwsScenarioInput {
  return {
    accounts: [{ id: A, name: "solo" }],
    trails: [
      {
        name: "main",
        account: A,
        homeRegion: "us-east-1",
        multiRegion: true,
        s3Bucket: "solo-trail-123456789012",
        cloudWatchLogs: { logGroup: "trail-logs" },
      },
    ],
    buckets: [{ name: "solo-trail-123456789012", account: A, region: "us-east-1" }],
    logGroups: [{ name: "trail-logs", account: A, region: "us-east-1", metricFilters: extra.filters }],
    ...(extra.alarms ? { alarms: extra.alarms } : {}),
    ...(extra.snsTopics ? { snsTopics: extra.snsTopics } : {}),
  };
}

const TOPIC = { name: "alerts", account: A, region: "us-east-1", subscriptions: [{ endpoint: "soc@example.com" }] };

describe("aws.alert.missing on small scenarios", () => {
  it("passes equivalent rewrites, fails a weakened pattern naming what slips through, and checks alarm and topic", async () => {
    const sim = await startSimulator({
      scenario: {
        name: "detection-solo",
        aws: single({
          filters: [
            // 4.4 written with wildcards and an eventSource guard: equivalent on every IAM policy event.
            {
              name: "iam-policy",
              pattern:
                "{ $.eventSource = iam.amazonaws.com && ($.eventName = Put*Policy || $.eventName = Delete*Policy || $.eventName = Attach*Policy || $.eventName = Detach*Policy || $.eventName = CreatePolicy || $.eventName = CreatePolicyVersion || $.eventName = DeletePolicyVersion) }",
              metricName: "IamPolicy",
            },
            // 4.2 weakened: only root sign-ins without MFA.
            {
              name: "no-mfa",
              pattern:
                '{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed = "No" && $.userIdentity.type = "Root" }',
              metricName: "NoMfa",
            },
            // 4.3 reference, but its alarm has no action.
            {
              name: "root",
              pattern:
                '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
              metricName: "Root",
            },
            // 4.6 reference, alarm notifies a topic whose only subscription is pending.
            {
              name: "failed-logins",
              pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
              metricName: "FailedLogins",
            },
            // 4.1 with no alarm at all.
            {
              name: "unauthorized",
              pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
              metricName: "Unauthorized",
            },
            // 4.5 matching every event: over-broad.
            { name: "everything", pattern: "", metricName: "Everything" },
          ],
          alarms: [
            { name: "iam-policy", account: A, region: "us-east-1", metricName: "IamPolicy", actions: ["alerts"] },
            { name: "no-mfa", account: A, region: "us-east-1", metricName: "NoMfa", actions: ["alerts"] },
            { name: "root", account: A, region: "us-east-1", metricName: "Root", actions: [] },
            { name: "failed", account: A, region: "us-east-1", metricName: "FailedLogins", actions: ["pending"] },
            { name: "everything", account: A, region: "us-east-1", metricName: "Everything", actions: ["alerts"] },
          ],
          snsTopics: [
            TOPIC,
            {
              name: "pending",
              account: A,
              region: "us-east-1",
              subscriptions: [{ endpoint: "x@example.com", confirmed: false }],
            },
          ],
        }),
      },
    });
    try {
      const { findings } = await scan(sim);
      const f = alertFindings(findings, A);
      expect(f.size).toBe(15);
      expect(f.get("4.4")?.status).toBe("pass");
      expect(f.get("4.4")?.title).toContain("iam-policy");
      expect(f.get("4.2")?.status).toBe("fail");
      expect(f.get("4.2")?.title).toContain("ConsoleLogin without MFA by an IAM user");
      expect(f.get("4.2")?.title).toContain("not matched");
      expect(f.get("4.3")?.status).toBe("fail");
      expect(f.get("4.3")?.title).toMatch(/alarm root .* has no SNS alarm action/);
      expect(f.get("4.6")?.status).toBe("fail");
      expect(f.get("4.6")?.title).toMatch(/no confirmed subscription \(1 pending confirmation\)/);
      expect(f.get("4.1")?.status).toBe("fail");
      expect(f.get("4.1")?.title).toContain("no alarm watches its metric CISBenchmark/Unauthorized");
      expect(f.get("4.5")?.status).toBe("fail");
      expect(f.get("4.5")?.title).toContain("alarm fires on routine events");
      expect(f.get("4.15")?.status).toBe("fail");
      // Evidence names the API sources.
      expect(f.get("4.4")?.evidence.some((e) => e.source?.includes("DescribeMetricFilters"))).toBe(true);
      // Read-only: only describe/list calls for detection.
      const ops = new Set(
        sim
          .calls()
          .filter((c) => ["monitoring", "sns"].includes(c.service))
          .map((c) => c.operation),
      );
      expect([...ops].sort()).toEqual(["DescribeAlarms", "ListSubscriptionsByTopic"]);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it("an organization trail's group in the management account covers the members", async () => {
    const sim = await startSimulator({
      scenario: {
        name: "detection-org",
        aws: {
          organization: { id: "o-detect12345", managementAccountId: MGMT },
          accounts: [
            { id: MGMT, name: "mgmt" },
            { id: MEMBER, name: "member" },
          ],
          trails: [
            {
              name: "org",
              account: MGMT,
              homeRegion: "us-east-1",
              multiRegion: true,
              organization: true,
              s3Bucket: "org-trail-111111111111",
              cloudWatchLogs: { logGroup: "org-trail" },
            },
          ],
          buckets: [{ name: "org-trail-111111111111", account: MGMT, region: "us-east-1" }],
          logGroups: [
            {
              name: "org-trail",
              account: MGMT,
              region: "us-east-1",
              metricFilters: [
                {
                  name: "root",
                  pattern:
                    "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }",
                  metricName: "Root",
                },
              ],
            },
          ],
          alarms: [{ name: "root", account: MGMT, region: "us-east-1", metricName: "Root", actions: ["alerts"] }],
          snsTopics: [{ ...TOPIC, account: MGMT }],
        },
      },
    });
    try {
      const { findings } = await scan(sim, { org: true });
      for (const account of [MGMT, MEMBER]) {
        const f = alertFindings(findings, account);
        expect(f.size, account).toBe(15);
        expect(f.get("4.3")?.status, account).toBe("pass");
        expect(f.get("4.4")?.status, account).toBe("fail");
      }
      // The member's filters were read where the group lives: in the management account.
      const reads = sim.calls().filter((c) => c.operation === "DescribeMetricFilters");
      expect(new Set(reads.map((c) => c.account))).toEqual(new Set([MGMT]));
    } finally {
      await sim.close();
    }
  }, 60_000);

  it("is unknown, never covered, when DescribeMetricFilters is denied", async () => {
    const sim = await startSimulator({
      scenario: {
        name: "detection-denied",
        aws: single({
          filters: [{ name: "root", pattern: '{ $.userIdentity.type = "Root" }', metricName: "Root" }],
          alarms: [{ name: "root", account: A, region: "us-east-1", metricName: "Root", actions: ["alerts"] }],
          snsTopics: [TOPIC],
        }),
      },
      faults: { deny: [{ service: "logs", operation: "DescribeMetricFilters" }] },
    });
    try {
      const { findings } = await scan(sim);
      const f = alertFindings(findings, A);
      expect(f.size).toBe(15);
      for (const x of f.values()) expect(x.status, x.title).toBe("unknown");
    } finally {
      await sim.close();
    }
  }, 60_000);
});

describe("aws.alert.missing on the demo", () => {
  let sim: Simulator;
  let findings: Finding[];
  beforeAll(async () => {
    sim = await startSimulator({ scenario: "demo" });
    ({ findings } = await scan(sim, { org: true }));
  }, 120_000);
  afterAll(async () => {
    await sim.close();
  });

  it("finds exactly the planted gaps in every account; 4.3, 4.5 and 4.6 pass", () => {
    for (const account of Object.values(DEMO_ACCOUNTS)) {
      const f = alertFindings(findings, account);
      expect(f.size, account).toBe(15);
      const failing = [...f]
        .filter(([, x]) => x.status === "fail")
        .map(([k]) => k)
        .sort();
      expect(failing, account).toEqual(Object.keys(DEMO_ALERT_GAPS).sort());
      for (const k of ["4.3", "4.5", "4.6"]) expect(f.get(k)?.status, `${account} ${k}`).toBe("pass");
      expect(f.get("4.4")?.title).toContain("CreatePolicyVersion (iam) is not matched");
      expect(f.get("4.7")?.title).toContain("no confirmed subscription");
      expect(f.get("4.10")?.title).toContain("has no SNS alarm action");
      expect(f.get("4.10")?.title).toContain(
        'composite alarm SecurityGroupChangesOutsideDeploys (ALARM("SecurityGroupChanges") AND NOT ALARM("DeployWindow")) is not triggered by alarm SecurityGroupChanges: its AND also requires NOT ALARM(DeployWindow)',
      );
    }
  });
});

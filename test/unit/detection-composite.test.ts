/**
 * Composite alarms (aws.alert.missing): the AlarmRule parser, the propagation judgement (does the composite go to
 * ALARM whenever the metric alarm does?), and the analyzer over hand-made snapshots where a class is covered only
 * through a composite alarm.
 */
import { describe, expect, it } from "vitest";
import {
  AlarmRuleError,
  type CompositeLike,
  parseAlarmRule,
  propagation,
  propagationCandidates,
  ruleReferences,
} from "../../analyzers/detection/alarm-rule.js";
import { analyze } from "../../analyzers/index.js";
import type { CompositeAlarm } from "../../src/model/detection.js";
import type { Finding } from "../../src/model/finding.js";
import { type SnapshotInput, SnapshotSchema } from "../../src/model/snapshot.js";

const A = "123456789012";
const R = "us-east-1";
const HOME = { accountId: A, region: R };
const arn = (name: string, region = R, account = A) => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;

const one = (rule: string, alarm = "root", extra: CompositeLike[] = []) => {
  const ps = propagation(alarm, [{ name: "c", alarmRule: rule }, ...extra], HOME);
  return ps.find((p) => p.composite === "c");
};

describe("AlarmRule parser", () => {
  it("reads functions with quoted and unquoted names and ARNs, constants, NOT, parentheses", () => {
    const r = parseAlarmRule(`ALARM("root usage") OR (ok(b) and NOT INSUFFICIENT_DATA(${arn("c")})) OR TRUE`);
    expect(ruleReferences(r)).toEqual(["root usage", "b", arn("c")]);
    expect(parseAlarmRule("FALSE")).toEqual({ kind: "const", value: false });
  });

  it("refuses what is outside the documented grammar", () => {
    for (const bad of [
      "ALARM(a",
      "ALARM()",
      "ALARM(a) XOR ALARM(b)",
      "METRIC(a)",
      "ALARM(a) OR",
      "(ALARM(a)",
      'ALARM("a)',
    ])
      expect(() => parseAlarmRule(bad), bad).toThrow(AlarmRuleError);
  });
});

describe("composite propagation", () => {
  it("OR propagates; so does a quoted name, an ARN of the same account and region, and a redundant AND/OR mix", () => {
    expect(one("ALARM(root) OR ALARM(other)")?.fires).toBe(true);
    expect(one('ALARM("root")')?.fires).toBe(true);
    expect(one(`ALARM(other) OR ALARM(${arn("root")})`)?.fires).toBe(true);
    expect(one("(ALARM(root) OR ALARM(b)) AND TRUE")?.fires).toBe(true);
    expect(one("ALARM(root) AND NOT OK(root)")?.fires).toBe(true);
    // Both readings of the unparenthesised mix are TRUE here.
    expect(one("ALARM(root) AND ALARM(b) OR ALARM(root)")?.fires).toBe(true);
  });

  it("an ARN of another region or account is another alarm", () => {
    expect(one(`ALARM(${arn("root", "eu-west-1")})`)).toBeUndefined();
    expect(one(`ALARM(${arn("root", R, "999999999999")})`)).toBeUndefined();
  });

  it("AND with another alarm does not propagate alone and says so (fail closed)", () => {
    const p = one("ALARM(root) AND ALARM(DeploymentWindow)");
    expect(p?.fires).toBe(false);
    expect(p?.why).toContain("AND also requires ALARM(DeploymentWindow)");
    expect(p?.why).toContain("fail closed");
  });

  it("NOT, OK() and INSUFFICIENT_DATA() of the alarm do not propagate; an always-TRUE rule never transitions", () => {
    expect(one("NOT ALARM(root)")?.fires).toBe(false);
    expect(one("NOT ALARM(root)")?.why).toContain("not in ALARM when root is");
    expect(one("OK(root)")?.fires).toBe(false);
    expect(one("INSUFFICIENT_DATA(root) OR ALARM(b)")?.fires).toBe(false);
    expect(one("INSUFFICIENT_DATA(root) OR ALARM(b)")?.why).toContain("depends on the state of b");
    const always = one("TRUE OR ALARM(root)");
    expect(always?.fires).toBe(false);
    expect(always?.why).toContain("whatever the state of root");
    expect(one("ALARM(root) AND FALSE")?.fires).toBe(false);
  });

  it("an AND/OR mix whose readings disagree is not counted, naming the ambiguity", () => {
    const p = one("ALARM(root) OR ALARM(b) AND ALARM(c)");
    expect(p?.fires).toBe(false);
    expect(p?.why).toContain("mixes AND and OR without parentheses");
  });

  it("nested composites: a composite of a composite propagates when each level does", () => {
    const inner = { name: "inner", alarmRule: "ALARM(root) OR ALARM(x)" };
    expect(one("ALARM(inner) OR ALARM(y)", "root", [inner])?.fires).toBe(true);
    expect(one(`ALARM(${arn("inner")})`, "root", [inner])?.fires).toBe(true);
    const gated = { name: "inner", alarmRule: "ALARM(root) AND ALARM(x)" };
    const p = one("ALARM(inner)", "root", [gated]);
    expect(p?.fires).toBe(false);
    expect(p?.why).toContain("depends on the state of inner");
    // OK(inner) is FALSE when inner is forced into ALARM.
    expect(one("ALARM(root) AND NOT OK(inner)", "root", [inner])?.fires).toBe(true);
  });

  it("an unparsable rule that names the alarm cannot be judged; unrelated composites are not reported", () => {
    const ps = propagation(
      "root",
      [
        { name: "bad", alarmRule: "ALARM(root) XOR ALARM(b)" },
        { name: "unrelated", alarmRule: "ALARM(b)" },
      ],
      HOME,
    );
    expect(ps).toEqual([{ composite: "bad", fires: false, why: expect.stringContaining("cannot be judged") }]);
  });

  it("candidates are the composites that reference the alarm, directly or through others", () => {
    const cs = [
      { name: "c1", alarmRule: "ALARM(root) AND ALARM(b)" },
      { name: "c2", alarmRule: "ALARM(c1)" },
      { name: "c3", alarmRule: "ALARM(b)" },
    ];
    expect(propagationCandidates("root", cs, HOME).map((c) => c.name)).toEqual(["c1", "c2"]);
  });
});

// ---- The analyzer over a hand-made snapshot ------------------------------------------------------------------------

const AT = "2026-11-20T10:00:00.000Z";
const GROUP = `arn:aws:logs:${R}:${A}:log-group:trail-logs`;
const TOPIC = `arn:aws:sns:${R}:${A}:soc`;
const PENDING = `arn:aws:sns:${R}:${A}:pending`;
const ROOT_PATTERN =
  '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';

function composite(over: Partial<CompositeAlarm> & { name: string; alarmRule: string }): CompositeAlarm {
  return { actionsEnabled: true, alarmActions: [TOPIC], arn: arn(over.name), ...over };
}

/** One account whose multi-region trail delivers to `trail-logs`; CIS 4.3 filter -> alarm `root` without actions. */
function run(composites: CompositeAlarm[] | "error", rootActions: string[] = []): Finding {
  const input: SnapshotInput = {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: AT,
    finishedAt: AT,
    complete: true,
    options: { clouds: ["aws"], retentionDays: 90, sampleDays: 7, sample: false },
    aws: {
      caller: { accountId: A, arn: `arn:aws:iam::${A}:user/auditor` },
      accounts: [
        {
          accountId: A,
          access: { state: "ok", via: "ambient" },
          regions: [{ name: R, optInStatus: "opt-in-not-required", scanned: true, trailArns: [] }],
          trails: [
            {
              arn: `arn:aws:cloudtrail:${R}:${A}:trail/main`,
              name: "main",
              homeRegion: R,
              ownerAccountId: A,
              isMultiRegion: true,
              isOrganization: false,
              includeGlobalServiceEvents: true,
              logFileValidationEnabled: true,
              s3BucketName: "trail-bucket",
              cloudWatchLogsLogGroupArn: `${GROUP}:*`,
              status: { state: "ok", value: { isLogging: true, latestDeliveryTime: AT } },
              selectors: {
                kind: "advanced",
                advancedEventSelectors: [
                  { Name: "mgmt", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
                ],
              },
              seenInRegions: [R],
            },
          ],
          detection: {
            logGroups: [
              {
                arn: GROUP,
                name: "trail-logs",
                accountId: A,
                region: R,
                metricFilters: {
                  state: "ok",
                  value: [
                    {
                      filterName: "root",
                      filterPattern: ROOT_PATTERN,
                      metrics: [{ namespace: "CISBenchmark", name: "Root" }],
                    },
                  ],
                },
              },
            ],
            alarms: [
              {
                accountId: A,
                region: R,
                namespace: "CISBenchmark",
                metricName: "Root",
                alarms: {
                  state: "ok",
                  value: [{ name: "root", arn: arn("root"), actionsEnabled: true, alarmActions: rootActions }],
                },
              },
            ],
            compositeAlarms: [
              {
                accountId: A,
                region: R,
                alarms:
                  composites === "error"
                    ? {
                        state: "error",
                        error: {
                          kind: "throttled",
                          service: "cloudwatch",
                          operation: "DescribeAlarms",
                          code: "Throttling",
                          message: "Rate exceeded",
                          at: AT,
                        },
                      }
                    : { state: "ok", value: composites },
              },
            ],
            topics: [
              { arn: TOPIC, subscriptions: { state: "ok", value: { confirmed: 1, pending: 0, protocols: ["email"] } } },
              { arn: PENDING, subscriptions: { state: "ok", value: { confirmed: 0, pending: 1, protocols: [] } } },
            ],
          },
        },
      ],
    },
  };
  const findings = analyze(SnapshotSchema.parse(input), { retentionDays: 90, suppressions: [] }).findings;
  const f = findings.find((x) => x.checkId === "aws.alert.missing" && x.resource === `aws:${A}:cis-4.3`);
  if (!f) throw new Error("no 4.3 finding");
  return f;
}

const why = (f: Finding) => (f.evidence.find((e) => e.label === "why not covered")?.value ?? []) as string[];

describe("aws.alert.missing through composite alarms", () => {
  it("fails without any composite (the metric alarm has no action)", () => {
    const f = run([]);
    expect(f.status).toBe("fail");
    expect(f.title).toMatch(/alarm root .* has no SNS alarm action/);
  });

  it("passes when an enabled composite whose rule ORs the alarm notifies a confirmed topic", () => {
    const f = run([composite({ name: "security", alarmRule: "ALARM(root) OR ALARM(other)" })]);
    expect(f.status).toBe("pass");
    expect(f.title).toContain(`alarm root -> composite alarm security -> ${TOPIC}`);
    const chain = f.evidence.find((e) => e.label === "covered by")?.value as Record<string, string>;
    expect(chain.compositeAlarm).toBe("security");
  });

  it("passes through an ARN reference and through a nested composite", () => {
    expect(run([composite({ name: "security", alarmRule: `ALARM("${arn("root")}")` })]).status).toBe("pass");
    const f = run([
      composite({ name: "inner", alarmRule: "ALARM(root) OR ALARM(x)", alarmActions: [] }),
      composite({ name: "outer", alarmRule: `ALARM(${arn("inner")}) OR ALARM(y)` }),
    ]);
    expect(f.status).toBe("pass");
    expect(f.title).toContain("composite alarm outer");
  });

  it("an AND with another alarm is not coverage, and the finding says why", () => {
    const f = run([composite({ name: "gated", alarmRule: "ALARM(root) AND ALARM(DeploymentWindow)" })]);
    expect(f.status).toBe("fail");
    expect(f.title).toContain("composite alarm gated");
    expect(f.title).toContain("AND also requires ALARM(DeploymentWindow)");
  });

  it("a disabled composite, or one whose topic has no confirmed subscription, is not coverage", () => {
    const disabled = run([composite({ name: "security", alarmRule: "ALARM(root)", actionsEnabled: false })]);
    expect(disabled.status).toBe("fail");
    expect(why(disabled)).toContain("composite alarm security, which alarm root triggers, has no enabled actions");
    const pending = run([composite({ name: "security", alarmRule: "ALARM(root)", alarmActions: [PENDING] })]);
    expect(pending.status).toBe("fail");
    expect(pending.title).toContain(
      `composite alarm security (triggered by alarm root) notifies ${PENDING}, which has no confirmed subscription`,
    );
  });

  it("the alarm's own confirmed action still passes; unreadable composites are unknown only when needed", () => {
    expect(run("error", [TOPIC]).status).toBe("pass");
    const f = run("error");
    expect(f.status).toBe("unknown");
    expect(f.title).toContain("DescribeAlarms failed (Throttling)");
  });
});

/**
 * Detection fixes (aws.alert.missing, azure.alert.missing): one metric filter with the class's exact CIS reference
 * pattern and metric, an alarm and a topic per missing class; a weakened filter of the user is left alone and a new
 * one written; --apply without the alarm settings stops before any call; scripts pass shellcheck with adversarial
 * names and the recording stand-ins receive exactly the intended argv; Terraform JSON carries the resources.
 * Under CI=true a missing shellcheck fails.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CIS_AWS_CLASSES } from "../../analyzers/detection/cis-aws.js";
import { CIS_AZURE_ALERT_OPERATIONS } from "../../analyzers/detection/cis-azure.js";
import { analyze } from "../../analyzers/index.js";
import { type Snapshot, SnapshotSchema } from "../../src/model/snapshot.js";
import { generateFixes, planFixes, remediationIdsFor } from "../../src/remediate/index.js";
import type { Arg, Command, Step } from "../../src/remediate/types.js";
import { tempDir } from "../helpers/cli.js";
import { readRecorded, writeRecorder } from "../helpers/recorder.js";

const run = promisify(execFile);
const CI = process.env.CI === "true" || process.env.CI === "1";
const SHELLCHECK = ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].find((p) => existsSync(p));
/** `terraform validate` of the AWS file when terraform and a local aws provider mirror are installed (no download). */
const TERRAFORM = ["/usr/local/bin/terraform", "/usr/bin/terraform"].find((p) => existsSync(p));
const TF_PLUGINS = "/opt/tf-plugins";
const CAN_VALIDATE = !!TERRAFORM && existsSync(join(TF_PLUGINS, "registry.terraform.io", "hashicorp", "aws"));

/** Adversarial names (no newline in log group names: CloudTrail refuses them in an ARN anyway). */
const NASTY = [
  `it's "quoted"`,
  "$(touch pwned)",
  "`touch pwned2`",
  "with space",
  "ünïcödé-名前",
  "--leading-dash",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform template syntax as an attacker's name
  "${tpl}%{x}",
  ";rm -rf ~;",
  "@@BLINDSPOT_ALARM_EMAIL@@",
  "back\\slash",
];
const nasty = (i: number, k: number) => `${NASTY[(i * 3 + k) % NASTY.length]}${NASTY[(i + k * 5) % NASTY.length]}`;

const A = "111111111111"; // own trail with a CloudWatch group: weakened 4.4 filter, 4.3 alarmed end to end
const B = "222222222222"; // trail without CloudWatch group: the feed fix's group carries the filters
const C = "333333333333"; // no trail: nothing to put a filter on
const REGION = "eu-west-1";
const SUB = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
const AT = "2026-11-20T10:00:00.000Z";
const EMAIL = "secops@example.com";
const TOPIC = `arn:aws:sns:${REGION}:${A}:secops`;
const AG = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.Insights/actionGroups/ag-secops`;

const C44 = CIS_AWS_CLASSES.find((c) => c.id === "4.4")!;
const C43 = CIS_AWS_CLASSES.find((c) => c.id === "4.3")!;
/** The demo's 4.4 filter: CreatePolicyVersion missing. */
const WEAK_44 = `{${C44.referencePattern
  .slice(1, -1)
  .split("||")
  .filter((x) => !x.includes("CreatePolicyVersion"))
  .join("||")}}`;

function snapshot(i: number, validGroupName?: string): Snapshot {
  const n = (k: number) => nasty(i, k);
  const group = validGroupName ?? n(1);
  const weakName = n(2);
  const trailA = n(3);
  const trailB = n(4);
  const alertName = n(5);
  const ok = <T>(value: T) => ({ state: "ok" as const, value });
  const arnA = `arn:aws:cloudtrail:${REGION}:${A}:trail/${trailA}`;
  const arnB = `arn:aws:cloudtrail:${REGION}:${B}:trail/${trailB}`;
  const groupArn = `arn:aws:logs:${REGION}:${A}:log-group:${group}`;
  const trail = (arn: string, name: string, owner: string, extra: Record<string, unknown>) => ({
    arn,
    name,
    homeRegion: REGION,
    ownerAccountId: owner,
    isMultiRegion: true,
    isOrganization: false,
    includeGlobalServiceEvents: true,
    logFileValidationEnabled: true,
    s3BucketName: `bucket-${owner}`,
    seenInRegions: [REGION],
    status: ok({ isLogging: true, latestDeliveryTime: AT }),
    selectors: { kind: "basic", eventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }] },
    ...extra,
  });
  const account = (id: string, trails: unknown[], detection: unknown) => ({
    accountId: id,
    access: { state: "ok", via: id === A ? "ambient" : "assume-role" },
    regions: [
      {
        name: REGION,
        optInStatus: "opt-in-not-required",
        scanned: true,
        trailArns: (trails as { arn: string }[]).map((t) => t.arn),
      },
    ],
    trails,
    detection,
  });
  return SnapshotSchema.parse({
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: "2026-11-20T09:58:00.000Z",
    finishedAt: AT,
    complete: true,
    options: { clouds: ["aws", "azure"], retentionDays: 90, sampleDays: 7, sample: false },
    aws: {
      caller: { accountId: A, arn: `arn:aws:iam::${A}:user/x` },
      accounts: [
        account(A, [trail(arnA, trailA, A, { cloudWatchLogsLogGroupArn: `${groupArn}:*` })], {
          logGroups: [
            {
              arn: groupArn,
              name: group,
              accountId: A,
              region: REGION,
              metricFilters: ok([
                {
                  filterName: weakName,
                  filterPattern: WEAK_44,
                  metrics: [{ namespace: "CISBenchmark", name: C44.metricName }],
                },
                {
                  filterName: "root-usage",
                  filterPattern: C43.referencePattern,
                  metrics: [{ namespace: "CISBenchmark", name: C43.metricName }],
                },
              ]),
            },
          ],
          alarms: [
            {
              accountId: A,
              region: REGION,
              namespace: "CISBenchmark",
              metricName: C43.metricName,
              alarms: ok([{ name: "root", actionsEnabled: true, alarmActions: [TOPIC] }]),
            },
          ],
          topics: [{ arn: TOPIC, subscriptions: ok({ confirmed: 1, pending: 0, protocols: ["email"] }) }],
        }),
        account(B, [trail(arnB, trailB, B, {})], { logGroups: [], alarms: [], topics: [] }),
        account(C, [], { logGroups: [], alarms: [], topics: [] }),
      ],
    },
    azure: {
      tenants: [{ tenantId: "t", entraDiagnosticSettings: ok([]) }],
      subscriptions: [
        {
          subscriptionId: SUB,
          tenantId: "t",
          state: "Enabled",
          access: { state: "ok" },
          activityLogAlerts: ok([
            {
              id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/activityLogAlerts/x`,
              name: alertName,
              enabled: true,
              scopes: [`/subscriptions/${SUB}`],
              allOf: [
                { field: "category", equals: "Administrative" },
                { field: "operationName", equals: CIS_AZURE_ALERT_OPERATIONS[0].operation },
              ],
              actionGroupIds: [AG],
            },
          ]),
        },
        {
          subscriptionId: n(6),
          tenantId: "t",
          state: "Enabled",
          access: { state: "ok" },
          activityLogAlerts: ok([]),
        },
      ],
    },
  });
}

const CHECKS = ["aws.alert.missing", "azure.alert.missing"];

function setup(i: number, validGroupName?: string) {
  const snap = snapshot(i, validGroupName);
  const analysis = analyze(snap, { retentionDays: 90, suppressions: [] });
  const failing = analysis.findings.filter((f) => f.status === "fail" && CHECKS.includes(f.checkId));
  const plan = planFixes({ snapshot: snap, analysis, checkIds: CHECKS });
  return { snap, analysis, failing, plan };
}

const argvOf = (c: Command) => c.args.map((a) => (typeof a === "string" ? a : "var" in a ? `$${a.var}` : a.template));
const opt = (argv: readonly string[], flag: string) => argv[argv.indexOf(flag) + 1];

describe("aws.alert.missing: the plan", () => {
  const { snap, analysis, failing, plan } = setup(0);
  const group = nasty(0, 1);
  const aws = plan.steps.filter((s) => s.cloud === "aws");
  const filterOf = (acct: string, id: string) =>
    aws.find(
      (s) => s.remediationId === "aws.logs.cis-metric-filter" && s.key.endsWith(`|${id}`) && s.run[0]!.account === acct,
    );

  it("fails every class but 4.3 in A and B, and every class in C (the scenario is what the test assumes)", () => {
    const byAcct = (a: string) =>
      failing.filter((f) => f.checkId === "aws.alert.missing" && f.resource.startsWith(`aws:${a}:`)).length;
    expect([byAcct(A), byAcct(B), byAcct(C)]).toEqual([14, 15, 15]);
    const f44 = failing.find((f) => f.resource === `aws:${A}:cis-4.4`)!;
    expect(f44.title).toContain("CreatePolicyVersion (iam) is not matched");
  });

  it("one put-metric-filter per missing class, with the class's exact reference pattern and CIS metric", () => {
    for (const cls of CIS_AWS_CLASSES) {
      const s = filterOf(A, cls.id);
      if (cls.id === "4.3") {
        expect(s, "4.3 is alarmed already").toBeUndefined();
        continue;
      }
      expect(s, cls.id).toBeDefined();
      expect(s!.run).toHaveLength(1);
      const argv = argvOf(s!.run[0]!);
      expect(argv.slice(0, 2)).toEqual(["logs", "put-metric-filter"]);
      expect(opt(argv, "--log-group-name")).toBe(group);
      expect(opt(argv, "--filter-name")).toBe(`blindspot-cis-${cls.id}`);
      expect(opt(argv, "--filter-pattern")).toBe(cls.referencePattern);
      expect(opt(argv, "--region")).toBe(REGION);
      const metric = cls.id === "4.4" ? `${cls.metricName}-blindspot` : cls.metricName;
      expect(JSON.parse(opt(argv, "--metric-transformations")!)).toEqual([
        { metricName: metric, metricNamespace: "CISBenchmark", metricValue: "1" },
      ]);
      // The check reads the filter back with JSON literals for name, pattern and metric.
      const check = argvOf(s!.check!.command);
      expect(check.slice(0, 2)).toEqual(["logs", "describe-metric-filters"]);
      expect(opt(check, "--query")).toContain(JSON.stringify(cls.referencePattern));
      expect(opt(check, "--query")).toContain(`metricTransformations[0].metricName == \`"${metric}"\``);
      // The alarm: Sum >= 1 over 300 s, missing data not breaching, the topic as action.
      const alarm = aws.find((x) => x.key === `aws.cloudwatch.cis-alarm|${A}|${REGION}|${cls.id}`)!;
      const a = argvOf(alarm.run[0]!);
      expect(a.slice(0, 2)).toEqual(["cloudwatch", "put-metric-alarm"]);
      expect({
        name: opt(a, "--alarm-name"),
        metric: opt(a, "--metric-name"),
        ns: opt(a, "--namespace"),
        stat: opt(a, "--statistic"),
        period: opt(a, "--period"),
        evals: opt(a, "--evaluation-periods"),
        threshold: opt(a, "--threshold"),
        op: opt(a, "--comparison-operator"),
        missing: opt(a, "--treat-missing-data"),
        actions: opt(a, "--alarm-actions"),
      }).toEqual({
        name: `blindspot-cis-${cls.id}`,
        metric,
        ns: "CISBenchmark",
        stat: "Sum",
        period: "300",
        evals: "1",
        threshold: "1",
        op: "GreaterThanOrEqualToThreshold",
        missing: "notBreaching",
        actions: `$ALARM_TOPIC_${A}_eu_west_1`,
      });
      expect(argvOf(alarm.check!.command).slice(0, 2)).toEqual(["cloudwatch", "describe-alarms"]);
    }
  });

  it("a weakened filter is left alone: a new filter is written next to it, with its own metric", () => {
    const weak = nasty(0, 2);
    const all = aws.flatMap((s) => [...(s.check ? [s.check.command] : []), ...s.run]).map(argvOf);
    expect(all.some((a) => a.includes(weak))).toBe(false);
    expect(all.some((a) => a[1] === "delete-metric-filter")).toBe(false);
    const s = filterOf(A, "4.4")!;
    expect(s.title).toContain(`the existing ${weak} (CreatePolicyVersion (iam) is not matched) is left as it is`);
    expect(s.title).toContain("own metric");
  });

  it("no trail log group: the feed fix's group aws-cloudtrail-logs-<account>-<trail> carries the filters", () => {
    const s = filterOf(B, "4.1")!;
    const feedGroup = `aws-cloudtrail-logs-${B}-${[...nasty(0, 4)].map((c) => (/[A-Za-z0-9._/#-]/.test(c) ? c : "-")).join("")}`;
    expect(opt(argvOf(s.run[0]!), "--log-group-name")).toBe(feedGroup);
    const create = aws.find((x) => x.remediationId === "aws.logs.create-log-group")!;
    expect(opt(argvOf(create.run[0]!), "--log-group-name")).toBe(feedGroup);
    expect(create.phase).toBeLessThan(s.phase);
    const f41 = failing.find((f) => f.resource === `aws:${B}:cis-4.1`)!;
    expect(create.findingIds).toContain(f41.id);
    expect(aws.find((x) => x.remediationId === "aws.trail.cloudwatch-logs")!.findingIds).toContain(f41.id);
    expect(plan.closes).toContain(f41.id);
  });

  it("no trail at all: skipped with the precise reason", () => {
    const skippedC = plan.skipped.filter((x) =>
      failing.find((f) => f.id === x.findingId)!.resource.startsWith(`aws:${C}:`),
    );
    expect(skippedC).toHaveLength(15);
    expect(skippedC[0]!.reason).toContain(`no trail applies to account ${C}`);
    expect(skippedC[0]!.reason).toContain("aws.trail.region-uncovered");
  });

  it("one topic per account and region; the remediation ids are the ones remediationIdsFor names", () => {
    expect(aws.filter((s) => s.remediationId === "aws.sns.alarm-topic").map((s) => s.key)).toEqual([
      `aws.sns.alarm-topic|${A}|${REGION}`,
      `aws.sns.alarm-topic|${B}|${REGION}`,
    ]);
    for (const s of plan.steps)
      for (const id of s.findingIds) {
        const f = analysis.findings.find((x) => x.id === id)!;
        expect(remediationIdsFor(f), `${f.checkId} -> ${s.remediationId}`).toContain(s.remediationId);
      }
    void snap;
  });
});

describe("azure.alert.missing: the plan", () => {
  const { failing, plan } = setup(1);
  it("one alert per missing operation (PUT, 2020-10-01, exact body); a non-GUID subscription is skipped", () => {
    const az = plan.steps.filter((s) => s.remediationId === "azure.monitor.activity-log-alert");
    expect(az).toHaveLength(9);
    for (const { id, operation } of CIS_AZURE_ALERT_OPERATIONS.slice(1)) {
      const s = az.find((x) => x.key === `azure.monitor.activity-log-alert|${SUB}|${operation}`)!;
      const argv = argvOf(s.run[0]!);
      expect(argv.slice(0, 3)).toEqual(["rest", "--method", "put"]);
      expect(opt(argv, "--url")).toBe(
        `https://management.azure.com/subscriptions/${SUB}/resourceGroups/@@BLINDSPOT_ALERT_RESOURCE_GROUP@@/providers/Microsoft.Insights/activityLogAlerts/blindspot-cis-${id}?api-version=2020-10-01`,
      );
      expect(JSON.parse(opt(argv, "--body")!)).toEqual({
        location: "Global",
        properties: {
          scopes: [`/subscriptions/${SUB}`],
          condition: {
            allOf: [
              { field: "category", equals: "Administrative" },
              { field: "operationName", equals: operation },
            ],
          },
          actions: { actionGroups: [{ actionGroupId: `@@ACTION_GROUP_${SUB.replace(/-/g, "_")}@@` }] },
          enabled: true,
          description: `CIS ${id}: ${operation} (blindspot)`,
        },
      });
    }
    const bad = failing.filter(
      (f) => f.checkId === "azure.alert.missing" && !f.resource.startsWith(`/subscriptions/${SUB}/`),
    );
    expect(bad).toHaveLength(10);
    for (const f of bad)
      expect(plan.skipped).toContainEqual({ findingId: f.id, reason: expect.stringContaining("is not a GUID") });
  });
});

/** The argv each CLI should receive when every check says "not yet" (settings set: steps they replace are skipped). */
function intended(steps: readonly Step[], tool: "aws" | "az", values: Record<string, string>): string[][] {
  const fill = (t: string) => Object.entries(values).reduce((s, [k, v]) => s.replaceAll(`@@${k}@@`, v), t);
  const argv = (c: Command) =>
    c.args.map((a: Arg) => (typeof a === "string" ? a : "var" in a ? (values[a.var] ?? "") : fill(a.template)));
  const out: string[][] = [];
  for (const s of steps) {
    if (s.unlessSet && values[s.unlessSet]) continue;
    for (const c of [...(s.check ? [s.check.command] : []), ...s.run]) if (c.tool === tool) out.push(argv(c));
  }
  return out;
}

/** The aws stand-in: every read ("not in place yet") fails, every write succeeds. */
const AWS_ANSWERS = `if [ "$1" = sts ] && [ "$2" = get-caller-identity ]; then echo '${A}'; exit 0; fi
case "\${2-}" in describe-* | get-* | list-*) exit 1 ;; esac
exit 0`;
/** The az stand-in: every \`get\` finds nothing (exit 3), every write succeeds. */
const AZ_ANSWERS = `for x in "$@"; do [ "$x" = get ] && exit 3; done
exit 0`;

type RunResult = { code: number; stdout: string; stderr: string };
const sh = (script: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<RunResult> =>
  run("bash", [script, ...args], { env, cwd }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: RunResult) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe("scripts: settings, shellcheck, exact argv", () => {
  for (let i = 0; i < 3; i++) {
    it(`iteration ${i}: refused without settings, shellcheck-clean, exact argv with email / with an existing topic`, async () => {
      const { snap, analysis, plan } = setup(i);
      const result = generateFixes({ snapshot: snap, analysis, format: "bash", checkIds: CHECKS });
      const dir = tempDir();
      for (const f of result.files) writeFileSync(join(dir, f.path), f.content);
      const awsScript = join(dir, "fix-aws.sh");
      const azScript = join(dir, "fix-azure.sh");
      const awsText = readFileSync(awsScript, "utf8");
      expect(awsText).toContain("PendingConfirmation");
      if (CI) expect(SHELLCHECK, "CI must install shellcheck").toBeDefined();
      if (SHELLCHECK) {
        const sc = await run(SHELLCHECK, ["--severity=style", awsScript, azScript]).catch((e: { stdout: string }) => ({
          stdout: e.stdout,
        }));
        expect(sc.stdout).toBe("");
      }
      const bin = join(dir, "bin");
      mkdirSync(bin);
      writeRecorder(join(bin, "aws"), "AWS_STANDIN_LOG", AWS_ANSWERS);
      writeRecorder(join(bin, "az"), "AZ_STANDIN_LOG", AZ_ANSWERS);
      const awsLog = join(dir, "aws.log");
      const azLog = join(dir, "az.log");
      const base = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, AWS_STANDIN_LOG: awsLog, AZ_STANDIN_LOG: azLog };
      const read = readRecorded;

      // Dry run without settings: prints every step and a note, calls nothing.
      const dry = await sh(awsScript, [], base, dir);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("put-metric-filter");
      expect(dry.stderr).toContain("BLINDSPOT_ALARM_TOPIC_ARN");
      // --apply without settings: one line naming both variables, exit 2, no call at all.
      for (const [script, vars] of [
        [awsScript, ["BLINDSPOT_ALARM_TOPIC_ARN", "BLINDSPOT_ALARM_EMAIL"]],
        [azScript, ["BLINDSPOT_ACTION_GROUP_ID", "BLINDSPOT_ALARM_EMAIL", "BLINDSPOT_ALERT_RESOURCE_GROUP"]],
      ] as const) {
        const r = await sh(script, ["--apply"], base, dir);
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        for (const v of vars) expect(r.stderr).toContain(v);
      }
      // Email only (no resource group) is not enough for Azure.
      expect((await sh(azScript, ["--apply"], { ...base, BLINDSPOT_ALARM_EMAIL: EMAIL }, dir)).code).toBe(2);
      // A value that does not match its pattern is refused too (it would be written into JSON and JMESPath).
      expect((await sh(awsScript, ["--apply"], { ...base, BLINDSPOT_ALARM_EMAIL: 'a"@b.io' }, dir)).code).toBe(2);
      expect(read(awsLog)).toEqual([]);
      expect(read(azLog)).toEqual([]);

      const awsSteps = plan.steps.filter((s) => s.cloud === "aws");
      const azSteps = plan.steps.filter((s) => s.cloud === "azure");
      const topics = {
        [`ALARM_TOPIC_${A}_eu_west_1`]: `arn:aws:sns:${REGION}:${A}:blindspot-cis-alarms`,
        [`ALARM_TOPIC_${B}_eu_west_1`]: `arn:aws:sns:${REGION}:${B}:blindspot-cis-alarms`,
      };
      // Email: the script creates the topics and subscribes the address.
      const withEmail = await sh(awsScript, ["--apply"], { ...base, BLINDSPOT_ALARM_EMAIL: EMAIL }, dir);
      expect(withEmail.code, withEmail.stderr).toBe(0);
      expect(withEmail.stdout).toContain("PendingConfirmation");
      const calls = read(awsLog).filter((a) => a[0] !== "sts");
      expect(calls).toEqual(intended(awsSteps, "aws", { BLINDSPOT_ALARM_EMAIL: EMAIL, ...topics }));
      expect(calls.filter((a) => a[1] === "create-topic")).toHaveLength(2);
      expect(calls.filter((a) => a[1] === "subscribe").map((a) => opt(a, "--notification-endpoint"))).toEqual([
        EMAIL,
        EMAIL,
      ]);
      // An existing topic: used as is for every alarm, no topic created.
      writeFileSync(awsLog, "");
      const withTopic = await sh(awsScript, ["--apply"], { ...base, BLINDSPOT_ALARM_TOPIC_ARN: TOPIC }, dir);
      expect(withTopic.code, withTopic.stderr).toBe(0);
      const calls2 = read(awsLog).filter((a) => a[0] !== "sts");
      const t2 = Object.fromEntries(Object.keys(topics).map((k) => [k, TOPIC]));
      expect(calls2).toEqual(intended(awsSteps, "aws", { BLINDSPOT_ALARM_TOPIC_ARN: TOPIC, ...t2 }));
      expect(calls2.some((a) => a[0] === "sns")).toBe(false);
      const alarms = calls2.filter((a) => a[1] === "put-metric-alarm");
      expect(alarms.length).toBe(14 + 15);
      for (const a of alarms) expect(opt(a, "--alarm-actions")).toBe(TOPIC);

      // Azure with email and resource group: action group blindspot-cis, then the alerts pointing to it.
      const rg = "rg-security";
      const azEnv = { ...base, BLINDSPOT_ALARM_EMAIL: EMAIL, BLINDSPOT_ALERT_RESOURCE_GROUP: rg };
      const az1 = await sh(azScript, ["--apply"], azEnv, dir);
      expect(az1.code, az1.stderr).toBe(0);
      const agId = `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Insights/actionGroups/blindspot-cis`;
      const agVar = `ACTION_GROUP_${SUB.replace(/-/g, "_")}`;
      const azCalls = read(azLog);
      expect(azCalls).toEqual(
        intended(azSteps, "az", { BLINDSPOT_ALARM_EMAIL: EMAIL, BLINDSPOT_ALERT_RESOURCE_GROUP: rg, [agVar]: agId }),
      );
      const agPut = azCalls.find((a) => a.includes("put") && opt(a, "--url")!.includes("/actionGroups/"))!;
      expect(opt(agPut, "--url")).toBe(`https://management.azure.com${agId}?api-version=2023-01-01`);
      expect(JSON.parse(opt(agPut, "--body")!)).toEqual({
        location: "Global",
        properties: {
          groupShortName: "blindspotcis",
          enabled: true,
          emailReceivers: [{ name: "blindspot-email", emailAddress: EMAIL, useCommonAlertSchema: true }],
        },
      });
      // Azure with an existing action group: no action group written, the alerts name it.
      writeFileSync(azLog, "");
      const az2 = await sh(
        azScript,
        ["--apply"],
        { ...base, BLINDSPOT_ACTION_GROUP_ID: AG, BLINDSPOT_ALERT_RESOURCE_GROUP: rg },
        dir,
      );
      expect(az2.code, az2.stderr).toBe(0);
      const azCalls2 = read(azLog);
      expect(azCalls2).toEqual(
        intended(azSteps, "az", { BLINDSPOT_ACTION_GROUP_ID: AG, BLINDSPOT_ALERT_RESOURCE_GROUP: rg, [agVar]: AG }),
      );
      expect(azCalls2.some((a) => opt(a, "--url")!.includes("/actionGroups/"))).toBe(false);
      for (const a of azCalls2.filter((x) => x.includes("put")))
        expect((JSON.parse(opt(a, "--body")!) as { properties: { actions: unknown } }).properties.actions).toEqual({
          actionGroups: [{ actionGroupId: AG }],
        });
      expect(existsSync(join(dir, "pwned")) || existsSync(join(dir, "pwned2"))).toBe(false);
    });
  }
});

describe("terraform", () => {
  it("has the filters, alarms, topic (+ subscription), action group and alerts, with resolvable references", () => {
    const { snap, analysis } = setup(2);
    const result = generateFixes({ snapshot: snap, analysis, format: "terraform", checkIds: CHECKS });
    const doc = (p: string) =>
      JSON.parse(result.files.find((f) => f.path === p)!.content) as {
        variable: Record<string, { default?: string }>;
        resource: Record<string, Record<string, Record<string, unknown>>>;
      };
    const aws = doc("fix-aws.tf.json");
    const az = doc("fix-azure.tf.json");
    expect(Object.keys(aws.resource).sort()).toEqual(
      expect.arrayContaining([
        "aws_cloudwatch_log_metric_filter",
        "aws_cloudwatch_metric_alarm",
        "aws_sns_topic",
        "aws_sns_topic_subscription",
      ]),
    );
    expect(Object.keys(aws.variable)).toEqual(expect.arrayContaining(["alarm_topic_arn", "alarm_email"]));
    const filters = Object.values(aws.resource.aws_cloudwatch_log_metric_filter!);
    expect(filters).toHaveLength(14 + 15);
    const f44 = filters.find((f) => f.name === "blindspot-cis-4.4" && f.log_group_name !== undefined)!;
    expect(f44.pattern).toBe(C44.referencePattern);
    expect(f44.metric_transformation).toEqual({
      name: "IAMPolicyChanges-blindspot",
      namespace: "CISBenchmark",
      value: "1",
    });
    const alarm = Object.values(aws.resource.aws_cloudwatch_metric_alarm!)[0]!;
    expect(alarm).toMatchObject({
      statistic: "Sum",
      period: 300,
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
    });
    const topicNames = Object.keys(aws.resource.aws_sns_topic!);
    expect(alarm.alarm_actions).toEqual([
      expect.stringMatching(/^\$\{coalesce\(var\.alarm_topic_arn, one\(aws_sns_topic\.[a-z0-9_]+\[\*\]\.arn\)\)\}$/),
    ]);
    expect(topicNames.some((n) => (alarm.alarm_actions as string[])[0]!.includes(`aws_sns_topic.${n}[*]`))).toBe(true);
    expect(Object.keys(az.resource).sort()).toEqual([
      "azurerm_monitor_action_group",
      "azurerm_monitor_activity_log_alert",
    ]);
    expect(Object.keys(az.variable)).toEqual(
      expect.arrayContaining(["action_group_id", "alarm_email", "alert_resource_group"]),
    );
    const alerts = Object.values(az.resource.azurerm_monitor_activity_log_alert!);
    expect(alerts).toHaveLength(9);
    expect(alerts[0]).toMatchObject({
      scopes: [`/subscriptions/${SUB}`],
      enabled: true,
      criteria: { category: "Administrative", operation_name: expect.stringMatching(/^Microsoft\./) },
    });
    // B's filters go on the group the feed fix creates, so they wait for it.
    const groups = Object.keys(aws.resource.aws_cloudwatch_log_group ?? {});
    expect(groups).toHaveLength(1);
    const onB = filters.filter((f) => String(f.log_group_name).startsWith(`aws-cloudtrail-logs-${B}-`));
    expect(onB).toHaveLength(15);
    for (const f of onB) expect(f.depends_on).toEqual([`aws_cloudwatch_log_group.${groups[0]}`]);
    // Names stay data: every unescaped template sequence is one blindspot wrote, and its references resolve.
    for (const f of result.files) {
      const d = JSON.parse(f.content) as typeof aws;
      const resources = new Set(Object.entries(d.resource).flatMap(([t, m]) => Object.keys(m).map((n) => `${t}.${n}`)));
      const vars = new Set(Object.keys(d.variable ?? {}));
      for (const m of f.content.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) {
        for (const r of m[1]!.matchAll(/\b(var\.[a-z0-9_]+|[a-z0-9]+_[a-z0-9_]+\.[a-z0-9_]+)\b/g)) {
          const ref = r[1]!;
          expect(ref.startsWith("var.") ? vars.has(ref.slice(4)) : resources.has(ref), ref).toBe(true);
        }
      }
      for (const body of Object.values(d.resource).flatMap((m) => Object.values(m)))
        for (const dep of (body.depends_on as string[] | undefined) ?? []) expect(resources.has(dep), dep).toBe(true);
      expect(f.content).not.toMatch(/(?<!%)%\{/);
    }
  });
});

describe.skipIf(!CAN_VALIDATE)("terraform validate (local provider mirror)", () => {
  // The provider checks log group names (CloudWatch refuses others too); every other name stays adversarial.
  it("the AWS file with adversarial names is valid Terraform", { timeout: 120_000 }, async () => {
    const { snap, analysis } = setup(1, "/aws/cloudtrail/acme#org_1.x-y");
    const result = generateFixes({ snapshot: snap, analysis, format: "terraform", checkIds: CHECKS });
    const dir = tempDir();
    writeFileSync(join(dir, "fix-aws.tf.json"), result.files.find((f) => f.path === "fix-aws.tf.json")!.content);
    const env = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dir, TF_IN_AUTOMATION: "1" };
    await run(TERRAFORM!, ["init", "-input=false", "-no-color", `-plugin-dir=${TF_PLUGINS}`], { cwd: dir, env });
    const v = await run(TERRAFORM!, ["validate", "-no-color"], { cwd: dir, env }).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(`${v.stdout}${v.stderr}`).toContain("Success! The configuration is valid.");
  });
});

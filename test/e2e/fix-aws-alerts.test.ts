/**
 * The apply → rescan loop for the detection fixes (aws.alert.missing) of the demo: `blindspot fix --format bash
 * --check aws.alert.missing`, the script applied by the Debian aws CLI v2 (/usr/bin/aws) against the simulator, a
 * rescan in which every CIS class passes in every account, and a second --apply that writes nothing.
 * Under CI=true a missing aws CLI fails (fix-aws.test.ts says so); elsewhere the suite is skipped.
 *
 * The script's alarms notify BLINDSPOT_ALARM_TOPIC_ARN, a topic created here with an sqs subscription (confirmed at
 * once, like in SNS); an email subscription would stay PendingConfirmation and the classes would rightly stay
 * failing. Without any alarm setting, --apply stops before the first write.
 *
 * CloudWatch: the stock Debian aws CLI 2.9 speaks the awsQuery (XML) protocol for CloudWatch (`describe-alarms`,
 * `put-metric-alarm`), which the simulator serves beside JSON 1.0; no model override is involved.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { AWS, awsBin, HAVE_AWS, run, scanTo, scriptEnv, writes } from "../helpers/aws-fix.js";
import { cli, tempDir } from "../helpers/cli.js";

const MGMT = "111122223333";

describe.skipIf(!HAVE_AWS)("fix --format bash for aws.alert.missing: apply with the aws CLI, rescan", () => {
  let sim: Simulator;
  const dir = tempDir();

  beforeAll(async () => {
    sim = await startSimulator({ scenario: "demo" });
    awsBin(dir);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("refuses without alarm settings, then closes every class it claims; a second --apply writes nothing", {
    timeout: 600_000,
  }, async () => {
    const before = await scanTo(sim, dir, join(dir, "before.json"));
    const failing = before.analysis.findings.filter((f) => f.status === "fail" && f.checkId === "aws.alert.missing");
    const failingClasses = new Set(failing.map((f) => f.resource.replace(/^aws:\d+:cis-/, "")));
    expect(failingClasses.size).toBeGreaterThan(5);

    const out = join(dir, "fix");
    const fix = await cli(
      ["fix", "--from", join(dir, "before.json"), "--format", "bash", "--out", out, "--check", "aws.alert.missing"],
      { cwd: dir },
    );
    expect(fix.code, fix.stderr).toBe(0);
    const script = join(out, "fix-aws.sh");
    const claimed = [...readFileSync(script, "utf8").matchAll(/^# {3}([0-9a-f]{16}) (aws\.[a-z.-]+):/gm)].map(
      (m) => m[1]!,
    );
    expect(new Set(claimed)).toEqual(new Set(failing.map((f) => f.id)));

    // Dry run: no call at all.
    const calls0 = sim.calls().length;
    const dry = await run("bash", [script], { env: scriptEnv(sim, dir), timeout: 60_000 });
    expect(dry.stdout).toContain("dry run");
    expect(sim.calls().length).toBe(calls0);

    // No alarm setting: --apply refuses with one line naming both variables, before any call.
    const refused = await run("bash", [script, "--apply"], { env: scriptEnv(sim, dir), timeout: 60_000 }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toContain("BLINDSPOT_ALARM_TOPIC_ARN");
    expect(refused.stderr).toContain("BLINDSPOT_ALARM_EMAIL");
    expect(sim.calls().length).toBe(calls0);

    // The alarms' topic: an existing topic with a confirmed (sqs) subscription, named by BLINDSPOT_ALARM_TOPIC_ARN.
    const sns = async (...args: string[]) =>
      (
        await run(AWS, ["--endpoint-url", sim.url, "sns", ...args, "--region", "us-east-1", "--output", "text"], {
          env: scriptEnv(sim, dir),
        })
      ).stdout.trim();
    const topicArn = await sns("create-topic", "--name", "acme-secops-alarms", "--query", "TopicArn");
    expect(topicArn).toBe(`arn:aws:sns:us-east-1:${MGMT}:acme-secops-alarms`);
    await sns(
      "subscribe",
      "--topic-arn",
      topicArn,
      "--protocol",
      "sqs",
      "--notification-endpoint",
      `arn:aws:sqs:us-east-1:${MGMT}:secops-alarms`,
    );
    const applyEnv = { ...scriptEnv(sim, dir), BLINDSPOT_ALARM_TOPIC_ARN: topicArn };

    const w0 = writes(sim);
    const applied = await run("bash", [script, "--apply"], { env: applyEnv, timeout: 300_000 });
    expect(applied.stdout).toContain("not needed: BLINDSPOT_ALARM_TOPIC_ARN is set");
    // One filter and one alarm per failing class, on the organization trail's group in the management account.
    const newWrites = sim
      .calls()
      .filter((c) => c.write)
      .slice(w0)
      .map((c) => c.operation);
    expect(newWrites.filter((o) => o === "PutMetricFilter")).toHaveLength(failingClasses.size);
    expect(newWrites.filter((o) => o === "PutMetricAlarm")).toHaveLength(failingClasses.size);
    expect(newWrites.filter((o) => o === "CreateTopic" || o === "Subscribe")).toEqual([]);

    // Every CIS class now passes in every account, the previously failing ones through blindspot's chain.
    const after = await scanTo(sim, dir, join(dir, "after.json"));
    const alerts = after.analysis.findings.filter((f) => f.checkId === "aws.alert.missing");
    expect(alerts.length).toBe(4 * 15);
    expect(alerts.filter((f) => f.status !== "pass").map((f) => f.title)).toEqual([]);
    for (const id of failingClasses) {
      const f = alerts.find((x) => x.resource === `aws:${MGMT}:cis-${id}`)!;
      expect(f.title).toContain(`blindspot-cis-${id}`);
      expect(f.title).toContain(topicArn);
    }

    const w1 = writes(sim);
    const again = await run("bash", [script, "--apply"], { env: applyEnv, timeout: 300_000 });
    expect(writes(sim)).toBe(w1);
    expect(again.stdout).toContain("already in place");
  });
});

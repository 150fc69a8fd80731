/**
 * The apply → rescan loop for AWS: the demo estate in the simulator, `blindspot scan --aws --org`, `blindspot fix
 * --format bash`, the script run with --apply by the Debian aws CLI v2 (/usr/bin/aws) pointed at the simulator,
 * then a rescan: every finding the script claims to close passes, and a second --apply makes no write call.
 * Under CI=true a missing aws CLI fails; elsewhere the suite is skipped with a message.
 *
 * Excluded from the applied selection (simulator gaps, reported): aws.trail.siem-feed-missing (the simulator has no
 * IAM for the delivery role) and aws.trail.kms-disabled (no KMS CreateKey/CreateAlias). Their scripts are still
 * generated and shellchecked (fix-scripts unit tests). The detection fixes (aws.alert.missing) have their own file,
 * fix-aws-alerts.test.ts, so the two loops run side by side.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeKey } from "../../src/model/scope.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { awsBin, CI, HAVE_AWS, run, scanTo, scriptEnv, writes } from "../helpers/aws-fix.js";
import { cli, tempDir } from "../helpers/cli.js";

if (!HAVE_AWS && !CI)
  console.warn("fix-aws: skipped, the aws CLI v2 is not installed at /usr/bin/aws (apt-get install awscli)");

const APPLIED_CHECKS = [
  "aws.trail.region-uncovered",
  "aws.trail.not-logging",
  "aws.trail.mgmt-events-partial",
  "aws.trail.global-events-missing",
  "aws.trail.validation-disabled",
  "aws.kms.rotation-disabled",
  "aws.bucket.not-worm",
  "aws.bucket.expires-early",
  "aws.bucket.public",
  "aws.logs.retention-short",
];

describe("aws CLI for the fix loop", () => {
  it("is installed when CI=true", () => {
    if (CI) expect(HAVE_AWS, "CI must install awscli (/usr/bin/aws)").toBe(true);
  });
});

describe.skipIf(!HAVE_AWS)("fix --format bash: apply with the aws CLI, rescan", () => {
  let sim: Simulator;
  const dir = tempDir();

  beforeAll(async () => {
    sim = await startSimulator({ scenario: "demo" });
    awsBin(dir);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("closes every finding it claims, and a second --apply writes nothing", { timeout: 600_000 }, async () => {
    const before = await scanTo(sim, dir, join(dir, "before.json"));
    const failing = before.analysis.findings.filter((f) => f.status === "fail" && APPLIED_CHECKS.includes(f.checkId));
    expect(failing.length).toBeGreaterThanOrEqual(10);

    const out = join(dir, "fix");
    const fix = await cli(
      [
        "fix",
        "--from",
        join(dir, "before.json"),
        "--format",
        "bash",
        "--out",
        out,
        "--check",
        APPLIED_CHECKS.join(","),
      ],
      { cwd: dir },
    );
    expect(fix.code, fix.stderr).toBe(0);
    const script = join(out, "fix-aws.sh");
    const text = readFileSync(script, "utf8");
    const claimed = [...text.matchAll(/^# {3}([0-9a-f]{16}) (aws\.[a-z.-]+):/gm)].map((m) => m[1]!);
    expect(new Set(claimed)).toEqual(new Set(failing.map((f) => f.id)));

    // Dry run: no call at all.
    const calls0 = sim.calls().length;
    const dry = await run("bash", [script], { env: scriptEnv(sim, dir), timeout: 60_000 });
    expect(dry.stdout).toContain("dry run");
    expect(sim.calls().length).toBe(calls0);

    const w0 = writes(sim);
    await run("bash", [script, "--apply"], { env: scriptEnv(sim, dir), timeout: 300_000 });
    expect(writes(sim)).toBeGreaterThan(w0);

    const after = await scanTo(sim, dir, join(dir, "after.json"));
    // A claimed finding is closed when it now passes; a finding keyed by a resource that no longer fails (the legacy
    // log profile once an export exists) is closed when its check passes in the same scope.
    const stillOpen = (id: string) => {
      const was = before.analysis.findings.find((f) => f.id === id)!;
      const same = after.analysis.findings.filter(
        (f) => f.id === id || (f.checkId === was.checkId && scopeKey(f.scope) === scopeKey(was.scope)),
      );
      return same.length === 0 || same.some((f) => f.status !== "pass");
    };
    expect(claimed.filter(stillOpen)).toEqual([]);

    const w1 = writes(sim);
    const again = await run("bash", [script, "--apply"], { env: scriptEnv(sim, dir), timeout: 300_000 });
    expect(writes(sim)).toBe(w1);
    expect(again.stdout).toContain("already in place");
  });
});

describe.skipIf(!HAVE_AWS)("fix --format bash: an account without any trail gets a new multi-region trail", () => {
  let sim: Simulator;
  const dir = tempDir();
  const ACCT = "123456789012";

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: "no-trail",
        aws: { accounts: [{ id: ACCT, name: "lonely" }], defaultRegions: ["us-east-1", "eu-west-1"] },
      },
    });
    awsBin(dir);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("creates bucket, policy, trail and starts logging; the rescan is covered; a second --apply writes nothing", {
    timeout: 300_000,
  }, async () => {
    const scan = async (out: string) => (await scanTo(sim, dir, out, false)).analysis;
    const before = await scan(join(dir, "before.json"));
    // aws.alert.missing fails too (no alarms without a trail's log group), but there is no trail yet to carry the
    // metric filters: the fix command lists it as skipped, so only the trail findings are claimed and must close.
    const failing = before.findings.filter((f) => f.status === "fail" && f.checkId !== "aws.alert.missing");
    expect(new Set(failing.map((f) => f.checkId))).toEqual(
      new Set(["aws.trail.region-uncovered", "aws.trail.global-events-missing"]),
    );
    expect(before.findings.some((f) => f.status === "fail" && f.checkId === "aws.alert.missing")).toBe(true);
    const fix = await cli(["fix", "--from", join(dir, "before.json"), "--out", join(dir, "fix")], { cwd: dir });
    expect(fix.code, fix.stderr).toBe(0);
    expect(fix.stderr).toContain("no trail applies to account 123456789012");
    expect(fix.stderr).toContain("fix aws.trail.region-uncovered first");
    const env = scriptEnv(sim, dir, `AKIASIM${ACCT}X`);
    await run("bash", [join(dir, "fix", "fix-aws.sh"), "--apply"], { env, timeout: 120_000 });
    const ops = sim
      .calls()
      .filter((c) => c.write)
      .map((c) => c.operation);
    expect(ops).toEqual(["CreateBucket", "PutPublicAccessBlock", "PutBucketPolicy", "CreateTrail", "StartLogging"]);
    const after = await scan(join(dir, "after.json"));
    expect(after.findings.filter((f) => f.status === "fail" && failing.some((x) => x.id === f.id))).toEqual([]);
    expect(after.findings.filter((f) => f.checkId === "aws.trail.region-uncovered").map((f) => f.status)).toEqual([
      "pass",
      "pass",
    ]);
    const w = ops.length;
    await run("bash", [join(dir, "fix", "fix-aws.sh"), "--apply"], { env, timeout: 120_000 });
    expect(sim.calls().filter((c) => c.write)).toHaveLength(w);
  });
});

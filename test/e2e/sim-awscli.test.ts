/**
 * The Debian `aws` CLI v2 against the simulator: a read and a write per AWS service, and the acceptance check
 * (`blindspot sim --scenario demo` + `aws cloudtrail describe-trails --region eu-west-1` shows the org trail as a
 * shadow trail). Under CI=true a missing aws binary fails the test; elsewhere the suite is skipped with a message.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";

const run = promisify(execFile);
const AWS = ["/usr/bin/aws", "/usr/local/bin/aws"].find((p) => existsSync(p));
const CI = process.env.CI === "true" || process.env.CI === "1";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MGMT = "111122223333";
const STG = "777788889999";

if (!AWS && !CI) {
  console.warn("sim-awscli: skipped, the aws CLI v2 is not installed at /usr/bin/aws (apt-get install awscli)");
}

describe("aws CLI binary", () => {
  it("is installed when CI=true", () => {
    if (CI) expect(AWS, "CI must install awscli (/usr/bin/aws)").toBeDefined();
  });
});

describe.skipIf(!AWS)("aws CLI v2 against the simulator", () => {
  let sim: Simulator;
  const home = mkdtempSync(join(tmpdir(), "bs-awscli-"));

  async function aws(args: string[], opts: { account?: string; region?: string } = {}): Promise<unknown> {
    const { stdout } = await run(AWS!, ["--endpoint-url", sim.url, "--output", "json", ...args], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        AWS_ACCESS_KEY_ID: `AKIASIM${opts.account ?? MGMT}X`,
        AWS_SECRET_ACCESS_KEY: sim.env.AWS_SECRET_ACCESS_KEY!,
        AWS_DEFAULT_REGION: opts.region ?? "us-east-1",
        AWS_CONFIG_FILE: join(home, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
        AWS_PAGER: "",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_MAX_ATTEMPTS: "1",
      },
      timeout: 60_000,
    });
    return stdout.trim() ? JSON.parse(stdout) : {};
  }

  beforeAll(async () => {
    sim = await startSimulator({ scenario: "demo" });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("cloudtrail: describe-trails shows the org trail as a shadow trail in eu-west-1; put-event-selectors writes", async () => {
    const r = (await aws(["cloudtrail", "describe-trails", "--region", "eu-west-1"])) as {
      trailList: Record<string, unknown>[];
    };
    expect(r.trailList).toHaveLength(1);
    expect(r.trailList[0]).toMatchObject({
      Name: "acme-org-trail",
      HomeRegion: "us-east-1",
      IsOrganizationTrail: true,
    });
    const own = (await aws([
      "cloudtrail",
      "describe-trails",
      "--region",
      "eu-west-1",
      "--no-include-shadow-trails",
    ])) as {
      trailList: unknown[];
    };
    expect(own.trailList).toEqual([]);
    await aws(
      [
        "cloudtrail",
        "put-event-selectors",
        "--trail-name",
        "data-platform-audit",
        "--event-selectors",
        '[{"ReadWriteType":"All","IncludeManagementEvents":true}]',
        "--region",
        "eu-central-1",
      ],
      { account: "210987654321", region: "eu-central-1" },
    );
    const sel = (await aws(["cloudtrail", "get-event-selectors", "--trail-name", "data-platform-audit"], {
      account: "210987654321",
      region: "eu-central-1",
    })) as { EventSelectors: { ReadWriteType: string }[] };
    expect(sel.EventSelectors[0]?.ReadWriteType).toBe("All");
    const ev = (await aws(["cloudtrail", "lookup-events", "--max-results", "3", "--region", "us-east-1"])) as {
      Events: unknown[];
    };
    expect(ev.Events).toHaveLength(3);
  });

  it("logs: describe-log-groups and put-retention-policy", async () => {
    const before = (await aws(["logs", "describe-log-groups"])) as {
      logGroups: { logGroupName: string; retentionInDays?: number }[];
    };
    expect(before.logGroups.map((g) => g.logGroupName)).toEqual(["aws-cloudtrail-logs-acme-org"]);
    await aws([
      "logs",
      "put-retention-policy",
      "--log-group-name",
      "aws-cloudtrail-logs-acme-org",
      "--retention-in-days",
      "400",
    ]);
    const after = (await aws(["logs", "describe-log-groups"])) as typeof before;
    expect(after.logGroups[0]?.retentionInDays).toBe(400);
    const f = (await aws([
      "logs",
      "filter-log-events",
      "--log-group-name",
      "aws-cloudtrail-logs-acme-org",
      "--filter-pattern",
      '{ $.eventName = "StopLogging" }',
    ])) as { events: { message: string }[] };
    expect(f.events.map((e) => JSON.parse(e.message).eventName)).toEqual(["StopLogging"]);
  });

  it("organizations: describe-organization and list-accounts (the simulator has no Organizations writes)", async () => {
    const o = (await aws(["organizations", "describe-organization"])) as { Organization: { MasterAccountId: string } };
    expect(o.Organization.MasterAccountId).toBe(MGMT);
    const a = (await aws(["organizations", "list-accounts"])) as { Accounts: unknown[] };
    expect(a.Accounts).toHaveLength(4);
  });

  it("kms: get-key-rotation-status and enable-key-rotation", async () => {
    const opts = { account: "210987654321", region: "eu-central-1" };
    const key = "alias/data-platform-trail";
    const d = (await aws(["kms", "describe-key", "--key-id", key], opts)) as { KeyMetadata: { KeyId: string } };
    expect(
      (
        (await aws(["kms", "get-key-rotation-status", "--key-id", d.KeyMetadata.KeyId], opts)) as {
          KeyRotationEnabled: boolean;
        }
      ).KeyRotationEnabled,
    ).toBe(false);
    await aws(["kms", "enable-key-rotation", "--key-id", d.KeyMetadata.KeyId], opts);
    expect(
      (
        (await aws(["kms", "get-key-rotation-status", "--key-id", d.KeyMetadata.KeyId], opts)) as {
          KeyRotationEnabled: boolean;
        }
      ).KeyRotationEnabled,
    ).toBe(true);
  });

  it("ec2: describe-regions with --all-regions and an opt-in filter (the simulator has no EC2 writes)", async () => {
    const r = (await aws([
      "ec2",
      "describe-regions",
      "--all-regions",
      "--filters",
      "Name=opt-in-status,Values=not-opted-in",
    ])) as {
      Regions: { RegionName: string; OptInStatus: string }[];
    };
    expect(r.Regions.map((x) => x.RegionName)).toContain("ap-east-1");
    expect(r.Regions.every((x) => x.OptInStatus === "not-opted-in")).toBe(true);
    const enabled = (await aws(["ec2", "describe-regions"])) as { Regions: unknown[] };
    expect(enabled.Regions).toHaveLength(17);
  });

  it("cloudwatch (awsQuery in CLI 2.9): put-metric-alarm, describe-alarms shows it, --alarm-types CompositeAlarm", async () => {
    const topic = `arn:aws:sns:us-east-1:${MGMT}:acme-security-alerts`;
    await aws([
      "cloudwatch",
      "put-metric-alarm",
      "--alarm-name",
      "CliAlarm",
      "--metric-name",
      "Errors",
      "--namespace",
      "App",
      "--statistic",
      "Sum",
      "--period",
      "60",
      "--evaluation-periods",
      "2",
      "--threshold",
      "1.5",
      "--comparison-operator",
      "GreaterThanThreshold",
      "--dimensions",
      "Name=Service,Value=api",
      "Name=Stage,Value=prod",
      "--alarm-actions",
      topic,
      `arn:aws:sns:us-east-1:${MGMT}:acme-kms-alerts`,
    ]);
    const one = (await aws(["cloudwatch", "describe-alarms", "--alarm-names", "CliAlarm"])) as {
      MetricAlarms: Record<string, unknown>[];
      CompositeAlarms: unknown[];
    };
    expect(one.MetricAlarms).toHaveLength(1);
    expect(one.MetricAlarms[0]).toMatchObject({
      AlarmName: "CliAlarm",
      MetricName: "Errors",
      Namespace: "App",
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 1.5,
      Dimensions: [
        { Name: "Service", Value: "api" },
        { Name: "Stage", Value: "prod" },
      ],
      AlarmActions: [topic, `arn:aws:sns:us-east-1:${MGMT}:acme-kms-alerts`],
      StateValue: "INSUFFICIENT_DATA",
    });
    expect(String(one.MetricAlarms[0]?.AlarmConfigurationUpdatedTimestamp)).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Paged by the CLI (MaxRecords/NextToken): the demo's 7 metric alarms and the new one.
    const all = (await aws(["cloudwatch", "describe-alarms", "--page-size", "3"])) as {
      MetricAlarms: { AlarmName: string }[];
    };
    expect(all.MetricAlarms.map((a) => a.AlarmName)).toContain("CliAlarm");
    expect(all.MetricAlarms).toHaveLength(8);
    const comp = (await aws(["cloudwatch", "describe-alarms", "--alarm-types", "CompositeAlarm"])) as {
      MetricAlarms: unknown[];
      CompositeAlarms: { AlarmName: string; AlarmRule: string }[];
    };
    expect(comp.MetricAlarms).toEqual([]);
    expect(comp.CompositeAlarms.map((a) => a.AlarmName)).toEqual(["SecurityGroupChangesOutsideDeploys"]);
    const m = (await aws([
      "cloudwatch",
      "describe-alarms-for-metric",
      "--metric-name",
      "Errors",
      "--namespace",
      "App",
      "--dimensions",
      "Name=Stage,Value=prod",
      "Name=Service,Value=api",
    ])) as { MetricAlarms: { AlarmName: string }[] };
    expect(m.MetricAlarms.map((a) => a.AlarmName)).toEqual(["CliAlarm"]);
    // Errors come back as the CLI's usual message (query XML error parsed by botocore).
    await expect(aws(["cloudwatch", "delete-alarms", "--alarm-names", "NoSuchAlarm"])).rejects.toThrow(
      /ResourceNotFound/,
    );
    await aws(["cloudwatch", "delete-alarms", "--alarm-names", "CliAlarm"]);
    const gone = (await aws(["cloudwatch", "describe-alarms", "--alarm-names", "CliAlarm"])) as {
      MetricAlarms: unknown[];
    };
    expect(gone.MetricAlarms).toEqual([]);
    const writes = sim
      .calls()
      .filter((c) => c.service === "monitoring" && c.write && c.status === 200)
      .map((c) => c.operation);
    expect(writes).toEqual(["PutMetricAlarm", "DeleteAlarms"]);
  });

  it("sts: get-caller-identity and assume-role", async () => {
    expect(((await aws(["sts", "get-caller-identity"])) as { Account: string }).Account).toBe(MGMT);
    const ar = (await aws([
      "sts",
      "assume-role",
      "--role-arn",
      `arn:aws:iam::${STG}:role/OrganizationAccountAccessRole`,
      "--role-session-name",
      "awscli",
    ])) as { Credentials: { AccessKeyId: string }; AssumedRoleUser: { Arn: string } };
    expect(ar.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${STG}:assumed-role/OrganizationAccountAccessRole/awscli`);
    expect(ar.Credentials.AccessKeyId).toMatch(/^ASIA/);
  });

  it("s3: get-bucket-lifecycle-configuration, put-public-access-block, list-objects-v2", async () => {
    const opts = { account: STG, region: "eu-west-1" };
    const b = "acme-staging-cloudtrail-777788889999";
    const lc = (await aws(["s3api", "get-bucket-lifecycle-configuration", "--bucket", b], opts)) as {
      Rules: { Expiration: { Days: number } }[];
    };
    expect(lc.Rules[0]?.Expiration.Days).toBe(30);
    await aws(
      [
        "s3api",
        "put-public-access-block",
        "--bucket",
        b,
        "--public-access-block-configuration",
        "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
      ],
      opts,
    );
    const pab = (await aws(["s3api", "get-public-access-block", "--bucket", b], opts)) as {
      PublicAccessBlockConfiguration: Record<string, boolean>;
    };
    expect(pab.PublicAccessBlockConfiguration.RestrictPublicBuckets).toBe(true);
    const l = (await aws(
      [
        "s3api",
        "list-objects-v2",
        "--bucket",
        b,
        "--prefix",
        `AWSLogs/${STG}/CloudTrail/eu-west-1/`,
        "--max-items",
        "3",
      ],
      opts,
    )) as {
      Contents: { Key: string }[];
    };
    expect(l.Contents).toHaveLength(3);
    expect(l.Contents[0]?.Key).toMatch(/\.json\.gz$/);
    const writes = sim
      .calls()
      .filter((c) => c.write)
      .map((c) => `${c.service}:${c.operation}`);
    expect(writes).toEqual(
      expect.arrayContaining([
        "cloudtrail:PutEventSelectors",
        "logs:PutRetentionPolicy",
        "kms:EnableKeyRotation",
        "s3:PutPublicAccessBlock",
      ]),
    );
  });
});

describe.skipIf(!AWS)("blindspot sim --scenario demo (built CLI) + aws CLI", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGTERM");
  });

  it("prints export lines; describe-trails --region eu-west-1 shows the org trail as a shadow trail; SIGTERM exits 0", async () => {
    const main = join(ROOT, "dist/src/cli/main.js");
    expect(existsSync(main), "build first: npm run build (npm run test:e2e does)").toBe(true);
    child = spawn(process.execPath, [join(ROOT, "bin/blindspot.js"), "sim", "--scenario", "demo", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 300 && !out.includes("BLINDSPOT_AZURE_ENDPOINT="); i++)
      await new Promise((r) => setTimeout(r, 50));
    const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(env)).toEqual([
      "AWS_ENDPOINT_URL",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_REGION",
      "BLINDSPOT_AZURE_ENDPOINT",
    ]);
    const { stdout } = await run(
      AWS!,
      [
        "--endpoint-url",
        env.AWS_ENDPOINT_URL!,
        "cloudtrail",
        "describe-trails",
        "--region",
        "eu-west-1",
        "--output",
        "json",
      ],
      {
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: mkdtempSync(join(tmpdir(), "bs-awscli-")),
          AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
          AWS_PAGER: "",
        },
      },
    );
    const trails = JSON.parse(stdout).trailList as {
      TrailARN: string;
      HomeRegion: string;
      IsOrganizationTrail: boolean;
    }[];
    expect(trails).toEqual([
      expect.objectContaining({
        TrailARN: `arn:aws:cloudtrail:us-east-1:${MGMT}:trail/acme-org-trail`,
        HomeRegion: "us-east-1",
        IsOrganizationTrail: true,
      }),
    ]);
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    child = undefined;
  });
});

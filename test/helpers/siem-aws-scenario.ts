/**
 * The estate of the AWS sampling tests (siem-aws*.test.ts) and how they reach it: two accounts in three regions with
 * planted missing events, a region without a trail, failed logins, a delivery gap and a StopLogging window.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { S3Client } from "@aws-sdk/client-s3";
import type { AwsSamplingClients } from "../../src/collect/sampling/aws.js";
import type { Trail } from "../../src/model/snapshot-aws.js";
import type { ScenarioInput } from "../../src/sim/index.js";

export const A = "111111111111";
export const B = "222222222222";
export const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
export const SECRET = "blindspotSimulatorSecretKey0000000000000";
export const keyFor = (account: string) => `AKIASIM${account}X`;
export const DAY = 86_400_000;
export const SAMPLE_DAYS = 20;

const now = new Date();
/** Today's UTC midnight, taken once so every midnight below counts from the same day. */
const TODAY = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
/** UTC midnight `days` days before today's, as an ISO timestamp. */
function midnight(days: number): string {
  return new Date(TODAY - days * DAY).toISOString();
}
/**
 * eu-west-1's lost delivery: two whole UTC days. Its stream starts at a midnight too, so each of those days holds
 * exactly two events (one per 12-hour slot) whatever the hour the tests run: enough for a delivery-gap day
 * (MIN_GAP_DAY_EVENTS). Relative times ("-6d") would cut the days at the current hour and, at some hours, leave
 * every dropped day with a single event.
 */
export const EU_DROPPED = { from: midnight(6), to: midnight(4) };

export const scenario: ScenarioInput = {
  name: "siem-aws",
  aws: {
    seed: 7,
    defaultRegions: REGIONS,
    accounts: [
      { id: A, name: "alpha" },
      { id: B, name: "bravo" },
    ],
    logGroups: [
      { name: "/alpha/siem", account: A, region: "us-east-1", retentionInDays: 30, createdAt: "-200d" },
      { name: "/alpha/siem-eu", account: A, region: "eu-west-1", createdAt: "-200d" },
    ],
    buckets: [
      { name: "alpha-trail", account: A, region: "us-east-1" },
      { name: "bravo-trail", account: B, region: "us-east-1" },
    ],
    trails: [
      {
        name: "alpha-main",
        account: A,
        homeRegion: "us-east-1",
        cloudWatchLogs: { logGroup: "/alpha/siem" },
        s3Bucket: "alpha-trail",
        createdAt: "-200d",
      },
      {
        name: "alpha-eu",
        account: A,
        homeRegion: "eu-west-1",
        includeGlobalServiceEvents: false,
        cloudWatchLogs: { logGroup: "/alpha/siem-eu" },
        s3Bucket: "alpha-trail",
        createdAt: "-200d",
      },
      {
        name: "bravo-main",
        account: B,
        homeRegion: "us-east-1",
        multiRegion: true,
        s3Bucket: "bravo-trail",
        s3KeyPrefix: "ct",
        createdAt: "-300d",
      },
    ],
    streams: [
      {
        account: A,
        region: "us-east-1",
        from: "-100d",
        privileged: { perDay: 1 },
        failedLogins: { perDay: 0.5 },
        consoleLogins: { perDay: 1 },
        reads: { perDay: 3 },
        events: [
          { id: "planted-missing-iam", at: "-3d", name: "AttachRolePolicy", delivery: { cloudwatch: false } },
          {
            id: "planted-missing-sg",
            at: "-6d2h",
            name: "AuthorizeSecurityGroupIngress",
            delivery: { cloudwatch: false },
          },
        ],
      },
      {
        account: A,
        region: "eu-west-1",
        from: midnight(100),
        privileged: { perDay: 2 },
        delivery: { droppedDays: [EU_DROPPED] },
      },
      { account: A, region: "ap-southeast-2", from: "-100d", privileged: { perDay: 1 } },
      { account: B, region: "us-east-1", from: "-100d", privileged: { perDay: 1 } },
    ],
    tamper: [
      {
        account: B,
        region: "us-east-1",
        at: "-10d",
        action: "StopLogging",
        target: "bravo-main",
        actor: "user:mallory",
      },
      { account: B, region: "us-east-1", at: "-8d", action: "StartLogging", target: "bravo-main", actor: "user:admin" },
    ],
  },
};

export function clients(url: string, account: string): AwsSamplingClients {
  const creds = (a: string) => ({ accessKeyId: keyFor(a), secretAccessKey: SECRET });
  const ct = new Map<string, CloudTrailClient>();
  return {
    cloudtrail(region) {
      let c = ct.get(region);
      if (!c) {
        c = new CloudTrailClient({ endpoint: url, region, credentials: creds(account) });
        ct.set(region, c);
      }
      return c;
    },
    logs: (a, region) => new CloudWatchLogsClient({ endpoint: url, region, credentials: creds(a) }),
    s3: (_bucket, owner) =>
      new S3Client({ endpoint: url, region: "us-east-1", forcePathStyle: true, credentials: creds(owner) }),
  };
}

/** The account's trails as the AWS collector records them (the fields sampling uses). */
export async function readTrails(url: string, account: string): Promise<Trail[]> {
  const byArn = new Map<string, Trail>();
  for (const region of REGIONS) {
    const ct = new CloudTrailClient({
      endpoint: url,
      region,
      credentials: { accessKeyId: keyFor(account), secretAccessKey: SECRET },
    });
    const out = await ct.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    for (const t of out.trailList ?? []) {
      const arn = t.TrailARN!;
      const prev = byArn.get(arn);
      if (prev) {
        prev.seenInRegions.push(region);
        continue;
      }
      const st = await ct.send(new GetTrailStatusCommand({ Name: arn }));
      byArn.set(arn, {
        arn,
        name: t.Name!,
        homeRegion: t.HomeRegion!,
        ownerAccountId: arn.split(":")[4]!,
        isMultiRegion: Boolean(t.IsMultiRegionTrail),
        isOrganization: Boolean(t.IsOrganizationTrail),
        includeGlobalServiceEvents: Boolean(t.IncludeGlobalServiceEvents),
        logFileValidationEnabled: Boolean(t.LogFileValidationEnabled),
        ...(t.CloudWatchLogsLogGroupArn ? { cloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn } : {}),
        ...(t.S3BucketName ? { s3BucketName: t.S3BucketName } : {}),
        ...(t.S3KeyPrefix ? { s3KeyPrefix: t.S3KeyPrefix } : {}),
        status: {
          state: "ok",
          value: {
            isLogging: Boolean(st.IsLogging),
            ...(st.StartLoggingTime ? { startLoggingTime: st.StartLoggingTime.toISOString() } : {}),
            ...(st.StopLoggingTime ? { stopLoggingTime: st.StopLoggingTime.toISOString() } : {}),
          },
        },
        selectors: { kind: "basic", eventSelectors: [] },
        seenInRegions: [region],
      });
    }
  }
  return [...byArn.values()];
}

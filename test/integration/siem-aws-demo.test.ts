/**
 * The demo estate through the AWS collector and sampleAwsAccounts (the collector's entry point), real SDK clients:
 * every planted SIEM gap of demoAwsPlanted is reported, and nothing else.
 */
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { analyzeSiem } from "../../analyzers/siem/index.js";
import { collectAws } from "../../src/collect/aws/index.js";
import { type AwsSamplingResult, sampleAwsAccount, sampleAwsAccounts } from "../../src/collect/sampling/index.js";
import type { Finding } from "../../src/model/finding.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import type { CollectContext } from "../../src/scan/context.js";
import { Limiter } from "../../src/scan/limit.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { LOOKUP_EVENTS_LIMIT, TokenBuckets } from "../../src/scan/token-bucket.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_ACCOUNTS, DEMO_TRAILS, demoAwsPlanted } from "../../src/sim/scenarios/demo-aws.js";

const MINE = /^aws\.(siem\.|tamper\.)|^aws\.logs\.retention-unproven$/;
const SECRET = "blindspotSimulatorSecretKey0000000000000";

let sim: Simulator;
let findings: Finding[];
/** Staging eu-west-1 as if the organization trail had no log group: its S3 files (under AWSLogs/<org id>/) are read. */
let s3Run: AwsSamplingResult;
let s3Sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
  const options: ScanOptions = {
    aws: true,
    azure: false,
    cloudsExplicit: true,
    org: true,
    roleName: "OrganizationAccountAccessRole",
    retentionDays: 90,
    sampleDays: 7,
    sample: true,
    sampleMax: 200,
    json: false,
    concurrency: 16,
    endpointUrl: sim.url,
  };
  const ctx: CollectContext = {
    options,
    env: { ...process.env, ...sim.env },
    signal: new AbortController().signal,
    emit: () => {},
    now: () => new Date(),
    limiter: new Limiter(16),
  };
  const part = (await collectAws(ctx))!;
  const creds = (a: string) => ({ accessKeyId: `AKIASIM${a}X`, secretAccessKey: SECRET });
  const entered = new Map(
    part.accounts
      .filter((a) => a.access.state === "ok")
      .map((a) => [
        a.accountId,
        {
          account: a,
          clients: {
            cloudtrail: (r: string) =>
              new CloudTrailClient({ endpoint: sim.url, region: r, credentials: creds(a.accountId) }),
            logs: (r: string) =>
              new CloudWatchLogsClient({ endpoint: sim.url, region: r, credentials: creds(a.accountId) }),
            s3: (r: string) =>
              new S3Client({ endpoint: sim.url, region: r, forcePathStyle: true, credentials: creds(a.accountId) }),
          },
        },
      ]),
  );
  s3Sim = await startSimulator({ scenario: "demo" });
  const stg = part.accounts.find((a) => a.accountId === DEMO_ACCOUNTS.staging)!;
  const end = new Date();
  const s3Only = sampleAwsAccount({
    accountId: stg.accountId,
    regions: ["eu-west-1"],
    // the org trail without its CloudWatch Logs group; no organization id given: discovered from the bucket
    trails: stg.trails.filter((t) => t.isOrganization).map(({ cloudWatchLogsLogGroupArn: _, ...t }) => t),
    clients: {
      cloudtrail: (r) => new CloudTrailClient({ endpoint: s3Sim.url, region: r, credentials: creds(stg.accountId) }),
      logs: () => undefined,
      s3: (_b, owner) =>
        new S3Client({ endpoint: s3Sim.url, region: "us-east-1", forcePathStyle: true, credentials: creds(owner) }),
    },
    window: { start: new Date(end.getTime() - 7 * 86_400_000), end },
    sampleMax: 200,
    buckets: new TokenBuckets(LOOKUP_EVENTS_LIMIT),
    retentionProof: false,
  });
  await sampleAwsAccounts(ctx, entered, part.organization ? { organizationId: part.organization.id } : {});
  s3Run = await s3Only;
  const now = new Date();
  const snapshot: Snapshot = {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "test" },
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    complete: true,
    options: { clouds: ["aws"], retentionDays: 90, sampleDays: 7, sample: true },
    aws: part,
  };
  findings = analyzeSiem({ snapshot, policy: { retentionDays: 90, suppressions: [] }, now });
}, 300_000);

afterAll(async () => {
  await sim?.close();
  await s3Sim?.close();
});

it("reports every planted SIEM gap of the demo and nothing else", () => {
  const failing = findings.filter((f) => f.status === "fail" && f.scope.cloud === "aws");
  const matches = (p: (typeof demoAwsPlanted)[number], f: Finding) =>
    f.checkId === p.checkId &&
    f.scope.cloud === "aws" &&
    f.scope.accountId === p.account &&
    (!p.region || f.scope.region === p.region) &&
    (!p.resource || f.resource === p.resource);
  const planted = demoAwsPlanted.filter((p) => MINE.test(p.checkId));
  for (const p of planted)
    expect(
      failing.some((f) => matches(p, f)),
      `${p.checkId} ${p.account} ${p.note}`,
    ).toBe(true);
  const extra = failing
    .filter((f) => !planted.some((p) => matches(p, f)))
    .map((f) => `${f.checkId} ${f.scope.cloud === "aws" ? `${f.scope.accountId}/${f.scope.region}` : ""} ${f.resource}`)
    .sort();
  expect(extra).toEqual([]);
  expect(findings.filter((f) => f.status === "unknown")).toEqual([]);
  const stop = failing.find((f) => f.checkId === "aws.tamper.logging-changed" && f.resource === DEMO_TRAILS.org)!;
  expect(stop.title).toMatch(/dev\.contractor .*logging off for 3d 0h \(resumed /);
});

it("never had a LookupEvents call throttled by the simulator's own 2/s limit", () => {
  const lookups = sim.calls().filter((c) => c.operation === "LookupEvents");
  // Enough traffic for the claim to mean something: 8 sampled account-regions, a few at the 2/s limit for seconds.
  expect(lookups.length).toBeGreaterThan(200);
  expect(lookups.filter((c) => c.status !== 200)).toEqual([]);
  expect(sim.calls().filter((c) => c.write)).toEqual([]);
});

it("reads an organization trail's S3 files under AWSLogs/<org id>/<member account>/, discovering the org id", () => {
  const s = s3Run.samples.find((x) => x.eventClass === "privileged")!;
  expect(s.destination).toEqual({ kind: "s3", id: "s3://acme-org-cloudtrail-111122223333/" });
  expect(s.state).toBe("ok");
  expect(s.sampled).toBeGreaterThanOrEqual(10);
  expect(s.missing).toEqual([]);
  const gets = s3Sim.calls().filter((c) => c.operation === "GetObject");
  expect(gets.length).toBeGreaterThan(0);
  expect(
    gets.every((c) => c.path.includes(`/AWSLogs/o-a1b2c3d4e5/${DEMO_ACCOUNTS.staging}/CloudTrail/eu-west-1/`)),
  ).toBe(true);
});

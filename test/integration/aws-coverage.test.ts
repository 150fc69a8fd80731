/**
 * AWS coverage end to end on small simulator scenarios: the real SDK clients of collectAws against the simulator on
 * loopback, then the analyzers. Every configuration check of issue #4 is shown failing and passing, plus the
 * coverage-rule cases (org trails in members, multi-region trails homed elsewhere, single-region trails, partial
 * selectors, Lake stores, not-opted-in, denied regions and accounts, stopped trails, cross-account destinations).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Analysis, analyze } from "../../analyzers/index.js";
import type { ScanEvent } from "../../src/model/events.js";
import type { Finding } from "../../src/model/finding.js";
import { type Snapshot, SnapshotSchema } from "../../src/model/snapshot.js";
import { runScan } from "../../src/scan/index.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { type FaultSpecInput, startSimulator } from "../../src/sim/index.js";
import type { AwsScenarioInput } from "../../src/sim/scenario/aws.js";
import type { CallLogEntry } from "../../src/sim/types.js";
import { tempDir } from "../helpers/cli.js";
import { testScanOptions } from "../helpers/scan-options.js";

const BASE: ScanOptions = testScanOptions({ aws: true, concurrency: 16 });

interface ScanResult {
  snapshot: Snapshot;
  analysis: Analysis;
  events: ScanEvent[];
  calls: CallLogEntry[];
}

async function scanScenario(
  name: string,
  aws: AwsScenarioInput,
  opts: Partial<ScanOptions> = {},
  faults?: FaultSpecInput,
): Promise<ScanResult> {
  const sim = await startSimulator({ scenario: { name, aws }, ...(faults ? { faults } : {}) });
  try {
    const events: ScanEvent[] = [];
    const options = { ...BASE, ...opts };
    const snapshot = await runScan(options, {
      env: sim.env,
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });
    // What the collector produced is a valid snapshot (as written to disk and re-read).
    const reread = SnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)));
    const analysis = analyze(reread, { retentionDays: options.retentionDays, suppressions: [] });
    return { snapshot: reread, analysis, events, calls: sim.calls() };
  } finally {
    await sim.close();
  }
}

function find(a: Analysis, checkId: string, where: { account?: string; region?: string; resource?: string }): Finding {
  const hits = a.findings.filter(
    (f) =>
      f.checkId === checkId &&
      f.scope.cloud === "aws" &&
      (!where.account || f.scope.accountId === where.account) &&
      (!where.region || f.scope.region === where.region) &&
      (!where.resource || f.resource === where.resource),
  );
  expect(hits, `${checkId} ${JSON.stringify(where)}`).toHaveLength(1);
  return hits[0]!;
}

function cell(a: Analysis, account: string, region: string): string | undefined {
  return a.coverage.find((c) => c.scope.cloud === "aws" && c.scope.accountId === account && c.scope.region === region)
    ?.status;
}

const trailArn = (account: string, region: string, name: string) =>
  `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;

// ---------------------------------------------------------------------------------------------------------------
describe("organization: member accounts, denied accounts and regions", () => {
  const M = "111111111111";
  const P = "222222222222";
  const Q = "333333333333";
  const S = "444444444444";
  const KEY = "11111111-1111-4111-8111-111111111111";
  const ORG_TRAIL = trailArn(M, "us-east-1", "org-trail");
  const scenario: AwsScenarioInput = {
    organization: { id: "o-testorg0001", managementAccountId: M },
    defaultRegions: ["us-east-1", "eu-west-1", "eu-west-2"],
    accounts: [
      { id: M, name: "management" },
      { id: P, name: "member-covered" },
      { id: Q, name: "member-without-role", roles: [] },
      { id: S, name: "member-suspended", status: "SUSPENDED" },
    ],
    kmsKeys: [{ id: KEY, account: M, region: "us-east-1", rotation: true }],
    trails: [
      {
        name: "org-trail",
        account: M,
        homeRegion: "us-east-1",
        multiRegion: true,
        organization: true,
        logFileValidation: true,
        kmsKeyId: KEY,
        cloudWatchLogs: { logGroup: "org-trail-logs" },
        s3Bucket: "org-trail-bucket-111111111111",
      },
    ],
    logGroups: [{ name: "org-trail-logs", account: M, region: "us-east-1", retentionInDays: 365 }],
    buckets: [
      {
        name: "org-trail-bucket-111111111111",
        account: M,
        region: "us-east-1",
        objectLock: { mode: "COMPLIANCE", days: 365 },
        versioning: "Enabled",
        publicAccessBlock: {
          blockPublicAcls: true,
          ignorePublicAcls: true,
          blockPublicPolicy: true,
          restrictPublicBuckets: true,
        },
      },
    ],
  };
  let r: ScanResult;
  beforeAll(async () => {
    r = await scanScenario(
      "org",
      scenario,
      { org: true },
      {
        deny: [
          { service: "cloudtrail", account: P, region: "eu-west-2" },
          // The member's own view of the org trail's status fails: the management account's view decides.
          { service: "cloudtrail", operation: "GetTrailStatus", account: P },
        ],
      },
    );
  });

  it("lists every member; a member covered only by the org trail is covered", () => {
    const p = r.snapshot.aws!.accounts.find((a) => a.accountId === P)!;
    expect(p.access).toMatchObject({
      state: "ok",
      via: "assume-role",
      roleArn: `arn:aws:iam::${P}:role/OrganizationAccountAccessRole`,
    });
    const view = p.trails.find((t) => t.arn === ORG_TRAIL)!;
    expect(view.ownerAccountId).toBe(M);
    expect(view.selectors.kind).toBe("managed-centrally");
    expect(view.status.state).toBe("error");
    for (const region of ["us-east-1", "eu-west-1"]) {
      expect(cell(r.analysis, P, region), region).toBe("covered");
      expect(find(r.analysis, "aws.trail.region-uncovered", { account: P, region }).status).toBe("pass");
    }
    expect(find(r.analysis, "aws.trail.global-events-missing", { account: P }).status).toBe("pass");
    // Trail checks are reported once, in the owner's account and home region.
    expect(find(r.analysis, "aws.trail.not-logging", { resource: ORG_TRAIL }).scope).toMatchObject({
      accountId: M,
      region: "us-east-1",
    });
    expect(find(r.analysis, "aws.trail.mgmt-events-partial", { resource: ORG_TRAIL }).status).toBe("pass");
  });

  it("a denied region is unknown and aws.region.unreachable fails", () => {
    expect(cell(r.analysis, P, "eu-west-2")).toBe("unknown");
    const f = find(r.analysis, "aws.region.unreachable", { account: P, region: "eu-west-2" });
    expect(f.status).toBe("fail");
    expect(f.title).toContain("AccessDenied");
    expect(f.evidence[0]!.value).toContain("AccessDenied");
    expect(find(r.analysis, "aws.region.unreachable", { account: P, region: "eu-west-1" }).status).toBe("pass");
    expect(
      r.analysis.findings.some(
        (x) =>
          x.checkId === "aws.trail.region-uncovered" &&
          x.scope.cloud === "aws" &&
          x.scope.region === "eu-west-2" &&
          x.scope.accountId === P,
      ),
    ).toBe(false);
  });

  it("an account whose role cannot be assumed is aws.org.account-unscanned with unknown cells", () => {
    const q = r.snapshot.aws!.accounts.find((a) => a.accountId === Q)!;
    expect(q.access.state).toBe("denied");
    expect(find(r.analysis, "aws.org.account-unscanned", { account: Q }).status).toBe("fail");
    expect(find(r.analysis, "aws.org.account-unscanned", { account: P }).status).toBe("pass");
    expect(cell(r.analysis, Q, "us-east-1")).toBe("unknown");
    expect(r.events.some((e) => e.type === "scope-error" && e.scope.cloud === "aws" && e.scope.accountId === Q)).toBe(
      true,
    );
  });

  it("a suspended account is kept, skipped with the reason", () => {
    const s = r.snapshot.aws!.accounts.find((a) => a.accountId === S)!;
    expect(s.access).toEqual({ state: "skipped", reason: "account is SUSPENDED" });
    expect(r.calls.some((c) => c.operation === "AssumeRole" && JSON.stringify(c).includes(S))).toBe(false);
  });

  it("not-opted-in regions are n/a; a multi-region trail homed in us-east-1 covers eu-west-1", () => {
    expect(cell(r.analysis, M, "af-south-1")).toBe("n/a");
    expect(cell(r.analysis, M, "eu-west-1")).toBe("covered");
    expect(
      r.calls.filter((c) => c.operation === "DescribeTrails" && c.account === M && c.region === "af-south-1"),
    ).toEqual([]);
  });

  it("makes read-only calls only", () => {
    expect(r.calls.filter((c) => c.write)).toEqual([]);
  });

  it("--accounts / --exclude-accounts narrow the organization", async () => {
    const only = await scanScenario("org", scenario, { org: true, accounts: [M, P] });
    expect(only.snapshot.aws!.accounts.map((a) => a.accountId)).toEqual([M, P]);
    const without = await scanScenario("org", scenario, { org: true, excludeAccounts: [Q, S] });
    expect(without.snapshot.aws!.accounts.map((a) => a.accountId)).toEqual([M, P]);
  });

  it("--regions narrows: other enabled regions are recorded as not scanned (unknown)", async () => {
    const n = await scanScenario("org", scenario, { regions: ["eu-west-1"] });
    const m = n.snapshot.aws!.accounts[0]!;
    expect(m.regions.filter((x) => x.scanned).map((x) => x.name)).toEqual(["eu-west-1"]);
    expect(m.regions.find((x) => x.name === "us-east-1")?.scanned).toBe(false);
    expect(cell(n.analysis, M, "eu-west-1")).toBe("covered");
    expect(cell(n.analysis, M, "us-east-1")).toBe("unknown");
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("the coverage rule, one region per case", () => {
  const A = "555555555555";
  const scenario: AwsScenarioInput = {
    defaultRegions: [
      "us-east-1",
      "us-east-2",
      "eu-west-1",
      "eu-west-2",
      "eu-central-1",
      "eu-north-1",
      "ap-south-1",
      "ca-central-1",
      "sa-east-1",
    ],
    accounts: [{ id: A, name: "rules" }],
    trails: [
      {
        name: "stopped-use1",
        account: A,
        homeRegion: "us-east-1",
        s3Bucket: "rules-bucket-555555555555",
        status: { logging: false, stopLoggingTime: "-10d" },
      },
      { name: "single-euw1", account: A, homeRegion: "eu-west-1", s3Bucket: "rules-bucket-555555555555" },
      {
        name: "writeonly-euw2",
        account: A,
        homeRegion: "eu-west-2",
        s3Bucket: "rules-bucket-555555555555",
        eventSelectors: [{ readWriteType: "WriteOnly" }],
      },
      {
        name: "adv-split-euc1",
        account: A,
        homeRegion: "eu-central-1",
        s3Bucket: "rules-bucket-555555555555",
        advancedEventSelectors: [
          {
            name: "reads",
            fieldSelectors: [
              { field: "eventCategory", equals: ["Management"] },
              { field: "readOnly", equals: ["true"] },
            ],
          },
          {
            name: "writes",
            fieldSelectors: [
              { field: "eventCategory", equals: ["Management"] },
              { field: "readOnly", equals: ["false"] },
            ],
          },
        ],
      },
      {
        name: "adv-all-eun1",
        account: A,
        homeRegion: "eu-north-1",
        s3Bucket: "rules-bucket-555555555555",
        advancedEventSelectors: [
          { name: "mgmt", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
        ],
      },
      {
        name: "exclude-kms-aps1",
        account: A,
        homeRegion: "ap-south-1",
        s3Bucket: "rules-bucket-555555555555",
        eventSelectors: [{ readWriteType: "All", excludeManagementEventSources: ["kms.amazonaws.com"] }],
      },
      {
        name: "adv-notequals-cac1",
        account: A,
        homeRegion: "ca-central-1",
        s3Bucket: "rules-bucket-555555555555",
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { field: "eventCategory", equals: ["Management"] },
              { field: "eventSource", notEquals: ["rdsdata.amazonaws.com"] },
            ],
          },
        ],
      },
    ],
    eventDataStores: [
      { name: "lake-sae1", account: A, region: "sa-east-1", multiRegion: false },
      { name: "lake-stopped", account: A, region: "us-east-2", multiRegion: false, status: "STOPPED_INGESTION" },
    ],
    buckets: [{ name: "rules-bucket-555555555555", account: A, region: "us-east-1" }],
  };
  let r: ScanResult;
  beforeAll(async () => {
    r = await scanScenario("rules", scenario);
  });

  it("a stopped trail is not coverage, and aws.trail.not-logging fails with since when", () => {
    expect(cell(r.analysis, A, "us-east-1")).toBe("uncovered");
    const uncovered = find(r.analysis, "aws.trail.region-uncovered", { account: A, region: "us-east-1" });
    expect(uncovered.status).toBe("fail");
    expect(JSON.stringify(uncovered.evidence)).toContain("not logging since");
    const stopped = find(r.analysis, "aws.trail.not-logging", { resource: trailArn(A, "us-east-1", "stopped-use1") });
    expect(stopped.status).toBe("fail");
    expect(stopped.title).toMatch(/stopped \d{4}-\d\d-\d\dT/);
    expect(stopped.evidence.find((e) => e.label === "StopLoggingTime")?.source).toBe("cloudtrail:GetTrailStatus");
    expect(
      find(r.analysis, "aws.trail.not-logging", { resource: trailArn(A, "eu-west-1", "single-euw1") }).status,
    ).toBe("pass");
    // The only trail in us-east-1 is stopped: nothing captures global service events.
    expect(find(r.analysis, "aws.trail.global-events-missing", { account: A }).status).toBe("fail");
  });

  it("a single-region trail covers only its home region", () => {
    expect(cell(r.analysis, A, "eu-west-1")).toBe("covered");
    expect(find(r.analysis, "aws.trail.region-uncovered", { account: A, region: "eu-west-1" }).status).toBe("pass");
    // us-east-2 has no trail of its own (only a stopped Lake store): single-region trails elsewhere do not count.
    const east2 = find(r.analysis, "aws.trail.region-uncovered", { account: A, region: "us-east-2" });
    expect(east2.status).toBe("fail");
    expect(JSON.stringify(east2.evidence)).not.toContain("single-euw1");
  });

  it("a WriteOnly-only trail is partial and fails mgmt-events-partial", () => {
    expect(cell(r.analysis, A, "eu-west-2")).toBe("partial");
    const f = find(r.analysis, "aws.trail.mgmt-events-partial", {
      resource: trailArn(A, "eu-west-2", "writeonly-euw2"),
    });
    expect(f.status).toBe("fail");
    expect(f.title).toContain("read-only events are not logged");
  });

  it("advanced selectors: readOnly split across two selectors is complete; no readOnly field is complete", () => {
    expect(cell(r.analysis, A, "eu-central-1")).toBe("covered");
    expect(cell(r.analysis, A, "eu-north-1")).toBe("covered");
    for (const [region, name] of [
      ["eu-central-1", "adv-split-euc1"],
      ["eu-north-1", "adv-all-eun1"],
    ] as const) {
      expect(find(r.analysis, "aws.trail.mgmt-events-partial", { resource: trailArn(A, region, name) }).status).toBe(
        "pass",
      );
    }
  });

  it("ExcludeManagementEventSources and eventSource NotEquals are partial", () => {
    expect(cell(r.analysis, A, "ap-south-1")).toBe("partial");
    expect(cell(r.analysis, A, "ca-central-1")).toBe("partial");
    expect(
      find(r.analysis, "aws.trail.mgmt-events-partial", { resource: trailArn(A, "ap-south-1", "exclude-kms-aps1") })
        .title,
    ).toContain("kms.amazonaws.com");
    expect(
      find(r.analysis, "aws.trail.mgmt-events-partial", { resource: trailArn(A, "ca-central-1", "adv-notequals-cac1") })
        .title,
    ).toContain("rdsdata.amazonaws.com");
  });

  it("a CloudTrail Lake store that ingests covers its region; a stopped one does not", () => {
    expect(cell(r.analysis, A, "sa-east-1")).toBe("covered");
    expect(find(r.analysis, "aws.trail.region-uncovered", { account: A, region: "sa-east-1" }).title).toContain(
      "lake-sae1",
    );
    expect(cell(r.analysis, A, "us-east-2")).toBe("uncovered");
    const stores = r.snapshot.aws!.accounts[0]!.eventDataStores;
    expect(stores.map((s) => [s.name, s.status, s.multiRegionEnabled])).toEqual(
      expect.arrayContaining([
        ["lake-sae1", "ENABLED", false],
        ["lake-stopped", "STOPPED_INGESTION", false],
      ]),
    );
  });

  it("under throttling and 5xx it retries (events say so) and whatever still fails is unknown, never a new verdict", async () => {
    const noisy = await scanScenario("rules", scenario, {}, { throttleRate: 0.2, serverErrorRate: 0.05, seed: 7 });
    expect(noisy.events.some((e) => e.type === "throttled")).toBe(true);
    expect(noisy.events.some((e) => e.type === "retry")).toBe(true);
    for (const c of noisy.analysis.coverage) {
      const before = r.analysis.coverage.find((x) => JSON.stringify(x.scope) === JSON.stringify(c.scope));
      expect([before?.status, "unknown"], JSON.stringify(c.scope)).toContain(c.status);
    }
    const failedBefore = new Set(r.analysis.findings.filter((f) => f.status === "fail").map((f) => f.id));
    // The only new failures allowed are regions whose calls failed for good: that is what aws.region.unreachable says.
    const newFails = noisy.analysis.findings.filter(
      (f) => f.status === "fail" && !failedBefore.has(f.id) && f.checkId !== "aws.region.unreachable",
    );
    expect(newFails.map((f) => f.title)).toEqual([]);
  }, 90_000);

  it("dedupes trails by ARN and records where each was listed", () => {
    const trails = r.snapshot.aws!.accounts[0]!.trails;
    expect(new Set(trails.map((t) => t.arn)).size).toBe(trails.length);
    expect(trails.find((t) => t.name === "single-euw1")?.seenInRegions).toEqual(["eu-west-1"]);
    const statusCalls = r.calls.filter((c) => c.operation === "GetTrailStatus");
    expect(statusCalls).toHaveLength(trails.length);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("destinations: log groups, buckets, keys, delivery", () => {
  const X = "777777777777";
  const Y = "888888888888";
  const K_ROTATED = "22222222-2222-4222-8222-222222222222";
  const K_NOT_ROTATED = "33333333-3333-4333-8333-333333333333";
  const K_OTHER_ACCOUNT = "44444444-4444-4444-8444-444444444444";
  const K_AWS = "55555555-5555-4555-8555-555555555555";
  const PAB = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };
  const scenario: AwsScenarioInput = {
    defaultRegions: ["us-east-1", "eu-west-1", "eu-west-2", "eu-central-1"],
    accounts: [
      { id: X, name: "workload" },
      { id: Y, name: "log-archive" },
    ],
    kmsKeys: [
      { id: K_ROTATED, account: X, region: "eu-west-1", rotation: true },
      { id: K_NOT_ROTATED, account: X, region: "eu-west-1", rotation: false },
      { id: K_OTHER_ACCOUNT, account: Y, region: "eu-west-2", rotation: false },
      { id: K_AWS, account: X, region: "eu-central-1", keyManager: "AWS" },
    ],
    trails: [
      {
        name: "good",
        account: X,
        homeRegion: "eu-west-1",
        multiRegion: true,
        logFileValidation: true,
        kmsKeyId: K_ROTATED,
        cloudWatchLogs: { logGroup: "good-logs" },
        s3Bucket: "good-bucket-777777777777",
      },
      {
        name: "bad",
        account: X,
        homeRegion: "eu-west-1",
        s3Bucket: "bad-bucket-777777777777",
        status: { logging: true, latestDeliveryError: "AccessDenied", latestDeliveryTime: "-2h" },
      },
      {
        name: "stale",
        account: X,
        homeRegion: "eu-west-1",
        kmsKeyId: K_NOT_ROTATED,
        cloudWatchLogs: { logGroup: "short-logs" },
        s3Bucket: "prefixed-bucket-777777777777",
        s3KeyPrefix: "ct",
        status: { logging: true, latestDeliveryTime: "-3d", latestCloudWatchLogsDeliveryTime: "-1h" },
      },
      {
        name: "cross",
        account: X,
        homeRegion: "eu-west-2",
        kmsKeyId: `arn:aws:kms:eu-west-2:${Y}:key/${K_OTHER_ACCOUNT}`,
        cloudWatchLogs: { logGroup: "policy-logs" },
        s3Bucket: "central-archive-888888888888",
      },
      {
        name: "cwfail",
        account: X,
        homeRegion: "eu-central-1",
        kmsKeyId: K_AWS,
        cloudWatchLogs: { logGroup: "cw-fail-logs" },
        s3Bucket: "ct-prefix-bucket-777777777777",
        s3KeyPrefix: "ct",
        status: { logging: true, latestCloudWatchLogsDeliveryError: "AccessDeniedException: role not assumable" },
      },
    ],
    logGroups: [
      { name: "good-logs", account: X, region: "eu-west-1" },
      { name: "short-logs", account: X, region: "eu-west-1", retentionInDays: 30 },
      {
        name: "policy-logs",
        account: X,
        region: "eu-west-2",
        retentionInDays: 365,
        retentionPolicyName: "org-default",
      },
      { name: "cw-fail-logs", account: X, region: "eu-central-1", retentionInDays: 400 },
    ],
    buckets: [
      {
        name: "good-bucket-777777777777",
        account: X,
        region: "eu-west-1",
        objectLock: { mode: "COMPLIANCE", days: 400 },
        versioning: "Enabled",
        publicAccessBlock: PAB,
        lifecycleRules: [{ id: "archive", prefix: "AWSLogs/", expirationDays: 400 }],
      },
      {
        name: "bad-bucket-777777777777",
        account: X,
        region: "eu-west-1",
        isPublic: true,
        lifecycleRules: [{ id: "expire-everything", prefix: "", expirationDays: 30 }],
      },
      {
        name: "prefixed-bucket-777777777777",
        account: X,
        region: "eu-west-1",
        publicAccessBlock: { ...PAB, blockPublicAcls: false },
        lifecycleRules: [{ id: "other-data", prefix: "other/", expirationDays: 7 }],
      },
      {
        name: "ct-prefix-bucket-777777777777",
        account: X,
        region: "eu-central-1",
        publicAccessBlock: PAB,
        lifecycleRules: [{ id: "ct-logs", prefix: "ct/AWSLogs/", expirationDays: 60 }],
      },
      { name: "central-archive-888888888888", account: Y, region: "eu-west-2", publicAccessBlock: PAB },
    ],
  };
  let r: ScanResult;
  beforeAll(async () => {
    r = await scanScenario("destinations", scenario);
  });
  const t = (region: string, name: string) => trailArn(X, region, name);

  it("a multi-region trail homed in eu-west-1 covers us-east-1 and its global events", () => {
    expect(cell(r.analysis, X, "us-east-1")).toBe("covered");
    expect(find(r.analysis, "aws.trail.region-uncovered", { account: X, region: "us-east-1" }).title).toContain("good");
    expect(find(r.analysis, "aws.trail.global-events-missing", { account: X }).status).toBe("pass");
  });

  it("delivery-failing: an error or a last delivery older than 24 h fails; a fresh one passes", () => {
    expect(find(r.analysis, "aws.trail.delivery-failing", { resource: t("eu-west-1", "bad") }).status).toBe("fail");
    const stale = find(r.analysis, "aws.trail.delivery-failing", { resource: t("eu-west-1", "stale") });
    expect(stale.status).toBe("fail");
    expect(stale.title).toContain("more than 24 h");
    expect(find(r.analysis, "aws.trail.delivery-failing", { resource: t("eu-west-1", "good") }).status).toBe("pass");
  });

  it("siem-feed-missing: no log group or a failing CloudWatch delivery fails", () => {
    expect(find(r.analysis, "aws.trail.siem-feed-missing", { resource: t("eu-west-1", "bad") }).status).toBe("fail");
    const cw = find(r.analysis, "aws.trail.siem-feed-missing", { resource: t("eu-central-1", "cwfail") });
    expect(cw.status).toBe("fail");
    expect(cw.title).toContain("AccessDeniedException");
    expect(find(r.analysis, "aws.trail.siem-feed-missing", { resource: t("eu-west-1", "good") }).status).toBe("pass");
  });

  it("validation-disabled and kms-disabled fail and pass", () => {
    expect(find(r.analysis, "aws.trail.validation-disabled", { resource: t("eu-west-1", "bad") }).status).toBe("fail");
    expect(find(r.analysis, "aws.trail.validation-disabled", { resource: t("eu-west-1", "good") }).status).toBe("pass");
    expect(find(r.analysis, "aws.trail.kms-disabled", { resource: t("eu-west-1", "bad") }).status).toBe("fail");
    expect(find(r.analysis, "aws.trail.kms-disabled", { resource: t("eu-west-1", "good") }).status).toBe("pass");
  });

  it("kms rotation: off fails, on passes, AWS managed passes, another account's key denied is unknown", () => {
    const keyArn = (acct: string, region: string, id: string) => `arn:aws:kms:${region}:${acct}:key/${id}`;
    expect(
      find(r.analysis, "aws.kms.rotation-disabled", { resource: keyArn(X, "eu-west-1", K_NOT_ROTATED) }).status,
    ).toBe("fail");
    expect(find(r.analysis, "aws.kms.rotation-disabled", { resource: keyArn(X, "eu-west-1", K_ROTATED) }).status).toBe(
      "pass",
    );
    expect(find(r.analysis, "aws.kms.rotation-disabled", { resource: keyArn(X, "eu-central-1", K_AWS) }).status).toBe(
      "pass",
    );
    const other = find(r.analysis, "aws.kms.rotation-disabled", { resource: keyArn(Y, "eu-west-2", K_OTHER_ACCOUNT) });
    expect(other.status).toBe("unknown");
    expect(other.title).toMatch(/could not be read/);
    // Called in the key's region.
    expect(r.calls.some((c) => c.operation === "GetKeyRotationStatus" && c.region === "eu-west-1")).toBe(true);
  });

  it("bucket not-worm: no Object Lock fails, COMPLIANCE retention passes", () => {
    expect(find(r.analysis, "aws.bucket.not-worm", { resource: "bad-bucket-777777777777" }).status).toBe("fail");
    const good = find(r.analysis, "aws.bucket.not-worm", { resource: "good-bucket-777777777777" });
    expect(good.status).toBe("pass");
    expect(good.scope).toMatchObject({ accountId: X, region: "eu-west-1" });
  });

  it("bucket expires-early: a rule on the trail's prefix below the threshold fails; others pass", () => {
    expect(find(r.analysis, "aws.bucket.expires-early", { resource: "bad-bucket-777777777777" }).status).toBe("fail");
    const ct = find(r.analysis, "aws.bucket.expires-early", { resource: "ct-prefix-bucket-777777777777" });
    expect(ct.status).toBe("fail");
    expect(ct.title).toContain("ct-logs");
    expect(find(r.analysis, "aws.bucket.expires-early", { resource: "prefixed-bucket-777777777777" }).status).toBe(
      "pass",
    );
    expect(find(r.analysis, "aws.bucket.expires-early", { resource: "good-bucket-777777777777" }).status).toBe("pass");
  });

  it("bucket public: a public policy or an incomplete public access block fails; all four blocks pass", () => {
    expect(find(r.analysis, "aws.bucket.public", { resource: "bad-bucket-777777777777" }).status).toBe("fail");
    const partial = find(r.analysis, "aws.bucket.public", { resource: "prefixed-bucket-777777777777" });
    expect(partial.status).toBe("fail");
    expect(partial.title).toContain("blockPublicAcls");
    expect(find(r.analysis, "aws.bucket.public", { resource: "good-bucket-777777777777" }).status).toBe("pass");
  });

  it("a denied cross-account bucket is unknown with the reason, never fail", () => {
    for (const checkId of ["aws.bucket.not-worm", "aws.bucket.expires-early", "aws.bucket.public"]) {
      const f = find(r.analysis, checkId, { resource: "central-archive-888888888888" });
      expect(f.status, checkId).toBe("unknown");
      expect(JSON.stringify(f.evidence), checkId).toContain("AccessDenied");
    }
  });

  it("logs retention-short: 30 days fails; never-expires and an account policy of 365 pass", () => {
    const short = find(r.analysis, "aws.logs.retention-short", { resource: "short-logs" });
    expect(short.status).toBe("fail");
    expect(short.scope).toMatchObject({ accountId: X, region: "eu-west-1" });
    const never = find(r.analysis, "aws.logs.retention-short", { resource: "good-logs" });
    expect(never.status).toBe("pass");
    expect(never.title).toContain("never expires");
    const policy = find(r.analysis, "aws.logs.retention-short", { resource: "policy-logs" });
    expect(policy.status).toBe("pass");
    expect(policy.title).toContain("org-default");
  });

  it("the threshold is the policy's --retention-days", async () => {
    const strict = await scanScenario("destinations", scenario, { retentionDays: 400 });
    expect(find(strict.analysis, "aws.logs.retention-short", { resource: "policy-logs" }).status).toBe("fail");
    expect(find(strict.analysis, "aws.logs.retention-short", { resource: "cw-fail-logs" }).status).toBe("pass");
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("cancellation", () => {
  it("stops at the signal and returns what it has, marked incomplete", async () => {
    const A = "999999999999";
    const sim = await startSimulator({
      scenario: {
        name: "cancel",
        aws: {
          accounts: [{ id: A, name: "cancel" }],
          trails: [
            { name: "t-multi", account: A, homeRegion: "us-east-1", multiRegion: true, s3Bucket: "cancel-bucket-9999" },
          ],
        },
      },
      faults: { latencyMs: 20 },
    });
    try {
      const ac = new AbortController();
      let calls = 0;
      const snapshot = await runScan(BASE, {
        env: sim.env,
        signal: ac.signal,
        emit: (e) => {
          if (e.type === "api-call" && ++calls === 6) ac.abort();
        },
      });
      expect(snapshot.complete).toBe(false);
      const account = snapshot.aws!.accounts[0]!;
      expect(account.regions.some((r) => r.error?.code === "ScanCancelled")).toBe(true);
      const analysis = analyze(snapshot, { retentionDays: 90, suppressions: [] });
      // Nothing that was not read counts as covered, and a cancelled region is unknown, not "unreachable".
      for (const r of account.regions.filter((x) => x.error)) {
        expect(cell(analysis, A, r.name)).toBe("unknown");
        expect(find(analysis, "aws.region.unreachable", { account: A, region: r.name }).status).toBe("unknown");
      }
    } finally {
      await sim.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("credentials", () => {
  it("--profile reads the shared credentials file named in the scan environment (never process.env)", async () => {
    const A = "121212121212";
    const sim = await startSimulator({
      scenario: { name: "profile", aws: { accounts: [{ id: A, name: "profiled" }] } },
    });
    try {
      const dir = tempDir();
      const file = join(dir, "credentials");
      writeFileSync(
        file,
        `[audit]\naws_access_key_id = ${sim.env.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${sim.env.AWS_SECRET_ACCESS_KEY}\n`,
      );
      const env = {
        AWS_ENDPOINT_URL: sim.url,
        AWS_REGION: "eu-west-1",
        AWS_SHARED_CREDENTIALS_FILE: file,
        AWS_CONFIG_FILE: join(dir, "config-absent"),
      };
      const snapshot = await runScan(
        { ...BASE, profile: "audit", regions: ["eu-west-1"] },
        { env, signal: new AbortController().signal, emit: () => {} },
      );
      expect(snapshot.aws?.caller?.accountId).toBe(A);
      expect(snapshot.aws?.accounts.map((a) => a.access.state)).toEqual(["ok"]);
      expect(JSON.stringify(snapshot)).not.toContain(sim.env.AWS_SECRET_ACCESS_KEY);
    } finally {
      await sim.close();
    }
  });
});

/**
 * Trail destinations are read while the estate is still being scanned (src/collect/aws/destinations.ts): a log group
 * as soon as its account is entered; a bucket or key in an account scanned later once that account is, by that
 * account. Real SDK clients of collectAws against the simulator; `--concurrency 1` scans one account at a time, so
 * the call log's order is the scan's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/model/snapshot.js";
import { runScan } from "../../src/scan/index.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import type { AwsScenarioInput } from "../../src/sim/scenario/aws.js";
import type { CallLogEntry } from "../../src/sim/types.js";
import { testScanOptions } from "../helpers/scan-options.js";

const M = "111111111111";
const A = "222222222222";
const B = "333333333333";
const KEY = "44444444-4444-4444-8444-444444444444";
const PAB = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };

const scenario: AwsScenarioInput = {
  organization: { id: "o-destorder01", managementAccountId: M },
  defaultRegions: ["us-east-1", "eu-west-1"],
  accounts: [
    { id: M, name: "management" },
    { id: A, name: "workload" },
    { id: B, name: "log-archive" },
  ],
  kmsKeys: [{ id: KEY, account: B, region: "eu-west-1", rotation: true }],
  trails: [
    {
      name: "org-trail",
      account: M,
      homeRegion: "us-east-1",
      multiRegion: true,
      organization: true,
      cloudWatchLogs: { logGroup: "org-logs" },
      s3Bucket: "org-bucket-111111111111",
    },
    {
      name: "workload-trail",
      account: A,
      homeRegion: "eu-west-1",
      kmsKeyId: `arn:aws:kms:eu-west-1:${B}:key/${KEY}`,
      s3Bucket: "archive-333333333333",
    },
  ],
  logGroups: [{ name: "org-logs", account: M, region: "us-east-1", retentionInDays: 400 }],
  buckets: [
    { name: "org-bucket-111111111111", account: M, region: "us-east-1", versioning: "Enabled", publicAccessBlock: PAB },
    { name: "archive-333333333333", account: B, region: "eu-west-1", versioning: "Enabled", publicAccessBlock: PAB },
  ],
};

let sim: Simulator;
let snapshot: Snapshot;
let calls: CallLogEntry[];

beforeAll(async () => {
  sim = await startSimulator({ scenario: { name: "destinations-order", aws: scenario } });
  snapshot = await runScan(testScanOptions({ aws: true, org: true, concurrency: 1 }), {
    env: sim.env,
    signal: new AbortController().signal,
    emit: () => {},
  });
  calls = sim.calls();
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

/** Index in the call log of the first call matching `pred` (-1 when none). */
const first = (pred: (c: CallLogEntry) => boolean) => calls.findIndex(pred);
const last = (pred: (c: CallLogEntry) => boolean) => calls.findLastIndex(pred);

describe("trail destinations during the scan", () => {
  it("scans the accounts one after the other: management, workload, log archive", () => {
    const firstTrailsCall = (id: string) => first((c) => c.account === id && c.operation === "DescribeTrails");
    expect(firstTrailsCall(M)).toBeGreaterThanOrEqual(0);
    expect(firstTrailsCall(M)).toBeLessThan(firstTrailsCall(A));
    expect(firstTrailsCall(A)).toBeLessThan(firstTrailsCall(B));
  });

  it("reads the management account's log group and bucket before the next accounts are scanned", () => {
    const group = first((c) => c.operation === "DescribeLogGroups" && c.account === M);
    const bucket = first((c) => c.operation === "GetBucketVersioning" && c.account === M);
    const lastOfB = last((c) => c.account === B && c.operation === "DescribeTrails");
    expect(group).toBeGreaterThanOrEqual(0);
    expect(group).toBeLessThan(lastOfB);
    expect(bucket).toBeLessThan(lastOfB);
  });

  it("reads a bucket and a key of an account scanned later through that account, once it is entered", () => {
    const listedByB = first((c) => c.operation === "ListBuckets" && c.account === B);
    const bucketReads = calls.filter((c) => c.operation === "GetBucketVersioning" && c.path.includes("archive-"));
    expect(bucketReads.map((c) => c.account)).toEqual([B]);
    expect(calls.indexOf(bucketReads[0]!)).toBeGreaterThan(listedByB);
    const keyRead = first((c) => c.operation === "DescribeKey");
    expect(calls[keyRead]!.account).toBe(B);
    expect(keyRead).toBeGreaterThan(listedByB);
  });

  it("stores each destination once, on its owner, with no error", () => {
    const acct = (id: string) => snapshot.aws!.accounts.find((a) => a.accountId === id)!;
    expect(acct(M).logGroups.map((g) => [g.name, g.retentionInDays, g.error])).toEqual([["org-logs", 400, undefined]]);
    const buckets = (id: string) =>
      acct(id).buckets.map((b) => [b.name, b.readFromAccountId, b.versioning.state, b.publicAccessBlock.state]);
    expect(buckets(M)).toEqual([["org-bucket-111111111111", M, "ok", "ok"]]);
    expect(buckets(B)).toEqual([["archive-333333333333", B, "ok", "ok"]]);
    expect(acct(B).keys.map((k) => k.arn)).toEqual([`arn:aws:kms:eu-west-1:${B}:key/${KEY}`]);
    expect(acct(A).buckets).toEqual([]);
    expect(acct(A).keys).toEqual([]);
    expect(snapshot.complete).toBe(true);
  });
});

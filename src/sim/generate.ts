/**
 * Scale generator: an organization of N accounts over all default regions (+ M Azure subscriptions via
 * generateAzure), deterministic for a seed. Streams stay compact (events are expanded lazily per account), so
 * 1,000 accounts build in milliseconds.
 */
import { prng } from "./faults.js";
import type { AwsScenarioInput } from "./scenario/aws.js";
import { DEFAULT_REGIONS } from "./scenario/aws.js";
import { generateAzure } from "./scenario/generate-azure.js";
import { parseScenario, type Scenario } from "./scenario/index.js";

export interface GenerateOptions {
  accounts: number;
  subscriptions?: number;
  seed?: number;
  /** Days of event history per stream (default 14). */
  days?: number;
}

/** The account id of the i-th generated account (0 = management). */
export function generatedAccountId(i: number): string {
  return String(100_000_000_000 + i * 7_919).padStart(12, "0");
}

export function generateAws(opts: GenerateOptions): AwsScenarioInput {
  const n = Math.max(1, Math.floor(opts.accounts));
  const seed = opts.seed ?? 1;
  const rand = prng(seed);
  const days = opts.days ?? 14;
  const mgmt = generatedAccountId(0);
  const accounts: NonNullable<AwsScenarioInput["accounts"]> = [];
  const trails: NonNullable<AwsScenarioInput["trails"]> = [];
  const buckets: NonNullable<AwsScenarioInput["buckets"]> = [];
  const logGroups: NonNullable<AwsScenarioInput["logGroups"]> = [];
  const streams: NonNullable<AwsScenarioInput["streams"]> = [];
  for (let i = 0; i < n; i++) {
    const id = generatedAccountId(i);
    const r = rand();
    accounts.push({
      id,
      name: i === 0 ? "management" : `workload-${String(i).padStart(4, "0")}`,
      joinedAt: `-${400 + (i % 300)}d`,
      ...(r < 0.1 ? { optInRegions: { "eu-south-1": "opted-in" as const } } : {}),
      // 2% of members have no role for the scanner to assume.
      ...(i > 0 && r > 0.98 ? { roles: [] } : {}),
    });
    // ~5% of members also keep a legacy single-region trail.
    if (i > 0 && rand() < 0.05) {
      const region = DEFAULT_REGIONS[Math.floor(rand() * DEFAULT_REGIONS.length)]!;
      const bucket = `legacy-trail-${id}`;
      buckets.push({ name: bucket, account: id, region });
      trails.push({ name: "legacy-trail", account: id, homeRegion: region, s3Bucket: bucket });
    }
    // Compact streams in every default region: us-east-1 carries logins and IAM changes, the others a trickle of
    // privileged changes and reads. ~3% of accounts lose half of their events on the way to the SIEM.
    const lossy = rand() < 0.03;
    for (const region of DEFAULT_REGIONS) {
      streams.push({
        account: id,
        region,
        from: `-${days}d`,
        ...(region === "us-east-1"
          ? { privileged: { perDay: 1 }, failedLogins: { perDay: 0.25 }, reads: { perDay: 1 } }
          : { privileged: { perDay: 0.25 }, reads: { perDay: 0.25 } }),
        ...(lossy ? { delivery: { missingFraction: 0.5 } } : {}),
      });
    }
  }
  buckets.push({
    name: `org-cloudtrail-${mgmt}`,
    account: mgmt,
    region: "us-east-1",
    objectLock: { mode: "COMPLIANCE", days: 365 },
    versioning: "Enabled",
    publicAccessBlock: {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    },
  });
  logGroups.push({ name: "org-cloudtrail", account: mgmt, region: "us-east-1", retentionInDays: 400 });
  trails.push({
    name: "org-trail",
    account: mgmt,
    homeRegion: "us-east-1",
    multiRegion: true,
    organization: true,
    logFileValidation: true,
    cloudWatchLogs: { logGroup: "org-cloudtrail" },
    s3Bucket: `org-cloudtrail-${mgmt}`,
  });
  return {
    seed,
    organization: { id: `o-gen${String(seed).padStart(7, "0").slice(-7)}`, managementAccountId: mgmt },
    accounts,
    trails,
    buckets,
    logGroups,
    streams,
  };
}

/** A full generated scenario (AWS org of `accounts` accounts + `subscriptions` Azure subscriptions). */
export function generateScenario(opts: GenerateOptions): Scenario {
  const seed = opts.seed ?? 1;
  return parseScenario(
    {
      name: `generated-${opts.accounts}a-${opts.subscriptions ?? 0}s-seed${seed}`,
      description: `generated estate: ${opts.accounts} AWS accounts, ${opts.subscriptions ?? 0} Azure subscriptions`,
      aws: generateAws(opts),
      ...(opts.subscriptions ? { azure: generateAzure({ subscriptions: opts.subscriptions, seed }) } : {}),
    },
    "generated scenario",
  );
}

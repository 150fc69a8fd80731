/**
 * Where trails deliver: the CloudWatch Logs group, the S3 bucket and the KMS key of every trail, each read once,
 * from the account that owns it when the scan entered that account (a central log-archive bucket, the management
 * account's org-trail group), else from the trail's account. A resource we cannot read is recorded as an error
 * fact (unknown), never as a failing setting.
 */
import type { LifecycleRule } from "@aws-sdk/client-s3";
import type { ApiError } from "../../model/common.js";
import type { Scope } from "../../model/scope.js";
import type { AwsAccount } from "../../model/snapshot-aws.js";
import { Limiter } from "../../scan/limit.js";
import { parseArn } from "./account.js";
import type { AwsCaller } from "./call.js";
import type { AwsClients } from "./clients.js";
import { kmsSdk, logsSdk, s3Sdk } from "./sdk.js";

const { DescribeLogGroupsCommand } = logsSdk;
const { DescribeKeyCommand, GetKeyRotationStatusCommand } = kmsSdk;
const {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
} = s3Sdk;

type Bucket = AwsAccount["buckets"][number];
type LogGroup = AwsAccount["logGroups"][number];
type KmsKey = AwsAccount["keys"][number];
type LifecycleRuleFact = Extract<Bucket["lifecycle"], { state: "ok" }>["value"][number];

/** An account the scan entered, with its clients. */
export interface Entered {
  account: AwsAccount;
  clients: AwsClients;
}

/** `arn:aws:logs:<region>:<acct>:log-group:<name>[:*]` → the ARN without the `:*` suffix. */
export function logGroupKey(arn: string): string {
  return arn.replace(/:\*$/, "");
}

/** The error fact for a resource in an account the scan could not enter. */
export function notScanned(service: string, operation: string, what: string, accountId: string, at: Date): ApiError {
  return {
    kind: "denied",
    service,
    operation,
    code: "AccountNotScanned",
    message: `${what} is in account ${accountId}, which this scan could not enter`,
    at: at.toISOString(),
  };
}

/** S3 `LocationConstraint` → region (`""`/null = us-east-1, legacy `EU` = eu-west-1). */
export function bucketRegionFromLocation(loc: string | undefined | null): string {
  if (!loc) return "us-east-1";
  if (loc === "EU") return "eu-west-1";
  return loc;
}

/** Lifecycle rules as facts: prefix from Filter.Prefix / Filter.And.Prefix / legacy Prefix; tag filters flagged. */
export function mapLifecycleRule(r: LifecycleRule): LifecycleRuleFact {
  const f = r.Filter;
  const prefix = f?.Prefix ?? f?.And?.Prefix ?? r.Prefix;
  const tagged = Boolean(f?.Tag || (f?.And?.Tags && f.And.Tags.length > 0));
  return {
    ...(r.ID ? { id: r.ID } : {}),
    status: r.Status ?? "Enabled",
    ...(prefix !== undefined ? { prefix } : {}),
    ...(typeof r.Expiration?.Days === "number" ? { expirationDays: r.Expiration.Days } : {}),
    ...(r.Expiration?.Date ? { expirationDate: new Date(r.Expiration.Date).toISOString() } : {}),
    ...(typeof r.NoncurrentVersionExpiration?.NoncurrentDays === "number"
      ? { noncurrentExpirationDays: r.NoncurrentVersionExpiration.NoncurrentDays }
      : {}),
    ...(r.Transitions?.length
      ? {
          transitions: r.Transitions.map((t) => ({
            ...(typeof t.Days === "number" ? { days: t.Days } : {}),
            ...(t.StorageClass ? { storageClass: t.StorageClass } : {}),
          })),
        }
      : {}),
    ...(tagged ? { tagFilter: true } : {}),
  };
}

async function readLogGroup(
  caller: AwsCaller,
  clients: AwsClients,
  arn: string,
  accountId: string,
  region: string,
  name: string,
): Promise<LogGroup> {
  const scope: Scope = { cloud: "aws", accountId, region };
  const base = { arn: logGroupKey(arn), name, accountId, region };
  try {
    let token: string | undefined;
    do {
      const page = await caller.call("logs", "DescribeLogGroups", scope, (abortSignal) =>
        clients.logs(region).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken: token }), {
          abortSignal,
        }),
      );
      const g = (page.logGroups ?? []).find((x) => x.logGroupName === name);
      if (g) {
        return {
          ...base,
          ...(typeof g.creationTime === "number" ? { creationTime: new Date(g.creationTime).toISOString() } : {}),
          ...(typeof g.retentionInDays === "number" ? { retentionInDays: g.retentionInDays } : {}),
          ...(g.retentionPolicyName ? { retentionPolicyName: g.retentionPolicyName } : {}),
          ...(typeof g.storedBytes === "number" ? { storedBytes: g.storedBytes } : {}),
          ...(typeof g.metricFilterCount === "number" ? { metricFilterCount: g.metricFilterCount } : {}),
          ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
          ...(g.logGroupClass ? { logGroupClass: g.logGroupClass } : {}),
        };
      }
      token = page.nextToken;
    } while (token && !caller.aborted);
    return {
      ...base,
      error: {
        kind: "not-found",
        service: "logs",
        operation: "DescribeLogGroups",
        code: "ResourceNotFoundException",
        message: `log group ${name} does not exist in ${accountId} ${region}`,
        at: caller.ctx.now().toISOString(),
      },
    };
  } catch (err) {
    return { ...base, error: caller.error(err, "logs", "DescribeLogGroups") };
  }
}

async function readBucket(
  caller: AwsCaller,
  clients: AwsClients,
  name: string,
  accountId: string,
  knownRegion: string | undefined,
  defaultRegion: string,
): Promise<Bucket> {
  let region = knownRegion;
  if (!region) {
    try {
      const loc = await caller.call("s3", "GetBucketLocation", { cloud: "aws", accountId }, (abortSignal) =>
        clients.s3(defaultRegion).send(new GetBucketLocationCommand({ Bucket: name }), { abortSignal }),
      );
      region = bucketRegionFromLocation(loc.LocationConstraint);
    } catch {
      // followRegionRedirects still finds the bucket; the denial shows in the probes below.
    }
  }
  const s3 = clients.s3(region ?? defaultRegion);
  const scope: Scope = { cloud: "aws", accountId, ...(region ? { region } : {}) };
  const Bucket = name;
  const [objectLock, versioning, encryption, publicAccessBlock, policyIsPublic, lifecycle, logging] = await Promise.all(
    [
      caller.probe(
        "s3",
        "GetObjectLockConfiguration",
        scope,
        (abortSignal) => s3.send(new GetObjectLockConfigurationCommand({ Bucket }), { abortSignal }),
        (r) => {
          const c = r.ObjectLockConfiguration;
          const ret = c?.Rule?.DefaultRetention;
          return {
            enabled: c?.ObjectLockEnabled === "Enabled",
            ...(ret?.Mode ? { mode: ret.Mode } : {}),
            ...(typeof ret?.Days === "number" ? { days: ret.Days } : {}),
            ...(typeof ret?.Years === "number" ? { years: ret.Years } : {}),
          };
        },
        { codes: ["ObjectLockConfigurationNotFoundError"], value: { enabled: false } },
      ),
      caller.probe(
        "s3",
        "GetBucketVersioning",
        scope,
        (abortSignal) => s3.send(new GetBucketVersioningCommand({ Bucket }), { abortSignal }),
        (r) => ({ ...(r.Status ? { status: r.Status } : {}), ...(r.MFADelete ? { mfaDelete: r.MFADelete } : {}) }),
      ),
      caller.probe(
        "s3",
        "GetBucketEncryption",
        scope,
        (abortSignal) => s3.send(new GetBucketEncryptionCommand({ Bucket }), { abortSignal }),
        (r) => {
          const d = r.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
          return {
            ...(d?.SSEAlgorithm ? { algorithm: d.SSEAlgorithm } : {}),
            ...(d?.KMSMasterKeyID ? { kmsKeyId: d.KMSMasterKeyID } : {}),
          };
        },
        { codes: ["ServerSideEncryptionConfigurationNotFoundError"], value: {} },
      ),
      caller.probe(
        "s3",
        "GetPublicAccessBlock",
        scope,
        (abortSignal) => s3.send(new GetPublicAccessBlockCommand({ Bucket }), { abortSignal }),
        (r) => {
          const c = r.PublicAccessBlockConfiguration;
          return {
            blockPublicAcls: c?.BlockPublicAcls === true,
            ignorePublicAcls: c?.IgnorePublicAcls === true,
            blockPublicPolicy: c?.BlockPublicPolicy === true,
            restrictPublicBuckets: c?.RestrictPublicBuckets === true,
          } as {
            blockPublicAcls: boolean;
            ignorePublicAcls: boolean;
            blockPublicPolicy: boolean;
            restrictPublicBuckets: boolean;
          } | null;
        },
        { codes: ["NoSuchPublicAccessBlockConfiguration"], value: null },
      ),
      caller.probe(
        "s3",
        "GetBucketPolicyStatus",
        scope,
        (abortSignal) => s3.send(new GetBucketPolicyStatusCommand({ Bucket }), { abortSignal }),
        (r) => (r.PolicyStatus?.IsPublic === true) as boolean | null,
        { codes: ["NoSuchBucketPolicy"], value: null },
      ),
      caller.probe(
        "s3",
        "GetBucketLifecycleConfiguration",
        scope,
        (abortSignal) => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }), { abortSignal }),
        (r) => (r.Rules ?? []).map(mapLifecycleRule),
        { codes: ["NoSuchLifecycleConfiguration"], value: [] },
      ),
      caller.probe(
        "s3",
        "GetBucketLogging",
        scope,
        (abortSignal) => s3.send(new GetBucketLoggingCommand({ Bucket }), { abortSignal }),
        (r) =>
          r.LoggingEnabled
            ? {
                ...(r.LoggingEnabled.TargetBucket ? { targetBucket: r.LoggingEnabled.TargetBucket } : {}),
                ...(r.LoggingEnabled.TargetPrefix ? { targetPrefix: r.LoggingEnabled.TargetPrefix } : {}),
              }
            : null,
      ),
    ],
  );
  return {
    name,
    readFromAccountId: accountId,
    ...(region ? { region } : {}),
    objectLock,
    versioning,
    encryption,
    publicAccessBlock,
    policyIsPublic,
    lifecycle,
    logging,
  };
}

async function readKey(
  caller: AwsCaller,
  clients: AwsClients,
  arn: string,
  accountId: string,
  region: string,
): Promise<KmsKey> {
  const scope: Scope = { cloud: "aws", accountId, region };
  const kms = clients.kms(region);
  try {
    const d = await caller.call("kms", "DescribeKey", scope, (abortSignal) =>
      kms.send(new DescribeKeyCommand({ KeyId: arn }), { abortSignal }),
    );
    const m = d.KeyMetadata;
    const keyManager = m?.KeyManager;
    const keySpec = m?.KeySpec ?? m?.CustomerMasterKeySpec;
    const base = {
      arn: m?.Arn ?? arn,
      region,
      ...(keyManager ? { keyManager } : {}),
      ...(keySpec ? { keySpec } : {}),
      ...(m?.KeyState ? { keyState: m.KeyState } : {}),
    };
    if (keyManager === "AWS" || (keySpec && keySpec !== "SYMMETRIC_DEFAULT")) {
      // AWS managed keys rotate every year by themselves; asymmetric and HMAC keys cannot rotate. Not asked.
      return { ...base, rotation: { state: "ok", value: { enabled: keyManager === "AWS" } } };
    }
    const rotation = await caller.probe(
      "kms",
      "GetKeyRotationStatus",
      scope,
      (abortSignal) => kms.send(new GetKeyRotationStatusCommand({ KeyId: arn }), { abortSignal }),
      (r) => ({
        enabled: r.KeyRotationEnabled === true,
        ...(typeof r.RotationPeriodInDays === "number" ? { rotationPeriodInDays: r.RotationPeriodInDays } : {}),
        ...(r.NextRotationDate ? { nextRotationDate: new Date(r.NextRotationDate).toISOString() } : {}),
      }),
    );
    return { ...base, rotation };
  } catch (err) {
    const error = caller.error(err, "kms", "DescribeKey");
    return { arn, region, error, rotation: { state: "error", error } };
  }
}

/**
 * Reads every trail destination once and stores it on the account it was read from (or, when the owning account
 * was not entered, on the first account whose trail points at it, with an error fact). It reads while the estate is
 * still being scanned: `add` an account once it is entered (its trails and buckets are known); each destination its
 * trails name is read at once when its owner is known and entered (a log group's or key's ARN names its account; a
 * bucket's owner is the entered account that lists it), else at `finish`, once every account is entered (the owner
 * may be scanned later, or never: then the trail's account reads it, or the first account that names it records that
 * it cannot be read).
 */
export class DestinationReader {
  private readonly groups = new Map<string, { arn: string; viewer: string }>();
  private readonly buckets = new Map<string, { trailOwner: string; viewer: string }>();
  private readonly keys = new Map<string, { trailOwner: string; viewer: string; homeRegion: string }>();
  private readonly deferred: (() => Promise<void>)[] = [];
  private readonly running: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;
  private readonly limit: Limiter;

  constructor(
    private readonly caller: AwsCaller,
    private readonly entered: Map<string, Entered>,
    private readonly bucketOwners: Map<string, { accountId: string; region?: string }>,
    private readonly defaultRegion: string,
    concurrency: number,
  ) {
    this.limit = new Limiter(concurrency);
  }

  /** The account is entered: reads the destinations its trails name whose owner is known now. */
  add(accountId: string): void {
    const account = this.entered.get(accountId)?.account;
    if (!account) return;
    for (const t of account.trails) {
      const groupKey = t.cloudWatchLogsLogGroupArn ? logGroupKey(t.cloudWatchLogsLogGroupArn) : undefined;
      if (groupKey && !this.groups.has(groupKey)) {
        const g = { arn: t.cloudWatchLogsLogGroupArn!, viewer: account.accountId };
        this.groups.set(groupKey, g);
        const owner = parseArn(groupKey)?.account || g.viewer;
        this.schedule(this.entered.has(owner), () => this.readGroup(groupKey, g.viewer));
      }
      if (t.s3BucketName && !this.buckets.has(t.s3BucketName)) {
        const name = t.s3BucketName;
        const b = { trailOwner: t.ownerAccountId, viewer: account.accountId };
        this.buckets.set(name, b);
        const owner = this.bucketOwners.get(name)?.accountId;
        this.schedule(owner !== undefined && this.entered.has(owner), () => this.readBucket(name, b));
      }
      if (t.kmsKeyId && !this.keys.has(t.kmsKeyId)) {
        const arn = t.kmsKeyId;
        const k = { trailOwner: t.ownerAccountId, viewer: account.accountId, homeRegion: t.homeRegion };
        this.keys.set(arn, k);
        const owner = parseArn(arn)?.account;
        this.schedule(owner !== undefined && this.entered.has(owner), () => this.readKey(arn, k));
      }
    }
  }

  /** Every account is entered: reads what waited for its owner, waits for every read, sorts the facts. */
  async finish(): Promise<void> {
    for (const job of this.deferred.splice(0)) this.schedule(true, job);
    await Promise.all(this.running);
    if (this.failure) throw this.failure.error;
    for (const { account } of this.entered.values()) {
      account.logGroups.sort((a, b) => a.arn.localeCompare(b.arn));
      account.buckets.sort((a, b) => a.name.localeCompare(b.name));
      account.keys.sort((a, b) => a.arn.localeCompare(b.arn));
    }
  }

  private schedule(now: boolean, job: () => Promise<void>): void {
    if (!now) {
      this.deferred.push(job);
      return;
    }
    this.running.push(
      this.limit
        .run(() => (this.caller.aborted ? Promise.resolve() : job()))
        .catch((error: unknown) => {
          this.failure ??= { error };
        }),
    );
  }

  private pick(...ids: string[]): Entered {
    for (const id of ids) {
      const e = this.entered.get(id);
      if (e) return e;
    }
    return this.entered.get(ids[ids.length - 1]!)!;
  }

  private async readGroup(key: string, viewer: string): Promise<void> {
    const p = parseArn(key);
    const m = /^log-group:(.+)$/.exec(p?.resource ?? "");
    const region = p?.region || this.defaultRegion;
    const owner = p?.account || viewer;
    const name = m?.[1] ?? key;
    const reader = this.entered.get(owner);
    if (reader) {
      reader.account.logGroups.push(await readLogGroup(this.caller, reader.clients, key, owner, region, name));
    } else {
      this.entered.get(viewer)!.account.logGroups.push({
        arn: key,
        name,
        accountId: owner,
        region,
        error: notScanned("logs", "DescribeLogGroups", `log group ${name}`, owner, this.caller.ctx.now()),
      });
    }
  }

  private async readBucket(name: string, b: { trailOwner: string; viewer: string }): Promise<void> {
    const owner = this.bucketOwners.get(name);
    const reader = this.pick(...(owner ? [owner.accountId] : []), b.trailOwner, b.viewer);
    reader.account.buckets.push(
      await readBucket(this.caller, reader.clients, name, reader.account.accountId, owner?.region, this.defaultRegion),
    );
  }

  private async readKey(arn: string, k: { trailOwner: string; viewer: string; homeRegion: string }): Promise<void> {
    const p = parseArn(arn);
    const region = p?.region || k.homeRegion;
    const reader = this.pick(...(p?.account ? [p.account] : []), k.trailOwner, k.viewer);
    reader.account.keys.push(await readKey(this.caller, reader.clients, arn, reader.account.accountId, region));
  }
}

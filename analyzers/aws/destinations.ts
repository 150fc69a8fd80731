/**
 * Checks of the trails' destinations: the KMS key (aws.kms.rotation-disabled), the S3 bucket (aws.bucket.not-worm,
 * aws.bucket.expires-early, aws.bucket.public) and the CloudWatch Logs group (aws.logs.retention-short). A
 * destination we could not read (another account denying access, not scanned) is `unknown` with the reason. Pure.
 */
import type { ApiError } from "../../src/model/common.js";
import type { Evidence, Finding } from "../../src/model/finding.js";
import { type AnalyzerContext, makeFinding } from "../context.js";
import {
  awsFacts,
  type BucketFact,
  ev,
  kmsArnParts,
  logGroupArnParts,
  normalizeLogGroupArn,
  type TrailView,
} from "./facts.js";

function errEvidence(label: string, e: ApiError): Evidence {
  return ev(label, `${e.code}: ${e.message}`, `${e.service}:${e.operation}`, e.at);
}

function usedBy(trails: readonly TrailView[]): Evidence {
  return ev(
    "used by trails",
    trails.map((t) => t.arn),
  );
}

function group<_T>(views: Iterable<TrailView>, key: (v: TrailView) => string | undefined): Map<string, TrailView[]> {
  const out = new Map<string, TrailView[]>();
  for (const v of views) {
    const k = key(v);
    if (k) out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

function keyFindings(ctx: AnalyzerContext, at: string): Finding[] {
  const facts = awsFacts(ctx.snapshot, ctx.now);
  const out: Finding[] = [];
  for (const [keyId, trails] of group(facts.trails.values(), (v) => v.trail.kmsKeyId)) {
    const parts = kmsArnParts(keyId);
    const owner = trails[0]!;
    const scope = {
      cloud: "aws" as const,
      accountId: parts?.account ?? owner.ownerAccountId,
      region: parts?.region ?? owner.trail.homeRegion,
    };
    const base = { checkId: "aws.kms.rotation-disabled", scope, resource: keyId } as const;
    const key = facts.key(keyId);
    if (!key) {
      out.push(
        makeFinding({ ...base, status: "unknown", title: `KMS key ${keyId} was not read`, evidence: [usedBy(trails)] }),
      );
      continue;
    }
    const meta = [
      ev("KeyManager", key.keyManager ?? null, "kms:DescribeKey", at),
      ev("KeySpec", key.keySpec ?? null, "kms:DescribeKey", at),
      ...(key.keyState ? [ev("KeyState", key.keyState, "kms:DescribeKey", at)] : []),
      usedBy(trails),
    ];
    if (key.error) {
      out.push(
        makeFinding({
          ...base,
          status: "unknown",
          title: `KMS key ${keyId} could not be read (${key.error.code})`,
          evidence: [errEvidence("DescribeKey error", key.error), usedBy(trails)],
        }),
      );
    } else if (key.keyManager === "AWS") {
      out.push(
        makeFinding({
          ...base,
          status: "pass",
          title: `KMS key ${keyId} is AWS managed (rotated by AWS)`,
          evidence: meta,
        }),
      );
    } else if (key.keySpec && key.keySpec !== "SYMMETRIC_DEFAULT") {
      out.push(
        makeFinding({
          ...base,
          status: "pass",
          title: `KMS key ${keyId} is ${key.keySpec}: rotation does not apply`,
          evidence: meta,
        }),
      );
    } else if (key.rotation.state === "error") {
      out.push(
        makeFinding({
          ...base,
          status: "unknown",
          title: `Rotation of KMS key ${keyId} could not be read (${key.rotation.error.code})`,
          evidence: [...meta, errEvidence("GetKeyRotationStatus error", key.rotation.error)],
        }),
      );
    } else {
      const r = key.rotation.value;
      out.push(
        makeFinding({
          ...base,
          status: r.enabled ? "pass" : "fail",
          title: r.enabled ? `KMS key ${keyId} rotates automatically` : `KMS key ${keyId} has automatic rotation off`,
          evidence: [
            ...meta,
            ev("KeyRotationEnabled", r.enabled, "kms:GetKeyRotationStatus", at),
            ...(r.rotationPeriodInDays
              ? [ev("RotationPeriodInDays", r.rotationPeriodInDays, "kms:GetKeyRotationStatus", at)]
              : []),
          ],
        }),
      );
    }
  }
  return out;
}

/** The S3 key prefix a trail writes under: `[S3KeyPrefix/]AWSLogs/`. */
export function trailLogPrefix(s3KeyPrefix: string | undefined): string {
  const p = (s3KeyPrefix ?? "").replace(/^\/+|\/+$/g, "");
  return p ? `${p}/AWSLogs/` : "AWSLogs/";
}

/** A lifecycle rule prefix applies to the trail's logs when one contains the other. */
function prefixMatches(rulePrefix: string | undefined, logPrefix: string): boolean {
  if (!rulePrefix) return true;
  return logPrefix.startsWith(rulePrefix) || rulePrefix.startsWith(logPrefix);
}

function bucketScope(b: BucketFact | undefined, trails: readonly TrailView[]) {
  return {
    cloud: "aws" as const,
    accountId: b?.readFromAccountId ?? trails[0]!.ownerAccountId,
    ...(b?.region ? { region: b.region } : {}),
  };
}

function bucketFindings(ctx: AnalyzerContext, at: string): Finding[] {
  const facts = awsFacts(ctx.snapshot, ctx.now);
  const out: Finding[] = [];
  const threshold = ctx.policy.retentionDays;
  for (const [name, trails] of group(facts.trails.values(), (v) => v.trail.s3BucketName)) {
    const b = facts.bucket(name);
    const scope = bucketScope(b, trails);
    const common = { scope, resource: name } as const;
    if (!b) {
      for (const checkId of ["aws.bucket.not-worm", "aws.bucket.expires-early", "aws.bucket.public"]) {
        out.push(
          makeFinding({
            ...common,
            checkId,
            status: "unknown",
            title: `Bucket ${name} was not read`,
            evidence: [usedBy(trails)],
          }),
        );
      }
      continue;
    }
    const readFrom = ev("read from account", b.readFromAccountId);

    // WORM: Object Lock with a default retention.
    if (b.objectLock.state === "error") {
      out.push(
        makeFinding({
          ...common,
          checkId: "aws.bucket.not-worm",
          status: "unknown",
          title: `Object Lock of bucket ${name} could not be read (${b.objectLock.error.code})`,
          evidence: [errEvidence("GetObjectLockConfiguration error", b.objectLock.error), readFrom, usedBy(trails)],
        }),
      );
    } else {
      const ol = b.objectLock.value;
      const retained = ol.enabled && Boolean(ol.mode && (ol.days || ol.years));
      out.push(
        makeFinding({
          ...common,
          checkId: "aws.bucket.not-worm",
          status: retained ? "pass" : "fail",
          title: retained
            ? `Bucket ${name} is WORM: Object Lock ${ol.mode} ${ol.days ? `${ol.days} days` : `${ol.years} years`}`
            : ol.enabled
              ? `Bucket ${name} has Object Lock but no default retention`
              : `Bucket ${name} has no Object Lock (logs can be deleted or overwritten)`,
          evidence: [
            ev("ObjectLockConfiguration", ol, "s3:GetObjectLockConfiguration", at),
            ...(b.versioning.state === "ok"
              ? [ev("Versioning", b.versioning.value, "s3:GetBucketVersioning", at)]
              : []),
            readFrom,
            usedBy(trails),
          ],
        }),
      );
    }

    // Lifecycle expiration before the threshold on the trails' prefixes.
    if (b.lifecycle.state === "error") {
      out.push(
        makeFinding({
          ...common,
          checkId: "aws.bucket.expires-early",
          status: "unknown",
          title: `Lifecycle of bucket ${name} could not be read (${b.lifecycle.error.code})`,
          evidence: [errEvidence("GetBucketLifecycleConfiguration error", b.lifecycle.error), readFrom, usedBy(trails)],
        }),
      );
    } else {
      const prefixes = [...new Set(trails.map((t) => trailLogPrefix(t.trail.s3KeyPrefix)))];
      const early = b.lifecycle.value.filter(
        (r) =>
          r.status === "Enabled" &&
          !r.tagFilter &&
          ((r.expirationDays !== undefined && r.expirationDays < threshold) || r.expirationDate !== undefined) &&
          prefixes.some((p) => prefixMatches(r.prefix, p)),
      );
      const first = early[0];
      out.push(
        makeFinding({
          ...common,
          checkId: "aws.bucket.expires-early",
          status: first ? "fail" : "pass",
          title: first
            ? `Bucket ${name}: lifecycle rule ${first.id ?? "(unnamed)"} deletes ${first.prefix || "all objects"} ${
                first.expirationDays !== undefined ? `after ${first.expirationDays} days` : `on ${first.expirationDate}`
              } (threshold ${threshold})`
            : `Bucket ${name} keeps trail logs at least ${threshold} days`,
          evidence: [
            ev("lifecycle rules", b.lifecycle.value as never, "s3:GetBucketLifecycleConfiguration", at),
            ev("trail log prefixes", prefixes),
            ev("retention threshold (days)", threshold),
            readFrom,
          ],
        }),
      );
    }

    // Public: policy status public, or the bucket's public access block missing or incomplete.
    const pab = b.publicAccessBlock;
    const pol = b.policyIsPublic;
    const pubEvidence = [
      pab.state === "ok"
        ? ev("PublicAccessBlockConfiguration", pab.value, "s3:GetPublicAccessBlock", at)
        : errEvidence("GetPublicAccessBlock error", pab.error),
      pol.state === "ok"
        ? ev("PolicyStatus.IsPublic", pol.value, "s3:GetBucketPolicyStatus", at)
        : errEvidence("GetBucketPolicyStatus error", pol.error),
      readFrom,
    ];
    let status: "fail" | "pass" | "unknown";
    let title: string;
    const allBlocked =
      pab.state === "ok" &&
      pab.value !== null &&
      pab.value.blockPublicAcls &&
      pab.value.ignorePublicAcls &&
      pab.value.blockPublicPolicy &&
      pab.value.restrictPublicBuckets;
    if (pol.state === "ok" && pol.value === true) {
      status = "fail";
      title = `Bucket ${name} has a public bucket policy`;
    } else if (allBlocked) {
      status = "pass";
      title = `Bucket ${name} blocks all public access`;
    } else if (pab.state === "error") {
      status = "unknown";
      title = `Public access of bucket ${name} could not be read (${pab.error.code})`;
    } else if (pab.value === null) {
      status = "fail";
      title = `Bucket ${name} has no public access block`;
    } else {
      const off = Object.entries(pab.value)
        .filter(([, v]) => !v)
        .map(([k]) => k);
      status = "fail";
      title = `Bucket ${name} public access block incomplete: ${off.join(", ")} off`;
    }
    out.push(makeFinding({ ...common, checkId: "aws.bucket.public", status, title, evidence: pubEvidence }));
  }
  return out;
}

function logGroupFindings(ctx: AnalyzerContext, at: string): Finding[] {
  const facts = awsFacts(ctx.snapshot, ctx.now);
  const out: Finding[] = [];
  const threshold = ctx.policy.retentionDays;
  const byGroup = group(facts.trails.values(), (v) =>
    v.trail.cloudWatchLogsLogGroupArn ? normalizeLogGroupArn(v.trail.cloudWatchLogsLogGroupArn) : undefined,
  );
  for (const [arn, trails] of byGroup) {
    const parts = logGroupArnParts(arn);
    const g = facts.logGroup(arn);
    const name = g?.name ?? parts?.name ?? arn;
    const scope = {
      cloud: "aws" as const,
      accountId: g?.accountId ?? parts?.account ?? trails[0]!.ownerAccountId,
      region: g?.region ?? parts?.region ?? trails[0]!.trail.homeRegion,
    };
    const base = { checkId: "aws.logs.retention-short", scope, resource: name } as const;
    if (!g) {
      out.push(
        makeFinding({
          ...base,
          status: "unknown",
          title: `Log group ${name} was not read`,
          evidence: [usedBy(trails)],
        }),
      );
      continue;
    }
    if (g.error) {
      out.push(
        makeFinding({
          ...base,
          status: "unknown",
          title:
            g.error.kind === "not-found"
              ? `Log group ${name} does not exist: no retention to check`
              : `Retention of log group ${name} could not be read (${g.error.code})`,
          evidence: [errEvidence("DescribeLogGroups", g.error), usedBy(trails)],
        }),
      );
      continue;
    }
    const days = g.retentionInDays;
    const policy = g.retentionPolicyName ? ` (account retention policy ${g.retentionPolicyName})` : "";
    const evidence = [
      ev("retentionInDays", days ?? "absent: never expires", "logs:DescribeLogGroups", at),
      ...(g.retentionPolicyName
        ? [ev("retentionPolicyName", g.retentionPolicyName, "logs:DescribeLogGroups", at)]
        : []),
      ev("retention threshold (days)", threshold),
      usedBy(trails),
    ];
    const short = days !== undefined && days < threshold;
    out.push(
      makeFinding({
        ...base,
        status: short ? "fail" : "pass",
        title: short
          ? `Log group ${name} keeps data ${days} days${policy}, less than ${threshold}`
          : days === undefined
            ? `Log group ${name} never expires data${policy}`
            : `Log group ${name} keeps data ${days} days${policy}`,
        evidence,
      }),
    );
  }
  return out;
}

/** Every destination check. */
export function analyzeDestinations(ctx: AnalyzerContext): Finding[] {
  const at = ctx.now.toISOString();
  return [...keyFindings(ctx, at), ...bucketFindings(ctx, at), ...logGroupFindings(ctx, at)];
}

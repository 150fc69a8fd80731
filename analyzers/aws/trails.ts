/**
 * Checks of each trail (merged across the accounts that see it, reported once in the owner's account and home
 * region): not-logging, mgmt-events-partial, delivery-failing, siem-feed-missing, validation-disabled,
 * kms-disabled. Pure.
 */
import type { Finding } from "../../src/model/finding.js";
import { type AnalyzerContext, makeFinding } from "../context.js";
import { awsFacts, ev, type TrailView } from "./facts.js";

const DAY_MS = 24 * 60 * 60 * 1000;

function scopeOf(v: TrailView) {
  return { cloud: "aws" as const, accountId: v.ownerAccountId, region: v.trail.homeRegion };
}

function label(v: TrailView): string {
  return `Trail ${v.trail.name}${v.trail.isOrganization ? " (organization)" : ""}`;
}

function statusError(v: TrailView, checkId: string, what: string): Finding | undefined {
  if (v.status.state !== "error") return undefined;
  const e = v.status.error;
  return makeFinding({
    checkId,
    status: "unknown",
    scope: scopeOf(v),
    resource: v.arn,
    title: `${label(v)}: ${what} could not be verified (${e.code})`,
    evidence: [ev("GetTrailStatus error", `${e.code}: ${e.message}`, `${e.service}:${e.operation}`, e.at)],
  });
}

function notLogging(v: TrailView, at: string): Finding {
  const err = statusError(v, "aws.trail.not-logging", "logging status");
  if (err || v.status.state === "error") return err!;
  const s = v.status.value;
  const source = "cloudtrail:GetTrailStatus";
  return makeFinding({
    checkId: "aws.trail.not-logging",
    status: s.isLogging ? "pass" : "fail",
    scope: scopeOf(v),
    resource: v.arn,
    title: s.isLogging
      ? `${label(v)} is logging`
      : `${label(v)} is not logging${s.stopLoggingTime ? ` (stopped ${s.stopLoggingTime})` : ""}`,
    evidence: [
      ev("IsLogging", s.isLogging, source, at),
      ...(s.stopLoggingTime ? [ev("StopLoggingTime", s.stopLoggingTime, source, s.stopLoggingTime)] : []),
      ...(s.startLoggingTime ? [ev("StartLoggingTime", s.startLoggingTime, source, s.startLoggingTime)] : []),
      ev("status read from account", v.statusFrom),
    ],
  });
}

function selectorEvidence(v: TrailView, at: string) {
  const sel = v.selectors;
  const source = "cloudtrail:GetEventSelectors";
  const value =
    sel.kind === "basic"
      ? { EventSelectors: sel.eventSelectors }
      : sel.kind === "advanced"
        ? { AdvancedEventSelectors: sel.advancedEventSelectors }
        : sel.error
          ? `${sel.kind}: ${sel.error.code}: ${sel.error.message}`
          : sel.kind;
  return [
    ev("selectors", value as never, source, at),
    ev("selectors read from account", v.selectorsFrom),
    ...(v.trail.hasCustomEventSelectors !== undefined
      ? [ev("HasCustomEventSelectors", v.trail.hasCustomEventSelectors, "cloudtrail:DescribeTrails", at)]
      : []),
    ev("interpretation", v.mgmt.reason),
  ];
}

function mgmtPartial(v: TrailView, at: string): Finding | undefined {
  const level = v.mgmt.level;
  if (level === "none") return undefined; // a data-events-only trail: it covers nothing, it is not partial
  return makeFinding({
    checkId: "aws.trail.mgmt-events-partial",
    status: level === "partial" ? "fail" : level === "unknown" ? "unknown" : "pass",
    scope: scopeOf(v),
    resource: v.arn,
    title:
      level === "partial"
        ? `${label(v)} logs management events only partly: ${v.mgmt.reason.replace(/^[^:]*: /, "")}`
        : level === "unknown"
          ? `${label(v)}: management event selectors could not be verified`
          : `${label(v)} logs all read and write management events`,
    evidence: selectorEvidence(v, at),
  });
}

function deliveryFailing(v: TrailView, now: Date, at: string): Finding | undefined {
  const err = statusError(v, "aws.trail.delivery-failing", "delivery");
  if (err) return err;
  if (v.status.state !== "ok" || !v.status.value.isLogging) return undefined; // not-logging says it already
  const s = v.status.value;
  const source = "cloudtrail:GetTrailStatus";
  const evidence = [
    ev("LatestDeliveryTime", s.latestDeliveryTime ?? null, source, s.latestDeliveryTime ?? at),
    ev("LatestDeliveryError", s.latestDeliveryError ?? null, source, at),
    ev("checked at", at),
  ];
  const last = s.latestDeliveryTime ? Date.parse(s.latestDeliveryTime) : undefined;
  const started = s.startLoggingTime ? Date.parse(s.startLoggingTime) : undefined;
  let status: "fail" | "pass" | "unknown" = "pass";
  let title = `${label(v)} delivers to S3 (last ${s.latestDeliveryTime})`;
  if (s.latestDeliveryError) {
    status = "fail";
    title = `${label(v)} delivery failing: ${s.latestDeliveryError}${s.latestDeliveryTime ? ` (last delivery ${s.latestDeliveryTime})` : ""}`;
  } else if (last !== undefined && now.getTime() - last > DAY_MS) {
    status = "fail";
    title = `${label(v)} has not delivered for more than 24 h (last delivery ${s.latestDeliveryTime})`;
  } else if (last === undefined) {
    if (started !== undefined && now.getTime() - started > DAY_MS) {
      status = "fail";
      title = `${label(v)} has never delivered since logging started ${s.startLoggingTime}`;
    } else {
      status = started !== undefined ? "pass" : "unknown";
      title =
        started !== undefined
          ? `${label(v)} started logging less than 24 h ago`
          : `${label(v)}: no delivery time reported`;
    }
  }
  return makeFinding({
    checkId: "aws.trail.delivery-failing",
    status,
    scope: scopeOf(v),
    resource: v.arn,
    title,
    evidence,
  });
}

function siemFeed(ctx: AnalyzerContext, v: TrailView, at: string): Finding {
  const t = v.trail;
  const scope = scopeOf(v);
  const base = { checkId: "aws.trail.siem-feed-missing", scope, resource: v.arn } as const;
  if (!t.cloudWatchLogsLogGroupArn) {
    return makeFinding({
      ...base,
      status: "fail",
      title: `${label(v)} sends nothing to CloudWatch Logs`,
      evidence: [ev("CloudWatchLogsLogGroupArn", null, "cloudtrail:DescribeTrails", at)],
    });
  }
  const evidence = [ev("CloudWatchLogsLogGroupArn", t.cloudWatchLogsLogGroupArn, "cloudtrail:DescribeTrails", at)];
  const group = awsFacts(ctx.snapshot, ctx.now).logGroup(t.cloudWatchLogsLogGroupArn);
  if (group?.error?.kind === "not-found") {
    return makeFinding({
      ...base,
      status: "fail",
      title: `${label(v)} sends to log group ${group.name}, which does not exist`,
      evidence: [
        ...evidence,
        ev("log group", `${group.error.code}: ${group.error.message}`, "logs:DescribeLogGroups", group.error.at),
      ],
    });
  }
  if (v.status.state === "error") {
    return makeFinding({
      ...base,
      status: "unknown",
      title: `${label(v)}: CloudWatch Logs delivery could not be verified (${v.status.error.code})`,
      evidence: [
        ...evidence,
        ev(
          "GetTrailStatus error",
          `${v.status.error.code}: ${v.status.error.message}`,
          "cloudtrail:GetTrailStatus",
          v.status.error.at,
        ),
      ],
    });
  }
  const s = v.status.value;
  evidence.push(
    ev(
      "LatestCloudWatchLogsDeliveryTime",
      s.latestCloudWatchLogsDeliveryTime ?? null,
      "cloudtrail:GetTrailStatus",
      s.latestCloudWatchLogsDeliveryTime ?? at,
    ),
    ev(
      "LatestCloudWatchLogsDeliveryError",
      s.latestCloudWatchLogsDeliveryError ?? null,
      "cloudtrail:GetTrailStatus",
      at,
    ),
  );
  if (s.latestCloudWatchLogsDeliveryError) {
    return makeFinding({
      ...base,
      status: "fail",
      title: `${label(v)} CloudWatch Logs delivery failing: ${s.latestCloudWatchLogsDeliveryError}`,
      evidence,
    });
  }
  const last = s.latestCloudWatchLogsDeliveryTime ? Date.parse(s.latestCloudWatchLogsDeliveryTime) : undefined;
  if (s.isLogging && last !== undefined && ctx.now.getTime() - last > DAY_MS) {
    return makeFinding({
      ...base,
      status: "fail",
      title: `${label(v)} has not delivered to CloudWatch Logs for more than 24 h (last ${s.latestCloudWatchLogsDeliveryTime})`,
      evidence,
    });
  }
  return makeFinding({
    ...base,
    status: "pass",
    title: `${label(v)} sends to CloudWatch Logs group ${group?.name ?? t.cloudWatchLogsLogGroupArn}`,
    evidence,
  });
}

function validation(v: TrailView, at: string): Finding {
  const on = v.trail.logFileValidationEnabled;
  return makeFinding({
    checkId: "aws.trail.validation-disabled",
    status: on ? "pass" : "fail",
    scope: scopeOf(v),
    resource: v.arn,
    title: on ? `${label(v)} validates log file integrity` : `${label(v)} has log file validation off`,
    evidence: [ev("LogFileValidationEnabled", on, "cloudtrail:DescribeTrails", at)],
  });
}

function kms(v: TrailView, at: string): Finding {
  const key = v.trail.kmsKeyId;
  return makeFinding({
    checkId: "aws.trail.kms-disabled",
    status: key ? "pass" : "fail",
    scope: scopeOf(v),
    resource: v.arn,
    title: key ? `${label(v)} encrypts logs with KMS key ${key}` : `${label(v)} logs are not encrypted with a KMS key`,
    evidence: [ev("KmsKeyId", key ?? null, "cloudtrail:DescribeTrails", at)],
  });
}

/** Every per-trail check. */
export function analyzeTrails(ctx: AnalyzerContext): Finding[] {
  const facts = awsFacts(ctx.snapshot, ctx.now);
  const at = ctx.now.toISOString();
  const out: Finding[] = [];
  for (const v of [...facts.trails.values()].sort((a, b) => a.arn.localeCompare(b.arn))) {
    out.push(notLogging(v, at));
    const partial = mgmtPartial(v, at);
    if (partial) out.push(partial);
    const delivery = deliveryFailing(v, ctx.now, at);
    if (delivery) out.push(delivery);
    out.push(siemFeed(ctx, v, at), validation(v, at), kms(v, at));
  }
  return out;
}

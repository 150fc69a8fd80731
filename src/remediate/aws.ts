/**
 * AWS remediations: failing aws.* findings → steps (aws CLI commands with a read-only state check each) and the
 * Terraform for the same change. Facts come from the snapshot (trail, bucket, log group, key), looked up by the
 * finding's resource and scope, never parsed from evidence labels.
 */
import { awsFacts, logGroupArnParts, type TrailView } from "../../analyzers/aws/facts.js";
import type { Finding } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import { jmesString, tfIdent, tfString } from "./quote.js";
import type { Arg, Command, Derived, Requirement, Setting, Step, TfFragment, TfProvider, TfResource } from "./types.js";

/** CloudWatch Logs PutRetentionPolicy accepts only these values. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The smallest allowed log group retention that is at least `days` (3653 at most). */
export function logRetentionFor(days: number): number {
  return LOG_RETENTION_DAYS.find((d) => d >= days) ?? 3653;
}

/** Shared state of one planning run. */
export interface AwsPlanContext {
  snapshot: Snapshot;
  threshold: number;
  add(step: Step, findingId: string): void;
  setting(s: Setting): void;
  derive(d: Derived): void;
  require(r: Requirement): void;
}

type Outcome = { ok: true } | { ok: false; reason: string };
const OK: Outcome = { ok: true };
const skip = (reason: string): Outcome => ({ ok: false, reason });

export function aws(account: string, args: Arg[], capture?: string): Command {
  return { tool: "aws", account, args, ...(capture ? { capture } : {}) };
}

/** Provider alias per account and region (Terraform). */
export function awsProvider(snapshot: Snapshot, account: string, region: string): TfProvider {
  const acct = snapshot.aws?.accounts.find((a) => a.accountId === account);
  const ambient = acct?.access.state === "ok" && acct.access.via === "ambient";
  return {
    kind: "aws",
    alias: tfIdent(`a${account}`, region),
    region,
    account,
    assumeRole: !ambient,
  };
}

export function providerRef(p: TfProvider): string {
  return `aws.${p.alias}`;
}

function describeTrail(v: TrailView, query: string): Command {
  return aws(v.ownerAccountId, [
    "cloudtrail",
    "describe-trails",
    "--trail-name-list",
    v.arn,
    "--region",
    v.trail.homeRegion,
    "--query",
    `trailList[0].${query}`,
    "--output",
    "text",
  ]);
}

/** Terraform `event_selector` / `advanced_event_selector` blocks for selectors in API shape. */
function tfSelectors(flag: string, json: unknown): Record<string, unknown> {
  if (flag === "--event-selectors") {
    const list = json as {
      ReadWriteType?: string;
      IncludeManagementEvents?: boolean;
      DataResources?: { Type?: string; Values?: string[] }[];
      ExcludeManagementEventSources?: string[];
    }[];
    return {
      event_selector: list.map((s) => ({
        read_write_type: s.ReadWriteType ?? "All",
        include_management_events: s.IncludeManagementEvents !== false,
        ...((s.ExcludeManagementEventSources ?? []).length
          ? { exclude_management_event_sources: s.ExcludeManagementEventSources }
          : {}),
        ...((s.DataResources ?? []).length
          ? { data_resource: (s.DataResources ?? []).map((d) => ({ type: d.Type ?? "", values: d.Values ?? [] })) }
          : {}),
      })),
    };
  }
  const list = json as { Name?: string; FieldSelectors: Record<string, unknown>[] }[];
  return {
    advanced_event_selector: list.map((s) => ({
      ...(s.Name ? { name: s.Name } : {}),
      field_selector: s.FieldSelectors.map((f) => ({
        field: f.Field,
        ...(f.Equals ? { equals: f.Equals } : {}),
        ...(f.StartsWith ? { starts_with: f.StartsWith } : {}),
        ...(f.EndsWith ? { ends_with: f.EndsWith } : {}),
        ...(f.NotEquals ? { not_equals: f.NotEquals } : {}),
        ...(f.NotStartsWith ? { not_starts_with: f.NotStartsWith } : {}),
        ...(f.NotEndsWith ? { not_ends_with: f.NotEndsWith } : {}),
      })),
    })),
  };
}

/** The trail's current selectors as Terraform blocks, so adopting the trail does not drop them. */
function currentSelectorsTf(v: TrailView): Record<string, unknown> {
  const sel = v.selectors;
  if (sel.kind === "basic" && sel.eventSelectors.length) return tfSelectors("--event-selectors", sel.eventSelectors);
  if (sel.kind === "advanced" && sel.advancedEventSelectors.length) {
    return tfSelectors("--advanced-event-selectors", sel.advancedEventSelectors);
  }
  return {};
}

/** The Terraform aws_cloudtrail of an existing trail with the planned changes applied (import + full config). */
function trailTf(ctx: AwsPlanContext, v: TrailView, change: Record<string, unknown>): TfFragment {
  const t = v.trail;
  const p = awsProvider(ctx.snapshot, v.ownerAccountId, t.homeRegion);
  const name = tfIdent("trail", v.arn);
  const body: Record<string, unknown> = {
    name: t.name,
    s3_bucket_name: t.s3BucketName ?? "",
    ...(t.s3KeyPrefix ? { s3_key_prefix: t.s3KeyPrefix } : {}),
    ...(t.snsTopicArn ? { sns_topic_name: t.snsTopicArn } : {}),
    is_multi_region_trail: t.isMultiRegion,
    is_organization_trail: t.isOrganization,
    include_global_service_events: t.includeGlobalServiceEvents,
    enable_log_file_validation: t.logFileValidationEnabled,
    enable_logging: v.status.state === "ok" ? v.status.value.isLogging : true,
    ...(t.kmsKeyId ? { kms_key_id: t.kmsKeyId } : {}),
    ...(t.cloudWatchLogsLogGroupArn
      ? { cloud_watch_logs_group_arn: t.cloudWatchLogsLogGroupArn, cloud_watch_logs_role_arn: t.cloudWatchLogsRoleArn }
      : {}),
    ...currentSelectorsTf(v),
    ...change,
  };
  return {
    resources: [{ type: "aws_cloudtrail", name, body, changes: change, provider: providerRef(p) }],
    imports: [{ to: `aws_cloudtrail.${name}`, id: v.arn, provider: providerRef(p) }],
    providers: [p],
  };
}

export function startLogging(ctx: AwsPlanContext, v: TrailView, findingId: string): void {
  ctx.add(
    {
      key: `aws.trail.start-logging|${v.arn}`,
      remediationId: "aws.trail.start-logging",
      phase: 60,
      cloud: "aws",
      title: `Start logging on trail ${v.trail.name} (${v.ownerAccountId}, ${v.trail.homeRegion})`,
      check: { command: describeStatus(v), expect: { kind: "eq", value: "True" } },
      run: [aws(v.ownerAccountId, ["cloudtrail", "start-logging", "--name", v.arn, "--region", v.trail.homeRegion])],
      findingIds: [],
      tf: trailTf(ctx, v, { enable_logging: true }),
    },
    findingId,
  );
}

function describeStatus(v: TrailView): Command {
  return aws(v.ownerAccountId, [
    "cloudtrail",
    "get-trail-status",
    "--name",
    v.arn,
    "--region",
    v.trail.homeRegion,
    "--query",
    "IsLogging",
    "--output",
    "text",
  ]);
}

/** JMESPath: how many selectors log every management event (read and write, no excluded source). */
const ALL_MGMT_QUERY =
  "sum([length((EventSelectors || `[]`)[?IncludeManagementEvents != `false` && ReadWriteType != 'ReadOnly' && ReadWriteType != 'WriteOnly' && length(ExcludeManagementEventSources || `[]`) == `0`]), " +
  "length((AdvancedEventSelectors || `[]`)[?length(FieldSelectors[?Field == 'eventCategory' && contains(Equals || `[]`, 'Management')]) > `0` && length(FieldSelectors[?Field == 'readOnly' || Field == 'eventSource']) == `0`])])";

/** New selectors: all management events, keeping the trail's data-event selectors. */
export function allManagementSelectors(v: TrailView): { flag: string; json: unknown } | undefined {
  const sel = v.selectors;
  if (sel.kind === "basic") {
    const data = sel.eventSelectors
      .filter((s) => (s.DataResources ?? []).length > 0)
      .map((s) => ({
        ReadWriteType: s.ReadWriteType ?? "All",
        IncludeManagementEvents: false,
        DataResources: s.DataResources,
      }));
    return {
      flag: "--event-selectors",
      json: [
        { ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
        ...data,
      ].slice(0, 5),
    };
  }
  if (sel.kind === "advanced") {
    const isMgmt = (s: (typeof sel.advancedEventSelectors)[number]) =>
      s.FieldSelectors.some((f) => f.Field === "eventCategory" && (f.Equals ?? []).includes("Management"));
    const keep = sel.advancedEventSelectors.filter((s) => !isMgmt(s));
    return {
      flag: "--advanced-event-selectors",
      json: [
        { Name: "Management events", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
        ...keep,
      ],
    };
  }
  return undefined;
}

export function selectors(ctx: AwsPlanContext, v: TrailView, findingId: string): Outcome {
  const next = allManagementSelectors(v);
  if (!next) return skip(`the selectors of trail ${v.trail.name} could not be read (${v.selectors.kind})`);
  const tfSel = tfSelectors(next.flag, next.json);
  ctx.add(
    {
      key: `aws.trail.event-selectors|${v.arn}`,
      remediationId: "aws.trail.event-selectors",
      phase: 50,
      cloud: "aws",
      title: `Log all read and write management events on trail ${v.trail.name} (data-event selectors kept)`,
      check: {
        command: aws(v.ownerAccountId, [
          "cloudtrail",
          "get-event-selectors",
          "--trail-name",
          v.arn,
          "--region",
          v.trail.homeRegion,
          "--query",
          ALL_MGMT_QUERY,
          "--output",
          "text",
        ]),
        expect: { kind: "ge", value: 1 },
      },
      run: [
        aws(v.ownerAccountId, [
          "cloudtrail",
          "put-event-selectors",
          "--trail-name",
          v.arn,
          next.flag,
          JSON.stringify(next.json),
          "--region",
          v.trail.homeRegion,
        ]),
      ],
      findingIds: [],
      tf: trailTf(ctx, v, tfSel),
    },
    findingId,
  );
  return OK;
}

function updateTrailFlag(
  ctx: AwsPlanContext,
  v: TrailView,
  findingId: string,
  o: {
    id: string;
    phase: number;
    title: string;
    query: string;
    expect: string;
    flags: string[];
    tf: Record<string, unknown>;
  },
): void {
  ctx.add(
    {
      key: `${o.id}|${v.arn}`,
      remediationId: o.id,
      phase: o.phase,
      cloud: "aws",
      title: o.title,
      check: { command: describeTrail(v, o.query), expect: { kind: "eq", value: o.expect } },
      run: [
        aws(v.ownerAccountId, [
          "cloudtrail",
          "update-trail",
          "--name",
          v.arn,
          ...o.flags,
          "--region",
          v.trail.homeRegion,
        ]),
      ],
      findingIds: [],
      tf: trailTf(ctx, v, o.tf),
    },
    findingId,
  );
}

export function multiRegion(ctx: AwsPlanContext, v: TrailView, findingId: string): void {
  updateTrailFlag(ctx, v, findingId, {
    id: "aws.trail.multi-region",
    phase: 40,
    title: `Make trail ${v.trail.name} multi-region (with global service events)`,
    query: "[IsMultiRegionTrail,IncludeGlobalServiceEvents]",
    expect: "True\tTrue",
    flags: ["--is-multi-region-trail", "--include-global-service-events"],
    tf: { is_multi_region_trail: true, include_global_service_events: true },
  });
}

function globalEvents(ctx: AwsPlanContext, v: TrailView, findingId: string): void {
  updateTrailFlag(ctx, v, findingId, {
    id: "aws.trail.global-events",
    phase: 41,
    title: `Include global service events (IAM, STS, sign-in) in trail ${v.trail.name}`,
    query: "IncludeGlobalServiceEvents",
    expect: "True",
    flags: ["--include-global-service-events"],
    tf: { include_global_service_events: true },
  });
}

function validation(ctx: AwsPlanContext, v: TrailView, findingId: string): void {
  updateTrailFlag(ctx, v, findingId, {
    id: "aws.trail.log-file-validation",
    phase: 42,
    title: `Enable log file validation on trail ${v.trail.name}`,
    query: "LogFileValidationEnabled",
    expect: "True",
    flags: ["--enable-log-file-validation"],
    tf: { enable_log_file_validation: true },
  });
}

/** Characters a log group / role name may carry: anything else in a trail name becomes `-`. */
export function safeName(s: string, allowed: RegExp, max: number): string {
  return [...s]
    .map((c) => (allowed.test(c) ? c : "-"))
    .join("")
    .slice(0, max);
}

/**
 * The log group the CloudWatch feed fix gives a trail: its configured group (recreated under its name when it no
 * longer exists), else `aws-cloudtrail-logs-<account>-<trail>` in the trail's home region.
 */
export function feedGroup(v: TrailView): { name: string; region: string; account: string } {
  const t = v.trail;
  const existing = t.cloudWatchLogsLogGroupArn ? logGroupArnParts(t.cloudWatchLogsLogGroupArn) : undefined;
  return {
    name: existing?.name ?? `aws-cloudtrail-logs-${v.ownerAccountId}-${safeName(t.name, /[A-Za-z0-9._/#-]/, 200)}`,
    region: existing?.region ?? t.homeRegion,
    account: existing?.account ?? v.ownerAccountId,
  };
}

export function cloudWatchFeed(ctx: AwsPlanContext, v: TrailView, findingId: string): Outcome {
  const t = v.trail;
  const acct = v.ownerAccountId;
  const region = t.homeRegion;
  // A configured group that no longer exists is recreated under its name; otherwise a new group is named after the trail.
  const fg = feedGroup(v);
  const group = fg.name;
  const groupRegion = fg.region;
  const groupAcct = fg.account;
  if (groupAcct !== acct) return skip(`trail ${t.name} sends to a log group in another account (${groupAcct})`);
  const roleName = safeName(`CloudTrailRoleForCloudWatchLogs_${t.name}`, /[A-Za-z0-9+=,.@_-]/, 64);
  const roleArn = `arn:aws:iam::${acct}:role/${roleName}`;
  const groupArn = `arn:aws:logs:${groupRegion}:${acct}:log-group:${group}`;
  const p = awsProvider(ctx.snapshot, acct, groupRegion);
  const gName = tfIdent("log_group", groupArn);
  const rName = tfIdent("cloudtrail_cw_role", roleArn);
  const retention = logRetentionFor(ctx.threshold);
  ctx.add(
    {
      key: `aws.logs.create-log-group|${groupArn}`,
      remediationId: "aws.logs.create-log-group",
      phase: 20,
      cloud: "aws",
      title: `Create CloudWatch Logs group ${group} (${acct}, ${groupRegion}) with ${retention}-day retention`,
      check: { command: logGroupQuery(acct, groupRegion, group, "length(@)"), expect: { kind: "ge", value: 1 } },
      run: [
        aws(acct, ["logs", "create-log-group", "--log-group-name", group, "--region", groupRegion]),
        aws(acct, [
          "logs",
          "put-retention-policy",
          "--log-group-name",
          group,
          "--retention-in-days",
          String(retention),
          "--region",
          groupRegion,
        ]),
      ],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "aws_cloudwatch_log_group",
            name: gName,
            body: { name: group, retention_in_days: retention },
            provider: providerRef(p),
          },
        ],
        providers: [p],
      },
    },
    findingId,
  );
  const trust = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceArn": v.arn } },
      },
    ],
  };
  const policy = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${groupArn}:log-stream:*`,
      },
    ],
  };
  const iamP = awsProvider(ctx.snapshot, acct, "us-east-1");
  ctx.add(
    {
      key: `aws.iam.cloudtrail-cw-role|${roleArn}`,
      remediationId: "aws.iam.cloudtrail-cw-role",
      phase: 21,
      cloud: "aws",
      title: `Create IAM role ${roleName} that CloudTrail assumes to write to ${group}`,
      check: {
        command: aws(acct, ["iam", "get-role", "--role-name", roleName, "--query", "Role.Arn", "--output", "text"]),
        expect: { kind: "ok" },
      },
      run: [
        aws(acct, [
          "iam",
          "create-role",
          "--role-name",
          roleName,
          "--assume-role-policy-document",
          JSON.stringify(trust),
        ]),
        aws(acct, [
          "iam",
          "put-role-policy",
          "--role-name",
          roleName,
          "--policy-name",
          "cloudtrail-to-cloudwatch-logs",
          "--policy-document",
          JSON.stringify(policy),
        ]),
      ],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "aws_iam_role",
            name: rName,
            body: { name: roleName, assume_role_policy: JSON.stringify(trust) },
            provider: providerRef(iamP),
          },
          {
            type: "aws_iam_role_policy",
            name: rName,
            body: {
              name: "cloudtrail-to-cloudwatch-logs",
              role: { $tf: `\${aws_iam_role.${rName}.id}` },
              policy: JSON.stringify(policy),
            },
            provider: providerRef(iamP),
          },
        ],
        providers: [iamP],
      },
    },
    findingId,
  );
  ctx.add(
    {
      key: `aws.trail.cloudwatch-logs|${v.arn}`,
      remediationId: "aws.trail.cloudwatch-logs",
      phase: 43,
      cloud: "aws",
      title: `Send trail ${t.name} to CloudWatch Logs group ${group}`,
      check: { command: describeTrail(v, "CloudWatchLogsLogGroupArn"), expect: { kind: "eq", value: `${groupArn}:*` } },
      run: [
        aws(acct, [
          "cloudtrail",
          "update-trail",
          "--name",
          v.arn,
          "--cloud-watch-logs-log-group-arn",
          `${groupArn}:*`,
          "--cloud-watch-logs-role-arn",
          roleArn,
          "--region",
          region,
        ]),
      ],
      findingIds: [],
      tf: trailTf(ctx, v, {
        cloud_watch_logs_group_arn: { $tf: `\${aws_cloudwatch_log_group.${gName}.arn}:*` },
        cloud_watch_logs_role_arn: { $tf: `\${aws_iam_role.${rName}.arn}` },
      }),
    },
    findingId,
  );
  return OK;
}

function logGroupQuery(account: string, region: string, group: string, tail: string): Command {
  return aws(account, [
    "logs",
    "describe-log-groups",
    "--log-group-name-prefix",
    group,
    "--region",
    region,
    "--query",
    `logGroups[?logGroupName == ${jmesString(group)}] | ${tail}`,
    "--output",
    "text",
  ]);
}

/** Key policy for a trail key: account admin, CloudTrail encrypts for this account's trails, account principals decrypt. */
export function cloudTrailKeyPolicy(account: string, trailArn: string): unknown {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EnableAccountAdministration",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AllowCloudTrailToEncryptLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*` },
        },
      },
      {
        Sid: "AllowCloudTrailToDescribeKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
      },
      {
        Sid: "AllowAccountPrincipalsToDecryptLogs",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": account },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*` },
        },
      },
    ],
  };
}

function kmsEncrypt(ctx: AwsPlanContext, v: TrailView, findingId: string): Outcome {
  const t = v.trail;
  const acct = v.ownerAccountId;
  const region = t.homeRegion;
  const alias = `alias/${safeName(`blindspot-cloudtrail-${t.name}`, /[A-Za-z0-9/_-]/, 200)}`;
  const p = awsProvider(ctx.snapshot, acct, region);
  const kName = tfIdent("trail_key", v.arn);
  const policy = cloudTrailKeyPolicy(acct, v.arn);
  const keyVar = `key_arn_${tfIdent("k", v.arn).slice(2)}`;
  ctx.add(
    {
      key: `aws.kms.create-trail-key|${v.arn}`,
      remediationId: "aws.kms.create-trail-key",
      phase: 25,
      cloud: "aws",
      title: `Create KMS key ${alias} (${acct}, ${region}) with a key policy for CloudTrail, rotation on`,
      check: {
        command: aws(acct, [
          "kms",
          "describe-key",
          "--key-id",
          alias,
          "--region",
          region,
          "--query",
          "KeyMetadata.Arn",
          "--output",
          "text",
        ]),
        expect: { kind: "ok" },
      },
      run: [
        aws(
          acct,
          [
            "kms",
            "create-key",
            "--description",
            `CloudTrail logs of ${t.name}`,
            "--policy",
            JSON.stringify(policy),
            "--region",
            region,
            "--query",
            "KeyMetadata.Arn",
            "--output",
            "text",
          ],
          keyVar,
        ),
        aws(acct, [
          "kms",
          "create-alias",
          "--alias-name",
          alias,
          "--target-key-id",
          { var: keyVar },
          "--region",
          region,
        ]),
        aws(acct, ["kms", "enable-key-rotation", "--key-id", { var: keyVar }, "--region", region]),
      ],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "aws_kms_key",
            name: kName,
            body: {
              description: `CloudTrail logs of ${t.name}`,
              enable_key_rotation: true,
              policy: JSON.stringify(policy),
            },
            provider: providerRef(p),
          },
          {
            type: "aws_kms_alias",
            name: kName,
            body: { name: alias, target_key_id: { $tf: `\${aws_kms_key.${kName}.key_id}` } },
            provider: providerRef(p),
          },
        ],
        providers: [p],
      },
    },
    findingId,
  );
  ctx.add(
    {
      key: `aws.trail.kms|${v.arn}`,
      remediationId: "aws.trail.kms",
      phase: 44,
      cloud: "aws",
      title: `Encrypt trail ${t.name} with KMS key ${alias}`,
      check: { command: describeTrail(v, "KmsKeyId"), expect: { kind: "set" } },
      run: [aws(acct, ["cloudtrail", "update-trail", "--name", v.arn, "--kms-key-id", alias, "--region", region])],
      findingIds: [],
      tf: trailTf(ctx, v, { kms_key_id: { $tf: `\${aws_kms_key.${kName}.arn}` } }),
    },
    findingId,
  );
  return OK;
}

function keyRotation(ctx: AwsPlanContext, f: Finding): Outcome {
  const keyArn = f.resource;
  const m = /^arn:[^:]+:kms:([^:]+):(\d{12}):key\/(.+)$/s.exec(keyArn);
  if (!m) return skip(`key ${keyArn} is not a key ARN`);
  const [, region, acct] = m as unknown as [string, string, string];
  const p = awsProvider(ctx.snapshot, acct, region);
  const name = tfIdent("key", keyArn);
  ctx.add(
    {
      key: `aws.kms.enable-rotation|${keyArn}`,
      remediationId: "aws.kms.enable-rotation",
      phase: 70,
      cloud: "aws",
      title: `Enable automatic rotation of KMS key ${keyArn}`,
      check: {
        command: aws(acct, [
          "kms",
          "get-key-rotation-status",
          "--key-id",
          keyArn,
          "--region",
          region,
          "--query",
          "KeyRotationEnabled",
          "--output",
          "text",
        ]),
        expect: { kind: "eq", value: "True" },
      },
      run: [aws(acct, ["kms", "enable-key-rotation", "--key-id", keyArn, "--region", region])],
      findingIds: [],
      tf: {
        resources: [{ type: "aws_kms_key", name, body: { enable_key_rotation: true }, provider: providerRef(p) }],
        imports: [{ to: `aws_kms_key.${name}`, id: keyArn.split("/").pop() ?? keyArn, provider: providerRef(p) }],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

type BucketFact = NonNullable<ReturnType<ReturnType<typeof awsFacts>["bucket"]>>;

function bucketFor(ctx: AwsPlanContext, f: Finding): BucketFact | Outcome {
  const b = awsFacts(ctx.snapshot, new Date(ctx.snapshot.finishedAt)).bucket(f.resource);
  if (!b) return skip(`bucket ${f.resource} was not read`);
  return b;
}

function s3(acct: string, args: Arg[]): Command {
  return aws(acct, ["s3api", ...args]);
}

function bucketTf(
  ctx: AwsPlanContext,
  b: BucketFact,
  type: string,
  prefix: string,
  body: Record<string, unknown>,
): TfFragment {
  const p = awsProvider(ctx.snapshot, b.readFromAccountId, b.region ?? "us-east-1");
  const name = tfIdent(prefix, b.name);
  return {
    resources: [{ type, name, body: { bucket: b.name, ...body }, provider: providerRef(p) }],
    imports: [{ to: `${type}.${name}`, id: b.name, provider: providerRef(p) }],
    providers: [p],
  };
}

function objectLock(ctx: AwsPlanContext, f: Finding): Outcome {
  const b = bucketFor(ctx, f);
  if ("ok" in b) return b;
  const acct = b.readFromAccountId;
  const days = ctx.threshold;
  if ((b.versioning.state === "ok" && b.versioning.value.status !== "Enabled") || b.versioning.state === "error") {
    ctx.add(
      {
        key: `aws.s3.versioning|${b.name}`,
        remediationId: "aws.s3.versioning",
        phase: 71,
        cloud: "aws",
        title: `Enable versioning on bucket ${b.name} (Object Lock needs it)`,
        check: {
          command: s3(acct, ["get-bucket-versioning", "--bucket", b.name, "--query", "Status", "--output", "text"]),
          expect: { kind: "eq", value: "Enabled" },
        },
        run: [s3(acct, ["put-bucket-versioning", "--bucket", b.name, "--versioning-configuration", "Status=Enabled"])],
        findingIds: [],
        tf: bucketTf(ctx, b, "aws_s3_bucket_versioning", "versioning", {
          versioning_configuration: { status: "Enabled" },
        }),
      },
      f.id,
    );
  }
  const conf = { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: days } } };
  ctx.add(
    {
      key: `aws.s3.object-lock|${b.name}`,
      remediationId: "aws.s3.object-lock",
      phase: 72,
      cloud: "aws",
      title: `Enable Object Lock on bucket ${b.name}: default retention GOVERNANCE ${days} days`,
      check: {
        command: s3(acct, [
          "get-object-lock-configuration",
          "--bucket",
          b.name,
          "--query",
          "ObjectLockConfiguration.Rule.DefaultRetention.Mode",
          "--output",
          "text",
        ]),
        expect: { kind: "set" },
      },
      run: [
        s3(acct, [
          "put-object-lock-configuration",
          "--bucket",
          b.name,
          "--object-lock-configuration",
          JSON.stringify(conf),
        ]),
      ],
      findingIds: [],
      tf: bucketTf(ctx, b, "aws_s3_bucket_object_lock_configuration", "object_lock", {
        rule: { default_retention: { mode: "GOVERNANCE", days } },
      }),
    },
    f.id,
  );
  return OK;
}

interface LifecycleRuleJson {
  ID?: string;
  Status: string;
  Filter: { Prefix: string };
  Transitions?: { Days?: number; StorageClass?: string }[];
  Expiration?: { Days: number } | { Date: string };
  NoncurrentVersionExpiration?: { NoncurrentDays: number };
}

function lifecycle(ctx: AwsPlanContext, f: Finding): Outcome {
  const b = bucketFor(ctx, f);
  if ("ok" in b) return b;
  if (b.lifecycle.state !== "ok") return skip(`the lifecycle of bucket ${b.name} could not be read`);
  const rules = b.lifecycle.value;
  if (rules.some((r) => r.tagFilter)) {
    return skip(
      `bucket ${b.name} has tag-filtered lifecycle rules blindspot cannot rewrite faithfully; raise the expiration by hand`,
    );
  }
  const T = ctx.threshold;
  const next: LifecycleRuleJson[] = rules.map((r) => {
    const early =
      r.status === "Enabled" &&
      ((r.expirationDays !== undefined && r.expirationDays < T) || r.expirationDate !== undefined);
    const days = early ? T : r.expirationDays;
    const rule: LifecycleRuleJson = { Status: r.status, Filter: { Prefix: r.prefix ?? "" } };
    if (r.id) rule.ID = r.id;
    if (r.transitions?.length)
      rule.Transitions = r.transitions.map((t) => ({ Days: t.days, StorageClass: t.storageClass }));
    if (days !== undefined) rule.Expiration = { Days: days };
    else if (r.expirationDate) rule.Expiration = { Date: r.expirationDate };
    if (r.noncurrentExpirationDays !== undefined) {
      rule.NoncurrentVersionExpiration = { NoncurrentDays: r.noncurrentExpirationDays };
    }
    return rule;
  });
  const acct = b.readFromAccountId;
  ctx.add(
    {
      key: `aws.s3.lifecycle|${b.name}`,
      remediationId: "aws.s3.lifecycle",
      phase: 74,
      cloud: "aws",
      title: `Raise lifecycle expirations of bucket ${b.name} to at least ${T} days (the configuration is rewritten from the scan)`,
      check: {
        command: s3(acct, [
          "get-bucket-lifecycle-configuration",
          "--bucket",
          b.name,
          "--query",
          `length(Rules[?Status == 'Enabled' && (Expiration.Date != null || Expiration.Days < \`${T}\`)])`,
          "--output",
          "text",
        ]),
        expect: { kind: "eq", value: "0" },
      },
      run: [
        s3(acct, [
          "put-bucket-lifecycle-configuration",
          "--bucket",
          b.name,
          "--lifecycle-configuration",
          JSON.stringify({ Rules: next }),
        ]),
      ],
      findingIds: [],
      tf: bucketTf(ctx, b, "aws_s3_bucket_lifecycle_configuration", "lifecycle", {
        rule: next.map((r) => ({
          id: r.ID ?? "rule",
          status: r.Status,
          filter: { prefix: r.Filter.Prefix },
          ...(r.Transitions
            ? { transition: r.Transitions.map((t) => ({ days: t.Days, storage_class: t.StorageClass })) }
            : {}),
          ...(r.Expiration && "Days" in r.Expiration ? { expiration: { days: r.Expiration.Days } } : {}),
          ...(r.NoncurrentVersionExpiration
            ? { noncurrent_version_expiration: { noncurrent_days: r.NoncurrentVersionExpiration.NoncurrentDays } }
            : {}),
        })),
      }),
    },
    f.id,
  );
  return OK;
}

const PAB_QUERY =
  "PublicAccessBlockConfiguration.[BlockPublicAcls,IgnorePublicAcls,BlockPublicPolicy,RestrictPublicBuckets]";
const PAB_ALL = "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true";
const PAB_TF = {
  block_public_acls: true,
  ignore_public_acls: true,
  block_public_policy: true,
  restrict_public_buckets: true,
};

function publicAccess(ctx: AwsPlanContext, f: Finding): Outcome {
  const b = bucketFor(ctx, f);
  if ("ok" in b) return b;
  const acct = b.readFromAccountId;
  ctx.add(
    {
      key: `aws.s3.public-access-block|${b.name}`,
      remediationId: "aws.s3.public-access-block",
      phase: 73,
      cloud: "aws",
      title: `Turn on all four S3 public access block settings of bucket ${b.name}`,
      check: {
        command: s3(acct, ["get-public-access-block", "--bucket", b.name, "--query", PAB_QUERY, "--output", "text"]),
        expect: { kind: "eq", value: "True\tTrue\tTrue\tTrue" },
      },
      run: [s3(acct, ["put-public-access-block", "--bucket", b.name, "--public-access-block-configuration", PAB_ALL])],
      findingIds: [],
      tf: bucketTf(ctx, b, "aws_s3_bucket_public_access_block", "pab", PAB_TF),
    },
    f.id,
  );
  return OK;
}

function logRetention(ctx: AwsPlanContext, f: Finding): Outcome {
  if (f.scope.cloud !== "aws" || !f.scope.region) return skip("the finding has no account and region");
  const acct = f.scope.accountId;
  const region = f.scope.region;
  const group = f.resource;
  const days = logRetentionFor(ctx.threshold);
  const p = awsProvider(ctx.snapshot, acct, region);
  const name = tfIdent("log_group", `${acct}/${region}/${group}`);
  ctx.add(
    {
      key: `aws.logs.retention|${acct}|${region}|${group}`,
      remediationId: "aws.logs.retention",
      phase: 90,
      cloud: "aws",
      title: `Keep log group ${group} (${acct}, ${region}) for ${days} days`,
      check: {
        command: logGroupQuery(acct, region, group, "[0].retentionInDays"),
        expect: { kind: "ge-or-none", value: ctx.threshold },
      },
      run: [
        aws(acct, [
          "logs",
          "put-retention-policy",
          "--log-group-name",
          group,
          "--retention-in-days",
          String(days),
          "--region",
          region,
        ]),
      ],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "aws_cloudwatch_log_group",
            name,
            body: { name: group, retention_in_days: days },
            provider: providerRef(p),
          },
        ],
        imports: [{ to: `aws_cloudwatch_log_group.${name}`, id: group, provider: providerRef(p) }],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

/** A new multi-region trail (bucket, public access block, bucket policy, trail, start logging) for an account. */
function newTrail(ctx: AwsPlanContext, acct: string, findingId: string): Outcome {
  const account = ctx.snapshot.aws?.accounts.find((a) => a.accountId === acct);
  const enabled = (r: string) => account?.regions.some((x) => x.name === r && x.optInStatus !== "not-opted-in");
  const home = enabled("us-east-1")
    ? "us-east-1"
    : (account?.regions.find((r) => r.optInStatus !== "not-opted-in")?.name ?? "us-east-1");
  const trailName = "blindspot-audit-trail";
  const trailArn = `arn:aws:cloudtrail:${home}:${acct}:trail/${trailName}`;
  const bucketVar = `TRAIL_BUCKET_${acct}`;
  ctx.setting({
    name: bucketVar,
    description: `S3 bucket for the new trail of account ${acct} (created if missing)`,
    default: `blindspot-cloudtrail-${acct}-${home}`,
    pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
  });
  const bucket: Arg = { var: bucketVar };
  const policyTemplate = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AWSCloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: `arn:aws:s3:::@@${bucketVar}@@`,
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      },
      {
        Sid: "AWSCloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::@@${bucketVar}@@/AWSLogs/${acct}/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
      },
    ],
  });
  const p = awsProvider(ctx.snapshot, acct, home);
  const bName = tfIdent("trail_bucket", acct);
  const tName = tfIdent("trail", trailArn);
  const tfVar = `trail_bucket_${acct}`;
  const tfPolicy = { $tf: tfString(policyTemplate).replaceAll(`@@${bucketVar}@@`, `\${var.${tfVar}}`) };
  ctx.add(
    {
      key: `aws.s3.trail-bucket|${acct}`,
      remediationId: "aws.s3.trail-bucket",
      phase: 10,
      cloud: "aws",
      title: `Create S3 bucket $${bucketVar} (${acct}, ${home}) for the new trail, all public access blocked`,
      check: { command: aws(acct, ["s3api", "head-bucket", "--bucket", bucket]), expect: { kind: "ok" } },
      run: [
        aws(acct, [
          "s3api",
          "create-bucket",
          "--bucket",
          bucket,
          "--region",
          home,
          ...(home === "us-east-1" ? [] : ["--create-bucket-configuration", `LocationConstraint=${home}`]),
        ]),
        aws(acct, [
          "s3api",
          "put-public-access-block",
          "--bucket",
          bucket,
          "--public-access-block-configuration",
          PAB_ALL,
        ]),
      ],
      findingIds: [],
      tf: {
        variables: [
          {
            name: tfVar,
            description: `S3 bucket for the new trail of account ${acct}`,
            default: `blindspot-cloudtrail-${acct}-${home}`,
          },
        ],
        resources: [
          {
            type: "aws_s3_bucket",
            name: bName,
            body: { bucket: { $tf: `\${var.${tfVar}}` } },
            provider: providerRef(p),
          },
          {
            type: "aws_s3_bucket_public_access_block",
            name: bName,
            body: { bucket: { $tf: `\${aws_s3_bucket.${bName}.id}` }, ...PAB_TF },
            provider: providerRef(p),
          },
        ],
        providers: [p],
      },
    },
    findingId,
  );
  ctx.add(
    {
      key: `aws.s3.trail-bucket-policy|${acct}`,
      remediationId: "aws.s3.trail-bucket-policy",
      phase: 12,
      cloud: "aws",
      title: `Bucket policy on $${bucketVar} that lets CloudTrail (only the new trail) write its logs`,
      check: {
        command: aws(acct, ["s3api", "get-bucket-policy", "--bucket", bucket, "--query", "Policy", "--output", "text"]),
        expect: { kind: "set" },
      },
      run: [aws(acct, ["s3api", "put-bucket-policy", "--bucket", bucket, "--policy", { template: policyTemplate }])],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "aws_s3_bucket_policy",
            name: bName,
            body: { bucket: { $tf: `\${aws_s3_bucket.${bName}.id}` }, policy: tfPolicy },
            provider: providerRef(p),
          },
        ],
        providers: [p],
      },
    },
    findingId,
  );
  ctx.add(
    {
      key: `aws.trail.create|${trailArn}`,
      remediationId: "aws.trail.create",
      phase: 30,
      cloud: "aws",
      title: `Create multi-region trail ${trailName} in ${acct} (${home}): all management events, global events, log file validation`,
      check: {
        command: aws(acct, [
          "cloudtrail",
          "get-trail",
          "--name",
          trailArn,
          "--region",
          home,
          "--query",
          "Trail.TrailARN",
          "--output",
          "text",
        ]),
        expect: { kind: "ok" },
      },
      run: [
        aws(acct, [
          "cloudtrail",
          "create-trail",
          "--name",
          trailName,
          "--s3-bucket-name",
          bucket,
          "--is-multi-region-trail",
          "--include-global-service-events",
          "--enable-log-file-validation",
          "--region",
          home,
        ]),
      ],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "aws_cloudtrail",
            name: tName,
            body: {
              name: trailName,
              s3_bucket_name: { $tf: `\${aws_s3_bucket.${bName}.id}` },
              is_multi_region_trail: true,
              include_global_service_events: true,
              enable_log_file_validation: true,
              enable_logging: true,
              depends_on: [`aws_s3_bucket_policy.${bName}`],
            },
            provider: providerRef(p),
          },
        ],
        providers: [p],
      },
    },
    findingId,
  );
  ctx.add(
    {
      key: `aws.trail.start-logging|${trailArn}`,
      remediationId: "aws.trail.start-logging",
      phase: 60,
      cloud: "aws",
      title: `Start logging on trail ${trailName} (${acct}, ${home})`,
      check: {
        command: aws(acct, [
          "cloudtrail",
          "get-trail-status",
          "--name",
          trailArn,
          "--region",
          home,
          "--query",
          "IsLogging",
          "--output",
          "text",
        ]),
        expect: { kind: "eq", value: "True" },
      },
      run: [aws(acct, ["cloudtrail", "start-logging", "--name", trailArn, "--region", home])],
      findingIds: [],
    },
    findingId,
  );
  return OK;
}

/** The account's own trail to extend: multi-region first, then logging, then name. */
function ownTrail(
  ctx: AwsPlanContext,
  acct: string,
  filter: (v: TrailView) => boolean = () => true,
): TrailView | undefined {
  const facts = awsFacts(ctx.snapshot, new Date(ctx.snapshot.finishedAt));
  return [...facts.trails.values()]
    .filter((v) => v.ownerAccountId === acct && filter(v))
    .sort(
      (a, b) =>
        Number(b.trail.isMultiRegion) - Number(a.trail.isMultiRegion) ||
        Number(b.status.state === "ok" && b.status.value.isLogging) -
          Number(a.status.state === "ok" && a.status.value.isLogging) ||
        a.arn.localeCompare(b.arn),
    )[0];
}

/** Make a trail capture a region: multi-region when needed, all management events, logging. */
function extendTrail(ctx: AwsPlanContext, v: TrailView, region: string, findingId: string, global: boolean): Outcome {
  if (!v.trail.isMultiRegion && v.trail.homeRegion !== region) multiRegion(ctx, v, findingId);
  else if (global && !v.trail.includeGlobalServiceEvents) globalEvents(ctx, v, findingId);
  if (v.mgmt.level !== "all") {
    const r = selectors(ctx, v, findingId);
    if (!r.ok) return r;
  }
  if (v.status.state !== "ok" || !v.status.value.isLogging) startLogging(ctx, v, findingId);
  return OK;
}

/** Plans one failing AWS finding. */
export function planAws(ctx: AwsPlanContext, f: Finding): Outcome {
  const facts = awsFacts(ctx.snapshot, new Date(ctx.snapshot.finishedAt));
  const trail = () => facts.trails.get(f.resource);
  const withTrail = (fn: (v: TrailView) => Outcome | undefined): Outcome => {
    const v = trail();
    if (!v) return skip(`trail ${f.resource} is not in the snapshot`);
    if (!facts.accounts.has(v.ownerAccountId))
      return skip(`the trail's owner account ${v.ownerAccountId} was not scanned`);
    return fn(v) ?? OK;
  };
  switch (f.checkId) {
    case "aws.trail.not-logging":
      return withTrail((v) => {
        startLogging(ctx, v, f.id);
        return OK;
      });
    case "aws.trail.mgmt-events-partial":
      return withTrail((v) => selectors(ctx, v, f.id));
    case "aws.trail.validation-disabled":
      return withTrail((v) => {
        validation(ctx, v, f.id);
        return OK;
      });
    case "aws.trail.siem-feed-missing":
      return withTrail((v) => cloudWatchFeed(ctx, v, f.id));
    case "aws.trail.kms-disabled":
      return withTrail((v) => kmsEncrypt(ctx, v, f.id));
    case "aws.kms.rotation-disabled":
      return keyRotation(ctx, f);
    case "aws.bucket.not-worm":
      return objectLock(ctx, f);
    case "aws.bucket.expires-early":
      return lifecycle(ctx, f);
    case "aws.bucket.public":
      return publicAccess(ctx, f);
    case "aws.logs.retention-short":
      return logRetention(ctx, f);
    case "aws.trail.region-uncovered":
    case "aws.trail.global-events-missing": {
      if (f.scope.cloud !== "aws" || !f.scope.region) return skip("the finding has no account and region");
      const global = f.checkId === "aws.trail.global-events-missing";
      const region = f.scope.region;
      const own = global
        ? (ownTrail(ctx, f.scope.accountId, (v) => v.trail.isMultiRegion || v.trail.homeRegion === "us-east-1") ??
          ownTrail(ctx, f.scope.accountId))
        : ownTrail(ctx, f.scope.accountId);
      if (own) return extendTrail(ctx, own, region, f.id, global);
      return newTrail(ctx, f.scope.accountId, f.id);
    }
    default:
      return skip("no configuration fix");
  }
}

export type { Outcome, TfResource };

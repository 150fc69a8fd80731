import { makeFinding } from "../../analyzers/context.js";
import type { Analysis } from "../../analyzers/index.js";
import { compareFindings } from "../../analyzers/index.js";
import type { CoverageCell } from "../../src/model/coverage.js";
import type { Finding } from "../../src/model/finding.js";
import { type Snapshot, type SnapshotInput, SnapshotSchema } from "../../src/model/snapshot.js";

export const AT = "2026-11-20T10:00:00.000Z";
export const MGMT = "111111111111";
export const PAY = "222222222222";
export const SUB_PROD = "0b1f6471-1bf0-4dda-aec3-111111111111";
export const SUB_RESEARCH = "0b1f6471-1bf0-4dda-aec3-333333333333";
export const TENANT = "72f988bf-0000-4000-8000-000000000001";

/** Attacker-controlled text as it could come back from a cloud API (names, tags, actors). */
export const EVIL = `<script>alert("x")</script> ' " =cmd|' /C calc'!A0 \n,next`;
export const LONG = `trail-${"x".repeat(300)}`;

/** A snapshot exercising every report section: samples with missing events, tamper, gaps, unknowns, unicode. */
export function reportSnapshotInput(): SnapshotInput {
  const win = { start: "2026-11-13T10:00:00.000Z", end: AT };
  return {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: "2026-11-20T09:58:00.000Z",
    finishedAt: AT,
    complete: true,
    options: { clouds: ["aws", "azure"], retentionDays: 90, sampleDays: 7, sample: true, sampleMax: 200, org: true },
    aws: {
      accounts: [
        {
          accountId: MGMT,
          name: "management — Zürich 日本",
          isManagement: true,
          access: { state: "ok", via: "ambient" },
          regions: [
            { name: "us-east-1", optInStatus: "opt-in-not-required", scanned: true },
            { name: "eu-west-1", optInStatus: "opt-in-not-required", scanned: true },
            { name: "af-south-1", optInStatus: "not-opted-in", scanned: false },
          ],
          samples: [
            {
              region: "eu-west-1",
              eventClass: "privileged",
              window: win,
              source: { service: "cloudtrail", operation: "LookupEvents" },
              destination: { kind: "cloudwatch-logs", id: "arn:aws:logs:eu-west-1:111111111111:log-group:ct" },
              state: "ok",
              sampled: 10,
              found: 8,
              missing: [
                {
                  eventId: "ev-0002",
                  time: "2026-11-15T12:00:00.000Z",
                  name: "DeleteTrail",
                  actor: EVIL,
                  sourceIp: "203.0.113.7",
                },
                { eventId: "ev-0001", time: "2026-11-14T08:30:00.000Z", name: "PutUserPolicy", actor: "alice" },
              ],
              perDay: [
                { day: "2026-11-14", source: 3, siem: 3 },
                { day: "2026-11-15", source: 4, siem: 0 },
              ],
            },
            {
              region: "us-east-1",
              eventClass: "failed-login",
              window: win,
              source: { service: "cloudtrail", operation: "LookupEvents" },
              destination: { kind: "cloudwatch-logs", id: "arn:aws:logs:us-east-1:111111111111:log-group:ct" },
              state: "ok",
              sampled: 6,
              found: 6,
              missing: [],
            },
            {
              region: "us-east-1",
              eventClass: "root",
              window: win,
              source: { service: "cloudtrail", operation: "LookupEvents" },
              destination: null,
              state: "unknown",
              error: {
                kind: "throttled",
                service: "cloudtrail",
                operation: "LookupEvents",
                code: "ThrottlingException",
                message: "Rate exceeded",
                at: AT,
              },
              sampled: 0,
              found: 0,
              missing: [],
            },
          ],
          tamper: [
            {
              eventId: "t-1",
              time: "2026-11-15T11:00:00.000Z",
              name: "StopLogging",
              actor: "arn:aws:iam::111111111111:user/mallory",
              sourceIp: "198.51.100.9",
              region: "eu-west-1",
              resource: LONG,
              resumedAt: "2026-11-15T14:00:00.000Z",
            },
          ],
        },
        {
          accountId: PAY,
          name: EVIL,
          access: {
            state: "denied",
            error: {
              kind: "denied",
              service: "sts",
              operation: "AssumeRole",
              code: "AccessDenied",
              message: "not authorized to perform sts:AssumeRole",
              at: AT,
            },
          },
          regions: [{ name: "us-east-1", optInStatus: "opt-in-not-required", scanned: false }],
        },
      ],
    },
    azure: {
      tenants: [{ tenantId: TENANT }],
      subscriptions: [
        {
          subscriptionId: SUB_PROD,
          displayName: "prod",
          tenantId: TENANT,
          state: "Enabled",
          access: { state: "ok" },
          diagnosticSettings: { state: "ok", value: [] },
          tamper: [
            {
              eventId: "az-t-1",
              time: "2026-11-16T09:00:00.000Z",
              name: "Microsoft.Insights/diagnosticSettings/delete",
              actor: "bob@example.com",
            },
          ],
        },
        {
          subscriptionId: SUB_RESEARCH,
          displayName: "research",
          tenantId: TENANT,
          state: "Enabled",
          access: {
            state: "denied",
            error: {
              kind: "denied",
              service: "arm",
              operation: "diagnosticSettings.list",
              code: "AuthorizationFailed",
              message: "no authorization",
              at: AT,
            },
          },
        },
      ],
    },
  };
}

export function reportSnapshot(): Snapshot {
  return SnapshotSchema.parse(reportSnapshotInput());
}

const aws = (region?: string) => ({ cloud: "aws" as const, accountId: MGMT, ...(region ? { region } : {}) });

/** Findings of every status and several severities, with evidence. */
export function reportFindings(): Finding[] {
  const list: Finding[] = [
    makeFinding({
      checkId: "aws.trail.region-uncovered",
      status: "fail",
      scope: aws("eu-west-1"),
      title: "Region eu-west-1 has no logging trail",
      evidence: [
        { label: "trails in region", value: [], source: "cloudtrail:DescribeTrails", at: AT },
        { label: "note", value: EVIL },
      ],
      remediationIds: ["aws.trail.create-multi-region"],
    }),
    makeFinding({
      checkId: "aws.siem.blind-spot",
      status: "fail",
      scope: aws("eu-west-1"),
      title: "2 of 10 sampled privileged events missing from the SIEM",
      evidence: [{ label: "missing", value: ["ev-0001", "ev-0002"] }],
    }),
    makeFinding({
      checkId: "aws.trail.validation-disabled",
      status: "fail",
      scope: aws("us-east-1"),
      resource: `arn:aws:cloudtrail:us-east-1:111111111111:trail/${LONG}`,
      title: `Trail ${EVIL} has log file validation off`,
      evidence: [{ label: "LogFileValidationEnabled", value: false }],
    }),
    makeFinding({
      checkId: "aws.kms.rotation-disabled",
      status: "fail",
      scope: aws("us-east-1"),
      resource: "arn:aws:kms:us-east-1:111111111111:key/abc",
      title: '=HYPERLINK("http://evil") key rotation off',
      evidence: [{ label: "rotation", value: { enabled: false } }],
    }),
    makeFinding({
      checkId: "aws.trail.global-events-missing",
      status: "pass",
      scope: aws("us-east-1"),
      title: "Global service events captured by org-trail",
      evidence: [{ label: "trail", value: "org-trail" }],
    }),
    makeFinding({
      checkId: "aws.org.account-unscanned",
      status: "fail",
      scope: { cloud: "aws", accountId: PAY },
      title: `Account ${PAY} could not be entered`,
      evidence: [{ label: "error", value: "AccessDenied: not authorized" }],
    }),
    makeFinding({
      checkId: "aws.logs.retention-short",
      status: "unknown",
      scope: aws("us-east-1"),
      title: "Log group retention could not be read",
      evidence: [{ label: "error", value: "AccessDeniedException" }],
    }),
    {
      ...makeFinding({
        checkId: "aws.bucket.not-worm",
        status: "fail",
        scope: aws("us-east-1"),
        resource: "arn:aws:s3:::acme-org-cloudtrail",
        title: "Trail bucket acme-org-cloudtrail has no Object Lock",
        evidence: [{ label: "ObjectLockConfiguration", value: null }],
      }),
      status: "muted",
      mute: { reason: "migrating to WORM bucket (SEC-42)", expires: "2026-12-31" },
    },
    makeFinding({
      checkId: "azure.activity.export-missing",
      status: "fail",
      scope: { cloud: "azure", subscriptionId: SUB_PROD, tenantId: TENANT },
      title: "Subscription prod exports no Activity Log",
      evidence: [{ label: "diagnostic settings", value: [] }],
    }),
    makeFinding({
      checkId: "azure.tamper.logging-changed",
      status: "fail",
      scope: { cloud: "azure", subscriptionId: SUB_PROD, tenantId: TENANT },
      title: "Diagnostic setting deleted by bob@example.com",
      evidence: [{ label: "event", value: "az-t-1" }],
    }),
    makeFinding({
      checkId: "azure.subscription.unscanned",
      status: "fail",
      scope: { cloud: "azure", subscriptionId: SUB_RESEARCH, tenantId: TENANT },
      title: "Subscription research could not be read",
      evidence: [{ label: "error", value: "AuthorizationFailed" }],
    }),
    makeFinding({
      checkId: "azure.entra.signin-export-missing",
      status: "pass",
      scope: { cloud: "azure", tenantId: TENANT },
      title: "Entra sign-in logs exported",
      evidence: [{ label: "setting", value: "to-sentinel" }],
    }),
  ];
  return list.sort(compareFindings);
}

export function reportCoverage(findings: readonly Finding[]): CoverageCell[] {
  const ids = (pred: (f: Finding) => boolean) => findings.filter(pred).map((f) => f.id);
  return [
    {
      cloud: "aws",
      scope: aws("us-east-1"),
      status: "covered",
      reasons: ["org trail org-trail"],
      findingIds: [],
    },
    {
      cloud: "aws",
      scope: aws("eu-west-1"),
      status: "uncovered",
      reasons: ["no trail"],
      findingIds: ids((f) => f.scope.cloud === "aws" && f.scope.region === "eu-west-1"),
    },
    { cloud: "aws", scope: aws("af-south-1"), status: "n/a", reasons: ["region not enabled"], findingIds: [] },
    {
      cloud: "aws",
      scope: { cloud: "aws", accountId: PAY, region: "us-east-1" },
      status: "unknown",
      reasons: ["account could not be entered"],
      findingIds: [],
    },
    {
      cloud: "azure",
      scope: { cloud: "azure", subscriptionId: SUB_PROD, tenantId: TENANT },
      status: "partial",
      reasons: ["export missing"],
      findingIds: [],
    },
    {
      cloud: "azure",
      scope: { cloud: "azure", subscriptionId: SUB_RESEARCH, tenantId: TENANT },
      status: "unknown",
      reasons: ["subscription could not be read"],
      findingIds: [],
    },
  ];
}

/** The fixture analysis: 12 findings (8 fail, 1 unknown, 1 muted, 2 pass), 6 cells (1 covered of 5 applicable). */
export function reportAnalysis(): Analysis {
  const findings = reportFindings();
  return { findings, coverage: reportCoverage(findings) };
}

/** An empty scan: no clouds reached, nothing found. */
export function emptySnapshot(): Snapshot {
  return SnapshotSchema.parse({
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: "2026-11-20T09:58:00.000Z",
    finishedAt: AT,
    complete: false,
    options: { clouds: [], retentionDays: 90, sampleDays: 7, sample: false },
  });
}

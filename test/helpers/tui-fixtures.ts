import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeFinding } from "../../analyzers/context.js";
import type { Analysis } from "../../analyzers/index.js";
import { CHECKS } from "../../src/model/checks.js";
import type { CellStatus } from "../../src/model/common.js";
import type { CoverageCell } from "../../src/model/coverage.js";
import type { Finding } from "../../src/model/finding.js";
import type { SampleResult } from "../../src/model/samples.js";
import { type Scope, scopeKey } from "../../src/model/scope.js";
import { type Snapshot, SnapshotSchema } from "../../src/model/snapshot.js";
import type { Exporter } from "../../views/export/exporter.js";
import { sampleSnapshot } from "./snapshot.js";

const AT = "2026-11-20T10:00:00.000Z";
const WINDOW = { start: "2026-11-13T10:00:00.000Z", end: AT };

/** Seven days ending on the snapshot day; `siem` per day (null = SIEM not queried). */
function perDay(source: number[], siem: (number | null)[]): SampleResult["perDay"] {
  return source.map((n, i) => ({
    day: `2026-11-${String(14 + i).padStart(2, "0")}`,
    source: n,
    siem: siem[i] ?? null,
  }));
}

/**
 * The TUI fixture snapshot: the shared sample snapshot plus regions of every kind, a third account, samples with a
 * delivery gap and a StopLogging window, an unchecked sample, and Azure samples.
 */
export function tuiSnapshot(): Snapshot {
  const input = sampleSnapshot();
  const aws = input.aws!;
  const mgmt = aws.accounts[0]!;
  mgmt.regions = [
    ...(mgmt.regions ?? []),
    { name: "eu-central-1", optInStatus: "opt-in-not-required", scanned: true, trailArns: [] },
    { name: "ap-southeast-2", optInStatus: "opt-in-not-required", scanned: true, trailArns: [] },
  ];
  mgmt.samples = [
    {
      region: "us-east-1",
      eventClass: "privileged",
      window: WINDOW,
      source: { service: "cloudtrail", operation: "LookupEvents" },
      destination: { kind: "cloudwatch-logs", id: "arn:aws:logs:us-east-1:111111111111:log-group:org-trail" },
      state: "ok",
      sampled: 40,
      found: 31,
      missing: [
        {
          eventId: "ev-stop-1",
          time: "2026-11-17T03:12:00.000Z",
          name: "StopLogging",
          actor: "arn:aws:iam::111111111111:user/mallory",
          sourceIp: "203.0.113.7",
        },
        {
          eventId: "ev-policy-1",
          time: "2026-11-17T03:20:00.000Z",
          name: "PutUserPolicy",
          actor: "arn:aws:iam::111111111111:user/mallory",
          sourceIp: "203.0.113.7",
        },
      ],
      perDay: perDay([5, 6, 4, 7, 6, 5, 7], [5, 6, 4, 0, 6, 5, 5]),
      capped: false,
    },
    {
      region: "us-east-1",
      eventClass: "failed-login",
      window: WINDOW,
      source: { service: "cloudtrail", operation: "LookupEvents" },
      destination: { kind: "cloudwatch-logs", id: "arn:aws:logs:us-east-1:111111111111:log-group:org-trail" },
      state: "ok",
      sampled: 12,
      found: 12,
      missing: [],
      perDay: perDay([2, 1, 2, 2, 1, 2, 2], [2, 1, 2, 2, 1, 2, 2]),
      capped: false,
    },
    {
      region: "eu-central-1",
      eventClass: "privileged",
      window: WINDOW,
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
      perDay: [],
      capped: false,
    },
  ];
  mgmt.tamper = [
    {
      eventId: "ev-stop-1",
      time: "2026-11-17T03:12:00.000Z",
      name: "StopLogging",
      actor: "arn:aws:iam::111111111111:user/mallory",
      sourceIp: "203.0.113.7",
      region: "us-east-1",
      resource: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
      resumedAt: "2026-11-17T09:40:00.000Z",
    },
  ];
  aws.accounts.push({
    accountId: "333333333333",
    name: "analytics-dev",
    access: {
      state: "ok",
      via: "assume-role",
      roleArn: "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole",
    },
    regions: [
      { name: "us-east-1", optInStatus: "opt-in-not-required", scanned: true, trailArns: [] },
      { name: "eu-west-1", optInStatus: "opt-in-not-required", scanned: true, trailArns: [] },
      { name: "eu-central-1", optInStatus: "opt-in-not-required", scanned: true, trailArns: [] },
    ],
  });
  const prod = input.azure!.subscriptions[0]!;
  prod.samples = [
    {
      eventClass: "privileged",
      window: WINDOW,
      source: { service: "arm", operation: "activityLogs.list" },
      destination: { kind: "log-analytics", id: "/subscriptions/0b1f6471-1bf0-4dda-aec3-111111111111/workspaces/soc" },
      state: "ok",
      sampled: 20,
      found: 15,
      missing: [
        {
          eventId: "corr-1",
          time: "2026-11-18T11:00:00.000Z",
          name: "Microsoft.Authorization/roleAssignments/write",
          actor: "ops@example.com",
          sourceIp: "198.51.100.4",
        },
      ],
      perDay: perDay([3, 3, 2, 3, 3, 3, 3], [3, 3, 2, 3, 0, 2, 2]),
      capped: false,
    },
  ];
  return SnapshotSchema.parse(input);
}

/** Coverage cell helper. */
function cell(scope: Scope, status: CellStatus, reasons: string[], findingIds: string[] = []): CoverageCell {
  return { cloud: scope.cloud, scope, status, reasons, findingIds };
}

/** A hand-built analysis of {@link tuiSnapshot}: findings of every status, and coverage cells of every status. */
export function tuiAnalysis(): Analysis {
  const use1 = { cloud: "aws" as const, accountId: "111111111111", region: "us-east-1" };
  const euw1 = { cloud: "aws" as const, accountId: "111111111111", region: "eu-west-1" };
  const euc1 = { cloud: "aws" as const, accountId: "111111111111", region: "eu-central-1" };
  const dev = (region: string) => ({ cloud: "aws" as const, accountId: "333333333333", region });
  const prod = { cloud: "azure" as const, subscriptionId: "0b1f6471-1bf0-4dda-aec3-111111111111" };
  const blind = makeFinding({
    checkId: "aws.siem.blind-spot",
    status: "fail",
    scope: use1,
    title: "9 of 40 privileged events missing from the SIEM",
    evidence: [{ label: "missing", value: 9, source: "cloudtrail:LookupEvents", at: AT }],
  });
  const tamper = makeFinding({
    checkId: "aws.tamper.logging-changed",
    status: "fail",
    scope: use1,
    resource: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
    title: "StopLogging by mallory; logging off for 6h28m",
    evidence: [
      { label: "event", value: "StopLogging", source: "cloudtrail:LookupEvents", at: "2026-11-17T03:12:00.000Z" },
    ],
  });
  const unreachable = makeFinding({
    checkId: "aws.region.unreachable",
    status: "fail",
    scope: euw1,
    title: "Region eu-west-1 of 111111111111 unreachable",
    evidence: [{ label: "error", value: "AccessDeniedException: explicit deny", source: "cloudtrail:DescribeTrails" }],
  });
  const uncovered = makeFinding({
    checkId: "aws.trail.region-uncovered",
    status: "fail",
    scope: dev("eu-central-1"),
    title: "eu-central-1 of 333333333333 has no logging trail",
    evidence: [{ label: "trails", value: [] }],
  });
  const kms: Finding = {
    ...makeFinding({
      checkId: "aws.trail.kms-disabled",
      status: "fail",
      scope: use1,
      resource: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
      title: "org-trail is not KMS-encrypted",
      evidence: [{ label: "KmsKeyId", value: null }],
    }),
    status: "muted",
    mute: { reason: "SSE-S3 accepted by the auditor for 2026", expires: "2026-12-31" },
  };
  const unknownSample = makeFinding({
    checkId: "aws.siem.blind-spot",
    status: "unknown",
    scope: euc1,
    title: "Privileged events of eu-central-1 could not be sampled",
    evidence: [{ label: "error", value: "ThrottlingException" }],
  });
  const azureExport = makeFinding({
    checkId: "azure.activity.export-missing",
    status: "fail",
    scope: prod,
    title: "Subscription prod has no Activity Log export",
    evidence: [{ label: "diagnosticSettings", value: [] }],
  });
  const pass = makeFinding({
    checkId: "aws.trail.validation-disabled",
    status: "pass",
    scope: use1,
    resource: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
    title: "org-trail validates log files",
    evidence: [{ label: "LogFileValidationEnabled", value: true }],
  });
  const findings = [blind, tamper, unreachable, uncovered, azureExport, unknownSample, kms, pass];
  const coverage: CoverageCell[] = [
    cell(use1, "partial", ["org trail org-trail", "9 privileged events missing"], [blind.id, tamper.id]),
    cell(euw1, "unknown", ["region unreachable: AccessDeniedException"], [unreachable.id]),
    cell({ cloud: "aws", accountId: "111111111111", region: "af-south-1" }, "n/a", ["region not enabled"]),
    cell(euc1, "covered", ["org trail org-trail"], [unknownSample.id]),
    cell({ cloud: "aws", accountId: "111111111111", region: "ap-southeast-2" }, "covered", ["org trail org-trail"]),
    cell({ cloud: "aws", accountId: "222222222222", region: "us-east-1" }, "unknown", ["account could not be entered"]),
    cell(dev("us-east-1"), "covered", ["org trail org-trail"]),
    cell(dev("eu-west-1"), "covered", ["org trail org-trail"]),
    cell(dev("eu-central-1"), "uncovered", ["no trail logs management events"], [uncovered.id]),
    cell(prod, "uncovered", ["no diagnostic setting exports the Activity Log"], [azureExport.id]),
    cell({ cloud: "azure", subscriptionId: "0b1f6471-1bf0-4dda-aec3-222222222222" }, "n/a", [
      "subscription is Disabled",
    ]),
    cell({ cloud: "azure", subscriptionId: "0b1f6471-1bf0-4dda-aec3-333333333333" }, "unknown", [
      "subscription could not be read",
    ]),
  ];
  return { findings, coverage };
}

const REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "sa-east-1",
  "af-south-1",
];

/**
 * A large estate: `accounts` accounts × 17 regions, 40 subscriptions, and exactly `findings` findings spread over
 * every check, status and scope (for the 10,000-finding virtualization tests and the benchmark).
 */
export function largeEstate(findings = 10_000, accounts = 60): { snapshot: Snapshot; analysis: Analysis } {
  const ids = Array.from({ length: accounts }, (_, i) => String(100000000000 + i * 7919).padStart(12, "0"));
  const subs = Array.from({ length: 40 }, (_, i) => `0b1f6471-1bf0-4dda-aec3-${String(i).padStart(12, "0")}`);
  const snapshot = SnapshotSchema.parse({
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: "2026-11-20T09:00:00.000Z",
    finishedAt: AT,
    complete: true,
    options: { clouds: ["aws", "azure"], retentionDays: 90, sampleDays: 7, sample: true },
    aws: {
      accounts: ids.map((accountId, i) => ({
        accountId,
        name: `acct-${String(i).padStart(3, "0")}`,
        access: { state: "ok", via: "assume-role" },
        regions: REGIONS.map((name) => ({
          name,
          optInStatus: name === "af-south-1" ? "not-opted-in" : "opt-in-not-required",
          scanned: name !== "af-south-1",
        })),
      })),
    },
    azure: {
      tenants: [{ tenantId: "72f988bf-0000-4000-8000-000000000001" }],
      subscriptions: subs.map((subscriptionId, i) => ({
        subscriptionId,
        displayName: `sub-${i}`,
        state: "Enabled",
        access: { state: "ok" },
      })),
    },
  });
  const statuses = ["fail", "fail", "unknown", "pass"] as const;
  const out: Finding[] = [];
  for (let i = 0; i < findings; i++) {
    const check = CHECKS[i % CHECKS.length]!;
    const scope: Scope =
      check.cloud === "aws"
        ? { cloud: "aws", accountId: ids[i % ids.length]!, region: REGIONS[i % (REGIONS.length - 1)] }
        : { cloud: "azure", subscriptionId: subs[i % subs.length] };
    out.push(
      makeFinding({
        checkId: check.id,
        status: statuses[i % statuses.length]!,
        scope,
        resource: `${scopeKey(scope)}/resource-${i}`,
        title: `${check.title} #${i}`,
        evidence: [{ label: "n", value: i }],
      }),
    );
  }
  const cellStatuses: CellStatus[] = ["covered", "covered", "partial", "uncovered", "unknown"];
  const coverage: CoverageCell[] = [];
  ids.forEach((accountId, a) => {
    REGIONS.forEach((region, r) => {
      const scope: Scope = { cloud: "aws", accountId, region };
      coverage.push(
        cell(scope, region === "af-south-1" ? "n/a" : cellStatuses[(a + r) % cellStatuses.length]!, ["generated"]),
      );
    });
  });
  subs.forEach((subscriptionId, s) => {
    coverage.push(cell({ cloud: "azure", subscriptionId }, cellStatuses[s % cellStatuses.length]!, ["generated"]));
  });
  return { snapshot, analysis: { findings: out, coverage } };
}

/** An exporter that records writes in memory; `existing` paths answer "exists". */
export function memoryExporter(existing: string[] = []): Exporter & { written: Map<string, string> } {
  const written = new Map<string, string>();
  const present = new Set(existing);
  return {
    formats: ["json", "md"],
    pending: ["csv"],
    written,
    render: async (format) => `report as ${format}\n`,
    exists: async (path) => present.has(path) || written.has(path),
    write: async (path, body) => {
      written.set(path, body);
    },
  };
}

/** Writes the fixture snapshot to a temp file and returns its path (for `tui --from`). */
export function writeTuiSnapshotFile(dir = mkdtempSync(join(tmpdir(), "blindspot-tui-"))): string {
  const path = join(dir, "tui-snapshot.json");
  writeFileSync(path, `${JSON.stringify(tuiSnapshot(), null, 2)}\n`);
  return path;
}

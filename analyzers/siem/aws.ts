/**
 * aws.siem.blind-spot, aws.siem.failed-logins-missing, aws.siem.delivery-gap, aws.tamper.logging-changed and
 * aws.logs.retention-unproven: judged from the facts blind-spot sampling recorded (samples, tamper, oldestEvent).
 */
import type { Finding } from "../../src/model/finding.js";
import type { SampleResult, TamperEvent } from "../../src/model/samples.js";
import type { AwsAccount } from "../../src/model/snapshot-aws.js";
import { type AnalyzerContext, makeFinding } from "../context.js";
import {
  describeTamper,
  destinationLabel,
  errorEvidence,
  judgeGaps,
  judgeRetention,
  sampleEvidence,
  tamperEvidence,
} from "./common.js";

function sampledAccounts(ctx: AnalyzerContext): AwsAccount[] {
  return (ctx.snapshot.aws?.accounts ?? []).filter((a) => a.access.state === "ok");
}

function byRegion(samples: SampleResult[]): Map<string, SampleResult[]> {
  const m = new Map<string, SampleResult[]>();
  for (const s of samples) {
    const k = s.region ?? "";
    m.set(k, [...(m.get(k) ?? []), s]);
  }
  return m;
}

/** One finding per account-region for a set of event classes; none where nothing was sampled. */
function classFindings(
  account: AwsAccount,
  region: string,
  samples: SampleResult[],
  checkId: string,
  noun: string,
): Finding[] {
  const scope = { cloud: "aws" as const, accountId: account.accountId, region };
  const unknown = samples.filter((s) => s.state === "unknown");
  const ok = samples.filter((s) => s.state === "ok");
  const sampled = ok.reduce((n, s) => n + s.sampled, 0);
  const missing = ok.reduce((n, s) => n + s.missing.length, 0);
  const evidence = samples.flatMap(sampleEvidence);
  const dest = destinationLabel(samples[0]?.destination ?? null);
  if (missing > 0) {
    return [
      makeFinding({
        checkId,
        status: "fail",
        scope,
        title: samples[0]?.destination
          ? `${missing} of ${sampled} sampled ${noun} in ${account.accountId} ${region} never reached ${dest}`
          : `${missing} of ${sampled} sampled ${noun} in ${account.accountId} ${region} reached no SIEM: no trail delivers this region`,
        evidence,
      }),
    ];
  }
  if (unknown.length > 0) {
    return [
      makeFinding({
        checkId,
        status: "unknown",
        scope,
        title: `Delivery of ${noun} in ${account.accountId} ${region} could not be verified`,
        evidence,
      }),
    ];
  }
  if (sampled === 0) return [];
  return [
    makeFinding({
      checkId,
      status: "pass",
      scope,
      title: `All ${sampled} sampled ${noun} in ${account.accountId} ${region} reached ${dest}`,
      evidence,
    }),
  ];
}

export function analyzeAwsBlindSpots(ctx: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const account of sampledAccounts(ctx)) {
    for (const [region, samples] of byRegion(account.samples)) {
      out.push(
        ...classFindings(
          account,
          region,
          samples.filter((s) => s.eventClass === "privileged" || s.eventClass === "root"),
          "aws.siem.blind-spot",
          "privileged and root events",
        ),
        ...classFindings(
          account,
          region,
          samples.filter((s) => s.eventClass === "failed-login"),
          "aws.siem.failed-logins-missing",
          "failed console logins",
        ),
      );
      const verdict = judgeGaps(samples);
      if (verdict.status === "none") continue;
      const scope = { cloud: "aws" as const, accountId: account.accountId, region };
      const perDay = {
        label: "events per day (source / SIEM)",
        value: verdict.days.map((d) => `${d.day} ${d.source}/${d.siem ?? "?"}`),
      };
      out.push(
        makeFinding({
          checkId: "aws.siem.delivery-gap",
          status: verdict.status,
          scope,
          title:
            verdict.status === "fail"
              ? `${verdict.gapDays.length} day(s) without SIEM delivery in ${account.accountId} ${region}: ${verdict.gapDays.map((d) => d.day).join(", ")}`
              : verdict.status === "pass"
                ? `Every sampled day of ${account.accountId} ${region} reached the SIEM`
                : `Daily delivery of ${account.accountId} ${region} could not be verified`,
          evidence: [
            ...(verdict.status === "fail" ? [{ label: "missing days", value: verdict.gapDays.map((d) => d.day) }] : []),
            perDay,
            ...samples.filter((s) => s.error).map((s) => sampleEvidence(s)[1]!),
          ],
        }),
      );
    }
  }
  return out;
}

export function analyzeAwsTamper(ctx: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const account of sampledAccounts(ctx)) {
    if (account.samples.length === 0 && account.tamper.length === 0) continue; // not sampled (--no-sample)
    const byRegionT = new Map<string, typeof account.tamper>();
    for (const t of account.tamper) byRegionT.set(t.region ?? "", [...(byRegionT.get(t.region ?? "") ?? []), t]);
    const window = account.samples[0]?.window;
    const lookupErrors = account.errors.filter((e) => e.service === "cloudtrail" && e.operation === "LookupEvents");
    if (lookupErrors.length > 0) {
      out.push(
        makeFinding({
          checkId: "aws.tamper.logging-changed",
          status: "unknown",
          scope: { cloud: "aws", accountId: account.accountId },
          title: `Changes to logging in ${account.accountId} could not be looked up in every region`,
          evidence: lookupErrors.map(errorEvidence),
        }),
      );
    } else if (byRegionT.size === 0) {
      out.push(
        makeFinding({
          checkId: "aws.tamper.logging-changed",
          status: "pass",
          scope: { cloud: "aws", accountId: account.accountId },
          title: `No change to logging in ${account.accountId} inside the window`,
          evidence: [
            {
              label: "looked up",
              value:
                "StopLogging, StartLogging, DeleteTrail, UpdateTrail, PutEventSelectors, DeleteLogGroup, PutRetentionPolicy, DeleteRetentionPolicy",
              source: "cloudtrail:LookupEvents",
              ...(window ? { at: window.end } : {}),
            },
          ],
        }),
      );
      continue;
    }
    for (const [region, events] of byRegionT) {
      const sorted = [...events].sort((a, b) => (a.time < b.time ? -1 : 1));
      const headline = [...sorted].sort((a, b) => tamperRank(a.name) - tamperRank(b.name))[0]!;
      const more = sorted.length > 1 ? ` (+${sorted.length - 1} more change${sorted.length > 2 ? "s" : ""})` : "";
      out.push(
        makeFinding({
          checkId: "aws.tamper.logging-changed",
          status: "fail",
          scope: { cloud: "aws", accountId: account.accountId, ...(region ? { region } : {}) },
          ...(headline.resource ? { resource: tamperResource(headline, account.accountId) } : {}),
          title: `${describeTamper(headline, ctx.now)}${more}`,
          evidence: sorted.map((t) => tamperEvidence(t, ctx.now)),
        }),
      );
    }
  }
  return out;
}

/** Which change heads the finding: logging off first, then retention cut, then selector/config changes. */
function tamperRank(name: string): number {
  const order = [
    "StopLogging",
    "DeleteTrail",
    "DeleteLogGroup",
    "PutRetentionPolicy",
    "DeleteRetentionPolicy",
    "PutEventSelectors",
    "UpdateTrail",
    "StartLogging",
  ];
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

const LOG_GROUP_EVENTS = new Set(["DeleteLogGroup", "PutRetentionPolicy", "DeleteRetentionPolicy"]);

/** The finding's resource: the trail ARN, or the log group name (as the configuration checks name them). */
function tamperResource(t: TamperEvent, accountId: string): string {
  const r = t.resource ?? "";
  if (r.startsWith("arn:")) return r.replace(/^arn:aws[a-z-]*:logs:[^:]*:\d{12}:log-group:/, "").replace(/:\*$/, "");
  if (LOG_GROUP_EVENTS.has(t.name)) return r;
  return `arn:aws:cloudtrail:${t.region ?? "us-east-1"}:${accountId}:trail/${r}`;
}

export function analyzeAwsRetentionProof(ctx: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  for (const account of sampledAccounts(ctx)) {
    for (const g of account.logGroups) {
      if (!g.oldestEvent) continue;
      const scope = { cloud: "aws" as const, accountId: account.accountId, region: g.region };
      const resource = g.name;
      const v = judgeRetention(g.oldestEvent, g.creationTime, ctx.policy.retentionDays, ctx.now);
      const facts = [
        {
          label: "oldest stored event",
          value: g.oldestEvent.state === "ok" ? g.oldestEvent.value.time : null,
          source: g.oldestEvent.state === "ok" ? g.oldestEvent.value.method : "logs",
          ...(g.oldestEvent.state === "ok" ? { at: g.oldestEvent.value.readAt } : {}),
        },
        { label: "group created", value: g.creationTime ?? null },
        { label: "retentionInDays", value: g.retentionInDays ?? "never expires" },
      ];
      if (v.status === "unknown") {
        const err = g.oldestEvent.state === "error" ? g.oldestEvent.error : undefined;
        out.push(
          makeFinding({
            checkId: "aws.logs.retention-unproven",
            status: "unknown",
            scope,
            resource,
            title: `Oldest event in ${g.name} could not be read`,
            evidence: err
              ? [
                  {
                    label: "error",
                    value: `${err.code}: ${err.message}`,
                    source: `${err.service}:${err.operation}`,
                    at: err.at,
                  },
                ]
              : facts,
          }),
        );
        continue;
      }
      out.push(
        makeFinding({
          checkId: "aws.logs.retention-unproven",
          status: v.status,
          scope,
          resource,
          title:
            v.status === "fail"
              ? `${g.name} holds ${v.oldestAgeDays === null ? "no events" : `only ${Math.floor(v.oldestAgeDays)} days of events`}; ${v.expectedDays} days expected`
              : `${g.name} holds ${Math.floor(v.oldestAgeDays ?? 0)} days of events (${v.expectedDays} expected)`,
          evidence: [...facts, { label: "expected days", value: v.expectedDays }],
        }),
      );
    }
  }
  return out;
}

/**
 * aws.trail.region-uncovered (one finding per account × enabled region), aws.trail.global-events-missing (one per
 * account) and the coverage matrix verdicts. Pure.
 */
import type { Finding } from "../../src/model/finding.js";
import { scopeKey } from "../../src/model/scope.js";
import type { AwsAccount } from "../../src/model/snapshot-aws.js";
import { type AnalyzerContext, makeFinding } from "../context.js";
import type { CellVerdict } from "../coverage.js";
import { awsFacts, type Candidate, type CellFacts, cellOutcome, ev } from "./facts.js";

const SOURCE = "cloudtrail:DescribeTrails+GetTrailStatus+GetEventSelectors";

function candidateEvidence(candidates: readonly Candidate[], at: string) {
  if (candidates.length === 0)
    return [ev("covering trails", "none: no trail or event data store applies to this region", SOURCE, at)];
  return candidates.map((c) =>
    ev(c.kind === "trail" ? `trail ${c.arn}` : `event data store ${c.arn}`, `${c.outcome}: ${c.reason}`, SOURCE, at),
  );
}

function cellTitle(cell: CellFacts): string {
  const where = `${cell.region.name} of ${cell.account.accountId}${cell.account.name ? ` (${cell.account.name})` : ""}`;
  const best = cell.candidates.find((c) => c.outcome === cell.outcome) ?? cell.candidates[0];
  switch (cell.outcome) {
    case "covered": {
      const by = cell.candidates.filter((c) => c.outcome === "covered");
      const names = by
        .slice(0, 3)
        .map((c) => `${c.kind === "event-data-store" ? "event data store" : "trail"} ${c.name}`);
      return `Region ${where} is covered by ${names.join(", ")}${by.length > 3 ? ` and ${by.length - 3} more` : ""}`;
    }
    case "partial":
      return `Region ${where} logs management events only partly (${best?.name}; see aws.trail.mgmt-events-partial)`;
    case "uncovered":
      return cell.candidates.length
        ? `Region ${where} has no logging trail: ${cell.candidates.map((c) => c.name).join(", ")} do not log it`
        : `Region ${where} has no trail`;
    case "unknown":
      return `Coverage of region ${where} could not be verified`;
  }
}

/** aws.trail.region-uncovered: fail when no logging trail or event data store captures management events. */
export function analyzeRegionCoverage(ctx: AnalyzerContext): Finding[] {
  const facts = awsFacts(ctx.snapshot, ctx.now);
  const at = ctx.now.toISOString();
  return facts.cells.map((cell) =>
    makeFinding({
      checkId: "aws.trail.region-uncovered",
      status: cell.outcome === "uncovered" ? "fail" : cell.outcome === "unknown" ? "unknown" : "pass",
      scope: { cloud: "aws", accountId: cell.account.accountId, region: cell.region.name },
      title: cellTitle(cell),
      evidence: [
        ev("region opt-in status", cell.region.optInStatus, "ec2:DescribeRegions", at),
        ev("trails listed in the region", cell.region.trailArns, "cloudtrail:DescribeTrails", at),
        ...candidateEvidence(cell.candidates, at),
        // CloudTrail Lake stores could not be listed here: say so next to a verdict made without them.
        ...cell.account.errors
          .filter((e) => e.operation === "ListEventDataStores" && e.message.startsWith(`${cell.region.name}: `))
          .map((e) => ev("CloudTrail Lake not listed", `${e.code}: ${e.message}`, `${e.service}:${e.operation}`, e.at)),
      ],
    }),
  );
}

/** aws.trail.global-events-missing: a logging trail with IncludeGlobalServiceEvents must cover us-east-1. */
export function analyzeGlobalEvents(ctx: AnalyzerContext): Finding[] {
  const facts = awsFacts(ctx.snapshot, ctx.now);
  const at = ctx.now.toISOString();
  const out: Finding[] = [];
  for (const account of facts.accounts.values()) {
    if (account.access.state !== "ok") continue;
    const scope = { cloud: "aws" as const, accountId: account.accountId, region: "us-east-1" };
    const region = account.regions.find((r) => r.name === "us-east-1");
    const label = `${account.accountId}${account.name ? ` (${account.name})` : ""}`;
    if (region?.error) {
      out.push(
        makeFinding({
          checkId: "aws.trail.global-events-missing",
          status: "unknown",
          scope,
          title: `Global service events of ${label} could not be verified: us-east-1 unreachable`,
          evidence: [
            ev(
              "error",
              `${region.error.code}: ${region.error.message}`,
              `${region.error.service}:${region.error.operation}`,
              region.error.at,
            ),
          ],
        }),
      );
      continue;
    }
    const all = facts.candidatesFor(account, "us-east-1");
    const global = all.filter((c) => c.includeGlobalServiceEvents);
    const capturing = global.filter((c) => c.outcome === "covered" || c.outcome === "partial");
    const unknown = global.filter((c) => c.outcome === "unknown");
    const status = capturing.length ? "pass" : unknown.length ? "unknown" : "fail";
    out.push(
      makeFinding({
        checkId: "aws.trail.global-events-missing",
        status,
        scope,
        title:
          status === "pass"
            ? `Global service events of ${label} are captured by ${capturing[0]!.name}`
            : status === "unknown"
              ? `Global service events of ${label} could not be verified`
              : `Nothing captures global service events (IAM, STS, sign-in) of ${label} in us-east-1`,
        evidence: [
          ...all.map((c) =>
            ev(
              `${c.kind === "trail" ? "trail" : "event data store"} ${c.arn}`,
              `IncludeGlobalServiceEvents ${c.includeGlobalServiceEvents}; ${c.outcome}: ${c.reason}`,
              "cloudtrail:DescribeTrails IncludeGlobalServiceEvents",
              at,
            ),
          ),
          ...(all.length ? [] : [ev("trails covering us-east-1", "none", SOURCE, at)]),
        ],
      }),
    );
  }
  return out;
}

/** Coverage matrix verdicts for every evaluated account × region; cells without one stay unknown. */
export function awsCoverage(ctx: AnalyzerContext): CellVerdict[] {
  const facts = awsFacts(ctx.snapshot, ctx.now);
  const out: CellVerdict[] = [];
  for (const cell of facts.cells) {
    if (cell.outcome === "unknown") continue;
    const relevant = cell.candidates.filter((c) => c.outcome === cell.outcome || cell.outcome === "uncovered");
    out.push({
      scopeKey: scopeKey({ cloud: "aws", accountId: cell.account.accountId, region: cell.region.name }),
      status: cell.outcome,
      reasons: relevant.length ? relevant.map((c) => c.reason) : ["no trail or event data store"],
    });
  }
  return out;
}

/** Exposed for tests: the outcome of one account × region. */
export function cellOf(ctx: AnalyzerContext, account: AwsAccount, region: string) {
  const facts = awsFacts(ctx.snapshot, ctx.now);
  const candidates = facts.candidatesFor(account, region);
  return { outcome: cellOutcome(candidates), candidates };
}

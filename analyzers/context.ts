import type { Suppression } from "../src/config/schema.js";
import { getCheck } from "../src/model/checks.js";
import type { FindingStatus } from "../src/model/common.js";
import { type Evidence, type Finding, findingId } from "../src/model/finding.js";
import type { Scope } from "../src/model/scope.js";
import type { Snapshot } from "../src/model/snapshot.js";

/** What the user decided, as opposed to what the cloud said. */
export interface Policy {
  /** Minimum retention, in days (`--retention-days`, default 90). */
  retentionDays: number;
  suppressions: readonly Suppression[];
}

/** What every analyzer receives. `now` is the snapshot's finish time, never the wall clock, so output is reproducible. */
export interface AnalyzerContext {
  snapshot: Snapshot;
  policy: Policy;
  now: Date;
}

/** A pure function from the snapshot to findings of one or more checks. */
export type Analyzer = (ctx: AnalyzerContext) => Finding[];

export interface FindingInput {
  checkId: string;
  status: Exclude<FindingStatus, "muted">;
  scope: Scope;
  /** ARN / ARM id, or omitted for scope-wide findings (the scope key is used). */
  resource?: string;
  title: string;
  evidence: Evidence[];
  remediationIds?: string[];
}

/** Builds a finding with severity and controls from the catalogue and the stable id. */
export function makeFinding(input: FindingInput): Finding {
  const check = getCheck(input.checkId);
  if (!check) throw new Error(`analyzer used unknown check id ${input.checkId}`);
  const resource = input.resource ?? scopeResource(input.scope);
  return {
    id: findingId(check.id, input.scope, resource),
    checkId: check.id,
    severity: check.severity,
    status: input.status,
    cloud: check.cloud,
    scope: input.scope,
    resource,
    title: input.title,
    evidence: input.evidence,
    controls: [...check.controls],
    remediationIds: input.remediationIds ?? [],
  };
}

function scopeResource(scope: Scope): string {
  if (scope.cloud === "aws") return scope.region ? `aws:${scope.accountId}:${scope.region}` : `aws:${scope.accountId}`;
  return scope.subscriptionId ? `/subscriptions/${scope.subscriptionId}` : `tenant:${scope.tenantId ?? ""}`;
}

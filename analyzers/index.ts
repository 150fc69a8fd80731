import type { CoverageCell } from "../src/model/coverage.js";
import type { Finding } from "../src/model/finding.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { analyzeAccess } from "./access.js";
import { AWS_ANALYZERS, awsCoverage } from "./aws/index.js";
import { AZURE_ANALYZERS, azureCoverage } from "./azure/index.js";
import type { Analyzer, AnalyzerContext, Policy } from "./context.js";
import { buildCoverage, type CellVerdict } from "./coverage.js";
import { DETECTION_ANALYZERS } from "./detection/index.js";
import { SIEM_ANALYZERS } from "./siem/index.js";
import { applySuppressions } from "./suppress.js";

export type { Analyzer, AnalyzerContext, Policy } from "./context.js";

/** Every analyzer, in order. Each is pure: (snapshot, policy) → findings. */
export const ANALYZERS: readonly Analyzer[] = [
  analyzeAccess,
  ...AWS_ANALYZERS,
  ...AZURE_ANALYZERS,
  ...SIEM_ANALYZERS,
  ...DETECTION_ANALYZERS,
];

/** Analyzers that prove coverage verdicts per cell (filled by the AWS and Azure coverage analyzers). */
export const COVERAGE_ANALYZERS: readonly ((ctx: AnalyzerContext) => CellVerdict[])[] = [awsCoverage, azureCoverage];

export interface Analysis {
  findings: Finding[];
  coverage: CoverageCell[];
}

/** Runs every analyzer over a snapshot: findings sorted deterministically, suppressions applied, coverage matrix. */
export function analyze(snapshot: Snapshot, policy: Policy): Analysis {
  const ctx: AnalyzerContext = { snapshot, policy, now: new Date(snapshot.finishedAt) };
  const raw = ANALYZERS.flatMap((a) => a(ctx));
  const findings = applySuppressions(dedupe(raw), policy.suppressions, ctx.now).sort(compareFindings);
  const verdicts = COVERAGE_ANALYZERS.flatMap((a) => a(ctx));
  return { findings, coverage: buildCoverage(ctx, findings, verdicts) };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(f.id)) seen.set(f.id, f);
  return [...seen.values()];
}

const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"];
const STATUS_ORDER = ["fail", "unknown", "muted", "pass"];

/** Status, then severity, then check id, then resource: the order every output uses. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    cmp(a.checkId, b.checkId) ||
    cmp(a.resource, b.resource) ||
    cmp(a.id, b.id)
  );
}

/** Code-unit order: the same on every machine and locale. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { CoverageCell } from "../src/model/coverage.js";
import type { Finding } from "../src/model/finding.js";
import { scopeKey } from "../src/model/scope.js";
import type { AnalyzerContext } from "./context.js";

/** Per-scope verdicts contributed by the coverage analyzers (AWS trails, Azure exports). */
export interface CellVerdict {
  scopeKey: string;
  status: "covered" | "partial" | "uncovered";
  reasons: string[];
}

/**
 * The coverage matrix: one cell per (account, region) and per subscription. Fail closed: a cell is `unknown`
 * unless an analyzer proved a verdict for it; not-opted-in regions are `n/a`; unreachable scopes are `unknown`.
 */
export function buildCoverage(
  ctx: AnalyzerContext,
  findings: readonly Finding[],
  verdicts: readonly CellVerdict[],
): CoverageCell[] {
  const byScope = new Map(verdicts.map((v) => [v.scopeKey, v]));
  const failing = new Map<string, string[]>();
  for (const f of findings) {
    if (f.status !== "fail" && f.status !== "unknown") continue;
    const key = scopeKey(f.scope);
    failing.set(key, [...(failing.get(key) ?? []), f.id]);
  }
  const cells: CoverageCell[] = [];
  for (const account of ctx.snapshot.aws?.accounts ?? []) {
    const denied = account.access.state === "denied" || account.access.state === "error";
    const accountKey = scopeKey({ cloud: "aws", accountId: account.accountId });
    for (const region of account.regions) {
      const scope = { cloud: "aws" as const, accountId: account.accountId, region: region.name };
      const key = scopeKey(scope);
      const ids = [...(failing.get(key) ?? []), ...(denied ? (failing.get(accountKey) ?? []) : [])];
      if (region.optInStatus === "not-opted-in") {
        cells.push({ cloud: "aws", scope, status: "n/a", reasons: ["region not enabled"], findingIds: [] });
      } else if (denied) {
        cells.push({
          cloud: "aws",
          scope,
          status: "unknown",
          reasons: ["account could not be entered"],
          findingIds: ids,
        });
      } else if (!region.scanned) {
        cells.push({ cloud: "aws", scope, status: "unknown", reasons: ["region not scanned"], findingIds: ids });
      } else if (region.error) {
        cells.push({
          cloud: "aws",
          scope,
          status: "unknown",
          reasons: [`region unreachable: ${region.error.code}`],
          findingIds: ids,
        });
      } else {
        const v = byScope.get(key);
        cells.push(
          v
            ? { cloud: "aws", scope, status: v.status, reasons: v.reasons, findingIds: ids }
            : { cloud: "aws", scope, status: "unknown", reasons: ["not evaluated"], findingIds: ids },
        );
      }
    }
  }
  for (const sub of ctx.snapshot.azure?.subscriptions ?? []) {
    const scope = { cloud: "azure" as const, subscriptionId: sub.subscriptionId, tenantId: sub.tenantId };
    const key = scopeKey(scope);
    const ids = failing.get(key) ?? [];
    if (sub.access.state === "skipped") {
      cells.push({ cloud: "azure", scope, status: "n/a", reasons: [sub.access.reason], findingIds: [] });
    } else if (sub.access.state !== "ok") {
      cells.push({
        cloud: "azure",
        scope,
        status: "unknown",
        reasons: ["subscription could not be read"],
        findingIds: ids,
      });
    } else {
      const v = byScope.get(key);
      cells.push(
        v
          ? { cloud: "azure", scope, status: v.status, reasons: v.reasons, findingIds: ids }
          : { cloud: "azure", scope, status: "unknown", reasons: ["not evaluated"], findingIds: ids },
      );
    }
  }
  return cells;
}

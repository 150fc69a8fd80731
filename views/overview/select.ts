import type { CoverageCell } from "../../src/model/coverage.js";
import { scopeKey } from "../../src/model/scope.js";
import type { Derived, SampleRow, ScopeFilter } from "../data/derive.js";
import type { OverviewState } from "../state/overview-reducer.js";

/** What the overview cursor is on. */
export type OverviewTarget =
  | { kind: "aws"; accountId: string; name?: string; region: string; cell: CoverageCell | undefined }
  | { kind: "azure"; name: string; cell: CoverageCell }
  | { kind: "top"; row: SampleRow }
  | { kind: "none" };

/** The item under the overview cursor. */
export function overviewTarget(state: OverviewState, d: Derived): OverviewTarget {
  if (state.pane === "aws") {
    const account = d.heatmap.accounts[state.row.cursor];
    const region = d.heatmap.regions[state.col.cursor];
    if (!account || !region) return { kind: "none" };
    return {
      kind: "aws",
      accountId: account.accountId,
      name: account.name,
      region,
      cell: d.heatmap.cells.get(`${account.accountId} ${region}`),
    };
  }
  if (state.pane === "azure") {
    const a = d.azure[state.azure.cursor];
    return a ? { kind: "azure", name: a.name, cell: a.cell } : { kind: "none" };
  }
  const row = d.topBlindSpots[state.top.cursor];
  return row ? { kind: "top", row } : { kind: "none" };
}

/** The findings drill-down for a heatmap or grid cell: the findings it names plus every finding of its scope. */
export function cellScopeFilter(cell: CoverageCell, label: string): ScopeFilter {
  return { label, ids: new Set(cell.findingIds), scopeKeys: new Set([scopeKey(cell.scope)]) };
}

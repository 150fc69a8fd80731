import type { Derived } from "../data/derive.js";
import { regionCode } from "../data/derive.js";
import type { Layout } from "../layout.js";
import type { OverviewBounds } from "../state/overview-reducer.js";

/** Where the overview puts things, from the layout and the data only (pure, shared by the view and the key handler). */
export interface OverviewGeometry extends OverviewBounds {
  readonly labelWidth: number;
  readonly colWidth: number;
  readonly azureCellWidth: number;
  /** Rows for the headline block. */
  readonly headlineRows: number;
  /** Width of the heatmap / grid column. */
  readonly mainWidth: number;
  readonly sideWidth: number;
  readonly isNarrow: boolean;
}

/** Computes the overview geometry. */
export function overviewGeometry(layout: Layout, d: Derived): OverviewGeometry {
  const accounts = d.heatmap.accounts.length;
  const regions = d.heatmap.regions.length;
  const longestName = Math.max(12, ...d.heatmap.accounts.map((a) => (a.name ? a.name.length : 12)));
  const labelWidth = Math.min(layout.isNarrow ? 14 : 20, longestName) + 1;
  const colWidth = Math.max(4, ...d.heatmap.regions.map((r) => regionCode(r).length)) + 1;
  const mainWidth = layout.mainWidth;
  const visibleCols = Math.max(1, Math.min(regions, Math.floor((mainWidth - labelWidth) / colWidth)));
  const azureCellWidth = 22;
  const azureColumns = Math.max(1, Math.floor(mainWidth / azureCellWidth));
  const azureCells = d.azure.length;
  const azureNeeded = Math.ceil(azureCells / azureColumns);
  const headlineRows = layout.isShort ? 3 : 4;
  let budget = layout.bodyRows - headlineRows;
  if (layout.isNarrow) budget -= 3; // legend + two lines of cell detail under the grid
  // AWS: title + header + rows; Azure: title + rows. Azure gets up to a third, AWS the rest.
  const azureRows = azureCells === 0 ? 0 : Math.max(1, Math.min(azureNeeded, Math.floor(budget / 3)));
  const azureBlock = azureCells === 0 ? 0 : azureRows + 1;
  const awsBlockRows = accounts === 0 ? 0 : Math.max(1, budget - azureBlock - 2);
  const visibleRows = Math.max(1, Math.min(accounts, awsBlockRows));
  const topItems = d.topBlindSpots.length;
  // Wide: the side pane holds cell detail (7), legend (2) and the top blind spots list.
  const topRows = layout.isNarrow
    ? Math.max(0, budget - azureBlock - (accounts === 0 ? 0 : visibleRows + 2) - 1)
    : Math.max(1, layout.bodyRows - headlineRows - 7 - 4);
  return {
    accounts,
    regions,
    visibleRows,
    visibleCols,
    azureCells,
    azureColumns,
    azureRows: Math.max(1, azureRows),
    topItems,
    topRows,
    labelWidth,
    colWidth,
    azureCellWidth,
    headlineRows,
    mainWidth,
    sideWidth: layout.sideWidth,
    isNarrow: layout.isNarrow,
  };
}

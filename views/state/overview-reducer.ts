import { clampList, type ListCursor, type ListMove, moveList, START } from "./list.js";

/** Overview panes that take the cursor, in tab order. */
export const OVERVIEW_PANES = ["aws", "azure", "top"] as const;
export type OverviewPane = (typeof OVERVIEW_PANES)[number];

/** Cursor state of the overview: heatmap row/column windows, Azure grid index, top blind spots index. */
export interface OverviewState {
  readonly pane: OverviewPane;
  readonly row: ListCursor;
  readonly col: ListCursor;
  readonly azure: ListCursor;
  readonly top: ListCursor;
}

/** Sizes the reducer needs to keep windows in bounds (from the data and the layout). */
export interface OverviewBounds {
  readonly accounts: number;
  readonly regions: number;
  readonly visibleRows: number;
  readonly visibleCols: number;
  readonly azureCells: number;
  /** Azure grid cells per row. */
  readonly azureColumns: number;
  readonly azureRows: number;
  readonly topItems: number;
  readonly topRows: number;
}

export type OverviewAction =
  | { type: "move"; move: ListMove | "left" | "right"; bounds: OverviewBounds }
  | { type: "focus"; pane: OverviewPane }
  | { type: "next-pane"; bounds: OverviewBounds; reverse?: boolean }
  | { type: "goto-region"; index: number; bounds: OverviewBounds };

export const INITIAL_OVERVIEW: OverviewState = { pane: "aws", row: START, col: START, azure: START, top: START };

/** Panes that have something to focus. */
export function availablePanes(b: OverviewBounds): OverviewPane[] {
  return OVERVIEW_PANES.filter((p) =>
    p === "aws" ? b.accounts > 0 && b.regions > 0 : p === "azure" ? b.azureCells > 0 : b.topItems > 0,
  );
}

/** Pure reducer of the overview cursor. */
export function overviewReducer(state: OverviewState, action: OverviewAction): OverviewState {
  switch (action.type) {
    case "focus":
      return { ...state, pane: action.pane };
    case "next-pane": {
      const panes = availablePanes(action.bounds);
      if (panes.length === 0) return state;
      const i = panes.indexOf(state.pane);
      const step = action.reverse ? -1 : 1;
      const pane = panes[(i + step + panes.length) % panes.length]!;
      return { ...state, pane };
    }
    case "goto-region": {
      const b = action.bounds;
      return {
        ...state,
        pane: "aws",
        col: clampList({ ...state.col, cursor: action.index }, b.regions, b.visibleCols),
      };
    }
    case "move": {
      const b = action.bounds;
      const m = action.move;
      if (state.pane === "aws") {
        if (m === "left" || m === "right") {
          return { ...state, col: moveList(state.col, m === "left" ? "up" : "down", b.regions, b.visibleCols) };
        }
        return { ...state, row: moveList(state.row, m, b.accounts, b.visibleRows) };
      }
      if (state.pane === "azure") {
        // A grid: left/right by one, up/down by a row of cells.
        const cols = Math.max(1, b.azureColumns);
        const cursor = state.azure.cursor;
        const target =
          m === "left"
            ? cursor - 1
            : m === "right"
              ? cursor + 1
              : m === "up"
                ? cursor - cols
                : m === "down"
                  ? cursor + cols
                  : m === "top"
                    ? 0
                    : m === "bottom"
                      ? b.azureCells - 1
                      : m === "pageUp"
                        ? cursor - cols * b.azureRows
                        : cursor + cols * b.azureRows;
        if (target < 0 || target >= b.azureCells) {
          const clamped = Math.min(b.azureCells - 1, Math.max(0, target));
          return { ...state, azure: { cursor: clamped, offset: state.azure.offset } };
        }
        return { ...state, azure: { cursor: target, offset: state.azure.offset } };
      }
      if (m === "left" || m === "right") return state;
      return { ...state, top: moveList(state.top, m, b.topItems, b.topRows) };
    }
  }
}

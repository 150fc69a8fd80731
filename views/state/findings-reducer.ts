import {
  CLOUD_FILTERS,
  type CloudFilter,
  type FindingQuery,
  type ScopeFilter,
  SEVERITY_FILTERS,
  type SeverityFilter,
  SORTS,
  type SortKey,
  STATUS_FILTERS,
  type StatusFilter,
} from "../data/derive.js";
import { clampList, type ListCursor, type ListMove, moveList, START } from "./list.js";

/** State of the findings view: query, cursor window, marks, and whether the filter line is being edited. */
export interface FindingsState {
  readonly query: FindingQuery;
  readonly list: ListCursor;
  readonly isEditingFilter: boolean;
  /** Marked finding ids (space). */
  readonly marks: ReadonlySet<string>;
  /** Narrow layout: the detail pane is shown as its own layer. */
  readonly isDetailOpen: boolean;
}

export type FindingsAction =
  | { type: "move"; move: ListMove; count: number; pageSize: number }
  | { type: "clamp"; count: number; pageSize: number }
  | { type: "start-filter" }
  | { type: "filter-input"; text: string }
  | { type: "set-filter"; text: string }
  | { type: "filter-backspace" }
  | { type: "filter-commit" }
  | { type: "filter-cancel" }
  | { type: "clear-filter" }
  | { type: "cycle-severity" }
  | { type: "cycle-cloud" }
  | { type: "cycle-status" }
  | { type: "cycle-sort" }
  | { type: "set-severity"; severity: SeverityFilter }
  | { type: "set-cloud"; cloud: CloudFilter }
  | { type: "set-status"; status: StatusFilter }
  | { type: "set-sort"; sort: SortKey }
  | { type: "set-scope"; scope: ScopeFilter | undefined }
  | { type: "toggle-mark"; id: string }
  | { type: "mark-all"; ids: readonly string[] }
  | { type: "clear-marks" }
  | { type: "open-detail" }
  | { type: "close-detail" }
  | { type: "reset-filters" };

export const INITIAL_FINDINGS: FindingsState = {
  query: { text: "", severity: "all", cloud: "all", status: "all", sort: "default" },
  list: START,
  isEditingFilter: false,
  marks: new Set(),
  isDetailOpen: false,
};

function next<T>(values: readonly T[], current: T): T {
  return values[(values.indexOf(current) + 1) % values.length]!;
}

/** Pure reducer of the findings view. Any query change moves the cursor back to the top. */
export function findingsReducer(state: FindingsState, action: FindingsAction): FindingsState {
  const withQuery = (patch: Partial<FindingQuery>): FindingsState => ({
    ...state,
    query: { ...state.query, ...patch },
    list: START,
  });
  switch (action.type) {
    case "move":
      return { ...state, list: moveList(state.list, action.move, action.count, action.pageSize) };
    case "clamp": {
      const list = clampList(state.list, action.count, action.pageSize);
      return list.cursor === state.list.cursor && list.offset === state.list.offset ? state : { ...state, list };
    }
    case "start-filter":
      return { ...state, isEditingFilter: true };
    case "filter-input":
      return { ...withQuery({ text: state.query.text + action.text }), isEditingFilter: true };
    case "set-filter":
      return { ...withQuery({ text: action.text }), isEditingFilter: false };
    case "filter-backspace":
      return withQuery({ text: state.query.text.slice(0, -1) });
    case "filter-commit":
      return { ...state, isEditingFilter: false };
    case "filter-cancel":
      return { ...withQuery({ text: "" }), isEditingFilter: false };
    case "clear-filter":
      return withQuery({ text: "" });
    case "cycle-severity":
      return withQuery({ severity: next(SEVERITY_FILTERS, state.query.severity) });
    case "cycle-cloud":
      return withQuery({ cloud: next(CLOUD_FILTERS, state.query.cloud) });
    case "cycle-status":
      return withQuery({ status: next(STATUS_FILTERS, state.query.status) });
    case "cycle-sort":
      return withQuery({ sort: next(SORTS, state.query.sort) });
    case "set-severity":
      return withQuery({ severity: action.severity });
    case "set-cloud":
      return withQuery({ cloud: action.cloud });
    case "set-status":
      return withQuery({ status: action.status });
    case "set-sort":
      return withQuery({ sort: action.sort });
    case "set-scope":
      return { ...withQuery({ scope: action.scope }), isDetailOpen: false };
    case "toggle-mark": {
      const marks = new Set(state.marks);
      if (marks.has(action.id)) marks.delete(action.id);
      else marks.add(action.id);
      return { ...state, marks };
    }
    case "mark-all":
      return { ...state, marks: new Set([...state.marks, ...action.ids]) };
    case "clear-marks":
      return { ...state, marks: new Set() };
    case "open-detail":
      return { ...state, isDetailOpen: true };
    case "close-detail":
      return { ...state, isDetailOpen: false };
    case "reset-filters":
      return {
        ...state,
        query: { ...INITIAL_FINDINGS.query, sort: state.query.sort, scope: state.query.scope },
        list: START,
        isEditingFilter: false,
      };
  }
}

/** True when something narrows the list (Esc clears it before leaving the view). */
export function hasActiveFilter(q: FindingQuery): boolean {
  return q.text !== "" || q.severity !== "all" || q.cloud !== "all" || q.status !== "all";
}

import type { ApiError, Cloud } from "../../src/model/common.js";
import type { ScanEvent } from "../../src/model/events.js";
import { scopeLabel } from "../../src/model/scope.js";

export type ProgressUnit = "accounts" | "regions" | "subscriptions" | "samples";

/** done/total of one unit of one cloud. */
export interface UnitProgress {
  readonly done: number;
  readonly total: number;
}

/** What the scan screen shows, folded from the ScanEvent stream (pure, so it is tested without rendering). */
export interface ScanProgress {
  readonly phase: "starting" | "running" | "stopping" | "finished" | "failed";
  readonly clouds: readonly Cloud[];
  readonly startedAtMs: number | undefined;
  readonly finishedAtMs: number | undefined;
  readonly progress: Readonly<Partial<Record<Cloud, Partial<Record<ProgressUnit, UnitProgress>>>>>;
  readonly apiCalls: number;
  readonly failedCalls: number;
  readonly throttles: number;
  readonly retries: number;
  readonly scopeErrors: number;
  /** Newest last; capped. */
  readonly log: readonly { id: number; level: "warn" | "error"; text: string }[];
  /** Sequence for log entry ids. */
  readonly logSeq: number;
  readonly complete: boolean | undefined;
  readonly failure: string | undefined;
  /** Scopes currently being scanned (labels), capped for display. */
  readonly active: readonly string[];
}

export type ScanAction =
  | { type: "event"; event: ScanEvent; nowMs: number }
  | { type: "events"; events: readonly ScanEvent[]; nowMs: number }
  | { type: "stopping" }
  | { type: "failed"; message: string; nowMs: number }
  | { type: "reset"; clouds: readonly Cloud[]; nowMs: number };

const LOG_CAP = 50;
const ACTIVE_CAP = 200;

export function initialScan(clouds: readonly Cloud[], nowMs?: number): ScanProgress {
  return {
    phase: "starting",
    clouds,
    startedAtMs: nowMs,
    finishedAtMs: undefined,
    progress: {},
    apiCalls: 0,
    failedCalls: 0,
    throttles: 0,
    retries: 0,
    scopeErrors: 0,
    log: [],
    logSeq: 0,
    complete: undefined,
    failure: undefined,
    active: [],
  };
}

function appendLog(state: ScanProgress, level: "warn" | "error", text: string): Pick<ScanProgress, "log" | "logSeq"> {
  const logSeq = state.logSeq + 1;
  const next = [...state.log, { id: logSeq, level, text }];
  return { logSeq, log: next.length > LOG_CAP ? next.slice(next.length - LOG_CAP) : next };
}

function errorText(e: ApiError): string {
  return `${e.service}:${e.operation} ${e.code}`;
}

/** Folds one scan event into the screen state. */
export function scanReducer(state: ScanProgress, action: ScanAction): ScanProgress {
  if (action.type === "reset") return initialScan(action.clouds, action.nowMs);
  if (action.type === "events") {
    let next = state;
    for (const event of action.events) next = scanReducer(next, { type: "event", event, nowMs: action.nowMs });
    return next;
  }
  if (action.type === "stopping") return state.phase === "finished" ? state : { ...state, phase: "stopping" };
  if (action.type === "failed") {
    return { ...state, phase: "failed", failure: action.message, finishedAtMs: action.nowMs };
  }
  const e = action.event;
  const running = state.phase === "starting" ? "running" : state.phase;
  switch (e.type) {
    case "scan-started":
      return { ...state, phase: running, clouds: e.clouds, startedAtMs: state.startedAtMs ?? action.nowMs };
    case "progress": {
      const cloud = { ...state.progress[e.cloud], [e.unit]: { done: e.done, total: e.total } };
      return { ...state, phase: running, progress: { ...state.progress, [e.cloud]: cloud } };
    }
    case "scope-started": {
      const label = scopeLabel(e.scope);
      const active = state.active.length >= ACTIVE_CAP ? state.active : [...state.active, label];
      return { ...state, phase: running, active };
    }
    case "scope-finished": {
      const label = scopeLabel(e.scope);
      const i = state.active.indexOf(label);
      const active = i < 0 ? state.active : [...state.active.slice(0, i), ...state.active.slice(i + 1)];
      const logged = e.outcome === "failed" ? appendLog(state, "error", `${label}: failed`) : {};
      return { ...state, active, ...logged };
    }
    case "api-call":
      return {
        ...state,
        phase: running,
        apiCalls: state.apiCalls + 1,
        failedCalls: state.failedCalls + (e.ok ? 0 : 1),
      };
    case "throttled":
      return { ...state, throttles: state.throttles + 1 };
    case "retry":
      return { ...state, retries: state.retries + 1 };
    case "scope-error":
      return {
        ...state,
        scopeErrors: state.scopeErrors + 1,
        ...appendLog(state, "error", `${scopeLabel(e.scope)}: ${errorText(e.error)}`),
      };
    case "warning":
      return { ...state, ...appendLog(state, "warn", e.message) };
    case "scan-finished":
      return { ...state, phase: "finished", complete: e.complete, finishedAtMs: action.nowMs, active: [] };
  }
}

/** Fraction of the known work done: accounts, regions, subscriptions and samples, as far as their totals are known. */
export function scanFraction(state: ScanProgress): number | undefined {
  let done = 0;
  let total = 0;
  for (const cloud of Object.values(state.progress)) {
    for (const unit of ["accounts", "regions", "subscriptions", "samples"] as const) {
      const p = cloud?.[unit];
      if (!p) continue;
      done += Math.min(p.done, p.total);
      total += p.total;
    }
  }
  if (total === 0) return undefined;
  return done / total;
}

/** Estimated milliseconds left, from the elapsed time and the fraction done; undefined until it means something. */
export function scanEta(state: ScanProgress, nowMs: number): number | undefined {
  const f = scanFraction(state);
  if (f === undefined || f <= 0 || state.startedAtMs === undefined || state.phase !== "running") return undefined;
  const elapsed = nowMs - state.startedAtMs;
  if (elapsed < 1000 || f < 0.02 || f >= 1) return undefined;
  return Math.max(0, (elapsed * (1 - f)) / f);
}

/** `1h02m`, `3m05s`, `12s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

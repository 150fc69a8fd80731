import type { ApiError, Cloud } from "./common.js";
import type { Scope } from "./scope.js";

/**
 * Progress of a scan. Core code never prints: it emits these, and the TUI, `scan --json` and tests consume the same
 * stream. Every event is plain JSON.
 */
export type ScanEvent =
  | { type: "scan-started"; at: string; clouds: Cloud[] }
  /** A unit of work was discovered; `total` grows as accounts/regions/subscriptions are enumerated. */
  | {
      type: "progress";
      cloud: Cloud;
      unit: "accounts" | "regions" | "subscriptions" | "samples";
      done: number;
      total: number;
    }
  | { type: "scope-started"; scope: Scope }
  | { type: "scope-finished"; scope: Scope; outcome: "ok" | "partial" | "failed" | "skipped" }
  | { type: "api-call"; cloud: Cloud; service: string; operation: string; scope?: Scope; ms: number; ok: boolean }
  | { type: "throttled"; cloud: Cloud; service: string; operation: string; scope?: Scope; retryInMs: number }
  | { type: "retry"; cloud: Cloud; service: string; operation: string; scope?: Scope; attempt: number }
  | { type: "scope-error"; scope: Scope; error: ApiError }
  | { type: "warning"; message: string }
  | { type: "scan-finished"; at: string; complete: boolean };

export type ScanEventType = ScanEvent["type"];

/** Where core code sends its events. */
export type ScanEventSink = (event: ScanEvent) => void;

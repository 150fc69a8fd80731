/**
 * Every AWS API call of a scan goes through `AwsCaller.call`: cancellable with the scan's signal (the scan's Limiter
 * bounds each HTTP attempt in the shared handler, http.ts), reported as an `api-call` ScanEvent, and (via `probe`) turned into the snapshot's Probe facts with
 * classified, redacted errors.
 */
import type { ApiError, Probe } from "../../model/common.js";
import type { Scope } from "../../model/scope.js";
import type { CollectContext } from "../../scan/context.js";
import { toApiError } from "../errors.js";

/** Thrown (and recorded) when the scan was cancelled before a call could start. */
export class ScanCancelled extends Error {
  override readonly name = "ScanCancelled";
  constructor() {
    super("scan cancelled before this call");
  }
}

export class AwsCaller {
  constructor(readonly ctx: CollectContext) {}

  get aborted(): boolean {
    return this.ctx.signal.aborted;
  }

  /** Runs one API call (one page). Throws the SDK error; emits `api-call`. */
  async call<T>(
    service: string,
    operation: string,
    scope: Scope | undefined,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    // The scan's concurrency bound is applied per HTTP attempt by the shared handler (http.ts), not here: a call
    // waiting for a rate-limit token or a retry backoff holds no slot.
    if (this.ctx.signal.aborted) throw new ScanCancelled();
    const started = Date.now();
    let ok = false;
    try {
      const out = await fn(this.ctx.signal);
      ok = true;
      return out;
    } finally {
      this.ctx.emit({
        type: "api-call",
        cloud: "aws",
        service,
        operation,
        ...(scope ? { scope } : {}),
        ms: Date.now() - started,
        ok,
      });
    }
  }

  /** The snapshot's error fact for a failed call. */
  error(err: unknown, service: string, operation: string): ApiError {
    if (err instanceof ScanCancelled || (this.ctx.signal.aborted && isAbort(err))) {
      return {
        kind: "timeout",
        service,
        operation,
        code: "ScanCancelled",
        message: "the scan was cancelled before this call completed",
        at: this.ctx.now().toISOString(),
      };
    }
    return toApiError(err, service, operation, this.ctx.now());
  }

  /**
   * A call whose outcome becomes a Probe: `ok` with `map(result)`, or `error`. Error codes listed in `absent` mean
   * "not configured" (e.g. NoSuchLifecycleConfiguration) and give `ok` with `absentValue`.
   */
  async probe<R, T>(
    service: string,
    operation: string,
    scope: Scope | undefined,
    fn: (signal: AbortSignal) => Promise<R>,
    map: (r: R) => T,
    absent?: { codes: readonly string[]; value: T },
  ): Promise<Probe<T>> {
    try {
      const r = await this.call(service, operation, scope, fn);
      return { state: "ok", value: map(r) };
    } catch (err) {
      if (absent?.codes.includes(errorCode(err))) return { state: "ok", value: absent.value };
      return { state: "error", error: this.error(err, service, operation) };
    }
  }
}

/** The SDK error's code (`name` in SDK v3). */
export function errorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string } | undefined;
  return String(e?.name ?? e?.Code ?? e?.code ?? "");
}

function isAbort(err: unknown): boolean {
  const n = errorCode(err);
  return n === "AbortError" || n === "ScanCancelled";
}

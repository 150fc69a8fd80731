/** Every Azure API call of a scan goes through `call`: cancellation, timeout, api-call event, error record. */
import type { ApiError, Probe } from "../../model/common.js";
import type { Scope } from "../../model/scope.js";
import type { CollectContext } from "../../scan/context.js";
import { toApiError } from "../errors.js";

export const SERVICE = "arm";
/** Upper bound for one logical call (all its pages and the SDK's retries): a hung endpoint becomes a timeout. */
export const CALL_TIMEOUT_MS = 120_000;

/** Runs one read-only API call (all pages of a list) and records it as an `ok` or `error` probe. */
export async function call<T>(
  ctx: CollectContext,
  operation: string,
  scope: Scope | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<Probe<T>> {
  // The scan's concurrency bound applies per HTTP request, in the shared HttpClient (clients.ts).
  if (ctx.signal.aborted) return { state: "error", error: cancelled(ctx, operation) };
  {
    const started = Date.now();
    const timeout = AbortSignal.timeout(CALL_TIMEOUT_MS);
    try {
      const value = await fn(AbortSignal.any([ctx.signal, timeout]));
      ctx.emit({
        type: "api-call",
        cloud: "azure",
        service: SERVICE,
        operation,
        ...(scope ? { scope } : {}),
        ms: Date.now() - started,
        ok: true,
      });
      return { state: "ok", value };
    } catch (err) {
      ctx.emit({
        type: "api-call",
        cloud: "azure",
        service: SERVICE,
        operation,
        ...(scope ? { scope } : {}),
        ms: Date.now() - started,
        ok: false,
      });
      const error = ctx.signal.aborted
        ? cancelled(ctx, operation)
        : timeout.aborted
          ? {
              kind: "timeout" as const,
              service: SERVICE,
              operation,
              code: "Timeout",
              message: `no complete answer within ${CALL_TIMEOUT_MS / 1000} s`,
              at: ctx.now().toISOString(),
            }
          : toApiError(err, SERVICE, operation, ctx.now());
      if (scope) ctx.emit({ type: "scope-error", scope, error });
      return { state: "error", error };
    }
  }
}

export function cancelled(ctx: CollectContext, operation: string): ApiError {
  return {
    kind: "timeout",
    service: SERVICE,
    operation,
    code: "Cancelled",
    message: "the scan was cancelled before this call completed",
    at: ctx.now().toISOString(),
  };
}

/** Drains a paged async iterator. */
export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

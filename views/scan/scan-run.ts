import type { ScanEvent, ScanEventSink } from "../../src/model/events.js";
import type { Snapshot } from "../../src/model/snapshot.js";

/** Runs a scan: the real one is `runScan(options, {env, signal, emit})`; tests pass a fake. */
export type ScanFn = (signal: AbortSignal, emit: ScanEventSink) => Promise<Snapshot>;

/** A scan in progress: its promise, its abort controller, and its events (buffered until the UI subscribes). */
export interface ScanRun {
  readonly promise: Promise<Snapshot>;
  readonly controller: AbortController;
  /** Takes the events emitted since the last call. */
  drain(): ScanEvent[];
  /** True once the user asked to stop. */
  readonly isStopped: () => boolean;
}

/** Starts a scan with a buffering event sink. */
export function startScanRun(scan: ScanFn): ScanRun {
  const controller = new AbortController();
  let queue: ScanEvent[] = [];
  const emit: ScanEventSink = (e) => {
    queue.push(e);
  };
  let promise: Promise<Snapshot>;
  try {
    promise = scan(controller.signal, emit);
  } catch (err) {
    promise = Promise.reject(err);
  }
  // Handled by whoever awaits it; avoids an unhandled-rejection crash before the UI attaches.
  promise.catch(() => {});
  return {
    promise,
    controller,
    drain() {
      const out = queue;
      queue = [];
      return out;
    },
    isStopped: () => controller.signal.aborted,
  };
}

/** The rejection of a promise if it settles as rejected before the event loop turns, else undefined. */
export async function earlyFailure(promise: Promise<unknown>): Promise<unknown> {
  const pending = Symbol("pending");
  const result = await Promise.race([
    promise.then(
      () => pending,
      (err: unknown) => ({ err }),
    ),
    new Promise<typeof pending>((r) => setImmediate(() => r(pending))),
  ]);
  return result === pending ? undefined : (result as { err: unknown }).err;
}

import type { ScanEventSink } from "../model/events.js";
import type { Limiter } from "./limit.js";
import type { ScanOptions } from "./options.js";

/** What a collector receives. Collectors call SDKs and record facts; they judge nothing and never print. */
export interface CollectContext {
  options: ScanOptions;
  /** Environment for credential chains and endpoint overrides. */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  emit: ScanEventSink;
  now(): Date;
  /** Bounds concurrent API work across all scopes of all clouds (`--concurrency`). */
  limiter: Limiter;
}

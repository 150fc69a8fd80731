import { UserError } from "../errors.js";
import type { ScanEventSink } from "../model/events.js";
import type { Snapshot } from "../model/snapshot.js";
import type { ScanOptions } from "./options.js";

export type { ScanOptions } from "./options.js";

/** What a scan may use of the outside world. Tests and the demo pass the simulator's environment. */
export interface ScanDeps {
  /** Environment for the SDK credential chains and endpoint overrides (AWS_*, BLINDSPOT_AZURE_ENDPOINT, ...). */
  env: NodeJS.ProcessEnv;
  /** Aborting stops the scan; what was collected is returned with `complete: false`. */
  signal: AbortSignal;
  /** Progress; core code never prints. */
  emit: ScanEventSink;
  /** Clock, for tests. */
  now?: () => Date;
}

/**
 * Scans the clouds the options select and returns the snapshot (facts only; analyzers judge it).
 * Read-only: only Describe/Get/List/Lookup/query calls.
 */
export async function runScan(_options: ScanOptions, _deps: ScanDeps): Promise<Snapshot> {
  throw new UserError("scan is not available yet in this version of blindspot", {
    hint: "explore a saved snapshot with `blindspot report --from FILE`",
  });
}

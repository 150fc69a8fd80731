import type { Cloud } from "../model/common.js";
import type { ScanEventSink } from "../model/events.js";
import { type SanitizedOptions, SNAPSHOT_SCHEMA_VERSION, type Snapshot } from "../model/snapshot.js";
import { toolVersion } from "../version.js";
import type { CollectContext } from "./context.js";
import { Limiter } from "./limit.js";
import type { ScanOptions } from "./options.js";
import { redactDeep, redactError, redactingSink, secretValues } from "./redact.js";

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
export async function runScan(options: ScanOptions, deps: ScanDeps): Promise<Snapshot> {
  // Secrets never leave a scan: events, the snapshot and error messages are redacted (scan/redact.ts).
  const secrets = secretValues(deps.env);
  const emit = redactingSink(deps.emit, secrets);
  try {
    return redactDeep(await scan(options, { ...deps, emit }), secrets);
  } catch (err) {
    throw redactError(err, secrets);
  }
}

async function scan(options: ScanOptions, deps: ScanDeps): Promise<Snapshot> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const ctx: CollectContext = {
    options,
    env: deps.env,
    signal: deps.signal,
    emit: deps.emit,
    now,
    limiter: new Limiter(options.concurrency),
  };
  const clouds: Cloud[] = [...(options.aws ? (["aws"] as const) : []), ...(options.azure ? (["azure"] as const) : [])];
  deps.emit({ type: "scan-started", at: startedAt.toISOString(), clouds });
  // Each cloud's SDKs are loaded only when that cloud is scanned (they take most of the start-up time). One thread
  // evaluates the modules either way: loading Azure's after AWS's lets the AWS scan (an organization's accounts, the
  // longer part) start a few hundred milliseconds sooner, and the Azure scan no later.
  const awsModule = options.aws ? import("../collect/aws/index.js") : undefined;
  const [aws, azure] = await Promise.all([
    awsModule?.then((m) => m.collectAws(ctx)),
    options.azure
      ? Promise.resolve(awsModule?.catch(() => undefined))
          .then(() => import("../collect/azure/index.js"))
          .then((m) => m.collectAzure(ctx))
      : undefined,
  ]);
  const finishedAt = now();
  const complete = !deps.signal.aborted;
  deps.emit({ type: "scan-finished", at: finishedAt.toISOString(), complete });
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: { name: "blindspot", version: toolVersion() },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    complete,
    options: sanitizeOptions(options, deps.env, [
      ...(aws ? (["aws"] as const) : []),
      ...(azure ? (["azure"] as const) : []),
    ]),
    ...(aws ? { aws } : {}),
    ...(azure ? { azure } : {}),
  };
}

/** The options as recorded in a snapshot: no external id, no credentials; endpoint URLs without user info. */
export function sanitizeOptions(o: ScanOptions, env: NodeJS.ProcessEnv, clouds: Cloud[]): SanitizedOptions {
  const endpoints: Record<string, string> = {};
  for (const name of ["AWS_ENDPOINT_URL", "BLINDSPOT_AZURE_ENDPOINT"]) {
    const value = env[name];
    if (value) endpoints[name] = stripUserInfo(value);
  }
  return {
    clouds,
    retentionDays: o.retentionDays,
    sampleDays: o.sampleDays,
    sample: o.sample,
    sampleMax: o.sampleMax,
    org: o.org,
    roleName: o.roleName,
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.accounts ? { accounts: o.accounts } : {}),
    ...(o.excludeAccounts ? { excludeAccounts: o.excludeAccounts } : {}),
    ...(o.regions ? { regions: o.regions } : {}),
    ...(o.subscriptions ? { subscriptions: o.subscriptions } : {}),
    ...(o.excludeSubscriptions ? { excludeSubscriptions: o.excludeSubscriptions } : {}),
    ...(o.tenant ? { tenant: o.tenant } : {}),
    ...(o.shard ? { shard: o.shard } : {}),
    ...(Object.keys(endpoints).length ? { endpoints } : {}),
  };
}

function stripUserInfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}

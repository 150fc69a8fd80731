/**
 * Collects the Azure part of the snapshot: subscriptions, their Activity Log exports (diagnostic settings and legacy
 * log profiles), the destinations those exports name (Log Analytics workspaces and tables, storage containers'
 * immutability), and each tenant's Entra ID diagnostic settings. Facts only: analyzers judge them.
 * Read-only: every call is a GET (list/get).
 */
import { UserError } from "../../errors.js";
import type { ApiError, Probe } from "../../model/common.js";
import type { Scope } from "../../model/scope.js";
import type {
  AzurePart,
  AzureSubscription,
  AzureTenant,
  DiagnosticSetting,
  LogProfile,
  StorageDestination,
  Workspace,
  WorkspaceTable,
} from "../../model/snapshot-azure.js";
import type { CollectContext } from "../../scan/context.js";
import { mapLimit } from "../../scan/limit.js";
import { inShard } from "../../scan/shard.js";
import { collectAzureAlerts } from "../detection/azure.js";
import { redact, toApiError } from "../errors.js";
import { sampleAzurePart } from "../sampling/index.js";
import { all, call, SERVICE } from "./call.js";
import { AzureClients, rawError } from "./clients.js";
import { parseArmId, toDiagnosticSetting, toImmutability, toLogProfile, toTable } from "./normalize.js";

/**
 * Subscription states recorded as skipped (cell n/a). Everything else is audited: Enabled, Warned, PastDue, and any
 * state an API or emulator reports that we do not know (fail closed: read it rather than skip it).
 */
export const SKIPPED_STATES = new Set(["disabled", "deleted"]);
/** The workspace tables whose retention decides whether audit data is kept. */
export const AUDIT_TABLES = ["AzureActivity", "SigninLogs", "AADNonInteractiveUserSignInLogs"] as const;
/** The container Azure Monitor writes the Activity Log to. */
export const ACTIVITY_CONTAINER = "insights-activity-logs";
export const ENTRA_SETTINGS_PATH = "/providers/microsoft.aadiam/diagnosticSettings?api-version=2017-04-01";
const STORAGE_API = "2023-05-01";
/** How long the credential check may take before Azure counts as "no credentials". */
const TOKEN_TIMEOUT_MS = 30_000;

/**
 * Collects the Azure part of the snapshot. Resolves to undefined when Azure was not asked for explicitly and no
 * credentials are available (a `warning` event says so).
 */
export async function collectAzure(ctx: CollectContext): Promise<AzurePart | undefined> {
  const { options } = ctx;
  const clients = new AzureClients(ctx.env, options.tenant, ctx.limiter);

  // 1. Is there a credential at all? Without one, a default (not explicit) scan skips Azure with a warning.
  try {
    const timeout = AbortSignal.timeout(TOKEN_TIMEOUT_MS);
    await clients.probeToken(options.tenant, AbortSignal.any([ctx.signal, timeout]));
  } catch (err) {
    if (ctx.signal.aborted) return undefined; // cancelled before anything was read
    const why = redact(String((err as Error)?.message ?? err).split("\n")[0] ?? "").slice(0, 300);
    if (!options.cloudsExplicit) {
      ctx.emit({
        type: "warning",
        message: `Azure skipped: no Azure credential works (${why}). Run \`az login\` or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or pass --aws to scan AWS only.`,
      });
      return undefined;
    }
    throw new UserError(`no Azure credential works: ${why}`, {
      hint: "run `az login` (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET) and try again",
      exitCode: 1,
    });
  }

  // 2. Subscriptions.
  const listed = await call(ctx, "subscriptions.list", undefined, (signal) =>
    all(clients.subscriptions(options.tenant).subscriptions.list({ abortSignal: signal })),
  );
  if (listed.state === "error") {
    // Cancelled before the list arrived: nothing was read (the snapshot says complete: false).
    if (ctx.signal.aborted) return { tenants: [], subscriptions: [], workspaces: [], storage: [] };
    const e = listed.error;
    if (!options.cloudsExplicit) {
      ctx.emit({ type: "warning", message: `Azure skipped: cannot list subscriptions (${e.code}: ${e.message})` });
      return undefined;
    }
    throw new UserError(`cannot list Azure subscriptions (${e.code}: ${e.message})`, {
      hint: "the identity needs the Reader role on the subscriptions to scan (see docs/azure.md)",
      exitCode: 1,
    });
  }

  const include = lowerSet(options.subscriptions);
  const exclude = lowerSet(options.excludeSubscriptions);
  const tenantFilter = options.tenant?.toLowerCase();
  const tenantOf = new Map<string, string | undefined>();
  const subscriptions: AzureSubscription[] = [];
  const seen = new Set<string>();
  for (const s of listed.value) {
    const id = s.subscriptionId ?? s.id?.split("/").pop();
    if (!id) continue;
    const key = id.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    tenantOf.set(key, s.tenantId);
    if (tenantFilter && s.tenantId && s.tenantId.toLowerCase() !== tenantFilter) continue;
    if (include && !include.has(key)) continue;
    if (exclude?.has(key)) continue;
    if (options.shard && !inShard(key, options.shard)) continue;
    const state = s.state ?? "Unknown";
    subscriptions.push({
      subscriptionId: id,
      ...(s.displayName ? { displayName: s.displayName } : {}),
      ...(s.tenantId ? { tenantId: s.tenantId } : {}),
      state,
      access: SKIPPED_STATES.has(state.toLowerCase())
        ? { state: "skipped", reason: `subscription is ${state}` }
        : { state: "ok" },
      samples: [],
      tamper: [],
      errors: [],
    });
  }
  // Asked for by id but not visible to this identity: fail closed.
  for (const id of options.subscriptions ?? []) {
    if (seen.has(id.toLowerCase())) continue;
    if (options.shard && !inShard(id.toLowerCase(), options.shard)) continue;
    subscriptions.push({
      subscriptionId: id,
      state: "Unknown",
      access: {
        state: "error",
        error: {
          kind: "not-found",
          service: SERVICE,
          operation: "subscriptions.list",
          code: "SubscriptionNotFound",
          message: `subscription ${id} is not visible to this identity (not in the subscriptions list)`,
          at: ctx.now().toISOString(),
        },
      },
      samples: [],
      tamper: [],
      errors: [],
    });
  }

  // 3. Per subscription: diagnostic settings and legacy log profiles.
  const total = subscriptions.length;
  let done = 0;
  ctx.emit({ type: "progress", cloud: "azure", unit: "subscriptions", done, total });
  await mapLimit(subscriptions, Math.max(1, options.concurrency), async (sub) => {
    const scope: Scope = { cloud: "azure", subscriptionId: sub.subscriptionId, tenantId: sub.tenantId };
    ctx.emit({ type: "scope-started", scope });
    if (sub.access.state === "ok") await collectSubscription(ctx, clients, sub, scope);
    const outcome =
      sub.access.state === "skipped"
        ? "skipped"
        : sub.access.state !== "ok"
          ? "failed"
          : sub.errors.length > 0
            ? "partial"
            : "ok";
    ctx.emit({ type: "scope-finished", scope, outcome });
    done++;
    ctx.emit({ type: "progress", cloud: "azure", unit: "subscriptions", done, total });
  });

  // 4. Tenants: Entra ID diagnostic settings.
  const tenantIds = new Map<string, string>();
  if (options.tenant) tenantIds.set(options.tenant.toLowerCase(), options.tenant);
  for (const s of subscriptions) if (s.tenantId) tenantIds.set(s.tenantId.toLowerCase(), s.tenantId);
  if (tenantIds.size === 0) {
    const t = await call(ctx, "tenants.list", undefined, (signal) =>
      all(clients.subscriptions(undefined).tenants.list({ abortSignal: signal })),
    );
    if (t.state === "ok") for (const x of t.value) if (x.tenantId) tenantIds.set(x.tenantId.toLowerCase(), x.tenantId);
  }
  const tenants = await Promise.all([...tenantIds.values()].map((id) => collectTenant(ctx, clients, id)));

  // 5. Destinations, deduplicated across subscriptions and tenants.
  const settings: DiagnosticSetting[] = [
    ...subscriptions.flatMap((s) => (s.diagnosticSettings?.state === "ok" ? s.diagnosticSettings.value : [])),
    ...tenants.flatMap((t) => (t.entraDiagnosticSettings?.state === "ok" ? t.entraDiagnosticSettings.value : [])),
  ];
  const workspaceIds = dedupe(settings.map((s) => s.workspaceId));
  const storageIds = dedupe(settings.map((s) => s.storageAccountId));
  const tenantForSub = (sub: string) => tenantOf.get(sub.toLowerCase()) ?? options.tenant;
  const [workspaces, storage] = await Promise.all([
    Promise.all(workspaceIds.map((id) => collectWorkspace(ctx, clients, id, tenantForSub))),
    Promise.all(storageIds.map((id) => collectStorage(ctx, clients, id, tenantForSub))),
  ]);

  // 6. Blind-spot sampling (activity log vs workspace, failed sign-ins): only when sampling is on.
  const part: AzurePart = { tenants, subscriptions, workspaces, storage };
  await sampleAzurePart(ctx, part, clients);
  return part;
}

async function collectSubscription(
  ctx: CollectContext,
  clients: AzureClients,
  sub: AzureSubscription,
  scope: Scope,
): Promise<void> {
  const monitor = clients.monitor(sub.subscriptionId, sub.tenantId);
  // No leading slash: the SDK adds one (reference §8).
  const [diag, profiles] = await Promise.all([
    call(ctx, "diagnosticSettings.list", scope, async (signal) =>
      (await all(monitor.diagnosticSettings.list(`subscriptions/${sub.subscriptionId}`, { abortSignal: signal }))).map(
        toDiagnosticSetting,
      ),
    ),
    call(ctx, "logProfiles.list", scope, async (signal): Promise<LogProfile[]> => {
      try {
        return (await all(monitor.logProfiles.list({ abortSignal: signal }))).map(toLogProfile);
      } catch (err) {
        // Log profiles are retired: where the resource type is gone (404 on the list), none can exist.
        const e = err as { statusCode?: number; code?: string };
        if (e.statusCode === 404 && e.code !== "SubscriptionNotFound") return [];
        throw err;
      }
    }),
  ]);
  sub.readAt = ctx.now().toISOString();
  if (diag.state === "error" && (diag.error.kind === "denied" || profiles.state === "error")) {
    // The subscription cannot be read at all (no role on it, or every call failed).
    sub.access = { state: diag.error.kind === "denied" ? "denied" : "error", error: diag.error };
    sub.errors.push(diag.error, ...(profiles.state === "error" ? [profiles.error] : []));
    return;
  }
  sub.diagnosticSettings = diag;
  sub.logProfiles = profiles;
  for (const p of [diag, profiles]) if (p.state === "error") sub.errors.push(p.error);
  // Detection coverage (CIS 5.2 activity log alerts): its own probe; a failure never breaks the rest of the scan.
  try {
    await collectAzureAlerts(ctx, clients, sub);
  } catch (err) {
    sub.activityLogAlerts = {
      state: "error",
      error: toApiError(err, SERVICE, "activityLogAlerts.listBySubscriptionId", ctx.now()),
    };
  }
}

async function collectTenant(ctx: CollectContext, clients: AzureClients, tenantId: string): Promise<AzureTenant> {
  const scope: Scope = { cloud: "azure", tenantId };
  const probe = await call(ctx, "aadiamDiagnosticSettings.list", scope, async (signal) => {
    const out: DiagnosticSetting[] = [];
    let next: string | undefined = ENTRA_SETTINGS_PATH;
    for (let page = 0; next && page < 100; page++) {
      const res = await clients.armGet(next, tenantId, signal);
      if (res.status !== 200) throw rawError(res);
      const body = (res.body ?? {}) as { value?: unknown[]; nextLink?: unknown };
      out.push(...(Array.isArray(body.value) ? body.value : []).map(toDiagnosticSetting));
      next = typeof body.nextLink === "string" && body.nextLink !== "" ? body.nextLink : undefined;
    }
    return out;
  });
  return { tenantId, entraDiagnosticSettings: probe, readAt: ctx.now().toISOString(), samples: [] };
}

async function collectWorkspace(
  ctx: CollectContext,
  clients: AzureClients,
  id: string,
  tenantForSub: (sub: string) => string | undefined,
): Promise<Workspace> {
  const parts = parseArmId(id, "Microsoft.OperationalInsights/workspaces");
  if (!parts) {
    return { id, subscriptionId: "", error: invalidId(ctx, "workspaces.get", id, "a Log Analytics workspace") };
  }
  const { subscriptionId, resourceGroup, name } = parts;
  const tenant = tenantForSub(subscriptionId);
  const client = clients.workspaces(subscriptionId, tenant);
  const scope: Scope = { cloud: "azure", subscriptionId, ...(tenant ? { tenantId: tenant } : {}) };
  const got = await call(ctx, "workspaces.get", scope, (signal) =>
    client.workspaces.get(resourceGroup, name, { abortSignal: signal }),
  );
  const readAt = ctx.now().toISOString();
  if (got.state === "error") return { id, subscriptionId, resourceGroup, name, error: got.error, readAt };
  const w = got.value;
  const tables: WorkspaceTable[] = [];
  let tableError: ApiError | undefined;
  for (const table of AUDIT_TABLES) {
    const t = await call(ctx, "tables.get", scope, (signal) =>
      client.tables.get(resourceGroup, name, table, { abortSignal: signal }),
    );
    if (t.state === "ok") tables.push({ ...toTable(t.value), name: t.value.name ?? table });
    else if (t.error.kind !== "not-found") tableError ??= t.error; // an absent table has no override
  }
  const tablesProbe: Probe<WorkspaceTable[]> = tableError
    ? { state: "error", error: tableError }
    : { state: "ok", value: tables };
  return {
    id: w.id ?? id,
    subscriptionId,
    resourceGroup,
    name: w.name ?? name,
    ...(w.customerId ? { customerId: w.customerId } : {}),
    ...(w.sku?.name ? { sku: w.sku.name } : {}),
    ...(typeof w.retentionInDays === "number" ? { retentionInDays: w.retentionInDays } : {}),
    ...(w.createdDate instanceof Date && !Number.isNaN(w.createdDate.getTime())
      ? { createdDate: w.createdDate.toISOString() }
      : {}),
    tables: tablesProbe,
    readAt: ctx.now().toISOString(),
  };
}

async function collectStorage(
  ctx: CollectContext,
  clients: AzureClients,
  id: string,
  tenantForSub: (sub: string) => string | undefined,
): Promise<StorageDestination> {
  const parts = parseArmId(id, "Microsoft.Storage/storageAccounts");
  if (!parts) {
    return {
      id,
      container: ACTIVITY_CONTAINER,
      immutability: { state: "error", error: invalidId(ctx, "blobContainers.get", id, "a storage account") },
    };
  }
  const tenant = tenantForSub(parts.subscriptionId);
  const scope: Scope = {
    cloud: "azure",
    subscriptionId: parts.subscriptionId,
    ...(tenant ? { tenantId: tenant } : {}),
  };
  const base = `/subscriptions/${parts.subscriptionId}/resourceGroups/${parts.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${parts.name}/blobServices/default/containers/${ACTIVITY_CONTAINER}`;
  const container = await call(ctx, "blobContainers.get", scope, async (signal) => {
    const res = await clients.armGet(`${base}?api-version=${STORAGE_API}`, tenant, signal);
    if (res.status === 404 && errorCode(res.body) === "ContainerNotFound") return undefined;
    if (res.status !== 200) throw rawError(res);
    return res.body as { properties?: { hasLegalHold?: unknown; hasImmutabilityPolicy?: unknown } } | undefined;
  });
  if (container.state === "error") {
    return { id, container: ACTIVITY_CONTAINER, immutability: container, readAt: ctx.now().toISOString() };
  }
  if (container.value === undefined) {
    return {
      id,
      container: ACTIVITY_CONTAINER,
      containerFound: false,
      immutability: { state: "ok", value: null },
      readAt: ctx.now().toISOString(),
    };
  }
  const props = container.value?.properties ?? {};
  const hasLegalHold = props.hasLegalHold === true;
  // The container says whether a policy exists; only then is the policy read (any 404 there means none).
  const policy: Probe<ReturnType<typeof toImmutability>> =
    props.hasImmutabilityPolicy === false
      ? { state: "ok", value: null }
      : await call(ctx, "blobContainers.getImmutabilityPolicy", scope, async (signal) => {
          const res = await clients.armGet(
            `${base}/immutabilityPolicies/default?api-version=${STORAGE_API}`,
            tenant,
            signal,
          );
          if (res.status === 404) return null;
          if (res.status !== 200) throw rawError(res);
          return toImmutability(res.body);
        });
  return {
    id,
    container: ACTIVITY_CONTAINER,
    containerFound: true,
    hasLegalHold,
    immutability: policy,
    readAt: ctx.now().toISOString(),
  };
}

function errorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === "string" ? code : undefined;
}

function invalidId(ctx: CollectContext, operation: string, id: string, what: string): ApiError {
  return {
    kind: "invalid",
    service: SERVICE,
    operation,
    code: "InvalidResourceId",
    message: `${id} is not the ARM id of ${what}`,
    at: ctx.now().toISOString(),
  };
}

function lowerSet(list: readonly string[] | undefined): Set<string> | undefined {
  return list && list.length > 0 ? new Set(list.map((s) => s.toLowerCase())) : undefined;
}

/** Distinct ids, compared case-insensitively (ARM ids are), keeping the first spelling. */
function dedupe(ids: readonly (string | undefined)[]): string[] {
  const out = new Map<string, string>();
  for (const id of ids) if (id && !out.has(id.toLowerCase())) out.set(id.toLowerCase(), id);
  return [...out.values()];
}

/** Deterministic shard membership of a subscription id (K/N, K from 1): the scan's one shard function. */
export { inShard } from "../../scan/shard.js";

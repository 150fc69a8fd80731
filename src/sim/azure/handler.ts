/**
 * The Azure protocol handler: ARM REST (management.azure.com paths and api-versions the installed SDKs send) and
 * the Log Analytics query API (api.loganalytics.io `/v1/workspaces/{id}/query`). Claims only requests with a
 * `Bearer` Authorization header (AWS requests are SigV4-signed). See docs/scenarios-azure.md.
 */
import { randomUUID } from "node:crypto";
import { type AzureScenario, AzureScenarioSchema } from "../scenario/azure.js";
import type { CallInfo, ProtocolHandler, SimContext, SimRequest, SimResponse } from "../types.js";
import { FilterError, parseActivityFilter } from "./activity-filter.js";
import { handleBatch, handleQuery } from "./loganalytics.js";
import {
  type ActEvent,
  AzureState,
  type DiagSettingState,
  freezePurge,
  type ImmutabilityState,
  type StorageAccountState,
  type SubscriptionState,
  storageArmId,
  type TenantState,
  tableRetention,
  type WorkspaceState,
  workspaceArmId,
  workspaceRetention,
} from "./state.js";

/** Header the sim-endpoint policy sets with the original https origin, used to build nextLinks. */
export const ORIGINAL_ORIGIN_HEADER = "x-blindspot-sim-origin";
export const SUBSCRIPTIONS_PAGE_SIZE = 50;
export const ACTIVITY_PAGE_SIZE = 200;

const ACTIVITY_CATEGORIES = [
  "Administrative",
  "Security",
  "ServiceHealth",
  "Alert",
  "Recommendation",
  "Policy",
  "Autoscale",
  "ResourceHealth",
];

const SELECTABLE = new Set([
  "authorization",
  "claims",
  "correlationid",
  "description",
  "eventdataid",
  "eventname",
  "eventtimestamp",
  "httprequest",
  "level",
  "operationid",
  "operationname",
  "properties",
  "resourcegroupname",
  "resourceprovidername",
  "resourceid",
  "status",
  "submissiontimestamp",
  "substatus",
  "subscriptionid",
  "caller",
  "category",
  "resourcetype",
  "tenantid",
  "id",
]);

type Params = Record<string, string>;
interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  operation: string;
  service: "arm" | "loganalytics";
  write: boolean;
  /** RBAC action named in AuthorizationFailed. */
  action: string;
}

function route(
  method: string,
  path: string,
  operation: string,
  action: string,
  opts: { write?: boolean; service?: "arm" | "loganalytics" } = {},
): Route {
  const keys: string[] = [];
  const src = path
    .split("/")
    .map((seg) => {
      const m = /^\{(\w+)\}$/.exec(seg);
      if (m) {
        keys.push(m[1]!);
        return "([^/]+)";
      }
      return seg.replace(/[.$]/g, "\\$&");
    })
    .join("/");
  return {
    method,
    pattern: new RegExp(`^${src}/?$`, "i"),
    keys,
    operation,
    service: opts.service ?? "arm",
    write: opts.write ?? false,
    action,
  };
}

const SUB = "/subscriptions/{subscriptionId}";
const RG = `${SUB}/resourceGroups/{resourceGroup}`;
const WS = `${RG}/providers/Microsoft.OperationalInsights/workspaces/{workspace}`;
const CONT = `${RG}/providers/Microsoft.Storage/storageAccounts/{account}/blobServices/default/containers`;
const AAD = "/providers/microsoft.aadiam/diagnosticSettings";

const ROUTES: Route[] = [
  route(
    "POST",
    "/v1/workspaces/{workspaceId}/query",
    "query.execute",
    "Microsoft.OperationalInsights/workspaces/query/read",
    {
      service: "loganalytics",
    },
  ),
  route("POST", "/v1/$batch", "query.batch", "Microsoft.OperationalInsights/workspaces/query/read", {
    service: "loganalytics",
  }),
  route(
    "POST",
    "/v1/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/{workspace}/query",
    "query.executeWithResourceId",
    "Microsoft.OperationalInsights/workspaces/query/read",
    {
      service: "loganalytics",
    },
  ),
  route("GET", "/subscriptions", "subscriptions.list", "Microsoft.Resources/subscriptions/read"),
  route("GET", "/tenants", "tenants.list", "Microsoft.Resources/tenants/read"),
  route("GET", SUB, "subscriptions.get", "Microsoft.Resources/subscriptions/read"),
  route(
    "GET",
    `${SUB}/providers/Microsoft.Insights/diagnosticSettings`,
    "diagnosticSettings.list",
    "Microsoft.Insights/diagnosticSettings/read",
  ),
  route(
    "GET",
    `${SUB}/providers/Microsoft.Insights/diagnosticSettings/{name}`,
    "diagnosticSettings.get",
    "Microsoft.Insights/diagnosticSettings/read",
  ),
  route(
    "PUT",
    `${SUB}/providers/Microsoft.Insights/diagnosticSettings/{name}`,
    "diagnosticSettings.createOrUpdate",
    "Microsoft.Insights/diagnosticSettings/write",
    { write: true },
  ),
  route(
    "DELETE",
    `${SUB}/providers/Microsoft.Insights/diagnosticSettings/{name}`,
    "diagnosticSettings.delete",
    "Microsoft.Insights/diagnosticSettings/delete",
    { write: true },
  ),
  route(
    "GET",
    `${SUB}/providers/Microsoft.Insights/logprofiles`,
    "logProfiles.list",
    "Microsoft.Insights/LogProfiles/read",
  ),
  route(
    "GET",
    `${SUB}/providers/Microsoft.Insights/logprofiles/{name}`,
    "logProfiles.get",
    "Microsoft.Insights/LogProfiles/read",
  ),
  route(
    "DELETE",
    `${SUB}/providers/Microsoft.Insights/logprofiles/{name}`,
    "logProfiles.delete",
    "Microsoft.Insights/LogProfiles/delete",
    { write: true },
  ),
  route(
    "PUT",
    `${RG}/providers/Microsoft.Insights/activityLogAlerts/{name}`,
    "activityLogAlerts.createOrUpdate",
    "Microsoft.Insights/activityLogAlerts/write",
    { write: true },
  ),
  route(
    "DELETE",
    `${RG}/providers/Microsoft.Insights/activityLogAlerts/{name}`,
    "activityLogAlerts.delete",
    "Microsoft.Insights/activityLogAlerts/delete",
    { write: true },
  ),
  route(
    "GET",
    `${SUB}/providers/Microsoft.Insights/eventtypes/management/values`,
    "activityLogs.list",
    "Microsoft.Insights/eventtypes/values/read",
  ),
  route(
    "GET",
    `${SUB}/providers/Microsoft.Insights/activityLogAlerts`,
    "activityLogAlerts.listBySubscriptionId",
    "Microsoft.Insights/activityLogAlerts/read",
  ),
  route(
    "GET",
    `${RG}/providers/Microsoft.Insights/activityLogAlerts`,
    "activityLogAlerts.listByResourceGroup",
    "Microsoft.Insights/activityLogAlerts/read",
  ),
  route(
    "GET",
    `${RG}/providers/Microsoft.Insights/activityLogAlerts/{name}`,
    "activityLogAlerts.get",
    "Microsoft.Insights/activityLogAlerts/read",
  ),
  route(
    "GET",
    `${SUB}/providers/Microsoft.OperationalInsights/workspaces`,
    "workspaces.list",
    "Microsoft.OperationalInsights/workspaces/read",
  ),
  route(
    "GET",
    `${RG}/providers/Microsoft.OperationalInsights/workspaces`,
    "workspaces.listByResourceGroup",
    "Microsoft.OperationalInsights/workspaces/read",
  ),
  route("GET", WS, "workspaces.get", "Microsoft.OperationalInsights/workspaces/read"),
  route("PUT", WS, "workspaces.createOrUpdate", "Microsoft.OperationalInsights/workspaces/write", { write: true }),
  route("PATCH", WS, "workspaces.update", "Microsoft.OperationalInsights/workspaces/write", { write: true }),
  route("GET", `${WS}/tables`, "tables.listByWorkspace", "Microsoft.OperationalInsights/workspaces/tables/read"),
  route("GET", `${WS}/tables/{table}`, "tables.get", "Microsoft.OperationalInsights/workspaces/tables/read"),
  route(
    "PUT",
    `${WS}/tables/{table}`,
    "tables.createOrUpdate",
    "Microsoft.OperationalInsights/workspaces/tables/write",
    { write: true },
  ),
  route("PATCH", `${WS}/tables/{table}`, "tables.update", "Microsoft.OperationalInsights/workspaces/tables/write", {
    write: true,
  }),
  route("GET", CONT, "blobContainers.list", "Microsoft.Storage/storageAccounts/blobServices/containers/read"),
  route(
    "GET",
    `${CONT}/{container}`,
    "blobContainers.get",
    "Microsoft.Storage/storageAccounts/blobServices/containers/read",
  ),
  route(
    "GET",
    `${CONT}/{container}/immutabilityPolicies/default`,
    "blobContainers.getImmutabilityPolicy",
    "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/read",
  ),
  route(
    "PUT",
    `${CONT}/{container}/immutabilityPolicies/default`,
    "blobContainers.createOrUpdateImmutabilityPolicy",
    "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write",
    { write: true },
  ),
  route(
    "DELETE",
    `${CONT}/{container}/immutabilityPolicies/default`,
    "blobContainers.deleteImmutabilityPolicy",
    "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/delete",
    { write: true },
  ),
  route(
    "POST",
    `${CONT}/{container}/immutabilityPolicies/default/lock`,
    "blobContainers.lockImmutabilityPolicy",
    "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/lock/action",
    { write: true },
  ),
  route("GET", AAD, "aadiamDiagnosticSettings.list", "microsoft.aadiam/diagnosticSettings/read"),
  route("GET", `${AAD}/{name}`, "aadiamDiagnosticSettings.get", "microsoft.aadiam/diagnosticSettings/read"),
  route(
    "PUT",
    `${AAD}/{name}`,
    "aadiamDiagnosticSettings.createOrUpdate",
    "microsoft.aadiam/diagnosticSettings/write",
    { write: true },
  ),
  route("DELETE", `${AAD}/{name}`, "aadiamDiagnosticSettings.delete", "microsoft.aadiam/diagnosticSettings/delete", {
    write: true,
  }),
];

function match(req: SimRequest): { route: Route; params: Params } | undefined {
  for (const r of ROUTES) {
    if (r.method !== req.method.toUpperCase()) continue;
    const m = r.pattern.exec(req.path);
    if (!m) continue;
    const params: Params = {};
    r.keys.forEach((k, i) => {
      params[k] = decodeURIComponent(m[i + 1]!);
    });
    return { route: r, params };
  }
  return undefined;
}

function isBearer(req: SimRequest): boolean {
  const a = req.headers.authorization;
  return typeof a === "string" && /^Bearer\s+\S/i.test(a);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-ms-request-id": randomUUID(),
      "x-ms-correlation-request-id": randomUUID(),
      ...headers,
    },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}

export function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  return json(status, { error: { code, message } }, headers);
}

function authorizationFailed(action: string, scope: string): SimResponse {
  const oid = "7d1c0e2a-5b1f-4c55-9a43-0b6f6c1e9a01";
  return armError(
    403,
    "AuthorizationFailed",
    `The client '${oid}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

function notFound(type: string, name: string, rg?: string): SimResponse {
  return armError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${rg ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

function bodyJson(req: SimRequest): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(req.body.toString("utf8") || "{}") as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function props(body: Record<string, unknown>): Record<string, unknown> {
  const p = body.properties;
  return p !== null && typeof p === "object" ? (p as Record<string, unknown>) : {};
}

function nextLinkBase(req: SimRequest): string {
  const origin = req.headers[ORIGINAL_ORIGIN_HEADER];
  if (typeof origin === "string" && origin !== "") return origin.replace(/\/$/, "");
  return `http://${req.headers.host ?? "127.0.0.1"}`;
}

function localized(v: string, l = v): { value: string; localizedValue: string } {
  return { value: v, localizedValue: l };
}

// ------------------------------------------------------------------ renderers

function renderDiagSetting(scope: string, d: DiagSettingState, subscriptionScope: boolean): unknown {
  let logs = d.logs;
  if (subscriptionScope && logs.every((l) => l.category !== undefined)) {
    // ARM answers every activity-log category with its enabled flag.
    logs = ACTIVITY_CATEGORIES.map((c) => ({
      category: c,
      enabled: d.logs.some((l) => l.enabled && l.category?.toLowerCase() === c.toLowerCase()),
    }));
  }
  return {
    id: `${scope}/providers/microsoft.insights/diagnosticSettings/${d.name}`,
    type: "Microsoft.Insights/diagnosticSettings",
    name: d.name,
    location: subscriptionScope ? "global" : undefined,
    properties: {
      storageAccountId: d.storageAccountId ?? null,
      serviceBusRuleId: d.serviceBusRuleId ?? null,
      workspaceId: d.workspaceId ?? null,
      eventHubAuthorizationRuleId: d.eventHubAuthorizationRuleId ?? null,
      eventHubName: d.eventHubName ?? null,
      marketplacePartnerId: d.marketplacePartnerId ?? null,
      logAnalyticsDestinationType: d.logAnalyticsDestinationType ?? null,
      logs: logs.map((l) => ({ ...l, ...(subscriptionScope ? {} : { retentionPolicy: { enabled: false, days: 0 } }) })),
    },
  };
}

function renderWorkspace(ws: WorkspaceState): unknown {
  return {
    id: workspaceArmId(ws.subscription, ws.resourceGroup, ws.name),
    name: ws.name,
    type: "Microsoft.OperationalInsights/workspaces",
    location: ws.location,
    tags: {},
    etag: `"${ws.customerId.slice(0, 8)}-0000-0d00-0000-000000000000"`,
    properties: {
      customerId: ws.customerId,
      provisioningState: "Succeeded",
      sku: { name: ws.sku, lastSkuUpdate: ws.createdDate.toISOString() },
      retentionInDays: workspaceRetention(ws),
      workspaceCapping: {
        dailyQuotaGb: -1,
        quotaNextResetTime: "2026-01-01T00:00:00Z",
        dataIngestionStatus: "RespectQuota",
      },
      publicNetworkAccessForIngestion: "Enabled",
      publicNetworkAccessForQuery: "Enabled",
      createdDate: ws.createdDate.toISOString(),
      modifiedDate: ws.modifiedDate.toISOString(),
      features: { legacy: 0, searchVersion: 1, enableLogAccessUsingOnlyResourcePermissions: true },
    },
  };
}

function renderTable(ws: WorkspaceState, key: string): unknown {
  const t = ws.tables.get(key)!;
  const ret = tableRetention(ws, t.name);
  const total = t.totalRetentionInDays ?? ret.days;
  return {
    id: `${workspaceArmId(ws.subscription, ws.resourceGroup, ws.name)}/tables/${t.name}`,
    name: t.name,
    type: "Microsoft.OperationalInsights/workspaces/tables",
    properties: {
      retentionInDays: ret.days,
      totalRetentionInDays: total,
      archiveRetentionInDays: Math.max(0, total - ret.days),
      plan: t.plan,
      provisioningState: "Succeeded",
      retentionInDaysAsDefault: ret.asDefault,
      totalRetentionInDaysAsDefault: t.totalRetentionInDays === undefined,
      schema: { name: t.name, tableType: "Microsoft", tableSubType: "Any", solutions: ["LogManagement"] },
    },
  };
}

function renderPolicy(sa: StorageAccountState, container: string, p: ImmutabilityState): unknown {
  return {
    id: `${storageArmId(sa.subscription, sa.resourceGroup, sa.name)}/blobServices/default/containers/${container}/immutabilityPolicies/default`,
    name: "default",
    type: "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies",
    etag: p.etag,
    properties: {
      immutabilityPeriodSinceCreationInDays: p.periodDays,
      state: p.state,
      allowProtectedAppendWrites: p.allowProtectedAppendWrites,
      allowProtectedAppendWritesAll: p.allowProtectedAppendWritesAll,
    },
  };
}

function renderContainer(sa: StorageAccountState, name: string): unknown {
  const c = sa.containers.get(name)!;
  return {
    id: `${storageArmId(sa.subscription, sa.resourceGroup, sa.name)}/blobServices/default/containers/${name}`,
    name,
    type: "Microsoft.Storage/storageAccounts/blobServices/containers",
    etag: `"0x8DC${name.length.toString(16).padStart(4, "0")}A1B2C3D4"`,
    properties: {
      publicAccess: "None",
      leaseStatus: "Unlocked",
      leaseState: "Available",
      lastModifiedTime: "2026-01-05T09:12:44.0000000Z",
      deleted: false,
      remainingRetentionDays: 0,
      defaultEncryptionScope: "$account-encryption-key",
      denyEncryptionScopeOverride: false,
      hasImmutabilityPolicy: c.immutability !== undefined,
      hasLegalHold: c.legalHold,
      legalHold: { hasLegalHold: c.legalHold, tags: [] },
      ...(c.immutability
        ? {
            immutabilityPolicy: {
              etag: c.immutability.etag,
              properties: {
                immutabilityPeriodSinceCreationInDays: c.immutability.periodDays,
                state: c.immutability.state,
                allowProtectedAppendWrites: c.immutability.allowProtectedAppendWrites,
                allowProtectedAppendWritesAll: c.immutability.allowProtectedAppendWritesAll,
              },
              updateHistory: [],
            },
          }
        : {}),
    },
  };
}

function renderEvent(e: ActEvent, tenant: string): Record<string, unknown> {
  const provider = e.operation.split("/")[0] ?? "";
  const type = e.operation.split("/").slice(0, 2).join("/");
  const ticks = (BigInt(e.time) * 10_000n + 621_355_968_000_000_000n).toString();
  return {
    authorization: { action: e.operation, scope: e.resourceId },
    caller: e.caller,
    channels: "Operation",
    claims: {
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": e.caller,
      ipaddr: e.ip,
      "http://schemas.microsoft.com/identity/claims/tenantid": tenant,
    },
    correlationId: e.correlationId,
    description: "",
    eventDataId: e.eventDataId,
    eventName:
      e.status === "Started" ? localized("BeginRequest", "Begin request") : localized("EndRequest", "End request"),
    category: localized(e.category),
    eventTimestamp: new Date(e.time).toISOString(),
    httpRequest: {
      clientRequestId: e.correlationId,
      clientIpAddress: e.ip,
      method: e.operation.endsWith("/delete") ? "DELETE" : e.operation.endsWith("/action") ? "POST" : "PUT",
    },
    id: `${e.resourceId}/events/${e.eventDataId}/ticks/${ticks}`,
    level: e.status === "Failed" ? "Error" : "Informational",
    operationId: e.correlationId,
    operationName: localized(e.operation),
    properties: { eventCategory: e.category, entity: e.resourceId, message: e.operation, hierarchy: tenant },
    resourceGroupName: e.resourceGroup,
    resourceProviderName: localized(provider),
    resourceType: localized(type),
    resourceId: e.resourceId,
    status: localized(e.status),
    subStatus: e.status === "Succeeded" ? localized("OK", "OK (HTTP Status Code: 200)") : localized(""),
    submissionTimestamp: new Date(e.time + 5000).toISOString(),
    subscriptionId: e.subscription,
    tenantId: tenant,
  };
}

function subscriptionBody(s: SubscriptionState): unknown {
  return {
    id: `/subscriptions/${s.id}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: s.id,
    tenantId: s.tenant,
    displayName: s.def.name,
    state: s.def.state,
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "EnterpriseAgreement_2014-09-01",
      spendingLimit: "Off",
    },
  };
}

// ------------------------------------------------------------------ the handler

export function createAzureHandler(scenario: AzureScenario | undefined, start: Date): ProtocolHandler {
  const state = new AzureState(AzureScenarioSchema.parse(scenario ?? {}), start);

  const alertStores = new Map<string, Map<string, { resourceGroup: string; body: Record<string, unknown> }>>();
  const profileStores = new Map<string, Map<string, Record<string, unknown>>>();

  /** The subscription's activity log alerts (from the scenario, then as written). */
  function alertsOf(sub: SubscriptionState) {
    let store = alertStores.get(sub.id);
    if (store) return store;
    store = new Map();
    const scope = `/subscriptions/${sub.id}`;
    for (const a of sub.def.activityLogAlerts) {
      store.set(`${a.resourceGroup.toLowerCase()}/${a.name.toLowerCase()}`, {
        resourceGroup: a.resourceGroup,
        body: {
          id: `${scope}/resourceGroups/${a.resourceGroup}/providers/Microsoft.Insights/activityLogAlerts/${a.name}`,
          name: a.name,
          type: "Microsoft.Insights/ActivityLogAlerts",
          location: "Global",
          tags: {},
          properties: {
            scopes: a.scopes ?? [scope],
            condition: {
              allOf: [
                { field: "category", equals: "Administrative" },
                { field: "operationName", equals: a.operationName },
              ],
            },
            actions: { actionGroups: a.actionGroups.map((id) => ({ actionGroupId: id, webhookProperties: {} })) },
            enabled: a.enabled,
            description: "",
          },
        },
      });
    }
    alertStores.set(sub.id, store);
    return store;
  }

  /** The subscription's legacy log profiles (from the scenario, minus deletes). */
  function profilesOf(sub: SubscriptionState) {
    let store = profileStores.get(sub.id);
    if (store) return store;
    store = new Map();
    for (const p of sub.def.logProfiles) {
      store.set(p.name.toLowerCase(), {
        id: `/subscriptions/${sub.id}/providers/microsoft.insights/logprofiles/${p.name}`,
        type: "Microsoft.Insights/logprofiles",
        name: p.name,
        location: null,
        tags: null,
        properties: {
          storageAccountId: p.storageAccountId ?? null,
          serviceBusRuleId: p.serviceBusRuleId ?? null,
          locations: p.locations,
          categories: p.categories,
          retentionPolicy: { enabled: p.retentionDays > 0, days: p.retentionDays },
        },
      });
    }
    profileStores.set(sub.id, store);
    return store;
  }

  function tenantFor(req: SimRequest): TenantState | undefined {
    const token = /^Bearer\s+(\S+)/i.exec(String(req.headers.authorization ?? ""))?.[1]?.toLowerCase();
    if (token && state.tenants.has(token)) return state.tenants.get(token);
    return state.tenants.values().next().value;
  }

  function subscriptionFor(params: Params): SubscriptionState | undefined {
    return params.subscriptionId ? state.subscriptions.get(params.subscriptionId.toLowerCase()) : undefined;
  }

  function handleArm(req: SimRequest, r: Route, params: Params, ctx: SimContext): SimResponse {
    if (!req.query.get("api-version")) {
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    const now = ctx.now();
    const sub = subscriptionFor(params);
    if (params.subscriptionId !== undefined) {
      if (!sub) {
        return armError(404, "SubscriptionNotFound", `The subscription '${params.subscriptionId}' could not be found.`);
      }
      if (sub.denied) return authorizationFailed(r.action, `/subscriptions/${sub.id}`);
    }
    const scope = sub ? `/subscriptions/${sub.id}` : "";
    switch (r.operation) {
      case "subscriptions.list": {
        const skip = Number(req.query.get("$skiptoken") ?? "0") || 0;
        const all = state.subscriptionOrder.map((id) => state.subscriptions.get(id)!);
        const page = all.slice(skip, skip + SUBSCRIPTIONS_PAGE_SIZE);
        const more = skip + SUBSCRIPTIONS_PAGE_SIZE < all.length;
        return json(200, {
          value: page.map(subscriptionBody),
          ...(more
            ? {
                nextLink: `${nextLinkBase(req)}/subscriptions?api-version=${req.query.get("api-version")}&$skiptoken=${skip + SUBSCRIPTIONS_PAGE_SIZE}`,
              }
            : {}),
        });
      }
      case "tenants.list":
        return json(200, {
          value: [...state.tenants.values()].map((t) => ({
            id: `/tenants/${t.id}`,
            tenantId: t.id,
            tenantCategory: "Home",
            displayName: t.def.name,
            defaultDomain: t.def.defaultDomain,
            domains: [t.def.defaultDomain],
            tenantType: "AAD",
          })),
        });
      case "subscriptions.get":
        return json(200, subscriptionBody(sub!));
      case "diagnosticSettings.list":
        return json(200, {
          value: [...sub!.diagnosticSettings.values()].map((d) => renderDiagSetting(scope, d, true)),
        });
      case "diagnosticSettings.get": {
        const d = sub!.diagnosticSettings.get(params.name!.toLowerCase());
        if (!d) return armError(404, "ResourceNotFound", `The diagnostic setting '${params.name}' doesn't exist.`);
        return json(200, renderDiagSetting(scope, d, true));
      }
      case "diagnosticSettings.createOrUpdate": {
        const res = parseSettingBody(req, ACTIVITY_CATEGORIES);
        if ("error" in res) return res.error;
        const d: DiagSettingState = { name: params.name!, ...res.setting };
        sub!.diagnosticSettings.set(params.name!.toLowerCase(), d);
        return json(200, renderDiagSetting(scope, d, true));
      }
      case "diagnosticSettings.delete": {
        const existed = sub!.diagnosticSettings.delete(params.name!.toLowerCase());
        return { status: existed ? 200 : 204, headers: { "x-ms-request-id": randomUUID() }, body: "" };
      }
      case "logProfiles.list":
      case "logProfiles.get":
      case "logProfiles.delete": {
        const store = profilesOf(sub!);
        if (r.operation === "logProfiles.list") return json(200, { value: [...store.values()] });
        const key = params.name!.toLowerCase();
        const p = store.get(key);
        if (!p) return armError(404, "LogProfileNotFound", `The log profile '${params.name}' could not be found.`);
        if (r.operation === "logProfiles.get") return json(200, p);
        store.delete(key);
        return { status: 200, headers: { "x-ms-request-id": randomUUID() }, body: "" };
      }
      case "activityLogs.list":
        return activityLogs(req, sub!, now);
      case "activityLogAlerts.listBySubscriptionId":
      case "activityLogAlerts.listByResourceGroup":
      case "activityLogAlerts.get":
      case "activityLogAlerts.createOrUpdate":
      case "activityLogAlerts.delete": {
        const store = alertsOf(sub!);
        if (
          r.operation === "activityLogAlerts.listBySubscriptionId" ||
          r.operation === "activityLogAlerts.listByResourceGroup"
        ) {
          const rg = params.resourceGroup?.toLowerCase();
          return json(200, {
            value: [...store.values()]
              .filter((a) => rg === undefined || a.resourceGroup.toLowerCase() === rg)
              .map((a) => a.body),
          });
        }
        const key = `${params.resourceGroup!.toLowerCase()}/${params.name!.toLowerCase()}`;
        if (r.operation === "activityLogAlerts.createOrUpdate") {
          const body = bodyJson(req);
          const p = body ? props(body) : {};
          const allOf = (p.condition as { allOf?: unknown } | undefined)?.allOf;
          if (
            !body ||
            !Array.isArray(allOf) ||
            allOf.length === 0 ||
            !Array.isArray(p.scopes) ||
            p.scopes.length === 0
          ) {
            return armError(
              400,
              "BadRequest",
              "An activity log alert needs properties.scopes and properties.condition.allOf.",
            );
          }
          const existed = store.has(key);
          const alert = {
            id: `${scope}/resourceGroups/${params.resourceGroup}/providers/Microsoft.Insights/activityLogAlerts/${params.name}`,
            name: params.name!,
            type: "Microsoft.Insights/ActivityLogAlerts",
            location: typeof body.location === "string" ? body.location : "Global",
            tags: body.tags ?? {},
            properties: {
              scopes: p.scopes,
              condition: { allOf },
              actions: p.actions ?? { actionGroups: [] },
              enabled: p.enabled !== false,
              description: typeof p.description === "string" ? p.description : "",
            },
          };
          store.set(key, { resourceGroup: params.resourceGroup!, body: alert });
          return json(existed ? 200 : 201, alert);
        }
        const a = store.get(key);
        if (r.operation === "activityLogAlerts.delete") {
          store.delete(key);
          return { status: a ? 200 : 204, headers: { "x-ms-request-id": randomUUID() }, body: "" };
        }
        return a
          ? json(200, a.body)
          : notFound("Microsoft.Insights/activityLogAlerts", params.name!, params.resourceGroup);
      }
      case "workspaces.list":
      case "workspaces.listByResourceGroup": {
        const list = [...state.workspaces.values()].filter(
          (w) =>
            w.subscription === sub!.id &&
            (params.resourceGroup === undefined ||
              w.resourceGroup.toLowerCase() === params.resourceGroup.toLowerCase()),
        );
        return json(200, { value: list.map(renderWorkspace) });
      }
      case "workspaces.get":
      case "workspaces.createOrUpdate":
      case "workspaces.update":
      case "tables.listByWorkspace":
      case "tables.get":
      case "tables.createOrUpdate":
      case "tables.update":
        return workspaceOps(req, r, params, sub!, now);
      case "blobContainers.list":
      case "blobContainers.get":
      case "blobContainers.getImmutabilityPolicy":
      case "blobContainers.createOrUpdateImmutabilityPolicy":
      case "blobContainers.deleteImmutabilityPolicy":
      case "blobContainers.lockImmutabilityPolicy":
        return storageOps(req, r, params, sub!);
      case "aadiamDiagnosticSettings.list":
      case "aadiamDiagnosticSettings.get":
      case "aadiamDiagnosticSettings.createOrUpdate":
      case "aadiamDiagnosticSettings.delete":
        return aadiam(req, r, params);
    }
    return armError(404, "InvalidResourceType", `The resource type '${req.path}' could not be found.`);
  }

  function parseSettingBody(
    req: SimRequest,
    categories: readonly string[],
  ): { setting: Omit<DiagSettingState, "name"> } | { error: SimResponse } {
    const body = bodyJson(req);
    if (!body)
      return {
        error: armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized."),
      };
    const p = props(body);
    const str = (k: string) => (typeof p[k] === "string" && p[k] !== "" ? (p[k] as string) : undefined);
    const setting: Omit<DiagSettingState, "name"> = {
      workspaceId: str("workspaceId"),
      storageAccountId: str("storageAccountId"),
      eventHubAuthorizationRuleId: str("eventHubAuthorizationRuleId"),
      eventHubName: str("eventHubName"),
      marketplacePartnerId: str("marketplacePartnerId"),
      serviceBusRuleId: str("serviceBusRuleId"),
      logAnalyticsDestinationType: str("logAnalyticsDestinationType"),
      logs: [],
    };
    if (
      !setting.workspaceId &&
      !setting.storageAccountId &&
      !setting.eventHubAuthorizationRuleId &&
      !setting.marketplacePartnerId
    ) {
      return {
        error: armError(
          400,
          "BadRequest",
          "At least one of storage account, event hub, log analytics workspace or partner solution must be specified.",
        ),
      };
    }
    const logs = Array.isArray(p.logs) ? (p.logs as Record<string, unknown>[]) : [];
    for (const l of logs) {
      const category = typeof l.category === "string" ? l.category : undefined;
      const group = typeof l.categoryGroup === "string" ? l.categoryGroup : undefined;
      if (category !== undefined) {
        const known = categories.find((c) => c.toLowerCase() === category.toLowerCase());
        if (!known) return { error: armError(400, "BadRequest", `Category '${category}' is not supported.`) };
        setting.logs.push({ category: known, enabled: l.enabled === true });
      } else if (group !== undefined) {
        if (group.toLowerCase() !== "alllogs" && group.toLowerCase() !== "audit") {
          return { error: armError(400, "BadRequest", `Category group '${group}' is not supported.`) };
        }
        setting.logs.push({ categoryGroup: group, enabled: l.enabled === true });
      }
    }
    return { setting };
  }

  function activityLogs(req: SimRequest, sub: SubscriptionState, now: Date): SimResponse {
    let f: ReturnType<typeof parseActivityFilter>;
    try {
      f = parseActivityFilter(req.query.get("$filter"), now);
    } catch (e) {
      if (e instanceof FilterError) return armError(400, "BadRequest", e.message);
      throw e;
    }
    const selectRaw = req.query.get("$select");
    const select = selectRaw
      ?.split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (select) {
      const bad = select.find((s) => !SELECTABLE.has(s.toLowerCase()));
      if (bad) return armError(400, "BadRequest", `$select property '${bad}' is not supported.`);
    }
    const events = state
      .activityEvents(sub.id)
      .filter(
        (e) =>
          e.time >= f.from &&
          e.time <= f.to &&
          (f.resourceGroupName === undefined || e.resourceGroup.toLowerCase() === f.resourceGroupName.toLowerCase()) &&
          (f.resourceUri === undefined || e.resourceId.toLowerCase() === f.resourceUri.toLowerCase()) &&
          (f.resourceProvider === undefined ||
            e.operation.split("/")[0]!.toLowerCase() === f.resourceProvider.toLowerCase()) &&
          (f.correlationId === undefined || e.correlationId.toLowerCase() === f.correlationId.toLowerCase()),
      )
      .reverse(); // newest first
    const skip = Number(req.query.get("$skiptoken") ?? "0") || 0;
    const page = events.slice(skip, skip + ACTIVITY_PAGE_SIZE);
    const value = page.map((e) => {
      const full = renderEvent(e, sub.tenant);
      if (!select) return full;
      const out: Record<string, unknown> = {};
      for (const s of select) {
        const key = Object.keys(full).find((k) => k.toLowerCase() === s.toLowerCase());
        if (key) out[key] = full[key];
      }
      return out;
    });
    const more = skip + ACTIVITY_PAGE_SIZE < events.length;
    let nextLink: string | undefined;
    if (more) {
      const q = new URLSearchParams();
      q.set("api-version", req.query.get("api-version")!);
      q.set("$filter", req.query.get("$filter")!);
      if (selectRaw) q.set("$select", selectRaw);
      q.set("$skiptoken", String(skip + ACTIVITY_PAGE_SIZE));
      nextLink = `${nextLinkBase(req)}/subscriptions/${sub.id}/providers/Microsoft.Insights/eventtypes/management/values?${q.toString().replace(/\+/g, "%20")}`;
    }
    return json(200, { value, ...(nextLink ? { nextLink } : {}) });
  }

  function workspaceOps(req: SimRequest, r: Route, params: Params, sub: SubscriptionState, now: Date): SimResponse {
    const ws = state.workspaces.get(params.workspace!.toLowerCase());
    const found =
      ws && ws.subscription === sub.id && ws.resourceGroup.toLowerCase() === params.resourceGroup!.toLowerCase();
    if (!found) {
      if (r.operation === "workspaces.createOrUpdate") {
        return armError(400, "BadRequest", "Creating workspaces is not supported by the blindspot simulator.");
      }
      return notFound("Microsoft.OperationalInsights/workspaces", params.workspace!, params.resourceGroup);
    }
    if (r.operation === "workspaces.get") return json(200, renderWorkspace(ws));
    if (r.operation === "workspaces.update" || r.operation === "workspaces.createOrUpdate") {
      const body = bodyJson(req);
      if (!body)
        return armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
      const p = props(body);
      if (p.retentionInDays !== undefined) {
        const n = p.retentionInDays;
        if (ws.sku === "Free") {
          return armError(
            400,
            "InvalidParameter",
            "Data retention can't be changed for a workspace on the Free pricing tier.",
          );
        }
        if (typeof n !== "number" || !Number.isInteger(n) || n < 30 || n > 730) {
          return armError(
            400,
            "InvalidParameter",
            `'retentionInDays' ${String(n)} is not valid: it must be between 30 and 730 days.`,
          );
        }
        freezePurge(ws, now);
        ws.retentionInDays = n;
        ws.modifiedDate = now;
      }
      return json(200, renderWorkspace(ws));
    }
    if (r.operation === "tables.listByWorkspace") {
      return json(200, { value: [...ws.tables.keys()].map((k) => renderTable(ws, k)) });
    }
    const key = params.table!.toLowerCase();
    if (!ws.tables.has(key)) {
      return armError(404, "ResourceNotFound", `The table '${params.table}' was not found in workspace '${ws.name}'.`);
    }
    if (r.operation === "tables.get") return json(200, renderTable(ws, key));
    const body = bodyJson(req);
    if (!body)
      return armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
    const p = props(body);
    const t = ws.tables.get(key)!;
    const ret = p.retentionInDays;
    if (ret !== undefined && ret !== null) {
      if (typeof ret !== "number" || !Number.isInteger(ret) || (ret !== -1 && (ret < 4 || ret > 730))) {
        return armError(
          400,
          "InvalidParameter",
          `retentionInDays ${String(ret)} is not valid: use -1 (workspace default) or 4..730.`,
        );
      }
    }
    const total = p.totalRetentionInDays;
    if (total !== undefined && total !== null) {
      if (typeof total !== "number" || !Number.isInteger(total) || (total !== -1 && (total < 4 || total > 4383))) {
        return armError(
          400,
          "InvalidParameter",
          `totalRetentionInDays ${String(total)} is not valid: use -1 or 4..4383.`,
        );
      }
    }
    const plan = p.plan;
    if (plan !== undefined && plan !== null && !["Analytics", "Basic", "Auxiliary"].includes(String(plan))) {
      return armError(
        400,
        "InvalidParameter",
        `plan '${String(plan)}' is not valid: use Analytics, Basic or Auxiliary.`,
      );
    }
    const before = { retentionInDays: t.retentionInDays, totalRetentionInDays: t.totalRetentionInDays };
    if (typeof ret === "number") t.retentionInDays = ret === -1 ? undefined : ret;
    if (typeof total === "number") t.totalRetentionInDays = total === -1 ? undefined : total;
    if (t.totalRetentionInDays !== undefined && t.totalRetentionInDays < tableRetention(ws, t.name).days) {
      Object.assign(t, before);
      return armError(
        400,
        "InvalidParameter",
        "totalRetentionInDays must be greater than or equal to retentionInDays.",
      );
    }
    const after = { retentionInDays: t.retentionInDays, totalRetentionInDays: t.totalRetentionInDays };
    Object.assign(t, before);
    freezePurge(ws, now);
    Object.assign(t, after);
    if (typeof plan === "string") t.plan = plan;
    return json(200, renderTable(ws, key));
  }

  function storageOps(req: SimRequest, r: Route, params: Params, sub: SubscriptionState): SimResponse {
    const sa = state.storageAccounts.get(params.account!);
    if (!sa || sa.subscription !== sub.id || sa.resourceGroup.toLowerCase() !== params.resourceGroup!.toLowerCase()) {
      return notFound("Microsoft.Storage/storageAccounts", params.account!, params.resourceGroup);
    }
    if (r.operation === "blobContainers.list") {
      return json(200, { value: [...sa.containers.keys()].map((c) => renderContainer(sa, c)) });
    }
    const c = sa.containers.get(params.container!);
    if (!c) return armError(404, "ContainerNotFound", "The specified container does not exist.");
    switch (r.operation) {
      case "blobContainers.get":
        return json(200, renderContainer(sa, c.name));
      case "blobContainers.getImmutabilityPolicy":
        if (!c.immutability) {
          return armError(
            404,
            "ImmutabilityPolicyNotFound",
            "The immutability policy for the specified container was not found.",
          );
        }
        return json(200, renderPolicy(sa, c.name, c.immutability), { etag: c.immutability.etag });
      case "blobContainers.createOrUpdateImmutabilityPolicy": {
        const body = bodyJson(req);
        if (!body)
          return armError(
            400,
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized.",
          );
        const p = props(body);
        const days = p.immutabilityPeriodSinceCreationInDays;
        if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > 146000) {
          return armError(
            400,
            "InvalidImmutabilityPolicyPeriod",
            "immutabilityPeriodSinceCreationInDays must be between 1 and 146000.",
          );
        }
        if (c.immutability?.state === "Locked") {
          if (days < c.immutability.periodDays) {
            return armError(
              409,
              "ImmutabilityPolicyCannotBeShortened",
              "A locked immutability policy can only be extended.",
            );
          }
          c.immutability.periodDays = days;
        } else {
          c.immutability = {
            periodDays: days,
            state: "Unlocked",
            allowProtectedAppendWrites: p.allowProtectedAppendWrites === true,
            allowProtectedAppendWritesAll: p.allowProtectedAppendWritesAll === true,
            etag: `"${randomUUID().replace(/-/g, "").slice(0, 16)}"`,
          };
        }
        return json(200, renderPolicy(sa, c.name, c.immutability), { etag: c.immutability.etag });
      }
      case "blobContainers.deleteImmutabilityPolicy":
        if (!c.immutability) {
          return armError(
            404,
            "ImmutabilityPolicyNotFound",
            "The immutability policy for the specified container was not found.",
          );
        }
        if (c.immutability.state === "Locked") {
          return armError(409, "ImmutabilityPolicyLocked", "A locked immutability policy cannot be deleted.");
        }
        {
          const p = renderPolicy(sa, c.name, { ...c.immutability, periodDays: 0 });
          c.immutability = undefined;
          return json(200, p);
        }
      case "blobContainers.lockImmutabilityPolicy":
        if (!c.immutability) {
          return armError(
            404,
            "ImmutabilityPolicyNotFound",
            "The immutability policy for the specified container was not found.",
          );
        }
        c.immutability.state = "Locked";
        return json(200, renderPolicy(sa, c.name, c.immutability), { etag: c.immutability.etag });
    }
    return armError(404, "InvalidResourceType", `The resource type '${req.path}' could not be found.`);
  }

  function aadiam(req: SimRequest, r: Route, params: Params): SimResponse {
    const tenant = tenantFor(req);
    if (!tenant) return armError(404, "TenantNotFound", "No tenant is defined in the simulator scenario.");
    if (tenant.def.entraSettingsAccess === "denied") {
      return authorizationFailed(r.action, "/providers/microsoft.aadiam");
    }
    const scope = "";
    switch (r.operation) {
      case "aadiamDiagnosticSettings.list":
        return json(200, { value: [...tenant.entraSettings.values()].map((d) => renderDiagSetting(scope, d, false)) });
      case "aadiamDiagnosticSettings.get": {
        const d = tenant.entraSettings.get(params.name!.toLowerCase());
        return d
          ? json(200, renderDiagSetting(scope, d, false))
          : armError(404, "ResourceNotFound", `The diagnostic setting '${params.name}' doesn't exist.`);
      }
      case "aadiamDiagnosticSettings.createOrUpdate": {
        const res = parseSettingBody(req, [
          "AuditLogs",
          "SignInLogs",
          "NonInteractiveUserSignInLogs",
          "ServicePrincipalSignInLogs",
          "ManagedIdentitySignInLogs",
          "ProvisioningLogs",
          "ADFSSignInLogs",
          "RiskyUsers",
          "UserRiskEvents",
          "NetworkAccessTrafficLogs",
          "RiskyServicePrincipals",
          "ServicePrincipalRiskEvents",
          "EnrichedOffice365AuditLogs",
          "MicrosoftGraphActivityLogs",
          "RemoteNetworkHealthLogs",
        ]);
        if ("error" in res) return res.error;
        const d: DiagSettingState = { name: params.name!, ...res.setting };
        tenant.entraSettings.set(params.name!.toLowerCase(), d);
        return json(200, renderDiagSetting(scope, d, false));
      }
      case "aadiamDiagnosticSettings.delete": {
        tenant.entraSettings.delete(params.name!.toLowerCase());
        return { status: 200, headers: { "x-ms-request-id": randomUUID() }, body: "" };
      }
    }
    return armError(404, "InvalidResourceType", `The resource type '${req.path}' could not be found.`);
  }

  return {
    name: "azure",
    identify(req: SimRequest): CallInfo | undefined {
      if (!isBearer(req)) return undefined;
      const m = match(req);
      if (!m) {
        const la = req.path.toLowerCase().startsWith("/v1/");
        return {
          cloud: "azure",
          service: la ? "loganalytics" : "arm",
          operation: "unknown",
          write: req.method !== "GET",
        };
      }
      const info: CallInfo = {
        cloud: "azure",
        service: m.route.service,
        operation: m.route.operation,
        write: m.route.write,
      };
      if (m.params.subscriptionId) info.subscription = m.params.subscriptionId.toLowerCase();
      else if (m.params.workspaceId) {
        const ws = state.workspacesByCustomerId.get(m.params.workspaceId.toLowerCase());
        if (ws) info.subscription = ws.subscription;
      }
      return info;
    },
    handle(req: SimRequest, call: CallInfo, ctx: SimContext): SimResponse {
      const m = match(req);
      if (!m) {
        if (call.service === "loganalytics") {
          return json(404, { error: { message: "The requested path does not exist", code: "PathNotFoundError" } });
        }
        return armError(
          404,
          "InvalidResourceType",
          `The resource type could not be found for '${req.method} ${req.path}' (not served by the blindspot simulator).`,
        );
      }
      if (m.route.operation === "query.batch") return handleBatch(state, req.body, ctx.now());
      if (m.route.operation === "query.executeWithResourceId") {
        const ws = state.workspaces.get(m.params.workspace!.toLowerCase());
        const ok =
          ws &&
          ws.subscription === m.params.subscriptionId!.toLowerCase() &&
          ws.resourceGroup.toLowerCase() === m.params.resourceGroup!.toLowerCase();
        return handleQuery(state, ok ? ws.customerId : "00000000-0000-0000-0000-000000000000", req.body, ctx.now());
      }
      if (m.route.service === "loganalytics") return handleQuery(state, m.params.workspaceId!, req.body, ctx.now());
      const res = handleArm(req, m.route, m.params, ctx);
      const sub = m.params.subscriptionId;
      if (m.route.write && sub && res.status >= 200 && res.status < 300) {
        const tenant = state.subscriptions.get(sub.toLowerCase())?.tenant;
        const domain = (tenant && state.tenants.get(tenant)?.def.defaultDomain) ?? "contoso.example";
        state.recordWrite(
          sub,
          m.route.action,
          req.path,
          m.params.resourceGroup ?? "",
          `sim-operator@${domain}`,
          ctx.now(),
        );
      }
      return res;
    },
    fault(kind, call): SimResponse {
      const la = call.service === "loganalytics";
      if (kind === "throttle") {
        return la
          ? json(
              429,
              { error: { message: "Too many requests. Please retry after a short wait.", code: "ThrottledError" } },
              { "retry-after": "1" },
            )
          : armError(
              429,
              "TooManyRequests",
              "The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, refer to - https://aka.ms/srpthrottlinglimits",
              { "retry-after": "1", "x-ms-ratelimit-remaining-subscription-reads": "0" },
            );
      }
      if (kind === "denied") {
        if (la) {
          return json(403, {
            error: {
              message: "The provided credentials have insufficient access to perform the requested operation",
              code: "InsufficientAccessError",
            },
          });
        }
        const r = ROUTES.find((x) => x.operation === call.operation);
        return authorizationFailed(
          r?.action ?? "Microsoft.Resources/subscriptions/read",
          call.subscription ? `/subscriptions/${call.subscription}` : "/",
        );
      }
      return la
        ? json(500, { error: { message: "An internal error occurred.", code: "InternalServerError" } })
        : armError(
            500,
            "InternalServerError",
            `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', tracking id '${randomUUID()}'.`,
          );
    },
  };
}

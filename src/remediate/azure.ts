/**
 * Azure remediations: failing azure.* findings → steps (`az rest` against the ARM REST API, with a read-only check
 * each) and the azurerm Terraform for the same change. `az rest` keeps the calls exact (path, api-version, body are
 * the ARM contract), works for tenant-scope Entra settings, and needs only `az login`.
 */
import { exportingSettings, REQUIRED_CATEGORIES, workspaceRetention } from "../../analyzers/azure/facts.js";
import type { Finding } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import type { DiagnosticSetting } from "../model/snapshot-azure.js";
import type { Outcome } from "./aws.js";
import { tfIdent } from "./quote.js";
import type { Arg, Command, Derived, Requirement, Setting, Step, TfFragment, TfProvider } from "./types.js";

export const ARM = "https://management.azure.com";
const DIAG_API = "2021-05-01-preview";
const WS_API = "2022-10-01";
const STORAGE_API = "2023-01-01";
const AAD_API = "2017-04-01";
/** Every Activity Log category (the export carries all of them; the audit needs the first four). */
const ACTIVITY_CATEGORIES = [
  "Administrative",
  "Security",
  "Policy",
  "Alert",
  "ServiceHealth",
  "Recommendation",
  "Autoscale",
  "ResourceHealth",
];
const SIGNIN = ["SignInLogs", "NonInteractiveUserSignInLogs"];
export const WORKSPACE_SETTING = "BLINDSPOT_WORKSPACE_ID";
const WS_PLACEHOLDER = `@@${WORKSPACE_SETTING}@@`;

export interface AzurePlanContext {
  snapshot: Snapshot;
  threshold: number;
  add(step: Step, findingId: string): void;
  setting(s: Setting): void;
  derive(d: Derived): void;
  require(r: Requirement): void;
}

const OK: Outcome = { ok: true };
const skip = (reason: string): Outcome => ({ ok: false, reason });

export function az(args: Arg[], capture?: string): Command {
  return { tool: "az", args, ...(capture ? { capture } : {}) };
}

export function rest(method: string, url: Arg, extra: Arg[] = []): Command {
  return az(["rest", "--method", method, "--url", url, ...extra]);
}

function getQuery(url: string, query: string): Command {
  return rest("get", url, ["--query", query, "--output", "tsv"]);
}

export function provider(subscriptionId: string): TfProvider {
  return { kind: "azurerm", alias: tfIdent("s", subscriptionId), subscriptionId };
}

export function ref(p: TfProvider): string {
  return `azurerm.${p.alias}`;
}

/** The workspace new exports go to: the one most exports already use, overridable with BLINDSPOT_WORKSPACE_ID. */
export function defaultWorkspace(snapshot: Snapshot): string {
  const counts = new Map<string, number>();
  for (const sub of snapshot.azure?.subscriptions ?? []) {
    for (const s of exportingSettings(sub) ?? []) {
      if (s.workspaceId) counts.set(s.workspaceId, (counts.get(s.workspaceId) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "";
}

/** The workspace setting (env BLINDSPOT_WORKSPACE_ID) with its default from the snapshot. */
export function workspaceSettingOf(snapshot: Snapshot): Setting {
  return {
    name: WORKSPACE_SETTING,
    description: "ARM id of the Log Analytics workspace that receives the Activity Log and Entra sign-in exports",
    default: defaultWorkspace(snapshot),
    pattern:
      "^/subscriptions/[A-Za-z0-9-]+/resource[Gg]roups/[A-Za-z0-9._()-]+/providers/[Mm]icrosoft\\.[Oo]perational[Ii]nsights/workspaces/[A-Za-z0-9-]+$",
  };
}

function workspaceSetting(ctx: AzurePlanContext): void {
  ctx.setting(workspaceSettingOf(ctx.snapshot));
}

const WS_TF_VAR = {
  name: "workspace_id",
  description: "ARM id of the Log Analytics workspace that receives the Activity Log and Entra sign-in exports",
};

/** JMESPath count of the audit's required categories enabled on a setting. */
const REQUIRED_QUERY = `length(properties.logs[?enabled && contains(\`${JSON.stringify(REQUIRED_CATEGORIES)}\`, category)])`;

function subOf(f: Finding): string | undefined {
  return f.scope.cloud === "azure" ? f.scope.subscriptionId : undefined;
}

function newExport(ctx: AzurePlanContext, f: Finding): Outcome {
  const sub = subOf(f);
  if (!sub) return skip("the finding has no subscription");
  workspaceSetting(ctx);
  const name = "blindspot-activity-log";
  const url = `${ARM}/subscriptions/${sub}/providers/Microsoft.Insights/diagnosticSettings/${name}?api-version=${DIAG_API}`;
  const body = JSON.stringify({
    properties: {
      workspaceId: WS_PLACEHOLDER,
      logs: ACTIVITY_CATEGORIES.map((category) => ({ category, enabled: true })),
    },
  });
  const p = provider(sub);
  ctx.add(
    {
      key: `azure.activity.diagnostic-setting|${sub}`,
      remediationId: "azure.activity.diagnostic-setting",
      phase: 20,
      cloud: "azure",
      title: `Export the Activity Log of subscription ${sub} (all categories) to $${WORKSPACE_SETTING} (diagnostic setting ${name})`,
      check: { command: getQuery(url, REQUIRED_QUERY), expect: { kind: "ge", value: REQUIRED_CATEGORIES.length } },
      run: [rest("put", url, ["--body", { template: body }])],
      findingIds: [],
      tf: {
        variables: [WS_TF_VAR],
        resources: [
          {
            type: "azurerm_monitor_diagnostic_setting",
            name: tfIdent("activity_log", sub),
            body: {
              name,
              target_resource_id: `/subscriptions/${sub}`,
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform reference, not a JS template
              log_analytics_workspace_id: { $tf: "${var.workspace_id}" },
              enabled_log: ACTIVITY_CATEGORIES.map((category) => ({ category })),
            },
            provider: ref(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

function addCategories(ctx: AzurePlanContext, f: Finding): Outcome {
  const sub = subOf(f);
  const s = ctx.snapshot.azure?.subscriptions.find((x) => x.subscriptionId === sub);
  if (!sub || !s) return skip("the subscription is not in the snapshot");
  const exporting = exportingSettings(s) ?? [];
  const setting: DiagnosticSetting | undefined = exporting.find((x) => x.workspaceId) ?? exporting[0];
  if (!setting) return skip("no exporting diagnostic setting to extend");
  const logs = setting.logs.map((l) => ({ ...l }));
  for (const c of REQUIRED_CATEGORIES) {
    const hit = logs.find((l) => l.category?.toLowerCase() === c.toLowerCase());
    if (hit) hit.enabled = true;
    else logs.push({ category: c, enabled: true });
  }
  const props: Record<string, unknown> = {
    ...(setting.workspaceId ? { workspaceId: setting.workspaceId } : {}),
    ...(setting.storageAccountId ? { storageAccountId: setting.storageAccountId } : {}),
    ...(setting.eventHubAuthorizationRuleId
      ? { eventHubAuthorizationRuleId: setting.eventHubAuthorizationRuleId }
      : {}),
    ...(setting.eventHubName ? { eventHubName: setting.eventHubName } : {}),
    ...(setting.marketplacePartnerId ? { marketplacePartnerId: setting.marketplacePartnerId } : {}),
    ...(setting.serviceBusRuleId ? { serviceBusRuleId: setting.serviceBusRuleId } : {}),
    ...(setting.logAnalyticsDestinationType
      ? { logAnalyticsDestinationType: setting.logAnalyticsDestinationType }
      : {}),
    logs,
  };
  const url = `${ARM}/subscriptions/${sub}/providers/Microsoft.Insights/diagnosticSettings/${encodeURIComponent(setting.name)}?api-version=${DIAG_API}`;
  const p = provider(sub);
  const rName = tfIdent("activity_log", `${sub}/${setting.name}`);
  ctx.add(
    {
      key: `azure.activity.categories|${sub}|${setting.name}`,
      remediationId: "azure.activity.categories",
      phase: 20,
      cloud: "azure",
      title: `Add ${REQUIRED_CATEGORIES.join(", ")} to diagnostic setting ${setting.name} of subscription ${sub} (destinations kept)`,
      check: { command: getQuery(url, REQUIRED_QUERY), expect: { kind: "ge", value: REQUIRED_CATEGORIES.length } },
      run: [rest("put", url, ["--body", JSON.stringify({ properties: props })])],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "azurerm_monitor_diagnostic_setting",
            name: rName,
            body: {
              name: setting.name,
              target_resource_id: `/subscriptions/${sub}`,
              ...(setting.workspaceId ? { log_analytics_workspace_id: setting.workspaceId } : {}),
              ...(setting.storageAccountId ? { storage_account_id: setting.storageAccountId } : {}),
              ...(setting.eventHubAuthorizationRuleId
                ? { eventhub_authorization_rule_id: setting.eventHubAuthorizationRuleId }
                : {}),
              ...(setting.eventHubName ? { eventhub_name: setting.eventHubName } : {}),
              enabled_log: logs
                .filter((l) => l.enabled)
                .map((l) => (l.category ? { category: l.category } : { category_group: l.categoryGroup ?? "allLogs" })),
            },
            provider: ref(p),
          },
        ],
        imports: [
          {
            to: `azurerm_monitor_diagnostic_setting.${rName}`,
            id: `/subscriptions/${sub}|${setting.name}`,
            provider: ref(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

function workspaceFor(ctx: AzurePlanContext, id: string) {
  return ctx.snapshot.azure?.workspaces.find((w) => w.id.toLowerCase() === id.toLowerCase());
}

function armParts(id: string): { sub: string; rg: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resource[Gg]roups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)/.exec(id);
  return m ? { sub: m[1]!, rg: m[2]!, name: m[3]! } : undefined;
}

function workspaceRetentionFix(ctx: AzurePlanContext, f: Finding): Outcome {
  const w = workspaceFor(ctx, f.resource);
  if (!w) return skip(`workspace ${f.resource} was not read`);
  if (w.sku?.toLowerCase() === "free")
    return skip("the Free tier keeps 7 days and cannot be changed; move the workspace to PerGB2018");
  const T = Math.max(ctx.threshold, 30);
  if (T > 730)
    return skip(`workspace retention is at most 730 days (threshold ${ctx.threshold}); use table total retention`);
  const parts = armParts(w.id);
  if (!parts) return skip(`workspace id ${w.id} is not an ARM id`);
  const url = `${ARM}${w.id}?api-version=${WS_API}`;
  const p = provider(parts.sub);
  const rName = tfIdent("workspace", w.id);
  const locVar = `${rName}_location`;
  ctx.add(
    {
      key: `azure.workspace.retention|${w.id.toLowerCase()}`,
      remediationId: "azure.workspace.retention",
      phase: 90,
      cloud: "azure",
      title: `Keep data in workspace ${parts.name} for ${T} days (was ${workspaceRetention(w) ?? "unknown"})`,
      check: { command: getQuery(url, "properties.retentionInDays"), expect: { kind: "ge", value: T } },
      run: [rest("patch", url, ["--body", JSON.stringify({ properties: { retentionInDays: T } })])],
      findingIds: [],
      tf: {
        variables: [
          {
            name: locVar,
            description: `Azure region of workspace ${parts.name} (az monitor log-analytics workspace show)`,
          },
        ],
        resources: [
          {
            type: "azurerm_log_analytics_workspace",
            name: rName,
            body: {
              name: parts.name,
              resource_group_name: parts.rg,
              location: { $tf: `\${var.${locVar}}` },
              sku: w.sku ?? "PerGB2018",
              retention_in_days: T,
            },
            provider: ref(p),
          },
        ],
        imports: [{ to: `azurerm_log_analytics_workspace.${rName}`, id: w.id, provider: ref(p) }],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

function tableRetentionFix(ctx: AzurePlanContext, f: Finding): Outcome {
  const m = /^(.*)\/tables\/([^/]+)$/s.exec(f.resource);
  if (!m) return skip(`${f.resource} is not a workspace table`);
  const wsId = m[1]!;
  const table = m[2]!;
  const parts = armParts(wsId);
  if (!parts) return skip(`workspace id ${wsId} is not an ARM id`);
  const T = Math.max(ctx.threshold, 4);
  if (T > 730) return skip(`table analytics retention is at most 730 days (threshold ${ctx.threshold})`);
  const url = `${ARM}${wsId}/tables/${encodeURIComponent(table)}?api-version=${WS_API}`;
  const p = provider(parts.sub);
  ctx.add(
    {
      key: `azure.table.retention|${wsId.toLowerCase()}|${table}`,
      remediationId: "azure.table.retention",
      phase: 91,
      cloud: "azure",
      title: `Keep table ${table} of workspace ${parts.name} for ${T} days`,
      check: { command: getQuery(url, "properties.retentionInDays"), expect: { kind: "ge", value: T } },
      run: [rest("patch", url, ["--body", JSON.stringify({ properties: { retentionInDays: T } })])],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "azurerm_log_analytics_workspace_table",
            name: tfIdent("table", `${wsId}/${table}`),
            body: { workspace_id: wsId, name: table, retention_in_days: T },
            provider: ref(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

function immutability(ctx: AzurePlanContext, f: Finding): Outcome {
  const s = ctx.snapshot.azure?.storage.find((x) => x.id.toLowerCase() === f.resource.toLowerCase());
  if (!s) return skip(`storage account ${f.resource} was not read`);
  const parts = armParts(s.id);
  if (!parts) return skip(`storage id ${s.id} is not an ARM id`);
  if (s.immutability.state === "ok" && s.immutability.value?.state?.toLowerCase() === "locked") {
    return skip("the policy is already locked");
  }
  const T = ctx.threshold;
  const container = `${ARM}${s.id}/blobServices/default/containers/${encodeURIComponent(s.container)}`;
  const policy = `${container}/immutabilityPolicies/default`;
  const p = provider(parts.sub);
  if (s.containerFound === false) {
    ctx.add(
      {
        key: `azure.storage.container|${s.id.toLowerCase()}|${s.container}`,
        remediationId: "azure.storage.container",
        phase: 10,
        cloud: "azure",
        title: `Create container ${s.container} in storage account ${parts.name}`,
        check: {
          command: rest("get", `${container}?api-version=${STORAGE_API}`, ["--query", "name", "--output", "tsv"]),
          expect: { kind: "ok" },
        },
        run: [rest("put", `${container}?api-version=${STORAGE_API}`, ["--body", "{}"])],
        findingIds: [],
      },
      f.id,
    );
  }
  const hasPolicy = s.immutability.state === "ok" && s.immutability.value !== null;
  if (
    !hasPolicy ||
    (s.immutability.state === "ok" && (s.immutability.value?.immutabilityPeriodSinceCreationInDays ?? 0) < T)
  ) {
    ctx.add(
      {
        key: `azure.storage.immutability-policy|${s.id.toLowerCase()}|${s.container}`,
        remediationId: "azure.storage.immutability-policy",
        phase: 30,
        cloud: "azure",
        title: `Add a ${T}-day time-based immutability policy (protected append writes) to ${parts.name}/${s.container}`,
        check: {
          command: getQuery(`${policy}?api-version=${STORAGE_API}`, "properties.immutabilityPeriodSinceCreationInDays"),
          expect: { kind: "ge", value: T },
        },
        run: [
          rest("put", `${policy}?api-version=${STORAGE_API}`, [
            "--body",
            JSON.stringify({
              properties: { immutabilityPeriodSinceCreationInDays: T, allowProtectedAppendWrites: true },
            }),
          ]),
        ],
        findingIds: [],
      },
      f.id,
    );
  }
  ctx.add(
    {
      key: `azure.storage.lock-immutability|${s.id.toLowerCase()}|${s.container}`,
      remediationId: "azure.storage.lock-immutability",
      phase: 31,
      cloud: "azure",
      title: `LOCK the immutability policy of ${parts.name}/${s.container} (irreversible: it can then only be extended)`,
      irreversible: true,
      check: {
        command: getQuery(`${policy}?api-version=${STORAGE_API}`, "properties.state"),
        expect: { kind: "eq", value: "Locked" },
      },
      run: [
        az(
          [
            "rest",
            "--method",
            "get",
            "--url",
            `${policy}?api-version=${STORAGE_API}`,
            "--query",
            "etag",
            "--output",
            "tsv",
          ],
          "policy_etag",
        ),
        rest("post", `${policy}/lock?api-version=${STORAGE_API}`, [
          "--headers",
          { template: "If-Match=@@policy_etag@@" },
        ]),
      ],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "azurerm_storage_container_immutability_policy",
            name: tfIdent("immutability", `${s.id}/${s.container}`),
            body: {
              storage_container_resource_manager_id: `${s.id}/blobServices/default/containers/${s.container}`,
              immutability_period_in_days: T,
              protected_append_writes_enabled: true,
              locked: true,
            },
            provider: ref(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

function entraExport(ctx: AzurePlanContext, f: Finding): Outcome {
  const tenant = f.scope.cloud === "azure" ? f.scope.tenantId : undefined;
  workspaceSetting(ctx);
  const name = "blindspot-signin-logs";
  const url = `${ARM}/providers/microsoft.aadiam/diagnosticSettings/${name}?api-version=${AAD_API}`;
  const body = JSON.stringify({
    properties: { workspaceId: WS_PLACEHOLDER, logs: SIGNIN.map((category) => ({ category, enabled: true })) },
  });
  const subs = ctx.snapshot.azure?.subscriptions.filter((s) => s.tenantId === tenant) ?? [];
  const p = provider(subs[0]?.subscriptionId ?? "00000000-0000-0000-0000-000000000000");
  ctx.add(
    {
      key: `azure.entra.signin-export|${tenant ?? ""}`,
      remediationId: "azure.entra.signin-export",
      phase: 21,
      cloud: "azure",
      title: `Export Entra ID sign-in logs (interactive and non-interactive) of tenant ${tenant ?? "?"} to $${WORKSPACE_SETTING}`,
      check: {
        command: getQuery(
          url,
          `length(properties.logs[?enabled && contains(\`${JSON.stringify(SIGNIN)}\`, category)])`,
        ),
        expect: { kind: "ge", value: SIGNIN.length },
      },
      run: [rest("put", url, ["--body", { template: body }])],
      findingIds: [],
      tf: {
        variables: [WS_TF_VAR],
        resources: [
          {
            type: "azurerm_monitor_aad_diagnostic_setting",
            name: tfIdent("entra_signins", tenant ?? "tenant"),
            body: {
              name,
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform reference, not a JS template
              log_analytics_workspace_id: { $tf: "${var.workspace_id}" },
              enabled_log: SIGNIN.map((category) => ({ category })),
            },
            provider: ref(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

/** Plans one failing Azure finding. */
export function planAzure(ctx: AzurePlanContext, f: Finding): Outcome {
  switch (f.checkId) {
    case "azure.activity.export-missing":
    case "azure.logprofile.legacy":
      return newExport(ctx, f);
    case "azure.activity.categories-missing":
      return addCategories(ctx, f);
    case "azure.workspace.retention-short":
      return workspaceRetentionFix(ctx, f);
    case "azure.table.retention-short":
      return tableRetentionFix(ctx, f);
    case "azure.storage.not-worm":
      return immutability(ctx, f);
    case "azure.entra.signin-export-missing":
      return entraExport(ctx, f);
    default:
      return skip("no configuration fix");
  }
}

export type { TfFragment };

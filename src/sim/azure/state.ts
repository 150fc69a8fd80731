/**
 * The Azure simulator's state: built once from a validated scenario, mutated by ARM writes (fix scripts).
 * Activity events and sign-ins are generated lazily per subscription/tenant and memoized, so a 500-subscription
 * estate starts instantly and only pays for what a scan reads.
 */
import {
  type AzureScenario,
  type AzureSubscription,
  type AzureTenant,
  type AzureWorkspace,
  type Delivery,
  DeliverySchema,
} from "../scenario/azure.js";
import { resolveTime } from "../scenario/time.js";
import { guidFrom, pick, unit } from "./ids.js";

export const DAY_MS = 86_400_000;

export const NOISE_OPERATIONS = [
  "Microsoft.Compute/virtualMachines/write",
  "Microsoft.Compute/virtualMachines/start/action",
  "Microsoft.Compute/virtualMachines/deallocate/action",
  "Microsoft.Compute/disks/write",
  "Microsoft.Storage/storageAccounts/write",
  "Microsoft.Web/sites/write",
  "Microsoft.Web/sites/restart/action",
  "Microsoft.Resources/deployments/write",
  "Microsoft.Resources/tags/write",
  "Microsoft.Network/networkInterfaces/write",
  "Microsoft.KeyVault/vaults/write",
  "Microsoft.Sql/servers/databases/write",
] as const;

export const DEFAULT_CALLERS = [
  "alice.martin@contoso.example",
  "bob.nguyen@contoso.example",
  "carol.schmidt@contoso.example",
  "deploy-pipeline@contoso.example",
] as const;
export const DEFAULT_IPS = ["203.0.113.10", "203.0.113.24", "198.51.100.7", "198.51.100.42"] as const;
export const DEFAULT_USERS = [
  "alice.martin@contoso.example",
  "bob.nguyen@contoso.example",
  "carol.schmidt@contoso.example",
  "dave.okafor@contoso.example",
] as const;
export const DEFAULT_APPS = ["Azure Portal", "Microsoft Azure CLI", "Office 365 Exchange Online", "Microsoft Teams"];

/** SigninLogs ResultType → ResultDescription for the codes scenarios use. */
export const RESULT_DESCRIPTIONS: Record<string, string> = {
  "0": "",
  "50126": "Error validating credentials due to invalid username or password.",
  "50053": "Account is locked because user tried to sign in too many times with an incorrect user ID or password.",
  "50055": "The password is expired.",
  "50057": "User account is disabled. The account has been disabled by an administrator.",
  "50074": "Strong Authentication is required.",
  "50076":
    "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
  "50140": "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
  "53003": "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
  "500121": "Authentication failed during strong authentication request.",
};

export interface ActEvent {
  subscription: string;
  tenant: string;
  /** ms since epoch */
  time: number;
  operation: string;
  /** Started | Succeeded | Failed */
  status: string;
  category: string;
  correlationId: string;
  eventDataId: string;
  caller: string;
  ip: string;
  resourceGroup: string;
  resourceId: string;
  /** Workspace name (in the scenario) the event reached, if any. */
  deliveredTo: string | undefined;
}

export interface SignIn {
  tenant: string;
  time: number;
  id: string;
  correlationId: string;
  user: string;
  ip: string;
  resultType: string;
  app: string;
  table: "SigninLogs" | "AADNonInteractiveUserSignInLogs";
  deliveredTo: string | undefined;
}

export interface DiagSettingState {
  name: string;
  workspaceId?: string | undefined;
  storageAccountId?: string | undefined;
  eventHubAuthorizationRuleId?: string | undefined;
  eventHubName?: string | undefined;
  marketplacePartnerId?: string | undefined;
  serviceBusRuleId?: string | undefined;
  logAnalyticsDestinationType?: string | undefined;
  logs: { category?: string; categoryGroup?: string; enabled: boolean }[];
}

export interface TableState {
  name: string;
  /** undefined = workspace default */
  retentionInDays: number | undefined;
  totalRetentionInDays: number | undefined;
  plan: string;
  /** Rows older than this (ms) were purged under an earlier, shorter retention and never come back. */
  purgedBefore: number;
}

export interface WorkspaceState {
  subscription: string;
  resourceGroup: string;
  name: string;
  location: string;
  customerId: string;
  sku: string;
  retentionInDays: number;
  createdDate: Date;
  modifiedDate: Date;
  tables: Map<string, TableState>;
  /** Tables declared in the scenario (resolvable by KQL even when empty). */
  declaredTables: Set<string>;
}

export interface ImmutabilityState {
  periodDays: number;
  state: "Locked" | "Unlocked";
  allowProtectedAppendWrites: boolean;
  allowProtectedAppendWritesAll: boolean;
  etag: string;
}

export interface ContainerState {
  name: string;
  immutability: ImmutabilityState | undefined;
  legalHold: boolean;
}

export interface StorageAccountState {
  subscription: string;
  resourceGroup: string;
  name: string;
  location: string;
  containers: Map<string, ContainerState>;
}

export interface SubscriptionState {
  def: AzureSubscription;
  id: string;
  tenant: string;
  denied: boolean;
  diagnosticSettings: Map<string, DiagSettingState>;
  resourceGroups: Set<string>;
}

export interface TenantState {
  def: AzureTenant;
  id: string;
  entraSettings: Map<string, DiagSettingState>;
}

/** Standard tables every workspace lists through ARM. */
export const STANDARD_TABLES = [
  "AzureActivity",
  "SigninLogs",
  "AADNonInteractiveUserSignInLogs",
  "AADServicePrincipalSignInLogs",
  "AADManagedIdentitySignInLogs",
  "AuditLogs",
  "Usage",
  "Heartbeat",
] as const;

export function workspaceArmId(subscription: string, rg: string, name: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
}
export function storageArmId(subscription: string, rg: string, name: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
}

/** Effective workspace retention (Free sku is fixed at 7 days). */
export function workspaceRetention(ws: WorkspaceState): number {
  return ws.sku === "Free" ? 7 : ws.retentionInDays;
}

/** Effective analytics retention of a table: override, else AzureActivity/Usage keep max(90, ws), else ws. */
export function tableRetention(ws: WorkspaceState, table: string): { days: number; asDefault: boolean } {
  const t = ws.tables.get(table.toLowerCase());
  if (t?.retentionInDays !== undefined) return { days: t.retentionInDays, asDefault: false };
  const wsDays = workspaceRetention(ws);
  if (table === "AzureActivity" || table === "Usage") return { days: Math.max(90, wsDays), asDefault: true };
  return { days: wsDays, asDefault: true };
}

/** Records what the current retention has already purged; call before any retention change. */
export function freezePurge(ws: WorkspaceState, now: Date): void {
  for (const t of ws.tables.values()) {
    t.purgedBefore = Math.max(t.purgedBefore, now.getTime() - tableRetention(ws, t.name).days * DAY_MS);
  }
}

/** The oldest instant (ms) whose rows a query can still see in this table. */
export function queryCutoff(ws: WorkspaceState, table: string, now: Date): number {
  const purged = ws.tables.get(table.toLowerCase())?.purgedBefore ?? Number.NEGATIVE_INFINITY;
  return Math.max(purged, now.getTime() - tableRetention(ws, table).days * DAY_MS);
}

function deriveResourceId(sub: string, rg: string, operation: string, key: string): string {
  const parts = operation.split("/");
  const provider = parts[0] ?? "Microsoft.Resources";
  let types = parts.slice(1, -1);
  if (parts.at(-1)?.toLowerCase() === "action" && types.length > 1) types = types.slice(0, -1);
  if (types.length === 0) types = ["resources"];
  const path = types.map(
    (t, i) =>
      `${t}/${t
        .replace(/[^a-z]/gi, "")
        .slice(0, 8)
        .toLowerCase()}-${(unit(key, i) * 900 + 100) | 0}`,
  );
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}/${path.join("/")}`;
}

export class AzureState {
  readonly start: Date;
  readonly seed: number;
  readonly subscriptions = new Map<string, SubscriptionState>();
  readonly tenants = new Map<string, TenantState>();
  /** lower-cased name → workspace */
  readonly workspaces = new Map<string, WorkspaceState>();
  readonly workspacesByCustomerId = new Map<string, WorkspaceState>();
  readonly storageAccounts = new Map<string, StorageAccountState>();
  /** The subscription order of the scenario (list order). */
  readonly subscriptionOrder: string[] = [];
  private readonly events = new Map<string, ActEvent[]>();
  private readonly signIns = new Map<string, SignIn[]>();
  /** workspace name → subscriptions whose activity may have reached it */
  private readonly activitySources = new Map<string, Set<string>>();
  /** workspace name → tenants whose sign-ins may have reached it */
  private readonly signInSources = new Map<string, Set<string>>();
  /**
   * Bumped whenever stored activity changes after generation (`recordWrite` appends events and may add a source):
   * the `workspaceActivity` memo below is valid only for the generation it was built in.
   */
  private activityGeneration = 0;
  /** lower-cased workspace name → its activity rows, as of `activityGeneration` (a query reads them all). */
  private readonly workspaceActivityMemo = new Map<string, { generation: number; rows: ActEvent[] }>();

  constructor(
    readonly scenario: AzureScenario,
    start: Date,
  ) {
    this.start = start;
    this.seed = scenario.seed;
    const firstTenant = scenario.tenants[0]?.id.toLowerCase() ?? "00000000-0000-0000-0000-000000000000";
    for (const t of scenario.tenants) {
      const id = t.id.toLowerCase();
      this.tenants.set(id, { def: t, id, entraSettings: new Map() });
    }
    for (const s of scenario.subscriptions) {
      const id = s.id.toLowerCase();
      this.subscriptionOrder.push(id);
      const rgs = new Set<string>(s.resourceGroups);
      for (const w of s.workspaces) {
        rgs.add(w.resourceGroup);
        this.addWorkspace(id, w);
      }
      for (const a of s.storageAccounts) {
        rgs.add(a.resourceGroup);
        const containers = new Map<string, ContainerState>();
        for (const c of a.containers) {
          containers.set(c.name, {
            name: c.name,
            legalHold: c.legalHold,
            immutability: c.immutability && { ...c.immutability, etag: `"${guidFrom(this.seed, a.name, c.name)}"` },
          });
        }
        this.storageAccounts.set(a.name, {
          subscription: id,
          resourceGroup: a.resourceGroup,
          name: a.name,
          location: a.location,
          containers,
        });
      }
      for (const al of s.activityLogAlerts) rgs.add(al.resourceGroup);
      this.subscriptions.set(id, {
        def: s,
        id,
        tenant: s.tenant?.toLowerCase() ?? firstTenant,
        denied: s.access === "denied",
        diagnosticSettings: new Map(),
        resourceGroups: rgs,
      });
    }
    // Settings after all resources exist so references resolve.
    for (const s of scenario.subscriptions) {
      const st = this.subscriptions.get(s.id.toLowerCase())!;
      for (const d of s.diagnosticSettings) {
        st.diagnosticSettings.set(d.name.toLowerCase(), {
          name: d.name,
          workspaceId: this.resolveRef(d.workspace, "workspace"),
          storageAccountId: this.resolveRef(d.storageAccount, "storage"),
          eventHubAuthorizationRuleId: d.eventHubAuthorizationRuleId,
          eventHubName: d.eventHubName,
          marketplacePartnerId: d.marketplacePartnerId,
          logs:
            d.categoryGroup !== undefined
              ? [{ categoryGroup: d.categoryGroup, enabled: true }]
              : (d.categories ?? []).map((c) => ({ category: c, enabled: true })),
        });
      }
      for (const ws of this.activityDestinations(st)) this.addSource(this.activitySources, ws, st.id);
    }
    for (const t of scenario.tenants) {
      const ts = this.tenants.get(t.id.toLowerCase())!;
      for (const d of t.entraSettings) {
        ts.entraSettings.set(d.name.toLowerCase(), {
          name: d.name,
          workspaceId: this.resolveRef(d.workspace, "workspace"),
          storageAccountId: this.resolveRef(d.storageAccount, "storage"),
          eventHubAuthorizationRuleId: d.eventHubAuthorizationRuleId,
          eventHubName: d.eventHubName,
          marketplacePartnerId: d.marketplacePartnerId,
          logs: d.categories.map((c) => ({ category: c, enabled: true })),
        });
      }
      for (const table of ["SigninLogs", "AADNonInteractiveUserSignInLogs"] as const) {
        const ws = this.signInDestination(ts, table);
        if (ws) this.addSource(this.signInSources, ws, ts.id);
      }
    }
  }

  private addWorkspace(sub: string, w: AzureWorkspace): void {
    const tables = new Map<string, TableState>();
    for (const name of STANDARD_TABLES) {
      tables.set(name.toLowerCase(), {
        name,
        retentionInDays: undefined,
        totalRetentionInDays: undefined,
        plan: "Analytics",
        purgedBefore: Number.NEGATIVE_INFINITY,
      });
    }
    for (const t of w.tables) {
      tables.set(t.name.toLowerCase(), {
        name: t.name,
        retentionInDays: t.retentionInDays === -1 ? undefined : t.retentionInDays,
        totalRetentionInDays: t.totalRetentionInDays === -1 ? undefined : t.totalRetentionInDays,
        plan: t.plan,
        purgedBefore: Number.NEGATIVE_INFINITY,
      });
    }
    const created = resolveTime(w.createdDate, this.start);
    const ws: WorkspaceState = {
      subscription: sub,
      resourceGroup: w.resourceGroup,
      name: w.name,
      location: w.location,
      customerId: w.customerId.toLowerCase(),
      sku: w.sku,
      retentionInDays: w.retentionInDays,
      createdDate: created,
      modifiedDate: created,
      tables,
      declaredTables: new Set(w.tables.map((t) => t.name.toLowerCase())),
    };
    this.workspaces.set(w.name.toLowerCase(), ws);
    this.workspacesByCustomerId.set(ws.customerId, ws);
    freezePurge(ws, this.start);
  }

  private addSource(map: Map<string, Set<string>>, ws: string, id: string): void {
    const set = map.get(ws) ?? new Set<string>();
    map.set(ws, set);
    set.add(id);
  }

  /** A scenario name → ARM id; an ARM id stays as is. */
  resolveRef(ref: string | undefined, kind: "workspace" | "storage"): string | undefined {
    if (ref === undefined || ref.startsWith("/")) return ref;
    if (kind === "workspace") {
      const ws = this.workspaces.get(ref.toLowerCase());
      return ws ? workspaceArmId(ws.subscription, ws.resourceGroup, ws.name) : ref;
    }
    const sa = this.storageAccounts.get(ref);
    return sa ? storageArmId(sa.subscription, sa.resourceGroup, sa.name) : ref;
  }

  /** An ARM workspace id → the scenario workspace, if it is one. */
  workspaceByArmId(id: string | undefined): WorkspaceState | undefined {
    if (!id) return undefined;
    const m =
      /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.operationalinsights\/workspaces\/([^/]+)$/i.exec(
        id,
      );
    if (!m) return undefined;
    const ws = this.workspaces.get(m[3]!.toLowerCase());
    if (!ws || ws.subscription !== m[1]!.toLowerCase() || ws.resourceGroup.toLowerCase() !== m[2]!.toLowerCase()) {
      return undefined;
    }
    return ws;
  }

  /** Scenario workspaces (lower-cased names) the subscription's activity log initially reached. */
  private activityDestinations(sub: SubscriptionState): string[] {
    const delivery = sub.def.activity?.delivery;
    if (delivery?.mode === "none") return [];
    if (delivery?.workspace) {
      const ws = this.workspaceByArmId(this.resolveRef(delivery.workspace, "workspace"));
      return ws ? [ws.name.toLowerCase()] : [];
    }
    const out: string[] = [];
    for (const d of sub.diagnosticSettings.values()) {
      const ws = this.workspaceByArmId(d.workspaceId);
      if (ws) out.push(ws.name.toLowerCase());
    }
    return out;
  }

  /** The workspace an event of this category reached (per the initial settings), before drops. */
  private activityTarget(sub: SubscriptionState, category: string): string | undefined {
    const delivery = sub.def.activity?.delivery;
    if (delivery?.mode === "none") return undefined;
    if (delivery?.workspace) {
      return this.workspaceByArmId(this.resolveRef(delivery.workspace, "workspace"))?.name.toLowerCase();
    }
    for (const d of sub.diagnosticSettings.values()) {
      const ws = this.workspaceByArmId(d.workspaceId);
      if (!ws) continue;
      const covers = d.logs.some((l) => l.enabled && (l.categoryGroup === "allLogs" || l.category === category));
      if (covers) return ws.name.toLowerCase();
    }
    return undefined;
  }

  private signInDestination(t: TenantState, table: SignIn["table"]): string | undefined {
    const delivery = t.def.signInDelivery;
    if (delivery?.mode === "none") return undefined;
    if (delivery?.workspace) {
      return this.workspaceByArmId(this.resolveRef(delivery.workspace, "workspace"))?.name.toLowerCase();
    }
    const category = table === "SigninLogs" ? "SignInLogs" : "NonInteractiveUserSignInLogs";
    for (const d of t.entraSettings.values()) {
      const ws = this.workspaceByArmId(d.workspaceId);
      if (ws && d.logs.some((l) => l.enabled && l.category === category)) return ws.name.toLowerCase();
    }
    return undefined;
  }

  private dropped(delivery: Delivery, time: number, id: string, ids: string[], operation: string | undefined): boolean {
    for (const d of delivery.droppedDays) {
      const from = resolveTime(d, this.start).getTime();
      if (time >= from && time < from + DAY_MS) return true;
    }
    for (const r of delivery.droppedRanges) {
      if (time >= resolveTime(r.from, this.start).getTime() && time < resolveTime(r.to, this.start).getTime())
        return true;
    }
    if (ids.some((x) => delivery.missingIds.includes(x))) return true;
    if (delivery.missingFraction > 0) {
      const applies =
        delivery.missingOperations === undefined ||
        (operation !== undefined &&
          delivery.missingOperations.some((o) => o.toLowerCase() === operation.toLowerCase()));
      if (applies && unit(this.seed, "miss", id) < delivery.missingFraction) return true;
    }
    return false;
  }

  /**
   * Records an ARM write made against the simulator (a fix script) as an Administrative activity-log operation,
   * delivered by the subscription's *current* diagnostic settings, like the real platform.
   */
  recordWrite(
    subId: string,
    operation: string,
    resourceId: string,
    resourceGroup: string,
    caller: string,
    at: Date,
  ): void {
    const sub = this.subscriptions.get(subId.toLowerCase());
    if (!sub) return;
    const events = this.activityEvents(sub.id);
    let target: string | undefined;
    for (const d of sub.diagnosticSettings.values()) {
      const ws = this.workspaceByArmId(d.workspaceId);
      if (ws && d.logs.some((l) => l.enabled && (l.categoryGroup === "allLogs" || l.category === "Administrative"))) {
        target = ws.name.toLowerCase();
        break;
      }
    }
    if (target) this.addSource(this.activitySources, target, sub.id);
    const key = `${sub.id}/w/${events.length}`;
    const base = {
      subscription: sub.id,
      tenant: sub.tenant,
      operation,
      category: "Administrative",
      correlationId: guidFrom(this.seed, key, "corr"),
      caller,
      ip: "127.0.0.1",
      resourceGroup,
      resourceId,
      deliveredTo: target,
    };
    const t = Math.max(at.getTime(), events.at(-1)?.time ?? 0);
    this.activityGeneration++;
    events.push({ ...base, time: t, status: "Started", eventDataId: guidFrom(this.seed, key, "started") });
    events.push({ ...base, time: t, status: "Succeeded", eventDataId: guidFrom(this.seed, key, "end") });
  }

  /** All activity events of a subscription (both phases of every operation), oldest first. */
  activityEvents(subId: string): ActEvent[] {
    const key = subId.toLowerCase();
    const cached = this.events.get(key);
    if (cached) return cached;
    const sub = this.subscriptions.get(key);
    const out: ActEvent[] = [];
    if (!sub) return out;
    const activity = sub.def.activity;
    const delivery = activity?.delivery ?? DeliverySchema.parse({});
    const rgs = [...sub.resourceGroups];
    const defaultRgs = rgs.length > 0 ? rgs : ["rg-prod"];
    const startMs = this.start.getTime();
    // The settings do not change while the events are generated: resolve each category's destination once.
    const targets = new Map<string, string | undefined>();
    const targetOf = (category: string): string | undefined => {
      if (!targets.has(category)) targets.set(category, this.activityTarget(sub, category));
      return targets.get(category);
    };
    const add = (
      o: {
        time: number;
        operation: string;
        status: string;
        category: string;
        caller: string;
        ip: string;
        resourceGroup: string;
        resourceId?: string | undefined;
        correlationId: string;
        eventDataId?: string | undefined;
      },
      key2: string,
    ) => {
      const resourceId = o.resourceId ?? deriveResourceId(sub.id, o.resourceGroup, o.operation, key2);
      const eidStart = guidFrom(this.seed, key2, "started");
      const eidEnd = o.eventDataId ?? guidFrom(this.seed, key2, "end");
      let target = targetOf(o.category);
      if (target !== undefined) {
        const ws = this.workspaces.get(target)!;
        if (o.time < ws.createdDate.getTime()) target = undefined;
        else if (this.dropped(delivery, o.time, o.correlationId, [o.correlationId, eidEnd], o.operation))
          target = undefined;
      }
      const base = {
        subscription: sub.id,
        tenant: sub.tenant,
        operation: o.operation,
        category: o.category,
        correlationId: o.correlationId,
        caller: o.caller,
        ip: o.ip,
        resourceGroup: o.resourceGroup,
        resourceId,
        deliveredTo: target,
      };
      const lag = 2000 + Math.floor(unit(key2, "lag") * 28_000);
      out.push({ ...base, time: o.time, status: "Started", eventDataId: eidStart });
      out.push({ ...base, time: Math.min(o.time + lag, startMs), status: o.status, eventDataId: eidEnd });
    };
    activity?.privileged.forEach((g, gi) => {
      const callers = g.callers ?? DEFAULT_CALLERS;
      const ips = g.ips ?? DEFAULT_IPS;
      const grs = g.resourceGroups ?? defaultRgs;
      for (let d = 0; d < g.days; d++) {
        for (let k = 0; k < g.perDay; k++) {
          const key2 = `${sub.id}/p${gi}/${d}/${k}`;
          add(
            {
              time: startMs - d * DAY_MS - Math.floor(unit(this.seed, key2, "t") * (DAY_MS - 60_000)) - 60_000,
              operation: g.operations[(d * g.perDay + k) % g.operations.length]!,
              status: g.status,
              category: g.category,
              caller: pick(callers, this.seed, key2, "c"),
              ip: pick(ips, this.seed, key2, "ip"),
              resourceGroup: pick(grs, this.seed, key2, "rg"),
              correlationId: guidFrom(this.seed, key2, "corr"),
            },
            key2,
          );
        }
      }
    });
    if (activity?.noise) {
      for (let d = 0; d < activity.noise.days; d++) {
        for (let k = 0; k < activity.noise.perDay; k++) {
          const key2 = `${sub.id}/n/${d}/${k}`;
          add(
            {
              time: startMs - d * DAY_MS - Math.floor(unit(this.seed, key2, "t") * (DAY_MS - 60_000)) - 60_000,
              operation: pick(NOISE_OPERATIONS, this.seed, key2, "op"),
              status: "Succeeded",
              category: "Administrative",
              caller: pick(DEFAULT_CALLERS, this.seed, key2, "c"),
              ip: pick(DEFAULT_IPS, this.seed, key2, "ip"),
              resourceGroup: pick(defaultRgs, this.seed, key2, "rg"),
              correlationId: guidFrom(this.seed, key2, "corr"),
            },
            key2,
          );
        }
      }
    }
    activity?.events.forEach((e, i) => {
      const key2 = `${sub.id}/e/${i}`;
      add(
        {
          time: resolveTime(e.time, this.start).getTime(),
          operation: e.operation,
          status: e.status,
          category: e.category,
          caller: e.caller,
          ip: e.ip,
          resourceGroup: e.resourceGroup ?? defaultRgs[0]!,
          resourceId: e.resourceId,
          correlationId: e.correlationId ?? guidFrom(this.seed, key2, "corr"),
          eventDataId: e.eventDataId,
        },
        key2,
      );
    });
    out.sort((a, b) => a.time - b.time);
    this.events.set(key, out);
    return out;
  }

  /** All sign-ins of a tenant, oldest first. */
  tenantSignIns(tenantId: string): SignIn[] {
    const key = tenantId.toLowerCase();
    const cached = this.signIns.get(key);
    if (cached) return cached;
    const t = this.tenants.get(key);
    const out: SignIn[] = [];
    if (!t) return out;
    const delivery = t.def.signInDelivery ?? DeliverySchema.parse({});
    const startMs = this.start.getTime();
    t.def.signIns.forEach((g, gi) => {
      const table = g.kind === "interactive" ? "SigninLogs" : "AADNonInteractiveUserSignInLogs";
      const target0 = this.signInDestination(t, table);
      const users = g.users ?? DEFAULT_USERS.map((u) => u.replace("contoso.example", t.def.defaultDomain));
      const ips = g.ips ?? DEFAULT_IPS;
      const apps = g.apps ?? DEFAULT_APPS;
      const codes = g.resultTypes ?? ["50126"];
      for (let d = 0; d < g.days; d++) {
        for (let k = 0; k < g.perDay; k++) {
          const k2 = `${key}/s${gi}/${d}/${k}`;
          const time = startMs - d * DAY_MS - Math.floor(unit(this.seed, k2, "t") * (DAY_MS - 60_000)) - 60_000;
          const id = guidFrom(this.seed, k2, "id");
          let target = target0;
          if (target !== undefined) {
            const ws = this.workspaces.get(target)!;
            if (time < ws.createdDate.getTime() || this.dropped(delivery, time, id, [id], undefined))
              target = undefined;
          }
          out.push({
            tenant: key,
            time,
            id,
            correlationId: guidFrom(this.seed, k2, "corr"),
            user: pick(users, this.seed, k2, "u"),
            ip: pick(ips, this.seed, k2, "ip"),
            resultType: g.result === "success" ? "0" : pick(codes, this.seed, k2, "rt"),
            app: pick(apps, this.seed, k2, "app"),
            table,
            deliveredTo: target,
          });
        }
      }
    });
    out.sort((a, b) => a.time - b.time);
    this.signIns.set(key, out);
    return out;
  }

  /**
   * Activity rows stored in a workspace (before retention/timespan), oldest first per source subscription.
   * Memoised until the next `recordWrite` (every Log Analytics query over AzureActivity reads the whole list);
   * treat the result as read-only.
   */
  workspaceActivity(ws: WorkspaceState): readonly ActEvent[] {
    const key = ws.name.toLowerCase();
    const memo = this.workspaceActivityMemo.get(key);
    if (memo && memo.generation === this.activityGeneration) return memo.rows;
    const rows: ActEvent[] = [];
    for (const sub of this.activitySources.get(key) ?? []) {
      for (const e of this.activityEvents(sub)) if (e.deliveredTo === key) rows.push(e);
    }
    this.workspaceActivityMemo.set(key, { generation: this.activityGeneration, rows });
    return rows;
  }

  workspaceSignIns(ws: WorkspaceState, table: SignIn["table"]): SignIn[] {
    const key = ws.name.toLowerCase();
    const rows: SignIn[] = [];
    for (const t of this.signInSources.get(key) ?? []) {
      for (const s of this.tenantSignIns(t)) if (s.deliveredTo === key && s.table === table) rows.push(s);
    }
    return rows;
  }

  /** Whether KQL can resolve the table in this workspace (it has data or was declared). */
  tableResolvable(ws: WorkspaceState, table: string): boolean {
    if (ws.declaredTables.has(table.toLowerCase())) return true;
    if (table === "AzureActivity") return (this.activitySources.get(ws.name.toLowerCase())?.size ?? 0) > 0;
    if (table === "SigninLogs" || table === "AADNonInteractiveUserSignInLogs") {
      return this.workspaceSignIns(ws, table).length > 0;
    }
    return false;
  }
}

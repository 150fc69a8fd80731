/**
 * The azure.* configuration checks end to end: a simulated estate (real ARM wire protocol on loopback), the real
 * collector with the real Azure SDK clients, the real analyzers. Every check is shown failing and passing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import type { CoverageCell } from "../../src/model/coverage.js";
import type { ScanEvent } from "../../src/model/events.js";
import type { Finding } from "../../src/model/finding.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { runScan } from "../../src/scan/index.js";
import type { ScanOptions } from "../../src/scan/options.js";
import type { AzureScenarioInput } from "../../src/sim/scenario/azure.js";
import { type AzureSim, startAzureSim } from "./helpers/azure-sim.js";

const T1 = "11111111-1111-4111-8111-111111111111";
const T2 = "22222222-2222-4222-8222-222222222222";
const T3 = "33333333-3333-4333-8333-333333333333";
const sub = (n: number) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, "0")}`;
const S = {
  clean: sub(1),
  allLogs: sub(2),
  none: sub(3),
  legacy: sub(4),
  missing: sub(5),
  tableOverride: sub(6),
  wsShort: sub(7),
  worm: sub(8),
  remoteWs: sub(9),
  denied: sub(10),
  disabled: sub(11),
  pastDue: sub(12),
  t2: sub(13),
  t3: sub(14),
  deleted: sub(16),
} as const;
const REQUIRED = ["Administrative", "Security", "Policy", "Alert"] as const;
const wsId = (s: string, rg: string, name: string) =>
  `/subscriptions/${s}/resourceGroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
const saId = (s: string, rg: string, name: string) =>
  `/subscriptions/${s}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
const guid = (n: number) => `cccccccc-0000-4000-8000-${String(n).padStart(12, "0")}`;

const scenario: AzureScenarioInput = {
  tenants: [
    {
      id: T1,
      entraSettings: [
        {
          name: "signins",
          categories: ["AuditLogs", "SignInLogs", "NonInteractiveUserSignInLogs"],
          workspace: "law-long",
        },
      ],
    },
    // Only interactive sign-ins are exported.
    { id: T2, entraSettings: [{ name: "interactive-only", categories: ["SignInLogs"], workspace: "law-long" }] },
    // The scanning identity lacks Security Reader: aadiam answers 403.
    { id: T3, entraSettingsAccess: "denied" },
  ],
  subscriptions: [
    {
      id: S.clean,
      name: "clean",
      tenant: T1,
      diagnosticSettings: [
        { name: "to-law", categories: [...REQUIRED], workspace: "law-long", storageAccount: "stworm" },
      ],
      workspaces: [
        {
          name: "law-long",
          resourceGroup: "rg-logs",
          customerId: guid(1),
          retentionInDays: 365,
          tables: [{ name: "SigninLogs", retentionInDays: 30 }],
        },
      ],
      storageAccounts: [
        {
          name: "stworm",
          resourceGroup: "rg-logs",
          containers: [{ name: "insights-activity-logs", immutability: { periodDays: 400, state: "Locked" } }],
        },
      ],
    },
    {
      id: S.allLogs,
      name: "all-logs",
      tenant: T1,
      diagnosticSettings: [{ name: "everything", categoryGroup: "allLogs", workspace: "law-long" }],
    },
    { id: S.none, name: "no-export", tenant: T1 },
    {
      id: S.legacy,
      name: "legacy",
      tenant: T1,
      logProfiles: [{ name: "default", storageAccountId: saId(sub(4), "rg", "stlegacy"), retentionDays: 30 }],
    },
    {
      id: S.missing,
      name: "missing-categories",
      tenant: T1,
      diagnosticSettings: [{ name: "admin-policy", categories: ["Administrative", "Policy"], workspace: "law-long" }],
    },
    {
      id: S.tableOverride,
      name: "table-override",
      tenant: T1,
      diagnosticSettings: [{ name: "to-law", categories: [...REQUIRED], workspace: "law-override" }],
      workspaces: [
        {
          name: "law-override",
          resourceGroup: "rg-logs",
          customerId: guid(2),
          retentionInDays: 365,
          tables: [{ name: "AzureActivity", retentionInDays: 30 }],
        },
      ],
    },
    {
      id: S.wsShort,
      name: "workspace-short",
      tenant: T1,
      diagnosticSettings: [{ name: "to-law", categories: [...REQUIRED], workspace: "law-short" }],
      workspaces: [{ name: "law-short", resourceGroup: "rg-logs", customerId: guid(3), retentionInDays: 30 }],
    },
    {
      id: S.worm,
      name: "storage",
      tenant: T1,
      diagnosticSettings: [
        { name: "to-plain", categories: [...REQUIRED], workspace: "law-long", storageAccount: "stplain" },
        { name: "to-unlocked", categories: [...REQUIRED], storageAccount: "stunlocked" },
      ],
      storageAccounts: [
        { name: "stplain", resourceGroup: "rg-st" },
        {
          name: "stunlocked",
          resourceGroup: "rg-st",
          containers: [{ name: "insights-activity-logs", immutability: { periodDays: 200, state: "Unlocked" } }],
        },
      ],
    },
    {
      id: S.remoteWs,
      name: "remote-workspace",
      tenant: T1,
      diagnosticSettings: [{ name: "to-locked-down", categories: [...REQUIRED], workspace: "law-hidden" }],
    },
    {
      id: S.denied,
      name: "locked-down",
      tenant: T1,
      access: "denied",
      workspaces: [{ name: "law-hidden", resourceGroup: "rg-sec", customerId: guid(4), retentionInDays: 730 }],
    },
    { id: S.disabled, name: "disabled", tenant: T1, state: "Disabled" },
    { id: S.deleted, name: "deleted", tenant: T1, state: "Deleted" },
    {
      id: S.pastDue,
      name: "past-due",
      tenant: T1,
      state: "PastDue",
      diagnosticSettings: [{ name: "to-law", categories: [...REQUIRED], workspace: "law-long" }],
    },
    { id: S.t2, name: "tenant-two", tenant: T2 },
    { id: S.t3, name: "tenant-three", tenant: T3 },
  ],
};

function options(over: Partial<ScanOptions> = {}): ScanOptions {
  return {
    aws: false,
    azure: true,
    cloudsExplicit: true,
    org: false,
    roleName: "OrganizationAccountAccessRole",
    retentionDays: 90,
    sampleDays: 7,
    sample: false,
    sampleMax: 200,
    json: false,
    concurrency: 4,
    ...over,
  };
}

interface Scan {
  snapshot: Snapshot;
  findings: Finding[];
  coverage: CoverageCell[];
  events: ScanEvent[];
  calls: AzureSim["calls"];
}

async function scan(sim: AzureSim, over: Partial<ScanOptions> = {}): Promise<Scan> {
  const events: ScanEvent[] = [];
  const before = sim.calls.length;
  const opts = options(over);
  const snapshot = await runScan(opts, {
    env: { BLINDSPOT_AZURE_ENDPOINT: sim.url },
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
  });
  const { findings, coverage } = analyze(snapshot, { retentionDays: opts.retentionDays, suppressions: [] });
  return { snapshot, findings, coverage, events, calls: sim.calls.slice(before) };
}

/** The one finding of a check for a subscription (and resource suffix), failing the test if there are others. */
function one(r: Scan, checkId: string, subscriptionId: string, resourceEnds?: string): Finding {
  const list = r.findings.filter(
    (f) =>
      f.checkId === checkId &&
      f.scope.cloud === "azure" &&
      f.scope.subscriptionId === subscriptionId &&
      (resourceEnds === undefined || f.resource.endsWith(resourceEnds)),
  );
  expect(
    list.map((f) => `${f.status} ${f.resource}`),
    `${checkId} ${subscriptionId} ${resourceEnds ?? ""}`,
  ).toHaveLength(1);
  return list[0]!;
}

function none(r: Scan, checkId: string, subscriptionId: string): void {
  expect(
    r.findings.filter(
      (f) => f.checkId === checkId && f.scope.cloud === "azure" && f.scope.subscriptionId === subscriptionId,
    ),
  ).toEqual([]);
}

function tenantFinding(r: Scan, tenantId: string): Finding {
  const list = r.findings.filter(
    (f) =>
      f.checkId === "azure.entra.signin-export-missing" &&
      f.scope.cloud === "azure" &&
      f.scope.tenantId === tenantId &&
      !f.scope.subscriptionId,
  );
  expect(list).toHaveLength(1);
  return list[0]!;
}

function cell(r: Scan, subscriptionId: string): CoverageCell {
  const c = r.coverage.find((x) => x.scope.cloud === "azure" && x.scope.subscriptionId === subscriptionId);
  expect(c, subscriptionId).toBeDefined();
  return c!;
}

let sim: AzureSim;
let r: Scan;

beforeAll(async () => {
  sim = await startAzureSim(scenario);
  r = await scan(sim);
});
afterAll(async () => {
  await sim.close();
});

describe("azure.activity.export-missing", () => {
  it("fails without a diagnostic setting, passes with one", () => {
    const f = one(r, "azure.activity.export-missing", S.none);
    expect(f.status).toBe("fail");
    expect(f.severity).toBe("critical");
    expect(f.evidence.find((e) => e.label === "diagnostic settings")).toMatchObject({
      value: [],
      source: "arm:diagnosticSettings.list",
      at: expect.any(String),
    });
    expect(one(r, "azure.activity.export-missing", S.legacy).status).toBe("fail");
    expect(one(r, "azure.activity.export-missing", S.clean).status).toBe("pass");
    expect(one(r, "azure.activity.export-missing", S.allLogs).status).toBe("pass");
    expect(cell(r, S.none)).toMatchObject({ status: "uncovered", reasons: ["no Activity Log export"] });
  });
});

describe("azure.activity.categories-missing", () => {
  it("lists the missing required categories", () => {
    const f = one(r, "azure.activity.categories-missing", S.missing);
    expect(f.status).toBe("fail");
    expect(f.title).toContain("Security, Alert");
    expect(f.evidence.find((e) => e.label === "missing categories")?.value).toEqual(["Security", "Alert"]);
    expect(cell(r, S.missing)).toMatchObject({ status: "partial", reasons: ["export lacks Security, Alert"] });
  });

  it("counts the allLogs category group as complete", () => {
    expect(r.snapshot.azure?.subscriptions.find((s) => s.subscriptionId === S.allLogs)?.diagnosticSettings).toEqual({
      state: "ok",
      value: [expect.objectContaining({ logs: [{ categoryGroup: "allLogs", enabled: true }] })],
    });
    expect(one(r, "azure.activity.categories-missing", S.allLogs).status).toBe("pass");
    expect(one(r, "azure.activity.categories-missing", S.clean).status).toBe("pass");
    expect(cell(r, S.allLogs).status).toBe("covered");
  });

  it("is not judged where nothing is exported (export-missing says it)", () => {
    none(r, "azure.activity.categories-missing", S.none);
  });
});

describe("azure.workspace.retention-short and azure.table.retention-short", () => {
  it("fails a 30-day workspace, passes a 365-day one", () => {
    const f = one(r, "azure.workspace.retention-short", S.wsShort);
    expect(f.status).toBe("fail");
    expect(f.resource).toBe(wsId(S.wsShort, "rg-logs", "law-short"));
    expect(f.evidence.find((e) => e.label === "retentionInDays")).toMatchObject({
      value: 30,
      source: "arm:workspaces.get",
    });
    expect(cell(r, S.wsShort).status).toBe("partial");
    const ok = one(r, "azure.workspace.retention-short", S.clean);
    expect(ok.status).toBe("pass");
    expect(ok.evidence.find((e) => e.label === "sku")?.value).toBe("PerGB2018");
  });

  it("catches an AzureActivity override below the threshold in a long workspace", () => {
    expect(one(r, "azure.workspace.retention-short", S.tableOverride).status).toBe("pass");
    const t = one(r, "azure.table.retention-short", S.tableOverride);
    expect(t.status).toBe("fail");
    expect(t.resource).toBe(`${wsId(S.tableOverride, "rg-logs", "law-override")}/tables/AzureActivity`);
    expect(t.evidence.find((e) => e.label === "AzureActivity retention")?.value).toMatchObject({
      retentionInDays: 30,
      retentionInDaysAsDefault: false,
    });
    expect(cell(r, S.tableOverride).status).toBe("partial");
    expect(one(r, "azure.table.retention-short", S.clean).status).toBe("pass");
  });

  it("judges sign-in tables only for workspaces that receive Entra sign-ins", () => {
    // law-long's SigninLogs is overridden to 30 days: tenant T1 exports sign-ins there.
    const signin = r.findings.filter(
      (f) => f.checkId === "azure.table.retention-short" && f.resource.endsWith("/tables/SigninLogs"),
    );
    expect(signin.map((f) => [f.scope, f.status])).toEqual(
      expect.arrayContaining([
        [{ cloud: "azure", tenantId: T1 }, "fail"],
        [{ cloud: "azure", tenantId: T2 }, "fail"],
      ]),
    );
    expect(
      r.findings
        .filter(
          (f) => f.checkId === "azure.table.retention-short" && f.resource.endsWith("AADNonInteractiveUserSignInLogs"),
        )
        .map((f) => [f.scope, f.status]),
    ).toEqual([[{ cloud: "azure", tenantId: T1 }, "pass"]]);
  });

  it("a workspace in a subscription we cannot read is unknown with the reason", () => {
    const w = r.snapshot.azure?.workspaces.find((x) => x.name === "law-hidden");
    expect(w?.error).toMatchObject({ kind: "denied", code: "AuthorizationFailed", operation: "workspaces.get" });
    const f = one(r, "azure.workspace.retention-short", S.remoteWs);
    expect(f.status).toBe("unknown");
    expect(f.resource).toBe(wsId(S.denied, "rg-sec", "law-hidden"));
    expect(f.evidence.find((e) => e.label === "error")?.value).toMatch(/^AuthorizationFailed: /);
    expect(one(r, "azure.table.retention-short", S.remoteWs).status).toBe("unknown");
    const c = cell(r, S.remoteWs);
    expect(c.status).toBe("unknown");
    expect(c.findingIds).toContain(f.id);
  });
});

describe("azure.storage.not-worm", () => {
  it("fails without a policy and with an unlocked one, passes a locked one", () => {
    const plain = one(r, "azure.storage.not-worm", S.worm, "/stplain");
    expect(plain.status).toBe("fail");
    expect(plain.evidence.find((e) => e.label === "immutability policy")).toMatchObject({
      value: null,
      source: "arm:blobContainers.getImmutabilityPolicy",
    });
    const unlocked = one(r, "azure.storage.not-worm", S.worm, "/stunlocked");
    expect(unlocked.status).toBe("fail");
    expect(unlocked.title).toContain("Unlocked");
    const locked = one(r, "azure.storage.not-worm", S.clean, "/stworm");
    expect(locked.status).toBe("pass");
    expect(locked.resource).toBe(saId(S.clean, "rg-logs", "stworm"));
    expect(locked.evidence.find((e) => e.label === "immutability policy")?.value).toMatchObject({
      immutabilityPeriodSinceCreationInDays: 400,
      state: "Locked",
    });
  });
});

describe("azure.logprofile.legacy", () => {
  it("fails when only a log profile exports, passes otherwise", () => {
    const f = one(r, "azure.logprofile.legacy", S.legacy);
    expect(f.status).toBe("fail");
    expect(f.resource).toBe(`/subscriptions/${S.legacy}/providers/microsoft.insights/logprofiles/default`);
    expect(cell(r, S.legacy)).toMatchObject({
      status: "uncovered",
      reasons: ["only a retired legacy log profile exports the Activity Log"],
    });
    expect(one(r, "azure.logprofile.legacy", S.none).status).toBe("pass");
    expect(one(r, "azure.logprofile.legacy", S.clean).status).toBe("pass");
  });
});

describe("azure.entra.signin-export-missing", () => {
  it("passes with interactive and non-interactive sign-ins exported", () => {
    const f = tenantFinding(r, T1);
    expect(f.status).toBe("pass");
    expect(f.resource).toBe(`tenant:${T1}`);
  });

  it("fails when non-interactive sign-ins are not exported", () => {
    const f = tenantFinding(r, T2);
    expect(f.status).toBe("fail");
    expect(f.evidence.find((e) => e.label === "missing categories")?.value).toEqual(["NonInteractiveUserSignInLogs"]);
  });

  it("a 403 is unknown (needs Security Reader / Global Reader), not a failure", () => {
    const f = tenantFinding(r, T3);
    expect(f.status).toBe("unknown");
    expect(f.title).toContain("Security Reader / Global Reader");
    expect(r.snapshot.azure?.tenants.find((t) => t.tenantId === T3)?.entraDiagnosticSettings).toMatchObject({
      state: "error",
      error: { kind: "denied", code: "AuthorizationFailed" },
    });
  });
});

describe("subscriptions: states, access, filters", () => {
  it("an unreadable subscription is azure.subscription.unscanned and its cell unknown", () => {
    const s = r.snapshot.azure?.subscriptions.find((x) => x.subscriptionId === S.denied);
    expect(s?.access).toMatchObject({ state: "denied", error: { code: "AuthorizationFailed" } });
    const f = one(r, "azure.subscription.unscanned", S.denied);
    expect(f.status).toBe("fail");
    expect(cell(r, S.denied).status).toBe("unknown");
    none(r, "azure.activity.export-missing", S.denied);
    expect(one(r, "azure.subscription.unscanned", S.clean).status).toBe("pass");
  });

  it("Disabled and Deleted subscriptions are skipped (n/a), never clean, and not called", () => {
    for (const id of [S.disabled, S.deleted]) {
      const s = r.snapshot.azure?.subscriptions.find((x) => x.subscriptionId === id);
      expect(s?.access.state).toBe("skipped");
      expect(cell(r, id).status).toBe("n/a");
      expect(r.findings.filter((f) => f.scope.cloud === "azure" && f.scope.subscriptionId === id)).toEqual([]);
      expect(r.calls.filter((c) => c.subscription === id)).toEqual([]);
    }
    expect(r.events).toContainEqual({
      type: "scope-finished",
      scope: { cloud: "azure", subscriptionId: S.disabled, tenantId: T1 },
      outcome: "skipped",
    });
  });

  it("PastDue subscriptions are audited", () => {
    expect(one(r, "azure.activity.export-missing", S.pastDue).status).toBe("pass");
    expect(cell(r, S.pastDue).status).toBe("covered");
  });

  it("covered cells need a complete export with proven retention", () => {
    expect(cell(r, S.clean)).toMatchObject({ status: "covered", reasons: ["exported by to-law"] });
    // stplain has no WORM: a finding, but the workspace still proves retention.
    expect(cell(r, S.worm).status).toBe("covered");
  });

  it("reads only: every call is a GET, each workspace and storage account once", () => {
    expect(r.calls.every((c) => c.method === "GET" && !c.write)).toBe(true);
    const gets = r.calls.filter((c) => c.operation === "workspaces.get").map((c) => c.path);
    expect(new Set(gets).size).toBe(gets.length);
    const containers = r.calls.filter((c) => c.operation === "blobContainers.get").map((c) => c.path);
    expect(new Set(containers).size).toBe(containers.length);
    expect(r.calls.filter((c) => c.operation === "subscriptions.list")).toHaveLength(1);
    expect(r.calls.filter((c) => c.operation === "aadiamDiagnosticSettings.list")).toHaveLength(3);
  });

  it("emits progress and api-call events", () => {
    const progress = r.events.filter((e) => e.type === "progress");
    expect(progress.at(-1)).toEqual({ type: "progress", cloud: "azure", unit: "subscriptions", done: 15, total: 15 });
    expect(r.events.some((e) => e.type === "api-call" && e.operation === "diagnosticSettings.list" && e.ok)).toBe(true);
    expect(r.events.some((e) => e.type === "api-call" && e.operation === "diagnosticSettings.list" && !e.ok)).toBe(
      true,
    );
  });

  it("--subscriptions / --exclude-subscriptions select subscriptions; an unknown id is unscanned", async () => {
    const missing = "bbbbbbbb-0000-4000-8000-000000000099";
    const only = await scan(sim, { subscriptions: [S.clean, S.none.toUpperCase(), missing] });
    expect(only.snapshot.azure?.subscriptions.map((s) => s.subscriptionId).sort()).toEqual(
      [S.clean, S.none, missing].sort(),
    );
    expect(one(only, "azure.subscription.unscanned", missing).status).toBe("fail");
    expect(only.calls.filter((c) => c.operation === "diagnosticSettings.list")).toHaveLength(2);
    const ex = await scan(sim, { excludeSubscriptions: [S.clean, S.denied] });
    const ids = ex.snapshot.azure?.subscriptions.map((s) => s.subscriptionId) ?? [];
    expect(ids).not.toContain(S.clean);
    expect(ids).not.toContain(S.denied);
    expect(ids).toContain(S.none);
  });

  it("--retention-days moves the threshold", async () => {
    const strict = await scan(sim, { subscriptions: [S.clean], retentionDays: 400 });
    expect(one(strict, "azure.workspace.retention-short", S.clean).status).toBe("fail");
  });
});

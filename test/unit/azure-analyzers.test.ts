/** The azure.* analyzers as pure functions over hand-made snapshots: edge cases the simulator cannot express. */
import { describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { parseArmId, toDiagnosticSetting, toImmutability, toTable } from "../../src/collect/azure/normalize.js";
import type { ApiError } from "../../src/model/common.js";
import type { Finding } from "../../src/model/finding.js";
import { type SnapshotInput, SnapshotSchema } from "../../src/model/snapshot.js";
import type { AzurePart, WorkspaceTable } from "../../src/model/snapshot-azure.js";

const AT = "2026-11-20T10:00:00.000Z";
const TENANT = "72f988bf-0000-4000-8000-000000000001";
const SUB = "0b1f6471-1bf0-4dda-aec3-111111111111";
const WS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law`;
const SA = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st`;
const ALL4 = ["Administrative", "Security", "Policy", "Alert"].map((category) => ({ category, enabled: true }));

type Sub = AzurePart["subscriptions"][number];
type Ws = AzurePart["workspaces"][number];
type St = AzurePart["storage"][number];

const denied = (operation: string): ApiError => ({
  kind: "denied",
  service: "arm",
  operation,
  code: "AuthorizationFailed",
  message: "no",
  at: AT,
});

function sub(over: Partial<Sub> = {}): Sub {
  return {
    subscriptionId: SUB,
    tenantId: TENANT,
    state: "Enabled",
    access: { state: "ok" },
    diagnosticSettings: { state: "ok", value: [] },
    logProfiles: { state: "ok", value: [] },
    samples: [],
    tamper: [],
    errors: [],
    readAt: AT,
    ...over,
  };
}

function workspace(over: Partial<Ws> = {}): Ws {
  return {
    id: WS,
    subscriptionId: SUB,
    resourceGroup: "rg",
    name: "law",
    sku: "PerGB2018",
    retentionInDays: 365,
    tables: { state: "ok", value: [] },
    readAt: AT,
    ...over,
  };
}

function run(azure: Partial<AzurePart>, retentionDays = 90) {
  const input: SnapshotInput = {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: AT,
    finishedAt: AT,
    complete: true,
    options: { clouds: ["azure"], retentionDays, sampleDays: 7, sample: false },
    azure: { tenants: [], subscriptions: [sub()], workspaces: [], storage: [], ...azure },
  };
  const snapshot = SnapshotSchema.parse(input);
  return analyze(snapshot, { retentionDays, suppressions: [] });
}

function statuses(findings: Finding[], checkId: string): string[] {
  return findings.filter((f) => f.checkId === checkId).map((f) => f.status);
}

const setting = (over: Record<string, unknown> = {}) => ({
  id: `/subscriptions/${SUB}/providers/microsoft.insights/diagnosticSettings/s`,
  name: "s",
  workspaceId: WS,
  logs: ALL4,
  ...over,
});

describe("azure.activity.export-missing / categories-missing", () => {
  it("a setting without a destination does not count", () => {
    const { findings, coverage } = run({
      subscriptions: [sub({ diagnosticSettings: { state: "ok", value: [setting({ workspaceId: undefined })] } })],
    });
    expect(statuses(findings, "azure.activity.export-missing")).toEqual(["fail"]);
    expect(statuses(findings, "azure.activity.categories-missing")).toEqual([]);
    expect(coverage[0]?.status).toBe("uncovered");
  });

  it("only enabled entries count; a disabled allLogs group is nothing", () => {
    const off = ALL4.map((l) => ({ ...l, enabled: false }));
    expect(
      statuses(
        run({ subscriptions: [sub({ diagnosticSettings: { state: "ok", value: [setting({ logs: off })] } })] })
          .findings,
        "azure.activity.export-missing",
      ),
    ).toEqual(["fail"]);
    const group = (enabled: boolean) =>
      run({
        subscriptions: [
          sub({
            diagnosticSettings: { state: "ok", value: [setting({ logs: [{ categoryGroup: "allLogs", enabled }] })] },
          }),
        ],
        workspaces: [workspace()],
      }).findings;
    expect(statuses(group(false), "azure.activity.export-missing")).toEqual(["fail"]);
    expect(statuses(group(true), "azure.activity.categories-missing")).toEqual(["pass"]);
  });

  it("categories are the union over exporting settings, compared case-insensitively", () => {
    const a = setting({
      name: "a",
      logs: [
        { category: "administrative", enabled: true },
        { category: "Security", enabled: true },
      ],
    });
    const b = setting({
      name: "b",
      storageAccountId: SA,
      workspaceId: undefined,
      logs: [{ category: "Policy", enabled: true }],
    });
    const { findings } = run({ subscriptions: [sub({ diagnosticSettings: { state: "ok", value: [a, b] } })] });
    const f = findings.find((x) => x.checkId === "azure.activity.categories-missing")!;
    expect(f.status).toBe("fail");
    expect(f.evidence.find((e) => e.label === "missing categories")?.value).toEqual(["Alert"]);
  });

  it("unreadable settings are unknown, never missing, and the cell is unknown", () => {
    const { findings, coverage } = run({
      subscriptions: [sub({ diagnosticSettings: { state: "error", error: denied("diagnosticSettings.list") } })],
    });
    expect(statuses(findings, "azure.activity.export-missing")).toEqual(["unknown"]);
    expect(statuses(findings, "azure.logprofile.legacy")).toEqual(["unknown"]);
    expect(coverage[0]?.status).toBe("unknown");
  });

  it("a log profile next to a diagnostic setting is not legacy-only", () => {
    const profile = { id: "/x/logprofiles/default", name: "default", locations: [], categories: [] };
    const both = run({
      subscriptions: [
        sub({
          diagnosticSettings: { state: "ok", value: [setting()] },
          logProfiles: { state: "ok", value: [profile] },
        }),
      ],
      workspaces: [workspace()],
    });
    expect(statuses(both.findings, "azure.logprofile.legacy")).toEqual(["pass"]);
    const only = run({ subscriptions: [sub({ logProfiles: { state: "ok", value: [profile] } })] });
    expect(only.findings.find((f) => f.checkId === "azure.logprofile.legacy")).toMatchObject({
      status: "fail",
      resource: "/x/logprofiles/default",
    });
  });
});

describe("workspace and table retention", () => {
  const exporting = [sub({ diagnosticSettings: { state: "ok", value: [setting()] } })];
  const tables = (value: WorkspaceTable[]): Ws["tables"] => ({ state: "ok", value });

  it("-1 means the workspace default; total retention counts", () => {
    const r = run({
      subscriptions: exporting,
      workspaces: [
        workspace({ tables: tables([{ name: "AzureActivity", retentionInDays: -1, totalRetentionInDays: -1 }]) }),
      ],
    });
    expect(statuses(r.findings, "azure.table.retention-short")).toEqual(["pass"]);
    const archived = run({
      subscriptions: exporting,
      workspaces: [
        workspace({
          tables: tables([
            { name: "AzureActivity", retentionInDays: 30, totalRetentionInDays: 365, retentionInDaysAsDefault: false },
          ]),
        }),
      ],
    });
    expect(statuses(archived.findings, "azure.table.retention-short")).toEqual(["pass"]);
  });

  it("an override below the threshold fails even in a short workspace; an inherited short table is the workspace's finding", () => {
    const over = run({
      subscriptions: exporting,
      workspaces: [
        workspace({
          retentionInDays: 60,
          tables: tables([{ name: "AzureActivity", retentionInDays: 30, retentionInDaysAsDefault: false }]),
        }),
      ],
    });
    expect(statuses(over.findings, "azure.workspace.retention-short")).toEqual(["fail"]);
    expect(statuses(over.findings, "azure.table.retention-short")).toEqual(["fail"]);
    const inherited = run({
      subscriptions: exporting,
      workspaces: [
        workspace({
          retentionInDays: 60,
          tables: tables([{ name: "AzureActivity", retentionInDays: 60, retentionInDaysAsDefault: true }]),
        }),
      ],
    });
    expect(statuses(inherited.findings, "azure.workspace.retention-short")).toEqual(["fail"]);
    expect(statuses(inherited.findings, "azure.table.retention-short")).toEqual([]);
  });

  it("the Free tier keeps 7 days", () => {
    const r = run({ subscriptions: exporting, workspaces: [workspace({ sku: "Free", retentionInDays: undefined })] });
    const f = r.findings.find((x) => x.checkId === "azure.workspace.retention-short")!;
    expect(f.status).toBe("fail");
    expect(f.title).toContain("7 days");
  });

  it("an unreadable workspace or table list is unknown; a workspace never read is unknown", () => {
    const err = run({
      subscriptions: exporting,
      workspaces: [workspace({ error: denied("workspaces.get"), retentionInDays: undefined })],
    });
    expect(statuses(err.findings, "azure.workspace.retention-short")).toEqual(["unknown"]);
    expect(err.coverage[0]?.status).toBe("unknown");
    const t = run({
      subscriptions: exporting,
      workspaces: [workspace({ tables: { state: "error", error: denied("tables.get") } })],
    });
    expect(statuses(t.findings, "azure.table.retention-short")).toEqual(["unknown"]);
    const missing = run({ subscriptions: exporting, workspaces: [] });
    expect(statuses(missing.findings, "azure.workspace.retention-short")).toEqual(["unknown"]);
  });

  it("workspace ids match case-insensitively", () => {
    const lower = [sub({ diagnosticSettings: { state: "ok", value: [setting({ workspaceId: WS.toLowerCase() })] } })];
    const r = run({ subscriptions: lower, workspaces: [workspace()] });
    expect(r.findings.find((f) => f.checkId === "azure.workspace.retention-short")).toMatchObject({
      status: "pass",
      resource: WS,
    });
    expect(r.coverage[0]?.status).toBe("covered");
  });
});

describe("azure.storage.not-worm and retention proof from storage", () => {
  const toStorage = [
    sub({ diagnosticSettings: { state: "ok", value: [setting({ workspaceId: undefined, storageAccountId: SA })] } }),
  ];
  const storage = (over: Partial<St>): St => ({
    id: SA,
    container: "insights-activity-logs",
    containerFound: true,
    immutability: { state: "ok", value: null },
    readAt: AT,
    ...over,
  });

  it("a locked policy at least as long as the threshold proves retention: covered", () => {
    const r = run({
      subscriptions: toStorage,
      storage: [
        storage({
          immutability: { state: "ok", value: { immutabilityPeriodSinceCreationInDays: 120, state: "Locked" } },
        }),
      ],
    });
    expect(statuses(r.findings, "azure.storage.not-worm")).toEqual(["pass"]);
    expect(r.coverage[0]?.status).toBe("covered");
  });

  it("a legal hold is WORM; a missing container is not; an unreadable account is unknown", () => {
    expect(
      statuses(
        run({ subscriptions: toStorage, storage: [storage({ hasLegalHold: true })] }).findings,
        "azure.storage.not-worm",
      ),
    ).toEqual(["pass"]);
    const gone = run({ subscriptions: toStorage, storage: [storage({ containerFound: false })] });
    expect(statuses(gone.findings, "azure.storage.not-worm")).toEqual(["fail"]);
    expect(gone.coverage[0]?.status).toBe("unknown"); // retention not provable, nothing else failing
    const err = run({
      subscriptions: toStorage,
      storage: [storage({ immutability: { state: "error", error: denied("blobContainers.get") } })],
    });
    expect(statuses(err.findings, "azure.storage.not-worm")).toEqual(["unknown"]);
  });

  it("an event-hub-only export cannot prove retention: no verdict (unknown)", () => {
    const hub = setting({
      workspaceId: undefined,
      eventHubAuthorizationRuleId: "/x/authorizationRules/r",
      eventHubName: "h",
    });
    const r = run({ subscriptions: [sub({ diagnosticSettings: { state: "ok", value: [hub] } })] });
    expect(statuses(r.findings, "azure.activity.export-missing")).toEqual(["pass"]);
    expect(r.coverage[0]?.status).toBe("unknown");
  });
});

describe("azure.entra.signin-export-missing", () => {
  const entra = (value: ReturnType<typeof setting>[]) =>
    run({
      tenants: [{ tenantId: TENANT, entraDiagnosticSettings: { state: "ok", value }, samples: [], readAt: AT }],
    }).findings.filter((f) => f.checkId === "azure.entra.signin-export-missing");

  it("needs both sign-in categories enabled with a destination; allLogs counts", () => {
    expect(entra([]).map((f) => f.status)).toEqual(["fail"]);
    const both = [
      { category: "SignInLogs", enabled: true },
      { category: "NonInteractiveUserSignInLogs", enabled: true },
    ];
    expect(entra([setting({ logs: both })]).map((f) => f.status)).toEqual(["pass"]);
    expect(entra([setting({ logs: both, workspaceId: undefined })]).map((f) => f.status)).toEqual(["fail"]);
    expect(
      entra([setting({ logs: [both[0]!, { category: "NonInteractiveUserSignInLogs", enabled: false }] })]).map(
        (f) => f.status,
      ),
    ).toEqual(["fail"]);
    expect(entra([setting({ logs: [{ categoryGroup: "allLogs", enabled: true }] })]).map((f) => f.status)).toEqual([
      "pass",
    ]);
  });

  it("a denied read is unknown with the roles it needs", () => {
    const f = run({
      tenants: [
        {
          tenantId: TENANT,
          entraDiagnosticSettings: { state: "error", error: denied("aadiamDiagnosticSettings.list") },
          samples: [],
        },
      ],
    }).findings.find((x) => x.checkId === "azure.entra.signin-export-missing")!;
    expect(f.status).toBe("unknown");
    expect(f.scope).toEqual({ cloud: "azure", tenantId: TENANT });
    expect(f.evidence.map((e) => e.label)).toEqual(["error", "needs"]);
  });
});

describe("collector normalizers", () => {
  it("flattens raw ARM diagnostic settings and drops nulls", () => {
    expect(
      toDiagnosticSetting({
        id: "/providers/microsoft.aadiam/diagnosticSettings/x",
        name: "x",
        properties: {
          workspaceId: WS,
          storageAccountId: null,
          logs: [{ category: "SignInLogs", enabled: true, retentionPolicy: {} }],
        },
      }),
    ).toEqual({
      id: "/providers/microsoft.aadiam/diagnosticSettings/x",
      name: "x",
      workspaceId: WS,
      logs: [{ category: "SignInLogs", enabled: true }],
    });
    expect(toTable({ name: "AzureActivity", properties: { retentionInDays: -1, plan: "Analytics" } })).toEqual({
      name: "AzureActivity",
      retentionInDays: -1,
      plan: "Analytics",
    });
  });

  it("reads immutability policies; an empty policy is none", () => {
    expect(toImmutability({ properties: { immutabilityPeriodSinceCreationInDays: 0 } })).toBeNull();
    expect(toImmutability({ properties: { immutabilityPeriodSinceCreationInDays: 0, state: "Deleted" } })).toBeNull();
    expect(toImmutability({})).toBeNull();
    expect(toImmutability({ properties: { immutabilityPeriodSinceCreationInDays: 30, state: "Locked" } })).toEqual({
      immutabilityPeriodSinceCreationInDays: 30,
      state: "Locked",
    });
  });

  it("parses ARM ids in any case", () => {
    expect(parseArmId(WS.toLowerCase(), "Microsoft.OperationalInsights/workspaces")).toEqual({
      subscriptionId: SUB,
      resourceGroup: "rg",
      name: "law",
    });
    expect(parseArmId(SA, "Microsoft.OperationalInsights/workspaces")).toBeUndefined();
  });
});

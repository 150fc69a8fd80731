import { MonitorClient } from "@azure/arm-monitor";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { LogsQueryClient, type LogsQueryResult, type LogsTable } from "@azure/monitor-query-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorClientOptions, simulatorCredential } from "../../src/collect/azure/sim-endpoint.js";
import { DEMO_SUBS, DEMO_WORKSPACES, demoAzure } from "../../src/sim/scenarios/demo-azure.js";
import { type AzureSim, startAzureSim, startAzureSimManualClock } from "./helpers/azure-sim.js";

const cred = simulatorCredential();
const DAY = 86_400_000;
let sim: AzureSim;
let logs: LogsQueryClient;
const start = new Date();

beforeAll(async () => {
  sim = await startAzureSim(demoAzure, start);
  logs = new LogsQueryClient(cred, simulatorClientOptions(sim.url));
});
afterAll(async () => {
  await sim.close();
});

function table(r: LogsQueryResult): LogsTable {
  if (r.status !== "Success") throw new Error(`query failed: ${JSON.stringify(r)}`);
  return r.tables[0]!;
}

async function rows(workspace: string, kql: string, duration = "P30D"): Promise<LogsTable> {
  return table(await logs.queryWorkspace(workspace, kql, { duration }));
}

async function rejection(p: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the query to fail");
}

async function privilegedSample(sub: string, days: number) {
  const m = new MonitorClient(cred, sub, simulatorClientOptions(sim.url));
  const from = new Date(start.getTime() - days * DAY).toISOString();
  const out = [];
  for await (const e of m.activityLogs.list(
    `eventTimestamp ge '${from}' and eventTimestamp le '${start.toISOString()}'`,
  )) {
    if (e.operationName?.value?.startsWith("Microsoft.Authorization/") && e.status?.value === "Succeeded") out.push(e);
  }
  return out;
}

describe("Log Analytics query API (LogsQueryClient)", () => {
  it("finds sampled privileged operations by CorrelationId and exposes the blind spot", async () => {
    const sample = await privilegedSample(DEMO_SUBS.analytics, 7);
    expect(sample.length).toBeGreaterThan(5);
    const ids = sample.map((e) => e.correlationId!);
    const kql = `AzureActivity | where CorrelationId in (${ids.map((i) => `"${i}"`).join(", ")}) or EventDataId in ("none") | summarize n=count() by CorrelationId, OperationNameValue`;
    const t = await rows(DEMO_WORKSPACES.security.customerId, kql, "P7D");
    expect(t.columnDescriptors.map((c) => [c.name, c.type])).toEqual([
      ["CorrelationId", "string"],
      ["OperationNameValue", "string"],
      ["n", "long"],
    ]);
    const found = new Set(t.rows.map((r) => r[0] as string));
    const missing = sample.filter((e) => !found.has(e.correlationId!));
    expect(missing.length).toBeGreaterThan(0);
    expect(found.size).toBeGreaterThan(0);
    // Only role assignment operations were configured to go missing.
    expect(new Set(missing.map((e) => e.operationName!.value))).toEqual(
      new Set(
        missing
          .map((e) => e.operationName!.value!)
          .filter((o) => o.startsWith("Microsoft.Authorization/roleAssignments/")),
      ),
    );
    // Both phases (Started + Succeeded) of a delivered operation are stored.
    expect(t.rows.every((r) => r[2] === 2)).toBe(true);
  });

  it("returns everything for the clean subscription", async () => {
    const sample = await privilegedSample(DEMO_SUBS.core, 3);
    const ids = sample.map((e) => `'${e.correlationId}'`).join(",");
    const t = await rows(
      DEMO_WORKSPACES.security.customerId,
      `AzureActivity | where CorrelationId in (${ids}) | summarize n=count() by CorrelationId, OperationNameValue`,
      "P3D",
    );
    expect(t.rows.length).toBe(new Set(sample.map((e) => e.correlationId)).size);
  });

  it("proves retention from the data: min(TimeGenerated) per workspace", async () => {
    const core = await rows(
      DEMO_WORKSPACES.security.customerId,
      "AzureActivity | summarize min(TimeGenerated)",
      "P365D",
    );
    expect(core.columnDescriptors).toEqual([{ name: "min_TimeGenerated", type: "datetime" }]);
    const coreMin = core.rows[0]![0] as Date;
    expect(coreMin).toBeInstanceOf(Date);
    expect((start.getTime() - coreMin.getTime()) / DAY).toBeGreaterThan(95);
    const pay = await rows(
      DEMO_WORKSPACES.payments.customerId,
      "AzureActivity | summarize min(TimeGenerated)",
      "P365D",
    );
    const age = (start.getTime() - (pay.rows[0]![0] as Date).getTime()) / DAY;
    expect(age).toBeLessThanOrEqual(30);
    expect(age).toBeGreaterThan(28);
  });

  it("shows the dropped days as a delivery gap in per-day counts", async () => {
    const t = await rows(
      DEMO_WORKSPACES.payments.customerId,
      `AzureActivity | where SubscriptionId == "${DEMO_SUBS.payments}" | summarize count() by bin(TimeGenerated, 1d) | order by TimeGenerated asc`,
      "P14D",
    );
    expect(t.columnDescriptors.map((c) => c.name)).toEqual(["TimeGenerated", "count_"]);
    const days = t.rows.map((r) => (r[0] as Date).getTime());
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(days.every((d) => d % DAY === 0)).toBe(true);
    const gapFrom = new Date(start.getTime() - 6 * DAY).toISOString();
    const gapTo = new Date(start.getTime() - 4 * DAY).toISOString();
    const inGap = await rows(
      DEMO_WORKSPACES.payments.customerId,
      `AzureActivity | where TimeGenerated between (datetime(${gapFrom}) .. datetime(${gapTo})) | count`,
      "P14D",
    );
    expect(inGap.rows).toEqual([[0]]);
    const around = await rows(
      DEMO_WORKSPACES.payments.customerId,
      "AzureActivity | where TimeGenerated >= ago(4d) | count",
      "P14D",
    );
    expect(around.rows[0]![0]).toBeGreaterThan(50);
  });

  it("honours the timespan", async () => {
    const week = await rows(DEMO_WORKSPACES.security.customerId, "AzureActivity | count", "P7D");
    const day = await rows(DEMO_WORKSPACES.security.customerId, "AzureActivity | count", "P1D");
    expect(day.rows[0]![0]).toBeGreaterThan(0);
    expect(week.rows[0]![0]).toBeGreaterThan((day.rows[0]![0] as number) * 5);
  });

  it("supports project, take and order", async () => {
    const t = await rows(
      DEMO_WORKSPACES.security.customerId,
      "AzureActivity | where OperationNameValue == 'Microsoft.Authorization/roleAssignments/write' | project TimeGenerated, Caller, CallerIpAddress | order by TimeGenerated desc | take 3",
      "P7D",
    );
    expect(t.columnDescriptors.map((c) => c.name)).toEqual(["TimeGenerated", "Caller", "CallerIpAddress"]);
    expect(t.rows).toHaveLength(3);
    expect((t.rows[0]![0] as Date).getTime()).toBeGreaterThanOrEqual((t.rows[1]![0] as Date).getTime());
    expect(t.rows[0]![2]).toMatch(/^(203\.0\.113|198\.51\.100)\./);
  });

  it("answers 400 BadArgumentError for queries outside the subset, unknown columns and tables", async () => {
    const ws = DEMO_WORKSPACES.security.customerId;
    const ext = await rejection(logs.queryWorkspace(ws, "AzureActivity | extend x = 1", { duration: "P1D" }));
    expect(ext).toMatchObject({ statusCode: 400, code: "BadArgumentError" });
    expect(ext.message).toContain("'extend' operator");
    const col = await rejection(logs.queryWorkspace(ws, "AzureActivity | where Nope == 1", { duration: "P1D" }));
    expect(col).toMatchObject({ statusCode: 400, code: "BadArgumentError" });
    const syn = await rejection(logs.queryWorkspace(ws, "AzureActivity | where (", { duration: "P1D" }));
    expect(syn.statusCode).toBe(400);
    // The demo has no sign-in export: law-nw-security declares SigninLogs (it has a retention override) but holds no
    // rows; in law-nw-payments neither table exists, and a fuzzy union of only missing tables fails.
    const kql = 'union isfuzzy=true SigninLogs, AADNonInteractiveUserSignInLogs | where ResultType != "0" | count';
    expect((await rows(ws, kql, "P7D")).rows).toEqual([[0]]);
    const signins = await rejection(logs.queryWorkspace(DEMO_WORKSPACES.payments.customerId, kql, { duration: "P7D" }));
    expect(signins).toMatchObject({ statusCode: 400, code: "BadArgumentError" });
  });

  it("answers 404 for an unknown workspace", async () => {
    const e = await rejection(
      logs.queryWorkspace("00000000-1111-4222-8333-444444444444", "AzureActivity | count", { duration: "P1D" }),
    );
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe("WorkspaceNotFoundError");
  });

  it("cuts rows as the clock passes retention, and a longer retention does not bring purged rows back", async () => {
    const ws = DEMO_WORKSPACES.payments.customerId;
    const q = "AzureActivity | summarize min(TimeGenerated), n=count()";
    const clock = await startAzureSimManualClock(demoAzure, start);
    const opts = simulatorClientOptions(clock.url);
    const lq = new LogsQueryClient(cred, opts);
    const query = async () => table(await lq.queryWorkspace(ws, q, { duration: "P365D" }));
    const before = await query();
    clock.advance(10 * DAY);
    try {
      const after = await query();
      expect((after.rows[0]![0] as Date).getTime()).toBeGreaterThan((before.rows[0]![0] as Date).getTime() + 9 * DAY);
      expect(after.rows[0]![1]).toBeLessThan(before.rows[0]![1] as number);
      const oi = new OperationalInsightsManagementClient(cred, DEMO_SUBS.payments, opts);
      await oi.tables.update("rg-payments-logs", "law-nw-payments", "AzureActivity", { retentionInDays: 365 });
      const longer = await query();
      expect((longer.rows[0]![0] as Date).getTime()).toBe((after.rows[0]![0] as Date).getTime());
    } finally {
      await clock.close();
    }
  });
});

describe("sign-ins in the workspace", () => {
  const tenant = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  const wsId = "12345678-9abc-4def-8123-456789abcdef";
  let s2: AzureSim;
  let c2: LogsQueryClient;
  beforeAll(async () => {
    s2 = await startAzureSim({
      tenants: [
        {
          id: tenant,
          entraSettings: [
            { name: "signins", categories: ["SignInLogs", "NonInteractiveUserSignInLogs"], workspace: "law-siem" },
          ],
          signIns: [
            { result: "failure", perDay: 4, days: 7, resultTypes: ["50126", "50053"] },
            { result: "success", perDay: 10, days: 7 },
            { kind: "nonInteractive", result: "failure", perDay: 1, days: 7, resultTypes: ["50140"] },
          ],
          signInDelivery: { droppedDays: ["-3d"] },
        },
      ],
      subscriptions: [
        {
          id: "22222222-3333-4444-8555-666666666666",
          name: "siem",
          workspaces: [{ name: "law-siem", resourceGroup: "rg-siem", customerId: wsId, retentionInDays: 90 }],
        },
      ],
    });
    c2 = new LogsQueryClient(cred, simulatorClientOptions(s2.url));
  });
  afterAll(async () => {
    await s2.close();
  });

  it("counts failed sign-ins by user and ResultType across both tables", async () => {
    const r = table(
      await c2.queryWorkspace(
        wsId,
        'union isfuzzy=true SigninLogs, AADNonInteractiveUserSignInLogs | where ResultType != "0" | summarize failures=count() by UserPrincipalName, ResultType',
        { duration: "P7D" },
      ),
    );
    expect(r.columnDescriptors.map((c) => c.name)).toEqual(["UserPrincipalName", "ResultType", "failures"]);
    const total = r.rows.reduce((a, row) => a + (row[2] as number), 0);
    // 5 failures/day over 7 days, minus the dropped day (about one day's worth).
    expect(total).toBeGreaterThanOrEqual(25);
    expect(total).toBeLessThanOrEqual(31);
    expect(new Set(r.rows.map((row) => row[1]))).toEqual(new Set(["50126", "50053", "50140"]));
    const typeErr = await rejection(c2.queryWorkspace(wsId, "SigninLogs | where ResultType != 0", { duration: "P7D" }));
    expect(typeErr.statusCode).toBe(400);
  });
});

describe("batch and resource-centric queries", () => {
  it("answers queryBatch per request, including a failing one", async () => {
    const res = await logs.queryBatch([
      {
        workspaceId: DEMO_WORKSPACES.security.customerId,
        query: "AzureActivity | count",
        timespan: { duration: "P1D" },
      },
      {
        workspaceId: DEMO_WORKSPACES.payments.customerId,
        query: "AzureActivity | summarize min(TimeGenerated)",
        timespan: { duration: "P90D" },
      },
      {
        workspaceId: DEMO_WORKSPACES.payments.customerId,
        query: "AzureActivity | extend y = 2",
        timespan: { duration: "P1D" },
      },
    ]);
    expect(res).toHaveLength(3);
    expect(res[0]!.status).toBe("Success");
    expect(res[1]!.status).toBe("Success");
    expect(res[2]!.status).not.toBe("Success");
  });

  it("answers queryResource for a workspace ARM id", async () => {
    const id = `subscriptions/${DEMO_SUBS.payments}/resourceGroups/rg-payments-logs/providers/Microsoft.OperationalInsights/workspaces/law-nw-payments`;
    const t = table(await logs.queryResource(id, "AzureActivity | count", { duration: "P1D" }));
    expect(t.rows[0]![0]).toBeGreaterThan(0);
  });
});

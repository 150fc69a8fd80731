/** The facts behind every planted Azure gap of the demo hold through the real SDK clients (and the clean subscription is clean). */
import { MonitorClient } from "@azure/arm-monitor";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorClientOptions, simulatorCredential } from "../../src/collect/azure/sim-endpoint.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_SUBS, DEMO_WORKSPACES, demoAzurePlanted } from "../../src/sim/scenarios/demo-azure.js";

const cred = simulatorCredential();
const DAY = 86_400_000;
const start = new Date();
let sim: Simulator;
let opts: ReturnType<typeof simulatorClientOptions>;

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo", now: start });
  opts = simulatorClientOptions(sim.env.BLINDSPOT_AZURE_ENDPOINT!);
});
afterAll(async () => {
  await sim.close();
});

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const SUBS = Object.values(DEMO_SUBS);
const planted = (checkId: string) => new Set(demoAzurePlanted.filter((g) => g.checkId === checkId).map((g) => g.scope));

async function privilegedMissing(sub: string, workspace: string): Promise<{ sampled: number; missing: number }> {
  const m = new MonitorClient(cred, sub, opts);
  const from = new Date(start.getTime() - 7 * DAY).toISOString();
  const events = (await all(m.activityLogs.list(`eventTimestamp ge '${from}'`))).filter(
    (e) =>
      e.status?.value === "Succeeded" &&
      /^Microsoft\.(Authorization|Network|KeyVault|Sql)\//.test(e.operationName?.value ?? "") &&
      !e.caller?.startsWith("sim-operator"),
  );
  const ids = [...new Set(events.map((e) => e.correlationId!))];
  const r = await new LogsQueryClient(cred, opts).queryWorkspace(
    workspace,
    `AzureActivity | where CorrelationId in (${ids.map((i) => `"${i}"`).join(",")}) | summarize n=count() by CorrelationId`,
    { duration: "P7D" },
  );
  if (r.status !== "Success") throw new Error("query failed");
  return { sampled: ids.length, missing: ids.length - r.tables[0]!.rows.length };
}

describe("demo Azure planted gaps", () => {
  it("export-missing, categories-missing, legacy profile, alerts", async () => {
    for (const sub of SUBS) {
      const m = new MonitorClient(cred, sub, opts);
      const settings = await all(m.diagnosticSettings.list(`subscriptions/${sub}`));
      expect(settings.length === 0, sub).toBe(planted("azure.activity.export-missing").has(sub));
      const required = ["Administrative", "Security", "Policy", "Alert"];
      const covered = settings.some(
        (s) =>
          s.logs?.some((l) => l.enabled && l.categoryGroup === "allLogs") ||
          required.every((c) => s.logs?.some((l) => l.enabled && l.category === c)),
      );
      expect(settings.length > 0 && !covered, sub).toBe(planted("azure.activity.categories-missing").has(sub));
      const profiles = await all(m.logProfiles.list());
      expect(profiles.length > 0 && settings.length === 0, sub).toBe(planted("azure.logprofile.legacy").has(sub));
      const alerts = await all(m.activityLogAlerts.listBySubscriptionId());
      const withAction = alerts.filter((a) => a.enabled && (a.actions?.actionGroups?.length ?? 0) > 0);
      expect(withAction.length < 10, sub).toBe(planted("azure.alert.missing").has(sub));
    }
  });

  it("tampering inside the window", async () => {
    for (const sub of SUBS) {
      const from = new Date(start.getTime() - 14 * DAY).toISOString();
      const events = await all(new MonitorClient(cred, sub, opts).activityLogs.list(`eventTimestamp ge '${from}'`));
      const tamper = events.filter((e) =>
        /^Microsoft\.Insights\/diagnosticSettings\/(write|delete)$/.test(e.operationName?.value ?? ""),
      );
      expect(tamper.length > 0, sub).toBe(planted("azure.tamper.logging-changed").has(sub));
    }
  });

  it("retention: workspace, table and proven-by-data", async () => {
    const pay = new OperationalInsightsManagementClient(cred, DEMO_SUBS.payments, opts);
    expect((await pay.workspaces.get("rg-payments-logs", "law-nw-payments")).retentionInDays).toBe(30);
    expect(await pay.tables.get("rg-payments-logs", "law-nw-payments", "AzureActivity")).toMatchObject({
      retentionInDays: 30,
      retentionInDaysAsDefault: false,
    });
    const sec = new OperationalInsightsManagementClient(cred, DEMO_SUBS.core, opts);
    expect((await sec.workspaces.get("rg-security", "law-nw-security")).retentionInDays).toBe(365);
    const lq = new LogsQueryClient(cred, opts);
    const oldest = async (ws: string) => {
      const r = await lq.queryWorkspace(ws, "AzureActivity | summarize min(TimeGenerated)", { duration: "P400D" });
      if (r.status !== "Success") throw new Error("query failed");
      return (start.getTime() - (r.tables[0]!.rows[0]![0] as Date).getTime()) / DAY;
    };
    expect(await oldest(DEMO_WORKSPACES.payments.customerId)).toBeLessThan(31);
    expect(await oldest(DEMO_WORKSPACES.security.customerId)).toBeGreaterThan(90);
    expect(planted("azure.retention.unproven")).toEqual(new Set([DEMO_SUBS.payments]));
  });

  it("blind spots: sampled privileged operations missing from the workspace", async () => {
    const core = await privilegedMissing(DEMO_SUBS.core, DEMO_WORKSPACES.security.customerId);
    expect(core.sampled).toBeGreaterThan(20);
    expect(core.missing).toBe(0);
    const analytics = await privilegedMissing(DEMO_SUBS.analytics, DEMO_WORKSPACES.security.customerId);
    expect(analytics.missing).toBeGreaterThan(0);
    const payments = await privilegedMissing(DEMO_SUBS.payments, DEMO_WORKSPACES.payments.customerId);
    expect(payments.missing).toBeGreaterThan(0);
    const sandbox = await privilegedMissing(DEMO_SUBS.sandbox, DEMO_WORKSPACES.security.customerId);
    expect(sandbox.missing).toBe(sandbox.sampled);
    expect(planted("azure.siem.blind-spot")).toEqual(
      new Set([DEMO_SUBS.analytics, DEMO_SUBS.payments, DEMO_SUBS.sandbox]),
    );
  });

  it("storage WORM and Entra sign-in export", async () => {
    const m = new MonitorClient(cred, DEMO_SUBS.core, opts);
    const get = async (url: string) => {
      const res = await m.pipeline.sendRequest(
        createDefaultHttpClient(),
        createPipelineRequest({ url, method: "GET" }),
      );
      return JSON.parse(res.bodyAsText ?? "{}") as Record<string, any>;
    };
    const c = (sub: string, rg: string, a: string) =>
      `https://management.azure.com/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${a}/blobServices/default/containers/insights-activity-logs?api-version=2023-05-01`;
    expect((await get(c(DEMO_SUBS.core, "rg-security", "stnwauditarchive"))).properties.hasImmutabilityPolicy).toBe(
      true,
    );
    expect(
      (await get(c(DEMO_SUBS.payments, "rg-payments-logs", "stnwpaymentslogs"))).properties.hasImmutabilityPolicy,
    ).toBe(false);
    const aad = await get(
      "https://management.azure.com/providers/microsoft.aadiam/diagnosticSettings?api-version=2017-04-01",
    );
    const cats = aad.value.flatMap((s: any) =>
      s.properties.logs.filter((l: any) => l.enabled).map((l: any) => l.category),
    );
    expect(cats).not.toContain("SignInLogs");
    expect(cats).not.toContain("NonInteractiveUserSignInLogs");
    expect(
      demoAzurePlanted
        .filter((g) => g.scope.startsWith("tenant:"))
        .map((g) => g.checkId)
        .sort(),
    ).toEqual(["azure.entra.signin-export-missing", "azure.siem.failed-logins-missing"]);
  });
});

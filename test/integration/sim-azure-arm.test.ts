import { MonitorClient } from "@azure/arm-monitor";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorClientOptions, simulatorCredential } from "../../src/collect/azure/sim-endpoint.js";
import { generateAzure } from "../../src/sim/scenario/generate-azure.js";
import { DEMO_SUBS, DEMO_TENANT, demoAzure } from "../../src/sim/scenarios/demo-azure.js";
import { type AzureSim, startAzureSim } from "./helpers/azure-sim.js";

const cred = simulatorCredential();
let sim: AzureSim;

beforeAll(async () => {
  sim = await startAzureSim(demoAzure);
});
afterAll(async () => {
  await sim.close();
});

function monitor(sub: string): MonitorClient {
  return new MonitorClient(cred, sub, simulatorClientOptions(sim.url));
}

/** A raw ARM request through a real SDK client's pipeline (bearer policy, then the simulator rewrite). */
async function raw(method: "GET" | "PUT" | "DELETE" | "POST", url: string, body?: unknown) {
  const client = monitor(DEMO_SUBS.core);
  const req = createPipelineRequest({ url, method, body: body === undefined ? undefined : JSON.stringify(body) });
  req.headers.set("content-type", "application/json");
  const res = await client.pipeline.sendRequest(createDefaultHttpClient(), req);
  return {
    status: res.status,
    body: res.bodyAsText ? (JSON.parse(res.bodyAsText) as Record<string, any>) : undefined,
  };
}

describe("ARM subscriptions", () => {
  it("lists the demo subscriptions with state and tenant", async () => {
    const client = new SubscriptionClient(cred, simulatorClientOptions(sim.url));
    const subs = [];
    for await (const s of client.subscriptions.list()) subs.push(s);
    expect(subs.map((s) => s.displayName)).toEqual([
      "nw-prod-core",
      "nw-dev-sandbox",
      "nw-prod-payments",
      "nw-analytics",
    ]);
    expect(subs[0]).toMatchObject({ subscriptionId: DEMO_SUBS.core, tenantId: DEMO_TENANT, state: "Enabled" });
    const one = await client.subscriptions.get(DEMO_SUBS.payments);
    expect(one.displayName).toBe("nw-prod-payments");
  });

  it("pages 500 generated subscriptions through nextLink", async () => {
    const big = await startAzureSim(generateAzure({ subscriptions: 500, seed: 7 }));
    try {
      const client = new SubscriptionClient(cred, simulatorClientOptions(big.url));
      let n = 0;
      for await (const _ of client.subscriptions.list()) n++;
      expect(n).toBe(500);
      expect(big.calls.filter((c) => c.operation === "subscriptions.list").length).toBe(10);
    } finally {
      await big.close();
    }
  });
});

/** The RestError of a failed call; `detail` is the ARM error message from the body (paging errors hide it). */
async function rejection(
  p: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string; detail: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string; response?: { bodyAsText?: string } };
    const text = err.response?.bodyAsText;
    const detail = text ? ((JSON.parse(text) as { error?: { message?: string } }).error?.message ?? "") : "";
    return { statusCode: err.statusCode, code: err.code, message: err.message, detail };
  }
  throw new Error("expected the call to fail");
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("subscription diagnostic settings", () => {
  it("lists the clean export flattened, every category enabled", async () => {
    const list = await all(monitor(DEMO_SUBS.core).diagnosticSettings.list(`subscriptions/${DEMO_SUBS.core}`));
    expect(list).toHaveLength(1);
    const s = list[0]!;
    expect(s.name).toBe("activity-to-sentinel");
    expect(s.workspaceId).toBe(
      `/subscriptions/${DEMO_SUBS.core}/resourceGroups/rg-security/providers/Microsoft.OperationalInsights/workspaces/law-nw-security`,
    );
    expect(s.storageAccountId).toContain("/storageAccounts/stnwauditarchive");
    expect(s.logs?.filter((l) => l.enabled).map((l) => l.category)).toHaveLength(8);
  });

  it("shows missing categories as enabled:false and an absent export as an empty list", async () => {
    const [s] = await all(monitor(DEMO_SUBS.analytics).diagnosticSettings.list(`subscriptions/${DEMO_SUBS.analytics}`));
    const enabled = Object.fromEntries(s!.logs!.map((l) => [l.category, l.enabled]));
    expect(enabled).toMatchObject({ Administrative: true, Policy: true, Security: false, Alert: false });
    expect(await all(monitor(DEMO_SUBS.sandbox).diagnosticSettings.list(`subscriptions/${DEMO_SUBS.sandbox}`))).toEqual(
      [],
    );
    const [p] = await all(monitor(DEMO_SUBS.payments).diagnosticSettings.list(`subscriptions/${DEMO_SUBS.payments}`));
    expect(p!.logs).toEqual([{ categoryGroup: "allLogs", enabled: true }]);
  });

  it("creates, reads and deletes a setting; rejects one without a destination", async () => {
    const m = monitor(DEMO_SUBS.sandbox);
    const uri = `subscriptions/${DEMO_SUBS.sandbox}`;
    const ws = `/subscriptions/${DEMO_SUBS.core}/resourceGroups/rg-security/providers/Microsoft.OperationalInsights/workspaces/law-nw-security`;
    const created = await m.diagnosticSettings.createOrUpdate(uri, "blindspot-fix", {
      workspaceId: ws,
      logs: [
        { category: "Administrative", enabled: true },
        { category: "Security", enabled: true },
      ],
    });
    expect(created.workspaceId).toBe(ws);
    const got = await m.diagnosticSettings.get(uri, "blindspot-fix");
    expect(got.logs?.find((l) => l.category === "Security")?.enabled).toBe(true);
    expect(got.logs?.find((l) => l.category === "Policy")?.enabled).toBe(false);
    const err = await rejection(
      m.diagnosticSettings.createOrUpdate(uri, "bad", { logs: [{ category: "Administrative", enabled: true }] }),
    );
    expect(err.statusCode).toBe(400);
    await m.diagnosticSettings.delete(uri, "blindspot-fix");
    expect(await all(m.diagnosticSettings.list(uri))).toEqual([]);
    const gone = await rejection(m.diagnosticSettings.get(uri, "blindspot-fix"));
    expect(gone.statusCode).toBe(404);
    // The writes show up in the activity log like real ARM writes (tamper evidence for the next scan).
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const recent = await all(m.activityLogs.list(`eventTimestamp ge '${since}'`));
    const ops = recent.filter((e) => e.status?.value === "Succeeded").map((e) => e.operationName?.value);
    expect(ops).toEqual(
      expect.arrayContaining([
        "Microsoft.Insights/diagnosticSettings/write",
        "Microsoft.Insights/diagnosticSettings/delete",
      ]),
    );
    expect(recent[0]!.caller).toBe("sim-operator@northwind-health.example");
    const writes = sim.calls.filter((c) => c.write).map((c) => c.operation);
    expect(writes).toEqual(expect.arrayContaining(["diagnosticSettings.createOrUpdate", "diagnosticSettings.delete"]));
  });

  it("lists the legacy log profile and the activity log alerts", async () => {
    const profiles = await all(monitor(DEMO_SUBS.sandbox).logProfiles.list());
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({
      name: "default",
      categories: ["Write", "Delete", "Action"],
      retentionPolicy: { enabled: true, days: 30 },
    });
    expect(await all(monitor(DEMO_SUBS.core).logProfiles.list())).toEqual([]);
    const alerts = await all(monitor(DEMO_SUBS.core).activityLogAlerts.listBySubscriptionId());
    expect(alerts).toHaveLength(10);
    expect(alerts[0]!.condition!.allOf.map((c) => c.equals)).toContain(
      "Microsoft.Authorization/policyAssignments/write",
    );
    expect(alerts[0]!.actions!.actionGroups?.[0]?.actionGroupId).toContain("ag-secops");
    expect(await all(monitor(DEMO_SUBS.payments).activityLogAlerts.listBySubscriptionId())).toEqual([]);
  });
});

describe("fix-script writes: activity log alerts and legacy log profiles", () => {
  it("creates and deletes an activity log alert; deletes a log profile", async () => {
    const m = monitor(DEMO_SUBS.payments);
    const ag = `/subscriptions/${DEMO_SUBS.payments}/resourceGroups/rg-payments/providers/microsoft.insights/actionGroups/ag-oncall`;
    const created = await m.activityLogAlerts.createOrUpdate("rg-payments", "alert-nsg-write", {
      location: "Global",
      scopes: [`/subscriptions/${DEMO_SUBS.payments}`],
      condition: {
        allOf: [
          { field: "category", equals: "Administrative" },
          { field: "operationName", equals: "Microsoft.Network/networkSecurityGroups/write" },
        ],
      },
      actions: { actionGroups: [{ actionGroupId: ag }] },
      enabled: true,
    });
    expect(created).toMatchObject({ name: "alert-nsg-write", enabled: true });
    const listed = await all(m.activityLogAlerts.listBySubscriptionId());
    expect(listed.map((a) => a.name)).toEqual(["alert-nsg-write"]);
    expect(listed[0]!.actions?.actionGroups?.[0]?.actionGroupId).toBe(ag);
    expect(listed[0]!.condition?.allOf.map((c) => c.equals)).toContain("Microsoft.Network/networkSecurityGroups/write");
    await m.activityLogAlerts.delete("rg-payments", "alert-nsg-write");
    expect(await all(m.activityLogAlerts.listBySubscriptionId())).toEqual([]);

    const sandbox = monitor(DEMO_SUBS.sandbox);
    expect(await all(sandbox.logProfiles.list())).toHaveLength(1);
    await sandbox.logProfiles.delete("default");
    expect(await all(sandbox.logProfiles.list())).toEqual([]);
  });
});

describe("activity log", () => {
  const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
  const DAY = 86_400_000;

  it("pages newest-first through nextLink with the real filter shape", async () => {
    const before = sim.calls.filter((c) => c.operation === "activityLogs.list").length;
    const events = await all(
      monitor(DEMO_SUBS.core).activityLogs.list(
        `eventTimestamp ge '${iso(30 * DAY)}' and eventTimestamp le '${iso(0)}'`,
      ),
    );
    const pages = sim.calls.filter((c) => c.operation === "activityLogs.list").length - before;
    expect(events.length).toBeGreaterThan(600);
    expect(pages).toBe(Math.ceil(events.length / 200));
    expect(new Set(events.map((e) => e.eventDataId)).size).toBe(events.length);
    const times = events.map((e) => e.eventTimestamp!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const priv = events.filter((e) => e.operationName?.value === "Microsoft.Authorization/roleAssignments/write");
    expect(priv.length).toBeGreaterThan(0);
    expect(priv[0]).toMatchObject({
      category: { value: "Administrative" },
      httpRequest: { clientIpAddress: expect.stringMatching(/^(203\.0\.113|198\.51\.100)\./) },
    });
    // Each operation has a Started and a final event sharing a correlationId.
    const byCorr = new Map<string, string[]>();
    for (const e of events) byCorr.set(e.correlationId!, [...(byCorr.get(e.correlationId!) ?? []), e.status!.value!]);
    expect([...byCorr.values()].some((s) => s.includes("Started") && s.includes("Succeeded"))).toBe(true);
  });

  it("honours correlationId and $select, and finds the tamper event", async () => {
    const events = await all(
      monitor(DEMO_SUBS.sandbox).activityLogs.list(
        `eventTimestamp ge '${iso(14 * DAY)}' and eventTimestamp le '${iso(0)}'`,
      ),
    );
    const tamper = events.filter(
      (e) =>
        e.operationName?.value === "Microsoft.Insights/diagnosticSettings/delete" &&
        !e.caller?.startsWith("sim-operator"),
    );
    expect(tamper).toHaveLength(2);
    expect(tamper[0]!.caller).toBe("j.kowalski.ext@northwind-health.example");
    const corr = tamper[0]!.correlationId!;
    const one = await all(
      monitor(DEMO_SUBS.sandbox).activityLogs.list(
        `eventTimestamp ge '${iso(14 * DAY)}' and eventTimestamp le '${iso(0)}' and correlationId eq '${corr}'`,
        { select: "eventTimestamp,operationName,caller" },
      ),
    );
    expect(one).toHaveLength(2);
    expect(
      Object.keys(one[0]!)
        .filter((k) => one[0]![k as keyof (typeof one)[0]] !== undefined)
        .sort(),
    ).toEqual(["caller", "eventTimestamp", "operationName"]);
  });

  it("rejects filters outside the allowed shapes and windows beyond 90 days", async () => {
    const m = monitor(DEMO_SUBS.core);
    const byOp = await rejection(
      all(
        m.activityLogs.list(
          `eventTimestamp ge '${iso(DAY)}' and operationName eq 'Microsoft.Authorization/roleAssignments/write'`,
        ),
      ),
    );
    expect(byOp).toMatchObject({ statusCode: 400, code: "BadRequest" });
    // The SDK's paging error drops the body; read the ARM message with a raw request.
    const rawOp = await raw(
      "GET",
      `https://management.azure.com/subscriptions/${DEMO_SUBS.core}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${encodeURIComponent(`eventTimestamp ge '${iso(DAY)}' and operationName eq 'x'`)}`,
    );
    expect(rawOp.status).toBe(400);
    expect(rawOp.body?.error).toMatchObject({ code: "BadRequest", message: expect.stringContaining("operationName") });
    const noStart = await rejection(all(m.activityLogs.list(`resourceGroupName eq 'rg-security'`)));
    expect(noStart).toMatchObject({ statusCode: 400, code: "BadRequest" });
    const old = await rejection(
      all(m.activityLogs.list(`eventTimestamp ge '${iso(95 * DAY)}' and eventTimestamp le '${iso(0)}'`)),
    );
    expect(old.statusCode).toBe(400);
    expect(old.code).toBe("BadRequest");
  });
});

describe("Log Analytics workspaces and tables", () => {
  function oi(sub: string) {
    return new OperationalInsightsManagementClient(cred, sub, simulatorClientOptions(sim.url));
  }

  it("lists and gets workspaces with customerId, sku and retention", async () => {
    const list = await all(oi(DEMO_SUBS.payments).workspaces.list());
    expect(list.map((w) => w.name)).toEqual(["law-nw-payments"]);
    const ws = await oi(DEMO_SUBS.payments).workspaces.get("rg-payments-logs", "law-nw-payments");
    expect(ws).toMatchObject({
      customerId: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
      retentionInDays: 30,
      sku: { name: "PerGB2018" },
    });
    expect(ws.createdDate).toBeInstanceOf(Date);
    const missing = await rejection(oi(DEMO_SUBS.payments).workspaces.get("rg-payments-logs", "nope"));
    expect(missing.statusCode).toBe(404);
  });

  it("shows table overrides and defaults, and updates retention", async () => {
    const client = oi(DEMO_SUBS.payments);
    const tables = await all(client.tables.listByWorkspace("rg-payments-logs", "law-nw-payments"));
    const act = tables.find((t) => t.name === "AzureActivity")!;
    expect(act).toMatchObject({ retentionInDays: 30, retentionInDaysAsDefault: false, plan: "Analytics" });
    const signin = await client.tables.get("rg-payments-logs", "law-nw-payments", "SigninLogs");
    expect(signin).toMatchObject({ retentionInDays: 30, retentionInDaysAsDefault: true });
    const coreAct = await oi(DEMO_SUBS.core).tables.get("rg-security", "law-nw-security", "AzureActivity");
    expect(coreAct).toMatchObject({ retentionInDays: 365, retentionInDaysAsDefault: true });

    const updated = await client.tables.update("rg-payments-logs", "law-nw-payments", "AzureActivity", {
      retentionInDays: 180,
      totalRetentionInDays: 400,
    });
    expect(updated).toMatchObject({ retentionInDays: 180, totalRetentionInDays: 400, archiveRetentionInDays: 220 });
    await client.tables.update("rg-payments-logs", "law-nw-payments", "AzureActivity", {
      retentionInDays: -1,
      totalRetentionInDays: -1,
    });
    const back = await client.tables.get("rg-payments-logs", "law-nw-payments", "AzureActivity");
    // AzureActivity keeps max(90, workspace) by default.
    expect(back).toMatchObject({ retentionInDays: 90, retentionInDaysAsDefault: true });
    const bad = await rejection(
      client.tables.update("rg-payments-logs", "law-nw-payments", "SigninLogs", { retentionInDays: 2 }),
    );
    expect(bad.statusCode).toBe(400);
  });

  it("updates workspace retention with PATCH", async () => {
    const client = oi(DEMO_SUBS.payments);
    const ws = await client.workspaces.update("rg-payments-logs", "law-nw-payments", { retentionInDays: 120 });
    expect(ws.retentionInDays).toBe(120);
    expect((await client.workspaces.get("rg-payments-logs", "law-nw-payments")).retentionInDays).toBe(120);
    await client.workspaces.update("rg-payments-logs", "law-nw-payments", { retentionInDays: 30 });
    const bad = await rejection(
      client.workspaces.update("rg-payments-logs", "law-nw-payments", { retentionInDays: 5 }),
    );
    expect(bad.statusCode).toBe(400);
  });
});

describe("Log Analytics PUT (createOrUpdate) as the SDK sends it", () => {
  it("updates workspace and table retention through the long-running-operation pollers", async () => {
    const client = new OperationalInsightsManagementClient(cred, DEMO_SUBS.core, simulatorClientOptions(sim.url));
    const ws = await client.workspaces.createOrUpdate("rg-security", "law-nw-security", {
      location: "westeurope",
      retentionInDays: 400,
    });
    expect(ws).toMatchObject({ name: "law-nw-security", retentionInDays: 400, provisioningState: "Succeeded" });
    const t = await client.tables.createOrUpdate("rg-security", "law-nw-security", "SigninLogs", {
      retentionInDays: 200,
      plan: "Analytics",
    });
    expect(t).toMatchObject({ retentionInDays: 200, totalRetentionInDays: 730, retentionInDaysAsDefault: false });
    await client.workspaces.createOrUpdate("rg-security", "law-nw-security", {
      location: "westeurope",
      retentionInDays: 365,
    });
    await client.tables.createOrUpdate("rg-security", "law-nw-security", "SigninLogs", { retentionInDays: 365 });
    const created = await client.workspaces.createOrUpdate("rg-security", "law-new", { location: "westeurope" }).then(
      () => undefined,
      (e: { statusCode?: number }) => e,
    );
    expect(created?.statusCode).toBe(400);
  });
});

describe("storage immutability (raw ARM requests)", () => {
  const container = (sub: string, rg: string, acct: string) =>
    `https://management.azure.com/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${acct}/blobServices/default/containers/insights-activity-logs`;

  it("reads a locked policy and the container flag", async () => {
    const c = await raw(
      "GET",
      `${container(DEMO_SUBS.core, "rg-security", "stnwauditarchive")}?api-version=2023-05-01`,
    );
    expect(c.status).toBe(200);
    expect(c.body?.properties).toMatchObject({ hasImmutabilityPolicy: true, hasLegalHold: false });
    const p = await raw(
      "GET",
      `${container(DEMO_SUBS.core, "rg-security", "stnwauditarchive")}/immutabilityPolicies/default?api-version=2023-05-01`,
    );
    expect(p.body?.properties).toEqual({
      immutabilityPeriodSinceCreationInDays: 400,
      state: "Locked",
      allowProtectedAppendWrites: true,
      allowProtectedAppendWritesAll: false,
    });
  });

  it("answers 404 without a policy, then creates and locks one", async () => {
    const base = container(DEMO_SUBS.payments, "rg-payments-logs", "stnwpaymentslogs");
    const c = await raw("GET", `${base}?api-version=2023-05-01`);
    expect(c.body?.properties.hasImmutabilityPolicy).toBe(false);
    const none = await raw("GET", `${base}/immutabilityPolicies/default?api-version=2023-05-01`);
    expect(none.status).toBe(404);
    expect(none.body?.error.code).toBe("ImmutabilityPolicyNotFound");
    const put = await raw("PUT", `${base}/immutabilityPolicies/default?api-version=2023-05-01`, {
      properties: { immutabilityPeriodSinceCreationInDays: 120, allowProtectedAppendWrites: true },
    });
    expect(put.status).toBe(200);
    expect(put.body?.properties.state).toBe("Unlocked");
    const lock = await raw("POST", `${base}/immutabilityPolicies/default/lock?api-version=2023-05-01`);
    expect(lock.body?.properties.state).toBe("Locked");
    expect((await raw("GET", `${base}?api-version=2023-05-01`)).body?.properties.hasImmutabilityPolicy).toBe(true);
  });
});

describe("Entra (aadiam) diagnostic settings and denied scopes", () => {
  const AAD = "https://management.azure.com/providers/microsoft.aadiam/diagnosticSettings";

  it("lists, creates and deletes tenant settings", async () => {
    const list = await raw("GET", `${AAD}?api-version=2017-04-01`);
    expect(list.status).toBe(200);
    expect(list.body?.value).toHaveLength(1);
    expect(list.body?.value[0].properties.logs.map((l: { category: string }) => l.category)).toEqual(["AuditLogs"]);
    const ws = `/subscriptions/${DEMO_SUBS.core}/resourceGroups/rg-security/providers/Microsoft.OperationalInsights/workspaces/law-nw-security`;
    const put = await raw("PUT", `${AAD}/signins-to-sentinel?api-version=2017-04-01`, {
      properties: {
        workspaceId: ws,
        logs: [
          { category: "SignInLogs", enabled: true },
          { category: "NonInteractiveUserSignInLogs", enabled: true },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect((await raw("GET", `${AAD}?api-version=2017-04-01`)).body?.value).toHaveLength(2);
    expect((await raw("DELETE", `${AAD}/signins-to-sentinel?api-version=2017-04-01`)).status).toBe(200);
    expect((await raw("GET", `${AAD}?api-version=2017-04-01`)).body?.value).toHaveLength(1);
  });

  it("answers 403 AuthorizationFailed for a denied tenant and a denied subscription", async () => {
    const sub = "11111111-2222-4333-8444-555555555555";
    const denied = await startAzureSim({
      tenants: [{ id: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", entraSettingsAccess: "denied" }],
      subscriptions: [{ id: sub, name: "locked-down", access: "denied" }],
    });
    try {
      const opts = simulatorClientOptions(denied.url);
      const m = new MonitorClient(cred, sub, opts);
      const req = createPipelineRequest({ url: `${AAD}?api-version=2017-04-01`, method: "GET" });
      const res = await m.pipeline.sendRequest(createDefaultHttpClient(), req);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.bodyAsText!).error.code).toBe("AuthorizationFailed");
      const e = await rejection(all(m.diagnosticSettings.list(`subscriptions/${sub}`)));
      expect(e).toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
      const get = await rejection(m.diagnosticSettings.get(`subscriptions/${sub}`, "any"));
      expect(get.message).toContain("'Microsoft.Insights/diagnosticSettings/read' over scope '/subscriptions/");
      const subs = await all(new SubscriptionClient(cred, opts).subscriptions.list());
      expect(subs.map((s) => s.subscriptionId)).toEqual([sub]);
      const ws = await rejection(all(new OperationalInsightsManagementClient(cred, sub, opts).workspaces.list()));
      expect(ws.statusCode).toBe(403);
    } finally {
      await denied.close();
    }
  });
});

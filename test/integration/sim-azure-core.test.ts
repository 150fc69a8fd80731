import { MonitorClient } from "@azure/arm-monitor";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorClientOptions, simulatorCredential } from "../../src/collect/azure/sim-endpoint.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_SUBS, DEMO_WORKSPACES } from "../../src/sim/scenarios/demo-azure.js";

const cred = simulatorCredential();
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

describe("Azure side through the simulator core (startSimulator)", () => {
  it("serves the demo's subscriptions, settings and queries at BLINDSPOT_AZURE_ENDPOINT", async () => {
    const url = sim.env.BLINDSPOT_AZURE_ENDPOINT!;
    const opts = simulatorClientOptions(url);
    const subs = [];
    for await (const s of new SubscriptionClient(cred, opts).subscriptions.list()) subs.push(s.subscriptionId);
    expect(subs).toEqual(Object.values(DEMO_SUBS));
    const settings = [];
    for await (const d of new MonitorClient(cred, DEMO_SUBS.sandbox, opts).diagnosticSettings.list(
      `subscriptions/${DEMO_SUBS.sandbox}`,
    )) {
      settings.push(d);
    }
    expect(settings).toEqual([]);
    const r = await new LogsQueryClient(cred, opts).queryWorkspace(
      DEMO_WORKSPACES.security.customerId,
      "AzureActivity | count",
      {
        duration: "P1D",
      },
    );
    expect(r.status).toBe("Success");
    const calls = sim.calls().filter((c) => c.cloud === "azure");
    expect(calls.map((c) => c.operation)).toEqual(["subscriptions.list", "diagnosticSettings.list", "query.execute"]);
    expect(calls.every((c) => !c.write && c.status === 200)).toBe(true);
    expect(calls[1]).toMatchObject({ service: "arm", subscription: DEMO_SUBS.sandbox });
    expect(calls[2]).toMatchObject({ service: "loganalytics", subscription: DEMO_SUBS.core });
  });
});

describe("faults from the simulator core, answered in Azure's shapes", () => {
  it("denies a scope with 403 AuthorizationFailed and throttles with 429 + Retry-After", async () => {
    const denied = await startSimulator({
      scenario: "demo",
      faults: { deny: [{ cloud: "azure", subscription: DEMO_SUBS.core, operation: "diagnosticSettings.*" }] },
    });
    try {
      const opts = simulatorClientOptions(denied.env.BLINDSPOT_AZURE_ENDPOINT!);
      const m = new MonitorClient(cred, DEMO_SUBS.core, opts);
      await expect(
        m.diagnosticSettings.get(`subscriptions/${DEMO_SUBS.core}`, "activity-to-sentinel"),
      ).rejects.toMatchObject({
        statusCode: 403,
        code: "AuthorizationFailed",
      });
      // Other subscriptions are unaffected.
      const other = new MonitorClient(cred, DEMO_SUBS.payments, opts);
      expect((await other.diagnosticSettings.get(`subscriptions/${DEMO_SUBS.payments}`, "activity-export")).name).toBe(
        "activity-export",
      );
    } finally {
      await denied.close();
    }
    const throttled = await startSimulator({ scenario: "demo", faults: { throttleRate: 1 } });
    try {
      const opts = {
        ...simulatorClientOptions(throttled.env.BLINDSPOT_AZURE_ENDPOINT!),
        retryOptions: { maxRetries: 0 },
      };
      const err = await new LogsQueryClient(cred, opts)
        .queryWorkspace(DEMO_WORKSPACES.security.customerId, "AzureActivity | count", { duration: "P1D" })
        .then(
          () => undefined,
          (e: { statusCode?: number; code?: string; response?: { headers: { get(n: string): string | undefined } } }) =>
            e,
        );
      expect(err).toMatchObject({ statusCode: 429, code: "ThrottledError" });
      expect(err?.response?.headers.get("retry-after")).toBe("1");
      expect(throttled.calls().at(-1)).toMatchObject({ cloud: "azure", status: 429, fault: "throttle" });
    } finally {
      await throttled.close();
    }
  });
});

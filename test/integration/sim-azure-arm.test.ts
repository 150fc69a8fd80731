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

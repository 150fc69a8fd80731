import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import {
  SIM_ORIGIN_HEADER,
  simulatorCredential,
  simulatorPipelinePolicy,
} from "../../src/collect/azure/sim-endpoint.js";
import { createAzureHandler } from "../../src/sim/azure/handler.js";
import { DEMO_SUBS, demoAzure } from "../../src/sim/scenarios/demo-azure.js";
import type { SimRequest } from "../../src/sim/types.js";

const handler = createAzureHandler(demoAzure, new Date("2026-11-27T12:00:00Z"));

function req(method: string, url: string, auth = "Bearer t"): SimRequest {
  const u = new URL(url, "http://127.0.0.1");
  return { method, path: u.pathname, query: u.searchParams, headers: { authorization: auth }, body: Buffer.alloc(0) };
}

describe("azure handler identify", () => {
  it("claims only bearer requests and names operations, subscription and read/write", () => {
    expect(
      handler.identify(req("GET", "/subscriptions?api-version=2022-12-01", "AWS4-HMAC-SHA256 Credential=x")),
    ).toBeUndefined();
    expect(handler.identify(req("GET", "/subscriptions?api-version=2022-12-01", ""))).toBeUndefined();
    expect(
      handler.identify(
        req("PUT", `/subscriptions/${DEMO_SUBS.core}/providers/Microsoft.Insights/diagnosticSettings/x`),
      ),
    ).toEqual({
      cloud: "azure",
      service: "arm",
      operation: "diagnosticSettings.createOrUpdate",
      write: true,
      subscription: DEMO_SUBS.core,
    });
    expect(
      handler.identify(req("GET", `/SUBSCRIPTIONS/${DEMO_SUBS.core}/providers/microsoft.insights/DIAGNOSTICSETTINGS`)),
    ).toMatchObject({ operation: "diagnosticSettings.list", write: false });
    expect(handler.identify(req("POST", "/v1/workspaces/b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e/query"))).toEqual({
      cloud: "azure",
      service: "loganalytics",
      operation: "query.execute",
      write: false,
      subscription: DEMO_SUBS.payments,
    });
    expect(handler.identify(req("GET", "/providers/microsoft.aadiam/diagnosticSettings"))).toMatchObject({
      operation: "aadiamDiagnosticSettings.list",
    });
  });

  it("answers protocol-correct faults", () => {
    const call = handler.identify(
      req("GET", `/subscriptions/${DEMO_SUBS.core}/providers/Microsoft.Insights/diagnosticSettings`),
    )!;
    const t = handler.fault("throttle", call);
    expect(t.status).toBe(429);
    expect(t.headers?.["retry-after"]).toBe("1");
    expect(JSON.parse(String(t.body)).error.code).toBe("TooManyRequests");
    const d = handler.fault("denied", call);
    expect(d.status).toBe(403);
    expect(JSON.parse(String(d.body)).error).toMatchObject({
      code: "AuthorizationFailed",
      message: expect.stringContaining(
        `'Microsoft.Insights/diagnosticSettings/read' over scope '/subscriptions/${DEMO_SUBS.core}'`,
      ),
    });
    expect(handler.fault("server-error", call).status).toBe(500);
    const q = handler.identify(req("POST", "/v1/workspaces/b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e/query"))!;
    expect(JSON.parse(String(handler.fault("denied", q).body)).error.code).toBe("InsufficientAccessError");
  });

  it("requires api-version on ARM and 404s unknown paths", async () => {
    const noVersion = await handler.handle(
      req("GET", "/subscriptions"),
      handler.identify(req("GET", "/subscriptions"))!,
      { now: () => new Date() },
    );
    expect(noVersion.status).toBe(400);
    expect(JSON.parse(String(noVersion.body)).error.code).toBe("MissingApiVersionParameter");
    const r = req("GET", "/subscriptions/x/providers/Microsoft.Compute/virtualMachines?api-version=2024-01-01");
    const unknown = await handler.handle(r, handler.identify(r)!, { now: () => new Date() });
    expect(unknown.status).toBe(404);
  });
});

describe("simulator pipeline policy", () => {
  async function through(url: string): Promise<PipelineRequest> {
    const policy = simulatorPipelinePolicy("http://127.0.0.1:4599");
    const request = createPipelineRequest({ url });
    let seen: PipelineRequest | undefined;
    await policy.sendRequest(request, async (r): Promise<PipelineResponse> => {
      seen = r;
      return { request: r, status: 200, headers: createHttpHeaders() };
    });
    return seen!;
  }

  it("rewrites ARM and Log Analytics to the loopback base, keeping path and query", async () => {
    const arm = await through("https://management.azure.com/subscriptions?api-version=2022-12-01&$skiptoken=50");
    expect(arm.url).toBe("http://127.0.0.1:4599/subscriptions?api-version=2022-12-01&$skiptoken=50");
    expect(arm.allowInsecureConnection).toBe(true);
    expect(arm.headers.get(SIM_ORIGIN_HEADER)).toBe("https://management.azure.com");
    const la = await through("https://api.loganalytics.io/v1/workspaces/abc/query");
    expect(la.url).toBe("http://127.0.0.1:4599/v1/workspaces/abc/query");
    const other = await through("https://login.microsoftonline.com/common/oauth2/token");
    expect(other.url).toBe("https://login.microsoftonline.com/common/oauth2/token");
    expect(other.allowInsecureConnection).toBeFalsy();
  });

  it("gives a fake bearer token", async () => {
    const t = await simulatorCredential().getToken("https://management.azure.com/.default");
    expect(t?.token).toBe("blindspot-simulator");
    expect(t!.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });
});

/**
 * The Azure collector's behaviour around the checks: credentials, tenants, cancellation and injected faults
 * (throttling, 5xx, denied operations) — always failing closed, never reporting a false gap or a false pass.
 */

import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { UserError } from "../../src/errors.js";
import type { ScanEvent } from "../../src/model/events.js";
import { runScan } from "../../src/scan/index.js";
import type { ScanOptions } from "../../src/scan/options.js";
import type { FaultSpecInput } from "../../src/sim/faults.js";
import { startSimulator } from "../../src/sim/index.js";
import type { AzureScenarioInput } from "../../src/sim/scenario/azure.js";
import { generateAzure } from "../../src/sim/scenario/generate-azure.js";
import { DEMO_SUBS, demoAzure, demoAzurePlanted } from "../../src/sim/scenarios/demo-azure.js";
import { startProxy } from "../helpers/proxy.js";

const CONFIG_CHECKS = new Set([
  "azure.activity.export-missing",
  "azure.activity.categories-missing",
  "azure.workspace.retention-short",
  "azure.table.retention-short",
  "azure.storage.not-worm",
  "azure.logprofile.legacy",
  "azure.entra.signin-export-missing",
  "azure.subscription.unscanned",
]);

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
    concurrency: 8,
    ...over,
  };
}

async function scanSim(
  azure: AzureScenarioInput,
  over: Partial<ScanOptions> = {},
  faults?: FaultSpecInput,
  signal = new AbortController().signal,
  onEvent?: (e: ScanEvent) => void,
) {
  const sim = await startSimulator({ scenario: { name: "azure-collect", azure }, ...(faults ? { faults } : {}) });
  try {
    const events: ScanEvent[] = [];
    const opts = options(over);
    const snapshot = await runScan(opts, {
      env: { BLINDSPOT_AZURE_ENDPOINT: sim.env.BLINDSPOT_AZURE_ENDPOINT },
      signal,
      emit: (e) => {
        events.push(e);
        onEvent?.(e);
      },
    });
    return { snapshot, events, calls: sim.calls(), ...analyze(snapshot, { retentionDays: 90, suppressions: [] }) };
  } finally {
    await sim.close();
  }
}

const planted = demoAzurePlanted.filter((p) => CONFIG_CHECKS.has(p.checkId)).map((p) => `${p.checkId} ${p.scope}`);
const keyOf = (f: { checkId: string; scope: { cloud: string; subscriptionId?: string; tenantId?: string } }) =>
  `${f.checkId} ${f.scope.subscriptionId ?? `tenant:${f.scope.tenantId}`}`;

/** Ambient Azure credentials on this machine would make the "no credential" tests meaningless. */
function ambientAzureCredentials(): boolean {
  const env = process.env;
  if (env.AZURE_CLIENT_ID || env.AZURE_FEDERATED_TOKEN_FILE || env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT) return true;
  const path = (env.PATH ?? "").split(delimiter);
  return ["az", "azd", "pwsh"].some((bin) => path.some((dir) => dir && existsSync(join(dir, bin))));
}

describe("credentials", () => {
  it.skipIf(ambientAzureCredentials())(
    "without a working credential a default scan skips Azure with a warning; --azure fails with a hint",
    async () => {
      const events: ScanEvent[] = [];
      const deps = { env: {}, signal: new AbortController().signal, emit: (e: ScanEvent) => events.push(e) };
      const snapshot = await runScan(options({ cloudsExplicit: false }), deps);
      expect(snapshot.azure).toBeUndefined();
      expect(snapshot.options.clouds).toEqual([]);
      const warning = events.find((e) => e.type === "warning");
      expect(warning).toMatchObject({ type: "warning", message: expect.stringContaining("Azure skipped") });
      const err = await runScan(options({ cloudsExplicit: true }), deps).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(/^no Azure credential works/);
      expect((err as UserError).hint).toContain("az login");
    },
  );
});

describe("tenants", () => {
  const T1 = "11111111-1111-4111-8111-111111111111";
  const T2 = "22222222-2222-4222-8222-222222222222";
  const two: AzureScenarioInput = {
    tenants: [
      { id: T1, entraSettings: [{ name: "a", categories: ["AuditLogs"], storageAccount: "/subscriptions/x" }] },
      {
        id: T2,
        entraSettings: [
          { name: "b", categories: ["SignInLogs", "NonInteractiveUserSignInLogs"], storageAccount: "/subscriptions/y" },
        ],
      },
    ],
    subscriptions: [
      { id: "aaaaaaaa-0000-4000-8000-000000000001", name: "one", tenant: T1 },
      { id: "aaaaaaaa-0000-4000-8000-000000000002", name: "two", tenant: T2 },
    ],
  };

  it("reads each tenant's Entra settings with that tenant's credential", async () => {
    const r = await scanSim(two);
    expect(r.snapshot.azure?.tenants.map((t) => t.tenantId).sort()).toEqual([T1, T2]);
    const entra = r.findings.filter((f) => f.checkId === "azure.entra.signin-export-missing");
    expect(Object.fromEntries(entra.map((f) => [f.scope.cloud === "azure" ? f.scope.tenantId : "", f.status]))).toEqual(
      {
        [T1]: "fail",
        [T2]: "pass",
      },
    );
  });

  it("--tenant scans that tenant only", async () => {
    const r = await scanSim(two, { tenant: T2 });
    expect(r.snapshot.azure?.subscriptions.map((s) => s.subscriptionId)).toEqual([
      "aaaaaaaa-0000-4000-8000-000000000002",
    ]);
    expect(r.snapshot.azure?.tenants.map((t) => t.tenantId)).toEqual([T2]);
  });
});

describe("cancellation", () => {
  it("an aborted scan returns what it has, marked incomplete, with nothing passing unread", async () => {
    const ac = new AbortController();
    const r = await scanSim(demoAzure, {}, { latencyMs: 30 }, ac.signal, (e) => {
      if (e.type === "scope-started") ac.abort();
    });
    expect(r.snapshot.complete).toBe(false);
    const pass = r.findings.filter(
      (f) => CONFIG_CHECKS.has(f.checkId) && f.checkId !== "azure.subscription.unscanned" && f.status === "pass",
    );
    expect(pass).toEqual([]);
    const cancelled = r.snapshot.azure?.subscriptions.filter(
      (s) => s.access.state === "error" && s.access.error.code === "Cancelled",
    );
    expect(cancelled?.length).toBeGreaterThan(0);
  });
});

describe("faults", () => {
  it("throttling and 5xx are retried by the SDK pipeline: still exactly the planted gaps", async () => {
    // Seeded faults; which request draws which fault still depends on the order requests reach the simulator.
    const r = await scanSim(demoAzure, { concurrency: 1 }, { throttleRate: 0.1, serverErrorRate: 0.05, seed: 11 });
    const faulted = r.calls.filter((c) => c.status === 429 || c.status >= 500);
    expect(faulted.length).toBeGreaterThan(0);
    const mine = r.findings.filter((f) => CONFIG_CHECKS.has(f.checkId));
    expect(
      mine
        .filter((f) => f.status === "fail")
        .map(keyOf)
        .sort(),
    ).toEqual([...planted].sort());
    expect(mine.filter((f) => f.status === "unknown")).toEqual([]);
  }, 60_000);

  it("a read throttled 5 times in a row (Retry-After) is still read: 6 retries per request", async () => {
    const sim = await startSimulator({ scenario: { name: "azure-collect", azure: demoAzure } });
    // A proxy that answers the first 5 attempts of every workspace GET with ARM's 429, then forwards.
    const seen = new Map<string, number>();
    const proxy = await startProxy(sim.url, (req) => {
      const path = req.url ?? "";
      if (req.method !== "GET" || !/\/workspaces\/[^/?]+\?/.test(path)) return undefined;
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      if (n > 5) return undefined;
      return {
        status: 429,
        headers: { "content-type": "application/json", "retry-after-ms": "1" },
        body: JSON.stringify({ error: { code: "TooManyRequests", message: "throttled" } }),
      };
    });
    try {
      const endpoint = proxy.url;
      const snapshot = await runScan(options(), {
        env: { BLINDSPOT_AZURE_ENDPOINT: endpoint },
        signal: new AbortController().signal,
        emit: () => {},
      });
      const { findings } = analyze(snapshot, { retentionDays: 90, suppressions: [] });
      expect(seen.size).toBeGreaterThan(0);
      expect([...seen.values()].every((n) => n === 6)).toBe(true);
      const ws = findings.filter((f) => f.checkId === "azure.workspace.retention-short");
      expect(ws.length).toBeGreaterThan(0);
      expect(ws.filter((f) => f.status === "unknown").map((f) => f.title)).toEqual([]);
    } finally {
      await proxy.close();
      await sim.close();
    }
  });

  it("a denied operation makes exactly what depends on it unknown", async () => {
    const r = await scanSim(demoAzure, {}, { deny: [{ cloud: "azure", operation: "tables.get" }] });
    const tables = r.findings.filter((f) => f.checkId === "azure.table.retention-short");
    expect(tables.length).toBeGreaterThan(0);
    expect(new Set(tables.map((f) => f.status))).toEqual(new Set(["unknown"]));
    // The workspace itself was readable: its finding stands.
    const ws = r.findings.filter(
      (f) =>
        f.checkId === "azure.workspace.retention-short" &&
        f.scope.cloud === "azure" &&
        f.scope.subscriptionId === DEMO_SUBS.payments,
    );
    expect(ws.map((f) => f.status)).toEqual(["fail"]);
    // The payments cell still proves a gap (short workspace): partial, not covered, not unknown.
    const cell = r.coverage.find((c) => c.scope.cloud === "azure" && c.scope.subscriptionId === DEMO_SUBS.payments);
    expect(cell?.status).toBe("partial");
    const core = r.coverage.find((c) => c.scope.cloud === "azure" && c.scope.subscriptionId === DEMO_SUBS.core);
    // nw-prod-core also exports to a storage account with a locked 400-day policy: retention stays proven.
    expect(core?.status).toBe("covered");
  });

  it("a subscription denied on every call is unscanned, its cell unknown", async () => {
    const r = await scanSim(demoAzure, {}, { deny: [{ cloud: "azure", subscription: DEMO_SUBS.analytics }] });
    const s = r.snapshot.azure?.subscriptions.find((x) => x.subscriptionId === DEMO_SUBS.analytics);
    expect(s?.access.state).toBe("denied");
    const f = r.findings.find(
      (x) =>
        x.checkId === "azure.subscription.unscanned" &&
        x.scope.cloud === "azure" &&
        x.scope.subscriptionId === DEMO_SUBS.analytics,
    );
    expect(f?.status).toBe("fail");
    expect(
      r.coverage.find((c) => c.scope.cloud === "azure" && c.scope.subscriptionId === DEMO_SUBS.analytics)?.status,
    ).toBe("unknown");
    expect(
      r.findings.filter(
        (x) =>
          x.checkId === "azure.activity.categories-missing" &&
          x.scope.cloud === "azure" &&
          x.scope.subscriptionId === DEMO_SUBS.analytics,
      ),
    ).toEqual([]);
  });
});

describe("scale", () => {
  it("500 generated subscriptions: one cell each, the right verdict kinds, destinations read once", async () => {
    const estate = generateAzure({ subscriptions: 500, seed: 5 });
    const started = Date.now();
    const r = await scanSim(estate, { concurrency: 16 }, { latencyMs: 2 });
    expect(Date.now() - started).toBeLessThan(60_000);
    const cells = new Map(
      r.coverage
        .filter((c) => c.scope.cloud === "azure")
        .map((c) => [c.scope.cloud === "azure" ? c.scope.subscriptionId : "", c]),
    );
    expect(cells.size).toBe(500);
    for (const s of estate.subscriptions) {
      const c = cells.get(s.id)!;
      if (s.state === "Disabled" || s.state === "Deleted") expect(c.status, s.name).toBe("n/a");
      else if (s.access === "denied") expect(c.status, s.name).toBe("unknown");
      else if (s.diagnosticSettings.length === 0) expect(c.status, s.name).toBe("uncovered");
      else expect(["covered", "partial", "unknown"], s.name).toContain(c.status);
    }
    const denied = estate.subscriptions.filter((s) => s.access === "denied" && s.state !== "Disabled");
    expect(r.findings.filter((f) => f.checkId === "azure.subscription.unscanned" && f.status === "fail")).toHaveLength(
      denied.length,
    );
    const wsGets = r.calls.filter((c) => c.operation === "workspaces.get");
    expect(wsGets.length).toBe(r.snapshot.azure?.workspaces.length);
    expect(r.calls.filter((c) => c.operation === "subscriptions.list").length).toBe(10);
  }, 90_000);
});

describe("cancellation before anything was read", () => {
  it("an already aborted scan returns no Azure facts and no error, marked incomplete", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await scanSim(demoAzure, {}, undefined, ac.signal);
    expect(r.snapshot.complete).toBe(false);
    expect(r.snapshot.azure?.subscriptions ?? []).toEqual([]);
    expect(r.findings.filter((f) => f.cloud === "azure")).toEqual([]);
  });
});

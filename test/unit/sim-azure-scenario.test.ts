import { describe, expect, it } from "vitest";
import { AzureState } from "../../src/sim/azure/state.js";
import { AzureScenarioSchema } from "../../src/sim/scenario/azure.js";
import { generateAzure } from "../../src/sim/scenario/generate-azure.js";
import { DEMO_SUBS, demoAzure, demoAzurePlanted } from "../../src/sim/scenarios/demo-azure.js";

const TENANT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SUB = "22222222-3333-4444-8555-666666666666";

function issues(input: unknown): { path: string; message: string }[] {
  const r = AzureScenarioSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("azure scenario validation", () => {
  it("accepts the demo and applies defaults", () => {
    expect(demoAzure.subscriptions).toHaveLength(4);
    const minimal = AzureScenarioSchema.parse({ tenants: [{ id: TENANT }], subscriptions: [{ id: SUB, name: "x" }] });
    expect(minimal.subscriptions[0]).toMatchObject({ state: "Enabled", access: "allowed", diagnosticSettings: [] });
    expect(minimal.seed).toBe(1);
  });

  it("reports bad values with their path", () => {
    expect(issues({ tenants: [{ id: TENANT }], subscriptions: [{ id: "not-a-guid", name: "x" }] })).toEqual([
      { path: "subscriptions.0.id", message: expect.stringContaining("GUID") },
    ]);
    expect(
      issues({ tenants: [{ id: TENANT }], subscriptions: [{ id: SUB, name: "x", state: "Suspended" }] })[0]?.path,
    ).toBe("subscriptions.0.state");
    expect(
      issues({ tenants: [{ id: TENANT }], subscriptions: [{ id: SUB, name: "x", extra: 1 }] })[0]?.message,
    ).toMatch(/unrecognized key/i);
    const badTime = issues({
      tenants: [{ id: TENANT }],
      subscriptions: [{ id: SUB, name: "x", activity: { events: [{ time: "yesterday", operation: "a/b/write" }] } }],
    });
    expect(badTime[0]).toEqual({
      path: "subscriptions.0.activity.events.0.time",
      message: expect.stringContaining("scenario time"),
    });
  });

  it("checks references, destinations and uniqueness", () => {
    const ref = issues({
      tenants: [{ id: TENANT }],
      subscriptions: [
        { id: SUB, name: "x", diagnosticSettings: [{ name: "d", categoryGroup: "allLogs", workspace: "law-missing" }] },
      ],
    });
    expect(ref).toEqual([
      { path: "subscriptions.0.diagnosticSettings.0.workspace", message: expect.stringContaining("law-missing") },
    ]);
    const noDest = issues({
      tenants: [{ id: TENANT }],
      subscriptions: [{ id: SUB, name: "x", diagnosticSettings: [{ name: "d", categories: ["Administrative"] }] }],
    });
    expect(noDest[0]?.message).toContain("destination");
    const dup = issues({
      tenants: [{ id: TENANT }],
      subscriptions: [
        { id: SUB, name: "a" },
        { id: SUB.toUpperCase(), name: "b" },
      ],
    });
    expect(dup).toEqual([{ path: "subscriptions.1.id", message: "duplicate id" }]);
    expect(issues({ subscriptions: [{ id: SUB, name: "a" }] })[0]?.path).toBe("tenants");
    const tenant = issues({ tenants: [{ id: TENANT }], subscriptions: [{ id: SUB, name: "a", tenant: SUB }] });
    expect(tenant[0]?.path).toBe("subscriptions.0.tenant");
  });
});

describe("demo planted gaps", () => {
  it("names only catalogue check ids and demo scopes", () => {
    const ids = new Set(demoAzurePlanted.map((g) => g.checkId));
    for (const id of ids) expect(id).toMatch(/^azure\.[a-z]+\.[a-z-]+$/);
    const scopes = new Set<string>([...Object.values(DEMO_SUBS), `tenant:${demoAzure.tenants[0]!.id}`]);
    for (const g of demoAzurePlanted) expect(scopes.has(g.scope)).toBe(true);
    // The clean subscription has no planted gap.
    expect(demoAzurePlanted.filter((g) => g.scope === DEMO_SUBS.core)).toEqual([]);
  });

  it("the clean subscription delivers everything; the no-export one nothing after the delete", () => {
    const start = new Date("2026-11-27T12:00:00Z");
    const st = new AzureState(demoAzure, start);
    const core = st.activityEvents(DEMO_SUBS.core);
    expect(core.every((e) => e.deliveredTo === "law-nw-security")).toBe(true);
    const sandbox = st.activityEvents(DEMO_SUBS.sandbox);
    const deleteAt = start.getTime() - (9 * 24 + 4) * 3_600_000;
    expect(sandbox.filter((e) => e.time >= deleteAt).every((e) => e.deliveredTo === undefined)).toBe(true);
    expect(sandbox.filter((e) => e.time < deleteAt).every((e) => e.deliveredTo === "law-nw-security")).toBe(true);
    // Analytics: Security-category events are never exported.
    const sec = st.activityEvents(DEMO_SUBS.analytics).filter((e) => e.category === "Security");
    expect(sec.length).toBeGreaterThan(0);
    expect(sec.every((e) => e.deliveredTo === undefined)).toBe(true);
  });
});

describe("generateAzure", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = generateAzure({ subscriptions: 40, seed: 3 });
    const b = generateAzure({ subscriptions: 40, seed: 3 });
    const c = generateAzure({ subscriptions: 40, seed: 4 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
    const start = new Date("2026-11-27T12:00:00Z");
    const ea = new AzureState(a, start).activityEvents(a.subscriptions[5]!.id);
    const eb = new AzureState(b, start).activityEvents(b.subscriptions[5]!.id);
    expect(ea.map((e) => e.correlationId)).toEqual(eb.map((e) => e.correlationId));
  });

  it("builds 500 subscriptions fast and compact, with a mix of good and bad", () => {
    const t0 = performance.now();
    const sc = generateAzure({ subscriptions: 500, seed: 11 });
    const st = new AzureState(sc, new Date());
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(sc.subscriptions).toHaveLength(500);
    expect(JSON.stringify(sc).length).toBeLessThan(1_000_000);
    const noExport = sc.subscriptions.filter((s) => s.diagnosticSettings.length === 0).length;
    const denied = sc.subscriptions.filter((s) => s.access === "denied").length;
    const short = sc.subscriptions.filter((s) => s.workspaces.some((w) => w.retentionInDays < 90)).length;
    const missing = sc.subscriptions.filter((s) =>
      s.diagnosticSettings.some((d) => d.categories && !d.categories.includes("Security")),
    ).length;
    expect(noExport).toBeGreaterThan(30);
    expect(denied).toBeGreaterThan(5);
    expect(short).toBeGreaterThan(20);
    expect(missing).toBeGreaterThan(20);
    expect(noExport + denied).toBeLessThan(250);
    expect(st.workspaces.size).toBeGreaterThan(10);
  });
});

/**
 * Azure blind-spot sampling against the simulator's demo estate with the real SDK clients (arm-monitor 8,
 * arm-operationalinsights, monitor-query-logs): lost operations by correlation id, a subscription without export,
 * delivery gap days, diagnostic-setting tampering, retention proof, failed sign-ins, --siem-export.
 */
import { MonitorClient } from "@azure/arm-monitor";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeSiem } from "../../analyzers/siem/index.js";
import { simulatorClientOptions, simulatorCredential } from "../../src/collect/azure/sim-endpoint.js";
import {
  type AzureSubscriptionSamplingResult,
  type AzureTenantSamplingResult,
  logAnalyticsGate,
  sampleAzureSubscription,
  sampleAzureTenant,
} from "../../src/collect/sampling/azure.js";
import {
  applyAzureSubscriptionSampling,
  applyAzureTenantSampling,
  sampleAzurePart,
} from "../../src/collect/sampling/index.js";
import { parseSiemExport } from "../../src/collect/sampling/siem-export.js";
import type { Probe } from "../../src/model/common.js";
import type { Finding } from "../../src/model/finding.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import type { AzureSubscription, DiagnosticSetting, Workspace } from "../../src/model/snapshot-azure.js";
import type { CollectContext } from "../../src/scan/context.js";
import { Limiter } from "../../src/scan/limit.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_SUBS, DEMO_TENANT, demoAzure } from "../../src/sim/scenarios/demo-azure.js";

const DAY = 86_400_000;
const SAMPLE_DAYS = 7;
const cred = simulatorCredential();
const CONTRACTOR = "j.kowalski.ext@northwind-health.example";
const LENA = "lena.fischer@northwind-health.example";

let sim: Simulator;
let window: { start: Date; end: Date };
let workspaces: Workspace[];
const settings = new Map<string, Probe<DiagnosticSetting[]>>();
const results = new Map<string, AzureSubscriptionSamplingResult>();
let tenantResult: AzureTenantSamplingResult;
let exportResult: AzureSubscriptionSamplingResult;
let findings: Finding[];
let entra: DiagnosticSetting[];

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function toSetting(s: Record<string, unknown>): DiagnosticSetting {
  const p = (s.properties ?? s) as Record<string, unknown>;
  return {
    id: String(s.id),
    name: String(s.name),
    ...(p.workspaceId ? { workspaceId: String(p.workspaceId) } : {}),
    ...(p.storageAccountId ? { storageAccountId: String(p.storageAccountId) } : {}),
    logs: ((p.logs ?? []) as { category?: string; categoryGroup?: string; enabled: boolean }[]).map((l) => ({
      ...(l.category ? { category: l.category } : {}),
      ...(l.categoryGroup ? { categoryGroup: l.categoryGroup } : {}),
      enabled: l.enabled,
    })),
  };
}

function subscription(id: string): AzureSubscription {
  return {
    subscriptionId: id,
    tenantId: DEMO_TENANT,
    state: "Enabled",
    access: { state: "ok" },
    samples: [],
    tamper: [],
    errors: [],
  };
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: { name: "siem-azure", azure: demoAzure } });
  const opts = simulatorClientOptions(sim.url);
  const logs = new LogsQueryClient(cred, opts);
  workspaces = [];
  for (const sub of Object.values(DEMO_SUBS)) {
    const m = new MonitorClient(cred, sub, opts);
    settings.set(sub, {
      state: "ok",
      value: (await all(m.diagnosticSettings.list(`subscriptions/${sub}`))).map((s) =>
        toSetting(s as unknown as Record<string, unknown>),
      ),
    });
    const oi = new OperationalInsightsManagementClient(cred, sub, opts);
    for (const w of await all(oi.workspaces.list())) {
      workspaces.push({
        id: w.id!,
        subscriptionId: sub,
        name: w.name!,
        ...(w.customerId ? { customerId: w.customerId } : {}),
        ...(w.retentionInDays ? { retentionInDays: w.retentionInDays } : {}),
        ...(w.createdDate ? { createdDate: new Date(w.createdDate).toISOString() } : {}),
      });
    }
  }
  const aad = await fetch(`${sim.url}/providers/microsoft.aadiam/diagnosticSettings?api-version=2017-04-01`, {
    headers: { authorization: "Bearer blindspot-simulator" },
  });
  entra = ((await aad.json()) as { value: Record<string, unknown>[] }).value.map(toSetting);

  const end = new Date();
  window = { start: new Date(end.getTime() - SAMPLE_DAYS * DAY), end };
  const gate = logAnalyticsGate();
  const proven = new Set<string>();
  const common = { logs, workspaces, window, sampleMax: 200, gate, provenWorkspaces: proven };
  await Promise.all(
    Object.values(DEMO_SUBS).map(async (sub) => {
      results.set(
        sub,
        await sampleAzureSubscription({
          ...common,
          subscriptionId: sub,
          monitor: new MonitorClient(cred, sub, opts),
          diagnosticSettings: settings.get(sub)!,
        }),
      );
    }),
  );
  tenantResult = await sampleAzureTenant({
    tenantId: DEMO_TENANT,
    logs,
    workspaces,
    window,
    gate,
    entraDiagnosticSettings: { state: "ok", value: entra },
  });
  // A SIEM fed another way (event hub → Splunk) holding every operation of nw-analytics.
  const m = new MonitorClient(cred, DEMO_SUBS.analytics, opts);
  const ids = new Set<string>();
  for await (const e of m.activityLogs.list(
    `eventTimestamp ge '${new Date(window.start.getTime() - DAY).toISOString()}' and eventTimestamp le '${new Date().toISOString()}'`,
  ))
    if (e.correlationId) ids.add(e.correlationId);
  exportResult = await sampleAzureSubscription({
    ...common,
    subscriptionId: DEMO_SUBS.analytics,
    monitor: m,
    diagnosticSettings: settings.get(DEMO_SUBS.analytics)!,
    siemExport: parseSiemExport(JSON.stringify([...ids].map((CorrelationId) => ({ CorrelationId }))), "sentinel.json"),
    retentionProof: false,
  });

  const subs = Object.values(DEMO_SUBS).map(subscription);
  const part = { tenants: [{ tenantId: DEMO_TENANT, samples: [] }], subscriptions: subs, workspaces, storage: [] };
  for (const s of subs) applyAzureSubscriptionSampling(part, s, results.get(s.subscriptionId)!);
  applyAzureTenantSampling(part.tenants[0]!, tenantResult);
  const snapshot: Snapshot = {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "test" },
    startedAt: end.toISOString(),
    finishedAt: end.toISOString(),
    complete: true,
    options: { clouds: ["azure"], retentionDays: 90, sampleDays: SAMPLE_DAYS, sample: true },
    azure: part,
  };
  findings = analyzeSiem({ snapshot, policy: { retentionDays: 90, suppressions: [] }, now: end });
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

const privileged = (sub: string) => results.get(sub)!.samples.find((s) => s.eventClass === "privileged")!;
const failing = (check: string) =>
  findings
    .filter((f) => f.checkId === check && f.status === "fail")
    .map((f) => (f.scope.cloud === "azure" ? (f.scope.subscriptionId ?? `tenant:${f.scope.tenantId}`) : ""))
    .sort();

describe("Azure sampling", () => {
  it("finds every privileged operation of a clean subscription in its workspace", () => {
    const s = privileged(DEMO_SUBS.core);
    expect(s.state).toBe("ok");
    expect(s.destination?.kind).toBe("log-analytics");
    expect(s.sampled).toBeGreaterThan(20);
    expect(s.missing).toEqual([]);
  });

  it("reports only the lost role-assignment operations of nw-analytics, by correlation id", () => {
    const s = privileged(DEMO_SUBS.analytics);
    expect(s.state).toBe("ok");
    expect(s.missing.length).toBeGreaterThan(2);
    for (const m of s.missing) expect(m.name).toMatch(/^Microsoft\.Authorization\/roleAssignments\/(write|delete)$/);
    expect(s.missing[0]!.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.found).toBeGreaterThan(s.missing.length);
  });

  it("shows every operation of a subscription without export as missing, destination null", () => {
    const s = privileged(DEMO_SUBS.sandbox);
    expect(s.state).toBe("ok");
    expect(s.destination).toBeNull();
    expect(s.sampled).toBeGreaterThan(10);
    expect(s.missing).toHaveLength(s.sampled);
  });

  it("finds the lost days of nw-prod-payments", () => {
    const s = privileged(DEMO_SUBS.payments);
    const gap = s.perDay.filter((d) => d.source > 0 && d.siem === 0).map((d) => d.day);
    expect(gap.length).toBeGreaterThanOrEqual(1);
    const from = window.end.getTime() - 6 * DAY - 60_000;
    const to = window.end.getTime() - 4 * DAY + 60_000;
    for (const d of gap) {
      expect(Date.parse(`${d}T23:59:59Z`)).toBeGreaterThan(from);
      expect(Date.parse(`${d}T00:00:00Z`)).toBeLessThan(to);
    }
    expect(s.missing.length).toBeGreaterThan(0);
    for (const m of s.missing) {
      expect(Date.parse(m.time)).toBeGreaterThanOrEqual(from);
      expect(Date.parse(m.time)).toBeLessThan(to);
    }
  });

  it("reports diagnostic setting deletes and writes with the actor", () => {
    const [del] = results.get(DEMO_SUBS.sandbox)!.tamper;
    expect(del).toMatchObject({
      name: "Microsoft.Insights/diagnosticSettings/delete",
      actor: CONTRACTOR,
      sourceIp: "198.51.100.99",
    });
    expect(del!.resumedAt).toBeUndefined();
    const [write] = results.get(DEMO_SUBS.payments)!.tamper;
    expect(write).toMatchObject({ name: "Microsoft.Insights/diagnosticSettings/write", actor: LENA });
    expect(results.get(DEMO_SUBS.core)!.tamper).toEqual([]);
  });

  it("reads the oldest AzureActivity row of each destination workspace once", () => {
    const all = [...results.values()].flatMap((r) => r.oldestEvents);
    expect(all.map((o) => o.workspaceId.split("/").pop()).sort()).toEqual(["law-nw-payments", "law-nw-security"]);
    const pay = all.find((o) => o.workspaceId.endsWith("law-nw-payments"))!;
    expect(pay.oldestEvent.state).toBe("ok");
    if (pay.oldestEvent.state === "ok") {
      const age = (Date.now() - Date.parse(pay.oldestEvent.value.time!)) / DAY;
      expect(age).toBeGreaterThan(25);
      expect(age).toBeLessThanOrEqual(30.1);
    }
  });

  it("--siem-export holding every operation reports no blind spot", () => {
    const s = exportResult.samples[0]!;
    expect(s.destination).toEqual({ kind: "siem-export", id: "sentinel.json" });
    expect(s.sampled).toBe(privileged(DEMO_SUBS.analytics).sampled);
    expect(s.missing).toEqual([]);
  });

  it("reports failed sign-ins as exported nowhere", () => {
    expect(tenantResult.samples[0]).toMatchObject({ eventClass: "failed-login", destination: null, state: "ok" });
  });

  it("turns the facts into the planted findings and nothing else", () => {
    expect(failing("azure.siem.blind-spot")).toEqual(
      [DEMO_SUBS.analytics, DEMO_SUBS.payments, DEMO_SUBS.sandbox].sort(),
    );
    expect(failing("azure.siem.delivery-gap")).toEqual([DEMO_SUBS.payments]);
    expect(failing("azure.tamper.logging-changed")).toEqual([DEMO_SUBS.payments, DEMO_SUBS.sandbox].sort());
    expect(failing("azure.retention.unproven")).toEqual([DEMO_SUBS.payments]);
    expect(failing("azure.siem.failed-logins-missing")).toEqual([`tenant:${DEMO_TENANT}`]);
    const sandbox = findings.find(
      (f) =>
        f.checkId === "azure.tamper.logging-changed" &&
        f.scope.cloud === "azure" &&
        f.scope.subscriptionId === DEMO_SUBS.sandbox,
    )!;
    expect(sandbox.title).toContain(CONTRACTOR);
    expect(sandbox.title).toMatch(/logging off for 9d \d+h \(not resumed\)/);
    expect(findings.filter((f) => f.status === "unknown")).toEqual([]);
  });

  it("stays within the Log Analytics query limit and makes no writes", () => {
    const q = sim.calls().filter((c) => c.service === "loganalytics");
    expect(q.length).toBeGreaterThan(5);
    expect(q.length).toBeLessThanOrEqual(200);
    expect(sim.calls().filter((c) => c.write)).toEqual([]);
  });
});

describe("sampleAzurePart (the collector's entry point)", () => {
  const options = (o: Partial<ScanOptions>): ScanOptions => ({
    aws: false,
    azure: true,
    cloudsExplicit: true,
    org: false,
    roleName: "OrganizationAccountAccessRole",
    retentionDays: 90,
    sampleDays: SAMPLE_DAYS,
    sample: true,
    sampleMax: 200,
    json: false,
    concurrency: 8,
    ...o,
  });
  const ctx = (o: Partial<ScanOptions>): CollectContext => ({
    options: options(o),
    env: {},
    signal: new AbortController().signal,
    emit: () => {},
    now: () => new Date(),
    limiter: new Limiter(8),
  });
  const part = () => ({
    tenants: [{ tenantId: DEMO_TENANT, entraDiagnosticSettings: { state: "ok" as const, value: entra }, samples: [] }],
    subscriptions: Object.values(DEMO_SUBS).map((id) => ({
      ...subscription(id),
      diagnosticSettings: settings.get(id)!,
    })),
    workspaces: workspaces.map((w) => ({ ...w })),
    storage: [],
  });
  const clients = () => {
    const opts = simulatorClientOptions(sim.url);
    return {
      monitor: (sub: string) => new MonitorClient(cred, sub, opts),
      logs: () => new LogsQueryClient(cred, opts),
    };
  };

  it("samples every subscription and tenant into the part, like the per-scope calls", async () => {
    const p = part();
    await sampleAzurePart(ctx({}), p, clients());
    for (const s of p.subscriptions) {
      const ref = results.get(s.subscriptionId)!;
      expect(s.samples.map((x) => [x.sampled, x.missing.length])).toEqual(
        ref.samples.map((x) => [x.sampled, x.missing.length]),
      );
      expect(s.tamper.map((t) => t.eventId)).toEqual(ref.tamper.map((t) => t.eventId));
    }
    expect(p.tenants[0]!.samples).toHaveLength(1);
    expect(
      p.workspaces
        .filter((w) => w.oldestEvent)
        .map((w) => w.name)
        .sort(),
    ).toEqual(["law-nw-payments", "law-nw-security"]);
  });

  it("accepts the longest window, --sample-days 90 (the Activity Log refuses an older start)", async () => {
    const p = part();
    await sampleAzurePart(ctx({ sampleDays: 90 }), p, clients());
    const core = p.subscriptions.find((s) => s.subscriptionId === DEMO_SUBS.core)!;
    expect(core.samples[0]!.state).toBe("ok");
    expect(core.samples[0]!.sampled).toBeGreaterThan(100);
    expect(core.errors).toEqual([]);
  });

  it("does nothing with --no-sample", async () => {
    const p = part();
    await sampleAzurePart(ctx({ sample: false }), p, clients());
    expect(p.subscriptions.flatMap((s) => s.samples)).toEqual([]);
  });

  it("reads --siem-export from the file named in the options", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const file = join(mkdtempSync(join(tmpdir(), "siem-")), "empty-export.txt");
    writeFileSync(file, "# nothing was exported\n");
    const p = part();
    await sampleAzurePart(ctx({ siemExport: file }), p, clients());
    const core = p.subscriptions.find((s) => s.subscriptionId === DEMO_SUBS.core)!;
    expect(core.samples[0]!.destination).toEqual({ kind: "siem-export", id: "empty-export.txt" });
    expect(core.samples[0]!.missing).toHaveLength(core.samples[0]!.sampled);
  });
});

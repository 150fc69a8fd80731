/**
 * The demo's Azure half through the Azure collector (collectAzure) and sampleAzurePart with the collector's own
 * clients (AzureClients.monitor / .logs): exactly the planted blind-spot, gap, tamper, retention and failed-sign-in
 * findings of demoAzurePlanted fail.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { analyzeSiem } from "../../analyzers/siem/index.js";
import { AzureClients } from "../../src/collect/azure/clients.js";
import { collectAzure } from "../../src/collect/azure/index.js";
import { sampleAzurePart } from "../../src/collect/sampling/index.js";
import type { Finding } from "../../src/model/finding.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import type { CollectContext } from "../../src/scan/context.js";
import { Limiter } from "../../src/scan/limit.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { demoAzurePlanted } from "../../src/sim/scenarios/demo-azure.js";
import { testScanOptions } from "../helpers/scan-options.js";

const MINE = /^azure\.(siem\.|tamper\.)|^azure\.retention\.unproven$/;

let sim: Simulator;
let findings: Finding[];

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
  const options: ScanOptions = testScanOptions({ azure: true, sample: true, json: false });
  const ctx: CollectContext = {
    options,
    env: { BLINDSPOT_AZURE_ENDPOINT: sim.env.BLINDSPOT_AZURE_ENDPOINT! },
    signal: new AbortController().signal,
    emit: () => {},
    now: () => new Date(),
    limiter: new Limiter(8),
  };
  const part = (await collectAzure(ctx))!;
  await sampleAzurePart(ctx, part, new AzureClients(ctx.env, options.tenant));
  const now = new Date();
  const snapshot: Snapshot = {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "test" },
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    complete: true,
    options: { clouds: ["azure"], retentionDays: 90, sampleDays: 7, sample: true },
    azure: part,
  };
  findings = analyzeSiem({ snapshot, policy: { retentionDays: 90, suppressions: [] }, now });
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

it("fails exactly the planted blind-spot, gap, tamper, retention and failed sign-in gaps", () => {
  const scopeOf = (f: Finding) =>
    f.scope.cloud === "azure" ? (f.scope.subscriptionId ?? `tenant:${f.scope.tenantId}`) : "";
  const failing = findings.filter((f) => f.status === "fail").map((f) => `${f.checkId} ${scopeOf(f)}`);
  const planted = demoAzurePlanted.filter((p) => MINE.test(p.checkId)).map((p) => `${p.checkId} ${p.scope}`);
  expect([...new Set(failing)].sort()).toEqual([...new Set(planted)].sort());
  for (const p of demoAzurePlanted.filter((x) => MINE.test(x.checkId) && x.resource)) {
    expect(findings.some((f) => f.checkId === p.checkId && f.resource === p.resource && f.status === "fail")).toBe(
      true,
    );
  }
  expect(findings.filter((f) => f.status === "unknown")).toEqual([]);
  expect(sim.calls().filter((c) => c.write)).toEqual([]);
});

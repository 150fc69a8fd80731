/**
 * azure.alert.missing end to end: collectAzure (arm-monitor activityLogAlerts.listBySubscriptionId) against the
 * simulator, then the analyzers. Alerts with other scopes, disabled ones, narrowed conditions and anyOf are created
 * through the real SDK (createOrUpdate) before the scan.
 */
import { MonitorClient } from "@azure/arm-monitor";
import { afterEach, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { simulatorClientOptions, simulatorCredential } from "../../src/collect/azure/sim-endpoint.js";
import type { Finding } from "../../src/model/finding.js";
import { SnapshotSchema } from "../../src/model/snapshot.js";
import { runScan } from "../../src/scan/index.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { CIS_ALERT_OPERATIONS, DEMO_SUBS, demoAzurePlanted } from "../../src/sim/scenarios/demo-azure.js";
import { testScanOptions } from "../helpers/scan-options.js";

const OPTIONS: ScanOptions = testScanOptions({ azure: true });

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function scanAlerts(s: Simulator): Promise<Finding[]> {
  const snapshot = await runScan(OPTIONS, {
    env: { BLINDSPOT_AZURE_ENDPOINT: s.env.BLINDSPOT_AZURE_ENDPOINT! },
    signal: new AbortController().signal,
    emit: () => {},
  });
  const reread = SnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)));
  return analyze(reread, { retentionDays: 90, suppressions: [] }).findings.filter(
    (f) => f.checkId === "azure.alert.missing",
  );
}

const op = (f: Finding) => f.resource.slice(f.resource.indexOf("#") + 1);
const sub = (f: Finding) => (f.scope.cloud === "azure" ? f.scope.subscriptionId : undefined);

describe("azure.alert.missing", () => {
  it("finds exactly the demo's planted alert gaps; nw-core passes every CIS 5.2 operation", async () => {
    sim = await startSimulator({ scenario: "demo" });
    const findings = await scanAlerts(sim);
    expect(findings).toHaveLength(4 * CIS_ALERT_OPERATIONS.length);
    const failing = findings
      .filter((f) => f.status === "fail")
      .map((f) => `${sub(f)} ${f.resource}`)
      .sort();
    const planted = demoAzurePlanted
      .filter((p) => p.checkId === "azure.alert.missing")
      .map((p) => `${p.scope} ${p.resource}`)
      .sort();
    expect(failing).toEqual(planted);
    const core = findings.filter((f) => sub(f) === DEMO_SUBS.core);
    expect(core.map((f) => f.status)).toEqual(Array(10).fill("pass"));
    expect(core[0]?.evidence.some((e) => e.source?.startsWith("arm:activityLogAlerts"))).toBe(true);
    expect(sim.calls().some((c) => c.operation === "activityLogAlerts.listBySubscriptionId")).toBe(true);
  }, 60_000);

  it("honours enabled, action groups, scopes and allOf/anyOf conditions", async () => {
    sim = await startSimulator({ scenario: "demo" });
    const S = DEMO_SUBS.sandbox;
    const client = new MonitorClient(
      simulatorCredential(),
      S,
      simulatorClientOptions(sim.env.BLINDSPOT_AZURE_ENDPOINT!),
    );
    const ag = `/subscriptions/${S}/resourceGroups/rg-ops/providers/microsoft.insights/actionGroups/ag-ops`;
    const put = (
      name: string,
      allOf: { field?: string; equals?: string; anyOf?: { field: string; equals: string }[] }[],
      over: { scopes?: string[]; enabled?: boolean; actionGroups?: string[] } = {},
    ) =>
      client.activityLogAlerts.createOrUpdate("rg-ops", name, {
        location: "Global",
        scopes: over.scopes ?? [`/subscriptions/${S}`],
        enabled: over.enabled ?? true,
        condition: { allOf },
        actions: { actionGroups: (over.actionGroups ?? [ag]).map((actionGroupId) => ({ actionGroupId })) },
      });
    const adm = { field: "category", equals: "Administrative" };
    // Covers both policy assignment operations through anyOf.
    await put("policy", [
      adm,
      {
        anyOf: [
          { field: "operationName", equals: "Microsoft.Authorization/policyAssignments/write" },
          { field: "operationName", equals: "microsoft.authorization/policyassignments/delete" },
        ],
      },
    ]);
    await put(
      "nsg-write-off",
      [adm, { field: "operationName", equals: "Microsoft.Network/networkSecurityGroups/write" }],
      {
        enabled: false,
      },
    );
    await put(
      "nsg-delete-other-sub",
      [adm, { field: "operationName", equals: "Microsoft.Network/networkSecurityGroups/delete" }],
      { scopes: [`/subscriptions/${DEMO_SUBS.core}`] },
    );
    await put("pip-write-rg", [adm, { field: "operationName", equals: "Microsoft.Network/publicIPAddresses/write" }], {
      scopes: [`/subscriptions/${S}/resourceGroups/rg-web`],
    });
    await put("sql-write-succeeded", [
      adm,
      { field: "operationName", equals: "Microsoft.Sql/servers/firewallRules/write" },
      { field: "status", equals: "Succeeded" },
    ]);
    await put(
      "sql-delete-silent",
      [adm, { field: "operationName", equals: "Microsoft.Sql/servers/firewallRules/delete" }],
      {
        actionGroups: [],
      },
    );
    // Every Administrative event of the Security provider: covers securitySolutions write and delete.
    await put("security-provider", [adm, { field: "resourceProvider", equals: "Microsoft.Security" }]);

    const findings = (await scanAlerts(sim)).filter((f) => sub(f) === S);
    const by = new Map(findings.map((f) => [op(f), f]));
    const status = (o: string) => by.get(o)?.status;
    const title = (o: string) => by.get(o)?.title ?? "";
    expect(status("Microsoft.Authorization/policyAssignments/write")).toBe("pass");
    expect(status("Microsoft.Authorization/policyAssignments/delete")).toBe("pass");
    expect(status("Microsoft.Security/securitySolutions/write")).toBe("pass");
    expect(status("Microsoft.Security/securitySolutions/delete")).toBe("pass");
    expect(status("Microsoft.Network/networkSecurityGroups/write")).toBe("fail");
    expect(title("Microsoft.Network/networkSecurityGroups/write")).toContain("nsg-write-off is disabled");
    expect(status("Microsoft.Network/networkSecurityGroups/delete")).toBe("fail");
    expect(title("Microsoft.Network/networkSecurityGroups/delete")).toContain(
      `scoped to /subscriptions/${DEMO_SUBS.core}`,
    );
    expect(status("Microsoft.Network/publicIPAddresses/write")).toBe("fail");
    expect(title("Microsoft.Network/publicIPAddresses/write")).toContain("only, not the whole subscription");
    expect(status("Microsoft.Sql/servers/firewallRules/write")).toBe("fail");
    expect(title("Microsoft.Sql/servers/firewallRules/write")).toContain("also requires status=Succeeded");
    expect(status("Microsoft.Sql/servers/firewallRules/delete")).toBe("fail");
    expect(title("Microsoft.Sql/servers/firewallRules/delete")).toContain("has no action group");
    expect(status("Microsoft.Network/publicIPAddresses/delete")).toBe("fail");
  }, 60_000);

  it("is unknown when the alert list is denied", async () => {
    sim = await startSimulator({
      scenario: "demo",
      faults: { deny: [{ cloud: "azure", operation: "activityLogAlerts.*" }] },
    });
    const findings = await scanAlerts(sim);
    expect(findings.length).toBe(40);
    expect(new Set(findings.map((f) => f.status))).toEqual(new Set(["unknown"]));
  }, 60_000);
});

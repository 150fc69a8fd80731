/**
 * azure.alert.missing with activity log alerts kept in a central monitoring subscription: the scenario's alert
 * `scopes` name other subscriptions (or resource groups in them); collectAzure reads every subscription's alerts
 * through the real arm-monitor client against the simulator, and the analyzer credits each alert to the
 * subscriptions its scopes cover.
 */
import { afterEach, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import type { Finding } from "../../src/model/finding.js";
import { SnapshotSchema } from "../../src/model/snapshot.js";
import { runScan } from "../../src/scan/index.js";
import type { ScanOptions } from "../../src/scan/options.js";
import type { FaultSpecInput } from "../../src/sim/faults.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { CIS_ALERT_OPERATIONS } from "../../src/sim/scenarios/demo-azure.js";
import { testScanOptions } from "../helpers/scan-options.js";

const OPTIONS: ScanOptions = testScanOptions({ azure: true });

const TENANT = "72f988bf-0000-4000-8000-0000000000aa";
const MON = "11111111-1111-4111-8111-111111111111"; // central monitoring subscription
const APP = "22222222-2222-4222-8222-222222222222"; // covered only by MON's alerts
const WEB = "33333333-3333-4333-8333-333333333333"; // MON's alert covers one of its resource groups only
const AG = `/subscriptions/${MON}/resourceGroups/rg-monitor/providers/microsoft.insights/actionGroups/ag-soc`;
const NSG_WRITE = "Microsoft.Network/networkSecurityGroups/write";

function scenario() {
  return {
    name: "central-alerts",
    azure: {
      tenants: [{ id: TENANT }],
      subscriptions: [
        {
          id: MON,
          name: "monitoring",
          resourceGroups: ["rg-monitor"],
          activityLogAlerts: [
            ...CIS_ALERT_OPERATIONS.map((operationName, i) => ({
              name: `app-cis-5-2-${i + 1}`,
              resourceGroup: "rg-monitor",
              operationName,
              actionGroups: [AG],
              scopes: [`/subscriptions/${APP}`],
            })),
            {
              name: "web-nsg-write",
              resourceGroup: "rg-monitor",
              operationName: NSG_WRITE,
              actionGroups: [AG],
              scopes: [`/subscriptions/${WEB}/resourceGroups/rg-web`],
            },
          ],
        },
        { id: APP, name: "app", resourceGroups: ["rg-app"] },
        { id: WEB, name: "web", resourceGroups: ["rg-web"] },
      ],
    },
  };
}

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function scanAlerts(faults?: FaultSpecInput): Promise<Map<string, Finding>> {
  sim = await startSimulator({ scenario: scenario(), ...(faults ? { faults } : {}) });
  const snapshot = await runScan(OPTIONS, {
    env: { BLINDSPOT_AZURE_ENDPOINT: sim.env.BLINDSPOT_AZURE_ENDPOINT! },
    signal: new AbortController().signal,
    emit: () => {},
  });
  const reread = SnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)));
  const findings = analyze(reread, { retentionDays: 90, suppressions: [] }).findings.filter(
    (f) => f.checkId === "azure.alert.missing",
  );
  return new Map(
    findings.map((f) => [
      `${f.scope.cloud === "azure" ? f.scope.subscriptionId : ""} ${f.resource.slice(f.resource.indexOf("#") + 1)}`,
      f,
    ]),
  );
}

const why = (f: Finding | undefined) =>
  (f?.evidence.find((e) => e.label === "why not covered")?.value ?? []) as string[];

describe("azure.alert.missing with alerts kept in another subscription", () => {
  it("a central subscription's alert scoped to B covers B; it does not cover the central subscription itself", async () => {
    const f = await scanAlerts();
    expect(f.size).toBe(3 * CIS_ALERT_OPERATIONS.length);
    for (const op of CIS_ALERT_OPERATIONS) {
      const app = f.get(`${APP} ${op}`);
      expect(app?.status, op).toBe("pass");
      expect(app?.title).toContain(`kept in subscription ${MON}`);
      const mon = f.get(`${MON} ${op}`);
      expect(mon?.status, op).toBe("fail");
      expect(mon?.title).toContain(`scoped to /subscriptions/${APP}, not this subscription`);
    }
    // A resource-group scope in WEB covers part of it only.
    const web = f.get(`${WEB} ${NSG_WRITE}`);
    expect(web?.status).toBe("fail");
    expect(web?.title).toContain(
      `alert web-nsg-write (kept in subscription ${MON}) is scoped to /subscriptions/${WEB}/resourceGroups/rg-web only`,
    );
  }, 60_000);

  it("when the central subscription's alerts cannot be read, B is not covered and the finding says why", async () => {
    const f = await scanAlerts({ deny: [{ cloud: "azure", operation: "activityLogAlerts.*", subscription: MON }] });
    for (const op of CIS_ALERT_OPERATIONS) {
      expect(f.get(`${MON} ${op}`)?.status, op).toBe("unknown");
      const app = f.get(`${APP} ${op}`);
      expect(app?.status, op).toBe("fail");
      expect(why(app).join("\n")).toContain(
        `subscription ${MON}: alerts unreadable (AuthorizationFailed); an alert kept there for this subscription is unknown and not counted`,
      );
    }
  }, 60_000);
});

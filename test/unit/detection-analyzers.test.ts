/** azure.alert.missing as a pure function over hand-made snapshots: condition shapes the demo does not plant. */
import { describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import type { ActivityLogAlert } from "../../src/model/detection.js";
import type { Finding } from "../../src/model/finding.js";
import { type SnapshotInput, SnapshotSchema } from "../../src/model/snapshot.js";

const AT = "2026-11-20T10:00:00.000Z";
const SUB = "0b1f6471-1bf0-4dda-aec3-111111111111";
const AG = `/subscriptions/${SUB}/resourceGroups/rg/providers/microsoft.insights/actionGroups/ag`;
const NSG_WRITE = "Microsoft.Network/networkSecurityGroups/write";

function alert(over: Partial<ActivityLogAlert>): ActivityLogAlert {
  return {
    id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/activityLogAlerts/a`,
    name: "a",
    enabled: true,
    scopes: [`/subscriptions/${SUB}`],
    allOf: [{ field: "category", equals: "Administrative" }],
    actionGroupIds: [AG],
    ...over,
  };
}

function run(alerts: ActivityLogAlert[] | "denied"): Map<string, Finding> {
  const input: SnapshotInput = {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: AT,
    finishedAt: AT,
    complete: true,
    options: { clouds: ["azure"], retentionDays: 90, sampleDays: 7, sample: false },
    azure: {
      tenants: [],
      subscriptions: [
        {
          subscriptionId: SUB,
          state: "Enabled",
          access: { state: "ok" },
          diagnosticSettings: { state: "ok", value: [] },
          activityLogAlerts:
            alerts === "denied"
              ? {
                  state: "error",
                  error: {
                    kind: "denied",
                    service: "arm",
                    operation: "activityLogAlerts.listBySubscriptionId",
                    code: "AuthorizationFailed",
                    message: "no",
                    at: AT,
                  },
                }
              : { state: "ok", value: alerts },
        },
      ],
    },
  };
  const findings = analyze(SnapshotSchema.parse(input), { retentionDays: 90, suppressions: [] }).findings;
  return new Map(
    findings
      .filter((f) => f.checkId === "azure.alert.missing")
      .map((f) => [f.resource.slice(f.resource.indexOf("#") + 1), f]),
  );
}

describe("azure.alert.missing conditions", () => {
  it("containsAny and resourceType cover; case does not matter; trailing slash on the scope is fine", () => {
    const f = run([
      alert({
        scopes: [`/SUBSCRIPTIONS/${SUB.toUpperCase()}/`],
        allOf: [
          { field: "Category", equals: "administrative" },
          {
            field: "operationName",
            containsAny: [NSG_WRITE.toLowerCase(), "Microsoft.Network/publicIPAddresses/write"],
          },
        ],
      }),
      alert({ name: "b", allOf: [{ field: "resourceType", equals: "Microsoft.Sql/servers/firewallRules" }] }),
    ]);
    expect(f.size).toBe(10);
    expect(f.get(NSG_WRITE)?.status).toBe("pass");
    expect(f.get("Microsoft.Network/publicIPAddresses/write")?.status).toBe("pass");
    expect(f.get("Microsoft.Sql/servers/firewallRules/write")?.status).toBe("pass");
    expect(f.get("Microsoft.Sql/servers/firewallRules/delete")?.status).toBe("pass");
    expect(f.get("Microsoft.Network/publicIPAddresses/delete")?.status).toBe("fail");
  });

  it("an anyOf that only narrows (caller, level) does not cover, and says so", () => {
    const f = run([
      alert({
        allOf: [
          { field: "operationName", equals: NSG_WRITE },
          {
            anyOf: [
              { field: "caller", equals: "admin@example.com" },
              { field: "level", equals: "Critical" },
            ],
          },
        ],
      }),
    ]);
    expect(f.get(NSG_WRITE)?.status).toBe("fail");
    expect(f.get(NSG_WRITE)?.title).toContain("anyOf condition holds only for some events");
  });

  it("a condition on another category or operation is unrelated; a denied list is unknown", () => {
    const f = run([alert({ allOf: [{ field: "category", equals: "Security" }] })]);
    expect([...f.values()].every((x) => x.status === "fail")).toBe(true);
    const d = run("denied");
    expect([...d.values()].map((x) => x.status)).toEqual(Array(10).fill("unknown"));
  });
});

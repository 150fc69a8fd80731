/** azure.alert.missing across subscriptions (alerts kept in a central subscription), over hand-made snapshots. */
import { describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import type { ActivityLogAlert } from "../../src/model/detection.js";
import type { Finding } from "../../src/model/finding.js";
import { type SnapshotInput, SnapshotSchema } from "../../src/model/snapshot.js";

const AT = "2026-11-20T10:00:00.000Z";
const MON = "0b1f6471-1bf0-4dda-aec3-aaaaaaaaaaaa";
const B = "0b1f6471-1bf0-4dda-aec3-bbbbbbbbbbbb";
const AG = `/subscriptions/${MON}/resourceGroups/rg/providers/microsoft.insights/actionGroups/ag`;
const NSG_WRITE = "Microsoft.Network/networkSecurityGroups/write";

/** An alert on every Administrative event (covers every CIS 5.2 operation) kept in MON. */
function alert(over: Partial<ActivityLogAlert>): ActivityLogAlert {
  return {
    id: `/subscriptions/${MON}/resourceGroups/rg/providers/Microsoft.Insights/activityLogAlerts/${over.name ?? "a"}`,
    name: "a",
    enabled: true,
    scopes: [`/subscriptions/${B}`],
    allOf: [{ field: "category", equals: "Administrative" }],
    actionGroupIds: [AG],
    ...over,
  };
}

const denied = (operation: string) => ({
  kind: "denied" as const,
  service: "arm",
  operation,
  code: "AuthorizationFailed",
  message: "no",
  at: AT,
});

type Sub = NonNullable<SnapshotInput["azure"]>["subscriptions"][number];

function sub(id: string, alerts: ActivityLogAlert[] | "alerts-denied" | "sub-denied"): Sub {
  if (alerts === "sub-denied")
    return {
      subscriptionId: id,
      state: "Enabled",
      access: { state: "denied", error: denied("diagnosticSettings.list") },
    };
  return {
    subscriptionId: id,
    state: "Enabled",
    access: { state: "ok" },
    diagnosticSettings: { state: "ok", value: [] },
    activityLogAlerts:
      alerts === "alerts-denied"
        ? { state: "error", error: denied("activityLogAlerts.listBySubscriptionId") }
        : { state: "ok", value: alerts },
  };
}

function run(subs: Sub[]): Map<string, Finding> {
  const input: SnapshotInput = {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: AT,
    finishedAt: AT,
    complete: true,
    options: { clouds: ["azure"], retentionDays: 90, sampleDays: 7, sample: false },
    azure: { tenants: [], subscriptions: subs },
  };
  const findings = analyze(SnapshotSchema.parse(input), { retentionDays: 90, suppressions: [] }).findings;
  return new Map(
    findings
      .filter((f) => f.checkId === "azure.alert.missing" && f.resource.endsWith(`#${NSG_WRITE}`))
      .map((f) => [(f.scope.cloud === "azure" ? f.scope.subscriptionId : undefined) ?? "", f]),
  );
}

const why = (f: Finding | undefined) =>
  (f?.evidence.find((e) => e.label === "why not covered")?.value ?? []) as string[];

describe("azure.alert.missing with alerts kept in another subscription", () => {
  it("an alert in the central subscription scoped to B covers B, not the central subscription", () => {
    const f = run([sub(MON, [alert({ name: "central" })]), sub(B, [])]);
    expect(f.get(B)?.status).toBe("pass");
    expect(f.get(B)?.title).toBe(`CIS 5.2.3 ${NSG_WRITE} alerted by central (kept in subscription ${MON})`);
    const covered = f.get(B)?.evidence.find((e) => e.label === "covered by")?.value as Record<string, unknown>;
    expect(covered.keptInSubscription).toBe(MON);
    expect(f.get(MON)?.status).toBe("fail");
    expect(f.get(MON)?.title).toContain(`alert central is scoped to /subscriptions/${B}, not this subscription`);
  });

  it("a scope listing both subscriptions covers both; case and a trailing slash do not matter", () => {
    const f = run([
      sub(MON, [alert({ scopes: [`/subscriptions/${MON}`, `/SUBSCRIPTIONS/${B.toUpperCase()}/`] })]),
      sub(B, []),
    ]);
    expect(f.get(B)?.status).toBe("pass");
    expect(f.get(MON)?.status).toBe("pass");
  });

  it("a resource-group or resource scope in B covers part of B only", () => {
    const rg = `/subscriptions/${B}/resourceGroups/rg-web`;
    const f = run([
      sub(MON, [
        alert({ name: "rg", scopes: [rg] }),
        alert({ name: "nsg", scopes: [`${rg}/providers/Microsoft.Network/networkSecurityGroups/web`] }),
      ]),
      sub(B, []),
    ]);
    expect(f.get(B)?.status).toBe("fail");
    expect(why(f.get(B))).toEqual([
      `alert rg (kept in subscription ${MON}) is scoped to ${rg} only, not the whole subscription`,
      `alert nsg (kept in subscription ${MON}) is scoped to ${rg}/providers/Microsoft.Network/networkSecurityGroups/web only, not the whole subscription`,
    ]);
  });

  it("a disabled central alert, or one without action group, is not coverage and is named", () => {
    const f = run([
      sub(MON, [alert({ name: "off", enabled: false }), alert({ name: "silent", actionGroupIds: [] })]),
      sub(B, []),
    ]);
    expect(f.get(B)?.status).toBe("fail");
    expect(why(f.get(B))).toEqual([
      `alert off (kept in subscription ${MON}) is disabled`,
      `alert silent (kept in subscription ${MON}) has no action group`,
    ]);
  });

  it("alerts in a subscription the scan could not read are unknown, never coverage", () => {
    for (const state of ["alerts-denied", "sub-denied"] as const) {
      const f = run([sub(MON, state), sub(B, [])]);
      expect(f.get(B)?.status, state).toBe("fail");
      expect(why(f.get(B)).join("\n"), state).toMatch(
        new RegExp(
          `subscription ${MON}: .*\\(AuthorizationFailed\\); an alert kept there .* is unknown and not counted`,
        ),
      );
    }
  });

  it("B's own list unreadable: covered by a central alert is still a pass; otherwise unknown", () => {
    expect(run([sub(MON, [alert({})]), sub(B, "alerts-denied")]).get(B)?.status).toBe("pass");
    expect(run([sub(MON, []), sub(B, "alerts-denied")]).get(B)?.status).toBe("unknown");
  });
});

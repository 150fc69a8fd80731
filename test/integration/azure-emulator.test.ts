/**
 * The collector against a different, deliberately plain ARM emulator (not blindspot's simulator): paging links
 * built from its own http address, no origin header support, a subscription without a state, -1 table retention,
 * a 200 "empty" immutability policy, log profiles gone (404). The real SDK clients and collector must cope, fail
 * closed, and agree.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { runScan } from "../../src/scan/index.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { testScanOptions } from "../helpers/scan-options.js";

const TENANT = "44444444-4444-4444-8444-444444444444";
const subs = Array.from({ length: 7 }, (_, i) => `dddddddd-0000-4000-8000-${String(i + 1).padStart(12, "0")}`);
const WS = `/subscriptions/${subs[0]}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law`;
const SA = `/subscriptions/${subs[0]}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/starchive`;

let server: ReturnType<typeof createServer>;
let base = "";
const seen: { method: string; path: string; auth: string }[] = [];

function send(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  return true;
}

function handle(req: IncomingMessage, res: ServerResponse): true | undefined {
  const u = new URL(req.url ?? "/", base);
  seen.push({ method: req.method ?? "", path: u.pathname, auth: String(req.headers.authorization ?? "") });
  const p = u.pathname.toLowerCase();
  if (p === "/subscriptions") {
    // Pages of 3, linking with this server's own http address.
    const skip = Number(u.searchParams.get("$skiptoken") ?? 0);
    const page = subs.slice(skip, skip + 3).map((id, i) => ({
      id: `/subscriptions/${id}`,
      subscriptionId: id,
      tenantId: TENANT,
      displayName: `emu-${skip + i + 1}`,
      // The last one comes without a state: audited, not skipped.
      ...(skip + i === subs.length - 1 ? {} : { state: "Enabled" }),
    }));
    const next =
      skip + 3 < subs.length
        ? { nextLink: `${base}/subscriptions?api-version=${u.searchParams.get("api-version")}&$skiptoken=${skip + 3}` }
        : {};
    return send(res, 200, { value: page, ...next });
  }
  if (p.endsWith("/providers/microsoft.insights/diagnosticsettings")) {
    return send(res, 200, {
      value: [
        {
          id: `${p}/everything`,
          name: "everything",
          properties: {
            workspaceId: WS,
            storageAccountId: SA,
            eventHubAuthorizationRuleId: null,
            logs: [{ category: null, categoryGroup: "allLogs", enabled: true }],
          },
        },
      ],
    });
  }
  if (p.endsWith("/providers/microsoft.insights/logprofiles")) {
    return send(res, 404, { error: { code: "InvalidResourceType", message: "log profiles are retired" } });
  }
  if (p === WS.toLowerCase()) {
    return send(res, 200, {
      id: WS,
      name: "law",
      properties: {
        customerId: "eeeeeeee-0000-4000-8000-000000000001",
        sku: { name: "PerGB2018" },
        retentionInDays: 180,
      },
    });
  }
  if (p.startsWith(`${WS.toLowerCase()}/tables/`)) {
    const name = u.pathname.split("/").pop();
    return send(res, 200, { id: `${WS}/tables/${name}`, name, properties: { retentionInDays: -1, plan: "Analytics" } });
  }
  if (p === `${SA.toLowerCase()}/blobservices/default/containers/insights-activity-logs`) {
    // No hasImmutabilityPolicy flag: the collector must read the policy.
    return send(res, 200, { id: p, name: "insights-activity-logs", properties: { hasLegalHold: false } });
  }
  if (p === `${SA.toLowerCase()}/blobservices/default/containers/insights-activity-logs/immutabilitypolicies/default`) {
    return send(res, 200, {
      name: "default",
      properties: { immutabilityPeriodSinceCreationInDays: 0, state: "Deleted" },
    });
  }
  if (p === "/providers/microsoft.aadiam/diagnosticsettings") {
    return send(res, 403, { error: { code: "AuthorizationFailed", message: "no access to microsoft.aadiam" } });
  }
  return send(res, 404, { error: { code: "NotImplemented", message: `emulator has no ${req.method} ${u.pathname}` } });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const options: ScanOptions = testScanOptions({ azure: true, json: false, concurrency: 4 });

describe("against a plain ARM emulator", () => {
  it("follows http paging links, reads -1 tables and an empty policy, fails closed on the rest", async () => {
    const snapshot = await runScan(options, {
      env: { BLINDSPOT_AZURE_ENDPOINT: base },
      signal: new AbortController().signal,
      emit: () => {},
    });
    const azure = snapshot.azure!;
    expect(azure.subscriptions.map((s) => s.subscriptionId)).toEqual(subs);
    expect(seen.filter((s) => s.path === "/subscriptions")).toHaveLength(3);
    expect(seen.every((s) => s.method === "GET" && s.auth.startsWith("Bearer "))).toBe(true);
    expect(azure.subscriptions[0]?.logProfiles).toEqual({ state: "ok", value: [] });
    expect(azure.storage[0]?.immutability).toEqual({ state: "ok", value: null });

    const { findings, coverage } = analyze(snapshot, { retentionDays: 90, suppressions: [] });
    const statuses = (checkId: string) => [
      ...new Set(findings.filter((f) => f.checkId === checkId).map((f) => f.status)),
    ];
    expect(statuses("azure.activity.export-missing")).toEqual(["pass"]);
    expect(statuses("azure.activity.categories-missing")).toEqual(["pass"]);
    expect(statuses("azure.logprofile.legacy")).toEqual(["pass"]);
    expect(statuses("azure.workspace.retention-short")).toEqual(["pass"]);
    expect(statuses("azure.table.retention-short")).toEqual(["pass"]);
    expect(statuses("azure.storage.not-worm")).toEqual(["fail"]);
    expect(statuses("azure.entra.signin-export-missing")).toEqual(["unknown"]);
    expect(coverage.map((c) => c.status)).toEqual(subs.map(() => "covered"));
    expect(azure.subscriptions.at(-1)).toMatchObject({ state: "Unknown", access: { state: "ok" } });
  });
});

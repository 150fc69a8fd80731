/**
 * The apply → rescan loop for Azure. The real az CLI cannot reach the simulator (it needs a login and TLS), so a
 * stand-in `az` on PATH (test/helpers/az-standin.py) records every argv and serves `az rest` against the simulator's
 * ARM API with the real CLI's JMESPath `--query`/`--output`. The recorded calls must be exactly the script's
 * intended ones; a rescan must pass every claimed finding; a second --apply must write nothing.
 * Under CI=true a missing /usr/bin/python3 with jmespath (installed with awscli) fails; elsewhere the suite skips.
 * Detection (azure.alert.missing): the alerts notify BLINDSPOT_ACTION_GROUP_ID (the demo's existing action group) and
 * live in BLINDSPOT_ALERT_RESOURCE_GROUP; without those settings --apply stops before any call. The simulator does
 * not serve action groups, so creating one (BLINDSPOT_ALARM_EMAIL) is proven by the unit tests' recording stand-in.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { scopeKey } from "../../src/model/scope.js";
import { remediationIdsFor } from "../../src/remediate/index.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_SUBS } from "../../src/sim/scenarios/demo-azure.js";
import { readSnapshot } from "../../src/snapshot/io.js";
import { cli, tempDir } from "../helpers/cli.js";

// The demo's existing action group (the one nw-core's alerts use).
const ACTION_GROUP = `/subscriptions/${DEMO_SUBS.core}/resourceGroups/rg-security/providers/microsoft.insights/actionGroups/ag-secops`;
const ALERT_RG = "rg-security-alerts";

const run = promisify(execFile);
const STANDIN = fileURLToPath(new URL("../helpers/az-standin.py", import.meta.url));
const CI = process.env.CI === "true" || process.env.CI === "1";
function havePythonJmespath(): boolean {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import jmespath"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const HAVE = havePythonJmespath();
if (!HAVE && !CI)
  console.warn("fix-azure: skipped, /usr/bin/python3 with jmespath is missing (apt-get install awscli)");

describe("az stand-in prerequisites", () => {
  it("are installed when CI=true", () => {
    if (CI) expect(HAVE, "CI must install awscli (brings /usr/bin/python3 and python3-jmespath)").toBe(true);
  });
});

describe.skipIf(!HAVE)("fix --format bash for Azure: apply through the az stand-in, rescan", () => {
  let sim: Simulator;
  const dir = tempDir();
  const bin = join(dir, "bin");
  const log = join(dir, "az-calls.jsonl");

  beforeAll(async () => {
    sim = await startSimulator({ scenario: "demo" });
    mkdirSync(bin);
    symlinkSync(STANDIN, join(bin, "az"));
  });
  afterAll(async () => {
    await sim?.close();
  });

  const bare = (): NodeJS.ProcessEnv => ({
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: dir,
    AZ_STANDIN_LOG: log,
    AZ_STANDIN_ENDPOINT: sim.url,
  });
  const env = (): NodeJS.ProcessEnv => ({
    ...bare(),
    BLINDSPOT_ACTION_GROUP_ID: ACTION_GROUP,
    BLINDSPOT_ALERT_RESOURCE_GROUP: ALERT_RG,
  });
  const calls = (): string[][] =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as string[])
      : [];
  const method = (argv: string[]) => argv[argv.indexOf("--method") + 1];
  const url = (argv: string[]) => new URL(argv[argv.indexOf("--url") + 1]!).pathname;
  const simWrites = () => sim.calls().filter((c) => c.write).length;

  async function scan(out: string) {
    const r = await cli(["scan", "--azure", "--no-sample", "--out", out], { env: { ...sim.env }, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const snapshot = await readSnapshot(out);
    return analyze(snapshot, { retentionDays: 90, suppressions: [] });
  }

  it("makes exactly the intended calls, closes what it claims, and is idempotent", { timeout: 300_000 }, async () => {
    const before = await scan(join(dir, "before.json"));
    // Failing findings with a configuration fix (alerts, blind spots and the like are skipped with a reason).
    const failing = before.findings.filter(
      (f) => f.status === "fail" && f.cloud === "azure" && remediationIdsFor(f).length > 0,
    );
    expect(failing.length).toBeGreaterThanOrEqual(6);
    const out = join(dir, "fix");
    const fix = await cli(["fix", "--from", join(dir, "before.json"), "--out", out], { cwd: dir });
    expect(fix.code, fix.stderr).toBe(0);
    const script = join(out, "fix-azure.sh");
    const text = readFileSync(script, "utf8");
    const claimed = [...text.matchAll(/^# {3}([0-9a-f]{16}) (azure\.[a-z.-]+):/gm)].map((m) => m[1]!);
    expect(new Set(claimed)).toEqual(new Set(failing.map((f) => f.id)));

    // Dry run: nothing called.
    await run("bash", [script], { env: env() });
    expect(calls()).toEqual([]);
    // Without the alert settings, --apply refuses in one line naming them, before any call.
    const refused = await run("bash", [script, "--apply", "--allow-irreversible"], { env: bare() }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    for (const v of ["BLINDSPOT_ALERT_RESOURCE_GROUP", "BLINDSPOT_ACTION_GROUP_ID", "BLINDSPOT_ALARM_EMAIL"])
      expect(refused.stderr).toContain(v);
    expect(calls()).toEqual([]);
    const alertFindings = failing.filter((f) => f.checkId === "azure.alert.missing");
    expect(alertFindings.length).toBeGreaterThanOrEqual(10);
    const alertOf = (f: (typeof alertFindings)[number]) => {
      const sub = f.scope.cloud === "azure" ? f.scope.subscriptionId : "";
      const op = f.resource.slice(f.resource.indexOf("#") + 1);
      const id = /^CIS (5\.2\.\d+) /.exec(f.title)![1]!;
      return { sub, op, key: `${sub}|${op}`, id };
    };
    const alertPuts = alertFindings
      .map(alertOf)
      .sort((a, b) => a.key.localeCompare(b.key))
      .map(
        (a) =>
          `put /subscriptions/${a.sub}/resourceGroups/${ALERT_RG}/providers/Microsoft.Insights/activityLogAlerts/blindspot-cis-${a.id}`,
      );

    writeFileSync(log, "");
    const w0 = simWrites();
    await run("bash", [script, "--apply", "--allow-irreversible"], { env: env(), timeout: 120_000 });
    const first = calls();
    const writes = first.filter((a) => method(a) !== "get").map((a) => `${method(a)} ${url(a)}`);
    expect(writes).toEqual([
      "put /subscriptions/e8b3d5f7-2c4a-4e6b-a1d9-0b2c4d6e8f04/providers/Microsoft.Insights/diagnosticSettings/activity-admin-policy",
      "put /subscriptions/9d2e4f6a-1b3c-4d5e-8f70-2a4b6c8d0e02/providers/Microsoft.Insights/diagnosticSettings/blindspot-activity-log",
      "put /providers/microsoft.aadiam/diagnosticSettings/blindspot-signin-logs",
      "put /subscriptions/c4a7e1b9-5d2f-4a63-b8e0-7f1a3c5e9d03/resourceGroups/rg-payments-logs/providers/Microsoft.Storage/storageAccounts/stnwpaymentslogs/blobServices/default/containers/insights-activity-logs/immutabilityPolicies/default",
      "post /subscriptions/c4a7e1b9-5d2f-4a63-b8e0-7f1a3c5e9d03/resourceGroups/rg-payments-logs/providers/Microsoft.Storage/storageAccounts/stnwpaymentslogs/blobServices/default/containers/insights-activity-logs/immutabilityPolicies/default/lock",
      ...alertPuts,
      "patch /subscriptions/c4a7e1b9-5d2f-4a63-b8e0-7f1a3c5e9d03/resourceGroups/rg-payments-logs/providers/Microsoft.OperationalInsights/workspaces/law-nw-payments",
      "patch /subscriptions/c4a7e1b9-5d2f-4a63-b8e0-7f1a3c5e9d03/resourceGroups/rg-payments-logs/providers/Microsoft.OperationalInsights/workspaces/law-nw-payments/tables/AzureActivity",
    ]);
    // Every call is an `az rest` the script names, with a check (get) before each change.
    expect(first.every((a) => a[0] === "rest")).toBe(true);
    // (the alerts' URLs name the resource group as the @@BLINDSPOT_ALERT_RESOURCE_GROUP@@ placeholder)
    for (const a of first) {
      const u = a[a.indexOf("--url") + 1]!.replace(
        `/resourceGroups/${ALERT_RG}/`,
        "/resourceGroups/@@BLINDSPOT_ALERT_RESOURCE_GROUP@@/",
      );
      expect(text).toContain(`'${u}'`);
    }
    // The alert bodies: exactly the CIS 5.2 condition, the subscription as scope, the named action group.
    for (const f of alertFindings) {
      const a = alertOf(f);
      const put = first.find(
        (x) =>
          method(x) === "put" &&
          url(x).endsWith(`/blindspot-cis-${a.id}`) &&
          url(x).startsWith(`/subscriptions/${a.sub}/`),
      )!;
      expect(new URL(put[put.indexOf("--url") + 1]!).searchParams.get("api-version")).toBe("2020-10-01");
      expect(JSON.parse(put[put.indexOf("--body") + 1]!)).toEqual({
        location: "Global",
        properties: {
          scopes: [`/subscriptions/${a.sub}`],
          condition: {
            allOf: [
              { field: "category", equals: "Administrative" },
              { field: "operationName", equals: a.op },
            ],
          },
          actions: { actionGroups: [{ actionGroupId: ACTION_GROUP }] },
          enabled: true,
          description: `CIS ${a.id}: ${a.op} (blindspot)`,
        },
      });
    }
    // The new exports go to the workspace the other subscriptions already use, with the exact body.
    const diag = first.find((a) => method(a) === "put" && url(a).endsWith("/blindspot-activity-log"))!;
    const body = JSON.parse(diag[diag.indexOf("--body") + 1]!) as {
      properties: { workspaceId: string; logs: { category: string }[] };
    };
    expect(body.properties.workspaceId).toMatch(/\/providers\/Microsoft\.OperationalInsights\/workspaces\//);
    expect(body.properties.logs.map((l) => l.category)).toEqual(
      expect.arrayContaining(["Administrative", "Security", "Policy", "Alert"]),
    );
    expect(simWrites()).toBe(w0 + writes.length);

    const after = await scan(join(dir, "after.json"));
    // A claimed finding is closed when it now passes; a finding keyed by a resource that no longer fails (the legacy
    // log profile once an export exists) is closed when its check passes in the same scope.
    const stillOpen = (id: string) => {
      const was = before.findings.find((f) => f.id === id)!;
      const same = after.findings.filter(
        (f) => f.id === id || (f.checkId === was.checkId && scopeKey(f.scope) === scopeKey(was.scope)),
      );
      return same.length === 0 || same.some((f) => f.status !== "pass");
    };
    const notClosed = claimed.filter(stillOpen);
    expect(notClosed).toEqual([]);
    expect(after.findings.filter((f) => f.checkId === "azure.alert.missing" && f.status !== "pass")).toEqual([]);

    writeFileSync(log, "");
    const w1 = simWrites();
    const again = await run("bash", [script, "--apply", "--allow-irreversible"], { env: env(), timeout: 120_000 });
    expect(calls().filter((a) => method(a) !== "get")).toEqual([]);
    expect(simWrites()).toBe(w1);
    expect(again.stdout).toContain("already in place");
  });
});

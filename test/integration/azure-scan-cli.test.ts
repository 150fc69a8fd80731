/**
 * `blindspot scan --azure` through the CLI against the built-in simulator's demo estate: exactly the planted
 * Azure gaps among the configuration checks of the Azure coverage work, everything else of those checks passing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../src/model/finding.js";
import type { JsonReport } from "../../src/model/report.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_SUBS, DEMO_TENANT, demoAzurePlanted } from "../../src/sim/scenarios/demo-azure.js";
import { cli, tempDir } from "../helpers/cli.js";

/** The checks judged from configuration by the Azure coverage work (issue #5). */
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

/** `checkId scope [resource]`, with the scope written as demoAzurePlanted writes it. */
function key(f: Finding, withResource: boolean): string {
  const scope =
    f.scope.cloud === "azure" ? (f.scope.subscriptionId ?? `tenant:${f.scope.tenantId ?? ""}`) : "not-azure";
  return withResource ? `${f.checkId} ${scope} ${f.resource}` : `${f.checkId} ${scope}`;
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

describe("blindspot scan --azure against the demo", () => {
  it("--json reports exactly the demo's planted Azure configuration gaps", async () => {
    const r = await cli(["scan", "--azure", "--json"], { env: sim.env });
    expect(r.stderr.split("\n").filter((l) => l.startsWith("blindspot:"))).toEqual([]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.snapshot.options.clouds).toEqual(["azure"]);
    expect(report.snapshot.aws).toBeUndefined();
    expect(report.snapshot.options.endpoints?.BLINDSPOT_AZURE_ENDPOINT).toBe(sim.env.BLINDSPOT_AZURE_ENDPOINT);

    const mine = report.findings.filter((f) => CONFIG_CHECKS.has(f.checkId));
    const planted = demoAzurePlanted.filter((p) => CONFIG_CHECKS.has(p.checkId));
    expect(planted.length).toBeGreaterThanOrEqual(7);
    const failing = mine.filter((f) => f.status === "fail");
    expect(failing.map((f) => key(f, false)).sort()).toEqual(planted.map((p) => `${p.checkId} ${p.scope}`).sort());
    for (const p of planted.filter((x) => x.resource)) {
      expect(
        failing.map((f) => key(f, true)),
        p.note,
      ).toContain(`${p.checkId} ${p.scope} ${p.resource}`);
    }
    // Nothing of these checks is unverifiable in the demo, and what is fine is evidence too.
    expect(mine.filter((f) => f.status === "unknown")).toEqual([]);
    expect(mine.filter((f) => f.status === "pass").length).toBeGreaterThan(10);
    // Every failing finding carries evidence with the API source.
    for (const f of failing)
      expect(
        f.evidence.some((e) => e.source?.startsWith("arm:")),
        f.title,
      ).toBe(true);

    const cells = Object.fromEntries(
      report.coverage
        .filter((c) => c.scope.cloud === "azure")
        .map((c) => [c.scope.cloud === "azure" ? c.scope.subscriptionId : "", c.status]),
    );
    expect(cells).toEqual({
      [DEMO_SUBS.core]: "covered",
      [DEMO_SUBS.sandbox]: "uncovered",
      [DEMO_SUBS.payments]: "partial",
      [DEMO_SUBS.analytics]: "partial",
    });
    expect(report.snapshot.azure?.tenants.map((t) => t.tenantId)).toEqual([DEMO_TENANT]);

    // Progress goes to stderr as JSON lines.
    const events = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { type: string; unit?: string; done?: number; total?: number });
    expect(events.filter((e) => e.type === "progress" && e.unit === "subscriptions").at(-1)).toMatchObject({
      done: 4,
      total: 4,
    });
  });

  it("--out writes the same report to a file and a summary to stdout", async () => {
    const dir = tempDir();
    const out = join(dir, "azure.json");
    const r = await cli(["scan", "--azure", "--out", out], { env: sim.env, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("4 Azure subscription(s)");
    const report = JSON.parse(readFileSync(out, "utf8")) as JsonReport;
    expect(report.findings.some((f) => f.checkId === "azure.activity.export-missing" && f.status === "fail")).toBe(
      true,
    );
  });

  it("--subscriptions limits the scan; --fail-on critical exits 3 on the missing export", async () => {
    const r = await cli(["scan", "--azure", "--json", "--subscriptions", DEMO_SUBS.sandbox, "--fail-on", "critical"], {
      env: sim.env,
    });
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.snapshot.azure?.subscriptions.map((s) => s.subscriptionId)).toEqual([DEMO_SUBS.sandbox]);
  });

  it("--aws --azure (and no cloud flag) give one snapshot with both clouds", async () => {
    for (const args of [
      ["scan", "--aws", "--azure", "--json", "--no-sample"],
      ["scan", "--json", "--no-sample"],
    ]) {
      const r = await cli(args, { env: sim.env });
      expect(r.code, args.join(" ")).toBe(0);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.snapshot.options.clouds).toEqual(["aws", "azure"]);
      expect(report.snapshot.aws?.accounts.length).toBeGreaterThan(0);
      expect(report.snapshot.azure?.subscriptions).toHaveLength(4);
      const failing = report.findings
        .filter((f) => CONFIG_CHECKS.has(f.checkId) && f.status === "fail")
        .map((f) => key(f, false))
        .sort();
      expect(failing).toEqual(
        demoAzurePlanted
          .filter((p) => CONFIG_CHECKS.has(p.checkId))
          .map((p) => `${p.checkId} ${p.scope}`)
          .sort(),
      );
    }
  }, 60_000);
});

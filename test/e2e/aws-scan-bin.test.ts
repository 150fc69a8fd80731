/**
 * The built CLI (`node bin/blindspot.js scan --aws --org --no-sample --json`) in a child process with nothing but the
 * simulator's environment: the AWS side takes region, credentials and endpoint from that environment only, and
 * reports the demo's planted AWS configuration gaps.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { demoAwsPlanted } from "../../src/sim/scenarios/demo-aws.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OTHER_ISSUES = /^aws\.(siem\.|tamper\.|alert\.)|^aws\.logs\.retention-unproven$/;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

describe("blindspot scan --aws (built CLI) against the demo simulator", () => {
  it("reports the planted AWS configuration gaps and exits 3 with --fail-on critical", async () => {
    expect(existsSync(join(ROOT, "dist/src/cli/main.js")), "build first: npm run build (npm run test:e2e does)").toBe(
      true,
    );
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: mkdtempSync(join(tmpdir(), "bs-aws-bin-")),
      ...sim.env,
    };
    const args = [join(ROOT, "bin/blindspot.js"), "scan", "--aws", "--org", "--no-sample", "--json"];
    const { stdout } = await run(process.execPath, args, { env, maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(stdout) as {
      findings: { checkId: string; status: string; scope: { accountId?: string }; resource: string }[];
    };
    const failing = report.findings
      .filter((f) => f.status === "fail" && f.checkId.startsWith("aws.") && !OTHER_ISSUES.test(f.checkId))
      .map((f) => `${f.checkId} ${f.scope.accountId}`)
      .sort();
    const planted = demoAwsPlanted
      .filter((p) => !OTHER_ISSUES.test(p.checkId))
      .map((p) => `${p.checkId} ${p.account}`)
      .sort();
    expect(failing).toEqual(planted);
    // aws.trail.region-uncovered is critical: --fail-on critical exits 3.
    const gated = await run(process.execPath, [...args.slice(0, -1), "--fail-on", "critical"], { env }).then(
      () => 0,
      (e: { code?: number }) => e.code,
    );
    expect(gated).toBe(3);
  });
});

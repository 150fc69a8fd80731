/**
 * Fault injection: the demo estate with 10% 5xx, throttling, 2 member accounts denied, 1 region unreachable, a
 * subscription answering 403 and an unreadable trail destination. The scan completes, every affected cell is
 * `unknown` (never covered, never pass), the snapshot says why, nothing crashes. And cancellation mid-scan gives a
 * partial snapshot marked incomplete.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import type { JsonReport } from "../../src/model/report.js";
import { runScan } from "../../src/scan/index.js";
import type { ScanOptions } from "../../src/scan/options.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_SUBS } from "../../src/sim/scenarios/demo-azure.js";
import { cli } from "../helpers/cli.js";
import { startProxy, type TestProxy } from "../helpers/proxy.js";

const MGMT = "111122223333";
const DENIED = ["777788889999", "210987654321"];
const PROD = "444455556666";
const DEAD_REGION = "eu-west-3";
const ORG_BUCKET = "acme-org-cloudtrail-111122223333";

let sim: Simulator;
let proxy: TestProxy;
let env: Record<string, string>;

/**
 * A front for the simulator that resets every connection signed for DEAD_REGION (the SigV4 credential scope names
 * the region): the region is unreachable, as a region whose endpoint times out or is blocked.
 */
function startRegionBlackhole(target: string): Promise<TestProxy> {
  return startProxy(target, (req) =>
    (req.headers.authorization ?? "").includes(`/${DEAD_REGION}/`) ? "drop" : undefined,
  );
}

beforeAll(async () => {
  sim = await startSimulator({
    scenario: "demo",
    faults: {
      serverErrorRate: 0.1,
      throttleRate: 0.08,
      seed: 7,
      deny: [
        ...DENIED.map((account) => ({ account })),
        { cloud: "azure" as const, subscription: DEMO_SUBS.payments },
        { service: "s3", account: MGMT },
      ],
    },
  });
  proxy = await startRegionBlackhole(sim.url);
  const url = proxy.url;
  env = { ...sim.env, AWS_ENDPOINT_URL: url, BLINDSPOT_AZURE_ENDPOINT: url };
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

describe("fault injection", () => {
  it("completes; every affected cell is unknown with the reason in the snapshot", async () => {
    const r = await cli(["scan", "--aws", "--azure", "--org", "--no-sample", "--json"], { env });
    expect(r.stderr).not.toMatch(/internal error|ReadOnlyViolation/);
    expect(
      r.code,
      r.stderr
        .split("\n")
        .filter((l) => l.startsWith("blindspot:"))
        .join("\n"),
    ).toBe(0);
    const { snapshot, findings, coverage } = JSON.parse(r.stdout) as JsonReport;
    const faults = sim.calls().filter((c) => c.fault);
    expect(faults.some((c) => c.fault === "server-error")).toBe(true);
    expect(faults.some((c) => c.fault === "throttle")).toBe(true);
    // The retries and throttles were reported as ScanEvents.
    expect(r.stderr).toMatch(/"type":"(retry|throttled)"/);

    const aws = snapshot.aws!;
    // 2 denied member accounts: the denials recorded; their cells unknown; no pass about them.
    for (const id of DENIED) {
      const a = aws.accounts.find((x) => x.accountId === id)!;
      // The role could be assumed, but every call inside the account is refused: the errors are the facts.
      expect(JSON.stringify(a), `${id} ${JSON.stringify(a.access)}`).toMatch(/"kind":"denied"/);
      expect(
        a.regions.filter((x) => x.scanned && !x.error),
        id,
      ).toEqual([]);
      const cells = coverage.filter((c) => c.scope.cloud === "aws" && c.scope.accountId === id);
      expect(cells.length).toBeGreaterThan(10);
      for (const c of cells) expect(c.status, `${id} ${JSON.stringify(c.scope)}`).toBe("unknown");
      // "Account X scanned" (the role was assumed) is a true fact; nothing inside the account may pass.
      const passes = findings.filter(
        (f) =>
          f.scope.cloud === "aws" &&
          f.scope.accountId === id &&
          f.status === "pass" &&
          f.checkId !== "aws.org.account-unscanned",
      );
      expect(passes.map((f) => `${f.checkId} ${f.resource}`)).toEqual([]);
    }

    // The unreachable region: an error fact in every entered account, the cells unknown, no pass for them.
    for (const a of aws.accounts.filter((x) => x.access.state === "ok")) {
      const reg = a.regions.find((x) => x.name === DEAD_REGION);
      expect(reg, `${a.accountId} ${DEAD_REGION}`).toBeDefined();
      expect(reg!.error, `${a.accountId} ${DEAD_REGION} error`).toBeDefined();
      const cell = coverage.find(
        (c) => c.scope.cloud === "aws" && c.scope.accountId === a.accountId && c.scope.region === DEAD_REGION,
      );
      expect(cell?.status, `${a.accountId} ${DEAD_REGION}`).toBe("unknown");
      expect(cell?.reasons.length).toBeGreaterThan(0);
      const passes = findings.filter(
        (f) =>
          f.scope.cloud === "aws" &&
          f.scope.accountId === a.accountId &&
          f.scope.region === DEAD_REGION &&
          f.status === "pass",
      );
      expect(passes.map((f) => f.checkId)).toEqual([]);
    }
    // The one member that is not denied: normally entered; injected 5xx/throttles can exhaust AssumeRole's retries,
    // and then it must be unscanned with its reason (fail closed), never dropped or counted as covered.
    const prod = aws.accounts.find((a) => a.accountId === PROD);
    expect(prod, "the member account is in the snapshot").toBeDefined();
    if (prod!.access.state !== "ok") {
      expect(prod!.access.state).toBe("error");
      const unscanned = findings.filter(
        (f) => f.checkId === "aws.org.account-unscanned" && f.scope.cloud === "aws" && f.scope.accountId === PROD,
      );
      expect(unscanned.map((f) => f.status)).toEqual(["fail"]);
    }

    // The unreadable destination: its facts are errors, its findings unknown, never pass.
    const bucketFindings = findings.filter((f) => f.resource === ORG_BUCKET);
    expect(bucketFindings.length).toBeGreaterThan(0);
    for (const f of bucketFindings) expect(f.status, f.checkId).not.toBe("pass");
    expect(bucketFindings.some((f) => f.status === "unknown")).toBe(true);

    // The subscription answering 403: access error recorded, its cell unknown, no pass.
    const sub = snapshot.azure!.subscriptions.find((s) => s.subscriptionId === DEMO_SUBS.payments)!;
    expect(JSON.stringify(sub)).toMatch(/AuthorizationFailed|denied/);
    const subCell = coverage.find((c) => c.scope.cloud === "azure" && c.scope.subscriptionId === DEMO_SUBS.payments);
    expect(subCell?.status).toBe("unknown");
    expect(
      findings.filter(
        (f) => f.scope.cloud === "azure" && f.scope.subscriptionId === DEMO_SUBS.payments && f.status === "pass",
      ),
    ).toEqual([]);

    // Whatever else the random 5xx/throttling broke: an unknown cell always says why.
    for (const c of coverage.filter((x) => x.status === "unknown")) expect(c.reasons.length).toBeGreaterThan(0);
  }, 180_000);

  it("cancelled mid-scan: a partial snapshot marked incomplete, analysable", async () => {
    const options: ScanOptions = {
      aws: true,
      azure: true,
      cloudsExplicit: true,
      org: true,
      roleName: "OrganizationAccountAccessRole",
      retentionDays: 90,
      sampleDays: 7,
      sample: true,
      sampleMax: 200,
      json: true,
      concurrency: 4,
    };
    const controller = new AbortController();
    let calls = 0;
    const snapshot = await runScan(options, {
      env: sim.env,
      signal: controller.signal,
      emit: (e) => {
        if (e.type === "api-call" && ++calls === 40) controller.abort();
      },
    });
    expect(controller.signal.aborted).toBe(true);
    expect(snapshot.complete).toBe(false);
    const analysis = analyze(snapshot, { retentionDays: 90, suppressions: [] });
    expect(analysis.coverage.some((c) => c.status === "unknown")).toBe(true);
  }, 60_000);
});

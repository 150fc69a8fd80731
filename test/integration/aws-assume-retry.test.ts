/**
 * AssumeRole into a member account is the one call a whole account depends on: throttling or 5xx that outlasts the
 * SDK's own attempts is tried again in rounds, and an account STS keeps refusing is recorded as not entered (its
 * cells unknown), never as scanned.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ASSUME_ROLE_ROUNDS } from "../../src/collect/aws/org.js";
import type { ScanEvent } from "../../src/model/events.js";
import { runScan } from "../../src/scan/index.js";
import { generateScenario, type Simulator, startSimulator } from "../../src/sim/index.js";
import { maxInFlight } from "../helpers/in-flight.js";
import { startProxy, type TestProxy } from "../helpers/proxy.js";
import { testScanOptions } from "../helpers/scan-options.js";

const scenario = generateScenario({ accounts: 4, subscriptions: 0, seed: 3 });
const members = (scenario.aws?.accounts ?? []).map((a) => a.id).filter((id) => id !== "100000000000");
/** Throttled on its first 4 AssumeRole requests (one more than the SDK's 3 attempts). */
const SLOW = members[0]!;
/** Throttled on every AssumeRole request. */
const NEVER = members[1]!;

const THROTTLE_XML =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
  "<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>";

let sim: Simulator;
let proxy: TestProxy;
const assumeRequests = new Map<string, number>();

beforeAll(async () => {
  sim = await startSimulator({ scenario });
  proxy = await startProxy(sim.url, (_req, body) => {
    const text = decodeURIComponent(body.toString("utf8"));
    const account = /Action=AssumeRole&.*RoleArn=arn:aws:iam::(\d{12}):role/.exec(text)?.[1];
    if (!account) return undefined;
    const n = (assumeRequests.get(account) ?? 0) + 1;
    assumeRequests.set(account, n);
    if ((account === SLOW && n <= 4) || account === NEVER) {
      return { status: 400, headers: { "content-type": "text/xml" }, body: THROTTLE_XML };
    }
    return undefined;
  });
});

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
});

describe("AssumeRole under throttling", () => {
  it("an account throttled past the SDK's attempts is still entered; one STS always throttles is not, and says why", async () => {
    const events: ScanEvent[] = [];
    const snapshot = await runScan(testScanOptions({ aws: true, org: true, json: false }), {
      env: { ...sim.env, AWS_ENDPOINT_URL: proxy.url },
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });
    const accounts = snapshot.aws?.accounts ?? [];
    expect(accounts.length).toBe(4);

    const slow = accounts.find((a) => a.accountId === SLOW)!;
    expect(slow.access.state).toBe("ok");
    expect(assumeRequests.get(SLOW)).toBe(5);
    expect(slow.regions.filter((r) => r.scanned && !r.error).length).toBeGreaterThan(10);

    const never = accounts.find((a) => a.accountId === NEVER)!;
    expect(never.access.state).toBe("error");
    expect(JSON.stringify(never.access)).toMatch(/"kind":"throttled"/);
    // Every round is the SDK's 3 attempts.
    expect(assumeRequests.get(NEVER)).toBe(ASSUME_ROLE_ROUNDS * 3);
    expect(never.regions.length).toBeGreaterThan(10);
    expect(never.regions.every((r) => !r.scanned)).toBe(true);
    const rounds = events.filter(
      (e) =>
        e.type === "retry" &&
        e.operation === "AssumeRole" &&
        e.scope?.cloud === "aws" &&
        e.scope.accountId === NEVER &&
        e.service === "sts",
    );
    // The SDK's retries (2 per round) and the rounds after the first (ASSUME_ROLE_ROUNDS - 1) are reported.
    expect(rounds.length).toBeGreaterThanOrEqual(ASSUME_ROLE_ROUNDS - 1);
    // The other members were never throttled and are entered.
    for (const a of accounts.filter((x) => x.accountId !== NEVER)) expect(a.access.state, a.accountId).toBe("ok");
  }, 60_000);
});

describe("AssumeRole after a throttle elsewhere in STS", () => {
  const wide = generateScenario({ accounts: 24, subscriptions: 0, seed: 6 });
  let wideSim: Simulator;
  let front: TestProxy;
  let identityCalls = 0;
  beforeAll(async () => {
    wideSim = await startSimulator({ scenario: wide, faults: { latencyMs: 40 } });
    // The scan's first request, GetCallerIdentity on the caller's STS client, is throttled once.
    front = await startProxy(wideSim.url, (_req, body) => {
      if (!body.toString("utf8").includes("Action=GetCallerIdentity")) return undefined;
      identityCalls++;
      return identityCalls === 1
        ? { status: 400, headers: { "content-type": "text/xml" }, body: THROTTLE_XML }
        : undefined;
    });
  });
  afterAll(async () => {
    await front?.close();
    await wideSim?.close();
  });

  it("does not pace the member roles: they are assumed side by side, not one per 200 ms", async () => {
    wideSim.clearCalls();
    const snapshot = await runScan(testScanOptions({ aws: true, org: true, json: false, concurrency: 16 }), {
      env: { ...wideSim.env, AWS_ENDPOINT_URL: front.url },
      signal: new AbortController().signal,
      emit: () => {},
    });
    expect(identityCalls).toBe(2);
    expect(snapshot.aws!.accounts.every((a) => a.access.state === "ok")).toBe(true);
    // AssumeRole requests the simulator was answering at the same moment. The adaptive retry strategy's client-side
    // limiter, engaged by the throttle on the shared STS client, would let one through every 200 ms (its 5/s floor):
    // never two at once with 40 ms of latency.
    const assumed = wideSim.calls().filter((x) => x.operation === "AssumeRole");
    expect(assumed.length).toBe(23);
    const most = maxInFlight(assumed);
    expect(most).toBeGreaterThanOrEqual(4);
  }, 60_000);
});

/**
 * When an account's SIEM probes may start (src/collect/sampling): a region whose trails deliver to log groups is probed
 * as soon as the groups' account is entered, while the scan is still going (`ready` pending); a bucket's region waits
 * for `ready` (a bucket's owner is known only once every account is scanned); a `--siem-export` waits for nothing.
 * Real SDK clients against the simulator; the waits are the scan's promises, resolved by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsClients } from "../../src/collect/aws/clients.js";
import { collectAws } from "../../src/collect/aws/index.js";
import { type AwsSamplingClients, sampleAwsAccount } from "../../src/collect/sampling/aws.js";
import { startAwsSampling } from "../../src/collect/sampling/index.js";
import { parseSiemExport } from "../../src/collect/sampling/siem-export.js";
import type { AwsAccount, Trail } from "../../src/model/snapshot-aws.js";
import type { CollectContext } from "../../src/scan/context.js";
import { Limiter } from "../../src/scan/limit.js";
import { LOOKUP_EVENTS_LIMIT, TokenBuckets } from "../../src/scan/token-bucket.js";
import { generateScenario, type Simulator, startSimulator } from "../../src/sim/index.js";
import { testScanOptions } from "../helpers/scan-options.js";
import { A, B, clients, DAY, readTrails, SECRET, scenario } from "../helpers/siem-aws-scenario.js";

const MGMT = "100000000000";
const creds = (account: string) => ({ accessKeyId: `AKIASIM${account}X`, secretAccessKey: SECRET });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sim: Simulator;
let trailsA: Trail[];
let trailsB: Trail[];

beforeAll(async () => {
  sim = await startSimulator({ scenario });
  trailsA = await readTrails(sim.url, A);
  trailsB = await readTrails(sim.url, B);
});

afterAll(async () => {
  await sim?.close();
});

/** Resolves once the simulator has seen no LookupEvents for `quietMs` (the event history is read). */
async function quiet(on: Simulator = sim, quietMs = 1500): Promise<void> {
  let last = -1;
  for (;;) {
    const n = on.calls().filter((c) => c.operation === "LookupEvents").length;
    if (n > 0 && n === last) return;
    last = n;
    await sleep(quietMs);
  }
}

const probeOps = new Set(["StartQuery", "GetQueryResults", "FilterLogEvents", "ListObjectsV2", "GetObject"]);
const probes = () => sim.calls().filter((c) => probeOps.has(c.operation));

function input(account: string, trails: Trail[], regions: string[]) {
  const end = new Date();
  return {
    accountId: account,
    regions,
    trails,
    window: { start: new Date(end.getTime() - 3 * DAY), end },
    sampleMax: 20,
    buckets: new TokenBuckets(LOOKUP_EVENTS_LIMIT),
    pollMs: 50,
    retentionProof: false,
  };
}

describe("when SIEM probes start during a scan", () => {
  it("a region delivering to log groups is probed once the groups' account is entered, before the scan is ready", async () => {
    sim.clearCalls();
    const entered = deferred();
    const ready = deferred();
    const asked: string[] = [];
    const base = clients(sim.url, A);
    const viaA: AwsSamplingClients = {
      ...base,
      logs: (id, region) => {
        asked.push(id);
        return base.logs(id, region);
      },
    };
    let regionsDone = 0;
    let historyRead = false;
    let finished = false;
    const run = sampleAwsAccount({
      ...input(A, trailsA, ["us-east-1", "eu-west-1"]),
      clients: viaA,
      ready: ready.promise,
      accountReady: (id) => (id === A ? entered.promise : ready.promise),
      onRegionDone: () => {
        regionsDone++;
      },
      onHistoryRead: () => {
        historyRead = true;
      },
    }).then((r) => {
      finished = true;
      return r;
    });
    await quiet();
    // The history is read (the account gives up its place); the groups' account is not entered yet: nothing is probed.
    expect(historyRead).toBe(true);
    expect(asked).toEqual([]);
    expect(probes()).toEqual([]);
    entered.resolve();
    // Probes now start although the scan is not ready: a partial Insights query waits for `ready` (queries are merged
    // across account-regions), so the lookups are queued, not lost.
    for (let i = 0; i < 100 && asked.length === 0; i++) await sleep(20);
    expect(new Set(asked)).toEqual(new Set([A]));
    // At most 2 regions x 3 classes x 20 ids: less than one full query, so none starts before `ready`.
    await sleep(300);
    expect(probes()).toEqual([]);
    expect(regionsDone).toBe(0);
    expect(finished).toBe(false);
    ready.resolve();
    const r = await run;
    expect(regionsDone).toBe(2);
    expect(probes().filter((c) => c.operation === "StartQuery").length).toBeGreaterThan(0);
    const samples = r.samples.filter((s) => s.region === "us-east-1" || s.region === "eu-west-1");
    expect(samples.length).toBe(6);
    for (const s of samples) {
      expect(s.state).toBe("ok");
      expect(s.destination).toEqual({ kind: "cloudwatch-logs", id: expect.stringContaining(":log-group:/alpha/siem") });
    }
  }, 120_000);

  it("a region delivering only to a bucket waits for the scan to be ready, whatever accounts are entered", async () => {
    sim.clearCalls();
    const ready = deferred();
    let regionsDone = 0;
    let historyRead = false;
    const run = sampleAwsAccount({
      ...input(B, trailsB, ["us-east-1"]),
      clients: clients(sim.url, B),
      ready: ready.promise,
      accountReady: () => Promise.resolve(),
      onRegionDone: () => {
        regionsDone++;
      },
      onHistoryRead: () => {
        historyRead = true;
      },
    });
    await quiet();
    expect(historyRead).toBe(true);
    expect(probes()).toEqual([]);
    expect(regionsDone).toBe(0);
    ready.resolve();
    const r = await run;
    expect(regionsDone).toBe(1);
    expect(probes().some((c) => c.operation === "ListObjectsV2")).toBe(true);
    expect(r.samples.every((s) => s.state === "ok" && s.destination?.kind === "s3")).toBe(true);
  }, 120_000);

  it("with a --siem-export nothing waits: every region is done before the scan is ready", async () => {
    sim.clearCalls();
    const ready = deferred();
    let regionsDone = 0;
    const run = sampleAwsAccount({
      ...input(B, trailsB, ["us-east-1"]),
      clients: clients(sim.url, B),
      ready: ready.promise,
      accountReady: () => ready.promise,
      siemExport: parseSiemExport("_time,eventID\n2026-11-01,none\n", "export.csv"),
      onRegionDone: () => {
        regionsDone++;
      },
    });
    for (let i = 0; i < 600 && regionsDone === 0; i++) await sleep(50);
    expect(regionsDone).toBe(1);
    expect(probes()).toEqual([]);
    ready.resolve();
    const r = await run;
    expect(r.samples.every((s) => s.state === "ok" && s.destination?.kind === "siem-export")).toBe(true);
  }, 120_000);
});

describe("the scan's sampling pipeline", () => {
  let gen: Simulator;
  beforeAll(async () => {
    gen = await startSimulator({ scenario: generateScenario({ accounts: 12, subscriptions: 0, seed: 9 }) });
  });
  afterAll(async () => {
    await gen?.close();
  });

  /** The generated estate's 12 accounts, scanned (no sampling) and entered with their own clients; --concurrency 1. */
  async function enterAll() {
    // --concurrency 1: 8 accounts are sampled at once.
    const options = testScanOptions({ aws: true, org: true, sample: false, sampleDays: 1, concurrency: 1 });
    const ctx: CollectContext = {
      options,
      env: { ...process.env, ...gen.env },
      signal: new AbortController().signal,
      emit: () => {},
      now: () => new Date(),
      limiter: new Limiter(4),
    };
    const part = (await collectAws(ctx))!;
    const ok = part.accounts.filter((a) => a.access.state === "ok");
    expect(ok.length).toBe(12);
    const conn = { env: ctx.env, endpointUrl: gen.url, defaultRegion: "us-east-1" };
    const entered = new Map(
      ok.map((a) => [a.accountId, { account: a, clients: new AwsClients(conn, async () => creds(a.accountId)) }]),
    );
    gen.clearCalls();
    const pipeline = (await startAwsSampling({ ...ctx, options: { ...options, sample: true } }, entered))!;
    return { ok, entered, pipeline };
  }

  function expectSampled(ok: AwsAccount[]): void {
    for (const a of ok) {
      const regions = a.regions.filter((r) => r.scanned && !r.error && r.optInStatus !== "not-opted-in").length;
      expect(a.samples.length).toBe(regions * 3);
      expect(a.samples.every((s) => s.state === "ok")).toBe(true);
    }
  }

  it("an account waiting for the scan to finish holds no place: every account's history is read before finish", async () => {
    const { ok, entered, pipeline } = await enterAll();
    for (const id of entered.keys()) pipeline.add(id);
    await quiet(gen);
    const sampledAccounts = new Set(
      gen
        .calls()
        .filter((c) => c.operation === "LookupEvents")
        .map((c) => c.account),
    );
    expect(sampledAccounts.size).toBe(12);
    // Bounded memory: an account waiting for the scan's end keeps no CloudTrail client (one per region otherwise).
    for (const { clients } of entered.values()) {
      const cached = [...(clients as unknown as { cache: Map<string, unknown> }).cache.keys()];
      expect(cached.filter((k) => k.startsWith("ct/"))).toEqual([]);
    }
    await pipeline.finish();
    expectSampled(ok);
    for (const e of entered.values()) e.clients.destroy();
  }, 120_000);

  it("the last partial Insights queries wait for every account's history, then carry every remaining id", async () => {
    const { ok, entered, pipeline } = await enterAll();
    for (const id of entered.keys()) pipeline.add(id);
    // Every account is entered and the destinations are read at once; most histories are still to be read.
    await pipeline.finish();
    expectSampled(ok);
    const calls = gen.calls();
    const lastLookup = Math.max(...calls.filter((c) => c.operation === "LookupEvents").map((c) => Date.parse(c.time)));
    const queries = calls.filter((c) => c.operation === "StartQuery" && c.account === MGMT);
    // The organization trail's group holds fewer than 200 of the sampled ids: no full query, so none before the last
    // history page, and the retention proof plus one query with every id.
    expect(queries.length).toBeGreaterThan(0);
    // (A request's start is inferred from the log's whole-ms time and rounded latency: up to 2 ms early.)
    for (const q of queries) expect(Date.parse(q.time) - q.latencyMs).toBeGreaterThanOrEqual(lastLookup - 2);
    expect(queries.length).toBeLessThanOrEqual(2);
    for (const e of entered.values()) e.clients.destroy();
  }, 120_000);
});

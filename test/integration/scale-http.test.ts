/**
 * The scan's HTTP layer (src/collect/aws/http.ts, AzureClients' shared HttpClient): the global concurrency bound
 * applies per request on the wire, a request waiting out a throttle holds no slot, sockets are shared across clients,
 * SDK settings are resolved once, and sampled event ids are looked up in a central log group with merged queries.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeTrailsCommand } from "@aws-sdk/client-cloudtrail";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AwsClients } from "../../src/collect/aws/clients.js";
import { resolveSdkSettings, SharedHttpHandler } from "../../src/collect/aws/http.js";
import { insightsBatcher, type SampleAwsAccountInput } from "../../src/collect/sampling/aws.js";
import { runScan } from "../../src/scan/index.js";
import { Limiter } from "../../src/scan/limit.js";
import { type CallLogEntry, generateScenario, type Simulator, startSimulator } from "../../src/sim/index.js";
import { testScanOptions } from "../helpers/scan-options.js";

const creds = async () => ({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" });

describe("global concurrency per HTTP request", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({ accounts: 6, subscriptions: 4, seed: 2 }),
      faults: { latencyMs: 15, jitterMs: 5, seed: 2 },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("a scan of both clouds with --concurrency 3 never has more than 3 requests at the simulator at once", async () => {
    sim.clearCalls();
    const snapshot = await runScan(
      testScanOptions({ aws: true, azure: true, org: true, sampleDays: 1, sampleMax: 50, json: false, concurrency: 3 }),
      {
        env: sim.env,
        signal: new AbortController().signal,
        emit: () => {},
      },
    );
    expect(snapshot.complete).toBe(true);
    expect(snapshot.aws?.accounts.length).toBe(6);
    expect(snapshot.azure?.subscriptions.length).toBe(4);
    const calls = sim.calls();
    expect(calls.filter((c) => c.cloud === "aws").length).toBeGreaterThan(100);
    expect(calls.filter((c) => c.cloud === "azure").length).toBeGreaterThan(10);
    // Counted by the simulator as its handlers start and finish: a handler finishes when its answer is handed to the
    // socket, before the client can have read it and sent its next request.
    const peak = sim.peakInFlight();
    expect(peak).toBeLessThanOrEqual(3);
    // And the bound is used: requests did overlap.
    expect(peak).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

/** A CloudTrail-shaped JSON server: counts connections, throttles the first request signed for `throttleRegion`. */
interface FakeCloudTrail {
  url: string;
  connections: number;
  arrivals: { region: string; at: number }[];
  close(): Promise<void>;
}

async function fakeCloudTrail(throttleRegion?: string): Promise<FakeCloudTrail> {
  let throttled = false;
  const state: FakeCloudTrail = { url: "", connections: 0, arrivals: [], close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "?";
      state.arrivals.push({ region, at: Date.now() });
      res.setHeader("content-type", "application/x-amz-json-1.1");
      if (region === throttleRegion && !throttled) {
        throttled = true;
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }));
        return;
      }
      res.end(JSON.stringify({ trailList: [] }));
    });
  });
  server.on("connection", () => state.connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

describe("the shared AWS HTTP handler", () => {
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const x of open.splice(0)) await x.close();
  });

  async function setup(concurrency: number, throttleRegion?: string) {
    const server = await fakeCloudTrail(throttleRegion);
    const http = new SharedHttpHandler(new Limiter(concurrency), 50);
    open.push(server, http);
    const sdk = await resolveSdkSettings("us-east-1", creds, http, undefined);
    const conn = { env: {}, endpointUrl: server.url, defaultRegion: "us-east-1", http, sdk };
    return { server, conn };
  }

  it("a request waiting out a throttle holds no slot: others go through during its backoff", async () => {
    const { server, conn } = await setup(1, "eu-west-1");
    const a = new AwsClients(conn, creds);
    const b = new AwsClients(conn, creds);
    const slow = a.cloudtrail("eu-west-1").send(new DescribeTrailsCommand({}));
    // Let the first attempt reach the server and be throttled.
    while (server.arrivals.length === 0) await new Promise((r) => setTimeout(r, 2));
    for (let i = 0; i < 5; i++) await b.cloudtrail("us-east-1").send(new DescribeTrailsCommand({}));
    await slow;
    const order = server.arrivals.map((x) => x.region);
    expect(order[0]).toBe("eu-west-1");
    // The retry came after all of b's calls: with one slot, b could only run while a was not holding it.
    expect(order.slice(1, 6)).toEqual(Array(5).fill("us-east-1"));
    expect(order[6]).toBe("eu-west-1");
  });

  it("clients of many identities and regions share keep-alive sockets", async () => {
    const { server, conn } = await setup(4);
    const identities = Array.from({ length: 10 }, () => new AwsClients(conn, creds));
    const regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "sa-east-1"];
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        identities.flatMap((c) => regions.map((r) => c.cloudtrail(r).send(new DescribeTrailsCommand({})))),
      );
    }
    expect(server.arrivals.length).toBe(150);
    // 50 clients, 150 requests, at most 4 on the wire at once: a handful of sockets, not one per client.
    expect(server.connections).toBeLessThanOrEqual(8);
    for (const c of identities) c.destroy(); // a client's destroy leaves the shared sockets alone
    await identities[0]!.cloudtrail("us-east-1").send(new DescribeTrailsCommand({}));
    expect(server.arrivals.length).toBe(151);
  });

  it("settings are resolved once through the SDK's own chain (AWS_MAX_ATTEMPTS is honoured)", async () => {
    const saved = process.env.AWS_MAX_ATTEMPTS;
    process.env.AWS_MAX_ATTEMPTS = "7";
    try {
      const http = new SharedHttpHandler(new Limiter(1), 1);
      open.push(http);
      const sdk = await resolveSdkSettings("us-east-1", creds, http, undefined);
      expect(sdk.maxAttempts).toBe(7);
      expect(await sdk.common.maxAttempts()).toBe(7);
      const explicit = await resolveSdkSettings("us-east-1", creds, http, 2);
      expect(explicit.maxAttempts).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.AWS_MAX_ATTEMPTS;
      else process.env.AWS_MAX_ATTEMPTS = saved;
    }
  });
});

describe("Insights lookups of sampled event ids are merged per log group", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: generateScenario({ accounts: 6, subscriptions: 0, seed: 4 }) });
  });
  afterAll(async () => {
    await sim.close();
  });
  /** CloudWatch Logs of the management account, which holds the organization trail's central group. */
  const mgmtLogs = () =>
    new CloudWatchLogsClient({
      region: "us-east-1",
      endpoint: sim.url,
      credentials: async () => ({ accessKeyId: "AKIA100000000000", secretAccessKey: "x" }),
    });

  it("30 concurrent lookups of 10 ids need 2 queries (200 ids each at most), and each gets exactly its own found ids", async () => {
    const client = mgmtLogs();
    // Real event ids from the organization trail's central group.
    const real: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new FilterLogEventsCommand({ logGroupName: "org-cloudtrail", nextToken: token }));
      for (const e of page.events ?? []) {
        const id = (JSON.parse(e.message ?? "{}") as { eventID?: string }).eventID;
        if (id) real.push(id);
      }
      token = page.nextToken;
    } while (token && real.length < 150);
    expect(real.length).toBeGreaterThanOrEqual(150);
    sim.clearCalls();
    const input = { pollMs: 20, signal: new AbortController().signal } as unknown as SampleAwsAccountInput;
    const end = Date.now() + 60_000;
    const start = end - 30 * 86_400_000;
    const lookups = Array.from({ length: 30 }, (_, i) => {
      const mine = real.slice(i * 5, i * 5 + 5);
      const absent = Array.from(
        { length: 5 },
        (_, j) => `00000000-0000-4000-8000-${String(i * 5 + j).padStart(12, "0")}`,
      );
      return {
        mine,
        promise: insightsBatcher(client, "org-cloudtrail").lookup(input, [...mine, ...absent], start, end),
      };
    });
    for (const l of lookups) expect([...((await l.promise) ?? ["(fell back)"])].sort()).toEqual([...l.mine].sort());
    // Lookups made in the same turn fill whole queries: 300 ids, 200 per query.
    const queries = sim.calls().filter((c) => c.operation === "StartQuery").length;
    expect(queries).toBe(2);
    client.destroy();
  }, 60_000);

  it("while the scan is not ready only full queries start; the rest start when it is", async () => {
    const client = mgmtLogs();
    const page = await client.send(new FilterLogEventsCommand({ logGroupName: "org-cloudtrail", limit: 25 }));
    const real = (page.events ?? []).map((e) => (JSON.parse(e.message ?? "{}") as { eventID: string }).eventID);
    expect(real.length).toBe(25);
    sim.clearCalls();
    let markReady!: () => void;
    const ready = new Promise<void>((r) => {
      markReady = r;
    });
    const input = { pollMs: 20, signal: new AbortController().signal, ready } as unknown as SampleAwsAccountInput;
    const end = Date.now() + 60_000;
    const start = end - 30 * 86_400_000;
    const batcher = insightsBatcher(client, "org-cloudtrail");
    const settled = new Set<number>();
    const lookup = (i: number) => {
      const ids = [real[i]!, ...Array.from({ length: 9 }, (_, j) => `absent-${i}-${j}`)];
      const p = batcher.lookup(input, ids, start, end);
      void p.then(() => settled.add(i));
      return p;
    };
    const startQueries = () => sim.calls().filter((c) => c.operation === "StartQuery").length;
    // 15 lookups of 10 ids arrive while the scan is still going: 150 ids, no full query, nothing starts.
    const first = Array.from({ length: 15 }, (_, i) => lookup(i));
    await new Promise((r) => setTimeout(r, 300));
    expect(startQueries()).toBe(0);
    // 10 more: 250 ids; one full query (the first 200) starts, the last 5 lookups wait.
    const more = Array.from({ length: 10 }, (_, i) => lookup(15 + i));
    for (const [i, p] of [...first, ...more.slice(0, 5)].entries()) expect([...((await p) ?? [])]).toEqual([real[i]]);
    await new Promise((r) => setTimeout(r, 300));
    expect(startQueries()).toBe(1);
    expect([...settled].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // The scan is ready: the partial query starts.
    markReady();
    for (const [i, p] of more.slice(5).entries()) expect([...((await p) ?? [])]).toEqual([real[20 + i]]);
    expect(startQueries()).toBe(2);
    client.destroy();
  }, 60_000);
});

describe("one stream of work: sampling alongside the configuration scan", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({ accounts: 8, subscriptions: 0, seed: 5 }),
      faults: { latencyMs: 10, seed: 5 },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("event history is read while other accounts are still being scanned; partial probe queries wait for the scan", async () => {
    sim.clearCalls();
    const snapshot = await runScan(
      testScanOptions({
        aws: true,
        org: true,
        sampleDays: 1,
        sampleMax: 50,
        json: false,
        sample: true,
        concurrency: 4,
      }),
      {
        env: sim.env,
        signal: new AbortController().signal,
        emit: () => {},
      },
    );
    expect(snapshot.complete).toBe(true);
    const calls = sim.calls();
    const at = (c: CallLogEntry) => Date.parse(c.time);
    const firstLookup = Math.min(...calls.filter((c) => c.operation === "LookupEvents").map(at));
    const lastDescribeTrails = Math.max(...calls.filter((c) => c.operation === "DescribeTrails").map(at));
    const lastListBuckets = Math.max(...calls.filter((c) => c.operation === "ListBuckets").map(at));
    const firstProbe = Math.min(
      ...calls.filter((c) => c.operation === "StartQuery" || c.operation === "FilterLogEvents").map(at),
    );
    expect(firstLookup).toBeLessThan(lastDescribeTrails);
    // A few sampled ids here, far from a full Insights query (200 ids): the merged queries wait until every account
    // is scanned and the destinations are read, so they start after the last account's bucket list.
    expect(firstProbe).toBeGreaterThan(lastListBuckets);
    const entered = snapshot.aws!.accounts.filter((a) => a.access.state === "ok");
    expect(entered.length).toBeGreaterThanOrEqual(7);
    for (const a of entered) {
      const scanned = a.regions.filter((r) => r.scanned && !r.error).length;
      expect(a.samples.length).toBe(scanned * 3);
      expect(a.samples.every((s) => s.state === "ok")).toBe(true);
    }
  }, 180_000);
});

/**
 * Member accounts' AWS SDK calls sent from worker threads (src/collect/aws/remote.ts, worker.ts): the same answers,
 * errors, guards, rate gates and concurrency bound as calls sent from the main thread.
 */
import {
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
  StopLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { AwsClients, type AwsConnection } from "../../src/collect/aws/clients.js";
import { SharedHttpHandler } from "../../src/collect/aws/http.js";
import { AwsWorkerPool, gateRemote } from "../../src/collect/aws/remote.js";
import { toApiError } from "../../src/collect/errors.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { runScan } from "../../src/scan/index.js";
import { SharedLimiter } from "../../src/scan/limit.js";
import { ReadOnlyViolation } from "../../src/scan/read-only.js";
import { TokenBucket } from "../../src/scan/token-bucket.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { testScanOptions } from "../helpers/scan-options.js";

/** A snapshot or analysis without what differs from run to run (times, durations). */
function stable(x: unknown): string {
  return JSON.stringify(x)
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "T")
    .replace(/"ms":\d+/g, '"ms":0');
}

const MEMBER = "444455556666";

describe("AWS calls from worker threads", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: "demo" });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("a sampled scan of the demo organization through 2 worker threads finds exactly what one without workers finds", async () => {
    const scan = async (workers: number): Promise<Snapshot> =>
      runScan(testScanOptions({ aws: true, org: true, sample: true, sampleDays: 2, sampleMax: 30, workers }), {
        env: sim.env,
        signal: new AbortController().signal,
        emit: () => {},
      });
    const local = await scan(0);
    sim.clearCalls();
    const remote = await scan(2);
    expect(remote.complete).toBe(true);
    expect(remote.aws?.accounts.length).toBe(4);
    // Members were entered and read (their calls went through the workers) ...
    expect(remote.aws?.accounts.filter((a) => a.access.via === "assume-role" && a.access.state === "ok").length).toBe(
      local.aws?.accounts.filter((a) => a.access.via === "assume-role" && a.access.state === "ok").length,
    );
    expect(sim.calls().some((c) => c.operation === "LookupEvents" && c.account === MEMBER)).toBe(true);
    // ... and every fact, error and finding is the same.
    expect(stable(remote.aws)).toBe(stable(local.aws));
    expect(stable(analyze(remote, { retentionDays: 90, suppressions: [] }).findings)).toBe(
      stable(analyze(local, { retentionDays: 90, suppressions: [] }).findings),
    );
    // LookupEvents stays at 2 per second per account-region (its gate is on the main thread).
    const perSecond = new Map<string, number>();
    for (const c of sim.calls()) {
      if (c.operation !== "LookupEvents") continue;
      const k = `${c.account}/${c.region}/${c.time.slice(0, 19)}`;
      perSecond.set(k, (perSecond.get(k) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(2);
  }, 120_000);

  describe("one identity's clients in a worker", () => {
    // Its own simulator, with latency: requests overlap.
    let sim: Simulator;
    let pool: AwsWorkerPool;
    let limiter: SharedLimiter;
    let remote: AwsClients;
    let local: AwsClients;
    beforeAll(async () => {
      sim = await startSimulator({ scenario: "demo", faults: { latencyMs: 40 } });
      limiter = new SharedLimiter(2);
      pool = new AwsWorkerPool(1, { limiterBuffer: limiter.buffer, concurrency: 2 });
      const conn: AwsConnection = {
        env: sim.env,
        defaultRegion: "us-east-1",
        http: new SharedHttpHandler(limiter, 50),
      };
      pool.configure(conn, 50);
      conn.workers = pool;
      // The simulator's default keys are the management account's; a member's are its own account id.
      const creds = async () => ({
        accessKeyId: sim.env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: sim.env.AWS_SECRET_ACCESS_KEY!,
      });
      remote = new AwsClients(conn, creds, pool.identity(creds));
      local = new AwsClients(conn, creds);
    });
    afterAll(async () => {
      await pool.close();
      await sim.close();
    });

    it("answers as the local client does: outputs, S3 object bodies and SDK errors", async () => {
      const a = await remote.cloudtrail("eu-west-1").send(new DescribeTrailsCommand({ includeShadowTrails: true }));
      const b = await local.cloudtrail("eu-west-1").send(new DescribeTrailsCommand({ includeShadowTrails: true }));
      expect(a.trailList?.length).toBeGreaterThan(0);
      expect(stable({ ...a, $metadata: 0 })).toBe(stable({ ...b, $metadata: 0 }));

      const bucket = a.trailList?.find((t) => t.S3BucketName)?.S3BucketName;
      expect(bucket).toBeTruthy();
      const list = await local.s3("us-east-1").send(new ListObjectsV2Command({ Bucket: bucket! }));
      const key = list.Contents?.find((o) => o.Key?.endsWith(".json.gz"))?.Key;
      expect(key).toBeTruthy();
      const rb = await remote.s3("us-east-1").send(new GetObjectCommand({ Bucket: bucket!, Key: key! }));
      const lb = await local.s3("us-east-1").send(new GetObjectCommand({ Bucket: bucket!, Key: key! }));
      const remoteBytes = await rb.Body!.transformToByteArray();
      expect(remoteBytes.length).toBeGreaterThan(20);
      expect(Buffer.from(remoteBytes).equals(Buffer.from(await lb.Body!.transformToByteArray()))).toBe(true);

      const missing = new GetTrailStatusCommand({ Name: "arn:aws:cloudtrail:eu-west-1:111122223333:trail/nope" });
      const re = await remote
        .cloudtrail("eu-west-1")
        .send(missing)
        .catch((e: unknown) => e);
      const le = await local
        .cloudtrail("eu-west-1")
        .send(missing)
        .catch((e: unknown) => e);
      expect(re).toBeInstanceOf(Error);
      expect((re as Error).name).toBe((le as Error).name);
      expect((re as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(
        (le as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode,
      );
      const at = new Date(0);
      expect(toApiError(re, "cloudtrail", "GetTrailStatus", at)).toEqual(
        toApiError(le, "cloudtrail", "GetTrailStatus", at),
      );
    });

    it("refuses a write before it leaves the process", async () => {
      sim.clearCalls();
      const err = await remote
        .cloudtrail("eu-west-1")
        .send(new StopLoggingCommand({ Name: "org-trail" }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReadOnlyViolation);
      expect(sim.calls().length).toBe(0);
    });

    it("each attempt of a gated call takes a token of the main thread's bucket", async () => {
      const bucket = new TokenBucket({ burst: 2, intervalMs: 500 });
      const ct = remote.cloudtrail("eu-west-1");
      const started = Date.now();
      for (let i = 0; i < 3; i++) {
        const cmd = new LookupEventsCommand({ MaxResults: 5 });
        gateRemote(cmd, bucket, undefined);
        await ct.send(cmd);
      }
      expect(bucket.taken).toBe(3);
      // The third request waited for the first token to come back (500 ms after the first answer).
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    });

    it("an aborted call stops in the worker and rejects with AbortError", async () => {
      const bucket = new TokenBucket({ burst: 1, intervalMs: 60_000 });
      // Another region than the test before: the simulator allows 2 LookupEvents per second per account-region.
      const ct = remote.cloudtrail("us-east-1");
      const first = new LookupEventsCommand({ MaxResults: 5 });
      gateRemote(first, bucket, undefined);
      await ct.send(first);
      // The next one waits a minute for its token: aborting it ends it now.
      const controller = new AbortController();
      const second = new LookupEventsCommand({ MaxResults: 5 });
      gateRemote(second, bucket, controller.signal);
      const pending = ct.send(second, { abortSignal: controller.signal }).catch((e: unknown) => e);
      setTimeout(() => controller.abort(), 50);
      const err = (await pending) as Error;
      expect(err.name).toBe("AbortError");
      expect(bucket.taken).toBe(1);
    });

    it("the worker's requests and this thread's share one concurrency bound", async () => {
      sim.clearCalls();
      const calls = Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? remote : local).cloudtrail("eu-west-1").send(new DescribeTrailsCommand({})),
      );
      await Promise.all(calls);
      expect(sim.calls().length).toBe(12);
      expect(sim.peakInFlight()).toBe(2);
    });
  });
});

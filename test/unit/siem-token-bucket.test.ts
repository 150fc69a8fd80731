import { describe, expect, it } from "vitest";
import { isThrottle, retryThrottled, TokenBucket, TokenBuckets } from "../../src/scan/token-bucket.js";

describe("TokenBucket", () => {
  it("lets `burst` requests start at once, then one per interval after each response", async () => {
    const b = new TokenBucket({ burst: 2, intervalMs: 200 });
    const starts: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await b.take();
        starts.push(Date.now() - t0);
        await new Promise((r) => setTimeout(r, 5));
        release();
      }),
    );
    starts.sort((a, b2) => a - b2);
    expect(starts[0]).toBeLessThan(50);
    expect(starts[1]).toBeLessThan(50);
    // Any three consecutive starts span at least one interval.
    for (let i = 2; i < starts.length; i++) expect(starts[i]! - starts[i - 2]!).toBeGreaterThanOrEqual(195);
    expect(b.taken).toBe(6);
  });

  it("counts the interval from the response, not from the request", async () => {
    const b = new TokenBucket({ burst: 1, intervalMs: 100 });
    const r1 = await b.take();
    await new Promise((r) => setTimeout(r, 150)); // a slow response
    const t = Date.now();
    r1();
    const r2 = await b.take();
    expect(Date.now() - t).toBeGreaterThanOrEqual(95);
    r2();
  });

  it("serves waiters in order and rejects an aborted waiter", async () => {
    const b = new TokenBucket({ burst: 1, intervalMs: 20 });
    const first = await b.take();
    const ac = new AbortController();
    const order: string[] = [];
    const aborted = b.take(ac.signal).then(
      () => order.push("aborted-got"),
      () => order.push("aborted-rejected"),
    );
    const second = b.take().then((r) => {
      order.push("second");
      r();
    });
    ac.abort();
    first();
    await Promise.all([aborted, second]);
    expect(order).toEqual(["aborted-rejected", "second"]);
  });

  it("keeps one bucket per key", () => {
    const bs = new TokenBuckets({ burst: 2, intervalMs: 1000 });
    expect(bs.get("lookup/1/us-east-1")).toBe(bs.get("lookup/1/us-east-1"));
    expect(bs.get("lookup/1/us-east-1")).not.toBe(bs.get("lookup/1/eu-west-1"));
  });
});

describe("retryThrottled", () => {
  it("retries throttling errors until the call succeeds", async () => {
    let n = 0;
    const throttles: number[] = [];
    const v = await retryThrottled(
      async () => {
        n++;
        if (n < 4) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
        return "page";
      },
      { baseMs: 1, onThrottle: (a) => throttles.push(a) },
    );
    expect(v).toBe("page");
    expect(n).toBe(4);
    expect(throttles).toEqual([1, 2, 3]);
  });

  it("does not retry other errors, and gives up after `attempts` throttles", async () => {
    let n = 0;
    await expect(
      retryThrottled(async () => {
        n++;
        throw Object.assign(new Error("no"), { name: "AccessDeniedException" });
      }),
    ).rejects.toThrow("no");
    expect(n).toBe(1);
    n = 0;
    await expect(
      retryThrottled(
        async () => {
          n++;
          throw Object.assign(new Error("slow down"), { statusCode: 429 });
        },
        { attempts: 3, baseMs: 1 },
      ),
    ).rejects.toThrow("slow down");
    expect(n).toBe(3);
  });

  it("recognises AWS and Azure throttling", () => {
    expect(isThrottle({ name: "ThrottlingException" })).toBe(true);
    expect(isThrottle({ name: "TooManyRequestsException" })).toBe(true);
    expect(isThrottle({ $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottle({ statusCode: 429, code: "ThrottledError" })).toBe(true);
    expect(isThrottle({ name: "AccessDeniedException", message: "Rate exceeded" })).toBe(false);
    expect(isThrottle({ name: "ValidationException" })).toBe(false);
  });
});

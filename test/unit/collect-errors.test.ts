import { describe, expect, it } from "vitest";
import { redact, toApiError } from "../../src/collect/errors.js";
import { Limiter, mapLimit } from "../../src/scan/limit.js";

const at = new Date("2026-11-27T00:00:00Z");

describe("toApiError", () => {
  it("classifies AWS and Azure errors", () => {
    const cases: [unknown, string][] = [
      [{ name: "AccessDeniedException", message: "no", $metadata: { httpStatusCode: 400 } }, "denied"],
      [{ name: "UnrecognizedClientException", message: "bad token" }, "denied"],
      [{ code: "AuthorizationFailed", statusCode: 403, message: "x" }, "denied"],
      [{ name: "ThrottlingException", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }, "throttled"],
      [{ code: "TooManyRequests", statusCode: 429, message: "x" }, "throttled"],
      [{ name: "TimeoutError", message: "socket timed out" }, "timeout"],
      [{ name: "TrailNotFoundException", message: "x", $metadata: { httpStatusCode: 400 } }, "not-found"],
      [{ name: "InternalFailure", message: "x", $metadata: { httpStatusCode: 503 } }, "unavailable"],
      [{ name: "InvalidLookupAttributesException", message: "x", $metadata: { httpStatusCode: 400 } }, "invalid"],
      [new Error("boom"), "error"],
    ];
    for (const [err, kind] of cases) expect(toApiError(err, "svc", "Op", at).kind, JSON.stringify(err)).toBe(kind);
    const e = toApiError(
      { name: "AccessDeniedException", message: "User is not authorized\nsecond line" },
      "cloudtrail",
      "DescribeTrails",
      at,
    );
    expect(e).toEqual({
      kind: "denied",
      service: "cloudtrail",
      operation: "DescribeTrails",
      code: "AccessDeniedException",
      message: "User is not authorized",
      at: "2026-11-27T00:00:00.000Z",
    });
  });

  it("redacts secrets from messages", () => {
    const msg =
      "failed https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F&X-Amz-Signature=abcdef123 with Authorization: Bearer eyJhbGciOi.payload.sig key ASIAY34FZKBOKMUTVV7A sas ?sv=2022-11-02&sig=SECRETSIG aws_secret_access_key=wJalrXUtnFEMI/K7MDENG";
    const out = redact(msg);
    for (const secret of [
      "AKIAIOSFODNN7EXAMPLE",
      "abcdef123",
      "eyJhbGciOi",
      "ASIAY34FZKBOKMUTVV7A",
      "SECRETSIG",
      "wJalrXUtnFEMI",
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain("[redacted]");
    expect(toApiError({ name: "X", message: msg }, "s", "o", at).message).not.toContain("SECRETSIG");
  });
});

describe("Limiter and mapLimit", () => {
  it("a freed slot goes to the oldest waiter: a caller arriving while it wakes up waits too", async () => {
    const limiter = new Limiter(1);
    let active = 0;
    let peak = 0;
    const task = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
    };
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = r)));
    const waiting = limiter.run(task);
    // The first task ends; its slot is freed in the next microtask and the waiter wakes up in the one after: a new
    // caller in between must not see a free slot (it did: two tasks ran under a limit of one).
    release();
    let late: Promise<void> | undefined;
    queueMicrotask(() => {
      late = limiter.run(task);
    });
    await first;
    await waiting;
    await late;
    expect(peak).toBe(1);
  });

  it("never run more than max at once and keep order", async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const task = async (i: number) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      return i * 2;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => limiter.run(() => task(i))));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(peak).toBe(2);
    peak = 0;
    expect(await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, task)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });
});

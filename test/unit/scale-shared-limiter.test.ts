/**
 * SharedLimiter: the scan's concurrency bound when AWS calls are also sent from worker threads (its count lives in a
 * SharedArrayBuffer; test/integration/aws-workers.test.ts checks the bound across threads at the simulator).
 */
import { describe, expect, it } from "vitest";
import { SharedLimiter } from "../../src/scan/limit.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SharedLimiter", () => {
  it("runs every task, never more than max at once, and uses all of max", async () => {
    const limiter = new SharedLimiter(3);
    let active = 0;
    let most = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          active++;
          most = Math.max(most, active);
          await sleep(5 + (i % 3) * 3);
          active--;
          done.push(i);
        }),
      ),
    );
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
    expect(new Int32Array(limiter.buffer)[0]).toBe(0);
  });

  it("gives the slot back when a task fails, and two limiters on one buffer share the bound", async () => {
    const a = new SharedLimiter(2);
    const b = new SharedLimiter(2, a.buffer);
    await expect(a.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    let active = 0;
    let most = 0;
    const task = async () => {
      active++;
      most = Math.max(most, active);
      await sleep(5);
      active--;
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).run(task)));
    expect(most).toBe(2);
    expect(new Int32Array(a.buffer)[0]).toBe(0);
  });
});

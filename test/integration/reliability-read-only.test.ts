/** A full scan of the demo (both clouds, sampling on) makes no write call: the simulator's call log proves it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { cli } from "../helpers/cli.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

describe("read-only scan", () => {
  it("scan --aws --azure of the demo with sampling: 0 write calls in the call log", async () => {
    sim.clearCalls();
    const r = await cli(["scan", "--aws", "--azure", "--org", "--json"], { env: sim.env });
    expect(r.code).toBe(0);
    const calls = sim.calls();
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.some((c) => c.cloud === "aws" && c.operation === "LookupEvents")).toBe(true);
    expect(calls.some((c) => c.cloud === "azure")).toBe(true);
    expect(calls.filter((c) => c.write)).toEqual([]);
    expect(r.stderr).not.toContain("ReadOnlyViolation");
  }, 120_000);
});

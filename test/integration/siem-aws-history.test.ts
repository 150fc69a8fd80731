/**
 * How AWS sampling reads a region's event history (src/collect/sampling/history-plan.ts): unfiltered pages first,
 * classified locally, then lookups by name for the part older than what was read, with exactly the result of the
 * lookups by name alone. siem-aws.test.ts has the rest of the sampling tests; this one mostly waits on the 2/s
 * LookupEvents limit (the baseline looks every name up), so it runs beside them.
 */
import { describe, expect, it } from "vitest";
import { type AwsSamplingResult, sampleAwsAccount } from "../../src/collect/sampling/aws.js";
import { AWS_TAMPER_NAMES } from "../../src/collect/sampling/names.js";
import { LOOKUP_EVENTS_LIMIT, TokenBuckets } from "../../src/scan/token-bucket.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { A, clients, DAY, readTrails, SAMPLE_DAYS, scenario } from "../helpers/siem-aws-scenario.js";

describe("event history: unfiltered pages, then lookups by name", () => {
  it("history read unfiltered first, then by name for the older part: exactly the samples and tamper events of the lookups by name", async () => {
    // One simulator per run: the lookups by name are paced at 2/s per account-region, so the two slow runs go side
    // by side, each against its own simulator's rate limit and call log.
    const sims = await Promise.all([0, 1, 2].map(() => startSimulator({ scenario })));
    try {
      const trails = await readTrails(sims[0]!.url, A);
      const end = new Date();
      const w = { start: new Date(end.getTime() - SAMPLE_DAYS * DAY), end };
      // ap-southeast-2 holds ~90 events in the 90-day tamper window, eu-west-1 ~180.
      const run = async (
        local: Simulator,
        unfilteredMax: number | undefined,
        regions = ["ap-southeast-2", "us-east-1"],
      ) => {
        local.clearCalls();
        const res = await sampleAwsAccount({
          regions,
          window: w,
          sampleMax: 200,
          buckets: new TokenBuckets(LOOKUP_EVENTS_LIMIT),
          pollMs: 20,
          accountId: A,
          trails,
          clients: clients(local.url, A),
          retentionProof: false,
          ...(unfilteredMax === undefined ? {} : { unfilteredMax }),
        });
        const perRegion = new Map<string, number>();
        for (const c of local.calls()) {
          if (c.operation === "LookupEvents") perRegion.set(c.region ?? "", (perRegion.get(c.region ?? "") ?? 0) + 1);
        }
        return { res, perRegion };
      };
      const view = (r: AwsSamplingResult) => ({
        samples: r.samples
          .map(
            (s) =>
              `${s.region}/${s.eventClass}/${s.state}/${s.sampled}/${s.found}/${s.missing.map((m) => m.eventId).sort()}`,
          )
          .sort(),
        tamper: r.tamper.map((t) => `${t.eventId}/${t.name}`).sort(),
      });
      const [[quiet, eu], byName, overflow] = await Promise.all([
        // Four pages at most for eu-west-1's ~180 events.
        run(sims[0]!, undefined).then(async (q) => [q, await run(sims[0]!, undefined, ["eu-west-1"])] as const),
        run(sims[1]!, 0),
        // A budget of 50 events (one page): one page, then lookups by name for the part older than that page only.
        run(sims[2]!, 50),
      ]);
      expect(view(quiet.res)).toEqual(view(byName.res));
      expect(view(overflow.res)).toEqual(view(byName.res));
      expect(quiet.res.samples.some((s) => s.sampled > 0)).toBe(true);
      expect(quiet.perRegion.get("ap-southeast-2")).toBeLessThanOrEqual(2);
      expect(byName.perRegion.get("ap-southeast-2")).toBeGreaterThan(20);
      // ap-southeast-2: the page covered the 20-day sample window, so only the tamper names are looked up, over the
      // older part. us-east-1 is busier: the lookups by name cover what its page did not (and give the same result).
      expect(overflow.perRegion.get("ap-southeast-2")).toBe(1 + AWS_TAMPER_NAMES.length);
      expect(overflow.perRegion.get("us-east-1")).toBeGreaterThan(1 + AWS_TAMPER_NAMES.length);
      // Its page did not cover the sample window: at most one call more than the lookups by name alone.
      expect(overflow.perRegion.get("us-east-1")).toBeLessThanOrEqual(byName.perRegion.get("us-east-1")! + 1);
      expect(quiet.perRegion.get("us-east-1")).toBeLessThanOrEqual(byName.perRegion.get("us-east-1")! + 1);
      expect(eu.perRegion.get("eu-west-1")).toBeLessThanOrEqual(4);
      expect(eu.res.samples.find((s) => s.eventClass === "privileged")?.sampled).toBeGreaterThan(5);
    } finally {
      await Promise.all(sims.map((s) => s.close()));
    }
  }, 180_000);
});

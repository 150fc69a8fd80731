/**
 * `scan --shard K/N` + `blindspot merge`: the merged snapshot of N shard scans gives the same findings as one
 * unsharded scan of the same simulator estate (the demo: org trails, a log-archive account, Azure tenants).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/model/report.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { cli, tempDir } from "../helpers/cli.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

/** Findings as stable strings, without wall-clock read times (`at`, "checked at": when each shard looked). */
function keyed(report: JsonReport): string[] {
  return report.findings
    .map((f) =>
      JSON.stringify({ ...f, evidence: f.evidence.filter((e) => e.label !== "checked at") }, (k, v) =>
        k === "at" ? undefined : v,
      ),
    )
    .sort();
}

describe("shard + merge", () => {
  it("3 shards merged give the findings of the unsharded scan", async () => {
    const dir = tempDir();
    const base = ["scan", "--aws", "--azure", "--org", "--no-sample"];
    const whole = await cli([...base, "--json"], { env: sim.env, cwd: dir });
    expect(whole.code, whole.stderr.slice(0, 300)).toBe(0);
    const wholeReport = JSON.parse(whole.stdout) as JsonReport;

    const accountsPerShard: number[] = [];
    for (const k of [1, 2, 3]) {
      const r = await cli([...base, "--shard", `${k}/3`, "--out", join(dir, `s${k}.json`)], { env: sim.env, cwd: dir });
      expect(r.code, r.stderr.slice(0, 300)).toBe(0);
      const shard = (JSON.parse(readFileSync(join(dir, `s${k}.json`), "utf8")) as JsonReport).snapshot;
      expect(shard.options.shard).toEqual({ index: k, count: 3 });
      accountsPerShard.push(shard.aws?.accounts.length ?? 0);
    }
    // Every account in exactly one shard.
    expect(accountsPerShard.reduce((a, b) => a + b, 0)).toBe(wholeReport.snapshot.aws?.accounts.length);

    const m = await cli(["merge", "s1.json", "s2.json", "s3.json", "--out", "all.json"], { cwd: dir });
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/^Merged 3 snapshot\(s\)/);
    const merged = JSON.parse(readFileSync(join(dir, "all.json"), "utf8")) as Snapshot;
    expect(merged.complete).toBe(true);
    expect(merged.options.shard).toBeUndefined();
    expect(merged.aws?.accounts.map((a) => a.accountId)).toEqual(
      wholeReport.snapshot.aws?.accounts.map((a) => a.accountId),
    );
    expect(merged.azure?.subscriptions.map((s) => s.subscriptionId).sort()).toEqual(
      wholeReport.snapshot.azure?.subscriptions.map((s) => s.subscriptionId).sort(),
    );

    const rep = await cli(["report", "--from", join(dir, "all.json"), "--format", "json"], { cwd: dir });
    expect(rep.code, rep.stderr).toBe(0);
    const got = keyed(JSON.parse(rep.stdout) as JsonReport);
    const want = keyed(wholeReport);
    for (const w of want) {
      // On a mismatch, show where the merged finding differs.
      const g = got.find((x) => x.slice(0, 30) === w.slice(0, 30));
      if (g === w) continue;
      let i = 0;
      while (i < w.length && w[i] === g?.[i]) i++;
      expect(g?.slice(Math.max(0, i - 200), i + 300)).toEqual(w.slice(Math.max(0, i - 200), i + 300));
    }
    expect(want.length).toBeGreaterThan(50);
    expect(got.filter((x) => !want.includes(x)).map((x) => x.slice(0, 400))).toEqual([]);
    expect(want.filter((x) => !got.includes(x)).map((x) => x.slice(0, 400))).toEqual([]);
  }, 180_000);

  it("refuses shards of different runs with one line, exit 2", async () => {
    const dir = tempDir();
    for (const [k, extra] of [
      [1, []],
      [2, ["--retention-days", "30"]],
    ] as const) {
      const r = await cli(
        ["scan", "--azure", "--no-sample", "--shard", `${k}/2`, ...extra, "--out", join(dir, `s${k}.json`)],
        { env: sim.env, cwd: dir },
      );
      expect(r.code).toBe(0);
    }
    const m = await cli(["merge", "s1.json", "s2.json", "--out", "all.json"], { cwd: dir });
    expect(m.code).toBe(2);
    expect(m.stderr.trim().split("\n")).toHaveLength(1);
    expect(m.stderr).toMatch(/^blindspot: s2.json was scanned with other options than s1.json/);
  }, 60_000);
});

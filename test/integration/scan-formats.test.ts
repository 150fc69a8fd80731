import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { cli, tempDir } from "../helpers/cli.js";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim?.close();
});

describe("scan --format with --out", () => {
  it("writes the Markdown report of the scan and still prints the JSON with --json", async () => {
    const dir = tempDir();
    const out = join(dir, "gaps.md");
    const r = await cli(["scan", "--azure", "--no-sample", "--format", "md", "--out", out, "--json"], {
      env: sim.env,
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const md = readFileSync(out, "utf8");
    expect(md).toMatch(/^# /);
    const report = JSON.parse(r.stdout) as { findings: { checkId: string; status: string; id: string }[] };
    const failing = report.findings.filter((f) => f.status === "fail");
    expect(failing.length).toBeGreaterThan(0);
    // every failing finding of the scan is in the Markdown report
    for (const f of failing) expect(md).toContain(f.checkId);
  });

  it("--out FILE.json with --json: the same report in the file and on stdout", async () => {
    const dir = tempDir();
    const out = join(dir, "snap.json");
    const r = await cli(["scan", "--azure", "--no-sample", "--out", out, "--json"], { env: sim.env, cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: unknown[] };
    expect(report.findings.length).toBeGreaterThan(0);
    expect(readFileSync(out, "utf8")).toBe(r.stdout);
  });

  it("refuses --format evidence without --out before scanning (exit 2, nothing called)", async () => {
    sim.clearCalls();
    const r = await cli(["scan", "--azure", "--format", "evidence"], { env: sim.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("needs --out DIR");
    expect(sim.calls()).toHaveLength(0);
  });

  it("writes an evidence pack folder", async () => {
    const dir = tempDir();
    const out = join(dir, "evidence");
    const r = await cli(["scan", "--azure", "--no-sample", "--format", "evidence", "--out", out], {
      env: sim.env,
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
    expect(existsSync(join(out, "snapshot.json"))).toBe(true);
  });
});

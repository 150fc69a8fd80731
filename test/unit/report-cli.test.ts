import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/model/report.js";
import { cli, tempDir } from "../helpers/cli.js";
import { sampleSnapshot } from "../helpers/snapshot.js";

const ACCESS_CHECKS = new Set(["aws.org.account-unscanned", "aws.region.unreachable", "azure.subscription.unscanned"]);

/** Only a denied member account: whatever other analyzers land, nothing but an unknown/high can come out of it. */
function deniedOnly(): ReturnType<typeof sampleSnapshot> {
  const s = sampleSnapshot();
  return {
    ...s,
    options: { ...s.options, clouds: ["aws"] },
    aws: { accounts: [s.aws!.accounts[1]!] },
    azure: undefined,
  };
}

function snapshotFile(dir: string, data: unknown = sampleSnapshot(), name = "snap.json"): string {
  const path = join(dir, name);
  writeFileSync(path, typeof data === "string" ? data : JSON.stringify(data));
  return path;
}

describe("report --from snapshot --format json", () => {
  it("analyses the snapshot: unscanned account, unreachable region, unscanned subscription", async () => {
    const dir = tempDir();
    const r = await cli(["report", "--from", snapshotFile(dir)], { cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.format).toBe("blindspot-report");
    // the access checks (other analyzers add their own findings for the same snapshot)
    const failing = report.findings
      .filter((f) => f.status === "fail" && ACCESS_CHECKS.has(f.checkId))
      .map((f) => `${f.checkId} ${f.resource}`);
    expect(failing.sort()).toEqual([
      "aws.org.account-unscanned aws:222222222222",
      "aws.region.unreachable aws:111111111111:eu-west-1",
      "azure.subscription.unscanned /subscriptions/0b1f6471-1bf0-4dda-aec3-333333333333",
    ]);
    // what was reachable is evidence too
    expect(report.findings.filter((f) => f.status === "pass" && ACCESS_CHECKS.has(f.checkId)).length).toBe(3);
    const cell = (account: string, region: string) =>
      report.coverage.find(
        (c) => c.scope.cloud === "aws" && c.scope.accountId === account && c.scope.region === region,
      );
    expect(cell("111111111111", "af-south-1")?.status).toBe("n/a");
    expect(cell("111111111111", "eu-west-1")?.status).toBe("unknown");
    expect(cell("222222222222", "us-east-1")?.status).toBe("unknown");
    expect(report.summary.findings.fail).toBe(report.findings.filter((f) => f.status === "fail").length);
    expect(report.summary.failingBySeverity.high).toBeGreaterThanOrEqual(3);
    // the snapshot is embedded as evidence and re-readable
    const again = await cli(["report", "--from", snapshotFile(dir, r.stdout, "report.json")], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(r.stdout);
  });

  it("is deterministic: the same snapshot gives byte-identical output", async () => {
    const dir = tempDir();
    const a = await cli(["report", "--from", snapshotFile(dir)], { cwd: dir });
    const b = await cli(["report", "--from", snapshotFile(dir)], { cwd: dir });
    expect(a.stdout).toBe(b.stdout);
  });

  it("--fail-on exits 3 when a failing finding is at or above it, 0 otherwise", async () => {
    const dir = tempDir();
    const file = snapshotFile(dir, deniedOnly());
    expect((await cli(["report", "--from", file, "--fail-on", "high"], { cwd: dir })).code).toBe(3);
    expect((await cli(["report", "--from", file, "--fail-on", "medium"], { cwd: dir })).code).toBe(3);
    expect((await cli(["report", "--from", file, "--fail-on", "critical"], { cwd: dir })).code).toBe(0);
  });

  it("config fail-on applies, and the flag overrides it", async () => {
    const dir = tempDir();
    const file = snapshotFile(dir, deniedOnly());
    writeFileSync(join(dir, "blindspot.config.yaml"), "fail-on: high\n");
    expect((await cli(["report", "--from", file], { cwd: dir })).code).toBe(3);
    expect((await cli(["report", "--from", file, "--fail-on", "critical"], { cwd: dir })).code).toBe(0);
  });

  it("suppressions mute matching failures with their reason until they expire", async () => {
    const dir = tempDir();
    const file = snapshotFile(dir);
    writeFileSync(
      join(dir, "blindspot.config.yaml"),
      [
        "fail-on: high",
        "suppressions:",
        "  - check: aws.org.account-unscanned",
        '    scope: "aws/222222222222/*"',
        "    reason: account is being closed (TICKET-42)",
        "    expires: 2026-12-31",
        "  - check: aws.region.unreachable",
        "    reason: expired suppression",
        "    expires: 2026-11-01",
        "",
      ].join("\n"),
    );
    const r = await cli(["report", "--from", file], { cwd: dir });
    const report = JSON.parse(r.stdout) as JsonReport;
    const muted = report.findings.filter((f) => f.status === "muted");
    expect(muted.map((f) => f.checkId)).toEqual(["aws.org.account-unscanned"]);
    expect(muted[0]?.mute).toEqual({ reason: "account is being closed (TICKET-42)", expires: "2026-12-31" });
    expect(report.findings.find((f) => f.checkId === "aws.region.unreachable" && f.status === "fail")).toBeDefined();
    expect(r.code).toBe(3); // the unmuted ones still fail
  });

  it("--out writes the file atomically and prints nothing", async () => {
    const dir = tempDir();
    const out = join(dir, "nested", "report.json");
    const r = await cli(["report", "--from", snapshotFile(dir), "--out", out], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).format).toBe("blindspot-report");
  });

  it("every single-file format writes through --out; a failed write leaves the target and no temp file", async () => {
    const dir = tempDir();
    const file = snapshotFile(dir);
    for (const format of ["md", "csv", "sarif", "html", "junit", "ocsf"]) {
      const out = join(dir, `r.${format}`);
      const r = await cli(["report", "--from", file, "--format", format, "--out", out], { cwd: dir });
      expect(r.code, format).toBe(0);
      const stdout = await cli(["report", "--from", file, "--format", format], { cwd: dir });
      expect(readFileSync(out, "utf8"), format).toBe(stdout.stdout);
    }
    const blocked = join(dir, "blocked");
    mkdirSync(blocked);
    writeFileSync(join(blocked, "keep.txt"), "keep");
    const r = await cli(["report", "--from", file, "--format", "md", "--out", blocked], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^blindspot: cannot write .*blocked \(E[A-Z]+\); check the --out path and permissions\n$/);
    expect(readdirSync(blocked)).toEqual(["keep.txt"]);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("--format evidence without --out refuses with exit 2 and writes nothing", async () => {
    const dir = tempDir();
    const r = await cli(["report", "--from", snapshotFile(dir), "--format", "evidence"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "blindspot: --format evidence writes a folder and needs --out DIR; e.g. blindspot report --from snap.json --format evidence --out evidence-2026-q4\n",
    );
  });

  it("an unknown format refuses with exit 2", async () => {
    const dir = tempDir();
    const out = join(dir, "r.txt");
    const r = await cli(["report", "--from", snapshotFile(dir), "--format", "pdf", "--out", out], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("expected one of md, json, csv, sarif, html, junit, ocsf, evidence");
    expect(existsSync(out)).toBe(false);
  });
});

describe("snapshot validation errors (one line, exit 2)", () => {
  const cases: [string, unknown, RegExp][] = [
    ["not JSON", "{oops", /^blindspot: snap\.json is not JSON: /],
    [
      "a foreign JSON file",
      { name: "terraform", resources: [] },
      /is not a blindspot snapshot \(no schemaVersion\/tool\)/,
    ],
    ["another tool's file", { schemaVersion: 1, tool: { name: "prowler" } }, /was written by prowler, not blindspot/],
    [
      "a newer schema version",
      { ...sampleSnapshot(), schemaVersion: 7 },
      /has snapshot schema version 7; this blindspot reads version 1; upgrade blindspot/,
    ],
    ["an invalid field", { ...sampleSnapshot(), finishedAt: "yesterday" }, /is not a valid snapshot: finishedAt: /],
  ];
  for (const [what, data, pattern] of cases) {
    it(`refuses ${what}`, async () => {
      const dir = tempDir();
      const r = await cli(["report", "--from", snapshotFile(dir, data)], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  it("refuses a missing file", async () => {
    const r = await cli(["report", "--from", "/nonexistent/snap.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read snapshot /nonexistent/snap.json (no such file)");
  });

  it("names the nested path of the first problem", async () => {
    const dir = tempDir();
    const bad = sampleSnapshot();
    bad.aws!.accounts[0]!.regions![0]!.optInStatus = "maybe" as never;
    const r = await cli(["report", "--from", snapshotFile(dir, bad)], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("aws.accounts[0].regions[0].optInStatus");
  });
});

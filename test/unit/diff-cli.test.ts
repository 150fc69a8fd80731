import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeFinding } from "../../analyzers/context.js";
import { type Analysis, compareFindings } from "../../analyzers/index.js";
import { diffSnapshots, renderDiffMarkdown, type SnapshotDiff } from "../../src/diff/index.js";
import { findingId } from "../../src/model/finding.js";
import { cli, tempDir } from "../helpers/cli.js";
import { MGMT, reportAnalysis, reportSnapshot } from "../helpers/report-fixtures.js";
import { sampleSnapshot } from "../helpers/snapshot.js";

const byCheck = (a: Analysis, id: string) => a.findings.find((f) => f.checkId === id)!;

/** OLD = the report fixture; NEW = some fixed, one new failure, some changed. */
function twoScans() {
  const old = reportAnalysis();
  const uncovered = byCheck(old, "aws.trail.region-uncovered");
  const kms = byCheck(old, "aws.kms.rotation-disabled");
  const unknown = byCheck(old, "aws.logs.retention-short");
  const pass = byCheck(old, "aws.trail.global-events-missing");
  const validation = byCheck(old, "aws.trail.validation-disabled");
  const notLogging = makeFinding({
    checkId: "aws.trail.not-logging",
    status: "fail",
    scope: { cloud: "aws", accountId: MGMT, region: "us-east-1" },
    resource: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
    title: "Trail org-trail is not logging",
    evidence: [],
  });
  const findings = old.findings
    .filter((f) => f.id !== uncovered.id && f.id !== pass.id) // fixed (closed) / resource gone (changed pass -> absent)
    .map((f) => {
      if (f.id === kms.id) return { ...f, status: "pass" as const }; // closed
      if (f.id === unknown.id) return { ...f, status: "fail" as const }; // changed unknown -> fail
      if (f.id === validation.id) return { ...f, severity: "high" as const }; // changed severity
      return f;
    });
  findings.push(notLogging); // opened
  findings.sort(compareFindings);
  const coverage = old.coverage.map((c) =>
    c.scope.cloud === "aws" && c.scope.region === "eu-west-1" ? { ...c, status: "covered" as const } : c,
  );
  const after: Analysis = { findings, coverage };
  const newSnap = {
    ...reportSnapshot(),
    startedAt: "2026-12-20T09:00:00.000Z",
    finishedAt: "2026-12-20T09:05:00.000Z",
  };
  return { old, after, newSnap, ids: { uncovered, kms, unknown, pass, validation, notLogging } };
}

describe("diffSnapshots", () => {
  it("lists exactly the opened, closed, changed and unchanged finding ids", () => {
    const { old, after, newSnap, ids } = twoScans();
    const d = diffSnapshots(reportSnapshot(), old, newSnap, after);
    expect(d.opened.map((f) => f.id)).toEqual([ids.notLogging.id]);
    expect(d.closed.map((f) => f.id)).toEqual([ids.uncovered.id, ids.kms.id]);
    expect(d.changed.map((c) => [c.id, c.from, c.to])).toEqual([
      [ids.unknown.id, { status: "unknown", severity: "high" }, { status: "fail", severity: "high" }],
      [ids.validation.id, { status: "fail", severity: "medium" }, { status: "fail", severity: "high" }],
      [ids.pass.id, { status: "pass", severity: "high" }, { status: "absent", severity: null }],
    ]);
    // still failing / muted in both scans; the one unchanged pass is only counted
    const stillOpen = old.findings.filter(
      (f) => ![ids.uncovered, ids.kms, ids.unknown, ids.pass, ids.validation].some((x) => x.id === f.id),
    );
    expect(d.unchanged.map((f) => f.id).sort()).toEqual(
      stillOpen
        .filter((f) => f.status !== "pass")
        .map((f) => f.id)
        .sort(),
    );
    expect(d.unchangedPassing).toBe(1);
  });

  it("gives coverage then and now", () => {
    const { old, after, newSnap } = twoScans();
    const d = diffSnapshots(reportSnapshot(), old, newSnap, after);
    expect(d.coverage).toEqual({ old: 0.2, new: 0.4, change: 0.2 });
    expect(d.old.finishedAt).toBe("2026-11-20T10:00:00.000Z");
    expect(d.new.finishedAt).toBe("2026-12-20T09:05:00.000Z");
    const md = renderDiffMarkdown(d);
    expect(md).toContain("- Coverage: 20.0% then, 40.0% now (+20.0%)");
    expect(md).toContain("## Opened (1)");
    expect(md).toContain(`| high | aws.trail.not-logging | aws/${MGMT}/us-east-1 |`);
    expect(md).toContain("## Closed (2)");
    expect(md).toContain(`| unknown (high) | fail (high) | \`${twoScans().ids.unknown.id}\` |`);
  });

  it("the same scan twice: nothing opened, closed or changed", () => {
    const d = diffSnapshots(reportSnapshot(), reportAnalysis(), reportSnapshot(), reportAnalysis());
    expect([d.opened, d.closed, d.changed]).toEqual([[], [], []]);
    expect(d.unchanged).toHaveLength(10);
    expect(d.unchangedPassing).toBe(2);
    expect(d.coverage.change).toBe(0);
  });
});

describe("blindspot diff OLD NEW", () => {
  const ACCESS = new Set(["aws.org.account-unscanned", "aws.region.unreachable", "azure.subscription.unscanned"]);

  function files(dir: string) {
    const before = sampleSnapshot();
    const after = sampleSnapshot();
    after.startedAt = "2026-12-20T09:58:00.000Z";
    after.finishedAt = "2026-12-20T10:00:00.000Z";
    // payments-prod can be entered now; eu-west-1 answers again; a new member account is denied
    after.aws!.accounts[1]!.access = { state: "ok", via: "assume-role" };
    delete after.aws!.accounts[0]!.regions![1]!.error;
    after.aws!.accounts.push({
      accountId: "333333333333",
      name: "new-member",
      access: { ...before.aws!.accounts[1]!.access } as never,
      regions: [{ name: "us-east-1", optInStatus: "opt-in-not-required", scanned: false }],
    });
    const oldPath = join(dir, "old.json");
    const newPath = join(dir, "new.json");
    writeFileSync(oldPath, JSON.stringify(before));
    writeFileSync(newPath, JSON.stringify(after));
    return { oldPath, newPath };
  }

  it("--format json lists the right opened and closed ids", async () => {
    const dir = tempDir();
    const { oldPath, newPath } = files(dir);
    const r = await cli(["diff", oldPath, newPath, "--format", "json"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as SnapshotDiff;
    expect(d.format).toBe("blindspot-diff");
    const access = (list: { id: string; checkId: string }[]) =>
      list.filter((f) => ACCESS.has(f.checkId)).map((f) => f.id);
    expect(access(d.opened)).toEqual([
      findingId("aws.org.account-unscanned", { cloud: "aws", accountId: "333333333333" }, "aws:333333333333"),
    ]);
    expect(access(d.closed).sort()).toEqual(
      [
        findingId("aws.org.account-unscanned", { cloud: "aws", accountId: "222222222222" }, "aws:222222222222"),
        findingId(
          "aws.region.unreachable",
          { cloud: "aws", accountId: "111111111111", region: "eu-west-1" },
          "aws:111111111111:eu-west-1",
        ),
      ].sort(),
    );
    expect(d.old.finishedAt).toBe("2026-11-20T10:00:00.000Z");
    expect(d.new.finishedAt).toBe("2026-12-20T10:00:00.000Z");
  });

  it("defaults to Markdown, and --out writes the file atomically", async () => {
    const dir = tempDir();
    const { oldPath, newPath } = files(dir);
    const r = await cli(["diff", oldPath, newPath], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# blindspot scan diff\n/);
    expect(r.stdout).toContain("## Opened (");
    expect(r.stdout).toContain("- Coverage: ");
    const out = join(dir, "d", "diff.md");
    const w = await cli(["diff", oldPath, newPath, "--out", out], { cwd: dir });
    expect(w.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(r.stdout);
  });

  const bad: [string, (dir: string, p: { oldPath: string; newPath: string }) => string[], RegExp][] = [
    [
      "a missing file",
      (_d, p) => ["diff", p.oldPath, "/nonexistent/new.json"],
      /cannot read snapshot \/nonexistent\/new\.json \(no such file\)/,
    ],
    [
      "a file that is not JSON",
      (d, p) => {
        writeFileSync(join(d, "junk.json"), "{oops");
        return ["diff", join(d, "junk.json"), p.newPath];
      },
      /junk\.json is not JSON/,
    ],
    [
      "a foreign JSON file",
      (d, p) => {
        writeFileSync(join(d, "tf.json"), JSON.stringify({ resources: [] }));
        return ["diff", p.oldPath, join(d, "tf.json")];
      },
      /tf\.json is not a blindspot snapshot/,
    ],
    ["a bad --format", (_d, p) => ["diff", p.oldPath, p.newPath, "--format", "html"], /expected one of md, json/],
    ["a missing argument", (_d, p) => ["diff", p.oldPath], /missing required argument 'new'/],
  ];
  for (const [what, args, pattern] of bad) {
    it(`refuses ${what} with one line and exit 2`, async () => {
      const dir = tempDir();
      const r = await cli(args(dir, files(dir)), { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }
});

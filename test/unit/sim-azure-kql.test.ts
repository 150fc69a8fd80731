import { describe, expect, it } from "vitest";
import { FilterError, parseActivityFilter } from "../../src/sim/azure/activity-filter.js";
import { type Frame, KqlError, parseKql, runOperators } from "../../src/sim/azure/kql.js";
import { parseTimespan } from "../../src/sim/azure/loganalytics.js";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const DAY = 86_400_000;

const frame: Frame = {
  columns: [
    { name: "TimeGenerated", type: "datetime" },
    { name: "CorrelationId", type: "string" },
    { name: "ResultType", type: "string" },
  ],
  rows: [
    [NOW - 1 * DAY, "c1", "0"],
    [NOW - 1 * DAY + 1000, "c1", "50126"],
    [NOW - 2 * DAY, "c2", "50126"],
    [NOW - 9 * DAY, "c3", "50053"],
  ],
};

function run(q: string): Frame {
  return runOperators(frame, parseKql(q, NOW).ops);
}

describe("KQL subset", () => {
  it("parses sources and unions", () => {
    expect(parseKql("AzureActivity | count", NOW)).toMatchObject({ tables: ["AzureActivity"], fuzzy: false });
    expect(parseKql("union isfuzzy=true SigninLogs, AADNonInteractiveUserSignInLogs", NOW)).toMatchObject({
      tables: ["SigninLogs", "AADNonInteractiveUserSignInLogs"],
      fuzzy: true,
    });
  });

  it("filters with in, or, !=, ago and between", () => {
    expect(run(`T | where CorrelationId in ("c1", "c3") | count`).rows).toEqual([[3]]);
    expect(run(`T | where CorrelationId in ("c3") or ResultType == "0" | count`).rows).toEqual([[2]]);
    expect(run(`T | where ResultType != "0" | count`).rows).toEqual([[3]]);
    expect(run("T | where TimeGenerated >= ago(7d) | count").rows).toEqual([[3]]);
    expect(run("T | where TimeGenerated between (ago(3d) .. now()) | count").rows).toEqual([[3]]);
    expect(
      run("T | where TimeGenerated between (datetime(2026-11-17T00:00:00Z) .. datetime(2026-11-19T00:00:00Z)) | count")
        .rows,
    ).toEqual([[1]]);
    expect(run(`T | where CorrelationId in~ ("C2") | count`).rows).toEqual([[1]]);
  });

  it("summarizes by columns and bins, with KQL's default names", () => {
    const s = run("T | summarize n=count() by CorrelationId | order by CorrelationId asc");
    expect(s.columns.map((c) => c.name)).toEqual(["CorrelationId", "n"]);
    expect(s.rows).toEqual([
      ["c1", 2],
      ["c2", 1],
      ["c3", 1],
    ]);
    const bins = run("T | summarize count() by bin(TimeGenerated, 1d) | order by TimeGenerated asc");
    expect(bins.columns.map((c) => c.name)).toEqual(["TimeGenerated", "count_"]);
    expect(bins.rows.map((r) => r[1])).toEqual([1, 1, 2]);
    expect(bins.rows.every((r) => (r[0] as number) % DAY === 0)).toBe(true);
    expect(run("T | summarize min(TimeGenerated), dcount(CorrelationId)").rows).toEqual([[NOW - 9 * DAY, 3]]);
    expect(run(`T | where ResultType == "none" | summarize min(TimeGenerated), count()`).rows).toEqual([[null, 0]]);
  });

  it("projects, takes and orders", () => {
    const p = run("T | project CorrelationId, code=ResultType | order by code desc | take 2");
    expect(p.columns.map((c) => c.name)).toEqual(["CorrelationId", "code"]);
    expect(p.rows).toEqual([
      ["c1", "50126"],
      ["c2", "50126"],
    ]);
    expect(run("T | order by TimeGenerated asc | take 1 | project CorrelationId").rows).toEqual([["c3"]]);
  });

  it("rejects what is outside the subset, naming the part", () => {
    const err = (q: string) => {
      try {
        run(q);
      } catch (e) {
        return e as KqlError;
      }
      throw new Error(`accepted: ${q}`);
    };
    expect(err("T | extend x = 1")).toMatchObject({
      kind: "unsupported",
      message: expect.stringContaining("'extend'"),
    });
    expect(err("T | summarize avg(x)")).toMatchObject({ kind: "unsupported", message: expect.stringContaining("avg") });
    expect(err("T | where CorrelationId has 'c'")).toMatchObject({ kind: "unsupported" });
    expect(err("let x = 1; T")).toMatchObject({ kind: "unsupported" });
    expect(err("T | where Missing == 'x'")).toMatchObject({
      kind: "semantic",
      message: expect.stringContaining("Missing"),
    });
    expect(err("T | where ResultType != 0")).toMatchObject({ kind: "semantic" });
    expect(err("T | where (")).toBeInstanceOf(KqlError);
  });
});

describe("activity log $filter", () => {
  const now = new Date(NOW);
  const iso = (ms: number) => new Date(ms).toISOString();

  it("accepts the documented shapes", () => {
    expect(
      parseActivityFilter(`eventTimestamp ge '${iso(NOW - DAY)}' and eventTimestamp le '${iso(NOW)}'`, now),
    ).toEqual({
      from: NOW - DAY,
      to: NOW,
    });
    expect(
      parseActivityFilter(`eventTimestamp ge '${iso(NOW - DAY)}' and resourceGroupName eq 'rg-a'`, now),
    ).toMatchObject({ to: NOW, resourceGroupName: "rg-a" });
    expect(
      parseActivityFilter(
        `eventTimestamp ge '${iso(NOW - DAY)}' and eventTimestamp le '${iso(NOW)}' and eventChannels eq 'Admin, Operation' and correlationId eq 'abc'`,
        now,
      ),
    ).toMatchObject({ correlationId: "abc" });
  });

  it("rejects everything else", () => {
    const start = `eventTimestamp ge '${iso(NOW - DAY)}'`;
    for (const f of [
      null,
      "",
      `resourceGroupName eq 'x'`,
      `${start} and operationName eq 'x'`,
      `${start} and caller eq 'x'`,
      `${start} or resourceGroupName eq 'x'`,
      `${start} and resourceGroupName eq 'a' and resourceProvider eq 'b'`,
      `eventTimestamp ge '${iso(NOW - 91 * DAY)}'`,
      `eventTimestamp ge 'yesterday'`,
      `eventTimestamp ge '${iso(NOW)}' and eventTimestamp le '${iso(NOW - DAY)}'`,
    ]) {
      expect(() => parseActivityFilter(f, now), String(f)).toThrow(FilterError);
    }
  });

  it("parses ISO 8601 timespans", () => {
    expect(parseTimespan("P7D", NOW)).toEqual({ from: NOW - 7 * DAY, to: NOW });
    expect(parseTimespan("PT12H", NOW)).toEqual({ from: NOW - DAY / 2, to: NOW });
    expect(parseTimespan(`${iso(NOW - DAY)}/${iso(NOW)}`, NOW)).toEqual({ from: NOW - DAY, to: NOW });
    expect(parseTimespan(`${iso(NOW - DAY)}/PT1H`, NOW)).toEqual({ from: NOW - DAY, to: NOW - DAY + 3_600_000 });
    expect(parseTimespan("P1DT2H", NOW)).toEqual({ from: NOW - DAY - 7_200_000, to: NOW });
    expect(parseTimespan("7 days", NOW)).toBeUndefined();
  });
});

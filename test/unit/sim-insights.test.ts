import { describe, expect, it } from "vitest";
import { type LogRow, MalformedQuery, parseInsightsQuery, runInsightsQuery } from "../../src/sim/aws/insights.js";

const DAY = 86_400_000;
const t0 = Date.parse("2026-11-20T00:00:00Z");
const rows: LogRow[] = [
  { id: "a", name: "ConsoleLogin", t: t0 + 1000, err: "Failed authentication" },
  { id: "b", name: "CreateVpc", t: t0 + DAY + 5, err: undefined },
  { id: "c", name: "ConsoleLogin", t: t0 + DAY + 10, err: undefined },
  { id: "d", name: "DeleteTrail", t: t0 + 3 * DAY, err: undefined },
].map((r) => {
  const record: Record<string, unknown> = { eventID: r.id, eventName: r.name, userIdentity: { type: "IAMUser" } };
  if (r.err) record.errorMessage = r.err;
  return {
    timestamp: r.t,
    ingestionTime: r.t + 60_000,
    message: JSON.stringify(record),
    record,
    logStream: "111122223333_CloudTrail_us-east-1",
    logGroup: "111122223333:trail",
    ptr: `ptr-${r.id}`,
  };
});

const run = (q: string) => runInsightsQuery(parseInsightsQuery(q), rows, 10_000).results;
const col = (res: { field: string; value: string }[][], f: string) =>
  res.map((r) => r.find((x) => x.field === f)?.value);

describe("Logs Insights subset", () => {
  it("filters eventID in [...] and projects fields (+ @ptr), newest first by default", () => {
    const res = run('fields @timestamp, eventID | filter eventID in ["a", "c", "zz"]');
    expect(col(res, "eventID")).toEqual(["c", "a"]);
    expect(res[0]!.map((f) => f.field)).toEqual(["@timestamp", "eventID", "@ptr"]);
    expect(col(res, "@timestamp")[1]).toBe("2026-11-20 00:00:01.000");
  });

  it("supports =, !=, and/or/not, ispresent, like, nested fields, sort and limit", () => {
    expect(col(run('filter eventName = "ConsoleLogin" | fields eventID'), "eventID")).toEqual(["c", "a"]);
    expect(col(run('filter eventName != "ConsoleLogin" | sort @timestamp asc | fields eventID'), "eventID")).toEqual([
      "b",
      "d",
    ]);
    expect(
      col(run('filter eventName = "ConsoleLogin" and ispresent(errorMessage) | fields eventID'), "eventID"),
    ).toEqual(["a"]);
    expect(
      col(
        run('filter not ispresent(errorMessage) or eventID = "a" | sort @timestamp asc | limit 2 | fields eventID'),
        "eventID",
      ),
    ).toEqual(["a", "b"]);
    expect(col(run("filter eventName like /Trail$/ | fields eventID"), "eventID")).toEqual(["d"]);
    expect(
      col(run('filter userIdentity.type = "IAMUser" | fields eventID | sort @timestamp asc | limit 1'), "eventID"),
    ).toEqual(["a"]);
  });

  it("counts by bin(1d) and by field", () => {
    const byDay = run("stats count(*) by bin(1d)");
    expect(byDay).toEqual([
      [
        { field: "bin(1d)", value: "2026-11-23 00:00:00.000" },
        { field: "count(*)", value: "1" },
      ],
      [
        { field: "bin(1d)", value: "2026-11-21 00:00:00.000" },
        { field: "count(*)", value: "2" },
      ],
      [
        { field: "bin(1d)", value: "2026-11-20 00:00:00.000" },
        { field: "count(*)", value: "1" },
      ],
    ]);
    const byName = run("stats count(*) as n by eventName | sort n desc");
    expect(byName[0]).toEqual([
      { field: "eventName", value: "ConsoleLogin" },
      { field: "n", value: "2" },
    ]);
    expect(run("stats count(*)")).toEqual([[{ field: "count(*)", value: "4" }]]);
  });

  it("rejects anything outside the subset", () => {
    for (const q of [
      "",
      "parse @message /x/ as y",
      "fields a | dedup a",
      "filter eventID in [a]",
      "stats avg(bytes) by bin(1d)",
      "limit 0",
      "filter (eventName = 'x'",
      "sort by x",
    ]) {
      expect(() => parseInsightsQuery(q), q).toThrow(MalformedQuery);
    }
  });
});

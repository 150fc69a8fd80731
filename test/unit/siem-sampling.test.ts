import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  coveringTrails,
  parseInsightsTime,
  parseLogGroupArn,
  recordIds,
  s3DayFolder,
  tamperWindowOf,
} from "../../src/collect/sampling/aws.js";
import { daysIn, perDayCounts, spreadSample } from "../../src/collect/sampling/common.js";
import { sampleWindow } from "../../src/collect/sampling/index.js";
import { isAzurePrivileged, isAzureTamper, privilegedNamesFor } from "../../src/collect/sampling/names.js";
import type { Trail } from "../../src/model/snapshot-aws.js";

const DAY = 86_400_000;

function trail(p: Partial<Trail>): Trail {
  return {
    arn: "arn:aws:cloudtrail:us-east-1:111111111111:trail/t",
    name: "t",
    homeRegion: "us-east-1",
    ownerAccountId: "111111111111",
    isMultiRegion: false,
    isOrganization: false,
    includeGlobalServiceEvents: true,
    logFileValidationEnabled: false,
    status: { state: "ok", value: { isLogging: true } },
    selectors: { kind: "basic", eventSelectors: [] },
    seenInRegions: [],
    ...p,
  };
}

describe("sampling helpers", () => {
  it("looks IAM and Organizations names up in us-east-1 only", () => {
    const use1 = privilegedNamesFor("us-east-1");
    const euw1 = privilegedNamesFor("eu-west-1");
    expect(use1).toContain("AttachRolePolicy");
    expect(use1).toContain("LeaveOrganization");
    expect(euw1).not.toContain("AttachRolePolicy");
    expect(euw1).toContain("AuthorizeSecurityGroupIngress");
    expect(euw1).toContain("StopLogging");
    expect(euw1).toContain("ScheduleKeyDeletion");
    expect(euw1).toContain("EnableVpcClassicLink");
    expect(new Set(use1).size).toBe(use1.length);
  });

  it("knows the Azure privileged and tamper operations, case-insensitively", () => {
    expect(isAzurePrivileged("microsoft.authorization/roleassignments/write")).toBe(true);
    expect(isAzurePrivileged("Microsoft.Compute/virtualMachines/write")).toBe(false);
    expect(isAzureTamper("Microsoft.Insights/diagnosticSettings/delete")).toBe(true);
    expect(isAzureTamper("Microsoft.Network/networkSecurityGroups/write")).toBe(false);
  });

  it("finds the trails covering a region, as DescribeTrails listed them", () => {
    const home = trail({ name: "home", homeRegion: "eu-west-1" });
    const multi = trail({ name: "multi", isMultiRegion: true, seenInRegions: ["us-east-1", "eu-west-1"] });
    const unknownSeen = trail({ name: "old", isMultiRegion: true, seenInRegions: [] });
    expect(coveringTrails([home, multi, unknownSeen], "eu-west-1").map((t) => t.name)).toEqual([
      "home",
      "multi",
      "old",
    ]);
    expect(coveringTrails([home, multi], "eu-south-1").map((t) => t.name)).toEqual([]);
  });

  it("reads eventIDs from gzipped and plain CloudTrail files", () => {
    const doc = JSON.stringify({ Records: [{ eventID: "a" }, { eventID: "b" }, { other: 1 }] });
    expect(recordIds(gzipSync(doc))).toEqual(["a", "b"]);
    expect(recordIds(Buffer.from(doc))).toEqual(["a", "b"]);
    expect(recordIds(Buffer.from("not json"))).toEqual([]);
  });

  it("builds the day folder of a trail's S3 logs", () => {
    const t = new Date("2026-11-05T23:59:00Z");
    expect(s3DayFolder("", undefined, "111111111111", "eu-west-1", t)).toBe(
      "AWSLogs/111111111111/CloudTrail/eu-west-1/2026/11/05/",
    );
    expect(s3DayFolder("logs/", "o-abc1234567", "111111111111", "eu-west-1", t)).toBe(
      "logs/AWSLogs/o-abc1234567/111111111111/CloudTrail/eu-west-1/2026/11/05/",
    );
  });

  it("parses log group ARNs and Insights timestamps", () => {
    expect(parseLogGroupArn("arn:aws:logs:us-east-1:111111111111:log-group:/a/b:*")).toEqual({
      region: "us-east-1",
      accountId: "111111111111",
      name: "/a/b",
    });
    expect(parseLogGroupArn("nope")).toBeUndefined();
    expect(parseInsightsTime("2026-11-27 10:00:00.000")?.toISOString()).toBe("2026-11-27T10:00:00.000Z");
    expect(parseInsightsTime("garbage")).toBeNull();
  });

  it("spreads a capped sample over the whole window", () => {
    const end = Date.parse("2026-11-27T12:00:00Z");
    const events = Array.from({ length: 70 }, (_, i) => ({ time: new Date(end - i * (DAY / 10)) }));
    const { picked, capped } = spreadSample(events, 7);
    expect(capped).toBe(true);
    expect(picked).toHaveLength(7);
    expect(new Set(picked.map((e) => e.time.toISOString().slice(0, 10))).size).toBe(7);
    expect(spreadSample(events.slice(0, 3), 7).capped).toBe(false);
  });

  it("counts per day, with null when the destination is unknown", () => {
    const days = daysIn(new Date("2026-11-25T10:00:00Z"), new Date("2026-11-27T09:00:00Z"));
    expect(days).toEqual(["2026-11-25", "2026-11-26", "2026-11-27"]);
    const ev = [
      { id: "a", time: new Date("2026-11-25T12:00:00Z"), name: "x" },
      { id: "b", time: new Date("2026-11-26T12:00:00Z"), name: "x" },
    ];
    expect(perDayCounts(days, ev, (e) => e.id === "a").map((d) => [d.source, d.siem])).toEqual([
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
    expect(perDayCounts(days, ev, undefined)[0]!.siem).toBeNull();
  });

  it("clamps the sample window to 90 days and looks tampering up over the whole history", () => {
    const now = new Date("2026-11-27T12:00:00Z");
    expect(sampleWindow(now, 365).start.toISOString()).toBe(new Date(now.getTime() - 90 * DAY).toISOString());
    const w = sampleWindow(now, 7);
    const tw = tamperWindowOf({ window: w });
    expect(tw.end).toEqual(now);
    expect((now.getTime() - tw.start.getTime()) / DAY).toBeGreaterThan(89.9);
  });
});

import { describe, expect, it } from "vitest";
import { interpretAdvanced, interpretBasic, interpretTrailSelectors } from "../../analyzers/aws/selectors.js";

const mgmt = { Field: "eventCategory", Equals: ["Management"] };

describe("basic event selectors", () => {
  it("an empty list on a trail without custom selectors is the default: all management events", () => {
    expect(interpretBasic([], false).level).toBe("all");
    expect(interpretBasic([], undefined).level).toBe("all");
    expect(interpretBasic([], true).level).toBe("none");
  });

  it("ReadWriteType All (or absent) with management events is complete", () => {
    expect(interpretBasic([{ ReadWriteType: "All", IncludeManagementEvents: true }]).level).toBe("all");
    expect(interpretBasic([{}], true).level).toBe("all");
  });

  it("WriteOnly or ReadOnly alone is partial, and says what is missing", () => {
    const w = interpretBasic([{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }]);
    expect(w).toMatchObject({ level: "partial", reads: false, writes: true });
    expect(w.reason).toContain("read-only events are not logged");
    const r = interpretBasic([{ ReadWriteType: "ReadOnly" }]);
    expect(r).toMatchObject({ level: "partial", reads: true, writes: false });
    expect(r.reason).toContain("write events are not logged");
  });

  it("ReadOnly in one selector and WriteOnly in another add up to complete", () => {
    expect(interpretBasic([{ ReadWriteType: "ReadOnly" }, { ReadWriteType: "WriteOnly" }]).level).toBe("all");
  });

  it("IncludeManagementEvents false (data events only) logs no management events", () => {
    const d = interpretBasic([
      { ReadWriteType: "All", IncludeManagementEvents: false, DataResources: [{ Type: "AWS::S3::Object" }] },
    ]);
    expect(d.level).toBe("none");
  });

  it("ExcludeManagementEventSources is partial unless another selector logs the excluded source", () => {
    const k = interpretBasic([{ ReadWriteType: "All", ExcludeManagementEventSources: ["kms.amazonaws.com"] }]);
    expect(k).toMatchObject({ level: "partial", excludedSources: ["kms.amazonaws.com"] });
    expect(
      interpretBasic([
        { ReadWriteType: "All", ExcludeManagementEventSources: ["kms.amazonaws.com"] },
        { ReadWriteType: "All", ExcludeManagementEventSources: ["rdsdata.amazonaws.com"] },
      ]).level,
    ).toBe("all");
  });
});

describe("advanced event selectors", () => {
  it("eventCategory Management with no readOnly field logs reads and writes", () => {
    expect(interpretAdvanced([{ Name: "mgmt", FieldSelectors: [mgmt] }]).level).toBe("all");
  });

  it("readOnly split across two selectors is complete; one of them alone is partial", () => {
    const reads = { Name: "r", FieldSelectors: [mgmt, { Field: "readOnly", Equals: ["true"] }] };
    const writes = { Name: "w", FieldSelectors: [mgmt, { Field: "readOnly", Equals: ["false"] }] };
    expect(interpretAdvanced([reads, writes]).level).toBe("all");
    expect(interpretAdvanced([writes])).toMatchObject({ level: "partial", reads: false, writes: true });
    expect(interpretAdvanced([reads])).toMatchObject({ level: "partial", reads: true, writes: false });
    expect(interpretAdvanced([{ FieldSelectors: [mgmt, { Field: "readOnly", NotEquals: ["true"] }] }])).toMatchObject({
      level: "partial",
      reads: false,
      writes: true,
    });
  });

  it("eventSource NotEquals is partial with the excluded sources", () => {
    const x = interpretAdvanced([
      { FieldSelectors: [mgmt, { Field: "eventSource", NotEquals: ["kms.amazonaws.com", "rdsdata.amazonaws.com"] }] },
    ]);
    expect(x).toMatchObject({ level: "partial", excludedSources: ["kms.amazonaws.com", "rdsdata.amazonaws.com"] });
    expect(x.reason).toContain("excludes kms.amazonaws.com");
  });

  it("other conditions (eventSource Equals, eventName, userIdentity) restrict: partial", () => {
    expect(
      interpretAdvanced([{ FieldSelectors: [mgmt, { Field: "eventSource", Equals: ["iam.amazonaws.com"] }] }]).level,
    ).toBe("partial");
    const n = interpretAdvanced([{ FieldSelectors: [mgmt, { Field: "eventName", NotEquals: ["ConsoleLogin"] }] }]);
    expect(n.level).toBe("partial");
    expect(n.reason).toContain("eventName");
  });

  it("a restricted selector beside a complete one does not lower coverage", () => {
    expect(
      interpretAdvanced([
        { FieldSelectors: [mgmt] },
        { FieldSelectors: [mgmt, { Field: "eventSource", Equals: ["iam.amazonaws.com"] }] },
      ]).level,
    ).toBe("all");
  });

  it("data-event selectors log no management events", () => {
    expect(
      interpretAdvanced([
        {
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Data"] },
            { Field: "resources.type", Equals: ["AWS::S3::Object"] },
          ],
        },
      ]).level,
    ).toBe("none");
  });
});

describe("selectors as recorded for a trail", () => {
  it("an organization trail managed centrally is complete only when DescribeTrails reports default selectors", () => {
    expect(interpretTrailSelectors({ kind: "managed-centrally" }, false).level).toBe("all");
    expect(interpretTrailSelectors({ kind: "managed-centrally" }, true).level).toBe("unknown");
    expect(interpretTrailSelectors({ kind: "managed-centrally" }, undefined).level).toBe("unknown");
  });

  it("unreadable selectors are unknown, never none", () => {
    const error = {
      kind: "denied" as const,
      service: "cloudtrail",
      operation: "GetEventSelectors",
      code: "AccessDeniedException",
      message: "denied",
      at: "2026-11-20T10:00:00.000Z",
    };
    expect(interpretTrailSelectors({ kind: "unknown", error }, false).level).toBe("unknown");
  });
});

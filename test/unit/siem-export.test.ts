import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSiemExport, parseSiemExport } from "../../src/collect/sampling/siem-export.js";
import { UserError } from "../../src/errors.js";

const ids = (text: string) => [...parseSiemExport(text).ids].sort();

describe("--siem-export parsing", () => {
  it("reads the id column of a CSV export (Splunk, quoted fields)", () => {
    const csv = '_time,eventName,"eventID"\n2026-11-01T10:00:00Z,"Put,Policy",a-1\n2026-11-01T11:00:00Z,X,"b-2"\n\n';
    expect(ids(csv)).toEqual(["a-1", "b-2"]);
  });

  it("accepts event_id / CorrelationId + EventDataId columns (Sentinel)", () => {
    expect(ids("event_id\nx1\nx2\n")).toEqual(["x1", "x2"]);
    expect(ids("TimeGenerated,CorrelationId,EventDataId\nt,c1,e1\nt,c2,e2\n")).toEqual(["c1", "c2", "e1", "e2"]);
  });

  it("refuses a CSV without an id column, naming the columns found", () => {
    expect(() => parseSiemExport("time,name\n1,2\n", "x.csv")).toThrow(UserError);
    expect(() => parseSiemExport("time,name\n1,2\n", "x.csv")).toThrow(/no id column/);
  });

  it("reads JSON arrays of strings and of objects, wrapped results and JSON Lines (Elastic)", () => {
    expect(ids('["a","b"]')).toEqual(["a", "b"]);
    expect(ids('[{"eventID":"a"},{"eventId":"b"},{"other":1}]')).toEqual(["a", "b"]);
    expect(ids('{"results":[{"event.id":"a"}]}')).toEqual(["a"]);
    expect(ids('{"hits":{"hits":[{"_source":{"eventID":"h1"}}]}}')).toEqual(["h1"]);
    expect(ids('{"eventID":"l1"}\n{"eventID":"l2"}\n')).toEqual(["l1", "l2"]);
  });

  it("reads one id per line, skipping blanks and comments", () => {
    expect(ids("# exported 2026-11-27\nid-1\n\n  id-2  \n")).toEqual(["id-1", "id-2"]);
  });

  it("loads a file and records only its name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "siem-export-"));
    const f = join(dir, "export.txt");
    writeFileSync(f, "a\nb\n");
    const x = await loadSiemExport(f);
    expect(x.name).toBe("export.txt");
    expect([...x.ids]).toEqual(["a", "b"]);
    await expect(loadSiemExport(join(dir, "missing.csv"))).rejects.toThrow(/cannot read the file \(ENOENT\)/);
  });
});

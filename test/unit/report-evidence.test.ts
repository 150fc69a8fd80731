import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { type EvidenceManifest, REPORT_FILE_NAMES, renderReport, writeEvidencePack } from "../../src/report/index.js";
import { toolVersion } from "../../src/version.js";
import { cli, tempDir } from "../helpers/cli.js";
import { emptySnapshot, reportAnalysis, reportSnapshot } from "../helpers/report-fixtures.js";
import { sampleSnapshot } from "../helpers/snapshot.js";

const sha = (buf: Buffer) => createHash("sha256").update(buf).digest("hex");
const FILES = [
  "SHA256SUMS",
  "controls.csv",
  "findings.csv",
  "findings.ocsf.json",
  "junit.xml",
  "manifest.json",
  "report.html",
  "report.json",
  "report.md",
  "report.sarif",
  "snapshot.json",
];

describe("evidence pack", () => {
  it("holds the snapshot, every format, controls.csv, a manifest whose digests verify, and SHA256SUMS", async () => {
    const dir = join(tempDir(), "pack");
    const returned = await writeEvidencePack(dir, reportSnapshot(), reportAnalysis());
    expect(readdirSync(dir).sort()).toEqual(FILES);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as EvidenceManifest;
    expect(manifest).toEqual(returned);
    expect(manifest.files.map((f) => f.path)).toEqual(FILES.filter((f) => f !== "manifest.json" && f !== "SHA256SUMS"));
    for (const f of manifest.files) {
      const bytes = readFileSync(join(dir, f.path));
      expect(sha(bytes), f.path).toBe(f.sha256);
      expect(bytes.length, f.path).toBe(f.bytes);
    }
    // every report in the pack is the same bytes as `report --format X`
    for (const [format, name] of Object.entries(REPORT_FILE_NAMES)) {
      expect(readFileSync(join(dir, name), "utf8"), name).toBe(
        renderReport(format as keyof typeof REPORT_FILE_NAMES, reportSnapshot(), reportAnalysis()),
      );
    }
    // sha256sum -c understands SHA256SUMS, and it covers the manifest too
    const sums = readFileSync(join(dir, "SHA256SUMS"), "utf8");
    expect(sums).toContain(`${sha(readFileSync(join(dir, "manifest.json")))}  manifest.json\n`);
    expect(execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: dir, encoding: "utf8" })).toContain(
      "manifest.json: OK",
    );
  });

  it("the manifest records the scan window, tool versions and a per-control summary", async () => {
    const dir = join(tempDir(), "pack");
    const m = await writeEvidencePack(dir, reportSnapshot(), reportAnalysis());
    expect(m.format).toBe("blindspot-evidence");
    expect(m.tool).toEqual({ name: "blindspot", version: toolVersion() });
    expect(m.scan).toMatchObject({
      tool: { name: "blindspot", version: "0.1.0" },
      startedAt: "2026-11-20T09:58:00.000Z",
      finishedAt: "2026-11-20T10:00:00.000Z",
      complete: true,
      window: { start: "2026-11-13T10:00:00.000Z", end: "2026-11-20T10:00:00.000Z" },
      retentionDays: 90,
    });
    expect(m.summary).toMatchObject({
      coverage: "20.0%",
      coverageRatio: 0.2,
      blindSpotRatio: 0.125,
      sampledEvents: 16,
      missingEvents: 2,
      findings: { fail: 8, unknown: 1, muted: 1, pass: 2 },
    });
    expect(m.controls.find((c) => c.control === "SOC 2 CC7.2")).toMatchObject({ result: "fail", fail: 4, pass: 2 });
    expect(m.controls.find((c) => c.control === "PCI DSS 4.0 10.5.1")).toMatchObject({ result: "unknown", unknown: 1 });
    const controlsCsv = readFileSync(join(dir, "controls.csv"), "utf8").split("\r\n");
    expect(controlsCsv[0]).toBe("control,result,fail,unknown,muted,pass,checks");
    expect(controlsCsv).toContain(
      "PCI DSS 4.0 10.2.1.4,pass,0,0,0,1,aws.siem.failed-logins-missing; azure.entra.signin-export-missing; azure.siem.failed-logins-missing",
    );
  });

  it("is deterministic: two packs of the same snapshot are byte-identical", async () => {
    const a = join(tempDir(), "a");
    const b = join(tempDir(), "b");
    await writeEvidencePack(a, reportSnapshot(), reportAnalysis());
    await writeEvidencePack(b, reportSnapshot(), reportAnalysis());
    for (const f of FILES) expect(readFileSync(join(b, f)), f).toEqual(readFileSync(join(a, f)));
  });

  it("replaces an older pack, refuses a folder that is not one (untouched), and leaves no temp folders", async () => {
    const root = tempDir();
    const dir = join(root, "pack");
    await writeEvidencePack(dir, emptySnapshot(), { findings: [], coverage: [] });
    await writeEvidencePack(dir, reportSnapshot(), reportAnalysis());
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).summary.findings.fail).toBe(8);
    expect(readdirSync(root)).toEqual(["pack"]);

    const other = join(root, "mine");
    mkdirSync(other);
    writeFileSync(join(other, "notes.txt"), "keep me");
    await expect(writeEvidencePack(other, reportSnapshot(), reportAnalysis())).rejects.toThrow(UserError);
    await expect(writeEvidencePack(other, reportSnapshot(), reportAnalysis())).rejects.toThrow(
      /is not empty and is not a blindspot evidence pack/,
    );
    expect(readdirSync(other)).toEqual(["notes.txt"]);
    const file = join(root, "file.txt");
    writeFileSync(file, "x");
    await expect(writeEvidencePack(file, reportSnapshot(), reportAnalysis())).rejects.toThrow(/is not a folder/);
    expect(readdirSync(root).sort()).toEqual(["file.txt", "mine", "pack"]);
  });

  it("report --format evidence --out DIR writes the pack and keeps --fail-on", async () => {
    const dir = tempDir();
    const snap = join(dir, "snap.json");
    writeFileSync(snap, JSON.stringify(sampleSnapshot()));
    const out = join(dir, "evidence");
    const r = await cli(["report", "--from", snap, "--format", "evidence", "--out", out, "--fail-on", "high"], {
      cwd: dir,
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("");
    expect(r.code).toBe(3);
    expect(readdirSync(out).sort()).toEqual(FILES);
    const refused = await cli(["report", "--from", snap, "--format", "evidence", "--out", dir], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(dir, "manifest.json"))).toBe(false);
  });
});

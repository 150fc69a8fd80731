import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Explorer } from "../../views/explorer.js";
import { loadExporter } from "../../views/export/exporter.js";
import { tuiAnalysis, tuiSnapshot } from "../helpers/tui-fixtures.js";
import { type ExplorerHarness, KEY, renderExplorer, renderUi, waitFor } from "./helpers.js";

let h: ExplorerHarness | undefined;
afterEach(() => h?.unmount());

describe("blind spots view", () => {
  it("shows per-scope bars, the sparkline with the StopLogging window, and the missing events", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    const f = await h.press("3");
    expect(f).toContain("Blind spots[4]  delivery 80.5% (58/72 found, 1 unchecked)");
    expect(f).toMatch(/privileged 111111111111 us-east-1 .*31\/40 -9/);
    expect(f).toMatch(/privileged subscription 0b1f6471.* 15\/20 -5/);
    expect(f).toMatch(/\? unchecked/);
    expect(f).toMatch(/failed-login 111111111111 us-east.*12\/12/);
    // The selected sample (us-east-1 privileged): gap on 2026-11-17 coincides with StopLogging (■ wins).
    expect(f).toMatch(/marks +···■···/);
    expect(f).toContain("Logging changes (1)");
    expect(f).toContain("StopLogging by user/mall");
    expect(f).toContain("off until 2026-11-17 09:40 (6h28m)");
    expect(f).toContain("Missing from the SIEM (2 of 9 listed)");
    expect(f).toContain("by user/mallory from 203.0.113.7");
  });

  it("moving to the Azure sample shows its delivery gap; an unchecked sample says why", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press("3", "j");
    let f = await h.until((x) => x.includes("arm:activityLogs.list"));
    expect(f).toMatch(/marks +····✗··/);
    await h.press("j");
    f = await h.until((x) => x.includes("Could not be checked"));
    expect(f).toContain("ThrottlingException");
  });

  it("Enter drills into the findings of the sample's scope", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press("3", KEY.enter);
    const f = await h.until((x) => x.includes("Findings(111111111111 us-east-1 (management))"));
    expect(f).toContain("aws.siem.blind-spot");
    expect(f).toContain("aws.tamper.logging-change");
  });
});

describe("export", () => {
  it("writes the chosen format to the path and confirms before overwriting", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 30 }, cwd: "/tmp/out" });
    let f = await h.press("5");
    expect(f).toContain("› json");
    expect(f).toContain("blindspot-report-2026-11-20.json");
    await h.press("j");
    f = await h.until((x) => x.includes("› md"));
    expect(f).toContain("blindspot-report-2026-11-20.md");
    await h.press("w");
    await h.until((x) => x.includes("Wrote md report to /tmp/out/blindspot-report-2026-11-20.md"));
    expect(h.exporter.written.get("/tmp/out/blindspot-report-2026-11-20.md")).toBe("report as md\n");
    // Second write of the same path asks first; n keeps the file.
    h.exporter.written.set("/tmp/out/blindspot-report-2026-11-20.md", "old");
    await h.press("w");
    await h.until((x) => x.includes("exists. Overwrite it? (y/n)"));
    await h.press("n");
    await h.until((x) => x.includes("not written"));
    expect(h.exporter.written.get("/tmp/out/blindspot-report-2026-11-20.md")).toBe("old");
    await h.press("w");
    await h.until((x) => x.includes("Overwrite it?"));
    await h.press("y");
    await h.until((x) => x.includes("Wrote md report"));
    expect(h.exporter.written.get("/tmp/out/blindspot-report-2026-11-20.md")).toBe("report as md\n");
  });

  it("edits the path (Esc restores it) and writes a real file atomically", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blindspot-tui-export-"));
    const snapshot = tuiSnapshot();
    const analysis = tuiAnalysis();
    const exporter = await loadExporter(snapshot, analysis);
    expect(exporter.formats[0]).toBe("json");
    expect(exporter.formats).toContain("html");
    let quit = 0;
    const ui = renderUi(
      <Explorer
        snapshot={snapshot}
        analysis={analysis}
        exporter={exporter}
        source="test"
        cwd={dir}
        size={{ columns: 100, rows: 30 }}
        onQuit={() => {
          quit++;
        }}
      />,
    );
    const frame = () => ui.lastFrame() ?? "";
    await waitFor(frame, (f) => f.includes("blindspot"));
    const send = async (k: string, until: (f: string) => boolean) => {
      ui.stdin.write(k);
      return waitFor(frame, until);
    };
    await send("5", (f) => f.includes("Export report"));
    await send("e", (f) => f.includes("path: blindspot-report-2026-11-20.json"));
    for (const _ of "blindspot-report-2026-11-20.json") ui.stdin.write("\u007F");
    await waitFor(frame, (f) => f.includes("path: "));
    for (const ch of "out/a.json") ui.stdin.write(ch);
    await waitFor(frame, (f) => f.includes("path: out/a.json"));
    await send("\r", (f) => f.includes("↑/↓ format · e edit path"));
    await send("w", (f) => f.includes(`Wrote json report to ${join(dir, "out/a.json")}`));
    const written = JSON.parse(readFileSync(join(dir, "out/a.json"), "utf8")) as {
      format: string;
      findings: unknown[];
    };
    expect(written.format).toBe("blindspot-report");
    expect(written.findings).toHaveLength(analysis.findings.length);
    // Overwrite needs y; the file is unchanged after n.
    writeFileSync(join(dir, "out/a.json"), "keep");
    await send("w", (f) => f.includes("Overwrite it?"));
    await send("n", (f) => f.includes("not written"));
    expect(readFileSync(join(dir, "out/a.json"), "utf8")).toBe("keep");
    await send("e", (f) => f.includes("path: out/a.json"));
    ui.stdin.write("x");
    await waitFor(frame, (f) => f.includes("path: out/a.jsonx"));
    await send("\u001B", (f) => f.includes("↑/↓ format"));
    expect(frame()).toContain("out/a.json");
    expect(frame()).not.toContain("a.jsonx");
    expect(quit).toBe(0);
    ui.unmount();
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { largeEstate } from "../helpers/tui-fixtures.js";
import { type ExplorerHarness, KEY, renderExplorer } from "./helpers.js";

let h: ExplorerHarness | undefined;
afterEach(() => h?.unmount());

const rowsOf = (frame: string) => frame.split("\n").filter((l) => /^[ *] [✗?~✓] /.test(l));

describe("findings view", () => {
  it("lists findings with the detail pane: evidence, controls, remediation", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    const f = await h.press("2");
    expect(f).toContain("Findings[8/8]");
    expect(rowsOf(f)).toHaveLength(8);
    expect(rowsOf(f)[0]).toContain("critical aws.siem.blind-spot");
    expect(f).toContain("Evidence");
    expect(f).toContain("· missing: 9");
    expect(f).toContain("Controls");
    expect(f).toContain("SOC 2 CC7.2");
    expect(f).toContain("Remediation");
    const detail = await h.press(KEY.enter);
    expect(detail).not.toContain("SEVERITY CHECK / TITLE");
    expect(detail).toContain("check    aws.siem.blind-spot");
    expect(detail).toContain("Overview › Findings › aws.siem.blind-spot");
    await h.press(KEY.escape);
    await h.until((x) => x.includes("SEVERITY CHECK / TITLE"));
  });

  it("j/k, G/g move the cursor; the detail follows; muted findings show why", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press("2", "G", "k");
    let f = await h.until((x) => x.includes("Muted until 2026-12-31"));
    expect(f).toContain("SSE-S3 accepted by");
    await h.press("g", "j", "j", "j", "j", "j");
    f = await h.until((x) => x.includes("Could not be verified"));
    expect(f).toContain("treated as NOT");
  });

  it("/ filters as you type, ! inverts, Esc clears", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press("2", "/");
    await h.type("kms");
    let f = await h.until((x) => x.includes("Findings[1/8] </kms>"));
    expect(f).toContain("/kms");
    expect(rowsOf(f)).toHaveLength(1);
    expect(rowsOf(f)[0]).toContain("aws.trail.kms-disabled");
    await h.press(KEY.enter);
    await h.press(KEY.escape);
    f = await h.until((x) => x.includes("Findings[8/8]"));
    await h.press("/", "!");
    await h.type("kms");
    f = await h.until((x) => x.includes("Findings[7/8] </!kms>"));
    expect(f).not.toContain("aws.trail.kms-disabled");
    // Esc while typing cancels the filter.
    await h.press(KEY.escape);
    await h.until((x) => x.includes("Findings[8/8]"));
  });

  it("severity and cloud filters, sort", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press("2", "s");
    let f = await h.until((x) => x.includes("sev:critical"));
    expect(rowsOf(f).every((l) => l.includes("critical") || l.includes("unknown"))).toBe(true);
    expect(f).toContain("Findings[4/8]");
    await h.press("s");
    f = await h.until((x) => x.includes("sev:high+"));
    expect(f).toContain("Findings[6/8]");
    await h.press(KEY.escape, "c", "c");
    f = await h.until((x) => x.includes("cloud:azure"));
    expect(f).toContain("Findings[1/8]");
    expect(rowsOf(f)[0]).toContain("azure.activity.export-mi");
    await h.press(KEY.escape, "o", "o");
    f = await h.until((x) => x.includes("sort:check"));
    expect(rowsOf(f)[0]).toContain("aws.region.unreachable");
  });

  it("space marks, f previews the marked findings", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press("2", KEY.space, KEY.space);
    let f = await h.until((x) => x.includes("marked:2"));
    expect(rowsOf(f).filter((l) => l.startsWith("*"))).toHaveLength(2);
    await h.press("f");
    f = await h.until((x) => x.includes("Fix preview · 2 marked finding(s)"));
    // Neither has a configuration fix: both are listed as skipped, with their reasons.
    expect(f).toMatch(/skipped \w+ aws\.siem\.blind-spot: a blind spot is closed by fixing its cause/);
    expect(f).toMatch(/skipped \w+ aws\.tamper\.logging-changed: a past change to review/);
    expect(f).toContain("closes nothing");
  });

  it("narrow: Enter opens the detail as its own layer, Esc closes it", async () => {
    h = await renderExplorer({ size: { columns: 70, rows: 20 } });
    await h.press("2");
    let f = await h.until((x) => x.includes("Findings[8/8]"));
    expect(f).not.toContain("Remediation");
    await h.press(KEY.enter);
    f = await h.until((x) => x.includes("Evidence"));
    expect(f).toContain("check    aws.siem.blind-spot");
    await h.press(KEY.escape);
    f = await h.until((x) => x.includes("Findings[8/8]"));
  });

  it("10,000 findings: renders only the visible window, pages and jumps to the end, filters", async () => {
    const { snapshot, analysis } = largeEstate(10_000);
    h = await renderExplorer({ size: { columns: 100, rows: 30 }, snapshot, analysis });
    let f = await h.press("2");
    expect(f).toContain("Findings[10000/10000]");
    expect(rowsOf(f).length).toBe(30 - 2 - 2 - 1 - 2);
    await h.press("G");
    const last = analysis.findings.at(-1)!;
    f = await h.until((x) => x.includes(last.title));
    expect(rowsOf(f).at(-1)).toContain(last.checkId.slice(0, 20));
    await h.press(KEY.pageUp, "/");
    await h.type("#9999");
    f = await h.until((x) => x.includes("Findings[1/10000]"));
    expect(rowsOf(f)).toHaveLength(1);
  });
});

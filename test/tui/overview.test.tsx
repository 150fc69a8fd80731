import { afterEach, describe, expect, it } from "vitest";
import { type ExplorerHarness, KEY, renderExplorer } from "./helpers.js";

let h: ExplorerHarness | undefined;
afterEach(() => h?.unmount());

describe("overview", () => {
  it("shows the headline coverage, delivery ratio and severity counts", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 30 } });
    const f = h.lastFrame();
    expect(f).toContain("Coverage 40.0%");
    expect(f).toContain("4/10 cells");
    expect(f).toContain("Delivery 80.5%");
    expect(f).toContain("58/72 sampled events in SIEM, 1 samples unchecked");
    expect(f).toContain("critical 3");
    expect(f).toContain("high 2");
    expect(f).toContain("unknown 1");
    expect(f).toContain("muted 1");
  });

  it("draws the heatmap with a glyph per status and a legend; unknown cells are ?, never covered", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 30 } });
    const f = h.lastFrame();
    expect(f).toMatch(/use1 +afs1 +apse2 +euc1 +euw1/);
    const mgmt = f.split("\n").find((l) => l.startsWith("management"))!;
    // us-east-1 partial, af-south-1 n/a, ap-southeast-2 covered, eu-central-1 covered, eu-west-1 unknown
    expect(mgmt).toMatch(/management\s+◐\s+·\s+●\s+●\s+\?/);
    const denied = f.split("\n").find((l) => l.startsWith("payments-prod"))!;
    expect(denied).toMatch(/payments-prod\s+\?/);
    expect(f).toContain("● covered 4");
    expect(f).toContain("? unknown 3");
    expect(f).toContain("✗ uncovered 2");
    expect(f).toContain("Top blind spots (3)");
    expect(f).toContain("9/40 missing 111111111111 us-east-1");
  });

  it("moves over the heatmap and shows the cell under the cursor", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 30 } });
    expect(h.lastFrame()).toContain("management us-east-1");
    await h.press("l", "l", "l", "l");
    let f = await h.until((x) => x.includes("management eu-west-1"));
    expect(f).toContain("region unreachable:");
    expect(f).toContain("AccessDeniedException");
    await h.press(KEY.down, KEY.down, KEY.left);
    f = await h.until((x) => x.includes("analytics-dev eu-central-1"));
    expect(f).toContain("✗ uncovered");
    expect(f).toContain("no trail logs management events");
  });

  it("Enter on a cell drills into its findings; Esc comes back to the overview", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 30 } });
    await h.press(KEY.down, KEY.down, "l", "l", "l", KEY.enter);
    const f = await h.until((x) => x.includes("Findings(analytics-dev eu-central-1)"));
    expect(f).toContain("[1/8]");
    expect(f).toContain("aws.trail.region-uncovered");
    expect(f).not.toContain("aws.siem.blind-spot");
    expect(f).toContain("Overview › analytics-dev eu-central-1 › Findings");
    await h.press(KEY.escape);
    const back = await h.until((x) => x.includes("Overview › AWS heatmap"));
    expect(back).toContain("Coverage 40.0%");
  });

  it("tab moves to the Azure grid; Enter drills into a subscription", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 30 } });
    await h.press(KEY.tab);
    let f = await h.until((x) => x.includes("Overview › Azure subscriptions"));
    expect(f).toContain("✗ uncovered");
    expect(f).toContain("no diagnostic setting exports the");
    await h.press(KEY.enter);
    f = await h.until((x) => x.includes("Findings(prod)"));
    expect(f).toContain("azure.activity.export-missing");
  });

  it("Enter on a top blind spot opens the blind spots view on it", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 30 } });
    await h.press(KEY.tab, KEY.tab, KEY.down, KEY.enter);
    const f = await h.until((x) => x.includes("Overview › Blind spots"));
    expect(f).toContain("Overview › Blind spots › subscription 0b1f6471-1bf0-4dda-aec3-111111111111 (prod)");
    expect(f).toContain("by ops@example.com from 198.51.100.4");
  });

  it("one column below 80 columns and still usable at 70x20", async () => {
    h = await renderExplorer({ size: { columns: 70, rows: 20 } });
    const f = h.lastFrame();
    const lines = f.split("\n");
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(70);
    expect(f).toContain("Coverage 40.0%");
    expect(f).toMatch(/management\s+◐/);
    expect(f).toContain("2 finding(s) · Enter: findings of this cell");
    await h.press(KEY.enter);
    await h.until((x) => x.includes("Findings(management us-east-1)"));
  });
});

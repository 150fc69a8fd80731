import { afterEach, describe, expect, it } from "vitest";
import { Explorer } from "../../views/explorer.js";
import { memoryExporter, tuiAnalysis, tuiSnapshot } from "../helpers/tui-fixtures.js";
import { type ExplorerHarness, KEY, renderExplorer, renderUi, waitFor } from "./helpers.js";

let h: ExplorerHarness | undefined;
afterEach(() => h?.unmount());

describe("help, command line, quit, rescan, status line", () => {
  it("? opens help generated from the keymap; Esc closes it", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 40 } });
    await h.press("2", "?");
    const f = await h.until((x) => x.includes("Help  (Esc or ? closes"));
    expect(f).toContain("Findings");
    expect(f).toContain("Filter the list (start with ! to invert)");
    expect(f).toContain("Navigation");
    expect(f).toContain("Global");
    await h.press(KEY.escape);
    await h.until((x) => x.includes("Findings[8/8]"));
  });

  it("Esc backs out one layer at a time: overlay, filter, drill-down, view", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press(KEY.enter, "/");
    await h.type("blind");
    await h.press(KEY.enter, "?");
    await h.until((x) => x.includes("Help"));
    await h.press(KEY.escape);
    let f = await h.until((x) => x.includes("</blind>"));
    expect(f).toContain("Findings(management us-east-1)[1/");
    await h.press(KEY.escape);
    f = await h.until((x) => !x.includes("</blind>"));
    expect(f).toContain("Findings(management us-east-1)");
    await h.press(KEY.escape);
    await h.until((x) => x.includes("Overview › AWS heatmap"));
  });

  it(":findings, :region eu-west-1, unknown commands, :q", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press(":");
    await h.type("findings");
    let f = await h.until((x) => x.includes(":findings"));
    await h.press(KEY.enter);
    f = await h.until((x) => x.includes("Findings[8/8]"));
    await h.press(":");
    await h.type("region eu-west-1");
    await h.press(KEY.enter);
    f = await h.until((x) => x.includes("Findings(eu-west-1)[1/8]"));
    expect(f).toContain("aws.region.unreachable");
    await h.press(":");
    await h.type("region mars-1");
    await h.press(KEY.enter);
    await h.until((x) => x.includes("no region mars-1 in this snapshot"));
    await h.press(":");
    await h.type("bogus");
    await h.press(KEY.enter);
    await h.until((x) => x.includes("unknown command :bogus; try :help"));
    expect(h.quit.calls).toBe(0);
    await h.press(":", "q", KEY.enter);
    expect(h.quit.calls).toBe(1);
  });

  it("a command or filter arriving in one chunk (paste, tmux send-keys) is run as a whole", async () => {
    h = await renderExplorer({ size: { columns: 100, rows: 34 } });
    await h.press(":region eu-west-1\r");
    let f = await h.until((x) => x.includes("Findings(eu-west-1)[1/8]"));
    await h.press(KEY.escape, KEY.escape);
    await h.press("2");
    await h.press("/kms");
    f = await h.until((x) => x.includes("</kms>"));
    expect(f).toContain("/kms");
    await h.press("jj");
    expect(h.quit.calls).toBe(0);
  });

  it("q and ctrl-c quit", async () => {
    h = await renderExplorer();
    await h.press("q");
    expect(h.quit.calls).toBe(1);
    await h.press(KEY.ctrlC);
    expect(h.quit.calls).toBe(2);
  });

  it("ctrl-r says why without a live source, rescans with one", async () => {
    h = await renderExplorer();
    await h.press(KEY.ctrlR);
    await h.until((x) => x.includes("rescan needs a live source"));
    h.unmount();
    h = await renderExplorer({ withRescan: true });
    await h.press(KEY.ctrlR);
    expect(h.rescans.calls).toBe(1);
  });

  it("a key of another view says where it works", async () => {
    h = await renderExplorer();
    await h.press("/");
    await h.until((x) => x.includes("works in Findings: press 2"));
  });

  it("1-5 and tab switch views; the status line clears by itself", async () => {
    const ui = renderUi(
      <Explorer
        snapshot={tuiSnapshot()}
        analysis={tuiAnalysis()}
        exporter={memoryExporter()}
        source="test"
        cwd="/tmp"
        size={{ columns: 100, rows: 30 }}
        onQuit={() => {}}
        statusMs={60}
        initialStatus={{ text: "hello status", level: "info" }}
      />,
    );
    const frame = () => ui.lastFrame() ?? "";
    await waitFor(frame, (f) => f.includes("hello status"));
    await waitFor(frame, (f) => !f.includes("hello status"));
    ui.stdin.write("3");
    await waitFor(frame, (f) => f.includes("Overview › Blind spots"));
    ui.stdin.write("\t");
    await waitFor(frame, (f) => f.includes("Findings › Fix preview"));
    ui.stdin.write("1");
    await waitFor(frame, (f) => f.includes("Overview › AWS heatmap"));
    ui.unmount();
  });

  it("an incomplete snapshot is marked in the header", async () => {
    h = await renderExplorer({ snapshot: { ...tuiSnapshot(), complete: false } });
    expect(h.lastFrame()).toContain("blindspot INCOMPLETE SCAN");
  });
});

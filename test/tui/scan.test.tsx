import { describe, expect, it } from "vitest";
import type { Analysis } from "../../analyzers/index.js";
import type { ScanEventSink } from "../../src/model/events.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { LiveApp } from "../../views/live-app.js";
import { earlyFailure, startScanRun } from "../../views/scan/scan-run.js";
import { memoryExporter, tuiAnalysis, tuiSnapshot } from "../helpers/tui-fixtures.js";
import { KEY, pressUntil, renderUi, waitFor } from "./helpers.js";

/** A scan that emits a few events, then waits to be released or aborted. */
function fakeScan() {
  const calls: AbortSignal[] = [];
  let release: (() => void) | undefined;
  const scan = (signal: AbortSignal, emit: ScanEventSink): Promise<Snapshot> => {
    calls.push(signal);
    emit({ type: "scan-started", at: "2026-11-20T10:00:00.000Z", clouds: ["aws", "azure"] });
    emit({ type: "progress", cloud: "aws", unit: "accounts", done: 1, total: 3 });
    emit({ type: "progress", cloud: "aws", unit: "regions", done: 5, total: 20 });
    emit({ type: "progress", cloud: "azure", unit: "subscriptions", done: 2, total: 3 });
    emit({ type: "api-call", cloud: "aws", service: "cloudtrail", operation: "DescribeTrails", ms: 4, ok: true });
    emit({ type: "throttled", cloud: "aws", service: "cloudtrail", operation: "LookupEvents", retryInMs: 500 });
    emit({
      type: "scope-error",
      scope: { cloud: "aws", accountId: "222222222222" },
      error: {
        kind: "denied",
        service: "sts",
        operation: "AssumeRole",
        code: "AccessDenied",
        message: "no",
        at: "2026-11-20T10:00:00.000Z",
      },
    });
    return new Promise((resolve) => {
      const done = () => resolve(tuiSnapshot());
      release = done;
      signal.addEventListener("abort", done, { once: true });
    });
  };
  return { scan, calls, release: () => release?.() };
}

function renderLive(scan: (signal: AbortSignal, emit: ScanEventSink) => Promise<Snapshot>) {
  const exits: { error?: unknown }[] = [];
  const analyses: Snapshot[] = [];
  const ui = renderUi(
    <LiveApp
      scan={scan}
      clouds={["aws", "azure"]}
      analyze={(s): Analysis => {
        analyses.push(s);
        return tuiAnalysis();
      }}
      makeExporter={async () => memoryExporter()}
      source="demo simulator"
      cwd="/tmp"
      size={{ columns: 100, rows: 30 }}
      tickMs={10}
      onExit={(r) => exits.push(r)}
    />,
  );
  const frame = () => ui.lastFrame() ?? "";
  return { ui, frame, exits, analyses };
}

describe("scan screen", () => {
  it("shows progress per cloud and counters; q stops the scan and explores what was collected, marked incomplete", async () => {
    const fake = fakeScan();
    const { ui, frame, analyses, exits } = renderLive(fake.scan);
    const f = await waitFor(frame, (x) => x.includes("5/20"));
    expect(f).toContain("AWS");
    expect(f).toMatch(/accounts .* 1\/3/);
    expect(f).toMatch(/subscriptions .* 2\/3/);
    expect(f).toContain("API calls 1 (0 failed) · throttled 1");
    expect(f).toContain("errors 1");
    expect(f).toContain("✗ 222222222222: sts:AssumeRole AccessDenied");
    expect(f).toContain("elapsed");
    expect(f).toContain("ETA");
    ui.stdin.write("q");
    await waitFor(frame, (x) => x.includes("INCOMPLETE SCAN"));
    expect(fake.calls[0]!.aborted).toBe(true);
    expect(analyses[0]!.complete).toBe(false);
    expect(frame()).toContain("scan stopped early");
    expect(exits).toHaveLength(0);
    await pressUntil(ui.stdin, "q", () => exits.length === 1);
    expect(exits[0]).toEqual({});
    ui.unmount();
  });

  it("a finished scan opens the explorer; ctrl-r scans again", async () => {
    const fake = fakeScan();
    const { ui, frame } = renderLive(fake.scan);
    await waitFor(frame, (x) => x.includes("5/20"));
    fake.release();
    await waitFor(frame, (x) => x.includes("Overview › AWS heatmap"));
    expect(frame()).not.toContain("INCOMPLETE");
    expect(frame()).toContain("scan finished");
    await pressUntil(ui.stdin, KEY.ctrlR, () => frame().includes("API calls"));
    await waitFor(frame, (x) => x.includes("5/20"));
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]!.aborted).toBe(false);
    ui.unmount();
  });

  it("a failed scan says so; q quits with the error", async () => {
    const { ui, frame, exits } = renderLive(async () => {
      throw new Error("boom");
    });
    await waitFor(frame, (x) => x.includes("scan failed: boom"));
    ui.stdin.write("q");
    await waitFor(frame, () => exits.length === 1);
    expect((exits[0]!.error as Error).message).toBe("boom");
    ui.unmount();
  });

  it("earlyFailure catches a scanner that refuses at once, and not one that runs", async () => {
    const refused = startScanRun(async () => {
      throw new Error("not available yet");
    });
    expect(((await earlyFailure(refused.promise)) as Error).message).toBe("not available yet");
    const running = startScanRun(fakeScan().scan);
    expect(await earlyFailure(running.promise)).toBeUndefined();
    running.controller.abort();
    await running.promise;
    expect(running.drain().map((e) => e.type)).toContain("scan-started");
  });
});

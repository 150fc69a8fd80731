import { describe, expect, it } from "vitest";
import { makeFinding } from "../../analyzers/context.js";
import { barCells } from "../../views/components/bar.js";
import { dayMarks, sparkGlyph } from "../../views/components/sparkline.js";
import {
  deliveryRatio,
  derive,
  parseFilterText,
  percent,
  queryFindings,
  regionCode,
  tamperDays,
} from "../../views/data/derive.js";
import { appReducer, INITIAL_APP } from "../../views/state/app-reducer.js";
import { parseCommandLine } from "../../views/state/command-line.js";
import { exportReducer, initialExport } from "../../views/state/export-reducer.js";
import { findingsReducer, hasActiveFilter, INITIAL_FINDINGS } from "../../views/state/findings-reducer.js";
import { clampList, moveList, START } from "../../views/state/list.js";
import { INITIAL_OVERVIEW, type OverviewBounds, overviewReducer } from "../../views/state/overview-reducer.js";
import { formatDuration, initialScan, scanEta, scanFraction, scanReducer } from "../../views/state/scan-reducer.js";
import { tuiAnalysis, tuiSnapshot } from "../helpers/tui-fixtures.js";

describe("list cursor", () => {
  it("moves, pages and keeps the cursor inside the visible window", () => {
    let s = START;
    s = moveList(s, "down", 100, 10);
    expect(s).toEqual({ cursor: 1, offset: 0 });
    s = moveList(s, "pageDown", 100, 10);
    expect(s).toEqual({ cursor: 11, offset: 2 });
    s = moveList(s, "bottom", 100, 10);
    expect(s).toEqual({ cursor: 99, offset: 90 });
    s = moveList(s, "up", 100, 10);
    expect(s).toEqual({ cursor: 98, offset: 90 });
    s = moveList(s, "top", 100, 10);
    expect(s).toEqual({ cursor: 0, offset: 0 });
    expect(moveList(s, "up", 100, 10)).toEqual({ cursor: 0, offset: 0 });
    expect(moveList(s, "down", 0, 10)).toEqual(START);
  });

  it("clamps when the list shrinks", () => {
    expect(clampList({ cursor: 50, offset: 45 }, 10, 5)).toEqual({ cursor: 9, offset: 5 });
    expect(clampList({ cursor: 3, offset: 0 }, 0, 5)).toEqual(START);
  });
});

describe("findings reducer and query", () => {
  const analysis = tuiAnalysis();
  const d = derive(tuiSnapshot(), analysis);
  const q = (state = INITIAL_FINDINGS) => queryFindings(analysis.findings, d.haystack, state.query);

  it("filters by text and inverts with a leading !", () => {
    let s = findingsReducer(INITIAL_FINDINGS, { type: "start-filter" });
    for (const ch of "kms") s = findingsReducer(s, { type: "filter-input", text: ch });
    expect(s.isEditingFilter).toBe(true);
    expect(q(s).map((f) => f.checkId)).toEqual(["aws.trail.kms-disabled"]);
    const inverted = findingsReducer(findingsReducer(s, { type: "clear-filter" }), {
      type: "set-filter",
      text: "!kms",
    });
    expect(q(inverted)).toHaveLength(analysis.findings.length - 1);
    expect(q(inverted).some((f) => f.checkId === "aws.trail.kms-disabled")).toBe(false);
    expect(parseFilterText("!  KMS ")).toEqual({ needle: "kms", inverted: true });
  });

  it("cycles severity, cloud, status and sort; any query change goes back to the top", () => {
    let s = { ...INITIAL_FINDINGS, list: { cursor: 4, offset: 2 } };
    s = findingsReducer(s, { type: "cycle-severity" });
    expect(s.query.severity).toBe("critical");
    expect(s.list).toEqual(START);
    expect(q(s).every((f) => f.severity === "critical")).toBe(true);
    s = findingsReducer(s, { type: "cycle-severity" });
    expect(q(s).every((f) => f.severity === "critical" || f.severity === "high")).toBe(true);
    s = findingsReducer({ ...INITIAL_FINDINGS }, { type: "cycle-cloud" });
    expect(q(s).every((f) => f.cloud === "aws")).toBe(true);
    s = findingsReducer(s, { type: "cycle-cloud" });
    expect(q(s).map((f) => f.cloud)).toEqual(["azure"]);
    s = findingsReducer(INITIAL_FINDINGS, { type: "cycle-status" });
    expect(s.query.status).toBe("open");
    expect(q(s).every((f) => f.status === "fail" || f.status === "unknown")).toBe(true);
    s = findingsReducer(INITIAL_FINDINGS, { type: "set-sort", sort: "resource" });
    const resources = q(s).map((f) => f.resource);
    expect(resources).toEqual([...resources].sort());
    expect(hasActiveFilter(INITIAL_FINDINGS.query)).toBe(false);
    expect(hasActiveFilter(findingsReducer(INITIAL_FINDINGS, { type: "cycle-cloud" }).query)).toBe(true);
  });

  it("marks and unmarks, marks all, clears", () => {
    let s = findingsReducer(INITIAL_FINDINGS, { type: "toggle-mark", id: "a" });
    s = findingsReducer(s, { type: "toggle-mark", id: "b" });
    expect([...s.marks]).toEqual(["a", "b"]);
    s = findingsReducer(s, { type: "toggle-mark", id: "a" });
    expect([...s.marks]).toEqual(["b"]);
    s = findingsReducer(s, { type: "mark-all", ids: ["c", "d"] });
    expect(s.marks.size).toBe(3);
    expect(findingsReducer(s, { type: "clear-marks" }).marks.size).toBe(0);
  });

  it("filter-cancel clears the text and leaves editing; reset keeps the sort and the drill-down", () => {
    let s = findingsReducer(INITIAL_FINDINGS, { type: "filter-input", text: "x" });
    s = findingsReducer(s, { type: "filter-cancel" });
    expect(s.query.text).toBe("");
    expect(s.isEditingFilter).toBe(false);
    s = findingsReducer(s, { type: "set-sort", sort: "check" });
    s = findingsReducer(s, { type: "set-scope", scope: { label: "eu-west-1", region: "eu-west-1" } });
    s = findingsReducer(s, { type: "cycle-severity" });
    s = findingsReducer(s, { type: "reset-filters" });
    expect(s.query.severity).toBe("all");
    expect(s.query.sort).toBe("check");
  });

  it("drill-down by region keeps only that region's findings", () => {
    const s = findingsReducer(INITIAL_FINDINGS, {
      type: "set-scope",
      scope: { label: "eu-west-1", region: "eu-west-1" },
    });
    const list = q(s);
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((f) => f.scope.cloud === "aws" && f.scope.region === "eu-west-1")).toBe(true);
  });
});

describe("overview reducer", () => {
  const bounds: OverviewBounds = {
    accounts: 3,
    regions: 5,
    visibleRows: 2,
    visibleCols: 3,
    azureCells: 3,
    azureColumns: 2,
    azureRows: 1,
    topItems: 2,
    topRows: 2,
  };
  it("moves the heatmap cursor by row and column with windows", () => {
    let s = overviewReducer(INITIAL_OVERVIEW, { type: "move", move: "right", bounds });
    s = overviewReducer(s, { type: "move", move: "right", bounds });
    s = overviewReducer(s, { type: "move", move: "right", bounds });
    expect(s.col).toEqual({ cursor: 3, offset: 1 });
    s = overviewReducer(s, { type: "move", move: "bottom", bounds });
    expect(s.row).toEqual({ cursor: 2, offset: 1 });
  });
  it("tabs through panes and moves in the Azure grid", () => {
    let s = overviewReducer(INITIAL_OVERVIEW, { type: "next-pane", bounds });
    expect(s.pane).toBe("azure");
    s = overviewReducer(s, { type: "move", move: "down", bounds });
    expect(s.azure.cursor).toBe(2);
    s = overviewReducer(s, { type: "move", move: "down", bounds });
    expect(s.azure.cursor).toBe(2);
    s = overviewReducer(s, { type: "next-pane", bounds });
    expect(s.pane).toBe("top");
    expect(overviewReducer(s, { type: "next-pane", bounds }).pane).toBe("aws");
    expect(overviewReducer(INITIAL_OVERVIEW, { type: "next-pane", bounds, reverse: true }).pane).toBe("top");
    expect(overviewReducer(INITIAL_OVERVIEW, { type: "next-pane", bounds: { ...bounds, azureCells: 0 } }).pane).toBe(
      "top",
    );
  });
});

describe("app reducer", () => {
  it("remembers history for Esc and clears only the current status", () => {
    let s = appReducer(INITIAL_APP, { type: "go", view: "findings" });
    s = appReducer(s, { type: "go", view: "fix" });
    expect(s.history).toEqual(["overview", "findings"]);
    s = appReducer(s, { type: "back" });
    expect(s.view).toBe("findings");
    s = appReducer(s, { type: "status", text: "one" });
    const first = s.status!.seq;
    s = appReducer(s, { type: "status", text: "two", level: "error" });
    expect(appReducer(s, { type: "clear-status", seq: first }).status?.text).toBe("two");
    expect(appReducer(s, { type: "clear-status", seq: s.status!.seq }).status).toBeUndefined();
  });
  it("command line: typing, backspace, backspace on empty closes", () => {
    let s = appReducer(INITIAL_APP, { type: "open-command" });
    s = appReducer(s, { type: "command-input", text: "q" });
    expect(s.commandText).toBe("q");
    s = appReducer(s, { type: "command-backspace" });
    expect(s.overlay).toBe("command");
    expect(appReducer(s, { type: "command-backspace" }).overlay).toBe("none");
  });
});

describe("command line parser", () => {
  it("parses views, region, quit and filters, and rejects the rest with a hint", () => {
    expect(parseCommandLine("findings")).toEqual({ kind: "view", view: "findings" });
    expect(parseCommandLine("3")).toEqual({ kind: "view", view: "blindspots" });
    expect(parseCommandLine("region eu-west-1")).toEqual({ kind: "region", region: "eu-west-1" });
    expect(parseCommandLine("q")).toEqual({ kind: "quit" });
    expect(parseCommandLine("severity high")).toEqual({ kind: "severity", severity: "high" });
    expect(parseCommandLine("cloud gcp").kind).toBe("error");
    expect(parseCommandLine("account 12")).toMatchObject({ kind: "error" });
    expect(parseCommandLine("frobnicate")).toEqual({
      kind: "error",
      message: "unknown command :frobnicate; try :help",
    });
    expect(parseCommandLine("filter !kms")).toEqual({ kind: "filter", text: "!kms" });
  });
});

describe("export reducer", () => {
  it("changes the default path with the format until the user edits it; Esc restores the path", () => {
    const def = (f: string) => `report.${f}`;
    let s = initialExport("report.json");
    s = exportReducer(s, { type: "move", delta: 1, formats: ["json", "md"], defaultPath: def });
    expect(s.path).toBe("report.md");
    s = exportReducer(s, { type: "edit-path" });
    s = exportReducer(s, { type: "path-backspace" });
    s = exportReducer(s, { type: "path-input", text: "x" });
    expect(s.path).toBe("report.mx");
    expect(exportReducer(s, { type: "path-cancel" }).path).toBe("report.md");
    s = exportReducer(s, { type: "path-commit" });
    s = exportReducer(s, { type: "move", delta: 1, formats: ["json", "md"], defaultPath: def });
    expect(s.path).toBe("report.mx");
    s = exportReducer(s, { type: "ask-overwrite", path: "/x" });
    expect(s.confirmPath).toBe("/x");
    expect(exportReducer(s, { type: "writing" }).confirmPath).toBeUndefined();
  });
});

describe("scan reducer", () => {
  it("folds events into progress, counters, a capped log, and an ETA", () => {
    let s = initialScan(["aws", "azure"], 0);
    s = scanReducer(s, {
      type: "events",
      nowMs: 0,
      events: [
        { type: "scan-started", at: "2026-11-20T10:00:00.000Z", clouds: ["aws", "azure"] },
        { type: "progress", cloud: "aws", unit: "regions", done: 5, total: 20 },
        { type: "progress", cloud: "azure", unit: "subscriptions", done: 0, total: 5 },
        { type: "api-call", cloud: "aws", service: "cloudtrail", operation: "DescribeTrails", ms: 3, ok: true },
        { type: "api-call", cloud: "aws", service: "cloudtrail", operation: "DescribeTrails", ms: 3, ok: false },
        { type: "throttled", cloud: "aws", service: "cloudtrail", operation: "LookupEvents", retryInMs: 500 },
        { type: "retry", cloud: "aws", service: "cloudtrail", operation: "LookupEvents", attempt: 2 },
        {
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
        },
        { type: "warning", message: "opt-in region skipped" },
      ],
    });
    expect(s.phase).toBe("running");
    expect(s.apiCalls).toBe(2);
    expect(s.failedCalls).toBe(1);
    expect(s.throttles).toBe(1);
    expect(s.retries).toBe(1);
    expect(s.scopeErrors).toBe(1);
    expect(s.log.map((l) => l.text)).toEqual(["222222222222: sts:AssumeRole AccessDenied", "opt-in region skipped"]);
    expect(scanFraction(s)).toBe(0.2);
    expect(scanEta(s, 10_000)).toBe(40_000);
    s = scanReducer(s, { type: "stopping" });
    expect(s.phase).toBe("stopping");
    s = scanReducer(s, { type: "event", nowMs: 12_000, event: { type: "scan-finished", at: "x", complete: false } });
    expect(s.phase).toBe("finished");
    expect(s.complete).toBe(false);
    expect(formatDuration(3_723_000)).toBe("1h02m");
    expect(formatDuration(65_000)).toBe("1m05s");
  });
});

describe("derived view data", () => {
  it("delivery ratio counts only checked samples (unknown samples are never delivered)", () => {
    const d = derive(tuiSnapshot(), tuiAnalysis());
    expect(d.delivery).toEqual({ sampled: 72, found: 58, missing: 14, unknownSamples: 1, ratio: 58 / 72 });
    expect(deliveryRatio([])).toMatchObject({ ratio: null });
    expect(d.topBlindSpots.map((r) => `${r.label} ${r.eventClass}`)).toEqual([
      "111111111111 us-east-1 (management) privileged",
      "subscription 0b1f6471-1bf0-4dda-aec3-111111111111 (prod) privileged",
      "111111111111 eu-central-1 (management) privileged",
    ]);
    expect(d.heatmap.regions[0]).toBe("us-east-1");
    expect(d.summary.coverageRatio).toBe(0.4);
  });
  it("percent never rounds a gap up to 100%", () => {
    expect(percent(0.99999)).toBe("99.9%");
    expect(percent(1)).toBe("100.0%");
    expect(percent(null)).toBe("n/a");
  });
  it("region codes are short and distinct", () => {
    expect(regionCode("us-east-1")).toBe("use1");
    expect(regionCode("ap-northeast-1")).toBe("apne1");
    expect(regionCode("af-south-1")).toBe("afs1");
    expect(regionCode("ap-south-1")).toBe("aps1");
    expect(regionCode("us-gov-west-1")).toBe("usgw1");
  });
  it("tamper windows and day marks show gaps and stopped logging", () => {
    const days = tamperDays(
      [{ eventId: "e", time: "2026-11-17T03:12:00.000Z", name: "StopLogging", resumedAt: "2026-11-18T01:00:00.000Z" }],
      "2026-11-20T10:00:00.000Z",
    );
    expect([...days]).toEqual(["2026-11-17", "2026-11-18"]);
    const marks = dayMarks(
      [
        { day: "2026-11-16", source: 3, siem: 3 },
        { day: "2026-11-17", source: 3, siem: 0 },
        { day: "2026-11-19", source: 3, siem: 0 },
        { day: "2026-11-20", source: 3, siem: null },
      ],
      new Set(["2026-11-17"]),
    );
    expect(marks).toEqual(["ok", "stopped", "gap", "unknown"]);
    expect(sparkGlyph(0, 10)).toBe(" ");
    expect(sparkGlyph(10, 10)).toBe("█");
  });
  it("bars never look complete while something is missing", () => {
    expect(barCells(99, 1, 100, 10)).toEqual([9, 1, 0]);
    expect(barCells(100, 0, 100, 10)).toEqual([10, 0, 0]);
    expect(barCells(1, 0, 1000, 10)).toEqual([1, 0, 9]);
    expect(barCells(0, 0, 0, 5)).toEqual([0, 0, 5]);
  });
});

describe("makeFinding fixtures", () => {
  it("are real catalogue findings", () => {
    const f = makeFinding({
      checkId: "aws.trail.kms-disabled",
      status: "fail",
      scope: { cloud: "aws", accountId: "111111111111" },
      title: "t",
      evidence: [],
    });
    expect(f.severity).toBe("medium");
  });
});

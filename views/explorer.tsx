import { resolve } from "node:path";
import { Box } from "ink";
import { useEffect, useMemo, useReducer, useState } from "react";
import type { Analysis } from "../analyzers/index.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { BlindSpotsView } from "./blindspots/blindspots-view.js";
import { Header, HelpOverlay, StatusBar } from "./components/chrome.js";
import { derive, queryFindings } from "./data/derive.js";
import { ExportView } from "./export/export-view.js";
import { defaultExportPath, type Exporter } from "./export/exporter.js";
import { FindingsView } from "./findings/findings-view.js";
import { createFixPreviewCache } from "./fix/fix-preview.js";
import { FixView } from "./fix/fix-view.js";
import { type FixWriter, FS_FIX_WRITER } from "./fix/fix-writer.js";
import { calculateLayout, type TerminalSize } from "./layout.js";
import { overviewGeometry } from "./overview/geometry.js";
import { OverviewView } from "./overview/overview-view.js";
import { appReducer, INITIAL_APP } from "./state/app-reducer.js";
import { exportReducer, initialExport } from "./state/export-reducer.js";
import { findingsReducer, INITIAL_FINDINGS } from "./state/findings-reducer.js";
import { fixReducer, INITIAL_FIX } from "./state/fix-reducer.js";
import { type ListCursor, START } from "./state/list.js";
import { INITIAL_OVERVIEW, overviewReducer } from "./state/overview-reducer.js";
import { useExplorerInput } from "./use-explorer-input.js";
import { useTerminalSize } from "./use-terminal-size.js";

/** Props of {@link Explorer}. */
export interface ExplorerProps {
  readonly snapshot: Snapshot;
  readonly analysis: Analysis;
  /** Where the data came from, for the header: `file scan.json`, `demo simulator`, `live scan`. */
  readonly source: string;
  readonly exporter: Exporter;
  /** Where the fix preview writes scripts. @default the file system (atomic writes) */
  readonly fixWriter?: FixWriter;
  /** Folder relative export paths resolve against. */
  readonly cwd: string;
  /** Fixed terminal size (tests, benchmarks); the real size otherwise. */
  readonly size?: TerminalSize;
  readonly onQuit: () => void;
  /** Starts a rescan; absent when the data has no live source (ctrl-r then says why). */
  readonly onRescan?: () => void;
  /** First status line (e.g. "scan stopped: incomplete"). */
  readonly initialStatus?: { text: string; level: "info" | "warn" | "error" };
  /** How long a status message stays. @default 4000 */
  readonly statusMs?: number;
}

/** Scope summary for the header. */
export function scopeSummary(snapshot: Snapshot): string {
  const parts: string[] = [];
  if (snapshot.aws) {
    const accounts = snapshot.aws.accounts.length;
    const regions = new Set(snapshot.aws.accounts.flatMap((a) => a.regions.map((r) => r.name))).size;
    parts.push(`${accounts} AWS account${accounts === 1 ? "" : "s"} × ${regions} regions`);
  }
  if (snapshot.azure) {
    const subs = snapshot.azure.subscriptions.length;
    parts.push(`${subs} Azure subscription${subs === 1 ? "" : "s"}`);
  }
  return parts.join(" · ") || "nothing scanned";
}

/** The explorer: overview, findings, blind spots, fix preview and export over one analysed snapshot. */
export function Explorer(props: ExplorerProps) {
  const { snapshot, analysis, exporter } = props;
  const size = useTerminalSize(props.size);
  const layout = useMemo(() => calculateLayout(size), [size]);
  const derived = useMemo(() => derive(snapshot, analysis), [snapshot, analysis]);
  const [app, dispatchApp] = useReducer(appReducer, INITIAL_APP, (s) =>
    props.initialStatus ? appReducer(s, { type: "status", ...props.initialStatus }) : s,
  );
  const [overview, dispatchOverview] = useReducer(overviewReducer, INITIAL_OVERVIEW);
  const [findings, dispatchFindings] = useReducer(findingsReducer, INITIAL_FINDINGS);
  const [blindspots, setBlindspots] = useState<ListCursor>(START);
  const [fix, dispatchFix] = useReducer(fixReducer, INITIAL_FIX);
  const [helpOffset, setHelpOffset] = useState(0);
  const [exportState, dispatchExport] = useReducer(
    exportReducer,
    defaultExportPath(exporter.formats[0] ?? "json", snapshot.finishedAt),
    initialExport,
  );
  const geometry = useMemo(() => overviewGeometry(layout, derived), [layout, derived]);
  const filtered = useMemo(
    () => queryFindings(analysis.findings, derived.haystack, findings.query),
    [analysis.findings, derived.haystack, findings.query],
  );

  const statusMs = props.statusMs ?? 4000;
  useEffect(() => {
    const status = app.status;
    if (!status) return;
    const timer = setTimeout(() => dispatchApp({ type: "clear-status", seq: status.seq }), statusMs);
    return () => clearTimeout(timer);
  }, [app.status, statusMs]);

  // The list may shrink under the cursor (filter typed): keep the cursor inside it.
  useEffect(() => {
    dispatchFindings({ type: "clamp", count: filtered.length, pageSize: layout.listRows });
  }, [filtered.length, layout.listRows]);

  const selection = useMemo(() => {
    if (findings.marks.size > 0) {
      return { findings: analysis.findings.filter((f) => findings.marks.has(f.id)), isMarked: true };
    }
    const current = filtered[findings.list.cursor];
    return { findings: current ? [current] : [], isMarked: false };
  }, [findings.marks, filtered, findings.list.cursor, analysis.findings]);

  const resolvedPath = resolve(props.cwd, exportState.path);

  // The generators run only while the fix preview is open (the findings cursor moves fast over 10,000 rows).
  const fixPreviewOf = useMemo(() => createFixPreviewCache(snapshot, analysis), [snapshot, analysis]);
  const fixPreview =
    app.view === "fix" && selection.findings.length > 0 ? fixPreviewOf(selection.findings, fix.format) : undefined;
  // A new selection starts its scripts at the top.
  useEffect(() => {
    if (selection) dispatchFix({ type: "reset-scroll" });
  }, [selection]);

  useExplorerInput({
    app,
    dispatchApp,
    overview,
    dispatchOverview,
    findings,
    dispatchFindings,
    blindspots,
    setBlindspots,
    fix,
    dispatchFix,
    fixPreview,
    fixWriter: props.fixWriter ?? FS_FIX_WRITER,
    setHelpOffset,
    exportState,
    dispatchExport,
    derived,
    geometry,
    layout,
    filtered,
    exporter,
    snapshot,
    resolvePath: (p) => resolve(props.cwd, p),
    onQuit: props.onQuit,
    onRescan: props.onRescan,
  });

  const crumbs = breadcrumbs();
  function breadcrumbs(): string[] {
    switch (app.view) {
      case "overview":
        return [
          "Overview",
          overview.pane === "aws"
            ? "AWS heatmap"
            : overview.pane === "azure"
              ? "Azure subscriptions"
              : "Top blind spots",
        ];
      case "findings": {
        const out = ["Overview"];
        if (findings.query.scope) out.push(findings.query.scope.label);
        out.push("Findings");
        if (findings.isDetailOpen) out.push(filtered[findings.list.cursor]?.checkId ?? "detail");
        return out;
      }
      case "blindspots":
        return ["Overview", "Blind spots", derived.rankedSamples[blindspots.cursor]?.label ?? ""].filter(Boolean);
      case "fix":
        return ["Findings", "Fix preview"];
      case "export":
        return ["Export"];
    }
  }

  const prompt =
    app.view === "findings" && findings.isEditingFilter
      ? `/${findings.query.text}`
      : app.view === "export" && exportState.isEditingPath
        ? `path: ${exportState.path}`
        : app.view === "fix" && fix.isEditingDir
          ? `write into folder: ${fix.dir}`
          : undefined;

  return (
    <Box flexDirection="column" width={layout.columns}>
      <Header
        scope={scopeSummary(snapshot)}
        scannedAt={snapshot.finishedAt}
        source={props.source}
        isIncomplete={!snapshot.complete}
        layout={layout}
        breadcrumbs={crumbs}
      />
      <Box height={layout.bodyRows} overflow="hidden" flexDirection="column">
        {app.overlay === "help" ? (
          <HelpOverlay view={app.view} layout={layout} offset={helpOffset} />
        ) : app.view === "overview" ? (
          <OverviewView derived={derived} state={overview} geometry={geometry} layout={layout} />
        ) : app.view === "findings" ? (
          <FindingsView findings={filtered} total={analysis.findings.length} state={findings} layout={layout} />
        ) : app.view === "blindspots" ? (
          <BlindSpotsView derived={derived} list={blindspots} layout={layout} />
        ) : app.view === "fix" ? (
          <FixView
            findings={selection.findings}
            isMarkedSelection={selection.isMarked}
            preview={fixPreview}
            state={fix}
            resolvedDir={resolve(props.cwd, fix.dir)}
            layout={layout}
          />
        ) : (
          <ExportView
            formats={exporter.formats}
            pending={exporter.pending}
            state={exportState}
            resolvedPath={resolvedPath}
            layout={layout}
          />
        )}
      </Box>
      <StatusBar
        view={app.view}
        status={app.status}
        layout={layout}
        commandText={app.overlay === "command" ? app.commandText : undefined}
        prompt={prompt}
      />
    </Box>
  );
}

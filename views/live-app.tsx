import { useInput } from "ink";
import { useEffect, useMemo, useReducer, useRef, useState } from "react";
import type { Analysis } from "../analyzers/index.js";
import type { Cloud } from "../src/model/common.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { Explorer } from "./explorer.js";
import type { Exporter } from "./export/exporter.js";
import { calculateLayout, type TerminalSize } from "./layout.js";
import { type ScanFn, type ScanRun, startScanRun } from "./scan/scan-run.js";
import { ScanScreen } from "./scan/scan-screen.js";
import { initialScan, scanReducer } from "./state/scan-reducer.js";
import { useTerminalSize } from "./use-terminal-size.js";

/** Props of {@link LiveApp}. */
export interface LiveAppProps {
  readonly scan: ScanFn;
  /** A run already started (so the CLI can refuse early failures before drawing); else one is started on mount. */
  readonly initialRun?: ScanRun;
  readonly clouds: readonly Cloud[];
  readonly analyze: (snapshot: Snapshot) => Analysis;
  readonly makeExporter: (snapshot: Snapshot, analysis: Analysis) => Promise<Exporter>;
  /** Header label: `demo simulator`, `ambient credentials`. */
  readonly source: string;
  readonly cwd: string;
  readonly size?: TerminalSize;
  /** Called once when the user quits; `error` is set when the last scan failed. */
  readonly onExit: (result: { error?: unknown }) => void;
  /** Progress refresh interval. @default 100 */
  readonly tickMs?: number;
  readonly now?: () => number;
}

type Phase =
  | { kind: "scanning"; run: ScanRun; id: number }
  | { kind: "exploring"; snapshot: Snapshot; analysis: Analysis; exporter: Exporter; id: number; wasStopped: boolean }
  | { kind: "failed"; error: unknown; id: number };

/** Scan screen while a scan runs, then the explorer over its snapshot; ctrl-r in the explorer scans again. */
export function LiveApp(props: LiveAppProps) {
  const now = props.now ?? Date.now;
  const size = useTerminalSize(props.size);
  const layout = useMemo(() => calculateLayout(size), [size]);
  const [phase, setPhase] = useState<Phase>(() => ({
    kind: "scanning",
    run: props.initialRun ?? startScanRun(props.scan),
    id: 0,
  }));
  const [progress, dispatch] = useReducer(scanReducer, undefined, () => initialScan(props.clouds, now()));
  const [nowMs, setNowMs] = useState(now());
  const exited = useRef(false);
  const exit = (result: { error?: unknown }) => {
    if (exited.current) return;
    exited.current = true;
    props.onExit(result);
  };

  // Leaving (quit, SIGTERM) while a scan runs stops it, so nothing keeps the process alive behind a closed UI.
  useEffect(() => {
    if (phase.kind !== "scanning") return;
    const { controller } = phase.run;
    return () => controller.abort();
  }, [phase]);

  // Fold buffered events into the screen a few times a second: scans emit thousands per second.
  const tickMs = props.tickMs ?? 100;
  useEffect(() => {
    if (phase.kind !== "scanning") return;
    const timer = setInterval(() => {
      const events = phase.run.drain();
      const t = now();
      if (events.length > 0) dispatch({ type: "events", events, nowMs: t });
      setNowMs(t);
    }, tickMs);
    return () => clearInterval(timer);
  }, [phase, tickMs, now]);

  // Settle the scan: explore what came back (incomplete when stopped), or show the failure.
  useEffect(() => {
    if (phase.kind !== "scanning") return;
    let live = true;
    const { run, id } = phase;
    run.promise.then(
      async (snapshot) => {
        const events = run.drain();
        if (events.length > 0) dispatch({ type: "events", events, nowMs: now() });
        const wasStopped = run.isStopped();
        const kept = wasStopped ? { ...snapshot, complete: false } : snapshot;
        try {
          const analysis = props.analyze(kept);
          const exporter = await props.makeExporter(kept, analysis);
          if (live) setPhase({ kind: "exploring", snapshot: kept, analysis, exporter, id, wasStopped });
        } catch (error) {
          if (!live) return;
          dispatch({
            type: "failed",
            message: `analysis failed: ${(error as Error)?.message ?? String(error)}`,
            nowMs: now(),
          });
          setPhase({ kind: "failed", error, id });
        }
      },
      (error: unknown) => {
        if (!live) return;
        dispatch({
          type: "failed",
          message: `scan failed: ${(error as Error)?.message ?? String(error)}`,
          nowMs: now(),
        });
        setPhase({ kind: "failed", error, id });
      },
    );
    return () => {
      live = false;
    };
  }, [phase, props.analyze, props.makeExporter, now]);

  // Always active (toggling isActive drops Ink's raw-mode listener under the explorer); ignores keys while exploring.
  useInput((input, key) => {
    if (phase.kind === "exploring") return;
    const quitKey = input === "q" || (key.ctrl && input === "c");
    if (phase.kind === "failed") {
      if (quitKey || key.escape) exit({ error: phase.error });
      return;
    }
    if (phase.kind !== "scanning" || !quitKey) return;
    if (phase.run.isStopped()) {
      // Second stop request: leave now.
      if (key.ctrl && input === "c") exit({});
      return;
    }
    phase.run.controller.abort();
    dispatch({ type: "stopping" });
  });

  if (phase.kind === "exploring") {
    return (
      <Explorer
        key={phase.id}
        snapshot={phase.snapshot}
        analysis={phase.analysis}
        exporter={phase.exporter}
        source={props.source}
        cwd={props.cwd}
        size={props.size}
        onQuit={() => exit({})}
        onRescan={() => {
          dispatch({ type: "reset", clouds: props.clouds, nowMs: now() });
          setPhase({ kind: "scanning", run: startScanRun(props.scan), id: phase.id + 1 });
        }}
        initialStatus={
          phase.wasStopped || !phase.snapshot.complete
            ? {
                text: "scan stopped early: showing what was collected (INCOMPLETE; missing scopes are unknown)",
                level: "warn",
              }
            : { text: "scan finished", level: "info" }
        }
      />
    );
  }
  return <ScanScreen progress={progress} nowMs={nowMs} layout={layout} source={props.source} />;
}
